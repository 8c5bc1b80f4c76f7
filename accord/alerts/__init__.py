"""Alerts (docs/alerts.md): `accord watch` tells chat channels what needs attention.

Provides:

* `Watcher` — one workspace's watcher: `tick(at)` evaluates the commitments
  (incrementally), finds what is worth an alert — a status change for the worse or a
  recovery, a lead at 75% of its allowed time and again at its deadline, an agreement
  past its review date, an escalation — records it once in the store's sent log, and
  sends it; `TickReport` / `Sent` say what happened.
* `Channel`, `configured_channels(alerts, environ)`, `webhook_channels(urls)` — where
  alerts go; the addresses are secrets read from environment variables, and `Masker`
  keeps them out of every message and log.
* `Retry` — bounded retries with exponential back-off; `DeliveryError`.
* `Alert` — one alert: key, event, words, deep link; `AlertWords` — its language.
* `alerts_metadata`, `alerts_sent`, `alerts_state` — the sent log's tables, created in
  the event store on first use.
"""

from accord.alerts._channels import (
    Channel,
    DeliveryError,
    Masker,
    Retry,
    Sleep,
    configured_channels,
    webhook_channels,
)
from accord.alerts._detect import Alert
from accord.alerts._table import alerts_metadata, alerts_sent, alerts_state
from accord.alerts._watch import Sent, TickReport, Watcher, working_now
from accord.alerts._words import LANGUAGES, AlertWords

__all__ = [
    "Alert",
    "AlertWords",
    "Channel",
    "DeliveryError",
    "LANGUAGES",
    "Masker",
    "Retry",
    "Sent",
    "Sleep",
    "TickReport",
    "Watcher",
    "alerts_metadata",
    "alerts_sent",
    "alerts_state",
    "configured_channels",
    "webhook_channels",
    "working_now",
]
