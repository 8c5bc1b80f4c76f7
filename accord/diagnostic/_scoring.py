"""Scores of one diagnostic round: each team's total, the combined score, their bands.

The rules of docs/reference/kinds.md: a team's score is the sum of its 1–5
scores; the combined score is the mean of the teams' sums, rounded half up;
each score maps to the band that contains it. `accord.domain.maturity` gives
the same numbers as plain tuples; this module keeps the bands and the possible
range with them, for the survey, the advice and the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from accord.domain import model as m
from accord.domain.model import MATURITY_STAGES, MaturityStage

LOWEST = 1
"""The lowest score of a statement (not at all true for us)."""
HIGHEST = 5
"""The highest score of a statement (completely true for us)."""


@dataclass(frozen=True)
class Score:
    """One score of a round: a team's sum, or the combined score, with its band."""

    who: str
    """The team id, or ``"combined"``."""
    total: int
    """The score."""
    band: m.Band | None
    """The band containing the score; None when no band does."""

    @property
    def stage(self) -> MaturityStage | None:
        """The band's stage: undefined, defined, aligned or integrated."""
        return self.band.stage if self.band is not None else None


@dataclass(frozen=True)
class RoundScores:
    """The scores of one assessment round."""

    assessment: m.Assessment
    questionnaire: m.Questionnaire
    teams: tuple[Score, ...]
    """One per team, in the order of the round's responses."""
    combined: Score | None
    """The mean of the teams' sums rounded half up; None when nobody answered."""

    @property
    def low(self) -> int:
        """The lowest possible score (every statement scored 1)."""
        return score_range(self.questionnaire)[0]

    @property
    def high(self) -> int:
        """The highest possible score (every statement scored 5)."""
        return score_range(self.questionnaire)[1]

    def team(self, team_id: str) -> Score | None:
        return next((s for s in self.teams if s.who == team_id), None)


def score_range(questionnaire: m.Questionnaire) -> tuple[int, int]:
    """(lowest, highest) possible score: n statements → n … 5n."""
    n = len(questionnaire.statements)
    return LOWEST * n, HIGHEST * n


def band_of(questionnaire: m.Questionnaire, score: int) -> m.Band | None:
    """The band that contains `score` (the first, should the bands overlap)."""
    return next((b for b in questionnaire.bands if b.min <= score <= b.max), None)


def team_total(scores: Sequence[int]) -> int:
    """A team's score: the sum of its scores."""
    return sum(scores)


def combined_total(totals: Sequence[int]) -> int:
    """The mean of the teams' sums, rounded half up (10.5 → 11, 10.25 → 10).

    Raises:
        ValueError: no totals.
    """
    if not totals:
        raise ValueError("no team scores to combine")
    n = len(totals)
    return (2 * sum(totals) + n) // (2 * n)


def score_round(questionnaire: m.Questionnaire, assessment: m.Assessment) -> RoundScores:
    """Every team's score and the combined score of `assessment`, each with its band."""
    teams = tuple(
        Score(team, total, band_of(questionnaire, total))
        for team, total in ((t, team_total(s)) for t, s in assessment.responses.items())
    )
    combined = None
    if teams:
        total = combined_total([s.total for s in teams])
        combined = Score("combined", total, band_of(questionnaire, total))
    return RoundScores(assessment, questionnaire, teams, combined)


def next_stage(stage: MaturityStage | None) -> MaturityStage | None:
    """The stage after `stage`: a relationship without a stage counts as undefined;
    after integrated there is none."""
    index = MATURITY_STAGES.index(stage) if stage is not None else 0
    return MATURITY_STAGES[index + 1] if index + 1 < len(MATURITY_STAGES) else None
