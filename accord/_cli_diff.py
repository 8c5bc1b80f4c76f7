"""``accord diff``: the agreements' changes between two revisions, in the domain's words
(docs/diff.md). Registered on the `accord` group by `accord.cli`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from accord._cli_common import clock as _clock
from accord.domain.errors import AccordError


@click.command("diff")
@click.argument("base", required=False, metavar="[BASE]")
@click.argument("head", required=False, metavar="[HEAD]")
@click.option(
    "-w",
    "--workspace",
    "path",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The workspace (the folder holding agreements/).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="text for a terminal, markdown for a pull-request comment, json for tools.",
)
@click.option(
    "--impact",
    is_flag=True,
    help="Also evaluate the last complete and the current period under the agreements "
    "before and after the change.",
)
@click.option("--store", "store_url", metavar="URL", help="Event store URL (env ACCORD_STORE).")
def diff(
    base: str | None,
    head: str | None,
    path: Path,
    fmt: str,
    impact: bool,
    store_url: str | None,
) -> None:
    """Show the agreements' changes from BASE to HEAD in the domain's words.

    The change starts from the merge base of HEAD with BASE (default: the default
    branch, origin/HEAD, else main, else master), as a pull request shows it; HEAD
    defaults to the working tree. Ends with who must approve: for every side of each
    agreement the change touches, the holders of its owner roles, with their git
    handles.
    """
    from accord.changes import (
        UnknownRevision,
        compare,
        evaluate_impact,
        to_json_text,
        to_markdown,
        to_text,
    )

    if not path.is_dir():
        raise click.BadParameter(f"'{path}' is not a directory", param_hint="--workspace")
    clock = _clock()
    try:
        report = compare(path, base, head, now=clock)
        if impact:
            evaluate_impact(report, store_url=store_url, now=clock)
    except UnknownRevision as exc:
        raise click.UsageError(str(exc)) from None
    except AccordError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    render = {"markdown": to_markdown, "json": to_json_text, "text": to_text}[fmt]
    click.echo(render(report), nl=False)
