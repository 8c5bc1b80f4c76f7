"""Status changes: once per change, for the worse and back ("recovered"); review dates;
escalation to the accountable role's channel; quiet hours."""

from __future__ import annotations

import datetime as dt

from alerts_kit import Hooks, World, ams

ALERTS = """\
alerts:
  channels:
    sales-chat: {url_env: ACCORD_TEST_SALES}
    leadership: {url_env: ACCORD_TEST_LEADERSHIP}
  routes:
    - channels: [sales-chat]
      events: [at_risk, breached, recovered, due, missed, review]
  escalation:
    after: 2h
    roles: {head-of-sales: leadership}
"""


def _misses(world: World, n: int, day: int, prefix: str = "M") -> None:
    for i in range(n):
        start = ams(2026, 11, day, 9, i)
        world.lead(f"{prefix}-{i}", start, contacted=start + dt.timedelta(hours=6))


def test_a_status_change_gives_one_message(world: World, hooks: Hooks) -> None:
    world.good_month(20)
    hook = hooks.url("/chat")
    assert world.watch(ams(2026, 11, 18, 10), "--webhook", hook).exit_code == 0
    assert hooks.texts("/chat") == []  # met: the first status is recorded silently
    _misses(world, 3, 18)  # 20 of 23 in time: 87% — below warn 90%: breached
    for at in (ams(2026, 11, 18, 16), ams(2026, 11, 18, 16, 30), ams(2026, 11, 19, 10)):
        assert world.watch(at, "--webhook", hook).exit_code == 0
    status = [t for t in hooks.texts("/chat") if "Breached" in t]
    assert len(status) == 1, hooks.texts("/chat")
    assert status[0].startswith(
        "✖ Breached: Sales contacts 95% of hot leads within 4 working hours — this month "
        "87%, target ≥ 95% (warn 90%); it was met"
    ), status[0]
    # back above the target: "recovered", once
    world.good_month(60)
    for at in (ams(2026, 11, 19, 11), ams(2026, 11, 19, 12)):
        assert world.watch(at, "--webhook", hook).exit_code == 0
    recovered = [t for t in hooks.texts("/chat") if "Recovered" in t]
    assert len(recovered) == 1
    assert recovered[0].startswith("✔ Recovered: Sales contacts 95%")
    assert "it was breached" in recovered[0]


def test_review_date_passed_is_told_once(world: World, hooks: Hooks) -> None:
    world.write(review_by="2026-11-17")
    world.good_month()
    hook = hooks.url("/chat")
    world.watch(ams(2026, 11, 17, 16), "--webhook", hook)
    assert hooks.texts("/chat") == []  # the review date itself has not passed
    world.watch(ams(2026, 11, 18, 10), "--webhook", hook)
    world.watch(ams(2026, 11, 19, 10), "--webhook", hook)
    texts = hooks.texts("/chat")
    assert len(texts) == 1
    assert texts[0].startswith(
        'The agreement "Marketing and Sales SLA" passed its review date 2026-11-17; owners '
        "Head of Marketing, Head of Sales: review it together"
    )
    assert "<https://wiki.example.com/sla/agreements/sla/|" in texts[0]


def test_configured_channels_routes_and_escalation(world: World, hooks: Hooks) -> None:
    world.write(alerts=ALERTS)
    world.good_month()
    world.lead("L-1", ams(2026, 11, 18, 9))  # deadline 13:00; escalated at 15:00
    env = {
        "ACCORD_TEST_SALES": hooks.url("/sales"),
        "ACCORD_TEST_LEADERSHIP": hooks.url("/leadership"),
    }
    for at in (ams(2026, 11, 18, 12, 30), ams(2026, 11, 18, 13, 30), ams(2026, 11, 18, 15, 5)):
        result = world.watch(at, env=env)
        assert result.exit_code == 0, result.output
    sales = hooks.texts("/sales")
    assert [t.split(" (")[0] for t in sales] == ["Hot lead L-1", "Hot lead L-1"]
    leadership = hooks.texts("/leadership")
    assert len(leadership) == 1
    assert leadership[0].startswith(
        "Escalation: Hot lead L-1 (Acme BV, owner Sanne Bakker) is 2 working hours past its "
        "deadline of Wed 18 Nov 13:00 CET and still waiting"
    ), leadership[0]


def test_quiet_hours_hold_until_the_next_opening(world: World, hooks: Hooks) -> None:
    world.write(review_by="2026-11-19", alerts="alerts:\n  quiet_hours: true\n")
    world.good_month()
    hook = hooks.url("/chat")
    saturday = ams(2026, 11, 21, 11)
    result = world.watch(saturday, "--webhook", hook)
    assert result.exit_code == 0
    assert hooks.texts("/chat") == []
    assert "quiet hours: new alerts wait until Tue 24 Nov 09:00 CET" in result.stderr
    assert "1 held for working hours" in result.stderr
    world.watch(ams(2026, 11, 24, 8, 59), "--webhook", hook)
    assert hooks.texts("/chat") == []
    world.watch(ams(2026, 11, 24, 9, 1), "--webhook", hook)
    assert len(hooks.texts("/chat")) == 1
