"""Recording a round: which round the answers join, the YAML written, and that every
existing byte stays as it was."""

from __future__ import annotations

import datetime as dt
import difflib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from diagnostic_files import snapshot

from accord.diagnostic import (
    BadAnswers,
    DiagnosticError,
    check_answers,
    parse_answers,
    plan_round,
    record_answers,
)
from accord.domain.workspace import Workspace

Load = Callable[[Path], Workspace]
DEMO_MATURITY = Path(__file__).parents[3] / "agreements" / "maturity"
NOV = dt.date(2026, 11, 18)

NEW_ROUND = """\
# A round of the relationship diagnostic (questionnaire relationship-diagnostic),
# written by `accord assess`. Each team adds its own line with
# `accord assess --team ID`: one score 1–5 per statement, in the questionnaire's
# order. Commit the file in a pull request; never edit an old round.
kind: Assessment
id: relationship-diagnostic-2026-11
questionnaire: relationship-diagnostic
date: 2026-11-18
responses:
  sales: [4, 3, 5, 2]
"""

COMMENTED = """\
# ---------------------------------------------------------------
# Autumn round. Marketing answered first; Sales follows next week.
# ---------------------------------------------------------------
kind: Assessment
id: autumn-round
questionnaire: 'relationship-diagnostic'   # quoted on purpose
date: 2026-11-10
responses:
  #            defs  plan  numbers  feedback
  marketing:  [3,    2,    4,       3]        # 12 → aligned
notes: >-
  Sales answers after the pipeline review.
"""


def test_a_new_round_is_a_new_file(root: Path, load: Load) -> None:
    ws = load(root)
    before = snapshot(root)
    plan = plan_round(ws, "sales", date=NOV)
    # the spring round (2026-03-15) is closed: a new one, named by month
    assert (plan.id, plan.file, plan.existing) == (
        "relationship-diagnostic-2026-11",
        "agreements/assessments/relationship-diagnostic-2026-11.yaml",
        None,
    )
    recorded = record_answers(ws, plan, "sales", [4, 3, 5, 2])
    assert recorded.created
    assert recorded.path.read_text(encoding="utf-8") == NEW_ROUND
    after = snapshot(root)
    assert after.pop(plan.file) == NEW_ROUND.encode()
    assert after == before  # every other file byte for byte
    sales = recorded.scores.team("sales")
    assert sales is not None and (sales.total, sales.stage) == (14, "aligned")
    # the file is a valid part of the workspace
    reloaded = load(root)
    assert reloaded.assessments[plan.id].responses == {"sales": [4, 3, 5, 2]}


def test_the_second_team_adds_one_line_to_the_open_round(root: Path, load: Load) -> None:
    record_answers(load(root), plan_round(load(root), "sales", date=NOV), "sales", [4, 3, 5, 2])
    ws = load(root)
    plan = plan_round(ws, "marketing", date=NOV + dt.timedelta(days=6))
    assert (plan.id, plan.date) == ("relationship-diagnostic-2026-11", NOV)
    recorded = record_answers(ws, plan, "marketing", [3, 3, 3, 3])
    assert not recorded.created
    assert recorded.path.read_text(encoding="utf-8") == NEW_ROUND + "  marketing: [3, 3, 3, 3]\n"
    combined = recorded.scores.combined
    assert combined is not None and (combined.total, combined.stage) == (13, "aligned")
    assert load(root).assessments[plan.id].responses == {
        "sales": [4, 3, 5, 2],
        "marketing": [3, 3, 3, 3],
    }


def test_a_commented_round_keeps_every_byte(root: Path, load: Load) -> None:
    (root / "agreements" / "autumn.yaml").write_text(COMMENTED, encoding="utf-8")
    ws = load(root)
    before = snapshot(root)
    plan = plan_round(ws, "sales", date=NOV)
    assert (plan.id, plan.file) == ("autumn-round", "agreements/autumn.yaml")
    record_answers(ws, plan, "sales", [2, 2, 3, 3])
    after = snapshot(root)
    new = after.pop("agreements/autumn.yaml").decode()
    before.pop("agreements/autumn.yaml")
    assert after == before
    old_lines = COMMENTED.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    added = [line for line in difflib.ndiff(old_lines, new_lines) if line[:2] != "  "]
    assert added == ["+   sales: [2, 2, 3, 3]\n"]
    assert new_lines[: len(old_lines) - 2] == old_lines[:-2]
    assert load(root).assessments["autumn-round"].responses["sales"] == [2, 2, 3, 3]


def test_crlf_and_a_missing_final_newline_survive(root: Path, load: Load) -> None:
    text = COMMENTED.replace("notes: >-\n  Sales answers after the pipeline review.\n", "")
    raw = text.rstrip("\n").replace("\n", "\r\n").encode()
    (root / "agreements" / "autumn.yaml").write_bytes(raw)
    ws = load(root)
    record_answers(ws, plan_round(ws, "sales", date=NOV), "sales", [2, 2, 3, 3])
    assert (root / "agreements" / "autumn.yaml").read_bytes() == raw + (
        b"\r\n  sales: [2, 2, 3, 3]"
    )


