"""Answers typed by a person: ``4,3,5,…`` read and checked against a questionnaire."""

from __future__ import annotations

from collections.abc import Sequence

from accord.diagnostic._errors import BadAnswers
from accord.diagnostic._scoring import HIGHEST, LOWEST
from accord.domain import model as m


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def parse_answers(text: str) -> list[int]:
    """``"4,3,5"`` (commas, spaces or both) as scores; not yet checked against a
    questionnaire.

    Raises:
        BadAnswers: a part that is not a whole number, or no scores at all.
    """
    parts = [p for p in text.replace(",", " ").split()]
    if not parts:
        raise BadAnswers("--answers is empty: give one score 1–5 per statement, e.g. 4,3,5")
    scores = []
    for i, part in enumerate(parts, start=1):
        if not part.isascii() or not part.isdigit():
            raise BadAnswers(
                f"--answers: the {_ordinal(i)} score '{part[:20]}' is not a whole number "
                f"{LOWEST}–{HIGHEST}"
            )
        scores.append(int(part))
    return scores


def check_answers(questionnaire: m.Questionnaire, scores: Sequence[int]) -> None:
    """Refuse answers that do not fit `questionnaire`: one score per statement, each 1–5.

    Raises:
        BadAnswers: with a one-line message naming the count or the first bad score.
    """
    n = len(questionnaire.statements)
    if len(scores) != n:
        raise BadAnswers(
            f"{len(scores)} scores given; questionnaire '{questionnaire.id}' has {n} "
            f"statements: give one score {LOWEST}–{HIGHEST} per statement, in order"
        )
    for i, score in enumerate(scores):
        if not LOWEST <= score <= HIGHEST:
            statement = questionnaire.statements[i].id
            raise BadAnswers(
                f"the {_ordinal(i + 1)} score ({statement}) is {score}; each score is "
                f"{LOWEST} (not at all) to {HIGHEST} (completely)"
            )
