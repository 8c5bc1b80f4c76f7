"""The raw HTML history lists: left out of the Markdown, sanitized on a worker thread, put
back after indexing."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from wikikit import Html, Repo, build, page

import site_builder.pages
from site_builder._lists import Lists
from site_builder._sanitize import sanitize_html
from site_builder.plugin import _put_back

LIST = '<ul class="accord-history">\n<li><b onclick="x()">Jan</b> <script>1</script></li>\n</ul>'


def _pages(site: Path) -> dict[str, str]:
    return {
        str(p.relative_to(site)): p.read_text(encoding="utf-8")
        for p in sorted(site.rglob("*.html"))
    }


def test_every_history_list_is_put_back_in_its_page(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(site_builder.pages, "CHANGELOG_LIMIT", 1)  # "Earlier changes" too
    pages = _pages(build(repo.root))
    changelog = Html(page(repo.root / "site", "changelog/")).text
    assert "Earlier changes" in changelog and "Add the team structure" in changelog
    sla = Html(page(repo.root / "site", "agreements/marketing-sales-sla/")).text
    assert "Merge pull request from acme/raise-volume" in sla
    assert "accordblock" not in "".join(pages.values()), "every placeholder was replaced"


def test_a_rebuild_gives_the_same_pages(repo: Repo) -> None:
    first = _pages(build(repo.root))
    assert first == _pages(build(repo.root))


def test_a_list_is_written_once_and_sanitized_in_place_of_its_comment() -> None:
    written: list[str] = []

    def render() -> str:
        written.append("t")
        return LIST

    lists = Lists({"t": render})
    try:
        html = _put_back("<h2>Change history</h2>\n<!--t-->\n<p>end</p>", ["t"], lists)
    finally:
        lists.close()
    assert html == f"<h2>Change history</h2>\n{sanitize_html(LIST)}\n<p>end</p>"
    assert "<script" not in html and "onclick" not in html
    assert written == ["t"]


def test_the_build_leaves_no_worker_thread_behind(repo: Repo) -> None:
    build(repo.root)
    assert not [t for t in threading.enumerate() if t.name.startswith("accord-nh3")]
