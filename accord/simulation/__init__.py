"""`accord simulate`: realistic funnel data, shaped by the workspace's own agreements.

A pure, seeded generator (`Simulator`, `generate_history`) and two writers
(`write_history`, `stream`). The generator reads the workspace:

* arrivals follow the business calendar — mostly in working hours, Monday and
  Tuesday busiest, Friday lighter, few at weekends and on holidays;
* every lead enters the first stage and moves along `ws.funnel` with step
  probabilities and delays; about 15% of leads are hot; sources, segments and
  values vary; owners are the members of the Sales team;
* the follow-up events the KPIs measure (``contacted``, ``accepted``,
  ``rejected``, ``handed-over``, ``completed``, ``churned`` … whatever types the
  measures name) are emitted after the events that start their clocks;
* what an ``open`` measure waits for (``decided``, ``contacted``, ``completed``)
  comes at or before the lead leaves the stage — moves on, is rejected or is
  decided — so its attention list holds only leads that really wait;
* volumes, conversions and delays are drawn around each commitment's own target
  with a planned outcome per commitment (met, at risk, breached, in turn), so a
  generated history shows a realistic mix of statuses; a conversion judged over a
  rolling window is aimed at what that window shows (its youngest leads have not
  converted yet).

The live `stream` continues the store: leads in flight take their next step and
new leads arrive, within the month's budget for every kind of event, so the
month's pace stays in the band around the targets (`DEMO_RATE`: the demo's rate).

See docs/simulate.md.
"""

from accord.simulation._rules import DAYS_PER_MONTH, HOT_SHARE, INTENTS, Intent, Row, desired
from accord.simulation._simulator import Simulator
from accord.simulation._writers import DEMO_RATE, generate_history, stream, write_history

__all__ = [
    "DAYS_PER_MONTH",
    "DEMO_RATE",
    "HOT_SHARE",
    "INTENTS",
    "Intent",
    "Row",
    "Simulator",
    "desired",
    "generate_history",
    "stream",
    "write_history",
]
