"""The `accord` command line (docs/reference/commands.md).

Every command takes the workspace as PATH (default ".") and, where it reads
funnel data, ``--store URL`` (env ``ACCORD_STORE``). The dashboard and the wiki
are imported lazily inside their commands, so the core stays free of UI code.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from accord.domain.clock import Clock, parse_instant, system_now, today_in
from accord.domain.errors import AccordError, ValidationFailed
from accord.domain.workspace import Workspace
from accord.loading.output import format_problems
from accord.loading.validate import check_workspace, load_workspace

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, ProgressColumn

PATH_ARG = click.argument(
    "path", type=click.Path(file_okay=False, path_type=Path), default=".", required=False
)


def _progress(console: Console, *columns: ProgressColumn, disable: bool = False) -> Progress:
    """A transient progress bar on `console`: the task's description, a bar, then `columns`."""
    from rich.progress import BarColumn, Progress

    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        *columns,
        console=console,
        transient=True,
        disable=disable,
    )


@dataclass(frozen=True)
class CliContext:
    """What every command shares: the clock ("now" unless ``--at`` says otherwise).

    `run` uses the system clock; tests hand their own to
    ``CliRunner().invoke(main, args, obj=CliContext(now=...))``.
    """

    now: Clock = system_now


def _clock() -> Clock:
    """The clock of the running command."""
    ctx = click.get_current_context(silent=True)
    found = ctx.find_object(CliContext) if ctx is not None else None
    return found.now if found is not None else system_now


def _workspace(path: Path) -> Workspace:
    """The workspace at `path`, or exit 1 with its errors on stderr."""
    try:
        return load_workspace(path, now=_clock())
    except ValidationFailed as exc:
        errors = [p for p in exc.problems if p.severity == "error"]
        click.echo(format_problems(errors, "text"), err=True)
        click.echo(f"{path}: the agreements have errors; run `accord validate {path}`", err=True)
        sys.exit(1)


class _Commands(click.Group):
    """The `accord` group. Commands defined in their own modules (``accord/_cli_*.py``,
    `MODULES`) are imported when one of them runs or a help page lists them, not on
    every start: `accord status` does not load the survey, the scaffold or the diff."""

    MODULES = {
        "approvals": "accord._cli_approvals",
        "assess": "accord._cli_assess",
        "diff": "accord._cli_diff",
        "init": "accord._cli_init",
        "report": "accord._cli_report",
        "watch": "accord._cli_watch",
    }
    """Command name → the module defining it under the same name."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.MODULES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.MODULES and cmd_name not in self.commands:
            module = importlib.import_module(self.MODULES[cmd_name])
            self.add_command(getattr(module, cmd_name))
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="accord")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Accord keeps the Marketing–Sales agreements as YAML in git, validates them,
    measures the funnel against them, and publishes them."""
    ctx.ensure_object(CliContext)


@main.command()
@PATH_ARG
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for tools, github for Actions annotations.",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def validate(path: Path, fmt: str, strict: bool) -> None:
    """Check every agreement document; exit 1 on errors (and warnings with --strict)."""
    if not path.is_dir():
        raise click.BadParameter(f"'{path}' is not a directory", param_hint="PATH")
    result = check_workspace(path, now=_clock())
    click.echo(format_problems(result.problems, fmt, strict=strict))
    failed = bool(result.errors) or (strict and bool(result.warnings))
    sys.exit(1 if failed else 0)


@main.command()
def schema() -> None:
    """Print the JSON Schema of all kinds, for editor completion."""
    from accord.loading.schema import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


@main.command()
@PATH_ARG
def codeowners(path: Path) -> None:
    """Print CODEOWNERS lines: each agreement file owned by both sides' owners."""
    from accord.loading.codeowners import codeowners as lines

    ws = _workspace(path)
    click.echo("# Generated by `accord codeowners`: both sides approve agreement changes.")
    for line in lines(ws):
        click.echo(line)


