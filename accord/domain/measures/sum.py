"""``sum: {field, of: MATCH}`` — a lead field summed over the distinct leads with a
matching event in the period."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from accord.domain import model as m
from accord.domain.measures._base import Amount, Value, Words


class Sum(Amount):
    name = "sum"
    unit = "money"
    also_fits = ("count",)
    amount = "sum"

    def references(self, spec: Any) -> list[tuple[tuple[str, ...], m.Match]]:
        return [(("of",), spec.of)]

    def matchers(self, spec: Any) -> list[m.EventMatch]:
        return [m.as_match(spec.of)]

    def from_amount(self, amount: Decimal) -> Value:
        return float(amount), None, None

    def describe(self, spec: Any, who: str, words: Words) -> str:
        return f"Total {spec.field} of {who} that {words.event(spec.of)} in the period"


KIND = Sum()
