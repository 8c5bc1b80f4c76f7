"""The wiki's raw HTML history lists, written in this process, sanitized on a worker thread.

The pages carry a placeholder where each history list goes
(`site_builder.pages.generate_pages` with ``defer``, which hands over the
function that writes the list). `Lists` writes every list at once and
sanitizes each with nh3 on one worker thread: nh3 releases the GIL, so that
runs while MkDocs converts the pages' Markdown. The plugin puts each list
back (`Lists.get`) after the search plugin indexed its page.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from site_builder._sanitize import sanitize_html

__all__ = ["Lists", "Render"]

Render = Callable[[], str]
"""Writes one raw HTML history list."""


class Lists:
    """Sanitized history lists by placeholder."""

    def __init__(self, renders: dict[str, Render]) -> None:
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="accord-nh3")
        self._lists: dict[str, Future[str]] = {
            token: self._worker.submit(sanitize_html, render()) for token, render in renders.items()
        }

    def get(self, token: str) -> str:
        """The list of placeholder `token`, written and sanitized."""
        return self._lists[token].result()

    def close(self) -> None:
        """Stop the worker (lists not sanitized yet are dropped)."""
        self._worker.shutdown(wait=True, cancel_futures=True)
