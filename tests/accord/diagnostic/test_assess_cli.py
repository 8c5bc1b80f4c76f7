"""`accord assess` through click: --answers records without the survey, --report reads a
round, and every refusal is one line with nothing written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from diagnostic_files import snapshot
from testclock import Cli

from accord._cli_assess import assess
from accord.diagnostic import Round

ROUND = "agreements/assessments/relationship-diagnostic-2026-11.yaml"


def run(*args: str) -> Result:
    # the tests' clock says 2026-11-18 11:00 in Amsterdam
    return Cli().invoke(assess, list(args))


def test_answers_are_recorded_and_the_score_printed(root: Path) -> None:
    result = run(str(root), "--team", "sales", "--answers", "4,3,5,2")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"Recorded the answers of Sales in {ROUND} (new round relationship-diagnostic-2026-11, "
        "2026-11-18).",
        "  Sales  14 of 20 → aligned (12–15)",
        "Commit the file in a pull request; `accord assess --report` shows where the teams "
        "disagree and what to do next.",
    ]
    assert (
        (root / ROUND)
        .read_text(encoding="utf-8")
        .endswith("date: 2026-11-18\nresponses:\n  sales: [4, 3, 5, 2]\n")
    )
    result = run(str(root), "--team", "marketing", "--answers", "3 3 3 2", "--date", "2026-11-20")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:4] == [
        f"Recorded the answers of Marketing in {ROUND} (round relationship-diagnostic-2026-11, "
        "2026-11-18).",
        "  Sales      14 of 20 → aligned (12–15)",
        "  Marketing  11 of 20 → defined (8–11)",
        "  Combined   13 of 20 → aligned (12–15)",  # 12.5 → 13
    ]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["--team", "sales", "--answers", "4,3,5"],
            2,
            "error: 3 scores given; questionnaire 'relationship-diagnostic' has 4 statements: "
            "give one score 1–5 per statement, in order; nothing written",
        ),
        (
            ["--team", "sales", "--answers", "4,3,5,9"],
            2,
            "error: the 4th score (feedback) is 9; each score is 1 (not at all) to 5 "
            "(completely); nothing written",
        ),
        (
            ["--team", "sales", "--answers", "4,3,five,2"],
            2,
            "error: --answers: the 3rd score 'five' is not a whole number 1–5; nothing written",
        ),
        (
            ["--team", "sale", "--answers", "4,3,5,2"],
            2,
            "error: unknown team 'sale'; did you mean 'sales'? (known: marketing, sales); "
            "nothing written",
        ),
        (
            ["--team", "sales", "--answers", "4,3,5,2", "--date", "18-11-2026"],
            2,
            "error: --date '18-11-2026' is not a date: write YYYY-MM-DD, e.g. 2026-11-17",
        ),
        (
            ["--team", "marketing", "--answers", "4,3,5,2", "--date", "2026-03-31"],
            1,
            "error: Marketing already answered round 'relationship-2026-q1' "
            "(agreements/diagnostic.yaml:20:14); a round holds one answer per team: correct "
            "that line in a pull request, or start a new round with --round ID; nothing written",
        ),
        (
            ["--answers", "4,3,5,2"],
            2,
            "error: --team ID is required: the team answering (or --report to read a round)",
        ),
        (
            ["--team", "sales"],
            1,
            "error: the survey needs a terminal (stdin and stdout are not a tty); give the "
            "scores with --answers 4,3,5,… instead",
        ),
        (
            ["--report", "--team", "sales"],
            2,
            "error: --report reads a round; it takes no --team or --answers",
        ),
    ],
)
def test_refusals_are_one_line_and_write_nothing(
    root: Path, args: list[str], code: int, message: str
) -> None:
    before = snapshot(root)
    result = run(str(root), *args)
    assert (result.exit_code, result.stderr, result.stdout) == (code, message + "\n", "")
    assert snapshot(root) == before


def test_a_workspace_with_errors_is_refused(root: Path) -> None:
    (root / "agreements" / "broken.yaml").write_text("kind: Team\nid: x\n", encoding="utf-8")
    result = run(str(root), "--team", "sales", "--answers", "4,3,5,2")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"error: {root}: the agreements have errors; run `accord validate {root}`"
    )
    assert not (root / ROUND).exists()


def test_report_shows_scores_gaps_and_advice(root: Path) -> None:
    result = run(str(root), "--report")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:12] == [
        "Round relationship-2026-q1 (2026-03-15), questionnaire relationship-diagnostic — "
        "How well do Marketing and Sales work together?",
        "",
        "  Marketing  12 of 20 → aligned (12–15)",
        "  Sales      10 of 20 → defined (8–11)",
        "  Combined   11 of 20 → defined (8–11)",
        "",
        "Where the teams disagree (gap = highest score − lowest, largest first):",
        "  1  shared-definitions: Marketing 3 · Sales 2 — We use one written definition of a "
        "qualified lead.",
        "  1  shared-metrics: Marketing 4 · Sales 3 — Both teams are judged on the same revenue "
        "numbers.",
        "",
        "What to do next, checked against this workspace:",
        "The relationship is defined. To become aligned:",
    ]
    assert (
        "  ✖ Liaisons on both sides — a named person in each team whose job is the seam with "
        "the other"
    ) in lines


def test_report_of_a_named_round_and_of_none(root: Path) -> None:
    result = run(str(root), "--report", "--round", "nope")
    assert (result.exit_code, result.stderr) == (
        2,
        "error: unknown round 'nope' (rounds: relationship-2026-q1)\n",
    )
    (root / "agreements" / "diagnostic.yaml").write_text(
        (root / "agreements" / "diagnostic.yaml").read_text().split("---")[0], encoding="utf-8"
    )
    result = run(str(root), "--report")
    assert (result.exit_code, result.stdout) == (
        0,
        "No assessment yet: take the survey with `accord assess --team ID`.\n",
    )


def test_without_answers_the_survey_runs_and_its_answers_are_recorded(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command's wiring to the survey (the survey itself: tests/tui/test_assess.py)."""
    import accord._cli_assess as cli_assess
    import tui.assess

    seen: dict[str, object] = {}

    class FakeSurvey:
        def __init__(self, ws: object, plan: Round, team: str, *, save: Callable[..., object]):
            seen.update(plan=plan.id, team=team)
            self.save = save

        def run(self) -> object:
            return self.save([2, 2, 3, 3])

    monkeypatch.setattr(cli_assess, "_in_terminal", lambda: True)
    monkeypatch.setattr(tui.assess, "make_survey_app", FakeSurvey)
    result = run(str(root), "--team", "sales")
    assert result.exit_code == 0, result.output
    assert seen == {"plan": "relationship-diagnostic-2026-11", "team": "sales"}
    assert result.stdout.splitlines()[1] == "  Sales  10 of 20 → defined (8–11)"

    class LeftSurvey(FakeSurvey):
        def run(self) -> object:
            return None

    monkeypatch.setattr(tui.assess, "make_survey_app", LeftSurvey)
    result = run(str(root), "--team", "marketing", "--round", "another-round")
    assert (result.exit_code, result.stderr) == (
        1,
        "error: left the survey without saving; nothing written\n",
    )
    assert not (root / "agreements" / "assessments" / "another-round.yaml").exists()
