"""Write the generated pages as plain Markdown files (``accord site generate``).

No MkDocs here: the output feeds any Markdown site builder. Pages are written
under ``out`` at their relative paths (``agreements/<id>.md``); a page is
rewritten only when its content changed, so file watchers stay quiet.

``out`` follows the rule of ``accord site build`` (`site_builder.build.check_out_dir`):
new, empty or marked by Accord, never the workspace or a folder holding it, so a
page can never overwrite a file Accord did not write. Nothing is deleted.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from accord.domain.clock import Clock, system_now, today_in
from accord.history import History, entity_history
from accord.loading.validate import load_workspace
from site_builder._numbers import read_numbers
from site_builder._pages_reports import report_pages
from site_builder.build import SiteError, check_out_dir, mark_out_dir
from site_builder.i18n import labels
from site_builder.pages import generate_pages, generate_pictures

__all__ = ["write_pages"]


def write_pages(
    root: Path,
    out: Path,
    *,
    today: dt.date | None = None,
    history: History | None = None,
    with_history: bool = True,
    now: Clock = system_now,
    store_url: str | None = None,
    use_store: bool = False,
) -> list[Path]:
    """Generate the wiki of the workspace at `root` into `out`.

    Args:
        root: the workspace folder.
        out: the folder to write the Markdown into (created when missing).
        today: the date for review badges (default: today in the workspace's zone).
        history: the git history, when already read.
        with_history: read the git history when `history` is not given.
        now: the instant of the numbers and reports (and of `today` when not given).
        store_url: the event store (``--store``), else ``ACCORD_STORE`` or the
            Workspace's ``store:``.
        use_store: read the store for the Status page, the home page's numbers and
            the monthly reports (``--store``); off by default, so the Markdown depends
            on the agreements and their history only (no Status page then).

    Returns:
        The paths written or already up to date, in page order.

    Raises:
        SiteError: `out` is not Accord's to write (see `check_out_dir`); nothing was
            written.
        ValidationFailed: the agreements have errors.
    """
    target = check_out_dir(out, root)
    ws = load_workspace(root)
    if history is None and with_history:
        history = entity_history(root)
    numbers = read_numbers(ws, now, url=store_url) if use_store else None
    try:
        lab = labels(ws.settings.language)
        reports = report_pages(ws, numbers, history, lab, now, root=root)
    finally:
        if numbers is not None:
            numbers.close()
    pages = generate_pages(
        ws,
        history,
        today=today or today_in(ws.tz, now),
        numbers=numbers,
        reports=reports,
    ) | generate_pictures(ws)
    mark_out_dir(target)
    written: list[Path] = []
    for rel, content in pages.items():
        path = out / rel
        if path.is_symlink() or not path.resolve().is_relative_to(target):
            raise SiteError(f"--out {out}: {rel} would be written outside the folder; stopped")
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8")
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
        written.append(path)
    return written
