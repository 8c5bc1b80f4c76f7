"""Where the teams disagree: per statement the highest minus the lowest score, largest first."""

from __future__ import annotations

from accord.diagnostic import gaps
from accord.domain import model as m

Q = m.Questionnaire(
    kind="Questionnaire",
    id="q",
    statements=[
        m.Statement(id="definitions", text="We share definitions."),
        m.Statement(id="planning", text="We plan together."),
        m.Statement(id="handoff", text="Leads arrive complete."),
        m.Statement(id="feedback", text="Sales says which leads were good."),
    ],
    bands=[],
)


def _round(**responses: list[int]) -> m.Assessment:
    return m.Assessment(
        kind="Assessment",
        id="r",
        questionnaire="q",
        date="2026-11-18",  # type: ignore[arg-type]
        responses=responses,
    )


def test_gaps_largest_first_then_in_questionnaire_order() -> None:
    a = _round(
        marketing=[5, 2, 4, 3],
        sales=[2, 2, 3, 5],
        customer_success=[4, 2, 3, 3],
    )
    found = gaps(Q, a)
    # definitions 5−2 = 3; feedback 5−3 = 2; handoff 4−3 = 1; planning 2−2 = 0
    assert [(g.statement.id, g.size) for g in found] == [
        ("definitions", 3),
        ("feedback", 2),
        ("handoff", 1),
        ("planning", 0),
    ]
    first = found[0]
    assert first.position == 1
    assert dict(first.scores) == {"marketing": 5, "sales": 2, "customer_success": 4}
    assert (first.high, first.low) == (("marketing",), ("sales",))
    assert found[1].low == ("marketing", "customer_success")
    assert found[3].high == found[3].low == ("marketing", "sales", "customer_success")


def test_two_teams_only() -> None:
    a = _round(marketing=[5, 2, 4, 3], sales=[2, 2, 3, 5], customer_success=[1, 5, 1, 1])
    found = gaps(Q, a, teams=["marketing", "sales"])
    assert [(g.statement.id, g.size) for g in found] == [
        ("definitions", 3),
        ("feedback", 2),
        ("handoff", 1),
        ("planning", 0),
    ]
    assert all(set(g.scores) == {"marketing", "sales"} for g in found)


def test_one_team_has_no_gaps() -> None:
    assert gaps(Q, _round(marketing=[5, 2, 4, 3])) == []
    assert gaps(Q, _round(marketing=[5, 2, 4, 3], sales=[1, 1, 1, 1]), teams=["sales"]) == []
