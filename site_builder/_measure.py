"""KPIs, targets and periods in plain words.

`describe_measure(kpi, ws)` turns a KPI's measure and lead filter into one
sentence a team lead can check against SPEC §4, e.g. "Share of hot leads
(hot = true) contacted within 4 working hours of becoming SQL".
`format_target` writes a commitment's bounds in the KPI's unit ("≥ 95%",
"≤ 4 hours"). Both return plain text; the page escapes it.
"""

from __future__ import annotations

from accord.domain import model as m
from accord.domain.workspace import Bounds, Workspace

__all__ = ["describe_filter", "describe_measure", "format_target", "format_value"]


def _stage_word(stage_id: str, ws: Workspace) -> str:
    """How people call a stage: its glossary term when one has the same id, else its name."""
    term = ws.terms.get(stage_id)
    if term is not None:
        return term.term
    stage = ws.stages.get(stage_id)
    return stage.name if stage is not None else stage_id


def _event(match: m.Match, ws: Workspace, *, gerund: bool = False) -> str:
    """An event as words: "became SQL" / "becoming SQL", "contacted", "had a demo event"."""
    ev = m.as_match(match)
    if ev.type == "entered" and ev.stage is not None:
        word = _stage_word(ev.stage, ws)
        return f"becoming {word}" if gerund else f"became {word}"
    if ev.type == "entered":
        return "entering a stage" if gerund else "entered a stage"
    if ev.type in ("contacted", "rejected", "qualified", "disqualified", "won", "lost"):
        where = f" in {_stage_word(ev.stage, ws)}" if ev.stage else ""
        return (f"being {ev.type}" if gerund else ev.type) + where
    where = f" in {_stage_word(ev.stage, ws)}" if ev.stage else ""
    return (f"a {ev.type} event" if gerund else f"had a {ev.type} event") + where


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


def _hours(hours: float, clock: str) -> str:
    if clock == "business":
        return f"{hours:g} working hour" + ("" if hours == 1 else "s")
    if hours >= 24 and hours % 24 == 0:
        days = hours / 24
        return f"{days:g} day" + ("" if days == 1 else "s")
    return f"{hours:g} hour" + ("" if hours == 1 else "s")


def _ordinal(n: float) -> str:
    if n != int(n):
        return f"{n:g}th"
    k = int(n)
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def describe_measure(kpi: m.Kpi, ws: Workspace) -> str:
    """One sentence saying what the KPI counts, for whom and against which clock.

    Example: ``Share of hot leads (hot = true) contacted within 4 working hours
    of becoming SQL``.
    """
    noun, conditions = describe_filter(kpi.where)
    who = f"{noun} ({conditions})" if conditions else noun
    spec = kpi.measure.spec
    kind = kpi.measure.kind
    if kind == "count":
        return f"Number of {who} that {_event(spec, ws)} in the period"
    if kind == "sum":
        return f"Total {spec.field} of {who} that {_event(spec.of, ws)} in the period"
    if kind == "conversion":
        limit = f" within {_hours(spec.within, 'calendar')}" if spec.within is not None else ""
        return (
            f"Share of {who} that became {_stage_word(spec.from_, ws)} in the period "
            f"and later reached {_stage_word(spec.to, ws)}{limit}"
        )
    if kind == "within":
        return (
            f"Share of {who} {_event(spec.to, ws)} within {_hours(spec.limit, spec.clock)} "
            f"of {_event(spec.from_, ws, gerund=True)}"
        )
    if kind == "duration":
        which = "Median" if spec.percentile == 50 else f"{_ordinal(spec.percentile)} percentile of"
        unit = "working hours" if spec.clock == "business" else "hours"
        return (
            f"{which} {unit} from {_event(spec.from_, ws, gerund=True)} to "
            f"{_event(spec.to, ws, gerund=True)}, over {who} in the period"
        )
    # open
    older = (
        f", waiting longer than {_hours(spec.older_than, spec.clock)}"
        if spec.older_than is not None
        else ""
    )
    return (
        f"Number of {who} that {_event(spec.from_, ws)} and are still waiting for "
        f"{_event(spec.to, ws, gerund=True)}{older} (listed by lead)"
    )


def format_value(value: float, unit: str) -> str:
    """A bound in the KPI's unit: ``95%``, ``4 hours``, ``120``, ``10,000``."""
    if unit == "ratio":
        return f"{value * 100:.4g}%"
    if unit == "hours":
        return _hours(value, "calendar")
    if unit == "money":
        return f"{value:,.2f}".removesuffix(".00")
    return f"{value:g}" if value != int(value) else f"{int(value):,}"


def format_target(bounds: Bounds, unit: str) -> str:
    """``≥ 95%``, ``≤ 4 hours`` or ``100 – 150``; the warn level is shown separately."""
    low = format_value(bounds.min, unit) if bounds.min is not None else None
    high = format_value(bounds.max, unit) if bounds.max is not None else None
    if low is not None and high is not None:
        return f"{low} – {high}"
    if low is not None:
        return f"≥ {low}"
    return f"≤ {high}"