def test_the_demo_file_with_aligned_columns_gains_one_line(root: Path, load: Load) -> None:
    agreements = root / "agreements"
    for name in ("questionnaire.yaml", "assessments.yaml"):
        shutil.copy(DEMO_MATURITY / name, agreements / f"demo-{name}")
    teams = (agreements / "teams.yaml").read_text(encoding="utf-8")
    for team in ("customer-success", "leadership"):
        teams += f"---\nkind: Team\nid: {team}\nname: {team.title()}\nmembers: []\n"
    (agreements / "teams.yaml").write_text(teams, encoding="utf-8")
    ws = load(root)
    original = (agreements / "demo-assessments.yaml").read_text(encoding="utf-8")
    plan = plan_round(ws, "leadership", date=NOV, round_id="maturity-2026-11")
    record_answers(ws, plan, "leadership", [4] * 20)
    new = (agreements / "demo-assessments.yaml").read_text(encoding="utf-8")
    diff = [
        line for line in difflib.ndiff(original.splitlines(), new.splitlines()) if line[:2] != "  "
    ]
    assert diff == ["+   leadership: [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]"]


def test_a_round_that_cannot_take_one_line_is_left_alone(root: Path, load: Load) -> None:
    flow = COMMENTED.replace(
        "responses:\n  #            defs  plan  numbers  feedback\n"
        "  marketing:  [3,    2,    4,       3]        # 12 → aligned\n",
        "responses: {marketing: [3, 2, 4, 3]}\n",
    )
    (root / "agreements" / "autumn.yaml").write_text(flow, encoding="utf-8")
    ws = load(root)
    before = snapshot(root)
    with pytest.raises(DiagnosticError) as caught:
        record_answers(ws, plan_round(ws, "sales", date=NOV), "sales", [2, 2, 3, 3])
    assert str(caught.value) == (
        "adding to agreements/autumn.yaml would change more than one line; nothing written: "
        "add this line under `responses:` of round 'autumn-round' by hand: sales: [2, 2, 3, 3]"
    )
    assert snapshot(root) == before


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        (
            [4, 3, 5],
            "3 scores given; questionnaire 'relationship-diagnostic' has 4 statements: give one "
            "score 1–5 per statement, in order",
        ),
        (
            [4, 3, 5, 6],
            "the 4th score (feedback) is 6; each score is 1 (not at all) to 5 (completely)",
        ),
        (
            [0, 3, 5, 4],
            "the 1st score (shared-definitions) is 0; each score is 1 (not at all) to 5 "
            "(completely)",
        ),
    ],
)
def test_bad_answers_leave_no_file(root: Path, load: Load, scores: list[int], message: str) -> None:
    ws = load(root)
    before = snapshot(root)
    plan = plan_round(ws, "sales", date=NOV)
    with pytest.raises(BadAnswers) as caught:
        record_answers(ws, plan, "sales", scores)
    assert str(caught.value) == message
    with pytest.raises(BadAnswers):
        plan_round(ws, "sales", date=NOV, answers=scores)
    assert snapshot(root) == before
    assert not (root / "agreements" / "assessments").exists()


def test_parse_answers() -> None:
    assert parse_answers("4,3,5,2") == [4, 3, 5, 2]
    assert parse_answers(" 4, 3  5,2 ") == [4, 3, 5, 2]
    with pytest.raises(BadAnswers, match="the 2nd score 'x' is not a whole number 1–5"):
        parse_answers("4,x,5")
    with pytest.raises(BadAnswers, match="the 3rd score '-1' is not a whole number"):
        parse_answers("4,3,-1")
    with pytest.raises(BadAnswers, match="--answers is empty"):
        parse_answers(" , ")
    with pytest.raises(BadAnswers, match="the 11th score"):
        check_answers_of_12("3,3,3,3,3,3,3,3,3,3,9,3")


def check_answers_of_12(text: str) -> None:
    from accord.domain import model as m

    q = m.Questionnaire(
        kind="Questionnaire",
        id="q",
        statements=[m.Statement(id=f"s{i}", text="x") for i in range(12)],
        bands=[],
    )
    check_answers(q, parse_answers(text))


def test_a_team_answers_a_round_once(root: Path, load: Load) -> None:
    ws = load(root)
    with pytest.raises(DiagnosticError) as caught:
        plan_round(ws, "marketing", date=dt.date(2026, 3, 20))
    assert str(caught.value) == (
        "Marketing already answered round 'relationship-2026-q1' (agreements/diagnostic.yaml:20:"
        "14); a round holds one answer per team: correct that line in a pull request, or start "
        "a new round with --round ID"
    )
    # a new round by name
    plan = plan_round(ws, "marketing", date=dt.date(2026, 3, 20), round_id="spring-retake")
    assert (plan.id, plan.existing) == ("spring-retake", None)


def test_what_plan_round_refuses(root: Path, load: Load) -> None:
    ws = load(root)
    with pytest.raises(BadAnswers, match=r"unknown team 'sals'; did you mean 'sales'\?"):
        plan_round(ws, "sals", date=NOV)
    with pytest.raises(BadAnswers, match="unknown questionnaire 'other'"):
        plan_round(ws, "sales", date=NOV, questionnaire="other")
    with pytest.raises(BadAnswers, match="--round 'Autumn 2026' is not an id"):
        plan_round(ws, "sales", date=NOV, round_id="Autumn 2026")
    # the month's name is taken by a round that is not open on that day
    (root / "agreements" / "early.yaml").write_text(
        "kind: Assessment\nid: relationship-diagnostic-2026-11\nquestionnaire: "
        "relationship-diagnostic\ndate: 2026-11-28\nresponses: {}\n",
        encoding="utf-8",
    )
    with pytest.raises(DiagnosticError, match="is not open on 2026-11-18: name the new round"):
        plan_round(load(root), "sales", date=NOV)
    # a file in the way of a new round
    (root / "agreements" / "assessments").mkdir()
    (root / "agreements" / "assessments" / "late.yaml").write_text("# nothing yet\n")
    with pytest.raises(DiagnosticError, match="late.yaml exists but does not hold round 'late'"):
        plan_round(ws, "sales", date=NOV, round_id="late")
