"""`accord import`: formats, mappings, row checks with line numbers, idempotence."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from metrics_support import backend_store
from sqlalchemy import func, select
from testclock import Cli

from accord.cli import main
from accord.domain.errors import ImportRejected, LoadError
from accord.domain.workspace import Workspace
from accord.importing.importer import ImportReport, StoreSink, import_file, parse_time
from accord.importing.mappings import HUBSPOT, PLAIN, SALESFORCE, Mapping, load_mapping
from accord.loading.validate import load_workspace
from accord.store import Store, events, leads

DATA = Path(__file__).parents[1] / "data"
NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def ws() -> Workspace:
    return load_workspace(DATA / "workspace")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    yield from backend_store(request, tmp_path)


def run(
    ws: Workspace, store: Store, path: Path, mapping: Mapping = PLAIN, **kw: Any
) -> ImportReport:
    return import_file(ws, path, StoreSink(store), mapping, now=NOW, name=path.name, **kw)


def all_events(store: Store) -> list[dict[str, Any]]:
    with store.read() as conn:
        rows = conn.execute(select(events).order_by(events.c.event_id)).mappings().all()
    return [dict(r) for r in rows]


def all_leads(store: Store) -> dict[str, dict[str, Any]]:
    with store.read() as conn:
        rows = conn.execute(select(leads)).mappings().all()
    return {r["lead_id"]: dict(r) for r in rows}


def count(store: Store) -> int:
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(events)).scalar_one())


class TestEvents:
    def test_each_bad_row_kind_with_its_line(self, ws: Workspace, store: Store) -> None:
        report = run(ws, store, DATA / "events_bad.csv")
        stages = "lead, mql, sql, opportunity, customer, onboarding, retained"
        assert report.problems == [
            (4, f"unknown stage 'sqll'; did you mean 'sql'? (stages: {stages})"),
            (
                5,
                "at: cannot read time 'yesterday'; "
                "write ISO-8601 such as 2026-03-02T14:05:00+01:00",
            ),
            (6, "an 'entered' event needs a stage"),
            (7, "empty lead_id"),
            (9, "event_id 'e1' already used on line 2 with different content"),
            (
                10,
                "at: local time '2026-03-29 02:30' does not exist in Europe/Amsterdam "
                "(the clocks jump forward); give the time with an offset",
            ),
            (13, "type 'contacted!' is not a word (e.g. entered, contacted, rejected)"),
            (14, "row has 8 fields, the header has 7"),
        ]
        assert report.rejected == 8
        assert (report.imported, report.already) == (4, 1)
        assert (report.future, report.first_future_line) == (1, 11)
        assert report.unknown_leads == 4
        assert report.summary() == "imported 4 events (1 already present), rejected 8 rows"

    def test_good_rows_are_stored(self, ws: Workspace, store: Store) -> None:
        run(ws, store, DATA / "events_bad.csv")
        rows = all_events(store)
        assert [(r["lead_id"], r["type"], r["stage"]) for r in rows] == [
            ("L1", "entered", "sql"),
            ("L1", "contacted", None),
            ("L4", "entered", "lead"),
            ("L5", "rejected", "sql"),
        ]
        # offset kept; a time without offset is read in the workspace zone (CET, +01:00)
        assert rows[0]["at"] == dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
        assert rows[1]["at"] == dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
        assert rows[1]["actor"] == "jan"  # a person's name becomes their id
        assert rows[3]["extra"] == {"reason": "no budget, too small"}
        assert rows[0]["source_key"] == "id:e1"

    def test_reimport_adds_nothing(self, ws: Workspace, store: Store) -> None:
        first = run(ws, store, DATA / "events_bad.csv")
        second = run(ws, store, DATA / "events_bad.csv")
        assert first.imported == 4
        assert (second.imported, second.already, second.rejected) == (0, 5, 8)
        assert count(store) == 4

    def test_content_key_without_event_id(
        self, ws: Workspace, store: Store, tmp_path: Path
    ) -> None:
        path = tmp_path / "e.csv"
        path.write_text(
            "lead_id,at,type,stage\nX,2026-03-02T10:00:00Z,entered,sql\n"
            "X,2026-03-02T10:00:00Z,entered,sql\nX,2026-03-02T11:00:00Z,contacted,\n"
        )
        report = run(ws, store, path)
        assert (report.imported, report.already) == (2, 1)
        again = run(ws, store, path)
        assert (again.imported, again.already) == (0, 3)
        assert count(store) == 2

    def test_unknown_leads_counted_not_rejected(
        self, ws: Workspace, store: Store, tmp_path: Path
    ) -> None:
        run(ws, store, DATA / "leads.csv")
        path = tmp_path / "e.csv"
        path.write_text(
            "lead_id,at,type,stage\nA1,2026-03-02T10:00:00Z,entered,sql\n"
            "NOPE,2026-03-02T10:00:00Z,entered,sql\n"
        )
        report = run(ws, store, path)
        assert (report.imported, report.rejected, report.unknown_leads) == (2, 0, 1)
        assert "1 events are for leads with no row in leads" in report.notes()[0]

    def test_jsonl(self, ws: Workspace, store: Store) -> None:
        report = run(ws, store, DATA / "events.jsonl")
        assert report.problems == [
            (4, "not valid JSON: Expecting value (column 1)"),
            (5, "at: cannot read time '5'; write ISO-8601 such as 2026-03-02T14:05:00+01:00"),
            (6, "expected a JSON object with column names as keys"),
        ]
        rows = all_events(store)
        assert [(r["lead_id"], r["stage"]) for r in rows] == [
            ("J1", "mql"),
            ("J1", "sql"),
            ("J2", None),
        ]
        assert rows[0]["extra"] == {"campaign": "spring"}
        assert rows[2]["extra"] == {"channel": {"kind": "phone"}}
        assert rows[2]["at"] == dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)

    def test_multiline_quoted_field_keeps_line_numbers(
        self, ws: Workspace, store: Store, tmp_path: Path
    ) -> None:
        path = tmp_path / "e.csv"
        path.write_text(
            'lead_id,at,type,stage,reason\nX,2026-03-02T10:00:00Z,rejected,sql,"two\nlines"\n'
            "X,bad,contacted,,\n"
        )
        report = run(ws, store, path)
        assert report.problems[0][0] == 4
        assert all_events(store)[0]["extra"] == {"reason": "two\nlines"}


class TestLeads:
    def test_leads_semicolon_and_bad_types(self, ws: Workspace, store: Store) -> None:
        report = run(ws, store, DATA / "leads.csv")
        assert report.kind == "leads"
        assert report.problems == [
            (4, "hot 'maybe' is not true or false (use true/false, yes/no or 1/0)"),
            (5, "value 'abc' is not a number (write e.g. 12500 or 12500.50)"),
            (
                6,
                "created_at: cannot read time 'not a date'; "
                "write ISO-8601 such as 2026-03-02T14:05:00+01:00",
            ),
        ]
        stored = all_leads(store)
        assert set(stored) == {"A1", "A2"}
        a2 = stored["A2"]
        assert (a2["hot"], a2["value"], a2["owner"]) == (False, Decimal("1250.50"), "sanne")
        assert a2["attributes"] == {"company": "Beta; Inc"}
        assert a2["created_at"] == dt.datetime(2026, 2, 28, 23, 0, tzinfo=dt.UTC)
        assert stored["A1"]["hot"] is True
        assert report.summary() == "imported 2 leads (0 already present), rejected 3 rows"

    def test_reimport_leads(self, ws: Workspace, store: Store) -> None:
        run(ws, store, DATA / "leads.csv")
        again = run(ws, store, DATA / "leads.csv")
        assert (again.imported, again.already) == (0, 2)
        assert len(all_leads(store)) == 2

    def test_bom_and_unicode(self, ws: Workspace, store: Store, tmp_path: Path) -> None:
        path = tmp_path / "l.csv"
        path.write_bytes("\ufefflead_id,source,city\nZ1,événement,Łódź\n".encode())
        report = run(ws, store, path)
        assert (report.kind, report.imported, report.rejected) == ("leads", 1, 0)
        lead = all_leads(store)["Z1"]
        assert (lead["source"], lead["attributes"]) == ("événement", {"city": "Łódź"})

    def test_duplicate_lead_in_file(self, ws: Workspace, store: Store, tmp_path: Path) -> None:
        path = tmp_path / "l.csv"
        path.write_text("lead_id,source\nD,web\nD,web\nD,ads\n")
        report = run(ws, store, path)
        assert report.problems == [(4, "lead_id 'D' already used on line 2 with different content")]
        assert (report.imported, report.already) == (1, 1)


class TestMappings:
    def test_hubspot(self, ws: Workspace, store: Store) -> None:
        report = run(ws, store, DATA / "hubspot_contacts.csv", HUBSPOT)
        stages = "lead, mql, sql, opportunity, customer, onboarding, retained"
        assert report.problems == [(5, f"unknown stage 'Champion' (stages: {stages})")]
        assert (report.imported, report.stage_events) == (3, 3)
        stored = all_leads(store)
        ann = stored["101"]
        assert ann["owner"] == "jan"
        assert ann["source"] == "Organic Search"
        assert ann["segment"] == "Software"
        assert ann["attributes"] == {
            "first_name": "Ann",
            "last_name": "Lee",
            "email": "ann@x.example",
            "lead_status": "Open",
            "stage": "sql",
        }
        assert "stage" not in (stored["103"]["attributes"] or {})  # "Other" maps to no stage
        assert [(e["lead_id"], e["stage"]) for e in all_events(store)] == [
            ("101", "mql"),
            ("101", "sql"),
            ("102", "mql"),
        ]

    def test_salesforce(self, ws: Workspace, store: Store) -> None:
        report = run(ws, store, DATA / "salesforce_leads.csv", SALESFORCE)
        assert report.problems == [
            (4, "hot 'Lukewarm' is not true or false (use true/false, yes/no or 1/0)")
        ]
        stored = all_leads(store)
        eva, fin = stored["00Q1"], stored["00Q2"]
        assert (eva["hot"], eva["value"], eva["owner"]) == (True, Decimal("50000"), "jan")
        assert (fin["hot"], fin["owner"], fin["source"]) == (False, "piet", "Partner")
        assert eva["created_at"] == dt.datetime(2026, 3, 2, 8, 30, tzinfo=dt.UTC)
        assert eva["attributes"]["status"] == "Working - Contacted"
        converted = all_events(store)
        assert [(e["lead_id"], e["stage"]) for e in converted] == [("00Q2", "opportunity")]
        assert converted[0]["at"] == dt.datetime(2026, 3, 9, 23, 0, tzinfo=dt.UTC)

    def test_yaml_mapping_file(self, ws: Workspace, store: Store) -> None:
        mapping = load_mapping(str(DATA / "crm_mapping.yaml"))
        assert mapping.name == "pipedrive-style"
        report = run(ws, store, DATA / "crm_activities.tsv", mapping)
        assert report.problems == [
            (
                4,
                "at: cannot read time '31.02.2026 10:00'; write ISO-8601 such as "
                "2026-03-02T14:05:00+01:00 or %d.%m.%Y %H:%M",
            )
        ]
        rows = all_events(store)
        assert [(r["type"], r["stage"], r["extra"]) for r in rows] == [
            ("entered", "sql", {"note": "from web"}),
            ("contacted", None, {"note": "reached"}),
        ]
        assert rows[0]["at"] == dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

    def test_bad_mapping_file_is_positioned(self, tmp_path: Path) -> None:
        path = tmp_path / "m.yaml"
        path.write_text("columns:\n  lead_id: Person\n  stagee: Step\nvalue: {}\n")
        with pytest.raises(LoadError) as caught:
            load_mapping(str(path))
        messages = [p.format() for p in caught.value.problems]
        assert any(
            ":4:1: error: unknown key 'value'; did you mean 'values'?" in m for m in messages
        )
        assert any(
            ":3:3: error: unknown column 'stagee'; did you mean 'stage'?" in m for m in messages
        )

    def test_unknown_mapping_name(self) -> None:
        with pytest.raises(LoadError, match="no mapping named 'pipedrive'"):
            load_mapping("pipedrive")

    def test_mapping_refuses_yaml_tags(self, tmp_path: Path) -> None:
        path = tmp_path / "m.yaml"
        path.write_text("columns: !!python/object:os.system {}\n")
        with pytest.raises(LoadError, match="explicit tag"):
            load_mapping(str(path))


class TestFileErrors:
    def test_missing_required_column(self, ws: Workspace, store: Store, tmp_path: Path) -> None:
        path = tmp_path / "e.csv"
        path.write_text("lead_id,at,stage\nX,2026-03-02T10:00:00Z,sql\n")
        with pytest.raises(ImportRejected) as caught:
            run(ws, store, path)
        assert str(caught.value).startswith(
            "e.csv:1: an events file needs the columns lead_id, at, type"
        )
        assert "missing: type" in str(caught.value)

    def test_unrecognised_header(self, ws: Workspace, store: Store, tmp_path: Path) -> None:
        path = tmp_path / "x.csv"
        path.write_text("Record ID,Create Date\n1,2026-01-01\n")
        with pytest.raises(ImportRejected, match="use --mapping hubspot"):
            run(ws, store, path)

    def test_not_utf8_names_the_line(self, ws: Workspace, store: Store, tmp_path: Path) -> None:
        path = tmp_path / "l.csv"
        path.write_bytes(b"lead_id,source\nA,web\nB,caf\xe9\n")
        with pytest.raises(ImportRejected, match=r"^l\.csv:3: byte 0xe9 at column 6 is not valid"):
            run(ws, store, path)

    def test_empty_file(self, ws: Workspace, store: Store, tmp_path: Path) -> None:
        path = tmp_path / "e.csv"
        path.write_text("\n")
        with pytest.raises(ImportRejected, match="empty"):
            run(ws, store, path)


def test_parse_time_forms() -> None:
    tz = load_workspace(DATA / "workspace").tz
    assert parse_time("2026-07-01T12:00:00Z", tz) == dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC)
    summer = parse_time("2026-07-01 12:00", tz)
    assert summer.astimezone(dt.UTC) == dt.datetime(2026, 7, 1, 10, tzinfo=dt.UTC)
    # the ambiguous hour when clocks go back: its first occurrence (CEST, +02:00)
    fold = parse_time("2026-10-25 02:30", tz)
    assert fold.astimezone(dt.UTC) == dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)


def test_large_file_in_batches(ws: Workspace, store: Store, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    start = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    with path.open("w") as fh:
        fh.write("lead_id,at,type,stage,event_id\n")
        for i in range(50_000):
            at = (start + dt.timedelta(minutes=i)).isoformat()
            fh.write(f"B{i // 5},{at},entered,{('lead', 'mql', 'sql')[i % 3]},b{i}\n")
    seen: list[int] = []
    report = run(ws, store, path, progress=seen.append)
    assert (report.imported, report.rejected) == (50_000, 0)
    assert count(store) == 50_000
    assert sum(seen) == path.stat().st_size


class TestCli:
    def test_rejected_rows_exit_1(self, tmp_path: Path) -> None:
        url = f"sqlite:///{tmp_path / 'f.db'}"
        result = Cli().invoke(
            main, ["import", str(DATA / "events_bad.csv"), str(DATA / "workspace"), "--store", url]
        )
        assert result.exit_code == 1
        file = str(DATA / "events_bad.csv")
        assert f"{file}:4: unknown stage 'sqll'" in result.output
        assert "warning: 1 rows have timestamps in the future (first on line 11)" in result.output
        assert "imported 4 events (1 already present), rejected 8 rows" in result.output

    def test_good_file_exit_0_and_more_line(self, tmp_path: Path) -> None:
        url = f"sqlite:///{tmp_path / 'f.db'}"
        good = tmp_path / "good.jsonl"
        good.write_text(json.dumps({"lead_id": "a", "at": "2026-01-05T10:00:00Z", "type": "x"}))
        runner = Cli()
        ok = runner.invoke(main, ["import", str(good), str(DATA / "workspace"), "--store", url])
        assert ok.exit_code == 0, ok.output
        assert "imported 1 events (0 already present), rejected 0 rows" in ok.output
        bad = tmp_path / "bad.csv"
        bad.write_text("lead_id,at,type\n" + "x,never,seen\n" * 60)
        res = runner.invoke(main, ["import", str(bad), str(DATA / "workspace"), "--store", url])
        assert res.exit_code == 1
        assert f"{bad}:51: at: cannot read time" in res.output
        assert f"{bad}:52:" not in res.output
        assert "… and 10 more" in res.output

    def test_store_from_env(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("ACCORD_STORE", f"sqlite:///{tmp_path / 'env.db'}")
        result = Cli().invoke(main, ["import", str(DATA / "leads.csv"), str(DATA / "workspace")])
        assert result.exit_code == 1
        assert (tmp_path / "env.db").exists()


def test_cli_unknown_mapping_is_a_usage_error(tmp_path: Path) -> None:
    result = Cli().invoke(
        main, ["import", str(DATA / "leads.csv"), str(DATA / "workspace"), "--mapping", "nope"]
    )
    assert result.exit_code == 2
    assert "no mapping named 'nope'" in result.output
