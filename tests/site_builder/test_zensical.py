"""`accord site generate` output builds with Zensical, which reads mkdocs.yml but runs no
MkDocs plugin: the pages must stand on their own (docs/wiki.md)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from components import require
from testclock import Cli
from wikikit import Repo

from accord.cli import main

CONFIG = """\
site_name: Roosterwerk agreements
docs_dir: docs
site_dir: site
theme:
  name: material
"""


def test_generated_pages_build_with_zensical(repo: Repo, tmp_path: Path) -> None:
    zensical = shutil.which("zensical", path=str(Path(sys.executable).parent))
    require(zensical is not None, "zensical is not installed (pip install -e .[test])")
    assert zensical is not None
    project = tmp_path / "handbook"
    result = Cli().invoke(
        main, ["site", "generate", str(repo.root), "--out", str(project / "docs")]
    )
    assert result.exit_code == 0, result.output
    (project / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    done = subprocess.run(
        [zensical, "build"], cwd=project, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    site = project / "site"
    sla = (site / "agreements" / "marketing-sales-sla" / "index.html").read_text("utf-8")
    assert "<title>Marketing and Sales service level agreement" in sla
    assert "Change history" in sla
    funnel = (site / "funnel" / "index.html").read_text("utf-8")
    assert 'src="../assets/funnel.svg"' in funnel and (site / "assets" / "funnel.svg").is_file()
    for page in ("roles", "kpis", "glossary", "teams", "assessment", "changelog"):
        assert (site / page / "index.html").is_file(), page
