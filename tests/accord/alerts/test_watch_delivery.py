"""Delivery: a failing channel is retried with back-off and reported, and does not keep
the others from their message; secrets never appear in output or in the store; two
watchers on one store send each alert once."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from alerts_kit import Hooks, World, ams, refused_url
from sqlalchemy import select

from accord.alerts import (
    Masker,
    Retry,
    Watcher,
    alerts_metadata,
    alerts_sent,
    webhook_channels,
)
from accord.store import Store, metadata


def _scene(world: World) -> dt.datetime:
    """A month on target and one lead that is due at the returned instant."""
    world.good_month()
    world.lead("L-1042", ams(2026, 11, 18, 9))
    return ams(2026, 11, 18, 12, 15)


def test_failing_channels_are_retried_and_do_not_block_the_others(
    world: World, hooks: Hooks
) -> None:
    at = _scene(world)
    ok, flaky, refused = hooks.url("/ok"), hooks.url("/flaky"), refused_url()
    hooks.status["/flaky"] = [500, 500, 500, 500]  # four failures, then it answers
    result = world.watch(at, "--webhook", refused, "--webhook", flaky, "--webhook", ok)
    assert result.exit_code == 1  # --once: a channel failed
    assert len(hooks.texts("/ok")) == 1  # served although the others failed
    assert len(hooks.texts("/flaky")) == 3  # three tries: retried
    assert world.sleeps == [1.0, 2.0, 1.0, 2.0]  # back-off, for each failing channel
    assert "HTTP 500" in result.stderr
    assert "cannot connect" in result.stderr
    assert "tried again on the next run" in result.stderr
    # the next run tries the failed rows again; the one that went out is not repeated
    world.sleeps.clear()
    later = at + dt.timedelta(minutes=1)
    result = world.watch(later, "--webhook", refused, "--webhook", flaky, "--webhook", ok)
    assert len(hooks.texts("/ok")) == 1
    assert len(hooks.texts("/flaky")) == 5  # the fourth failure, then delivered
    assert hooks.texts("/flaky")[-1].startswith("Hot lead L-1042")
    assert result.exit_code == 1  # the refused one is still failing
    # a fixed channel gets the message on a later run; nothing is sent twice
    result = world.watch(later + dt.timedelta(minutes=1), "--webhook", flaky, "--webhook", ok)
    assert result.exit_code == 0
    assert len(hooks.texts("/ok")) == 1 and len(hooks.texts("/flaky")) == 5


def test_a_secret_in_the_environment_never_appears_in_output(world: World, hooks: Hooks) -> None:
    world.write(
        alerts="alerts:\n  channels:\n    sales: {url_env: ACCORD_TEST_HOOK}\n"
        "  routes:\n    - channels: [sales]\n"
    )
    at = _scene(world)
    token = "T0SECRET/B0SECRET/xoxbSECRETtoken1234567890"
    secret = hooks.url(f"/services/{token}")
    hooks.status[f"/services/{token}"] = [500] * 9
    result = world.watch(at, env={"ACCORD_TEST_HOOK": secret})
    assert result.exit_code == 1
    assert len(hooks.texts(f"/services/{token}")) == 3
    shown = result.output + result.stderr
    assert "HTTP 500" in shown
    for part in (secret, token, "SECRET"):
        assert part not in shown
    # a bad address: the error quotes it, the mask hides it
    bad = "https://hooks.example.invalid:notaport/" + token
    result = world.watch(at + dt.timedelta(minutes=1), env={"ACCORD_TEST_HOOK": bad})
    assert result.exit_code == 1
    shown = result.output + result.stderr
    assert "SECRET" not in shown, shown
    with world.store() as store, store.read() as conn:
        rows = conn.execute(select(alerts_sent)).mappings().all()
    assert rows and all("SECRET" not in str(dict(r)) for r in rows)
    # the configured channel is named, its address is not
    assert {r["channel"] for r in rows} == {"sales"}


def test_masker_hides_every_part_of_an_address() -> None:
    url = "https://user:pa55word-xyz@hooks.example.com/services/T000/B000/abcdefghijklmnop"
    mask = Masker([url, "ntfy://tokentokentoken@ntfy.sh/topic"])
    said = mask(
        f"cannot reach {url}; path /services/T000/B000/abcdefghijklmnop; "
        "pa55word-xyz; abcdefghijklmnop; ntfy tokentokentoken@ntfy.sh/topic"
    )
    assert "abcdefghijklmnop" not in said
    assert "pa55word-xyz" not in said
    assert "tokentokentoken" not in said


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, world: World) -> Iterator[str]:
    """The world's store on SQLite (a file) or on the test PostgreSQL server (its tables
    emptied first, the alerts' tables dropped after)."""
    if request.param == "postgresql":
        world.url = request.getfixturevalue("postgres_url")
        with world.store() as store, store.engine.begin() as conn:
            alerts_metadata.drop_all(conn)
            metadata.drop_all(conn)
        Store.open(world.url).close()
    yield request.param
    if request.param == "postgresql":
        with world.store() as store, store.engine.begin() as conn:
            alerts_metadata.drop_all(conn)


