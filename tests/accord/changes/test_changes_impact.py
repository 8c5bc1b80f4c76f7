"""`accord diff --impact`: the affected commitments in the last complete and the current
period, under the agreements before and after the change, against a real store. The
numbers are counted by hand in `changes_kit.funnel_rows`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from changes_kit import Repo, branch_repo, files, fill_store, run_diff
from metrics_support import fresh_store
from testclock import fixed

from accord.changes import affected, compare, evaluate_impact

EN = [
    "October 2026 under the new agreements: SQL volume ✔ met → ✖ breached (110 of 120)",
    "November 2026 so far under the new agreements: SQL volume ● on track → ▲ at risk (65 of 120)",
    "Week of 2026-11-09 under the new agreements: SQL weekly (new) ✖ breached (20 of 25)",
    "Week of 2026-11-16 so far under the new agreements: SQL weekly (new) ● on track (15 of 25)",
    "October 2026 under the new agreements: hot lead callback ✔ met → ✖ breached (90% → 70% "
    "within the new window of 4 working hours, target ≥ 85%, 4 more leads late)",
    "November 2026 so far under the new agreements: hot lead callback 100% → 90% within the "
    "new window of 4 working hours (1 more lead late), still ✔ met",
]

NL = [
    "Oktober 2026 onder de nieuwe afspraken: SQL volume ✔ gehaald → ✖ niet gehaald (110 van 120)",
    "November 2026 tot nu toe onder de nieuwe afspraken: SQL volume ● op koers → ▲ in gevaar "
    "(65 van 120)",
    "Week van 2026-11-09 onder de nieuwe afspraken: SQL weekly (nieuw) ✖ niet gehaald (20 van 25)",
    "Week van 2026-11-16 tot nu toe onder de nieuwe afspraken: SQL weekly (nieuw) ● op koers "
    "(15 van 25)",
    "Oktober 2026 onder de nieuwe afspraken: hot lead callback ✔ gehaald → ✖ niet gehaald (90% → "
    "70% binnen de nieuwe termijn van 4 werkuren, doel ≥ 85%, 4 leads meer te laat)",
    "November 2026 tot nu toe onder de nieuwe afspraken: hot lead callback 100% → 90% binnen de "
    "nieuwe termijn van 4 werkuren (1 lead meer te laat), nog steeds ✔ gehaald",
]


@pytest.fixture(autouse=True)
def _no_store_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACCORD_STORE", raising=False)


def _with_store(root: Path, language: str = "en") -> Repo:
    repo = branch_repo(root, language=language)
    (root / ".accord").mkdir()
    fill_store(f"sqlite:///{root}/.accord/funnel.db")  # the workspace's own store
    return repo


@pytest.mark.parametrize(("language", "golden"), [("en", EN), ("nl", NL)])
def test_before_and_after_by_hand(tmp_path: Path, language: str, golden: list[str]) -> None:
    repo = _with_store(tmp_path / "ws", language)
    result = run_diff("-w", str(repo.root), "--impact", "--format", "markdown")
    assert result.exit_code == 0, result.output
    bullets = [line[2:] for line in result.output.split("###")[-2].splitlines() if line[:2] == "- "]
    assert bullets == [line.replace("_", "\\_") for line in golden]
    intro = "Evaluated against" if language == "en" else "Berekend met"
    assert f"{intro} sqlite:///{repo.root}/.accord/funnel.db".replace("_", "\\_") in result.output
    assert "2026-11-18 11:00 Europe/Amsterdam" in result.output


def test_impact_as_json(tmp_path: Path) -> None:
    repo = _with_store(tmp_path / "ws")
    data = json.loads(run_diff("-w", str(repo.root), "--impact", "--format", "json").output)
    impact = data["impact"]
    assert impact["available"] is True and impact["note"] is None
    assert impact["as_of"] == "2026-11-18T10:00:00Z"
    first = impact["results"][0]
    assert first == {
        "agreement": "marketing-sales-sla",
        "commitment": "sql-volume",
        "period": {
            "start": "2026-09-30T22:00:00Z",
            "end": "2026-10-31T23:00:00Z",
            "complete": True,
        },
        "before": {"value": 110, "status": "met", "cohort": 110, "target": {"min": 100}},
        "after": {"value": 110, "status": "breached", "cohort": 110, "target": {"min": 120}},
        "late": None,
        "text": EN[0],
    }
    callback = impact["results"][4]
    assert callback["before"]["value"] == 0.9 and callback["after"]["value"] == 0.7
    assert callback["before"]["cohort"] == callback["after"]["cohort"] == 20
    assert callback["late"] == 4
    assert [r["after"] for r in impact["results"][2:4]][0]["value"] == 20
    assert impact["results"][2]["before"] is None  # the weekly commitment is new


def test_without_a_store_the_diff_alone(tmp_path: Path) -> None:
    repo = branch_repo(tmp_path / "ws")
    result = run_diff("-w", str(repo.root), "--impact")
    assert result.exit_code == 0, result.output
    section = result.output.split("Impact on the results\n")[1].split("\n\n")[0]
    assert section.count("\n") == 0  # one line
    assert section.startswith("  Impact not evaluated: no event store at ")
    assert "SQL volume target raised from 100 to 120 a month (+20%)" in result.output
    assert "Approvals needed" in result.output


def test_a_store_that_cannot_be_reached(tmp_path: Path) -> None:
    repo = branch_repo(tmp_path / "ws")
    url = "postgresql+psycopg://accord:s3cret@127.0.0.1:9/none?connect_timeout=1"
    result = run_diff("-w", str(repo.root), "--impact", "--store", url)
    assert result.exit_code == 0, result.output
    assert "Impact not evaluated: cannot reach the event store" in result.output
    assert "s3cret" not in result.output


def test_agreements_with_errors_are_not_evaluated(tmp_path: Path) -> None:
    repo = _with_store(tmp_path / "ws")
    sla = repo.root / "agreements/sales/sla.yaml"
    sla.write_text(sla.read_text(encoding="utf-8").replace("per: week", "per: fortnight"))
    result = run_diff("-w", str(repo.root), "--impact")
    assert result.exit_code == 0, result.output
    assert "Impact not evaluated: the agreements in HEAD have errors" in result.output


def test_a_change_that_measures_nothing_differently(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "ws")
    repo.write(files())
    repo.commit("Start", "2026-01-05")
    repo.write(files(review_by="2027-06-30", holder="sanne"))
    report = compare(repo.root, now=fixed())
    assert affected(report) == []
    impact = evaluate_impact(report, now=fixed())  # no store is opened, none is needed
    assert impact.available and impact.rows == ()
    text = run_diff("-w", str(repo.root), "--impact").output
    assert "The change does not alter how any commitment is measured." in text


def test_which_commitments_a_change_touches(tmp_path: Path) -> None:
    repo = branch_repo(tmp_path / "ws")
    report = compare(repo.root, now=fixed())
    assert affected(report) == [
        ("marketing-sales-sla", "sql-volume"),
        ("marketing-sales-sla", "sql-weekly"),
        ("marketing-sales-sla", "hot-lead-callback"),  # through its KPI's window
    ]


@pytest.fixture
def pg_url(postgres_url: str) -> Iterator[str]:
    for _store in fresh_store(postgres_url):  # empty tables, dropped again by the next test
        yield postgres_url


def test_on_postgresql(tmp_path: Path, pg_url: str) -> None:
    repo = branch_repo(tmp_path / "ws")
    fill_store(pg_url)
    result = run_diff("-w", str(repo.root), "--impact", "--store", pg_url)
    assert result.exit_code == 0, result.output
    lines = [line[4:] for line in result.output.splitlines() if line.startswith("  - ")]
    for expected in EN:
        assert expected in lines


def test_a_result_that_stays_the_same(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "ws")
    repo.write(files())
    repo.commit("Start", "2026-01-05")
    repo.write(files(volume=90))
    (repo.root / ".accord").mkdir()
    fill_store(f"sqlite:///{repo.root}/.accord/funnel.db")
    lines = [
        line[4:]
        for line in run_diff("-w", str(repo.root), "--impact").output.splitlines()
        if line.startswith("  - ") and "2026" in line
    ]
    assert lines == [
        "October 2026 under the new agreements: SQL volume still ✔ met (110 of 90)",
        "November 2026 so far under the new agreements: SQL volume still ● on track (65 of 90)",
    ]


def test_the_first_agreements_of_a_repository(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "ws")
    repo.write({"README.md": "Our agreements, soon.\n"})
    repo.commit("Start", "2026-01-05")
    repo.write(files())
    (repo.root / ".accord").mkdir()
    fill_store(f"sqlite:///{repo.root}/.accord/funnel.db")
    result = run_diff("-w", str(repo.root), "--impact")
    assert result.exit_code == 0, result.output
    text = result.output
    assert (
        "Agreement Marketing and Sales SLA (new)\n  - Agreement Marketing and Sales SLA added"
        in text
    )
    assert "  - Commitment SQL volume added: “Marketing delivers at least 100" in text
    assert "October 2026 under the new agreements: SQL volume (new) ✔ met (110 of 100)" in text
    assert "errors" not in text  # an empty BASE is no error
    # nobody approved anything before: the new agreement's own owners approve
    assert "Marketing: Eva Jansen (@ejansen, Head of Marketing) · Sales: Jan de Boer" in text
