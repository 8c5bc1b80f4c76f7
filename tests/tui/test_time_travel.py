"""Time travel judges by the agreements in force then (docs/reference/metrics.md): the workspace as
committed at the as-of instant, in a real git repository."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from gitrepo import GitRepo
from test_app import SIZE, cell_text, header, started, wait_for
from textual.widgets import Input
from tui_support import SLA, fill_store, fixed_clock, write_workspace

from accord import HistoryError
from tui.app import make_app
from tui.asof import WORKING_TREE, agreements_at, commit_at
from tui.widgets.banner import Banner
from tui.widgets.commitments import CommitmentTable

WHO = ("Mia Jansen", "mia@example.com")
ROW = "c:marketing-sales-sla/sql-volume"


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """A workspace whose SQL target went from 120 (1 October) to 150 (10 November)."""
    repo = GitRepo(tmp_path / "ws")
    write_workspace(repo.root)
    repo.git("add", "-A")
    repo.run_as(["commit", "-q", "-m", "Agreements"], WHO, "2026-10-01T12:00:00+00:00")
    (repo.root / "agreements" / "sla.yaml").write_text(
        SLA.replace("target: {min: 120}", "target: {min: 150}")
    )
    repo.git("add", "-A")
    repo.run_as(["commit", "-q", "-m", "Raise the SQL target"], WHO, "2026-11-10T12:00:00+00:00")
    return repo


def target(app: object) -> str:
    from tui.app import AccordApp

    assert isinstance(app, AccordApp)
    return cell_text(app.main_screen().query_one(CommitmentTable), ROW, "target")


class TestAgreementsAt:
    def test_the_commit_then_and_its_label(self, repo: GitRepo) -> None:
        at = dt.datetime(2026, 10, 15, tzinfo=dt.UTC)
        ws, label, note = agreements_at(repo.root, at)
        sha = repo.git("rev-parse", "--short=8", "HEAD~1")
        subject = repo.git("log", "-1", "--format=%s", "HEAD~1")
        assert len(sha) >= 7  # the short hash as git gives it, never cut to 6
        assert label == f"agreements as committed 2026-10-01 {sha} “{subject}”"
        assert note is None
        bounds = next(r.bounds for r in ws.commitments() if r.commitment.id == "sql-volume")
        assert bounds.min == 120
        assert commit_at(repo.root, dt.datetime(2026, 9, 1, tzinfo=dt.UTC)) is None

    def test_older_than_every_commit_raises(self, repo: GitRepo) -> None:
        with pytest.raises(HistoryError, match="no commit"):
            agreements_at(repo.root, dt.datetime(2026, 9, 1, tzinfo=dt.UTC))


class TestTimeTravel:
    async def test_t_judges_by_the_target_committed_then(
        self, repo: GitRepo, tmp_path: Path
    ) -> None:
        url = f"sqlite:///{tmp_path / 'funnel.db'}"
        fill_store(url)
        app = make_app(repo.root, store_url=url, clock=fixed_clock, refresh=60.0)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            assert "150" in target(app)
            assert header(app, "agreements") == WORKING_TREE
            # older than every commit: a clear message, the live view stays
            await pilot.press("t")
            app.screen.query_one(Input).value = "2026-09-01"
            await pilot.press("enter")
            banner = app.main_screen().query_one("#reload-banner", Banner)
            await wait_for(pilot, lambda: "Cannot travel to 2026-09-01" in banner.message)
            assert "no commit" in banner.message and "still showing live" in banner.message
            assert app.at is None and "150" in target(app)
            # October: the agreements as committed on 1 October
            await pilot.press("t")
            app.screen.query_one(Input).value = "2026-10-15"
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.at is not None)
            await wait_for(pilot, lambda: "120" in target(app))
            sha = repo.git("rev-parse", "--short=8", "HEAD~1")
            subject = repo.git("log", "-1", "--format=%s", "HEAD~1")
            assert len(sha) >= 7
            assert header(app, "agreements") == (
                f"agreements as committed 2026-10-01 {sha} “{subject}”"
            )
            # the instant judged, no live marker, and the newest event of then: the
            # store's events all come later (from 4 November), so there was none
            assert header(app, "asof").startswith("TIME TRAVEL as of 2026-10-15 23:59")
            await wait_for(pilot, lambda: "no events then" in header(app, "freshness"))
            assert header(app, "state") == "◷ time travel"
            assert "live" not in header(app, "state") + header(app, "freshness")
            assert banner.message == ""
            # back to live: the working tree again
            await pilot.press("t")
            app.screen.query_one(Input).value = "now"
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.at is None and "150" in target(app))
            assert header(app, "agreements") == WORKING_TREE

    async def test_at_on_start_and_live_reloads_while_travelling(
        self, repo: GitRepo, tmp_path: Path
    ) -> None:
        url = f"sqlite:///{tmp_path / 'funnel.db'}"
        fill_store(url)
        at = dt.datetime(2026, 10, 15, tzinfo=dt.UTC)
        app = make_app(repo.root, store_url=url, clock=fixed_clock, refresh=60.0, at=at)
        async with app.run_test(size=SIZE) as pilot:
            main = await started(pilot)
            assert "120" in target(app)
            assert header(app, "agreements").startswith("agreements as committed 2026-10-01")
            # an edit to the working tree is picked up, but time travel keeps the old ones
            sla = repo.root / "agreements" / "sla.yaml"
            sla.write_text(SLA.replace("target: {min: 120}", "target: {min: 170}") + "\n")
            await wait_for(
                pilot, lambda: any(r.bounds.min == 170 for r in app.live_ws.commitments()), 8
            )
            assert "120" in target(app)
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.at is None and "170" in target(app))
            assert main.snapshot is not None
