"""`accord demo`: a year of git history whose every version validates, plus funnel data."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from testclock import Cli

from accord.cli import main
from accord.history import entity_history
from accord.loading.validate import check_workspace
from accord.simulation.demo import HISTORY, MARKER, prepare_target, write_history

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def demo_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    write_history(root, today=TODAY)
    return root


def _revisions(root: Path) -> list[str]:
    out = subprocess.run(
        ["git", "-C", str(root), "rev-list", "--reverse", "HEAD"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return out.stdout.split()


def _files_at(root: Path, rev: str) -> dict[str, bytes]:
    names = subprocess.run(
        ["git", "-C", str(root), "ls-tree", "-r", "--name-only", rev, "agreements"],
        check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    return {
        name: subprocess.run(
            ["git", "-C", str(root), "show", f"{rev}:{name}"], check=True, capture_output=True
        ).stdout
        for name in names
    }


def test_every_commit_of_the_demo_validates(demo_repo: Path) -> None:
    revs = _revisions(demo_repo)
    assert len(revs) == len(HISTORY) + 1
    for rev in revs:
        result = check_workspace(demo_repo, today=TODAY, files=_files_at(demo_repo, rev))
        assert result.errors == [], (rev, [p.format() for p in result.errors])


def test_demo_history_has_field_level_changes_and_follows_the_move(demo_repo: Path) -> None:
    history = entity_history(demo_repo)
    assert history.available and not history.shallow
    sla = history.for_entity(("Agreement", "marketing-sales-sla"))
    described = [c.describe() for _, changes in sla for c in changes]
    assert "commitments[sql-volume].target.min: 100 → 120" in described
    kpi = history.for_entity(("Kpi", "hot-lead-response"))
    subjects = [commit.subject for commit, _ in kpi]
    # the KPI moved file in #14 and was tightened in #5: both reach its history
    assert "Tighten hot-lead callback to 4 working hours (#5)" in subjects
    assert any(commit.pr == "5" for commit, _ in kpi)
    dates = [commit.date.date() for commit in history.commits]
    assert dates == sorted(dates, reverse=True)
    assert dates[-1] == TODAY - dt.timedelta(days=365)


def test_the_year_is_told_as_pull_requests_by_both_teams(demo_repo: Path) -> None:
    log = subprocess.run(
        ["git", "-C", str(demo_repo), "log", "--reverse", "--format=%an%x1f%s%x1f%b%x1e"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    commits = [entry.strip("\n").split("\x1f") for entry in log.split("\x1e") if entry.strip()]
    prs = [(author, subject, body) for author, subject, body in commits if "(#" in subject]
    assert len(prs) >= 12 and len(prs) == len(commits) - 1
    assert len({author for author, _, _ in prs}) >= 6
    for author, subject, body in prs:  # approved by someone other than the author
        reviewers = [line for line in body.splitlines() if line.startswith("Reviewed-by: ")]
        assert reviewers and all(author not in line for line in reviewers), subject
    stats = subprocess.run(
        ["git", "-C", str(demo_repo), "log", "--format=%x1e", "--shortstat"],
        check=True, capture_output=True, text=True,
    ).stdout.split("\x1e")[1:]  # fmt: skip
    assert all("changed" in stat for stat in stats)  # no pull request is empty
    history = entity_history(demo_repo)
    role = history.for_entity(("Role", "sales-liaison"))
    described = [c.describe() for _, changes in role for c in changes]
    assert described == ["holders: [lucas] → [noor]", "Role sales-liaison added"]
    sla = history.for_entity(("Agreement", "marketing-sales-sla"))
    assert "review_by: 2026-12-31 → 2027-01-31" in [c.describe() for _, cs in sla for c in cs]


def test_prepare_target_refuses_a_directory_with_other_work(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(Exception, match="is not an Accord demo"):
        prepare_target(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_accord_demo_builds_data_without_a_terminal(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    out = Cli().invoke(main, ["demo", str(target), "--days", "3", "--no-site"])
    assert out.exit_code == 0, out.output
    assert (target / MARKER).is_file()
    assert "funnel data:" in out.output and "Not a terminal: skipping the dashboard" in out.output
    status = Cli().invoke(main, ["status", str(target), "--json"])
    assert status.exit_code == 0, status.output
    assert '"events": 0' not in status.stdout
    # a second run replaces the earlier demo instead of refusing
    again = Cli().invoke(main, ["demo", str(target), "--days", "1", "--no-site", "--no-dash"])
    assert again.exit_code == 0, again.output
