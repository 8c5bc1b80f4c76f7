"""``count: MATCH`` — distinct leads with at least one matching event in the period."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from accord.domain import model as m
from accord.domain.measures._base import Amount, Value, Words


class Count(Amount):
    name = "count"
    unit = "count"
    amount = "count"

    def references(self, spec: Any) -> list[tuple[tuple[str, ...], m.Match]]:
        return [((), spec)]

    def matchers(self, spec: Any) -> list[m.EventMatch]:
        return [m.as_match(spec)]

    def from_amount(self, amount: Decimal) -> Value:
        return int(amount), int(amount), None

    def describe(self, spec: Any, who: str, words: Words) -> str:
        return f"Number of {who} that {words.event(spec)} in the period"


KIND = Count()
