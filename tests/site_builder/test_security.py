"""Stored XSS: hostile YAML and git text shows as text in the built HTML."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from wikikit import Repo, build, workspace_files

SUMMARY = (
    "<script>alert(1)</script> and <img src=x onerror=alert(2)> and "
    "[x](javascript:alert(3)) and { onclick=alert(4) } and {{ config.site_name }}"
)
TITLE = "SLA </title><script>alert(5)</script>"
# git drops < and > from author names; the rest must still be inert
AUTHOR = 'Mallory [x](javascript:alert(6)) { onclick=alert(6) } &amp; "onmouseover=alert(6)'
SUBJECT = '<img src=x onerror="alert(7)"> [pr](javascript:alert(8)) (#5)'


class Scan(HTMLParser):
    """Every element with its attributes, script bodies, the <title> and visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.title = ""
        self.text: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._in:
            while self._in and self._in.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        where = self._in[-1] if self._in else ""
        if where == "script":
            self.scripts.append(data)
        elif where == "title":
            self.title += data
        else:
            self.text.append(data)


def _scan(path: Path) -> Scan:
    scan = Scan()
    scan.feed(path.read_text(encoding="utf-8"))
    return scan


def _hostile_site(tmp_path: Path) -> Path:
    repo = Repo(tmp_path / "ws")
    repo.write(workspace_files(title=TITLE, summary=SUMMARY))
    repo.commit(SUBJECT, author=AUTHOR, email="x@example.com", date="2026-01-05")
    return build(repo.root)


def test_hostile_text_is_inert_on_every_page(tmp_path: Path) -> None:
    site = _hostile_site(tmp_path)
    pages = sorted(site.rglob("index.html"))
    assert len(pages) >= 10
    for path in pages:
        scan = _scan(path)
        for tag, attrs in scan.elements:
            for name, value in attrs.items():
                assert not name.startswith("on"), (path, tag, name)
                if name in ("href", "src", "action", "formaction"):
                    assert not (value or "").strip().lower().startswith("javascript:"), path
            if tag == "img":
                assert "onerror" not in attrs and attrs.get("src") != "x", path
        for body in scan.scripts:
            assert "alert(" not in body, path


def test_hostile_text_is_visible_as_text(tmp_path: Path) -> None:
    site = _hostile_site(tmp_path)
    scan = _scan(site / "agreements/marketing-sales-sla/index.html")
    visible = " ".join(" ".join(scan.text).split())
    assert "<script>alert(1)</script>" in visible
    assert "<img src=x onerror=alert(2)>" in visible
    assert "[x](javascript:alert(3))" in visible
    assert "{ onclick=alert(4) }" in visible
    assert "{{ config.site_name }}" in visible  # not evaluated by a template engine
    assert AUTHOR in visible
    assert '<img src=x onerror="alert(7)">' in visible
    assert TITLE in scan.title  # the <title>, as text
    # the nav entry of the page shows the title as text on other pages too
    home = _scan(site / "index.html")
    assert TITLE in " ".join(" ".join(home.text).split())
    assert not any("alert" in body for body in home.scripts)


def test_pr_link_only_from_the_repo_url(tmp_path: Path) -> None:
    site = _hostile_site(tmp_path)
    scan = _scan(site / "changelog/index.html")
    hrefs = [a.get("href") or "" for t, a in scan.elements if t == "a"]
    assert "https://git.example.com/acme/agreements/pull/5" in hrefs
    assert not any("javascript" in h for h in hrefs)


def test_unsafe_repo_url_gives_no_links(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "ws")
    files = workspace_files()
    files["agreements/workspace.yaml"] = files["agreements/workspace.yaml"].replace(
        "https://git.example.com/acme/agreements", '"javascript:alert(9)//"'
    )
    repo.write(files)
    repo.commit("Start (#1)", author="A", email="a@x", date="2026-01-05")
    scan = _scan(build(repo.root) / "changelog/index.html")
    hrefs = [a.get("href") or "" for t, a in scan.elements if t == "a"]
    assert not any("javascript" in h for h in hrefs)
    assert "PR #1" in " ".join(scan.text)
