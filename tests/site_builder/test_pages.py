"""The page generator without MkDocs: pages, words, labels, escaping."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from wikikit import Repo, workspace_files

from accord import load_workspace
from accord.history import entity_history
from site_builder import describe_measure, generate_pages
from site_builder._render import link, text

TODAY = dt.date(2026, 11, 1)
EXPECTED = {
    "index.md", "agreements/marketing-sales-sla.md", "funnel.md", "roles.md", "kpis.md",
    "glossary.md", "rituals.md", "teams.md", "assessment.md", "changelog.md",
}  # fmt: skip


def _workspace(tmp_path: Path, **kw: object) -> Path:
    root = tmp_path / "plain"
    for rel, content in workspace_files(**kw).items():  # type: ignore[arg-type]
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root


def test_every_page_is_generated_without_history(tmp_path: Path) -> None:
    ws = load_workspace(_workspace(tmp_path))
    pages = generate_pages(ws, None, today=TODAY)
    assert set(pages) == EXPECTED
    assert all(p.startswith("---\nrender_macros: false\n---\n") for p in pages.values())
    assert "History unavailable" in pages["agreements/marketing-sales-sla.md"]


def test_describe_measure_in_plain_words(tmp_path: Path) -> None:
    ws = load_workspace(_workspace(tmp_path))
    assert describe_measure(ws.kpis["hot-lead-response"], ws) == (
        "Share of hot leads (hot = true) contacted within 4 working hours of becoming SQL"
    )
    assert describe_measure(ws.kpis["sqls-delivered"], ws) == (
        "Number of leads that became SQL in the period"
    )


def test_agreement_page_content(tmp_path: Path) -> None:
    ws = load_workspace(_workspace(tmp_path, review_by="2026-06-30"))
    md = generate_pages(ws, None, today=TODAY)["agreements/marketing-sales-sla.md"]
    assert 'accord-badge--overdue">Review overdue</span>' in md
    assert "≥ 95% (Warning level: 90%)" in md
    assert "[Head of Sales](../roles.md#role-head-of-sales) (Jan de Boer)" in md
    assert "\n- Contact name\n" in md  # hand-off fields by their human names
    assert "per calendar month" in md


def test_review_not_overdue_has_no_badge(tmp_path: Path) -> None:
    ws = load_workspace(_workspace(tmp_path, review_by="2027-06-30"))
    md = generate_pages(ws, None, today=TODAY)["agreements/marketing-sales-sla.md"]
    assert "accord-badge--overdue" not in md


def test_dutch_labels(tmp_path: Path) -> None:
    ws = load_workspace(_workspace(tmp_path, language="nl"))
    pages = generate_pages(ws, None, today=TODAY)
    assert "## Toezeggingen" in pages["agreements/marketing-sales-sla.md"]
    assert "# Woordenlijst" in pages["glossary.md"]
    assert "## Wijzigingsgeschiedenis" in pages["roles.md"]


def test_glossary_terms_linked_on_first_mention(tmp_path: Path) -> None:
    ws = load_workspace(_workspace(tmp_path))
    funnel = generate_pages(ws, None, today=TODAY)["funnel.md"]
    assert funnel.count("](glossary.md#term-sql)") == 1
    assert '<a id="term-sql"></a>' in generate_pages(ws, None, today=TODAY)["glossary.md"]


def test_not_yet_committed(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "ws")
    files = workspace_files()
    repo.write({k: v for k, v in files.items() if k != "agreements/sla.yaml"})
    repo.commit("Start", author="A", email="a@x", date="2026-01-01")
    repo.write({"agreements/sla.yaml": files["agreements/sla.yaml"]})
    ws = load_workspace(repo.root)
    md = generate_pages(ws, entity_history(repo.root), today=TODAY)
    assert "Not yet committed." in md["agreements/marketing-sales-sla.md"]
    assert "not yet committed" in md["agreements/marketing-sales-sla.md"]  # the file note


def test_text_neutralises_markdown_and_html() -> None:
    for raw in ("<script>", "[x](javascript:alert(1))", "{ onclick=alert(1) }", "{{ x }}", "a|b"):
        out = text(raw)
        assert not any(ch in out for ch in "<>[](){}|"), out
    assert text("- item").startswith("&#45;")
    assert text("1. item").startswith("&#49;")
    assert link("x", "javascript:alert(1)") == "x"
    assert link("x", "https://example.com/a b") == "x"
    assert link("x", "https://example.com/pull/1") == "[x](https://example.com/pull/1)"


def test_long_histories_show_the_newest_and_count_the_rest(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    import site_builder.pages as pages_module

    monkeypatch.setattr(pages_module, "HISTORY_LIMIT", 1)
    monkeypatch.setattr(pages_module, "CHANGELOG_LIMIT", 2)
    md = generate_pages(load_workspace(repo.root), entity_history(repo.root), today=TODAY)
    sla = md["agreements/marketing-sales-sla.md"]
    assert "Merge pull request from acme/raise-volume" in sla and "Add the SLA" not in sla
    assert "1 older changes are not listed here" in sla
    assert "see the [changelog](../changelog.md), or run" in sla
    assert "<code>git log -- agreements/sla.yaml</code>" in sla
    # one entity: a raw HTML list with absolute links only
    assert '<ul class="accord-history">' in sla
    assert '<a href="https://git.example.com/acme/agreements/pull/12">PR &#35;12</a>' in sla
    # the changelog keeps every commit: the older ones in one HTML block, without page links
    log = md["changelog.md"]
    assert "3 commits changed the agreements." in log
    newest, _, earlier = log.partition("## Earlier changes")
    assert "Add the SLA" in newest and "Add the team structure" not in newest
    first = '\n\n<ul class="accord-history">\n<li><strong>5 January 2026</strong>'
    assert earlier.startswith(first)
    # the first commit added every document: one line counts them instead of listing them
    assert "Add the team structure" in earlier and "<li>Team Sales" not in earlier
    assert "2 KPIs, 2 glossary terms, 1 ritual, 2 teams" in earlier
    assert "older changes" not in log


def test_short_histories_have_no_older_note(repo: Repo) -> None:
    md = generate_pages(load_workspace(repo.root), entity_history(repo.root), today=TODAY)
    assert not any("older changes" in page for page in md.values())
    assert "Add the team structure" in md["changelog.md"]


def test_the_raci_matrix_has_roles_down_and_stages_across(tmp_path: Path) -> None:
    ws = load_workspace(_workspace(tmp_path))
    page = generate_pages(ws, None, today=TODAY)["roles.md"]
    matrix = page.split("## RACI matrix", 1)[1].split("\n\n", 2)[2].split("\n\n", 1)[0]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in matrix.splitlines()]
    # each stage by its short name: its glossary term (SQL), else its name
    mql, sql = (link(text(n), f"funnel.md#stage-{i}") for i, n in (
        ("mql", "Marketing Qualified Lead"), ("sql", "SQL")))  # fmt: skip
    assert rows[0] == ["Role", mql, sql]
    body = {row[0]: row[1:] for row in rows[2:]}
    assert body == {  # every role with a letter somewhere, in the roles' order; no empty row
        link("Head of Marketing", "#role-head-of-marketing"): ["RA", "I"],
        link("Head of Sales", "#role-head-of-sales"): ["", "A"],
        link("Sales Development Representative", "#role-sdr"): ["", "R"],
    }


def test_the_sla_at_a_glance_names_each_agreement_once(tmp_path: Path) -> None:
    ws = load_workspace(_workspace(tmp_path))
    home = generate_pages(ws, None, today=TODAY)["index.md"]
    glance = home.split("## SLA at a glance", 1)[1].split("\n## ", 1)[0]
    title = link(
        text(ws.agreements["marketing-sales-sla"].title), "agreements/marketing-sales-sla.md"
    )
    assert glance.count(title) == 1 and f"### {title}" in glance
    rows = [line for line in glance.splitlines() if line.startswith("| ")]
    assert rows[0] == "| Commitment | By → to | Target | Period |"
    assert len(rows) == 1 + len(ws.commitments(active_only=True))


def test_code_spans_in_yaml_prose_become_code_and_stay_inert(tmp_path: Path) -> None:
    from site_builder._pages_common import Terms

    ws = load_workspace(_workspace(tmp_path))
    terms = Terms.of(ws, "kpis.md")
    assert terms.block("An event of type `churned` is logged.") == (
        "An event of type <code>churned</code> is logged."
    )
    hostile = terms.block("`<script>x</script>` or `[a](javascript:x)` and a lone ` tick")
    assert hostile == (
        "<code>&#60;script&#62;x&#60;/script&#62;</code> or "
        "<code>&#91;a&#93;&#40;javascript:x&#41;</code> and a lone &#96; tick"
    )
