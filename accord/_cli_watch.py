"""``accord watch``: tell chat channels what needs attention, never twice (docs/alerts.md).

Loaded by `accord.cli` when the command runs or help lists it (`_Commands.MODULES`).

``accord watch [PATH] [--interval SECONDS] [--once] [--webhook URL]... [--store URL]``
evaluates the commitments every SECONDS (incrementally, as the dashboard does) and
sends what is new — a status change for the worse or a recovery, a lead at 75% of its
allowed time and at its deadline, an agreement past its review date, an escalation —
to every ``--webhook`` (Slack-compatible JSON) and to the channels of the workspace's
``alerts:`` section (their addresses from the environment variables it names). What
was sent is recorded in the event store, so ``--once`` from cron, a restart or a
second watcher sends nothing twice.

Exit: 0 done (``--once``) or stopped; 1 the agreements have errors, the store cannot
be used, or (``--once``) a channel failed after its retries; 2 no channel to send to.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from accord._cli_common import clock as _clock
from accord._cli_common import fail as _fail
from accord._cli_common import workspace as _workspace
from accord.alerts import (
    Masker,
    Sleep,
    TickReport,
    Watcher,
    configured_channels,
    webhook_channels,
)
from accord.domain.errors import AccordError, ValidationFailed
from accord.domain.workspace import Workspace
from accord.loading import load_workspace
from accord.store import Store, store_url, tune_for_reading


def _sleep() -> Sleep:
    """How the running command waits (between ticks and retries): the ``sleep`` of the
    context object when a test hands one, else `time.sleep`."""
    ctx = click.get_current_context(silent=True)
    found = getattr(ctx.obj if ctx is not None else None, "sleep", None)
    return found if callable(found) else time.sleep


def _signature(path: Path) -> list[tuple[str, int, int]]:
    """The agreement files with their sizes and modification times: a reload is due when
    it changes (the channels are read once, at start)."""
    out: list[tuple[str, int, int]] = []
    for file in sorted((path / "agreements").rglob("*.y*ml")):
        try:
            info = file.stat()
        except OSError:
            continue
        out.append((str(file), info.st_size, info.st_mtime_ns))
    return out


def _show(report: TickReport, ws: Workspace, mask: Masker) -> None:
    local = report.at.astimezone(ws.tz)
    for note in report.notes:
        click.echo(mask(f"note: {note}"), err=True)
    for sent in report.sent:
        click.echo(mask(f"sent to {sent.channel}: {sent.text}"))
    for failed in report.failed:
        click.echo(
            mask(
                f"failed: {failed.channel} did not take '{failed.alert_key}': {failed.error} "
                "(kept; tried again on the next run)"
            ),
            err=True,
        )
    held = f", {report.held} held for working hours" if report.held else ""
    click.echo(
        f"{local:%Y-%m-%d %H:%M} {ws.settings.calendar.timezone}: {report.found} alerts found, "
        f"{report.recorded} new, {len(report.sent)} sent, {len(report.failed)} failed{held}",
        err=True,
    )


@click.command("watch")
@click.argument(
    "path", type=click.Path(file_okay=False, path_type=Path), default=".", required=False
)
@click.option(
    "--interval",
    type=click.FloatRange(min=1),
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="Seconds between evaluations.",
)
@click.option("--once", is_flag=True, help="Evaluate and send once, then exit (for cron).")
@click.option(
    "--webhook",
    "webhooks",
    multiple=True,
    metavar="URL",
    help="Post every alert as Slack-compatible JSON to URL (repeatable).",
)
@click.option("--store", "store_flag", metavar="URL", help="Event store URL (env ACCORD_STORE).")
def watch(
    path: Path, interval: float, once: bool, webhooks: tuple[str, ...], store_flag: str | None
) -> None:
    """Send alerts to chat: status changes, leads about to miss their deadline, review
    dates; each once."""
    now = _clock()
    ws = _workspace(path)
    configured, notes = configured_channels(ws.settings.alerts)
    extra = webhook_channels(webhooks)
    channels = [*configured, *extra]
    mask = Masker(c.url for c in channels)
    for note in notes:
        click.echo(f"note: {note}", err=True)
    if not channels:
        _fail(
            "no channel to send to: give --webhook URL, or name channels under alerts: in "
            "the Workspace with the environment variables that hold their addresses "
            "(docs/alerts.md)",
            2,
        )
    try:
        url = store_url(ws, store_flag)
        tune_for_reading(url)  # a store from an older Accord gets its indexes once
        store = Store.open(url, create=False)
    except AccordError as exc:
        _fail(mask(str(exc)), 1)

    pause = _sleep()

    def make(ws: Workspace) -> Watcher:
        return Watcher(
            ws,
            store,
            channels,
            broadcast=[c.name for c in extra],
            now=now,
            sleep=pause,
            mask=mask,
        )

    try:
        watcher = make(ws)
        seen = _signature(path)
        while True:
            report = watcher.tick()
            _show(report, watcher.ws, mask)
            if once:
                sys.exit(1 if report.failed else 0)
            pause(interval)
            changed = _signature(path)
            if changed != seen:
                seen = changed
                try:
                    watcher = make(load_workspace(path, now=now))
                    click.echo("note: the agreements changed; reloaded", err=True)
                except ValidationFailed:
                    click.echo(
                        f"error: the agreements have errors; still watching by the last good "
                        f"ones (run `accord validate {path}`)",
                        err=True,
                    )
    except AccordError as exc:
        _fail(mask(str(exc)), 1)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        store.close()
