"""Writing the wiki's history lists while MkDocs converts the pages.

The pages carry a placeholder where each raw HTML history list goes
(`site_builder.pages.generate_pages` with ``defer``); the plugin puts the
lists back after the search plugin indexed the page. Between the two, MkDocs
converts every page's Markdown — time enough to write the lists elsewhere:

* `ListsApart` forks a child that writes every list, sanitizes it with nh3
  and sends all of them back through a pipe. Used on POSIX when this
  process runs no other thread (forking a process with threads can leave a
  lock held in the child); a failing child only means the lists are written
  here after all, when first needed.
* `ListsHere` writes them in this process at once and sanitizes them on a
  worker thread (nh3 releases the GIL), for ``mkdocs serve``, Windows and
  any process with threads.

Both give the same text for the same list (tests/site_builder/test_lists.py).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Protocol

from site_builder._sanitize import sanitize_html

__all__ = ["Lists", "ListsApart", "ListsHere", "lists_for"]

Render = Callable[[], str]


class Lists(Protocol):
    """Sanitized history lists by placeholder."""

    def get(self, token: str) -> str: ...

    def close(self) -> None: ...


def lists_for(renders: dict[str, Render]) -> Lists:
    """`ListsApart` where forking is safe, else `ListsHere`."""
    if renders and hasattr(os, "fork") and threading.active_count() == 1:
        return ListsApart(renders)
    return ListsHere(renders)


class ListsHere:
    """Lists written now, sanitized on a worker thread."""

    def __init__(self, renders: dict[str, Render]) -> None:
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="accord-nh3")
        self._lists: dict[str, Future[str]] = {
            token: self._worker.submit(sanitize_html, render()) for token, render in renders.items()
        }

    def get(self, token: str) -> str:
        return self._lists[token].result()

    def close(self) -> None:
        self._worker.shutdown(wait=True, cancel_futures=True)


class ListsApart:
    """Lists written and sanitized in a forked child; written here if the child fails."""

    def __init__(self, renders: dict[str, Render]) -> None:
        self._renders = renders
        self._lists: dict[str, str] | None = None
        self._data: bytes | None = None
        read, write = os.pipe()
        self._pid = os.fork()
        if self._pid == 0:  # the child: never returns
            os.close(read)
            _write_all(renders, write)
        os.close(write)
        self._reaped = False
        self._reader = threading.Thread(
            target=self._receive, args=(read,), name="accord-lists", daemon=True
        )
        self._reader.start()

    def _receive(self, fd: int) -> None:
        with os.fdopen(fd, "rb") as pipe:
            data = pipe.read()  # the GIL is free while this waits
        _, status = os.waitpid(self._pid, 0)
        self._reaped = True
        self._data = data if os.waitstatus_to_exitcode(status) == 0 else None

    def get(self, token: str) -> str:
        if self._lists is None:
            self._reader.join()
            self._lists = _unpickled(self._data, set(self._renders))
            if self._lists is None:  # the child failed: write them here
                self._lists = _written(self._renders)
        return self._lists[token]

    def close(self) -> None:
        if not self._reaped:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
        self._reader.join()


def _written(renders: dict[str, Render]) -> dict[str, str]:
    """Every list written and sanitized, by placeholder."""
    return {token: sanitize_html(render()) for token, render in renders.items()}


def _unpickled(data: bytes | None, tokens: set[str]) -> dict[str, str] | None:
    if data is None:
        return None
    try:
        lists = pickle.loads(data)  # from our own child, through our own pipe
    except Exception:  # noqa: BLE001 - a truncated or garbled answer: write the lists here
        return None
    if not isinstance(lists, dict) or set(lists) != tokens:
        return None
    return lists


def _write_all(renders: dict[str, Render], fd: int) -> None:
    """In the child: write, sanitize and send every list, then exit (1 on any failure)."""
    code = 1
    try:
        view = memoryview(pickle.dumps(_written(renders), protocol=pickle.HIGHEST_PROTOCOL))
        while view:
            view = view[os.write(fd, view) :]
        code = 0
    except BaseException:  # noqa: BLE001,S110 - the parent writes the lists itself
        pass
    finally:
        os._exit(code)
