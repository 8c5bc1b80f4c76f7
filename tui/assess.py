"""The maturity survey in the terminal: one statement at a time, a summary before saving.

`make_survey_app(ws, plan, team, save=...)` is what ``accord assess`` and the tests
use. Keys: ``1``–``5`` score the statement and go on, ``←``/``Backspace`` back,
``→``/``Enter`` forward (over answered statements), ``Esc`` leaves (twice once
something is answered). After the last statement the summary shows every score,
the team's total and band (and the round's combined score when other teams
answered already); ``Enter`` saves through `save` — `accord.diagnostic.record_answers`
in the CLI — and the app returns what was recorded. Nothing is written before that.

`Survey` holds the answers and the position: plain, tested logic; the screens
only render it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, Static

from accord.diagnostic import (
    HIGHEST,
    LOWEST,
    Recorded,
    Round,
    band_of,
    score_line,
    score_range,
    score_round,
    team_total,
)
from accord.domain import model as m
from accord.domain.errors import AccordError
from accord.domain.workspace import Workspace

SCALE: dict[int, str] = {
    1: "not at all",
    2: "a little",
    3: "partly",
    4: "mostly",
    5: "completely",
}
"""What each score means: how true the statement is for us."""

Save = Callable[[list[int]], Recorded]
"""Writes the answers; raises `AccordError` when it cannot (nothing written)."""


class Survey:
    """The answers so far and the statement on screen (or the summary)."""

    def __init__(self, count: int) -> None:
        self.scores: list[int | None] = [None] * count
        self.index = 0
        """The statement on screen, from 0; ``count`` means the summary."""

    @property
    def count(self) -> int:
        return len(self.scores)

    @property
    def in_summary(self) -> bool:
        return self.index >= self.count

    @property
    def complete(self) -> bool:
        return all(s is not None for s in self.scores)

    @property
    def answered(self) -> int:
        return sum(1 for s in self.scores if s is not None)

    def answers(self) -> list[int]:
        """Every score, in statement order (only when `complete`)."""
        assert self.complete
        return [s for s in self.scores if s is not None]

    def answer(self, score: int) -> None:
        """Score the statement on screen and go to the next one (or the summary)."""
        if not LOWEST <= score <= HIGHEST:
            raise ValueError(f"a score is {LOWEST}–{HIGHEST}, not {score}")
        if self.in_summary:
            return
        self.scores[self.index] = score
        self.index += 1

    def back(self) -> bool:
        """The previous statement (from the summary: the last one); False at the first."""
        if self.index == 0:
            return False
        self.index = min(self.index, self.count) - 1
        return True

    def forward(self) -> bool:
        """The next statement, once this one is answered; False when it is not."""
        if self.in_summary or self.scores[self.index] is None:
            return False
        self.index += 1
        return True


def progress_bar(survey: Survey) -> str:
    """``●●◉○○`` — answered, on screen, still open."""
    marks = []
    for i, score in enumerate(survey.scores):
        if i == survey.index:
            marks.append("◉")
        else:
            marks.append("●" if score is not None else "○")
    return "".join(marks)


def answer_rows(questionnaire: m.Questionnaire, answers: list[int]) -> list[tuple[int, int, str]]:
    """(number from 1, score, statement text) for each statement of the summary."""
    return [
        (i, score, statement.text)
        for i, (statement, score) in enumerate(
            zip(questionnaire.statements, answers, strict=True), start=1
        )
    ]


def summary_lines(
    ws: Workspace, plan: Round, team: str, answers: list[int]
) -> list[tuple[str, str]]:
    """(label, value) rows of the summary: the team's score and band, and the round's
    combined score when other teams answered already."""
    q = plan.questionnaire
    high = score_range(q)[1]
    total = team_total(answers)
    band = band_of(q, total)
    name = ws.teams[team].name if team in ws.teams else team
    own = f"{total} of {high} → {band.stage} ({band.min}–{band.max})" if band else f"{total}"
    rows = [(name, own)]
    if plan.existing is not None and plan.existing.responses:
        joined = plan.existing.model_copy(
            update={"responses": {**plan.existing.responses, team: answers}}
        )
        scores = score_round(q, joined)
        if scores.combined is not None:
            others = ", ".join(ws.teams[t].name if t in ws.teams else t for t in joined.responses)
            rows.append((f"Combined ({others})", score_line(scores.combined, high)))
    return rows


class QuestionScreen(Screen[None]):
    """One statement, the 1–5 scale, and where we are."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(str(n), f"score({n})", f"{n} {SCALE[n]}", show=False) for n in SCALE),
        Binding("left,backspace", "back", "Back"),
        Binding("right,enter", "forward", "Forward"),
        Binding("escape", "leave", "Leave"),
    ]

    DEFAULT_CSS = """
    QuestionScreen { align: center middle; }
    QuestionScreen #question { width: 90; max-width: 100%; height: auto; padding: 1 2;
        border: round $primary; }
    QuestionScreen #survey-title { text-style: bold; color: $text; }
    QuestionScreen #survey-progress { color: $text-muted; margin-bottom: 1; }
    QuestionScreen #survey-statement { text-style: bold; margin-bottom: 1; height: auto; }
    QuestionScreen #scale { height: 3; }
    QuestionScreen .option { width: 1fr; height: 3; content-align: center middle;
        border: round $panel; }
    QuestionScreen .option.-chosen { border: round $accent; background: $accent 30%;
        text-style: bold; }
    QuestionScreen #survey-hint { color: $text-muted; margin-top: 1; }
    """

    def compose(self) -> ComposeResult:
        with Vertical(id="question"):
            yield Label("", id="survey-title")
            yield Label("", id="survey-progress")
            yield Static("", id="survey-statement")
            with Horizontal(id="scale"):
                for n, words in SCALE.items():
                    yield Label(f"{n}  {words}", id=f"option-{n}", classes="option")
            yield Label(
                "1–5 score · ← back · → forward · Esc leave without saving", id="survey-hint"
            )
        yield Footer()

    @property
    def survey_app(self) -> SurveyApp:
        assert isinstance(self.app, SurveyApp)
        return self.app

    def on_mount(self) -> None:
        self.show()

    def on_screen_resume(self) -> None:
        self.show()

    def show(self) -> None:
        """Render the statement on screen."""
        app = self.survey_app
        survey = app.survey
        if survey.in_summary:
            return
        statement = app.plan.questionnaire.statements[survey.index]
        title = app.plan.questionnaire.title or "Relationship diagnostic"
        # text from the YAML is shown as written, never read as Rich markup
        self.query_one("#survey-title", Label).update(Text(f"{title} — {app.team_name}"))
        self.query_one("#survey-progress", Label).update(
            f"Statement {survey.index + 1} of {survey.count}  {progress_bar(survey)}"
        )
        self.query_one("#survey-statement", Static).update(Text(statement.text))
        chosen = survey.scores[survey.index]
        for n in SCALE:
            self.query_one(f"#option-{n}", Label).set_class(n == chosen, "-chosen")

    def action_score(self, score: int) -> None:
        self.survey_app.survey.answer(score)
        self.survey_app.after_move()

    def action_back(self) -> None:
        if self.survey_app.survey.back():
            self.show()

    def action_forward(self) -> None:
        if self.survey_app.survey.forward():
            self.survey_app.after_move()
        else:
            self.notify(f"Score this statement first ({LOWEST}–{HIGHEST}).", timeout=2)

    def action_leave(self) -> None:
        self.survey_app.leave()


