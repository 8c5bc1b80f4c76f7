"""``accord init DIR``: a new team's agreements repository (docs/init.md).

Loaded by `accord.cli` when the command runs or help lists it (`_Commands.MODULES`).
Exit 0 done; 1 when DIR cannot be used (a file, or non-empty without ``--force``),
the agreements in it have errors afterwards, or git could not make the first commit;
2 for a bad option value.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from accord._cli_common import clock as _clock
from accord.scaffold import (
    InitError,
    Starter,
    check_handle,
    check_language,
    check_name,
    check_package,
    check_repo_url,
    check_timezone,
    default_package,
    init_workspace,
)

PLACEHOLDERS = ("marketing-lead", "sales-lead")
"""The handles the starter uses when none are given: replace them with your people's."""


Callback = Callable[[click.Context, click.Parameter, str | None], str | None]


def _checked(check: Callable[[str], str]) -> Callback:
    """A click callback that runs `check` on the option's value (ValueError → usage error)."""

    def callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return check(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None

    return callback


@click.command("init")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--name",
    callback=_checked(check_name),
    help="The company or team name (default: from DIRECTORY).",
)
@click.option(
    "--language",
    default="en",
    show_default=True,
    callback=_checked(check_language),
    help="The wiki's language (en, nl, …).",
)
@click.option(
    "--timezone",
    default="UTC",
    show_default=True,
    callback=_checked(check_timezone),
    help="The calendar's time zone, e.g. Europe/Amsterdam.",
)
@click.option(
    "--marketing",
    metavar="HANDLE",
    default=PLACEHOLDERS[0],
    show_default=True,
    callback=_checked(check_handle),
    help="The Head of Marketing's handle on GitHub or GitLab.",
)
@click.option(
    "--sales",
    metavar="HANDLE",
    default=PLACEHOLDERS[1],
    show_default=True,
    callback=_checked(check_handle),
    help="The Head of Sales' handle on GitHub or GitLab.",
)
@click.option(
    "--repo-url",
    metavar="URL",
    callback=_checked(check_repo_url),
    help="The repository's web address, for links in the wiki.",
)
@click.option(
    "--package",
    metavar="SPEC",
    callback=_checked(check_package),
    help="What CI installs Accord from (default: this version, accord==VERSION).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Allow a non-empty DIRECTORY: add the missing files, keep every existing one.",
)
def init(
    directory: Path,
    name: str | None,
    language: str,
    timezone: str,
    marketing: str,
    sales: str,
    repo_url: str | None,
    package: str | None,
    force: bool,
) -> None:
    """Start a new agreements repository in DIRECTORY: starter agreements, the wiki,
    CODEOWNERS, CI for GitHub and GitLab, and a first commit."""
    from accord.loading.output import format_problems

    if name is None:
        guess = directory.resolve().name.replace("-", " ").replace("_", " ").strip()
        try:
            name = check_name(guess[:1].upper() + guess[1:] if guess else "Our agreements")
        except ValueError:
            name = "Our agreements"
    starter = Starter(
        name=name,
        language=language,
        timezone=timezone,
        marketing=marketing,
        sales=sales,
        repo_url=repo_url,
        package=package or default_package(),
    )
    try:
        result = init_workspace(directory, starter, force=force, now=_clock())
    except InitError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"Accord workspace in {directory}/:")
    width = max((len(w.path) for w in (*result.written, *result.updated, *result.kept)), default=0)
    for label, entries in (("wrote", result.written), ("updated", result.updated),
                           ("kept", result.kept)):  # fmt: skip
        for w in entries:
            click.echo(f"  {label:<7}  {w.path.ljust(width)}  {w.about}")
    if result.commit:
        click.echo(f"git: first commit {result.commit[:10]} on main by {result.author}")
    elif result.git_note:
        click.echo(f"git: {result.git_note}", err=result.git_failed)
    if result.problems:
        click.echo(format_problems(result.problems, "text"), err=True)
        click.echo(
            "error: the agreements have errors, so CODEOWNERS was not written; fix them "
            f"and run `accord codeowners {directory} > {directory / 'CODEOWNERS'}`",
            err=True,
        )
        sys.exit(1)
    if result.git_failed:
        sys.exit(1)
    placeholders = [h for h in (marketing, sales) if h in PLACEHOLDERS]
    click.echo("\nNext:")
    step = 1
    if placeholders:
        click.echo(
            f"  {step}. Put your people in agreements/teams.yaml (names and git handles; "
            f"{' and '.join('@' + h for h in placeholders)} are placeholders), then "
            f"`accord codeowners {directory} > {directory / 'CODEOWNERS'}`."
        )
        step += 1
    click.echo(f"  {step}. accord validate {directory}    accord site serve {directory}")
    click.echo(
        f"  {step + 1}. Push it to GitHub or GitLab; the workflow's comments say which "
        "settings make the checks count (docs: how to change an agreement)."
    )
