"""`accord status`: the JSON shape (docs/reference/formats.md), the text table, --check,
--at with git history."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from gitrepo import author_env
from metrics_support import agreement_yaml, ams, ev, make_workspace, put
from testclock import Cli

from accord.cli import main
from accord.store import ENV_STORE, Store

COMMITMENTS = [
    {"id": "volume", "kpi": "sqls", "target": {"min": 10}},
    {"id": "callback", "kpi": "callback-calendar", "target": {"min": "95%"}, "warn": "90%"},
    {"id": "waiting", "kpi": "waiting", "target": {"max": 5}},
]


@pytest.fixture(autouse=True)
def no_env_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_STORE, raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    make_workspace(root, COMMITMENTS)
    with Store.open(f"sqlite:///{root}/.accord/funnel.db") as store:
        put(
            store,
            events=[
                *(ev(f"n{i}", ams(2026, 11, 2 + i, 10), "sql") for i in range(6)),
                ev("n0", ams(2026, 11, 2, 11), "contacted"),
                ev("n1", ams(2026, 11, 4, 11), "contacted"),  # 25 hours: missed
            ],
        )
    return root


def test_json_shape(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    out = Cli().invoke(main, ["status", str(root), "--at", "2026-11-16T00:00", "--json"])
    assert out.exit_code == 0, out.output
    assert "not in a git repository; judging by the agreements in the working tree" in out.stderr
    data = json.loads(out.stdout)
    assert list(data) == ["as_of", "store", "agreements", "commitments"]
    assert data["as_of"] == "2026-11-15T23:00:00Z"  # no offset: workspace time zone
    assert data["store"]["events"] == 8
    assert data["store"]["url"].startswith("sqlite:///") and data["store"]["url"].endswith(
        "funnel.db"
    )
    assert data["agreements"] == [{"id": "sla", "status": "breached"}]
    volume = data["commitments"][0]
    assert volume == {
        "agreement": "sla",
        "id": "volume",
        "kpi": "sqls",
        "period": {"start": "2026-10-31T23:00:00Z", "end": "2026-11-30T23:00:00Z"},
        "value": 6,
        "target": {"min": 10},
        "status": "on_track",
        "projected": 12.0,
        "leads": None,
    }
    callback = data["commitments"][1]
    # n0 met, n1 took 25 hours, n2..n5 are past their deadline: 1 of 6
    assert (callback["value"], callback["status"], callback["target"]) == (
        pytest.approx(1 / 6),
        "breached",
        {"min": "95%"},
    )
    waiting = data["commitments"][2]
    assert waiting["leads"] == ["n2", "n3", "n4", "n5"] and waiting["period"] is None


def test_check_exit_codes(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    runner = Cli()
    args = ["status", str(root), "--at", "2026-11-16T00:00:00+01:00", "--json"]
    assert runner.invoke(main, args).exit_code == 0
    assert runner.invoke(main, [*args, "--check"]).exit_code == 1
    # in October nothing was breached (no data, and the count was on track... of nothing)
    october = runner.invoke(main, ["status", str(root), "--at", "2026-10-15", "--check"])
    assert october.exit_code == 0, october.output


def test_text_table(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    out = Cli().invoke(
        main, ["status", str(root), "--at", "2026-11-16T00:00"], env={"COLUMNS": "160"}
    )
    assert out.exit_code == 0, out.output
    text = out.output
    assert "As of 2026-11-16 00:00 Europe/Amsterdam" in text
    # the one vocabulary (accord.present): the same words and symbols as the dashboard
    assert "sla — SLA" in text and "✖ breached" in text
    assert "● on track" in text and "≥ 10" in text and "→ 12" in text
    assert "16.7%" in text and "≥ 95% (warn 90%)" in text
    assert "Nov 2026" in text and "open now" in text


def test_missing_store_is_one_line(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    make_workspace(root, COMMITMENTS)
    out = Cli().invoke(main, ["status", str(root)])
    assert out.exit_code == 1
    assert "error: no event store at" in out.output and "accord simulate" in out.output
    assert "Traceback" not in out.output
    assert not (root / ".accord" / "funnel.db").exists()


def test_a_bare_date_means_the_end_of_that_day(tmp_path: Path) -> None:
    """`--at 2026-11-05` includes all of 5 November in Amsterdam (n3 became SQL at 10:00),
    and the JSON says which instant was used."""
    root = workspace(tmp_path)
    out = Cli().invoke(main, ["status", str(root), "--at", "2026-11-05", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["as_of"] == "2026-11-05T22:59:59.999999Z"
    assert data["commitments"][0]["value"] == 4  # n0..n3
    text = Cli().invoke(main, ["status", str(root), "--at", "2026-11-05"], env={"COLUMNS": "160"})
    assert "As of 2026-11-05 23:59 Europe/Amsterdam" in text.output


def test_bad_at_is_a_usage_error(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    out = Cli().invoke(main, ["status", str(root), "--at", "yesterday"])
    assert out.exit_code == 2 and "not an ISO-8601 date or time" in out.output


def git(root: Path, *args: str, when: str | None = None) -> None:
    env = {**os.environ, **author_env(("t", "t@example.com"), when)}
    subprocess.run(["git", "-C", str(root), *args], check=True, env=env, capture_output=True)


def test_at_uses_the_agreements_in_force_then(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    (root / ".gitignore").write_text(".accord/\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "October targets", when="2026-10-01T12:00:00+02:00")
    raised = [{**COMMITMENTS[0], "target": {"min": 20}}, *COMMITMENTS[1:]]
    (root / "agreements" / "sla.yaml").write_text(agreement_yaml(raised))
    git(root, "commit", "-q", "-am", "Raise the volume target", when="2026-11-20T12:00:00+01:00")
    runner = Cli()

    def volume(*extra: str) -> dict[str, object]:
        out = runner.invoke(main, ["status", str(root), "--json", *extra])
        assert out.exit_code == 0, out.output
        commitments: list[dict[str, object]] = json.loads(out.stdout)["commitments"]
        return commitments[0]

    assert volume("--at", "2026-11-16T00:00")["target"] == {"min": 10}  # as committed then
    assert volume("--at", "2026-11-16T00:00", "--current")["target"] == {"min": 20}
    assert volume("--at", "2026-11-16T00:00")["status"] == "on_track"
    assert volume("--at", "2026-11-16T00:00", "--current")["status"] == "at_risk"
    before = runner.invoke(main, ["status", str(root), "--at", "2026-09-01"])
    assert before.exit_code == 1 and "no commit of" in before.output


def test_an_ascii_only_output_gets_question_marks_not_a_traceback(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "COLUMNS": "160"}
    env.pop("ACCORD_STORE", None)
    accord = Path(sys.executable).parent / "accord"
    out = subprocess.run(
        [str(accord), "status", str(root), "--at", "2026-11-16T00:00"],
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert b"Traceback" not in out.stderr
    assert b"As of 2026-11-16 00:00 Europe/Amsterdam ? " in out.stdout  # the '·' it cannot write
