"""The metric engine (docs/reference/metrics.md): commitments evaluated against the event store.

Provides:

* `evaluate(ws, store, at)` — every commitment of the agreements in force, as an
  `Evaluation` (the ``accord status --json`` shape).
* `Evaluator` — the same, kept up to date incrementally (`refresh`) for the dashboard.
* `funnel(ws, store, per, at)` — distinct leads entering each stage in a period.
* `trend(ws, store, ref, periods, at)` — a commitment's value over recent periods
  (with a `PastValues` cache, past periods are computed once).
* `attention(ws, store, at, limit)` — the leads waiting in `open` measures.

Numbers are aggregated in the database (see docs/metrics.md for the SQL used);
only a period's cohort comes into Python, where a business clock or a
percentile is applied.
"""

from accord.metrics._asof import workspace_at
from accord.metrics._engine import Evaluator
from accord.metrics._lead import (
    LeadEvent,
    LeadStory,
    LeadVerdict,
    lead_name,
    lead_story,
    story_lines,
)
from accord.metrics._queries import attention, evaluate, funnel, trend
from accord.metrics._results import (
    SEVERITY,
    AttentionItem,
    CommitmentResult,
    Evaluation,
    Period,
    StageCount,
    Status,
    worst,
)
from accord.metrics._scope import in_force, measured, resolve_at
from accord.metrics._status import decide
from accord.metrics._trend import PastValues

__all__ = [
    "AttentionItem",
    "CommitmentResult",
    "Evaluation",
    "Evaluator",
    "LeadEvent",
    "LeadStory",
    "LeadVerdict",
    "PastValues",
    "Period",
    "SEVERITY",
    "StageCount",
    "Status",
    "attention",
    "decide",
    "evaluate",
    "funnel",
    "in_force",
    "lead_name",
    "lead_story",
    "measured",
    "resolve_at",
    "story_lines",
    "trend",
    "workspace_at",
    "worst",
]
