"""Alerts in plain words, in the workspace's language (en, nl; any other reads in English).

Numbers, targets and status symbols come from `accord.present` (one vocabulary with
the CLI, the dashboard and the wiki); this module adds the sentences around them, the
lead's description, the deadline in local time and the time left on the measure's
clock.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from accord.present import STATUS_LABEL

EN: dict[str, str] = {
    "lead": "Lead",
    "hot_lead": "Hot lead",
    "owner": "owner {name}",
    "no_owner": "no owner",
    "due": "{lead} is due in {left}, by {deadline}: {commitment}",
    "missed": "{lead} missed its deadline of {deadline}: {commitment}",
    "status_worse": "{label}: {commitment}, target {target}; it was {old}",
    "status_first": "{label}: {commitment}, target {target}",
    "recovered": "{label}: {commitment}, target {target}; it was {old}",
    "review": (
        'The agreement "{title}" passed its review date {date}; owners {owners}: review it '
        "together and set a new review_by"
    ),
    "escalate_status": "Escalation, still breached after {hours}: {commitment}, target {target}",
    "escalate_lead": (
        "Escalation: {lead} is {hours} past its deadline of {deadline} and still waiting: "
        "{commitment}"
    ),
    "label_breached": "Breached",
    "label_at_risk": "At risk",
    "label_recovered": "Recovered",
    "status_breached": "breached",
    "status_at_risk": "at risk",
    "status_on_track": "on track",
    "status_met": "met",
    "status_no_data": "without data",
    "per_day": "today",
    "per_week": "this week",
    "per_month": "this month",
    "per_quarter": "this quarter",
    "per_30d": "last 30 days",
    "per_90d": "last 90 days",
    "per_open": "now",
    "working_minutes": "{n} working minute|{n} working minutes",
    "working_hours": "{n} working hour|{n} working hours",
    "minutes": "{n} minute|{n} minutes",
    "hours": "{n} hour|{n} hours",
    "days": "{n} day|{n} days",
    "open_link": "Open the commitment in the wiki",
    "weekdays": "Mon Tue Wed Thu Fri Sat Sun",
    "months": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    "decimal": ".",
}

NL: dict[str, str] = {
    "lead": "Lead",
    "hot_lead": "Hete lead",
    "owner": "eigenaar {name}",
    "no_owner": "geen eigenaar",
    "due": "{lead} moet binnen {left} opgevolgd zijn, uiterlijk {deadline}: {commitment}",
    "missed": "{lead} heeft de deadline van {deadline} gemist: {commitment}",
    "status_worse": "{label}: {commitment}, doel {target}; was {old}",
    "status_first": "{label}: {commitment}, doel {target}",
    "recovered": "{label}: {commitment}, doel {target}; was {old}",
    "review": (
        'De afspraak "{title}" is voorbij haar evaluatiedatum {date}; eigenaren {owners}: '
        "bespreek haar samen en zet een nieuwe review_by"
    ),
    "escalate_status": (
        "Escalatie, na {hours} nog steeds niet gehaald: {commitment}, doel {target}"
    ),
    "escalate_lead": (
        "Escalatie: {lead} is {hours} over de deadline van {deadline} en wacht nog steeds: "
        "{commitment}"
    ),
    "label_breached": "Niet gehaald",
    "label_at_risk": "In gevaar",
    "label_recovered": "Hersteld",
    "status_breached": "niet gehaald",
    "status_at_risk": "in gevaar",
    "status_on_track": "op koers",
    "status_met": "gehaald",
    "status_no_data": "zonder gegevens",
    "per_day": "vandaag",
    "per_week": "deze week",
    "per_month": "deze maand",
    "per_quarter": "dit kwartaal",
    "per_30d": "afgelopen 30 dagen",
    "per_90d": "afgelopen 90 dagen",
    "per_open": "nu",
    "working_minutes": "{n} werkminuut|{n} werkminuten",
    "working_hours": "{n} werkuur|{n} werkuren",
    "minutes": "{n} minuut|{n} minuten",
    "hours": "{n} uur|{n} uur",
    "days": "{n} dag|{n} dagen",
    "open_link": "Bekijk de afspraak in de wiki",
    "weekdays": "ma di wo do vr za zo",
    "months": "jan feb mrt apr mei jun jul aug sep okt nov dec",
    "decimal": ",",
}

TABLES = {"en": EN, "nl": NL}
LANGUAGES = tuple(TABLES)
"""The languages alerts are written in; any other reads in English."""

_SYMBOLS = {
    "breached": STATUS_LABEL["breached"][0],
    "at_risk": STATUS_LABEL["at_risk"][0],
    "recovered": STATUS_LABEL["met"][0],
}


class AlertWords:
    """The sentences of one language."""

    def __init__(self, language: str = "en") -> None:
        short = (language or "en").split("-")[0].lower()
        self.language = short if short in TABLES else "en"
        self._table = TABLES[self.language]

    def say(self, key: str, /, **values: object) -> str:
        template = self._table.get(key) or EN[key]
        return template.format(**values) if values else template

    def label(self, event: str) -> str:
        """``✖ Breached``: the status symbol of `accord.present` and a word."""
        return f"{_SYMBOLS[event]} {self.say('label_' + event)}"

    def status(self, status: str) -> str:
        return self.say(f"status_{status}") if f"status_{status}" in EN else status

    def period(self, per: str | None) -> str:
        return self.say(f"per_{per or 'open'}")

    def _count(self, key: str, n: float) -> str:
        one, many = self.say(key).split("|")
        text = f"{n:g}".replace(".", self.say("decimal"))
        return (one if n == 1 else many).format(n=text)

    def duration(self, hours: float, clock: str) -> str:
        """Time on a measure's clock: "45 working minutes", "1.5 working hours", "3 hours",
        "9 days" (under an hour to the minute; on the calendar clock from two days on in
        days, to the half day; else to the half hour)."""
        minutes = max(0, round(hours * 60))
        business = clock == "business"
        if minutes < 60:
            return self._count("working_minutes" if business else "minutes", minutes)
        if not business and hours >= 48:
            return self._count("days", round(hours / 12) / 2)
        halves = round(minutes / 30) / 2
        return self._count("working_hours" if business else "hours", halves)

    def moment(self, at: dt.datetime, tz: ZoneInfo) -> str:
        """A local time people read at a glance: "Wed 18 Nov 12:00 CET"."""
        local = at.astimezone(tz)
        day = self.say("weekdays").split()[local.weekday()]
        month = self.say("months").split()[local.month - 1]
        zone = local.tzname() or ""
        return f"{day} {local.day} {month} {local:%H:%M} {zone}".rstrip()