@main.command()
@PATH_ARG
@click.option(
    "--within",
    "within_days",
    type=click.IntRange(min=0),
    default=30,
    show_default=True,
    help="Also list agreements due for review within this many days.",
)
def review(path: Path, within_days: int) -> None:
    """List agreements whose review date has passed or is near."""
    ws = _workspace(path)
    today = today_in(ws.tz, _clock())
    due = ws.review_due(today, within_days)
    if not due:
        click.echo(f"No agreement is due for review within {within_days} days.")
        return
    for agreement in due:
        assert agreement.review_by is not None
        days = (agreement.review_by - today).days
        when = f"overdue by {-days} days" if days < 0 else f"due in {days} days"
        owners = ", ".join(agreement.owners)
        click.echo(f"{agreement.review_by.isoformat()}  {agreement.id}  ({when}; owners: {owners})")


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@PATH_ARG
@click.option(
    "--mapping",
    metavar="NAME|FILE",
    help="Column mapping: hubspot, salesforce, or a YAML mapping file (see docs/import.md).",
)
@click.option("--store", "store_url", metavar="URL", help="Event store URL (env ACCORD_STORE).")
def import_(file: Path, path: Path, mapping: str | None, store_url: str | None) -> None:
    """Load leads or events from a CSV or JSON Lines FILE; exit 1 if rows were rejected."""
    from rich.console import Console
    from rich.progress import DownloadColumn, TimeRemainingColumn

    from accord.importing.importer import StoreSink, import_file
    from accord.importing.mappings import BUILTIN, load_mapping
    from accord.store import open_store

    if mapping is not None and mapping.casefold() not in BUILTIN and not Path(mapping).is_file():
        raise click.BadParameter(
            f"no mapping named '{mapping}' and no such file (named: {', '.join(BUILTIN)})",
            param_hint="--mapping",
        )
    ws = _workspace(path)
    chosen = load_mapping(mapping)
    console = Console(stderr=True)
    try:
        with open_store(ws, store_url) as store:
            with _progress(
                console, DownloadColumn(), TimeRemainingColumn(), disable=not console.is_terminal
            ) as bar:
                task = bar.add_task(f"importing {file.name}", total=file.stat().st_size)
                report = import_file(
                    ws,
                    file,
                    StoreSink(store),
                    chosen,
                    now=_clock()(),
                    progress=lambda n: bar.advance(task, n),
                )
            if report.rows > report.rejected:  # once, after the last batch: fresh plans
                store.update_statistics()
    except AccordError as exc:  # a file that cannot be read, a store that cannot be used
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    for line in report.problem_lines():
        click.echo(line, err=True)
    for note in report.notes():
        click.echo(note, err=True)
    click.echo(report.summary())
    sys.exit(1 if report.rejected else 0)


@main.group()
def site() -> None:
    """The wiki: build or serve it with MkDocs, or write its Markdown for another builder."""


@site.command("build")
@PATH_ARG
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the built site (default: site_dir of mkdocs.yml).",
)
@click.option("--strict", is_flag=True, help="Fail on warnings (e.g. a shallow clone).")
@click.option("--store", "store_url", metavar="URL", help="Event store for the wiki's numbers.")
@click.option("--no-store", is_flag=True, help="Build without numbers (no store is read).")
def site_build(
    path: Path, out: Path | None, strict: bool, store_url: str | None, no_store: bool
) -> None:
    """Build the wiki (same as `mkdocs build` with the accord plugin); with the store's
    numbers when it can be read."""
    from site_builder.build import build_site

    def action() -> None:
        built = build_site(
            path,
            strict=strict,
            site_dir=out,
            now=_clock(),
            store_url=store_url,
            use_store=not no_store,
        )
        click.echo(f"Wiki built in {built}")

    _run_mkdocs(action)


@site.command("serve")
@PATH_ARG
@click.option(
    "--dev-addr", metavar="HOST:PORT", help="Address to serve on (default 127.0.0.1:8000)."
)
@click.option("--strict", is_flag=True, help="Fail on warnings.")
def site_serve(path: Path, dev_addr: str | None, strict: bool) -> None:
    """Serve the wiki with live reload while you edit the agreements."""
    from site_builder.build import serve_site

    _run_mkdocs(lambda: serve_site(path, dev_addr=dev_addr, strict=strict))


