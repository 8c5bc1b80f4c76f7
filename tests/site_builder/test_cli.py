"""`accord site generate|build` through the command line."""

from __future__ import annotations

import html
from pathlib import Path

from testclock import Cli
from wikikit import Repo

from accord.cli import main


def test_generate_writes_plain_markdown(repo: Repo, tmp_path: Path) -> None:
    out = tmp_path / "md"
    result = Cli().invoke(main, ["site", "generate", str(repo.root), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Wrote 10 pages and 2 pictures" in result.output
    assert (out / "assets/funnel.svg").is_file() and (out / "assets/maturity.svg").is_file()
    sla = (out / "agreements/marketing-sales-sla.md").read_text(encoding="utf-8")
    assert "SQL volume target raised from 100 to 120 a month (+20%)" in html.unescape(sla)
    assert (out / "changelog.md").is_file()


def test_build_without_mkdocs_yml_writes_a_default(repo: Repo, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = Cli().invoke(main, ["site", "build", str(repo.root), "--out", str(out), "--strict"])
    assert result.exit_code == 0, result.output
    assert (out / "agreements/marketing-sales-sla/index.html").is_file()
    assert not (repo.root / "mkdocs.yml").exists()


def test_build_strict_fails_on_shallow_clone(repo: Repo, tmp_path: Path) -> None:
    import subprocess

    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True
    )
    result = Cli().invoke(
        main, ["site", "build", str(clone), "--out", str(tmp_path / "s"), "--strict"]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output


def test_generate_reports_invalid_agreements(repo: Repo, tmp_path: Path) -> None:
    (repo.root / "agreements/bad.yaml").write_text("kind: Nope\n", encoding="utf-8")
    result = Cli().invoke(main, ["site", "generate", str(repo.root), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "bad.yaml:1" in result.output
