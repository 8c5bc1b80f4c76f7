"""The history lists, written in a forked process or here, give the same pages."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from wikikit import Html, Repo, build, page

import site_builder.pages
import site_builder.plugin
from site_builder._lists import ListsApart, ListsHere, lists_for
from site_builder._sanitize import sanitize_html

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX only")

LIST = '<ul class="accord-history">\n<li><b onclick="x()">Jan</b> <script>1</script></li>\n</ul>'


def _pages(site: Path) -> dict[str, str]:
    return {
        str(p.relative_to(site)): p.read_text(encoding="utf-8")
        for p in sorted(site.rglob("*.html"))
    }


@needs_fork
def test_forked_and_in_process_lists_build_the_same_site(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(site_builder.pages, "CHANGELOG_LIMIT", 1)  # "Earlier changes" too
    used: list[str] = []

    def choose(kind: type[Any]) -> Any:
        def make(renders: Any) -> Any:
            used.append(kind.__name__)
            return kind(renders)

        return make

    monkeypatch.setattr(site_builder.plugin, "lists_for", choose(ListsApart))
    apart = _pages(build(repo.root))
    monkeypatch.setattr(site_builder.plugin, "lists_for", choose(ListsHere))
    here = _pages(build(repo.root))
    assert used == ["ListsApart", "ListsHere"]
    assert apart == here
    changelog = Html(page(repo.root / "site", "changelog/")).text
    assert "Earlier changes" in changelog and "Add the team structure" in changelog
    sla = Html(page(repo.root / "site", "agreements/marketing-sales-sla/")).text
    assert "Merge pull request #12 from acme/raise-volume" in sla
    assert "accordblock" not in "".join(apart.values()), "every placeholder was replaced"


@needs_fork
def test_a_forked_child_sanitizes() -> None:
    lists = ListsApart({"t": lambda: LIST})
    try:
        assert lists.get("t") == sanitize_html(LIST)
        assert "<script" not in lists.get("t") and "onclick" not in lists.get("t")
    finally:
        lists.close()


@needs_fork
def test_a_failing_child_means_the_lists_are_written_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("site_builder._lists._write_all", lambda renders, fd: os._exit(3))
    lists = ListsApart({"t": lambda: LIST})
    assert lists.get("t") == sanitize_html(LIST)
    lists.close()


@needs_fork
def test_a_garbled_answer_means_the_lists_are_written_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def garble(renders: Any, fd: int) -> None:
        os.write(fd, b"\x80\x05not a pickle")
        os._exit(0)

    monkeypatch.setattr("site_builder._lists._write_all", garble)
    lists = ListsApart({"t": lambda: LIST})
    assert lists.get("t") == sanitize_html(LIST)
    lists.close()


@needs_fork
def test_closing_stops_a_child_that_hangs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("site_builder._lists._write_all", lambda renders, fd: time.sleep(60))
    lists = ListsApart({"t": lambda: LIST})
    started = time.monotonic()
    lists.close()
    assert time.monotonic() - started < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(lists._pid, os.WNOHANG)  # already reaped: no zombie left


def test_no_fork_while_other_threads_run() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        lists = lists_for({"t": lambda: LIST})
        assert isinstance(lists, ListsHere)
        assert lists.get("t") == sanitize_html(LIST)
        lists.close()
    finally:
        stop.set()
        other.join()


def test_the_build_unfreezes_what_it_froze(repo: Repo) -> None:
    import gc

    assert gc.get_freeze_count() == 0
    build(repo.root)
    assert gc.get_freeze_count() == 0, "objects frozen for the build are handed back"
