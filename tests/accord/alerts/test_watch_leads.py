"""A lead about to miss its deadline: told at 75% of its allowed time and again when it
misses, each once, with times on the business clock (weekends and holidays skipped)."""

from __future__ import annotations

import os
from types import SimpleNamespace

from alerts_kit import Hooks, World, ams
from click.testing import CliRunner

from accord._cli_watch import watch


def test_due_then_missed_gives_two_messages_in_three_runs(world: World, hooks: Hooks) -> None:
    world.good_month()
    world.lead("L-1042", ams(2026, 11, 18, 9))  # deadline 13:00, 75% at 12:00
    hook = hooks.url("/chat")
    runs = [ams(2026, 11, 18, 10), ams(2026, 11, 18, 12, 15), ams(2026, 11, 18, 13, 30)]
    for at in runs:
        result = world.watch(at, "--webhook", hook)
        assert result.exit_code == 0, result.output
    texts = hooks.texts("/chat")
    assert len(texts) == 2, texts
    due, missed = texts
    assert due.startswith(
        "Hot lead L-1042 (Acme BV, owner Sanne Bakker) is due in 45 working minutes, by "
        "Wed 18 Nov 13:00 CET: Sales contacts 95% of hot leads within 4 working hours "
        "— this month 100%"
    ), due
    assert "<https://wiki.example.com/sla/agreements/sla/#commitment-hot-lead-callback|" in due
    assert missed.startswith(
        "Hot lead L-1042 (Acme BV, owner Sanne Bakker) missed its deadline of "
        "Wed 18 Nov 13:00 CET: Sales contacts 95% of hot leads within 4 working hours "
        "— this month 97.6%"
    ), missed
    # a fourth run sends nothing more
    assert world.watch(ams(2026, 11, 18, 14), "--webhook", hook).exit_code == 0
    assert len(hooks.texts("/chat")) == 2


def test_weekend_and_holiday_follow_the_business_clock(world: World, hooks: Hooks) -> None:
    # Friday 16:00 + 4 working hours: 1 on Friday; Saturday, Sunday and Monday 23 (a
    # holiday) skipped; 3 on Tuesday: due Tuesday 12:00, 75% at Tuesday 11:00.
    world.good_month()
    world.lead("L-7", ams(2026, 11, 20, 16), company=None, owner=None)
    hook = hooks.url("/chat")
    quiet = [ams(2026, 11, 21, 12), ams(2026, 11, 23, 16), ams(2026, 11, 24, 10, 55)]
    for at in quiet:
        assert world.watch(at, "--webhook", hook).exit_code == 0
    assert hooks.texts("/chat") == []
    assert world.watch(ams(2026, 11, 24, 11, 5), "--webhook", hook).exit_code == 0
    assert world.watch(ams(2026, 11, 24, 12, 1), "--webhook", hook).exit_code == 0
    due, missed = hooks.texts("/chat")
    assert due.startswith(
        "Hot lead L-7 (no owner) is due in 55 working minutes, by Tue 24 Nov 12:00 CET:"
    ), due
    assert missed.startswith("Hot lead L-7 (no owner) missed its deadline of Tue 24 Nov 12:00 CET")


def test_a_lead_contacted_in_time_is_only_told_once(world: World, hooks: Hooks) -> None:
    world.good_month()
    world.lead("L-9", ams(2026, 11, 18, 9), contacted=ams(2026, 11, 18, 12, 30), hot=True)
    hook = hooks.url("/chat")
    for at in (ams(2026, 11, 18, 12, 15), ams(2026, 11, 18, 12, 45), ams(2026, 11, 18, 14)):
        # 12:15: due (the contact at 12:30 is not there yet as of 12:15)
        assert world.watch(at, "--webhook", hook).exit_code == 0
    texts = hooks.texts("/chat")
    assert len(texts) == 1 and "is due in 45 working minutes" in texts[0]


def test_dutch_workspace_speaks_dutch(world: World, hooks: Hooks) -> None:
    world.write(language="nl")
    world.good_month()
    world.lead("L-1042", ams(2026, 11, 18, 9))
    hook = hooks.url("/chat")
    world.watch(ams(2026, 11, 18, 12, 15), "--webhook", hook)
    world.watch(ams(2026, 11, 18, 13, 30), "--webhook", hook)
    due, missed = hooks.texts("/chat")
    assert due.startswith(
        "Hete lead L-1042 (Acme BV, eigenaar Sanne Bakker) moet binnen 45 werkminuten "
        "opgevolgd zijn, uiterlijk wo 18 nov 13:00 CET: Sales contacts 95% of hot leads "
        "within 4 working hours — deze maand 100%"
    ), due
    assert "|Bekijk de afspraak in de wiki>" in due
    assert missed.startswith(
        "Hete lead L-1042 (Acme BV, eigenaar Sanne Bakker) heeft de deadline van "
        "wo 18 nov 13:00 CET gemist:"
    ), missed


def test_the_watch_loop_reloads_changed_agreements(world: World, hooks: Hooks) -> None:
    world.good_month()
    world.lead("L-1042", ams(2026, 11, 18, 9))
    instants = iter([ams(2026, 11, 18, 12, 15), ams(2026, 11, 18, 13, 30)])
    current = [next(instants)]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            raise KeyboardInterrupt
        world.write(language="nl")  # the agreements change between two ticks
        os.utime(world.root / "agreements" / "acme.yaml", ns=(1, 1))
        current[0] = next(instants)

    obj = SimpleNamespace(now=lambda: current[0], sleep=sleep)
    args = [str(world.root), "--interval", "5", "--webhook", hooks.url("/chat")]
    result = CliRunner().invoke(watch, args, obj=obj)
    assert result.exit_code == 0, result.output
    assert waits == [5.0, 5.0]
    assert "stopped" in result.stderr
    assert "reloaded" in result.stderr
    due, missed = hooks.texts("/chat")
    assert due.startswith("Hot lead L-1042") and missed.startswith("Hete lead L-1042")