class SummaryScreen(Screen[None]):
    """Every score, the team's total and band; Enter saves."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,ctrl+s", "save", "Save"),
        Binding("left,backspace", "back", "Back"),
        Binding("escape", "leave", "Leave"),
    ]

    DEFAULT_CSS = """
    SummaryScreen { align: center middle; }
    SummaryScreen #summary { width: 100; max-width: 100%; height: auto; max-height: 100%;
        padding: 1 2; border: round $primary; }
    SummaryScreen #summary-title { text-style: bold; }
    SummaryScreen #summary-scores { height: auto; max-height: 20; margin: 1 0; }
    SummaryScreen #summary-result { text-style: bold; color: $accent; }
    SummaryScreen #summary-hint { color: $text-muted; margin-top: 1; }
    """

    def compose(self) -> ComposeResult:
        app = self.survey_app
        with Vertical(id="summary"):
            yield Label(Text(f"Your answers — {app.team_name}"), id="summary-title")
            with VerticalScroll(id="summary-scores"):
                yield Static(self._scores_table(), id="summary-list")
            yield Static(self._result_text(), id="summary-result")
            yield Label(
                Text(f"Enter saves to {app.plan.file}\n")
                + Text("← change an answer · Esc leave without saving"),
                id="summary-hint",
            )
        yield Footer()

    @property
    def survey_app(self) -> SurveyApp:
        assert isinstance(self.app, SurveyApp)
        return self.app

    def _scores_table(self) -> Table:
        app = self.survey_app
        grid = Table.grid(padding=(0, 1))
        grid.add_column(justify="right", style="dim")
        grid.add_column(justify="right", style="bold")
        grid.add_column(ratio=1)
        for number, score, text in answer_rows(app.plan.questionnaire, app.survey.answers()):
            grid.add_row(f"{number}.", str(score), Text(text))
        return grid

    def _result_text(self) -> Text:
        app = self.survey_app
        rows = summary_lines(app.ws, app.plan, app.team, app.survey.answers())
        return Text("\n".join(f"{label}: {value}" for label, value in rows))

    def action_save(self) -> None:
        self.survey_app.save()

    def action_back(self) -> None:
        self.survey_app.survey.back()
        self.app.pop_screen()

    def action_leave(self) -> None:
        self.survey_app.leave()


class SurveyApp(App[Recorded]):
    """The survey of one team for one round; returns what was recorded, or None."""

    TITLE = "Accord — relationship diagnostic"

    def __init__(self, ws: Workspace, plan: Round, team: str, *, save: Save) -> None:
        super().__init__()
        self.ws = ws
        self.plan = plan
        self.team = team
        self.team_name = ws.teams[team].name if team in ws.teams else team
        self.survey = Survey(len(plan.questionnaire.statements))
        self._save = save
        self._leaving = False
        self.last_error: str | None = None
        """Why the last save failed (also shown as a notification)."""

    def on_mount(self) -> None:
        self.push_screen(QuestionScreen())

    def after_move(self) -> None:
        """Show where the survey is now: the next statement or the summary."""
        self._leaving = False
        if self.survey.in_summary:
            self.push_screen(SummaryScreen())
        elif isinstance(self.screen, QuestionScreen):
            self.screen.show()

    def save(self) -> None:
        """Record the answers; on success leave with the result, else say why and stay."""
        try:
            recorded = self._save(self.survey.answers())
        except AccordError as exc:
            self.last_error = str(exc)
            self.notify(self.last_error, title="Not saved", severity="error", timeout=10)
            return
        self.exit(recorded)

    def leave(self) -> None:
        """Leave without saving: at once when nothing is answered, else on the second Esc."""
        if self.survey.answered and not self._leaving:
            self._leaving = True
            self.notify("Press Esc again to leave without saving.", timeout=3)
            return
        self.exit(None)


def make_survey_app(ws: Workspace, plan: Round, team: str, *, save: Save) -> SurveyApp:
    """The survey app for `team` answering `plan`'s round; `save` writes the answers."""
    return SurveyApp(ws, plan, team, save=save)
