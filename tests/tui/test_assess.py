"""The survey of `accord assess`, driven with Pilot: keys 1–5, back and forth, the
summary, the YAML it writes, and nothing written when it is left."""

from __future__ import annotations

import datetime as dt
import difflib
import shutil
from pathlib import Path

import pytest
from testclock import NOW, fixed
from textual.widgets import Label, Static

from accord.diagnostic import DiagnosticError, Recorded, plan_round, record_answers
from accord.domain.workspace import Workspace
from accord.loading import load_workspace
from tui.assess import (
    QuestionScreen,
    SummaryScreen,
    Survey,
    SurveyApp,
    answer_rows,
    make_survey_app,
    progress_bar,
)

BASE = Path(__file__).parents[1] / "accord" / "golden" / "_base"
SIZE = (100, 30)
NOV = dt.date(2026, 11, 18)

COMMENTED_ROUND = """\
# Autumn round: Marketing answered first, Sales follows.
kind: Assessment
id: autumn-round
questionnaire: relationship-diagnostic
date: 2026-11-10
responses:
  marketing:  [3, 2, 4, 3]   # 12 → aligned
notes: >-
  Sales answers after the pipeline review.
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "agreements").mkdir()
    for path in BASE.glob("*.yaml"):
        shutil.copy(path, tmp_path / "agreements" / path.name)
    # a commented file the survey must not touch
    roles = tmp_path / "agreements" / "roles.yaml"
    roles.write_text("# Roles — who does what.\n" + roles.read_text() + "# end of roles\n")
    return tmp_path


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def load(root: Path) -> Workspace:
    return load_workspace(root, now=fixed(NOW))


def app_for(root: Path, team: str = "sales") -> SurveyApp:
    ws = load(root)
    plan = plan_round(ws, team, date=NOV)
    return make_survey_app(ws, plan, team, save=lambda s: record_answers(ws, plan, team, s))


def shown(app: SurveyApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


# --- the pure state ------------------------------------------------------------


def test_survey_moves_one_statement_at_a_time() -> None:
    survey = Survey(3)
    assert (survey.index, survey.forward(), survey.back()) == (0, False, False)
    survey.answer(4)
    assert (survey.index, progress_bar(survey)) == (1, "●◉○")
    assert survey.back() and survey.index == 0
    assert survey.forward() and survey.index == 1
    survey.answer(2)
    survey.answer(5)
    assert survey.in_summary and survey.complete and survey.answers() == [4, 2, 5]
    assert survey.back() and survey.index == 2  # from the summary to the last statement
    with pytest.raises(ValueError):
        survey.answer(6)


# --- Pilot ---------------------------------------------------------------------


async def test_the_survey_writes_the_round(root: Path) -> None:
    before = files(root)
    app = app_for(root)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, QuestionScreen)
        assert shown(app, "#survey-statement") == (
            "We use one written definition of a qualified lead."
        )
        assert str(screen.query_one("#survey-progress", Label).content) == (
            "Statement 1 of 4  ◉○○○"
        )
        await pilot.press("4", "3", "5", "2")
        assert isinstance(app.screen, SummaryScreen)
        assert shown(app, "#summary-result") == "Sales: 14 of 20 → aligned (12–15)"
        assert answer_rows(app.plan.questionnaire, app.survey.answers())[2] == (
            3,
            5,
            "Both teams are judged on the same revenue numbers.",
        )
        await pilot.press("enter")
    recorded = app.return_value
    assert isinstance(recorded, Recorded)
    written = "agreements/assessments/relationship-diagnostic-2026-11.yaml"
    assert (root / written).read_text(encoding="utf-8") == (
        "# A round of the relationship diagnostic (questionnaire relationship-diagnostic),\n"
        "# written by `accord assess`. Each team adds its own line with\n"
        "# `accord assess --team ID`: one score 1–5 per statement, in the questionnaire's\n"
        "# order. Commit the file in a pull request; never edit an old round.\n"
        "kind: Assessment\n"
        "id: relationship-diagnostic-2026-11\n"
        "questionnaire: relationship-diagnostic\n"
        "date: 2026-11-18\n"
        "responses:\n"
        "  sales: [4, 3, 5, 2]\n"
    )
    after = files(root)
    after.pop(written)
    assert after == before  # the commented roles.yaml and every other file: byte for byte
    assert load(root).assessments["relationship-diagnostic-2026-11"].responses == {
        "sales": [4, 3, 5, 2]
    }


async def test_joining_a_commented_round_adds_one_line(root: Path) -> None:
    path = root / "agreements" / "autumn.yaml"
    path.write_text(COMMENTED_ROUND, encoding="utf-8")
    app = app_for(root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "2", "3", "3")
        # the round's combined score once Sales is in: (12 + 10) / 2 = 11
        assert shown(app, "#summary-result") == (
            "Sales: 10 of 20 → defined (8–11)\n"
            "Combined (Marketing, Sales): 11 of 20 → defined (8–11)"
        )
        await pilot.press("enter")
    new = path.read_text(encoding="utf-8")
    changes = [
        line
        for line in difflib.ndiff(COMMENTED_ROUND.splitlines(), new.splitlines())
        if line[:2] != "  "
    ]
    assert changes == ["+   sales: [2, 2, 3, 3]"]


async def test_back_and_forth(root: Path) -> None:
    app = app_for(root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "left")
        assert app.survey.index == 0
        assert app.screen.query_one("#option-4", Label).has_class("-chosen")
        assert not app.screen.query_one("#option-3", Label).has_class("-chosen")
        await pilot.press("right")
        assert app.survey.index == 1
        await pilot.press("right")  # not answered yet: stays
        assert app.survey.index == 1
        await pilot.press("5", "3", "2")
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("left")  # back to the last statement, its answer shown
        assert isinstance(app.screen, QuestionScreen)
        assert app.survey.index == 3
        assert app.screen.query_one("#option-2", Label).has_class("-chosen")
        await pilot.press("1")
        assert isinstance(app.screen, SummaryScreen)
        assert shown(app, "#summary-result") == "Sales: 13 of 20 → aligned (12–15)"
        await pilot.press("enter")
    assert load(root).assessments["relationship-diagnostic-2026-11"].responses == {
        "sales": [4, 5, 3, 1]
    }


async def test_leaving_writes_nothing(root: Path) -> None:
    before = files(root)
    app = app_for(root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "escape")
        assert app.is_running  # once something is answered, Esc asks again
        await pilot.press("escape")
    assert app.return_value is None
    assert files(root) == before
    # from the summary too
    app = app_for(root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "3", "5", "2", "escape", "escape")
    assert app.return_value is None
    assert files(root) == before


async def test_a_failed_save_says_why_and_stays(root: Path) -> None:
    ws = load(root)
    plan = plan_round(ws, "sales", date=NOV)

    def refuse(scores: list[int]) -> Recorded:
        raise DiagnosticError("the round's file changed; nothing written")

    app = make_survey_app(ws, plan, "sales", save=refuse)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "3", "5", "2", "enter")
        assert app.is_running and isinstance(app.screen, SummaryScreen)
        assert app.last_error == "the round's file changed; nothing written"
        await pilot.press("escape", "escape")
    assert app.return_value is None
    assert not (root / "agreements" / "assessments").exists()


async def test_text_from_the_yaml_is_shown_as_written(root: Path) -> None:
    path = root / "agreements" / "diagnostic.yaml"
    path.write_text(
        path.read_text().replace(
            "text: We use one written definition of a qualified lead.",
            'text: "We use [bold]one[/] definition [/red] of an SQL."',
        )
    )
    app = app_for(root)
    async with app.run_test(size=SIZE) as pilot:
        assert shown(app, "#survey-statement") == (
            "We use [bold]one[/] definition [/red] of an SQL."
        )
        await pilot.press("4", "3", "5", "2")
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("enter")
    assert isinstance(app.return_value, Recorded)
