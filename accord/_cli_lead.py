"""``accord lead ID [PATH]``: one lead's story, so anyone can check a verdict by hand.

Loaded by `accord.cli` when the command runs or help lists it (`_Commands.MODULES`).

``accord lead ID [PATH] [--at ISO-8601] [--store URL]`` prints the lead (its company
or name, owner, hot, source, segment, value), its events oldest first (events stamped
after the instant judged are flagged and count for nothing), and for every commitment
of the agreements in force whether the lead counts for it and why: the `from` event,
the `to` event, the deadline on the measure's clock (working hours of the workspace
calendar for ``clock: business``) and how long it waited (`accord.metrics.lead_story`).
The dashboard shows the same story on Enter in its attention list.

Exit: 0 shown; 1 the lead is unknown, the agreements have errors or the store cannot
be read; 2 an unusable option.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from accord._cli_common import clock as _clock
from accord._cli_common import fail as _fail
from accord._cli_common import workspace as _workspace
from accord.domain.clock import parse_instant
from accord.domain.errors import AccordError, ValidationFailed
from accord.loading import format_problems


@click.command("lead")
@click.argument("lead_id", metavar="ID")
@click.argument(
    "path", type=click.Path(file_okay=False, path_type=Path), default=".", required=False
)
@click.option(
    "--at",
    "at_text",
    metavar="ISO-8601",
    default=None,
    help="Judge as of this time, by the agreements committed then; a bare date means the "
    "end of that day (no offset: the workspace's time zone).",
)
@click.option("--store", "store_url", metavar="URL", help="Event store URL (env ACCORD_STORE).")
def lead(lead_id: str, path: Path, at_text: str | None, store_url: str | None) -> None:
    """One lead's events and which commitments it counts for, and why."""
    from accord.metrics import lead_story, story_lines, workspace_at
    from accord.store import open_store

    ws = _workspace(path)
    at: dt.datetime | None = None
    if at_text is not None:
        try:
            at = parse_instant(at_text, ws.tz)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--at") from None
    try:
        if at is not None:
            ws, note = workspace_at(path, at)
            if note:
                click.echo(f"note: {note}", err=True)
        with open_store(ws, store_url, readonly=True) as store:
            story = lead_story(ws, store, lead_id, at, now=_clock())
    except ValidationFailed as exc:
        errors = [p for p in exc.problems if p.severity == "error"]
        click.echo(format_problems(errors, "text"), err=True)
        _fail("the agreements in force at that time have errors", 1)
    except AccordError as exc:
        _fail(str(exc), 1)
    if not story.found:
        _fail(f"no lead {lead_id!r} in the store", 1)
    width = max((len(label) for label, _ in story_lines(ws, story)), default=0)
    for label, text in story_lines(ws, story):
        click.echo(f"{label:<{width}}  {text}".rstrip())
