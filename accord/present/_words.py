"""KPIs in plain words: what a measure counts, for whom, against which clock.

`describe_measure(kpi, ws)` gives one sentence a team lead can check against the
metric semantics (docs/reference/metrics.md), e.g. "Share of hot leads (hot = true)
contacted within 4 working hours of becoming SQL". Each measure kind words its own
sentence (`accord.domain.measures`); `Phrases` gives it the workspace's names for
stages and events.
"""

from __future__ import annotations

from accord.domain import model as m
from accord.domain.measures import kind_of
from accord.domain.workspace import Workspace


class Phrases:
    """How events, stages and durations read in one workspace."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def stage(self, stage_id: str) -> str:
        """How people call a stage: its glossary term when one has the same id, else
        its name."""
        term = self.ws.terms.get(stage_id)
        if term is not None:
            return term.term
        stage = self.ws.stages.get(stage_id)
        return stage.name if stage is not None else stage_id

    def event(self, match: m.Match, *, gerund: bool = False) -> str:
        """An event as words: "became SQL" / "becoming SQL", "contacted", "had a demo
        event"."""
        ev = m.as_match(match)
        if ev.type == "entered" and ev.stage is not None:
            word = self.stage(ev.stage)
            return f"becoming {word}" if gerund else f"became {word}"
        if ev.type == "entered":
            return "entering a stage" if gerund else "entered a stage"
        where = f" in {self.stage(ev.stage)}" if ev.stage else ""
        if ev.type in _PARTICIPLES:
            return (f"being {ev.type}" if gerund else ev.type) + where
        article = "an" if ev.type[:1].lower() in "aeiou" else "a"
        return (
            f"{article} {ev.type} event" if gerund else f"had {article} {ev.type} event"
        ) + where

    def event_clause(self, match: m.Match) -> str:
        """`event` as a clause after a noun: "contacted", "that became SQL", "that had
        an accepted event"."""
        said = self.event(match)
        return said if m.as_match(match).type in _PARTICIPLES else f"that {said}"

    def hours(self, hours: float, clock: str) -> str:
        """A duration inside a sentence: "4 working hours", "2 days", "90 hours"."""
        if clock == "business":
            return f"{hours:g} working hour" + ("" if hours == 1 else "s")
        if hours >= 24 and hours % 24 == 0:
            days = hours / 24
            return f"{days:g} day" + ("" if days == 1 else "s")
        return f"{hours:g} hour" + ("" if hours == 1 else "s")

    def ordinal(self, n: float) -> str:
        """``1st``, ``2nd``, ``90th``, ``99.5th``."""
        if n != int(n):
            return f"{n:g}th"
        k = int(n)
        suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
        return f"{k}{suffix}"


_PARTICIPLES = frozenset(("contacted", "rejected", "qualified", "disqualified", "won", "lost"))
"""Event types that read as a past participle after a noun ("leads contacted")."""


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def describe_filter(where: dict[str, m.Scalar | list[m.Scalar]]) -> tuple[str, str]:
    """(noun, conditions) for a lead filter: ``("hot leads", "hot = true")``."""
    noun = "hot leads" if where.get("hot") is True else "leads"
    parts = []
    for key, value in where.items():
        if isinstance(value, list):
            shown = " or ".join(_scalar(v) for v in value)
            parts.append(f"{key} is {shown}")
        else:
            parts.append(f"{key} = {_scalar(value)}")
    return noun, ", ".join(parts)


def describe_measure(kpi: m.Kpi, ws: Workspace) -> str:
    """One sentence saying what the KPI counts, for whom and against which clock."""
    noun, conditions = describe_filter(kpi.where)
    who = f"{noun} ({conditions})" if conditions else noun
    return kind_of(kpi.measure).describe(kpi.measure.spec, who, Phrases(ws))
