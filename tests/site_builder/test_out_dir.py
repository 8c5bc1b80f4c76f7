"""`accord site build|generate --out DIR`: nothing Accord writes deletes what it did not create.

MkDocs empties the site folder before it builds. Every case runs in `tmp_path`
and lists the whole tree (paths, file contents, link targets) before and after:
a refused folder leaves the tree exactly as it was, and an accepted one removes
nothing outside the folder Accord owns (`SITE_MARKER`). The catalogue is
docs/reliability.md.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from testclock import NOW, Cli, fixed
from wikikit import REPO_ROOT, Repo

from accord.cli import main, run
from site_builder.build import SITE_MARKER, SiteError, build_site, check_out_dir
from site_builder.generate import write_pages

Tree = dict[str, str]


def tree(top: Path) -> Tree:
    """Every path under `top` → its kind and content: what "nothing deleted" compares."""
    found: Tree = {}
    for folder, dirs, files in os.walk(top):
        for name in dirs + files:
            path = Path(folder) / name
            rel = path.relative_to(top).as_posix()
            if path.is_symlink():
                found[rel] = f"link {os.readlink(path)}"
            elif path.is_dir():
                found[rel] = "dir"
            else:
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def kept(before: Tree, after: Tree, *, owned: str | None = None) -> list[str]:
    """Paths of `before` that are gone or changed in `after` (outside `owned`)."""
    return [
        rel
        for rel, what in before.items()
        if not (owned and (rel == owned or rel.startswith(owned + "/"))) and after.get(rel) != what
    ]


def _mkdocs_yml(repo: Repo, site_dir: str) -> None:
    config = (REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("site_dir: site\n", f"site_dir: {site_dir}\n")
    (repo.root / "mkdocs.yml").write_text(config, encoding="utf-8")
    (repo.root / "docs").mkdir(exist_ok=True)


# --- refused: the tree is left exactly as it was ------------------------------------------


def _workspace_itself(repo: Repo, tmp: Path) -> Path:
    return repo.root


def _parent_of_workspace(repo: Repo, tmp: Path) -> Path:
    return repo.root / ".."


def _grandparent_of_workspace(repo: Repo, tmp: Path) -> Path:
    return tmp.parent


def _agreements_folder(repo: Repo, tmp: Path) -> Path:
    return repo.root / "agreements"


def _git_folder(repo: Repo, tmp: Path) -> Path:
    return repo.root / ".git"


def _folder_with_a_file(repo: Repo, tmp: Path) -> Path:
    (tmp / "notes").mkdir()
    (tmp / "notes" / "todo.txt").write_text("my own notes\n")
    return tmp / "notes"


def _folder_with_a_hidden_file(repo: Repo, tmp: Path) -> Path:
    (tmp / "out").mkdir()
    (tmp / "out" / ".keep").write_text("")
    return tmp / "out"


def _folder_with_an_empty_folder(repo: Repo, tmp: Path) -> Path:
    (tmp / "out" / "photos").mkdir(parents=True)
    return tmp / "out"


def _old_site_without_marker(repo: Repo, tmp: Path) -> Path:
    (tmp / "site").mkdir()
    (tmp / "site" / "index.html").write_text("<p>built by someone else</p>\n")
    return tmp / "site"


def _a_file(repo: Repo, tmp: Path) -> Path:
    (tmp / "report.pdf").write_bytes(b"%PDF-1.7\n")
    return tmp / "report.pdf"


def _link_to_the_workspace(repo: Repo, tmp: Path) -> Path:
    (tmp / "shortcut").symlink_to(repo.root, target_is_directory=True)
    return tmp / "shortcut"


def _link_to_a_foreign_folder(repo: Repo, tmp: Path) -> Path:
    _folder_with_a_file(repo, tmp)
    (tmp / "pointer").symlink_to(tmp / "notes", target_is_directory=True)
    return tmp / "pointer"


def _marker_is_a_planted_link(repo: Repo, tmp: Path) -> Path:
    _folder_with_a_file(repo, tmp)
    (tmp / "marker-elsewhere").write_text("")
    (tmp / "notes" / SITE_MARKER).symlink_to(tmp / "marker-elsewhere")
    return tmp / "notes"


def _marker_is_a_folder(repo: Repo, tmp: Path) -> Path:
    _folder_with_a_file(repo, tmp)
    (tmp / "notes" / SITE_MARKER).mkdir()
    return tmp / "notes"


REFUSED: dict[str, tuple[Callable[[Repo, Path], Path], str]] = {
    "the workspace itself": (_workspace_itself, "is the workspace itself"),
    "WS/..": (_parent_of_workspace, "holds the workspace"),
    "a grandparent": (_grandparent_of_workspace, "holds the workspace"),
    "WS/agreements": (_agreements_folder, "is not empty and was not written by Accord"),
    "WS/.git": (_git_folder, "is not empty and was not written by Accord"),
    "a folder with a file": (_folder_with_a_file, "(it holds 'todo.txt')"),
    "a hidden file only": (_folder_with_a_hidden_file, "(it holds '.keep')"),
    "an empty subfolder": (_folder_with_an_empty_folder, "(it holds 'photos')"),
    "a site built elsewhere": (_old_site_without_marker, "(it holds 'index.html')"),
    "a file": (_a_file, "is a file, not a folder"),
    "a link to the workspace": (_link_to_the_workspace, "is the workspace itself"),
    "a link to a foreign folder": (_link_to_a_foreign_folder, "(it holds 'todo.txt')"),
    "a planted marker link": (_marker_is_a_planted_link, "is not empty and was not written"),
    "a marker that is a folder": (_marker_is_a_folder, "is not empty and was not written"),
}


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
@pytest.mark.parametrize(("make", "why"), REFUSED.values(), ids=REFUSED.keys())
def test_build_refuses_and_deletes_nothing(
    make: Callable[[Repo, Path], Path], why: str, repo: Repo, tmp_path: Path
) -> None:
    out = make(repo, tmp_path)
    before = tree(tmp_path)
    result = Cli().invoke(main, ["site", "build", str(repo.root), "--out", str(out)])
    if make is _a_file:  # click refuses it first: a usage error, exit 2
        assert result.exit_code == 2
        with pytest.raises(SiteError, match=f"^--out {re.escape(str(out))} {why}"):
            build_site(repo.root, site_dir=out, now=fixed(NOW))
    else:
        assert result.exit_code == 1
        (line,) = result.output.splitlines()
        assert line.startswith(f"error: --out {out} ") and why in line, line
    assert tree(tmp_path) == before


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
@pytest.mark.parametrize(("make", "why"), REFUSED.values(), ids=REFUSED.keys())
def test_generate_refuses_and_writes_nothing(
    make: Callable[[Repo, Path], Path], why: str, repo: Repo, tmp_path: Path
) -> None:
    out = make(repo, tmp_path)
    before = tree(tmp_path)
    with pytest.raises(SiteError, match=f"^--out {re.escape(str(out))} .*{re.escape(why)}"):
        write_pages(repo.root, out, with_history=False)
    assert tree(tmp_path) == before


SITE_DIRS = {
    ".": "is the workspace itself",
    "..": "holds the workspace",
    "../..": "holds the workspace",
    "agreements": "is not empty and was not written by Accord",
    ".git": "is not empty and was not written by Accord",
}


@pytest.mark.parametrize(("site_dir", "why"), SITE_DIRS.items(), ids=list(SITE_DIRS))
def test_site_dir_of_mkdocs_yml_is_checked_the_same_way(
    site_dir: str, why: str, repo: Repo, tmp_path: Path
) -> None:
    _mkdocs_yml(repo, site_dir)
    before = tree(tmp_path)
    result = Cli().invoke(main, ["site", "build", str(repo.root)])
    assert result.exit_code == 1
    (line,) = result.output.splitlines()
    assert line.startswith("error: site_dir of mkdocs.yml: ") and why in line, line
    assert tree(tmp_path) == before


def test_a_relative_out_is_taken_from_the_current_folder(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo.root)
    before = tree(tmp_path)
    result = Cli().invoke(main, ["site", "build", ".", "--out", "."])
    assert result.exit_code == 1 and "is the workspace itself" in result.output
    result = Cli().invoke(main, ["site", "generate", ".", "--out", ".."])
    assert result.exit_code == 1 and isinstance(result.exception, SiteError)
    assert tree(tmp_path) == before


def test_the_command_line_says_it_in_one_line(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`accord site generate` has no handler of its own: `run` prints the one line."""
    monkeypatch.setattr(sys, "argv", ["accord", "site", "generate", str(repo.root), "--out", "."])
    monkeypatch.chdir(repo.root)
    with pytest.raises(SystemExit) as exited:
        run()
    assert exited.value.code == 1
    assert capsys.readouterr().err == (
        f"error: --out . is the workspace itself; building there would delete the agreements. "
        f"Choose a new folder, such as {repo.root / 'site'}\n"
    )


