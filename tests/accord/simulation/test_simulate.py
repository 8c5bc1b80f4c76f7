"""`accord simulate`: a seeded, calendar-aware generator shaped by the workspace's targets."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from metrics_support import backend_store
from sqlalchemy import func, select
from testclock import Cli, fixed, running

from accord.cli import main
from accord.domain.workspace import Workspace
from accord.loading.validate import load_workspace
from accord.simulation import Simulator, desired, generate_history, stream, write_history
from accord.store import Store, events, leads

DATA = Path(__file__).parents[1] / "data"
END = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)  # a Friday afternoon


@pytest.fixture(scope="module")
def ws() -> Workspace:
    return load_workspace(DATA / "workspace")


@pytest.fixture(scope="module")
def history(ws: Workspace) -> list[tuple[list[dict[str, object]], list[dict[str, object]]]]:
    return list(generate_history(ws, 60, seed=3, end=END))


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    yield from backend_store(request, tmp_path)


@pytest.fixture
def sqlite_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    yield from backend_store(request, tmp_path, "sqlite")


def test_deterministic_with_a_seed(ws: Workspace) -> None:
    first = list(generate_history(ws, 10, seed=42, end=END))
    again = list(generate_history(ws, 10, seed=42, end=END))
    other = list(generate_history(ws, 10, seed=43, end=END))
    assert first == again
    assert first != other
    assert sum(len(e) for _, e in first) > 50


def test_the_hot_share_is_a_parameter(ws: Workspace) -> None:
    def hot(share: float) -> float:
        leads = [
            lead
            for chunk, _ in generate_history(ws, 60, seed=3, end=END, hot_share=share)
            for lead in chunk
        ]
        return sum(1 for lead in leads if lead["hot"]) / len(leads)

    assert hot(0.0) == 0.0
    assert 0.05 < hot(0.15) < 0.3 < hot(0.45)


def test_events_only_for_known_stages_and_times(ws: Workspace, history: list) -> None:
    all_events = [e for _, evs in history for e in evs]
    stages = {e["stage"] for e in all_events} - {None}
    assert stages <= set(ws.stages)
    assert {e["type"] for e in all_events} >= {"entered", "contacted", "accepted", "rejected"}
    assert all(e["at"] <= END for e in all_events)  # type: ignore[operator]
    lead_ids = {lead["lead_id"] for chunk, _ in history for lead in chunk}
    assert {e["lead_id"] for e in all_events} <= lead_ids
    assert len(lead_ids) == sum(len(chunk) for chunk, _ in history)  # ids are unique


def test_every_lead_starts_in_the_first_stage_in_order(history: list) -> None:
    order = ["lead", "mql", "sql", "opportunity", "customer", "onboarding", "retained"]
    by_lead: dict[str, list[str]] = {}
    for _, evs in history:
        for e in sorted(evs, key=lambda e: e["at"]):
            if e["type"] == "entered":
                by_lead.setdefault(e["lead_id"], []).append(e["stage"])
    assert all(path == order[: len(path)] for path in by_lead.values())
    assert Counter(len(p) for p in by_lead.values())[1] > 0  # not every lead converts


def test_arrivals_mostly_in_working_hours(ws: Workspace, history: list) -> None:
    cal = ws.calendar
    arrivals = [lead["created_at"].astimezone(ws.tz) for chunk, _ in history for lead in chunk]
    inside = sum(
        1 for a in arrivals if cal.is_working_day(a.date()) and cal.start <= a.time() < cal.end
    )
    assert inside / len(arrivals) > 0.7
    per_weekday = Counter(a.weekday() for a in arrivals)
    assert per_weekday[0] > per_weekday[4] > per_weekday[6]  # Monday busy, Friday lighter
    assert per_weekday[5] + per_weekday[6] < 0.1 * len(arrivals)


def test_hot_share_and_owners(ws: Workspace, history: list) -> None:
    all_leads = [lead for chunk, _ in history for lead in chunk]
    hot = sum(1 for lead in all_leads if lead["hot"]) / len(all_leads)
    assert 0.1 < hot < 0.22
    assert {lead["owner"] for lead in all_leads} == {"jan", "sanne", "piet"}


def test_volume_drawn_around_the_sql_target(ws: Workspace, history: list) -> None:
    sqls = sum(
        1 for _, evs in history for e in evs if e["type"] == "entered" and e["stage"] == "sql"
    )
    per_month = sqls / 61 * 30.4
    assert 70 < per_month < 200  # target: at least 120 a month


def test_desired_values_bracket_the_target(ws: Workspace) -> None:
    ref = next(r for r in ws.commitments() if r.commitment.id == "hot-lead-callback")
    met, risk, breach = (desired(ref, i) for i in ("met", "at_risk", "breached"))  # type: ignore[arg-type]
    assert met >= 0.95 > risk >= 0.90 > breach
    cap = next(r for r in ws.commitments() if r.commitment.id == "rejections")
    assert desired(cap, "met") <= 15 < desired(cap, "breached")


def test_generated_history_gives_a_mix_of_statuses(ws: Workspace, store: Store) -> None:
    from accord.metrics import evaluate

    write_history(ws, store, 60, seed=3, end=END)
    evaluation = evaluate(ws, store, END)
    statuses = Counter(c.status for c in evaluation.commitments)
    assert statuses["met"] >= 1
    assert statuses["breached"] >= 1
    assert statuses["at_risk"] + statuses["on_track"] >= 1
    assert statuses["no_data"] == 0


def test_write_history_is_idempotent_for_a_seed(ws: Workspace, store: Store) -> None:
    ticks: list[int] = []
    n_leads, n_events = write_history(ws, store, 5, seed=9, end=END, progress=ticks.append)
    assert n_events > 0 and len(ticks) == 6
    again = write_history(ws, store, 5, seed=9, end=END)
    assert again[1] == 0
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(events)).scalar_one() == n_events
        assert conn.execute(select(func.count()).select_from(leads)).scalar_one() == n_leads


def test_stream_two_seconds_at_rate_20(ws: Workspace, sqlite_store: Store) -> None:
    store = sqlite_store
    written = stream(ws, store, rate=20, seconds=2, seed=1, now=running(END))
    assert written == 40
    with store.read() as conn:
        rows = conn.execute(select(events.c.at, events.c.stage)).all()
        n_leads = conn.execute(select(func.count()).select_from(leads)).scalar_one()
    assert 38 <= len(rows) <= 40
    # stamped by the clock it was handed, in the two seconds it ran
    assert all(END <= at.replace(tzinfo=dt.UTC) <= END + dt.timedelta(seconds=30) for at, _ in rows)
    assert {stage for _, stage in rows} - {None} <= set(ws.stages)
    assert n_leads >= 1


def test_stream_with_a_fake_clock(ws: Workspace, sqlite_store: Store) -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    fake = stream(ws, sqlite_store, 100, 3, 5, clock=lambda: now[0], sleep=sleep, now=fixed(END))
    assert fake == 300


def test_stream_rejects_bad_rate(ws: Workspace, sqlite_store: Store) -> None:
    with pytest.raises(ValueError, match="rate must be above 0"):
        stream(ws, sqlite_store, 0, 1)


def test_simulator_without_commitments_uses_defaults(ws: Workspace) -> None:
    sim = Simulator(ws, 1)
    assert sim.handoff == 2  # sql: the first stage Sales owns
    assert 0 < sim.reject_p < 0.6
    lead, lifecycle = sim.lifecycle("x", END)
    assert lifecycle[0]["type"] == "entered" and lifecycle[0]["stage"] == "lead"
    assert lead["lead_id"] == "x"


class TestCli:
    def test_history_only(self, tmp_path: Path) -> None:
        url = f"sqlite:///{tmp_path / 'f.db'}"
        result = Cli().invoke(
            main,
            ["simulate", str(DATA / "workspace"), "--history", "3", "--seed", "2", "--store", url],
        )
        assert result.exit_code == 0, result.output
        assert "back-filled 3 days:" in result.output
        assert "streamed" not in result.output

    def test_stream_seconds(self, tmp_path: Path) -> None:
        url = f"sqlite:///{tmp_path / 'f.db'}"
        result = Cli().invoke(
            main,
            ["simulate", str(DATA / "workspace"), "--rate", "50", "--seconds", "0.5",
             "--store", url],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert "streamed 25 events" in result.output

    def test_ctrl_c_is_clean(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        import accord.simulation

        def interrupted(*args: object, **kwargs: object) -> int:
            raise KeyboardInterrupt

        monkeypatch.setattr(accord.simulation, "stream", interrupted)
        url = f"sqlite:///{tmp_path / 'f.db'}"
        result = Cli().invoke(main, ["simulate", str(DATA / "workspace"), "--store", url])
        assert result.exit_code == 0
        assert "stopped" in result.output and "streamed 0 events" in result.output


def test_open_measures_closed_by_their_own_event_mostly_close_in_time() -> None:
    """The demo's stuck-SQL KPI closes on `decided`, an event no other rule emits."""
    demo = load_workspace(Path(__file__).resolve().parents[3])
    sim = Simulator(demo, seed=5)
    assert ("sql", "decided", 14 * 24.0) in sim.closers
    sqls, decided, late = 0, 0, 0
    for i in range(3000):
        _, lifecycle = sim.lifecycle(f"l{i}", END - dt.timedelta(days=200))
        entered = {e["stage"]: e["at"] for e in lifecycle if e["type"] == "entered"}
        closes = [e["at"] for e in lifecycle if e["type"] == "decided"]
        if "sql" in entered:
            sqls += 1
            assert len(closes) <= 1
            if closes:
                decided += 1
                late += closes[0] - entered["sql"] > dt.timedelta(days=14)
        else:
            assert closes == []
    assert sqls > 100
    assert decided / sqls > 0.98  # a few never get a decision and wait in the attention list
    assert 0.03 < late / decided < 0.25  # some decisions come after the 14 days


def test_the_demo_rate_is_the_simulations() -> None:
    """The CLI keeps its own copy so that `accord --help` need not import the simulator."""
    import accord.cli
    import accord.simulation

    assert accord.cli.DEMO_RATE == accord.simulation.DEMO_RATE


def test_no_pace_streams_at_the_rate(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'f.db'}"
    args = ["simulate", str(DATA / "workspace"), "--rate", "50", "--seconds", "0.5"]
    result = Cli().invoke(main, [*args, "--no-pace", "--store", url])
    assert result.exit_code == 0, result.output
    assert "streamed 25 events" in result.output
