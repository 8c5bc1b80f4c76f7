"""Hostile input and faults (issue 17): an import keeps every good row whatever the bad
ones are, on SQLite and PostgreSQL alike, names each bad line with its reason, and never
hangs or ends in a traceback.

Every file below puts good rows before and after the bad one; each case asserts that all
the good rows are in the store and that the bad lines — and only they — are named.
"""

from __future__ import annotations

import datetime as dt
import json
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from metrics_support import backend_store
from sqlalchemy import func, select, text
from testclock import Cli

from accord.cli import MAX_RATE, main
from accord.domain.errors import ImportRejected
from accord.domain.workspace import Workspace
from accord.importing import _rows
from accord.importing.importer import (
    MAX_RECORD_LINES,
    MAX_SHOWN,
    ImportReport,
    Row,
    RowsRefused,
    StoreSink,
    import_file,
)
from accord.loading.validate import load_workspace
from accord.store import Store, events, leads

DATA = Path(__file__).parents[1] / "data"
WORKSPACE = DATA / "workspace"
NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
GOOD = 6
"""Good rows in each case file: three before the bad line, three after."""


@pytest.fixture(scope="module")
def ws() -> Workspace:
    return load_workspace(WORKSPACE)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    yield from backend_store(request, tmp_path)


def run(ws: Workspace, store: Store, path: Path, **kw: Any) -> ImportReport:
    return import_file(ws, path, StoreSink(store), now=NOW, name=path.name, **kw)


def lead_ids(store: Store) -> set[str]:
    with store.read() as conn:
        return set(conn.execute(select(leads.c.lead_id)).scalars())


def event_leads(store: Store) -> list[str]:
    with store.read() as conn:
        rows = conn.execute(select(events.c.lead_id).order_by(events.c.event_id)).scalars()
        return list(rows)


# --- the cases ------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A file of `GOOD` good rows around one bad row (line 5), and the reason expected."""

    name: str
    kind: str  # "leads" or "events"
    suffix: str  # ".csv" or ".jsonl"
    bad: str  # the bad row: a CSV line (leads: lead_id,source,value,created_at) or JSON
    reason: str  # a part of the reason the report gives for line 5

    def content(self) -> str:
        good = [self._good(i) for i in range(GOOD)]
        rows = [*good[:3], self.bad, *good[3:]]
        if self.suffix == ".jsonl":
            return "".join(f"{r}\n" for r in rows)
        header = "lead_id,source,value,created_at" if self.kind == "leads" else "lead_id,at,type"
        return header + "\n" + "".join(f"{r}\n" for r in rows)

    def _good(self, i: int) -> str:
        if self.kind == "leads":
            if self.suffix == ".jsonl":
                return json.dumps({"lead_id": f"G{i}", "source": "web", "value": 10 + i})
            return f"G{i},web,{10 + i},2026-03-0{i + 1}T10:00:00Z"
        at = f"2026-03-0{i + 1}T10:00:00Z"
        if self.suffix == ".jsonl":
            return json.dumps({"lead_id": f"G{i}", "at": at, "type": "contacted"})
        return f"G{i},{at},contacted"

    def line(self) -> int:
        """The bad row's line: after the header (CSV) and three good rows."""
        return 5 if self.suffix == ".csv" else 4