# --- accepted: only Accord's own folder changes ---------------------------------------------


def _build(repo: Repo, out: Path) -> Path:
    return build_site(repo.root, site_dir=out, now=fixed(NOW))


def test_build_into_a_new_folder_marks_it(repo: Repo, tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "site"
    before = tree(tmp_path)
    assert _build(repo, out) == out
    assert (out / "index.html").is_file() and (out / SITE_MARKER).is_file()
    assert kept(before, tree(tmp_path)) == []


def test_build_into_an_empty_folder(repo: Repo, tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    before = tree(tmp_path)
    _build(repo, out)
    assert (out / "index.html").is_file() and (out / SITE_MARKER).is_file()
    assert kept(before, tree(tmp_path)) == []


def test_rebuild_replaces_only_the_marked_folder(repo: Repo, tmp_path: Path) -> None:
    out = tmp_path / "site"
    _build(repo, out)
    (out / "stale.html").write_text("from an older build\n")
    (tmp_path / "beside.txt").write_text("next to the site, not in it\n")
    before = tree(tmp_path)
    _build(repo, out)
    after = tree(tmp_path)
    assert "site/stale.html" not in after  # inside Accord's folder: replaced
    assert kept(before, after, owned="site") == []
    assert (out / SITE_MARKER).is_file()


def test_default_site_dir_builds_twice(repo: Repo, tmp_path: Path) -> None:
    _mkdocs_yml(repo, "site")
    before = tree(tmp_path)
    for _ in range(2):
        site = build_site(repo.root, now=fixed(NOW))
    assert site == repo.root / "site" and (site / SITE_MARKER).is_file()
    assert kept(before, tree(tmp_path)) == []


def test_a_failed_build_leaves_its_folder_marked(repo: Repo, tmp_path: Path) -> None:
    """MkDocs may stop after emptying the folder; the next build may still use it."""
    clone = tmp_path / "clone"  # shallow: a warning, so --strict fails after the build
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True
    )
    out = tmp_path / "site"
    with pytest.raises(SiteError):
        build_site(clone, site_dir=out, strict=True, now=fixed(NOW))
    assert (out / SITE_MARKER).is_file()
    check_out_dir(out, clone)  # accepted


def test_generate_writes_pages_and_a_marker_and_runs_again(repo: Repo, tmp_path: Path) -> None:
    out = tmp_path / "md"
    before = tree(tmp_path)
    first = write_pages(repo.root, out, with_history=False)
    again = write_pages(repo.root, out, with_history=False)
    assert first == again and (out / SITE_MARKER).is_file()
    assert kept(before, tree(tmp_path)) == []


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_generate_never_writes_through_a_planted_link(repo: Repo, tmp_path: Path) -> None:
    out = tmp_path / "md"
    write_pages(repo.root, out, with_history=False)
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "marketing-sales-sla.md").write_text("not Accord's\n")
    shutil.rmtree(out / "agreements")
    (out / "agreements").symlink_to(victim, target_is_directory=True)
    before = tree(victim)
    with pytest.raises(SiteError, match="would be written outside the folder"):
        write_pages(repo.root, out, with_history=False)
    assert tree(victim) == before


# --- a plain `mkdocs build` with the plugin: the same guard --------------------------------


def _mkdocs_build(repo: Repo) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(repo.root / "mkdocs.yml")],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )


def test_plain_mkdocs_build_refuses_a_folder_it_did_not_write(repo: Repo, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "plan.txt").write_text("keep me", encoding="utf-8")
    _mkdocs_yml(repo, str(notes))
    before = tree(tmp_path)
    done = _mkdocs_build(repo)
    assert done.returncode != 0
    assert f"site_dir of mkdocs.yml: {notes} is not empty and was not written by Accord" in (
        done.stderr
    ), done.stderr
    assert tree(tmp_path) == before


def test_plain_mkdocs_build_marks_its_folder_and_builds_again(repo: Repo, tmp_path: Path) -> None:
    out = tmp_path / "wiki"
    _mkdocs_yml(repo, str(out))
    for _ in range(2):
        done = _mkdocs_build(repo)
        assert done.returncode == 0, done.stderr
        assert (out / SITE_MARKER).is_file() and (out / "index.html").is_file()