@site.command("generate")
@PATH_ARG
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write the Markdown pages into.",
)
@click.option("--no-history", is_flag=True, help="Skip reading git history.")
@click.option("--store", "store_url", metavar="URL", help="Add the numbers from this event store.")
def site_generate(path: Path, out: Path, no_history: bool, store_url: str | None) -> None:
    """Write the wiki's pages as plain Markdown, for any Markdown site builder (numbers
    only with --store: the pages otherwise depend on the agreements and git alone)."""
    from site_builder.generate import write_pages

    ws = _workspace(path)  # exit 1 with the problems when the agreements have errors
    clock = _clock()
    written = write_pages(
        path,
        out,
        today=today_in(ws.tz, clock),
        with_history=not no_history,
        now=clock,
        store_url=store_url,
        use_store=store_url is not None,
    )
    pages = sum(1 for file in written if file.suffix == ".md")
    pictures = len(written) - pages
    click.echo(f"Wrote {pages} pages and {pictures} pictures to {out}")


def _run_mkdocs(action: Callable[[], None]) -> None:
    """Run a MkDocs action; its failures become one line and exit 1, never a traceback."""
    try:
        action()
    except ValidationFailed as exc:
        errors = [p for p in exc.problems if p.severity == "error"]
        click.echo(format_problems(errors, "text"), err=True)
        sys.exit(1)
    except AccordError as exc:  # site_builder.build.SiteError wraps MkDocs' own errors
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


DEMO_RATE = 0.5
"""`accord demo`'s live rate: one change per dashboard refresh (accord.simulation.DEMO_RATE)."""
MAX_RATE = 10_000
"""The most events per second `accord simulate` streams (more only fills the disk)."""


@main.command()
@PATH_ARG
@click.option(
    "--rate",
    type=click.FloatRange(min=0, min_open=True, max=MAX_RATE),
    default=5.0,
    show_default=True,
    help=f"Live events per second (at most {MAX_RATE:,}).",
)
@click.option(
    "--seconds",
    type=click.FloatRange(min=0),
    default=None,
    help="Stream for this long (default: until Ctrl-C).",
)
@click.option(
    "--history",
    "history_days",
    type=click.IntRange(min=0),
    default=None,
    metavar="DAYS",
    help="Back-fill DAYS of past data ending now; streams only "
    "when --seconds or --rate is also given.",
)
@click.option("--seed", type=int, default=None, help="Random seed (same seed, same history).")
@click.option(
    "--no-pace",
    is_flag=True,
    help="Stream at --rate whatever the month's targets allow (load tests); by default the "
    "stream keeps each month's numbers inside the band around the targets.",
)
@click.option("--store", "store_url", metavar="URL", help="Event store URL (env ACCORD_STORE).")
@click.pass_context
def simulate(
    ctx: click.Context,
    path: Path,
    rate: float,
    seconds: float | None,
    history_days: int | None,
    seed: int | None,
    no_pace: bool,
    store_url: str | None,
) -> None:
    """Append realistic funnel events to the store, shaped by the workspace's agreements."""
    import random

    from rich.console import Console
    from rich.progress import MofNCompleteColumn, TimeRemainingColumn

    from accord.simulation import stream, write_history
    from accord.store import open_store

    ws = _workspace(path)
    console = Console(stderr=True)
    source = ctx.get_parameter_source
    live = history_days is None or any(
        source(name) is not click.core.ParameterSource.DEFAULT for name in ("rate", "seconds")
    )
    try:
        opened = open_store(ws, store_url)
    except AccordError as exc:  # e.g. an in-memory store, or one that cannot be reached
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    with opened as store:
        if history_days is not None:
            days_seed = random.SystemRandom().randrange(1 << 30) if seed is None else seed
            with _progress(
                console,
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                disable=not console.is_terminal,
            ) as bar:
                task = bar.add_task("back-filling days", total=history_days + 1)
                n_leads, n_events = write_history(
                    ws, store, history_days, days_seed, end=_clock()(),
                    progress=lambda n: bar.advance(task, n),
                )  # fmt: skip
            click.echo(f"back-filled {history_days} days: {n_leads} leads, {n_events} events")
        if not live:
            return
        written = 0

        def count(n: int) -> None:
            nonlocal written
            written += n

        until = "until Ctrl-C" if seconds is None else f"for {seconds:g} s"
        click.echo(f"streaming about {rate:g} events/s to {store.url} {until}", err=True)
        try:
            stream(ws, store, rate, seconds, seed, now=_clock(), on_write=count, paced=not no_pace)
        except KeyboardInterrupt:
            click.echo("stopped", err=True)
        click.echo(f"streamed {written} events")


