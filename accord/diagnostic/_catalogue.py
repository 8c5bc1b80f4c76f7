"""The practices of each stage transition, each with the check that looks for it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from accord.diagnostic import _practices as p
from accord.diagnostic._facts import Facts, Found
from accord.domain.model import MaturityStage


@dataclass(frozen=True)
class Practice:
    """A practice that moves a relationship from one stage to the next."""

    id: str
    title: str
    start: MaturityStage
    """The stage the practice moves a relationship out of."""
    target: MaturityStage
    """The stage it moves it into."""
    why: str
    """What the practice is, in one sentence."""


def _practice(
    ident: str, title: str, step: tuple[MaturityStage, MaturityStage], why: str
) -> Practice:
    return Practice(ident, title, step[0], step[1], why)


_DEFINED: tuple[MaturityStage, MaturityStage] = ("undefined", "defined")
_ALIGNED: tuple[MaturityStage, MaturityStage] = ("defined", "aligned")
_INTEGRATED: tuple[MaturityStage, MaturityStage] = ("aligned", "integrated")

CATALOGUE: tuple[tuple[Practice, Callable[[Facts], Found]], ...] = (
    (
        _practice(
            "stage-definitions",
            "Written stage definitions",
            _DEFINED,
            "one written definition of each funnel stage, so a lead is ready when the criteria "
            "say so",
        ),
        p.stage_definitions,
    ),
    (
        _practice(
            "sla",
            "A service level agreement",
            _DEFINED,
            "measurable promises in both directions, approved by both sides",
        ),
        p.sla,
    ),
    (
        _practice(
            "handoff",
            "A written hand-off",
            _DEFINED,
            "the information that travels with every lead or customer handed over",
        ),
        p.handoff,
    ),
    (
        _practice(
            "liaisons",
            "Liaisons on both sides",
            _ALIGNED,
            "a named person in each team whose job is the seam with the other",
        ),
        p.liaisons,
    ),
    (
        _practice(
            "joint-meetings",
            "Joint meetings on a rhythm",
            _ALIGNED,
            "both teams read the same numbers together, on a fixed cadence",
        ),
        p.joint_meetings,
    ),
    (
        _practice(
            "joint-planning",
            "Joint planning",
            _ALIGNED,
            "campaigns, capacity and targets planned together before the period starts",
        ),
        p.ritual_check(
            p.PLANNING,
            "planning",
            "plan campaigns and capacity together (a Ritual both attend, e.g. quarterly planning).",
        ),
    ),
    (
        _practice(
            "shared-training",
            "Shared training",
            _ALIGNED,
            "both teams learn the product, the customer and each other's work together",
        ),
        p.ritual_check(
            p.TRAINING,
            "training",
            "add a Ritual both attend (a product, ICP or objection-handling training) so it "
            "stays on the calendar.",
        ),
    ),
    (
        _practice(
            "job-rotation",
            "Job rotation",
            _ALIGNED,
            "people spend time in the other team and bring its view back",
        ),
        p.job_rotation,
    ),
    (
        _practice(
            "revenue-owner",
            "One revenue owner",
            _INTEGRATED,
            "one role above the teams owns the revenue and breaks ties",
        ),
        p.revenue_owner,
    ),
    (
        _practice(
            "shared-kpis",
            "Shared KPIs and rewards",
            _INTEGRATED,
            "numbers both teams are judged on together, and rewarded for",
        ),
        p.shared_kpis,
    ),
    (
        _practice(
            "funnel-responsibilities",
            "Funnel responsibilities written down",
            _INTEGRATED,
            "for every stage the roles responsible and the one accountable (RACI)",
        ),
        p.funnel_responsibilities,
    ),
)
"""Every practice with its check, in step order."""
