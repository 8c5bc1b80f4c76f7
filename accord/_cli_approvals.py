"""``accord approvals``: both sides approved every changed agreement (docs/approvals.md).

Loaded by `accord.cli` when the command runs or help lists it (`_Commands.MODULES`).
Exit 0 approved, 1 not approved, 2 for input that cannot be used (a usage error,
reviews that are not the forge's JSON, a BASE that names no commit, agreements with
errors at BASE or HEAD) — one line on stderr, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from accord._cli_common import clock as _clock
from accord._cli_common import fail


def _fail(message: str) -> NoReturn:
    fail(message, 2)


@click.command("approvals")
@click.argument(
    "path", type=click.Path(file_okay=False, path_type=Path), default=".", required=False
)
@click.option(
    "--changed-from",
    "base",
    required=True,
    metavar="BASE",
    help="The target branch or commit the pull request is compared with, e.g. origin/main.",
)
@click.option(
    "--reviews",
    "reviews_file",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    metavar="FILE",
    help="The pull request's reviews as the forge's API returns them ('-': standard input).",
)
@click.option(
    "--format",
    "forge",
    type=click.Choice(["github", "gitlab"]),
    default="github",
    show_default=True,
    help="github: GET /repos/{o}/{r}/pulls/{n}/reviews; gitlab: GET "
    "/projects/:id/merge_requests/:iid/approvals.",
)
@click.option(
    "--author",
    metavar="HANDLE",
    help="The pull request's author: approves for the sides they are an owner of "
    "(GitHub does not let authors approve their own pull request).",
)
def approvals(path: Path, base: str, reviews_file: Path, forge: str, author: str | None) -> None:
    """Check that every side approved every agreement changed since BASE.

    A side is a party of the agreement or the team of one of its owner roles; it
    approves when a holder of one of the agreement's owner roles of that team approved
    (matched by the git handle in Team members). Exit 0 approved, 1 not, 2 unusable
    input.
    """
    from accord.approvals import (
        ApprovalsError,
        changed_agreements,
        check_approvals,
        format_report,
        parse_reviews,
        read_change,
    )
    from accord.loading.codeowners import is_handle

    if not path.is_dir():
        raise click.BadParameter(f"'{path}' is not a directory", param_hint="PATH")
    if author is not None and (not is_handle(author) or "/" in author):
        raise click.BadParameter(f"'{author}' is not a forge user handle", param_hint="--author")
    name = "standard input" if str(reviews_file) == "-" else str(reviews_file)
    try:
        if str(reviews_file) == "-":
            raw = sys.stdin.buffer.read()
        else:
            raw = reviews_file.read_bytes()
        text = raw.decode("utf-8-sig")
    except FileNotFoundError:
        _fail(f"{name}: no such file")
    except OSError as exc:
        _fail(f"{name}: cannot be read ({exc.strerror or type(exc).__name__})")
    except UnicodeDecodeError:
        _fail(f"{name}: not UTF-8 text; expected the forge's reviews JSON")
    try:
        reviews = parse_reviews(text, "gitlab" if forge == "gitlab" else "github", name)
        change = read_change(path, base, now=_clock())
    except ApprovalsError as exc:
        _fail(str(exc))
    changed = changed_agreements(change.before, change.head, change.files)
    report = check_approvals(change.base, change.head, changed, reviews, author=author)
    click.echo(format_report(report, base=base))
    if change.uncommitted:
        click.echo(
            f"note: not checked, because not committed: {', '.join(change.uncommitted)}",
            err=True,
        )
    sys.exit(0 if report.approved else 1)