def _parse_at(text: str | None, ws: Workspace) -> dt.datetime | None:
    """``--at``: an ISO-8601 instant, a bare date meaning the end of that day, both read
    in the workspace's zone when they carry no offset (`accord.domain.clock.parse_instant`)."""
    if text is None:
        return None
    try:
        return parse_instant(text, ws.tz)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--at") from None


@main.command()
@PATH_ARG
@click.option(
    "--at",
    "at_text",
    metavar="ISO-8601",
    default=None,
    help="Evaluate as of this time, by the agreements committed then; a bare date means "
    "the end of that day (no offset: the workspace's time zone).",
)
@click.option(
    "--current",
    is_flag=True,
    help="With --at: judge by the agreements in the working tree instead of git.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@click.option("--check", is_flag=True, help="Exit 1 if any commitment is breached.")
@click.option("--store", "store_url", metavar="URL", help="Event store URL (env ACCORD_STORE).")
def status(
    path: Path,
    at_text: str | None,
    current: bool,
    as_json: bool,
    check: bool,
    store_url: str | None,
) -> None:
    """Evaluate every commitment of the active agreements against the funnel data."""
    from accord.metrics import evaluate, workspace_at
    from accord.store import open_store, tune_for_reading
    from accord.store import store_url as resolve_store

    ws = _workspace(path)
    at = _parse_at(at_text, ws)
    tune_for_reading(resolve_store(ws, store_url))
    try:
        if at is not None and not current:
            ws, note = workspace_at(path, at)
            if note:
                click.echo(f"note: {note}", err=True)
        with open_store(ws, store_url, readonly=True) as store:
            evaluation = evaluate(ws, store, at, now=_clock())
    except ValidationFailed as exc:
        errors = [p for p in exc.problems if p.severity == "error"]
        click.echo(format_problems(errors, "text"), err=True)
        click.echo("error: the agreements in force at that time have errors", err=True)
        sys.exit(1)
    except AccordError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(evaluation.to_json(), indent=2, ensure_ascii=False))
    else:
        from rich.console import Console  # only the table needs rich

        from accord.present import status_table

        wide = sys.stdout.isatty() or "COLUMNS" in os.environ
        console = Console(width=None if wide else 160, highlight=False)
        local = evaluation.as_of.astimezone(ws.tz)
        info = evaluation.store
        last = (
            info.last_event_at.astimezone(ws.tz).strftime("%Y-%m-%d %H:%M")
            if info.last_event_at is not None
            else "never"
        )
        console.print(
            f"As of {local:%Y-%m-%d %H:%M} {ws.settings.calendar.timezone} · {info.url} · "
            f"{info.events:,} events, last at {last}",
            soft_wrap=True,
        )
        console.print(status_table(evaluation, ws))
    breached = any(c.status == "breached" for c in evaluation.commitments)
    sys.exit(1 if check and breached else 0)


