"""``accord report``: the pack for the joint monthly meeting (docs/report.md).

Loaded by `accord.cli` when the command runs or help lists it (`_Commands.MODULES`).

``accord report [PATH] [--period 2026-11] [--format markdown|html] [--store URL]
[--out FILE]`` prints (or writes to FILE) each commitment's result for the month and
the month before, the breaches with the leads behind them, the agreements changed
in the month and those due for review, and the latest maturity score and band
(`accord.report`). The period defaults to the month before the current one — the
month the meeting looks back on. ``--format html`` gives one self-contained,
printable page.

Exit: 0 written; 1 the agreements have errors or the store cannot be read; 2 an
unusable option (a period that is not a month, or one that has not begun).
"""

from __future__ import annotations

from pathlib import Path

import click

from accord._cli_common import clock as _clock
from accord._cli_common import fail as _fail
from accord._cli_common import workspace as _workspace
from accord.domain.errors import AccordError
from accord.history import entity_history
from accord.report import Month, build_report, parse_period, render_html, render_markdown
from accord.store import open_store


@click.command("report")
@click.argument(
    "path", type=click.Path(file_okay=False, path_type=Path), default=".", required=False
)
@click.option(
    "--period",
    metavar="YYYY-MM",
    help="The month to report on (default: the month before the current one).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "html"]),
    default="markdown",
    show_default=True,
    help="Markdown (for the wiki or a pull request) or a printable HTML page.",
)
@click.option("--store", "store_url", metavar="URL", help="Event store URL (env ACCORD_STORE).")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to FILE instead of standard output.",
)
def report(
    path: Path, period: str | None, fmt: str, store_url: str | None, out: Path | None
) -> None:
    """The monthly pack for the joint meeting: results, breaches, changes, maturity."""
    now = _clock()
    ws = _workspace(path)
    if period is None:
        month = Month.of(now(), ws.tz).previous
    else:
        try:
            month = parse_period(period)
        except ValueError as exc:
            _fail(str(exc), 2)
    history = entity_history(path)
    try:
        with open_store(ws, store_url, readonly=True) as store:
            pack = build_report(ws, store, month, now=now, history=history, root=path)
    except ValueError as exc:
        _fail(f"--period {month}: {exc}", 2)
    except AccordError as exc:
        _fail(str(exc), 1)
    text = render_html(pack) if fmt == "html" else render_markdown(pack)
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail(f"--out {out}: {exc.strerror or exc}", 1)
    click.echo(f"Report for {month} written to {out}", err=True)