LONG = "x" * 201
CASES = [
    # text longer than its column (PostgreSQL refuses it; SQLite kept it)
    Case("lead_id-over-200", "leads", ".csv", f"{LONG},web,1,", "lead_id is 201 characters long"),
    Case("source-over-200", "leads", ".csv", f"B,{LONG},1,", "source is 201 characters long"),
    Case("owner-over-200", "leads", ".jsonl", json.dumps({"lead_id": "B", "owner": LONG}),
         "owner is 201 characters long"),
    Case("event-type-over-100", "events", ".csv", f"B,2026-03-01T10:00:00Z,{'t' * 101}",
         "type is 101 characters long; the store keeps at most 100"),
    Case("actor-over-200", "events", ".jsonl",
         json.dumps({"lead_id": "B", "at": "2026-03-01T10:00:00Z", "type": "x", "actor": LONG}),
         "actor is 201 characters long"),
    Case("event-lead_id-over-200", "events", ".csv", f"{LONG},2026-03-01T10:00:00Z,contacted",
         "lead_id is 201 characters long"),
    # NUL characters and unpaired surrogates (no PostgreSQL text keeps them)
    Case("nul-in-csv-text", "leads", ".csv", "B,w\x00eb,1,", "column 'source' contains a NUL"),
    Case("nul-in-lead_id", "leads", ".csv", "B\x00,web,1,", "column 'lead_id' contains a NUL"),
    Case("nul-in-json-escape", "leads", ".jsonl", '{"lead_id": "B", "source": "a\\u0000b"}',
         "column 'source' contains a NUL"),
    Case("nul-nested-in-extra", "events", ".jsonl",
         '{"lead_id": "B", "at": "2026-03-01T10:00:00Z", "type": "x", "m": {"k": ["\\u0000"]}}',
         "column 'm' contains a NUL"),
    Case("nul-in-a-key", "leads", ".jsonl", '{"lead_id": "B", "a\\u0000": 1}',
         "a column name contains a NUL"),
    Case("unpaired-surrogate", "leads", ".jsonl", '{"lead_id": "B", "source": "\\ud800"}',
         "contains \\ud800, half of a surrogate pair"),
    # value: Numeric(18, 2) keeps 16 digits before the point
    Case("value-1e23-json", "leads", ".jsonl", '{"lead_id": "B", "value": 1e23}',
         "value 1e+23 is out of range: the store keeps at most 16 digits"),
    Case("value-17-digits-csv", "leads", ".csv", "B,web,12345678901234567,",
         "value '12345678901234567' is out of range"),
    Case("value-rounds-over", "leads", ".csv", "B,web,9999999999999999.999,",
         "is out of range"),
    Case("value-nan", "leads", ".jsonl", '{"lead_id": "B", "value": NaN}',
         "value nan is not a finite number"),
    Case("value-infinity", "leads", ".jsonl", '{"lead_id": "B", "value": -Infinity}',
         "value -inf is not a finite number"),
    Case("attribute-nan", "leads", ".jsonl", '{"lead_id": "B", "score": NaN}',
         "an attribute holds NaN or Infinity"),
    Case("extra-infinity", "events", ".jsonl",
         '{"lead_id": "B", "at": "2026-03-01T10:00:00Z", "type": "x", "score": Infinity}',
         "an extra column holds NaN or Infinity"),
    # times that do not exist in UTC
    Case("year-1-local", "events", ".csv", "B,0001-01-01T00:00:00,contacted",
         "at: time '0001-01-01T00:00:00' is out of range"),
    Case("year-1-offset", "events", ".csv", "B,0001-01-01T00:30:00+01:00,contacted",
         "is out of range: in UTC it falls outside the years 1 to 9999"),
    Case("year-9999-offset", "events", ".csv", "B,9999-12-31T23:00:00-05:00,contacted",
         "at: time '9999-12-31T23:00:00-05:00' is out of range"),
    Case("created_at-year-1", "leads", ".csv", "B,web,1,0001-01-01",
         "created_at: time '0001-01-01' is out of range"),
    # JSON the parser cannot take
    Case("json-nested-too-deep", "leads", ".jsonl", "[" * 100_000 + "]" * 100_000,
         "not usable JSON: nested too deeply"),
    Case("json-integer-5000-digits", "leads", ".jsonl", '{"lead_id": "B", "value": ' + "9" * 5000
         + "}", "not usable JSON: Exceeds the limit"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_value_is_named_and_every_good_row_kept(
    ws: Workspace, store: Store, tmp_path: Path, case: Case
) -> None:
    path = tmp_path / f"{case.name}{case.suffix}"
    path.write_text(case.content(), encoding="utf-8")
    report = run(ws, store, path)
    assert [line for line, _ in report.problems] == [case.line()], report.problems
    assert case.reason in report.problems[0][1]
    assert report.rejected == 1
    good = {f"G{i}" for i in range(GOOD)}
    if case.kind == "leads":
        assert lead_ids(store) == good
        assert report.imported == GOOD
    else:
        assert sorted(event_leads(store)) == sorted(good)
        assert report.imported == GOOD


def test_the_value_limit_is_the_column_s(ws: Workspace, store: Store, tmp_path: Path) -> None:
    """The largest value the column keeps loads (exactly on PostgreSQL; SQLite keeps a
    float, 16 significant digits); one more digit does not."""
    path = tmp_path / "v.csv"
    path.write_text("lead_id,value\nA,9999999999999999.99\nB,-9999999999999999.99\nC,1e3\n")
    report = run(ws, store, path)
    assert report.problems == [(4, "value '1e3' is not a number (write e.g. 12500 or 12500.50)")]
    with store.read() as conn:
        values = dict(conn.execute(select(leads.c.lead_id, leads.c.value)).tuples().all())
    expected = {"A": Decimal("9999999999999999.99"), "B": Decimal("-9999999999999999.99")}
    if store.dialect == "postgresql":
        assert values == expected
    else:
        assert values == pytest.approx(expected)


# --- broken CSV records and line endings ----------------------------------------------


def _lines(first: int, count: int) -> str:
    return "".join(f"G{i},web\n" for i in range(first, first + count))


def test_unterminated_quote_swallows_only_its_line(
    ws: Workspace, store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "quote.csv"
    path.write_text("lead_id,source\n" + _lines(0, 5) + 'B,"never closed\n' + _lines(5, 300))
    report = run(ws, store, path)
    assert report.problems == [
        (
            7,
            "a quoted field opened on this line is not closed by the end of the file; "
            'a closing quote (") is missing',
        )
    ]
    assert lead_ids(store) == {f"G{i}" for i in range(305)}
    assert report.summary() == "imported 305 leads (0 already present), rejected 1 rows"


def test_unterminated_quote_far_from_the_end(ws: Workspace, store: Store, tmp_path: Path) -> None:
    """The quote is given up after MAX_RECORD_LINES lines; the lines it took are read again."""
    after = MAX_RECORD_LINES + 500
    path = tmp_path / "quote.csv"
    path.write_text("lead_id,source\n" + 'B,"never closed\n' + _lines(0, after))
    report = run(ws, store, path)
    assert report.problems == [
        (
            2,
            f"a quoted field opened on this line is not closed within {MAX_RECORD_LINES} lines; "
            'a closing quote (") is missing',
        )
    ]
    assert lead_ids(store) == {f"G{i}" for i in range(after)}


def test_quote_closed_by_a_later_line_is_not_a_record(
    ws: Workspace, store: Store, tmp_path: Path
) -> None:
    """`"x` opened on line 3 would close at line 6's quote: the lines between are still rows."""
    path = tmp_path / "quote.csv"
    path.write_text(
        "lead_id,source\n"
        "G0,web\n"
        'B,"x\n'  # 3: closed by line 6's first quote, then garbage: malformed
        "G1,web\nG2,web\n"
        'G3,"a, b"\n'
        "G4,web\n"
        'C,"y\n'  # 8: closed on line 9, but the record then has 4 fields
        'z",1,2\n'  # 9: read again on its own: 3 fields
        "G5,web\n"
        'D,"open\n'  # 11: never closed
        "G6,web\n"
    )
    report = run(ws, store, path)
    assert [line for line, _ in report.problems] == [3, 8, 9, 11]
    malformed, fields, alone, unclosed = (reason for _, reason in report.problems)
    assert malformed.startswith("a quoted field opened on this line runs over 4 lines")
    assert "is malformed (" in malformed and malformed.endswith("is a closing quote missing?")
    assert fields == (
        "a quoted field opened on this line runs over 2 lines and leaves 4 fields, the header "
        "has 2; is a closing quote missing?"
    )
    assert alone == "row has 3 fields, the header has 2"
    assert unclosed.startswith("a quoted field opened on this line is not closed by the end")
    assert lead_ids(store) == {f"G{i}" for i in range(7)}
    assert report.rows == 11


def test_good_multiline_fields_still_load(ws: Workspace, store: Store, tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes(
        b'lead_id,source,note\r\nA,web,"one\r\ntwo"\r\nB,web,"a ""quoted""\rword"\rC,web,x\n'
    )
    report = run(ws, store, path)
    assert (report.rejected, report.imported) == (0, 3)
    with store.read() as conn:
        notes = dict(conn.execute(select(leads.c.lead_id, leads.c.attributes)).tuples().all())
    assert notes == {
        "A": {"note": "one\r\ntwo"},
        "B": {"note": 'a "quoted"\rword'},
        "C": {"note": "x"},
    }


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r", "mixed"], ids=["LF", "CRLF", "CR", "mixed"])
@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_line_endings(ws: Workspace, store: Store, tmp_path: Path, eol: str, suffix: str) -> None:
    if suffix == ".csv":
        rows = [
            "lead_id,at,type",
            *(f"L{i},2026-03-0{i + 1}T10:00:00Z,contacted" for i in range(5)),
        ]
        rows[3] = "L2,never,contacted"
    else:
        rows = [
            json.dumps({"lead_id": f"L{i}", "at": f"2026-03-0{i + 1}T10:00:00Z", "type": "x"})
            for i in range(5)
        ]
        rows[2] = json.dumps({"lead_id": "L2", "at": "never", "type": "x"})
    ends = ["\n", "\r\n", "\r"] * 3 if eol == "mixed" else [eol] * len(rows)
    path = tmp_path / f"e{suffix}"
    path.write_bytes("".join(r + e for r, e in zip(rows, ends, strict=False)).encode())
    seen: list[int] = []
    report = run(ws, store, path, progress=seen.append)
    bad = 4 if suffix == ".csv" else 3
    assert [line for line, _ in report.problems] == [bad]
    assert sorted(event_leads(store)) == ["L0", "L1", "L3", "L4"]
    assert sum(seen) == path.stat().st_size


def test_good_rows_before_a_file_level_stop_are_kept(
    ws: Workspace, store: Store, tmp_path: Path
) -> None:
    """A byte that is not UTF-8 stops the import; the rows before it are written first."""
    path = tmp_path / "l.csv"
    path.write_bytes(b"lead_id,source\nA,web\nB,web\nC,caf\xe9\nD,web\n")
    with pytest.raises(ImportRejected, match=r"^l\.csv:4: byte 0xe9 at column 6"):
        run(ws, store, path)
    assert lead_ids(store) == {"A", "B"}


# --- what the database still refuses: the batch is bisected -------------------------


BYPASS = {
    "long-lead_id": ("LEAD_LENGTHS", {}, f"{'y' * 250},web,1", "value too long"),
    "value-overflow": ("_VALUE_LIMIT", Decimal("Infinity"), "B,web,1e23", "numeric field overflow"),
    "nul": ("_storable", lambda value, name: None, "B,w\x00b,1", "NUL"),
}


@pytest.mark.parametrize("bypass", list(BYPASS))
def test_what_the_database_refuses_is_found_by_bisection(
    ws: Workspace,
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    bypass: str,
) -> None:
    """With a check switched off the value reaches the database: PostgreSQL refuses it,
    the batch is split until that row is found, and the rest of the batch loads."""
    name, replacement, bad, reason = BYPASS[bypass]
    monkeypatch.setattr(_rows, name, replacement)
    if bypass == "value-overflow":  # the CSV pattern refuses 1e23 before the range check
        monkeypatch.setattr(_rows, "_NUMBER", _rows.re.compile(r".*"))
    good = [f"G{i},web,{i}" for i in range(40)]
    path = tmp_path / "l.csv"
    path.write_text("lead_id,source,value\n" + "\n".join([*good[:23], bad, *good[23:]]) + "\n")
    writes: list[int] = []
    real = StoreSink.write

    def counting(self: StoreSink, leads: list[Row], events: list[Row]) -> Any:
        writes.append(len(leads))
        return real(self, leads, events)

    monkeypatch.setattr(StoreSink, "write", counting)
    report = run(ws, store, path, batch_size=16)
    expected = {f"G{i}" for i in range(40)}
    if store.dialect == "postgresql":
        assert report.rejected == 1
        assert report.problems[0][0] == 25
        assert report.problems[0][1].startswith("the database refused the row: ")
        assert reason in report.problems[0][1]
        assert lead_ids(store) == expected
        assert len(writes) <= 3 + 2 * 4  # three batches, one split down to a single row
    else:  # SQLite keeps what it is given
        assert report.rejected == 0
        assert lead_ids(store) >= expected


class ListSink:
    """Keeps rows in lists; refuses (all or nothing) any batch holding a poisoned lead."""

    def __init__(self, poisoned: set[str]) -> None:
        self.poisoned = poisoned
        self.leads: list[Row] = []
        self.calls = 0

    def write(self, leads: list[Row], events: list[Row]) -> tuple[int, int, set[str]]:
        self.calls += 1
        if any(r["lead_id"] in self.poisoned for r in leads):
            raise RowsRefused("the database refused the row: poisoned")
        self.leads.extend(leads)
        return len(leads), len(events), set()


def test_bisection_finds_every_refused_row(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text("lead_id,hot\n" + "".join(f"L{i},{'maybe' if i % 97 == 5 else 'yes'}\n"
                                              for i in range(1000)))  # fmt: skip
    poisoned = {f"L{i}" for i in (0, 1, 2, 400, 401, 777, 999)}
    sink = ListSink(poisoned)
    report = import_file(ws, path, sink, now=NOW, name="l.csv", batch_size=100)
    refused_lines = sorted(int(name[1:]) + 2 for name in poisoned)
    checked_lines = [i + 2 for i in range(1000) if i % 97 == 5]
    assert [line for line, _ in report.problems] == sorted(refused_lines + checked_lines)
    assert report.rejected == len(poisoned) + len(checked_lines)
    assert {r["lead_id"] for r in sink.leads} == {
        f"L{i}" for i in range(1000) if i % 97 != 5 and f"L{i}" not in poisoned
    }
    assert report.imported == len(sink.leads)
    assert sink.calls < 10 + len(poisoned) * 2 * 7  # about log2(batch) splits per bad row


def test_problems_keep_the_first_lines_in_order(ws: Workspace, tmp_path: Path) -> None:
    """Refused rows are found after later rows were checked; the report still shows the
    first MAX_SHOWN lines of the file, in order."""
    path = tmp_path / "l.csv"
    path.write_text("lead_id,hot\n" + "".join(f"L{i},{'yes' if i < 10 else 'maybe'}\n"
                                              for i in range(200)))  # fmt: skip
    sink = ListSink({f"L{i}" for i in range(10)})
    report = import_file(ws, path, sink, now=NOW, name="l.csv", batch_size=1000)
    assert [line for line, _ in report.problems] == list(range(2, 2 + MAX_SHOWN))
    assert report.rejected == 200
    assert report.problem_lines()[-1] == f"… and {200 - MAX_SHOWN} more"


def test_a_refused_row_does_not_claim_its_id(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text("lead_id,source\nP,web\nP,ads\n")
    sink = ListSink({"P"})
    report = import_file(ws, path, sink, now=NOW, name="l.csv", batch_size=1)
    assert [reason for _, reason in report.problems] == [
        "the database refused the row: poisoned"
    ] * 2


def test_memory_stays_flat_in_the_file_size(ws: Workspace, tmp_path: Path) -> None:
    """The import streams: four times the rows (a broken quote among them) does not take
    noticeably more memory. (Only ids a file gives — lead_id in a leads file, event_id —
    are remembered, to find repeats; this events file has none.)"""

    class Counting:
        def write(self, leads: list[Row], events: list[Row]) -> tuple[int, int, set[str]]:
            return len(leads), len(events), set()

    def peak(rows: int) -> int:
        path = tmp_path / f"m{rows}.csv"
        with path.open("w") as fh:
            fh.write("lead_id,at,type,note\n")
            for i in range(rows):
                at = f"2026-03-01T10:{i % 60:02d}:00Z"
                fh.write(f'L{i},{at},x,"a, {i}"\n' if i != 100 else f'L{i},{at},x,"open\n')
        tracemalloc.start()
        try:
            report = import_file(ws, path, Counting(), now=NOW, batch_size=500)
            _, top = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert report.rejected == 1 and report.imported == rows - 1
        return top

    small, large = peak(5_000), peak(20_000)
    assert large < small * 1.2 + 100_000, (small, large)


# --- the command line ----------------------------------------------------------------


def test_cli_names_the_bad_lines_and_keeps_the_good(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'f.db'}"
    path = tmp_path / "l.csv"
    path.write_bytes(b"lead_id,source\rA,web\r" + LONG.encode() + b',web\rB,"open\rC,web\r')
    result = Cli().invoke(main, ["import", str(path), str(WORKSPACE), "--store", url])
    assert result.exit_code == 1
    assert f"{path}:3: lead_id is 201 characters long" in result.output
    assert f"{path}:4: a quoted field opened on this line is not closed" in result.output
    assert "imported 2 leads (0 already present), rejected 2 rows" in result.output
    with Store.open(url, readonly=True) as store:
        assert lead_ids(store) == {"A", "C"}


def test_cli_exit_0_when_every_row_loads(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'f.db'}"
    path = tmp_path / "l.csv"
    path.write_bytes(b"lead_id,source\r\nA,web\r\nB,ads\r\n")
    result = Cli().invoke(main, ["import", str(path), str(WORKSPACE), "--store", url])
    assert result.exit_code == 0, result.output
    assert "imported 2 leads (0 already present), rejected 0 rows" in result.output


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
@pytest.mark.parametrize("command", ["import", "simulate"])
def test_cli_refuses_an_in_memory_store_to_write(tmp_path: Path, url: str, command: str) -> None:
    path = tmp_path / "l.csv"
    path.write_text("lead_id\nA\n")
    args = [str(path)] if command == "import" else []
    result = Cli().invoke(
        main, [command, *args, str(WORKSPACE), "--store", url, *(["--seconds", "0.1"] * (
            command == "simulate"))]
    )  # fmt: skip
    assert result.exit_code == 1
    assert f"error: the event store {url} is an in-memory database" in result.output
    assert "imported" not in result.output and "streamed" not in result.output


def test_cli_import_updates_statistics_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = Store.update_statistics

    def counted(self: Store) -> None:
        calls.append(self.url)
        real(self)

    monkeypatch.setattr(Store, "update_statistics", counted)
    assert import_file.__kwdefaults__ is not None
    monkeypatch.setitem(import_file.__kwdefaults__, "batch_size", 3)
    url = f"sqlite:///{tmp_path / 'f.db'}"
    path = tmp_path / "l.csv"
    path.write_text("lead_id\n" + "".join(f"L{i}\n" for i in range(20)))
    result = Cli().invoke(main, ["import", str(path), str(WORKSPACE), "--store", url])
    assert result.exit_code == 0, result.output
    assert len(calls) == 1  # seven batches, one ANALYZE
    with Store.open(url, readonly=True) as store, store.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM sqlite_stat1")).scalar_one() > 0
        assert conn.execute(select(func.count()).select_from(leads)).scalar_one() == 20


def test_dash_without_a_terminal_exits_1() -> None:
    result = Cli().invoke(main, ["dash", str(WORKSPACE)])
    assert result.exit_code == 1
    assert "error: `accord dash` needs a terminal" in result.output


@pytest.mark.parametrize("rate", ["1e308", "10001", "inf"])
def test_simulate_rate_is_capped(tmp_path: Path, rate: str) -> None:
    url = f"sqlite:///{tmp_path / 'f.db'}"
    result = Cli().invoke(main, ["simulate", str(WORKSPACE), "--rate", rate, "--store", url])
    assert result.exit_code == 2
    assert "Invalid value for '--rate'" in result.output
    assert f"0<x<={MAX_RATE}" in result.output
    assert not (tmp_path / "f.db").exists()
