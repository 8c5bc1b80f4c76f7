"""``accord assess``: the relationship-maturity survey (docs/assess.md).

Loaded by `accord.cli` when the command runs or help lists it (`_Commands.MODULES`).

``accord assess [PATH] --team ID`` opens the survey in the terminal (`tui.assess`,
imported inside the command only); ``--answers 4,3,5,…`` records the same without
it. Either way the answers go into a round's Assessment document
(`accord.diagnostic.record_answers`) and the team's score and band are printed.
``--report`` prints a round's scores, the gaps between the teams and the advice.

Exit: 0 recorded (or reported); 1 the agreements have errors, the round cannot take
the answers, the survey was left without saving or there is no terminal; 2 unusable
options or answers (one line on stderr, nothing written).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from accord._cli_common import clock as _clock
from accord._cli_common import fail as _fail
from accord._cli_common import workspace as _workspace
from accord.diagnostic import (
    BadAnswers,
    DiagnosticError,
    Recorded,
    parse_answers,
    plan_round,
    record_answers,
    report_text,
    scores_text,
)
from accord.domain.clock import today_in
from accord.domain.workspace import Workspace


def _in_terminal() -> bool:
    """True when the survey can run: standard input and output are a terminal."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _nothing_written(message: str) -> str:
    return message if "nothing written" in message else f"{message}; nothing written"


def _date(text: str | None, ws: Workspace) -> dt.date:
    if text is None:
        return today_in(ws.tz, _clock())
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        _fail(f"--date '{text[:40]}' is not a date: write YYYY-MM-DD, e.g. 2026-11-17", 2)


def _report(ws: Workspace, round_id: str | None) -> None:
    if round_id is not None:
        assessment = ws.assessments.get(round_id)
        if assessment is None:
            known = ", ".join(sorted(ws.assessments)) or "none"
            _fail(f"unknown round '{round_id}' (rounds: {known})", 2)
    else:
        assessment = ws.latest_assessment()
        if assessment is None:
            click.echo("No assessment yet: take the survey with `accord assess --team ID`.")
            return
    click.echo(report_text(ws, assessment))


def _print_recorded(ws: Workspace, recorded: Recorded) -> None:
    team = ws.teams[recorded.team].name
    file = recorded.round.file
    what = "new round" if recorded.created else "round"
    when = recorded.round.date
    click.echo(f"Recorded the answers of {team} in {file} ({what} {recorded.round.id}, {when}).")
    click.echo(scores_text(ws, recorded.scores))
    click.echo(
        "Commit the file in a pull request; `accord assess --report` shows where the teams "
        "disagree and what to do next."
    )


@click.command("assess")
@click.argument(
    "path", type=click.Path(file_okay=False, path_type=Path), default=".", required=False
)
@click.option("--team", metavar="ID", help="The team answering (a Team id).")
@click.option(
    "--answers",
    metavar="4,3,5,…",
    help="Every score 1–5 in statement order, recorded without the survey.",
)
@click.option(
    "--date",
    "date_text",
    metavar="YYYY-MM-DD",
    help="The day of the answers (default: today in the workspace's time zone).",
)
@click.option(
    "--round",
    "round_id",
    metavar="ID",
    help="The round (Assessment id) to add to or start (default: the round still open, "
    "else a new <questionnaire>-<YYYY-MM>).",
)
@click.option(
    "--questionnaire",
    metavar="ID",
    help="The questionnaire, when the workspace has more than one.",
)
@click.option(
    "--report",
    is_flag=True,
    help="Print the round's scores, where the teams disagree and what to do next "
    "(the latest round unless --round); writes nothing.",
)
def assess(
    path: Path,
    team: str | None,
    answers: str | None,
    date_text: str | None,
    round_id: str | None,
    questionnaire: str | None,
    report: bool,
) -> None:
    """The relationship-maturity survey: record a team's answers, or --report a round."""
    if report:
        if answers is not None or team is not None:
            _fail("--report reads a round; it takes no --team or --answers", 2)
        _report(_workspace(path), round_id)
        return
    if team is None:
        _fail("--team ID is required: the team answering (or --report to read a round)", 2)
    # Usage errors in the answers come before anything is read from disk.
    scores = None
    if answers is not None:
        try:
            scores = parse_answers(answers)
        except BadAnswers as exc:
            _fail(_nothing_written(str(exc)), 2)
    who: str = team
    ws = _workspace(path)
    day = _date(date_text, ws)
    try:
        plan = plan_round(
            ws, who, date=day, round_id=round_id, questionnaire=questionnaire, answers=scores
        )
        if scores is not None:
            _print_recorded(ws, record_answers(ws, plan, who, scores))
            return
    except BadAnswers as exc:
        _fail(_nothing_written(str(exc)), 2)
    except DiagnosticError as exc:
        _fail(_nothing_written(str(exc)), 1)
    if not _in_terminal():
        _fail(
            "the survey needs a terminal (stdin and stdout are not a tty); give the scores "
            "with --answers 4,3,5,… instead",
            1,
        )
    from tui.assess import make_survey_app

    def save(given: list[int]) -> Recorded:
        return record_answers(ws, plan, who, given)

    recorded = make_survey_app(ws, plan, who, save=save).run()
    if recorded is None:
        _fail("left the survey without saving; nothing written", 1)
    _print_recorded(ws, recorded)
