"""`StoreSource` computes what a question needs, in order, and re-uses what an agreements
reload leaves unchanged (`tui.model_keys`); trends end with the evaluation's values."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_support import NOW, SLA, fill_store, write_workspace

from accord import metrics
from accord.domain.workspace import Workspace
from accord.loading.validate import load_workspace
from accord.store import Store
from tui import data
from tui.data import Snapshot, StoreSource
from tui.model_keys import model_keys
from tui.trends import TREND_PERIODS, trend_points

CALLBACK = ("marketing-sales-sla", "hot-lead-callback")
WAITING = ("marketing-sales-sla", "no-hot-waiting")


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'funnel.db'}"
    fill_store(url)
    return url


def load(root: Path, old: str | None = None, new: str | None = None) -> Workspace:
    """The test workspace, with `old` replaced by `new` in its SLA."""
    write_workspace(root)
    if old is not None and new is not None:
        assert old in SLA
        (root / "agreements" / "sla.yaml").write_text(SLA.replace(old, new))
    return load_workspace(root)


def everything(source: StoreSource, ws: Workspace) -> Snapshot:
    """A complete snapshot: the evaluation, the funnel, the attention list and trends."""
    snap = source.fetch(ws, at=None, now=NOW, per="month")
    source.fetch_funnel(ws, snap, at=None, now=NOW)
    source.fetch_slow(ws, snap, at=None, now=NOW)
    return source.fetch(ws, at=None, now=NOW, per="month")


class TestModelKeys:
    def test_a_new_title_changes_no_number(self, tmp_path: Path) -> None:
        before = model_keys(load(tmp_path / "a"))
        after = model_keys(
            load(tmp_path / "b", "title: Marketing and Sales SLA", "title: The new SLA")
        )
        assert before == after

    def test_a_target_changes_its_commitment_only(self, tmp_path: Path) -> None:
        before = model_keys(load(tmp_path / "a"))
        after = model_keys(load(tmp_path / "b", 'warn: "90%"', 'warn: "85%"'))
        changed = [k for k in before.commitments if before.commitments[k] != after.commitments[k]]
        assert changed == [CALLBACK]
        assert before.evaluation != after.evaluation
        assert before.attention == after.attention and before.funnel == after.funnel

    def test_an_open_commitment_changes_the_attention_key(self, tmp_path: Path) -> None:
        before = model_keys(load(tmp_path / "a"))
        after = model_keys(load(tmp_path / "b", "target: {max: 0}", "target: {max: 1}"))
        assert before.attention != after.attention


class TestTrendPoints:
    def test_the_engines_trend_with_the_evaluations_current_value(
        self, tmp_path: Path, url: str
    ) -> None:
        ws = load(tmp_path / "ws")
        store = Store.open(url, readonly=True)
        try:
            evaluation = metrics.evaluate(ws, store, NOW)
            for ref in ws.commitments():
                result = next(r for r in evaluation.commitments if (r.agreement, r.id) == ref.key)
                expected = metrics.trend(ws, store, ref, periods=TREND_PERIODS, at=NOW)
                assert list(trend_points(ws, store, ref, result, NOW)) == expected, ref.key
                assert list(trend_points(ws, store, ref, None, NOW)) == expected
        finally:
            store.close()


class TestSlowParts:
    def test_attention_first_then_trends_as_they_come(self, tmp_path: Path, url: str) -> None:
        ws = load(tmp_path / "ws")
        source = StoreSource(url)
        parts: list[Snapshot] = []
        try:
            snap = source.fetch(ws, at=None, now=NOW, per="month")
            assert source.slow_due and not snap.attention_known and not snap.trends_known
            done = source.fetch_slow(ws, snap, at=None, now=NOW, on_part=parts.append)
        finally:
            source.close()
        assert parts and parts[0].attention_known and not parts[0].trends_known
        assert done.attention_known and done.trends_known
        assert set(done.trends) == {ref.key for ref in ws.commitments()}

    def test_cancelled_keeps_what_is_done(self, tmp_path: Path, url: str) -> None:
        ws = load(tmp_path / "ws")
        source = StoreSource(url)
        try:
            snap = source.fetch(ws, at=None, now=NOW, per="month")
            done = source.fetch_slow(ws, snap, at=None, now=NOW, cancelled=lambda: True)
            assert done.attention_known and not done.trends_known and not done.trends
            again = source.fetch(ws, at=None, now=NOW, per="month")
            assert source.slow_due and again.attention_known and not again.trends_known
        finally:
            source.close()


class TestReload:
    def test_unchanged_numbers_keep_everything(self, tmp_path: Path, url: str) -> None:
        ws = load(tmp_path / "a")
        source = StoreSource(url)
        try:
            first = everything(source, ws)
            same = load(tmp_path / "b", "title: Marketing and Sales SLA", "title: The new SLA")
            partial: list[Snapshot] = []
            snap = source.fetch(same, at=None, now=NOW, per="month", on_partial=partial.append)
        finally:
            source.close()
        assert partial == []  # no evaluation from scratch
        assert snap.funnel_known and snap.attention_known and snap.trends_known
        assert not source.slow_due and not source.funnel_due
        assert snap.funnel == first.funnel and snap.attention == first.attention

    def test_a_changed_commitment_is_all_that_is_computed_again(
        self, tmp_path: Path, url: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        ws = load(tmp_path / "a")
        source = StoreSource(url)
        computed: list[tuple[str, str]] = []

        def counted(ws: Workspace, store: object, ref: object, *args: object) -> object:
            computed.append(ref.key)  # type: ignore[attr-defined]
            return trend_points(ws, store, ref, *args)  # type: ignore[arg-type]

        evaluated: list[int] = []  # commitments per evaluation from scratch
        full = metrics.Evaluator.full

        def counted_full(self: metrics.Evaluator, *args: object, **kw: object) -> object:
            evaluated.append(len(self.ws.commitments()))
            return full(self, *args, **kw)  # type: ignore[arg-type]

        monkeypatch.setattr(data, "trend_points", counted)
        monkeypatch.setattr(metrics.Evaluator, "full", counted_full)
        try:
            everything(source, ws)
            computed.clear()
            evaluated.clear()
            edited = load(tmp_path / "b", 'warn: "90%"', 'warn: "85%"')
            partial: list[Snapshot] = []
            snap = source.fetch(edited, at=None, now=NOW, per="month", on_partial=partial.append)
            assert evaluated == [1]  # the changed commitment only
            # the others first (as last evaluated), then the changed one
            assert [len(p.pending) for p in partial] == [3, 2, 1, 0]
            assert CALLBACK in partial[-2].pending
            # the funnel and the attention list are known from the first partial result
            assert partial[0].funnel_known and partial[0].attention_known
            assert not partial[0].trends_known and CALLBACK not in partial[0].trends
            assert not source.funnel_due and source.slow_due
            done = source.fetch_slow(edited, snap, at=None, now=NOW)
            store = Store.open(url, readonly=True)
            try:
                scratch = metrics.evaluate(edited, store, NOW)
            finally:
                store.close()
        finally:
            source.close()
        assert computed == [CALLBACK]
        assert done.trends_known and WAITING in done.trends
        assert snap.evaluation.commitments == scratch.commitments
        assert snap.evaluation.agreements == scratch.agreements

    def test_edits_one_after_another_give_what_a_full_evaluation_gives(
        self, tmp_path: Path, url: str
    ) -> None:
        source = StoreSource(url)
        store = Store.open(url, readonly=True)
        try:
            source.fetch(load(tmp_path / "a"), at=None, now=NOW, per="month")
            one = load(tmp_path / "b", 'warn: "90%"', 'warn: "85%"')
            source.fetch(one, at=None, now=NOW, per="month")
            write_workspace(tmp_path / "c")
            sla = tmp_path / "c" / "agreements" / "sla.yaml"
            text = SLA.replace('warn: "90%"', 'warn: "85%"')
            text = text.replace("target: {max: 0}", "target: {max: 2}")
            sla.write_text(
                text.split("  - id: sql-volume")[0] + "  - id:" + text.split("  - id:", 2)[2]
            )
            two = load_workspace(tmp_path / "c")  # no-hot-waiting changed, sql-volume gone
            assert ("marketing-sales-sla", "sql-volume") not in {r.key for r in two.commitments()}
            for ws in (two, two):  # the reload, then a refresh
                snap = source.fetch(ws, at=None, now=NOW, per="month")
                scratch = metrics.evaluate(ws, store, NOW)
                assert snap.evaluation.commitments == scratch.commitments
                assert snap.evaluation.agreements == scratch.agreements
        finally:
            store.close()
            source.close()
