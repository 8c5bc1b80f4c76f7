"""Where the teams disagree: per statement, the spread of the teams' scores.

A gap is the highest team score of a statement minus the lowest. The largest
gaps are the conversations to have at the next joint meeting: one team thinks
the leads arrive complete (5), the other does not (2).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from accord.domain import model as m


@dataclass(frozen=True)
class Gap:
    """One statement with every team's score for it."""

    statement: m.Statement
    position: int
    """The statement's place in the questionnaire, from 1."""
    scores: Mapping[str, int]
    """Team id → its score, in the order of the round's responses."""

    @property
    def size(self) -> int:
        """Highest score minus lowest score (0 when the teams agree)."""
        return max(self.scores.values()) - min(self.scores.values())

    @property
    def high(self) -> tuple[str, ...]:
        """The teams that gave the highest score."""
        top = max(self.scores.values())
        return tuple(t for t, s in self.scores.items() if s == top)

    @property
    def low(self) -> tuple[str, ...]:
        """The teams that gave the lowest score."""
        bottom = min(self.scores.values())
        return tuple(t for t, s in self.scores.items() if s == bottom)


def gaps(
    questionnaire: m.Questionnaire,
    assessment: m.Assessment,
    teams: Iterable[str] | None = None,
) -> list[Gap]:
    """Per statement, the gap between the teams' scores: largest first, then in
    questionnaire order.

    Args:
        questionnaire: the questionnaire the round answered.
        assessment: the round.
        teams: compare only these teams (default: every team that answered).

    Returns:
        One `Gap` per statement that at least two of the teams scored; none when
        fewer than two teams answered.
    """
    wanted = None if teams is None else set(teams)
    responses = {t: s for t, s in assessment.responses.items() if wanted is None or t in wanted}
    out = []
    for i, statement in enumerate(questionnaire.statements):
        scores = {t: s[i] for t, s in responses.items() if i < len(s)}
        if len(scores) >= 2:
            out.append(Gap(statement, i + 1, scores))
    return sorted(out, key=lambda g: (-g.size, g.position))
