"""The Workspace's `alerts:` section: channels from environment variables (never from the
YAML), what `accord validate` says of mistakes, and a watcher without any channel."""

from __future__ import annotations

from alerts_kit import World, ams

from accord.alerts import configured_channels
from accord.domain import model as m
from accord.loading import check_workspace, format_problems

SECRET_URL = "https://hooks.slack.com/services/T0/B0/XXXXSECRETXXXX"


def test_an_address_in_the_yaml_is_refused_without_repeating_it(world: World) -> None:
    world.write(
        alerts=f'alerts:\n  channels:\n    sales: {{url_env: "{SECRET_URL}"}}\n'
        "  routes:\n    - channels: [sales]\n"
    )
    result = check_workspace(world.root, now=lambda: ams(2026, 11, 18, 10))
    text = format_problems(result.problems, "text")
    assert "url_env is an address, not the name of an environment variable" in text
    assert "SECRET" not in text


def test_channels_come_from_the_environment_only() -> None:
    alerts = m.Alerts.model_validate(
        {
            "channels": {
                "chat": {"url_env": "ACCORD_CHAT"},
                "teams": {"url_env": "ACCORD_TEAMS"},
                "gone": {"url_env": "ACCORD_GONE"},
            }
        }
    )
    env = {"ACCORD_CHAT": "https://chat.example.com/hook/abc", "ACCORD_TEAMS": "msteams://x/y/z"}
    channels, notes = configured_channels(alerts, env)
    assert [(c.name, c.format) for c in channels] == [("chat", "slack"), ("teams", "apprise")]
    assert notes == [
        "channel 'gone': environment variable ACCORD_GONE is not set; its alerts are not sent"
    ]
    assert "abc" not in repr(channels)  # a channel's repr leaves its address out


def test_no_channel_is_a_usage_error(world: World) -> None:
    world.write(alerts="alerts:\n  channels:\n    chat: {url_env: ACCORD_TEST_UNSET}\n")
    result = world.watch(ams(2026, 11, 18, 10))
    assert result.exit_code == 2
    assert "environment variable ACCORD_TEST_UNSET is not set" in result.stderr
    assert "no channel to send to" in result.stderr


def test_a_missing_store_is_reported_not_created(world: World) -> None:
    (world.root / ".accord" / "funnel.db").unlink()
    result = world.watch(ams(2026, 11, 18, 10), "--webhook", "http://127.0.0.1:9/x")
    assert result.exit_code == 1
    assert "no event store at" in result.stderr
    assert not (world.root / ".accord" / "funnel.db").exists()


def test_long_waits_on_the_calendar_clock_read_in_days() -> None:
    from accord.alerts._words import AlertWords as Words

    en = Words("en")
    assert en.duration(46.5, "calendar") == "46.5 hours"
    assert en.duration(217.5, "calendar") == "9 days"
    assert en.duration(60, "calendar") == "2.5 days"
    assert en.duration(60, "business") == "60 working hours"
    assert Words("nl").duration(217.5, "calendar") == "9 dagen"
