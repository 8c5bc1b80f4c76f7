"""`accord.__all__` is sorted and names every public name of the package."""

from __future__ import annotations

import types

import accord


def test_all_is_sorted() -> None:
    assert accord.__all__ == sorted(accord.__all__)


def test_all_is_complete_and_exists() -> None:
    public = {
        name
        for name, value in vars(accord).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public == set(accord.__all__)
    for name in accord.__all__:
        assert getattr(accord, name).__module__.startswith("accord.")


def test_errors_share_one_base() -> None:
    for name in ("LoadError", "ValidationFailed", "StoreError", "HistoryError", "MetricError"):
        assert issubclass(getattr(accord, name), accord.AccordError)