def test_two_watchers_on_one_store_send_once(world: World, hooks: Hooks, backend: str) -> None:
    at = _scene(world)
    channels = webhook_channels([hooks.url("/chat")])
    ws = world.workspace(at)
    stores = [world.store(), world.store()]
    try:
        watchers = [
            Watcher(
                ws,
                store,
                channels,
                broadcast=[c.name for c in channels],
                now=lambda: at,
                sleep=lambda s: None,
                retry=Retry(attempts=1),
                ident=f"w{i}",
            )
            for i, store in enumerate(stores)
        ]
        start = threading.Barrier(2)
        reports = []

        def run(w: Watcher) -> None:
            start.wait()
            reports.append(w.tick(at))

        threads = [threading.Thread(target=run, args=(w,)) for w in watchers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(hooks.texts("/chat")) == 1
        assert sorted(len(r.sent) for r in reports) == [0, 1]
        # and again, one after the other, later: nothing new
        for w in watchers:
            assert w.tick(at + dt.timedelta(minutes=5)).sent == []
        assert len(hooks.texts("/chat")) == 1
    finally:
        for store in stores:
            store.close()


def test_retry_delays_are_bounded() -> None:
    assert Retry().delays() == [1.0, 2.0]
    assert Retry(attempts=6, backoff=10, cap=30).delays() == [10, 20, 30, 30, 30]
    assert Retry(attempts=1).delays() == []


def test_apprise_channels_are_served(world: World, hooks: Hooks) -> None:
    world.write(
        alerts="alerts:\n  channels:\n    teams: {url_env: ACCORD_TEST_APPRISE}\n"
        "  routes:\n    - channels: [teams]\n"
    )
    at = _scene(world)
    port = hooks.server.server_address[1]
    result = world.watch(at, env={"ACCORD_TEST_APPRISE": f"json://127.0.0.1:{port}/apprise"})
    assert result.exit_code == 0, result.output
    (body,) = hooks.bodies("/apprise")
    assert body["message"].startswith("Hot lead L-1042 (Acme BV, owner Sanne Bakker) is due")


def test_store_text_cannot_inject_markup_or_escapes(world: World, hooks: Hooks) -> None:
    world.good_month()
    world.lead("L-\x1b[31m1\u202e", ams(2026, 11, 18, 9), company="Evil <!channel> & Co")
    result = world.watch(ams(2026, 11, 18, 12, 15), "--webhook", hooks.url("/chat"))
    assert result.exit_code == 0
    (body,) = hooks.bodies("/chat")
    section = body["blocks"][0]["text"]["text"]
    assert section.startswith("Hot lead L- [31m1 (Evil &lt;!channel&gt; &amp; Co, owner Sanne")
    assert "\x1b" not in result.output and "\u202e" not in result.output