@main.command()
@click.argument(
    "directory", type=click.Path(file_okay=False, path_type=Path), default=".demo", required=False
)
@click.option(
    "--days",
    type=click.IntRange(min=1, max=3650),
    default=365,
    show_default=True,
    help="Days of funnel data and git history to generate.",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Random seed for the data.")
@click.option("--no-dash", is_flag=True, help="Do not open the dashboard at the end.")
@click.option("--no-site", is_flag=True, help="Do not build the wiki.")
@click.option(
    "--rate",
    type=click.FloatRange(min=0, max=MAX_RATE),
    default=DEMO_RATE,
    show_default=True,
    help="Live simulated events per second while the dashboard is open (0: none); the "
    "stream keeps the month inside the band around the targets (docs/simulate.md).",
)
def demo(directory: Path, days: int, seed: int, no_dash: bool, no_site: bool, rate: float) -> None:
    """Build a realistic demo workspace in DIRECTORY (default .demo): a year of git history,
    funnel data and the wiki; then open the dashboard with live simulated events."""
    import threading

    from rich.console import Console
    from rich.progress import MofNCompleteColumn, TimeElapsedColumn

    from accord.simulation import stream
    from accord.simulation import write_history as write_funnel
    from accord.simulation.demo import prepare_target, write_history
    from accord.store import open_store

    console = Console(stderr=True)
    clock = _clock()
    now = clock()
    prepare_target(directory)
    commits = write_history(directory, today=now.date())
    click.echo(f"1/3 agreements: {commits} commits of history in {directory}/")
    ws = _workspace(directory)
    with (
        open_store(ws) as store,
        _progress(console, MofNCompleteColumn(), TimeElapsedColumn()) as bar,
    ):
        task = bar.add_task("2/3 funnel data (days)", total=days + 1)
        n_leads, n_events = write_funnel(
            ws, store, days, seed, end=now, progress=lambda n: bar.advance(task, n)
        )
    click.echo(f"2/3 funnel data: {n_leads:,} leads and {n_events:,} events in {store.url}")
    if not no_site:
        from site_builder.build import build_site

        site_dir = build_site(directory, strict=False, now=clock)
        click.echo(f"3/3 wiki: {site_dir}/index.html  (accord site serve {directory})")
    click.echo(f"\n  accord status {directory}\n  accord dash {directory}\n")
    if no_dash or not (sys.stdin.isatty() and sys.stdout.isatty()):
        if not no_dash:
            click.echo("Not a terminal: skipping the dashboard (run `accord dash` yourself).")
        return
    from tui.app import make_app

    stop = threading.Event()

    def feed() -> None:
        with open_store(ws) as live:
            while not stop.is_set():
                stream(ws, live, rate, 1.0, None, now=clock)

    if rate > 0:
        threading.Thread(target=feed, name="demo-simulator", daemon=True).start()
    try:
        make_app(directory, clock=clock).run()
    finally:
        stop.set()


@main.command()
@PATH_ARG
@click.option(
    "--refresh",
    type=click.FloatRange(min=0.1),
    default=2.0,
    show_default=True,
    metavar="SECONDS",
    help="Seconds between incremental refreshes.",
)
@click.option(
    "--at",
    "at_text",
    metavar="ISO-8601",
    default=None,
    help="Start as of this time instead of now (time travel); a bare date means the end "
    "of that day.",
)
@click.option("--store", "store_url", metavar="URL", help="Event store URL (env ACCORD_STORE).")
def dash(path: Path, refresh: float, at_text: str | None, store_url: str | None) -> None:
    """The live terminal dashboard (q quits, ? lists every key)."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # Textual would wait forever for a terminal that never answers.
        click.echo(
            "error: `accord dash` needs a terminal (stdin and stdout are not a tty); "
            "for a report in a pipe or a script use `accord status`",
            err=True,
        )
        sys.exit(1)
    from accord.store import store_url as resolve_store
    from accord.store import tune_for_reading
    from tui.app import make_app

    ws = _workspace(path)
    at = _parse_at(at_text, ws)
    url = resolve_store(ws, store_url)
    tune_for_reading(url)  # a store from an older Accord gets its indexes once
    make_app(path, workspace=ws, store_url=url, refresh=refresh, at=at, clock=_clock()).run()


def _tolerant_output() -> None:
    """On a terminal or pipe that cannot encode every character (``PYTHONIOENCODING=
    ascii``, a C locale), print what it can and a ``?`` for the rest, never a traceback."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if reconfigure is not None and encoding not in ("utf8", "utf16", "utf32"):
            reconfigure(errors="replace")


def run() -> None:
    """Entry point that turns Accord's own errors into one line, never a traceback."""
    _tolerant_output()
    try:
        main(standalone_mode=True)
    except AccordError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
