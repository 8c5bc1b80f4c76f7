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
* volumes, conversions and delays are drawn around each commitment's own target
  with a planned outcome per commitment (met, at risk, breached, in turn), so a
  generated history shows a realistic mix of statuses.

See docs/simulate.md.
"""

from accord.simulation._rules import DAYS_PER_MONTH, HOT_SHARE, INTENTS, Intent, Row, desired
from accord.simulation._simulator import Simulator
from accord.simulation._writers import generate_history, stream, write_history

__all__ = [
    "DAYS_PER_MONTH",
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
