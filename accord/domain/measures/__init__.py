"""The measure kinds, one module each, and their registry.

Each module (``count``, ``sum``, ``conversion``, ``within``, ``duration``, ``open``)
holds one `MeasureKind`: its unit, pace, cost, the events it reads, how a cohort
lead's row is made and added up, and its description in words. The validator
(unit fit), the metric engine (SQL family, rows, value, pace), the simulator and
the faces (words) all ask `kind_of(measure)` instead of testing kind names.

Adding a kind: its spec model and field in `accord.domain.model.Measure`, a module
here with a `KIND`, and one line in `KINDS` below (docs/architecture.md).
"""

from accord.domain import model as m
from accord.domain.measures import conversion, count, duration, open, sum, within
from accord.domain.measures._base import (
    Aggregate,
    MeasureKind,
    Row,
    Timing,
    Value,
    Words,
)
from accord.domain.measures.duration import nearest_rank

KINDS: dict[str, MeasureKind] = {
    k.name: k
    for k in (count.KIND, sum.KIND, conversion.KIND, within.KIND, duration.KIND, open.KIND)
}
"""Every measure kind by its name, in the order the model lists them."""


def kind_of(measure: m.Measure) -> MeasureKind:
    """The kind of a KPI's measure."""
    return KINDS[measure.kind]


__all__ = [
    "Aggregate",
    "KINDS",
    "MeasureKind",
    "Row",
    "Timing",
    "Value",
    "Words",
    "kind_of",
    "nearest_rank",
]
