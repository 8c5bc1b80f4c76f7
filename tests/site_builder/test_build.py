"""The real MkDocs build with the accord plugin, asserted on the built HTML."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
from pathlib import Path

import pytest
from wikikit import REPO_ROOT, Html, Repo, article, build, page, workspace_files

from accord import load_workspace
from accord.history import entity_history
from site_builder import generate_pages
from site_builder.build import SiteError

PAGES = [
    "", "agreements/marketing-sales-sla/", "funnel/", "roles/", "kpis/", "glossary/",
    "rituals/", "teams/", "assessment/", "changelog/",
]  # fmt: skip


def test_every_page_exists_with_history(repo: Repo) -> None:
    site = build(repo.root, strict=True)
    for rel in PAGES:
        assert (site / rel / "index.html").is_file(), rel
    sla = Html(article(page(site, "agreements/marketing-sales-sla/")))
    assert "SQL volume target raised from 100 to 120 a month (+20%)" in sla.text
    assert "Sanne Bakker" in sla.text and "1 February 2026" in sla.text
    # a GitHub merge commit: the number once (as the link), and who merged it
    assert "Merge pull request from acme/raise-volume · PR #12 · merged by Sanne Bakker" in sla.text
    assert "#12 from" not in sla.text
    assert "https://git.example.com/acme/agreements/pull/12" in sla.links()
    assert "https://git.example.com/acme/agreements/pull/3" in sla.links()
    # the SLA was added in its own commit: that entry says so
    assert "Agreement Marketing and Sales service level agreement added" in sla.text
    roles = Html(article(page(site, "roles/")))
    assert "Eva Jansen" in roles.text and "Role Head of Sales added" in roles.text
    # the history list is set aside during Markdown and put back as HTML
    raw = page(site, "agreements/marketing-sales-sla/")
    assert '<ul class="accord-history">' in raw and "accordblock" not in raw


def test_changelog_newest_first_grouped_by_commit(repo: Repo) -> None:
    site = build(repo.root)
    text = Html(article(page(site, "changelog/"))).text
    first, second, third = (
        text.index("Merge pull request from acme/raise-volume"),
        text.index("Add the SLA"),
        text.index("Add the team structure"),
    )
    assert first < second < third
    assert "3 commits changed the agreements." in text


def test_edit_link_points_at_the_yaml(repo: Repo) -> None:
    config = (REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config += "repo_url: https://github.com/acme/agreements\nedit_uri: edit/main/docs/\n"
    (repo.root / "mkdocs.yml").write_text(config, encoding="utf-8")
    (repo.root / "docs").mkdir()
    site = build(repo.root)
    links = Html(page(site, "agreements/marketing-sales-sla/")).links()
    assert "https://github.com/acme/agreements/edit/main/agreements/sla.yaml" in links
    assert (
        "https://github.com/acme/agreements/edit/main/agreements/funnel.yaml"
        in Html(page(site, "funnel/")).links()
    )


def test_entity_followed_across_a_rename(repo: Repo) -> None:
    (repo.root / "agreements/sales").mkdir()
    repo.git("mv", "agreements/sla.yaml", "agreements/sales/service-levels.yaml")
    repo.commit("Move the SLA into sales/", author="Jan de Boer", email="jan@x", date="2026-03-01")
    text = Html(article(page(build(repo.root), "agreements/marketing-sales-sla/"))).text
    assert "SQL volume target raised from 100 to 120 a month (+20%)" in text
    # the first commit, before the move
    assert "Agreement Marketing and Sales service level agreement added" in text


def test_shallow_clone_warns_and_fails_strict(repo: Repo, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True
    )
    with pytest.raises(SiteError):
        build(clone, strict=True)
    site = build(clone)
    text = Html(article(page(site, "agreements/marketing-sales-sla/"))).text
    assert "History incomplete" in text and "fetch-depth: 0" in text


def test_shallow_clone_warning_is_logged_once(
    repo: Repo, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True
    )
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        build(clone)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len([w for w in warnings if "fetch-depth: 0" in w.getMessage()]) == 1


def test_no_repository_builds_without_history(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = tmp_path / "plain"
    for rel, content in workspace_files().items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content, encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        site = build(root, strict=True)
    text = Html(article(page(site, "agreements/marketing-sales-sla/"))).text
    assert "History unavailable" in text and "not in a git repository" in text
    assert any("history unavailable" in r.getMessage() for r in caplog.records)


def test_strict_history_option_fails_without_repository(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = tmp_path / "plain"
    for rel, content in workspace_files().items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content, encoding="utf-8")
    config = (REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        config.replace("  - accord\n", "  - accord:\n      strict_history: true\n"),
        encoding="utf-8",
    )
    (root / "docs").mkdir()
    with pytest.raises(SiteError):
        build(root)
    assert any("history unavailable" in r.getMessage() for r in caplog.records)


def test_invalid_agreements_are_a_plugin_error(
    repo: Repo, caplog: pytest.LogCaptureFixture
) -> None:
    (repo.root / "agreements/broken.yaml").write_text("kind: Nonsense\nid: x\n", encoding="utf-8")
    with pytest.raises(SiteError):
        build(repo.root)
    messages = [r.getMessage() for r in caplog.records]
    assert any(
        m.startswith("Error reading agreements") and "broken.yaml:1:7" in m for m in messages
    )


def test_dutch_site(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "nl")
    repo.write(workspace_files(language="nl", review_by="2026-01-31"))
    repo.commit("Begin", author="Eva Jansen", email="eva@x", date="2026-01-05")
    site = build(repo.root)
    text = Html(article(page(site, "agreements/marketing-sales-sla/"))).text
    assert "Toezeggingen" in text and "Wijzigingsgeschiedenis" in text
    assert "Herziening te laat" in text  # review_by 2026-01-31 has passed


def test_review_overdue_badge_in_html(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "w")
    repo.write(workspace_files(review_by="2026-01-31"))
    repo.commit("Begin", author="Eva Jansen", email="eva@x", date="2026-01-05")
    html = Html(article(page(build(repo.root), "agreements/marketing-sales-sla/")))
    badges = [
        a for t, a in html.tags if t == "span" and "accord-badge--overdue" in (a["class"] or "")
    ]
    assert badges and "Review overdue" in html.text


def test_search_index_holds_every_generated_page(repo: Repo) -> None:
    site = build(repo.root)
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    locations = {d["location"].split("#")[0] for d in index["docs"]}
    for rel in PAGES:
        assert rel in locations, rel
    texts = " ".join(d["text"] for d in index["docs"])
    assert "verkoopklare lead" in texts


def test_history_lists_stay_out_of_the_search_index(repo: Repo) -> None:
    site = build(repo.root)
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    sla = " ".join(
        d["title"] + " " + d["text"]
        for d in index["docs"]
        if d["location"].startswith("agreements/marketing-sales-sla/")
    )
    # the agreement's own text is indexed, its change-history list is not
    assert "Change history" in sla and "SQL volume" in sla
    assert "Sanne Bakker" not in sla and "from 100 to 120" not in sla
    # but the history list is on the page, sanitized, where it belongs
    raw = page(site, "agreements/marketing-sales-sla/")
    assert raw.index('id="change-history"') < raw.index('<ul class="accord-history">')
    assert "Sanne Bakker" in raw and "<!--accordblock" not in raw


def test_hand_written_index_is_the_home_intro(repo: Repo) -> None:
    (repo.root / "docs").mkdir()
    (repo.root / "docs/index.md").write_text("Welcome to **our** wiki.\n", encoding="utf-8")
    shutil.copy(REPO_ROOT / "mkdocs.yml", repo.root / "mkdocs.yml")
    text = Html(article(page(build(repo.root), ""))).text
    assert "Welcome to our wiki." in text and "SLA at a glance" in text


def test_demo_workspace_builds_strictly(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    shutil.copytree(REPO_ROOT / "agreements", demo / "agreements")
    shutil.copy(REPO_ROOT / "mkdocs.yml", demo / "mkdocs.yml")
    shutil.copytree(REPO_ROOT / "docs", demo / "docs")
    repo = Repo(demo)
    repo.commit("Demo agreements", author="Demo", email="demo@x", date="2026-01-01")
    site = build(demo, strict=True)
    ws = load_workspace(demo)
    for ident in ws.agreements:
        assert (site / "agreements" / ident / "index.html").is_file()
    pages = generate_pages(ws, entity_history(demo), today=ws.latest_assessment().date)  # type: ignore[union-attr]
    assert len(pages) == 9 + len(ws.agreements)


def test_changelog_keeps_older_commits_as_html(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    import site_builder.pages as pages_module

    monkeypatch.setattr(pages_module, "CHANGELOG_LIMIT", 1)
    raw = page(build(repo.root), "changelog/")
    text = Html(article(raw)).text
    assert text.index("Merge pull request from acme") < text.index("Earlier changes")
    assert text.index("Earlier changes") < text.index("Add the SLA · PR #3")
    assert "Add the team structure" in text and "accordblock" not in raw
    assert "https://git.example.com/acme/agreements/pull/3" in Html(article(raw)).links()


@pytest.mark.parametrize(
    ("language", "search"), [("nl", "Zoeken"), ("pl", "Szukaj"), ("en", "Search")]
)
def test_the_theme_speaks_the_workspace_language(
    language: str, search: str, tmp_path: Path
) -> None:
    root = tmp_path / language
    for rel, content in workspace_files(language=language).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    site = build(root, strict=True)
    page = (site / "index.html").read_text(encoding="utf-8")
    assert f'<html lang="{language}"' in page
    assert f'placeholder="{search}"' in page
