"""What every command of the `accord` CLI shares: its clock, one-line failures and the
workspace loaded or refused (accord/cli.py and the accord/_cli_*.py command modules)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import click

from accord.domain.clock import Clock, system_now
from accord.domain.errors import ValidationFailed
from accord.domain.workspace import Workspace
from accord.loading import format_problems, load_workspace


@dataclass(frozen=True)
class CliContext:
    """What every command shares: the clock ("now" unless ``--at`` says otherwise).

    `accord.cli.run` uses the system clock; tests hand their own to
    ``CliRunner().invoke(main, args, obj=CliContext(now=...))``.
    """

    now: Clock = system_now


def clock() -> Clock:
    """The clock of the running command: the ``now`` of the context object the CLI (or a
    test) hands click, else the system clock."""
    ctx = click.get_current_context(silent=True)
    now = getattr(ctx.obj if ctx is not None else None, "now", None)
    return now if callable(now) else system_now


def fail(message: str, code: int = 1) -> NoReturn:
    """``error: MESSAGE`` on stderr, then exit with `code`."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def workspace(path: Path) -> Workspace:
    """The workspace at `path`; exit 2 when it is no folder, 1 with its errors on stderr."""
    if not path.is_dir():
        fail(f"'{path}' is not a directory", 2)
    try:
        return load_workspace(path, now=clock())
    except ValidationFailed as exc:
        errors = [p for p in exc.problems if p.severity == "error"]
        click.echo(format_problems(errors, "text"), err=True)
        fail(f"{path}: the agreements have errors; run `accord validate {path}`", 1)
