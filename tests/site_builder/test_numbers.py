"""The numbers on the wiki: the Status page, the home page's SLA table and the monthly
reports, read from a real SQLite store once per build, as of the build's clock."""

from __future__ import annotations

import json
from pathlib import Path

from metrics_support import ams, ev, put
from wikikit import Html, Repo, article, build, page

from accord.store import Store


def fill_store(root: Path) -> None:
    """Three SQLs in November 2026 (one hot, called back in time), two in October."""
    store = Store.open(f"sqlite:///{root}/.accord/funnel.db")
    try:
        leads = [
            {"lead_id": f"n{i}", "created_at": ams(2026, 11, 2), "hot": i == 0} for i in range(3)
        ]
        leads += [
            {"lead_id": f"o{i}", "created_at": ams(2026, 10, 2), "hot": False} for i in range(2)
        ]
        events = [ev(f"n{i}", ams(2026, 11, 3 + i, 10), "sql") for i in range(3)]
        events.append(ev("n0", ams(2026, 11, 3, 11), "contacted"))
        events += [ev(f"o{i}", ams(2026, 10, 5 + i, 10), "sql") for i in range(2)]
        put(store, leads, events)
    finally:
        store.close()


def test_status_page_and_home_show_the_numbers_as_of_the_build(repo: Repo) -> None:
    fill_store(repo.root)
    site = build(repo.root, strict=True)
    status = Html(article(page(site, "status/"))).text
    # as of the build's clock (tests/testclock.NOW), in the workspace's zone, and fresh when
    assert "As of 18 November 2026, 11:00" in status
    assert "Newest data: 5 November 2026, 10:00 (6 events in the store)" in status
    # 3 SQLs of 120 with 18 days of 30 gone: the pace says 5, at risk
    assert "SQL volume Marketing → Sales 3 ≥ 120 ▲ at risk (→ 5) November 2026" in status
    assert "Hot lead callback" in status and "100%" in status and "✔ met" in status
    assert "November 2026" in status
    home = Html(article(page(site, ""))).text
    assert "Value" in home and "Status" in home and "≥ 95%" in home
    sla = Html(article(page(site, "agreements/marketing-sales-sla/"))).text
    assert "Result: 3" in sla


def test_monthly_reports_are_pages_when_the_build_reads_a_store(repo: Repo) -> None:
    fill_store(repo.root)
    site = build(repo.root)
    november = Html(article(page(site, "reports/2026-11/"))).text
    assert "Monthly report: November 2026" in november
    assert "SQL volume" in november and "October 2026" in november
    october = Html(article(page(site, "reports/2026-10/"))).text
    assert "Monthly report: October 2026" in october
    assert "Monthly reports" in Html(article(page(site, "reports/"))).text
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    assert any(d["location"].startswith("reports/2026-11/") for d in index["docs"])


def test_without_a_store_the_pages_say_so_and_the_build_passes(repo: Repo) -> None:
    site = build(repo.root, strict=True)  # nothing at .accord/funnel.db
    status = Html(article(page(site, "status/"))).text
    assert "No numbers: the event store could not be read (no event store at" in status
    home = Html(article(page(site, ""))).text
    assert "No numbers:" in home and "SLA at a glance" in home
    assert not (site / "reports").exists()


def test_store_switched_off(repo: Repo) -> None:
    from testclock import NOW, fixed

    from site_builder.build import build_site

    fill_store(repo.root)
    build(repo.root)  # copies mkdocs.yml
    site = build_site(repo.root, now=fixed(NOW), use_store=False)
    status = Html(article(page(site, "status/"))).text
    assert "No numbers: the wiki was built without the event store." in status
    assert not (site / "reports").exists()


def test_the_command_line_chooses_the_store(repo: Repo, tmp_path: Path) -> None:
    from testclock import Cli

    from accord.cli import main

    fill_store(repo.root)
    build(repo.root)  # copies mkdocs.yml
    off = Cli().invoke(main, ["site", "build", str(repo.root), "--no-store"])
    assert off.exit_code == 0, off.output
    assert "No numbers:" in Html(article(page(repo.root / "site", "status/"))).text
    elsewhere = tmp_path / "other"
    elsewhere.mkdir()
    (repo.root / ".accord" / "funnel.db").rename(elsewhere / "funnel.db")
    on = Cli().invoke(
        main, ["site", "build", str(repo.root), "--store", f"sqlite:///{elsewhere}/funnel.db"]
    )
    assert on.exit_code == 0, on.output
    status = Html(article(page(repo.root / "site", "status/"))).text
    assert "(6 events in the store)" in status
    out = tmp_path / "md"
    plain = Cli().invoke(main, ["site", "generate", str(repo.root), "--out", str(out)])
    assert plain.exit_code == 0 and not (out / "status.md").exists()  # no numbers asked for
    with_numbers = Cli().invoke(
        main,
        ["site", "generate", str(repo.root), "--out", str(out),
         "--store", f"sqlite:///{elsewhere}/funnel.db"],
    )  # fmt: skip
    assert with_numbers.exit_code == 0, with_numbers.output
    assert "6 events in the store" in (out / "status.md").read_text("utf-8")
