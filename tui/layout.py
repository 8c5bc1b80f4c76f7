"""Column widths from the content and the width available, with a clear drop order.

`fit(columns, available)` gives every column its natural width (its widest cell or
header) when the panel is wide enough, and hands what is left to the columns that can
grow (bars, sparklines). When it is not, in this order:

1. decorations (bars, sparklines) shrink to their minimum;
2. extras and decorations (`drop` ≥ `BEFORE_NAMES`) are dropped, highest first;
3. names narrow down to their minimum (the panels wrap a long name onto a second
   line rather than cutting it);
4. the other optional columns are dropped, highest `drop` first;
5. names take back what is left;
6. dropped columns come back, lowest `drop` first, where they still fit.

Numbers are never cut: a number column keeps its natural width (the values are
abbreviated before they get here: ``13.0k``, not ``13,0…``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rich.cells import cell_len

Kind = Literal["name", "number", "decor"]

BEFORE_NAMES = 3
"""Optional columns with a `drop` of this or more go before a name is narrowed; the
others only when the names are as narrow as they may be."""

PADDING = 2
"""Cells a DataTable adds to every column (one on each side)."""


@dataclass(frozen=True)
class Col:
    """One column as the table would like to show it."""

    key: str
    label: str
    natural: int
    """The widest cell (or the header)."""
    kind: Kind = "number"
    minimum: int = 1
    """Names: cut no further than this; decorations: the smallest useful width."""
    maximum: int = 0
    """Decorations: grow up to this when there is room (0: the natural width)."""
    drop: int = 0
    """0: always shown; higher numbers are dropped first when space is short."""
    step: int = 1
    """Decorations grow by whole steps (a sparkline of 6 periods: 6 or 12 cells)."""
    justify: Literal["left", "right"] = "left"


def natural(label: str, cells: Sequence[str]) -> int:
    """The width of the widest of `label` and `cells` (terminal cells, not characters)."""
    return max([cell_len(label), *(cell_len(c) for c in cells)])


def fit(columns: Sequence[Col], available: int, padding: int = PADDING) -> dict[str, int]:
    """The width of every shown column (dropped ones are absent), in column order."""
    widths = {c.key: c.natural for c in columns}
    by_key = {c.key: c for c in columns}

    def total() -> int:
        return sum(w + padding for w in widths.values())

    if total() <= available:
        _grow(columns, widths, available - total())
        return widths
    for c in columns:  # 1. decorations shrink
        if c.kind == "decor":
            widths[c.key] = min(widths[c.key], max(c.minimum, 1))
    dropped: list[Col] = []

    def drop(cols: list[Col]) -> None:
        for c in sorted(cols, key=lambda c: -c.drop):
            if total() <= available:
                return
            if c.key in widths:
                del widths[c.key]
                dropped.append(c)

    drop([c for c in columns if c.drop >= BEFORE_NAMES])  # 2. extras and decorations
    names = [c for c in columns if c.kind == "name" and c.key in widths]
    over = total() - available
    for c in reversed(names):  # 3. names narrow (they wrap), the last name first
        if over <= 0:
            break
        cut = min(over, widths[c.key] - min(c.minimum, widths[c.key]))
        widths[c.key] -= cut
        over -= cut
    drop([c for c in columns if 0 < c.drop < BEFORE_NAMES])  # 4. the other optional ones
    for c in names:  # 5. room left: the names widen again
        if c.key in widths and total() < available:
            widths[c.key] = min(c.natural, widths[c.key] + available - total())
    for c in reversed(dropped):  # 6. what fits comes back, the most important first
        want = c.natural if c.kind != "decor" else max(c.minimum, 1)
        if total() + want + padding <= available:
            widths[c.key] = want
    spare = available - total()
    if spare > 0:
        _grow(columns, widths, spare)
    return {c.key: widths[c.key] for c in columns if c.key in widths and c.key in by_key}


def _grow(columns: Sequence[Col], widths: dict[str, int], spare: int) -> None:
    """Give `spare` cells to the decorations that may grow, in column order."""
    for c in columns:
        if spare <= 0:
            return
        if c.kind == "decor" and c.key in widths and c.maximum > widths[c.key]:
            more = min(spare, c.maximum - widths[c.key]) // c.step * c.step
            widths[c.key] += more
            spare -= more
