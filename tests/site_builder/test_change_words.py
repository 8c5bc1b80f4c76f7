"""The wiki's change history speaks the domain's words of `accord diff`, in the
workspace's language, and keeps every value from YAML escaped."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from wikikit import Html, Repo, article, build, page, workspace_files

from accord import load_workspace
from accord.history import entity_history
from site_builder import generate_pages

HOSTILE = "<script>alert(1)</script> [x](javascript:alert(2)) {: onclick=alert(3) }"


def _repo(root: Path, language: str) -> Repo:
    repo = Repo(root)
    repo.write(workspace_files(language=language))
    repo.commit("Start", author="Eva Jansen", email="eva@x", date="2026-01-05")
    files = workspace_files(language=language, volume=120, review_by="2027-06-30")
    files["agreements/roles.yaml"] = files["agreements/roles.yaml"].replace(
        "holders: [jan]", "holders: [sanne]"
    )
    files["agreements/funnel.yaml"] = files["agreements/funnel.yaml"].replace(
        '"Visited the pricing page twice"]', f'"Visited the pricing page twice", "{HOSTILE}"]'
    )
    repo.write(files)
    repo.commit("Raise the target (#7)", author="Sanne Bakker", email="s@x", date="2026-02-01")
    return repo


def _pages(repo: Repo, *paths: str) -> list[str]:
    ws = load_workspace(repo.root)
    pages = generate_pages(ws, entity_history(repo.root), today=dt.date(2026, 11, 18))
    return [html.unescape(pages[p]) for p in paths]


PAGES = ("agreements/marketing-sales-sla.md", "roles.md", "changelog.md")


def test_history_in_english(tmp_path: Path) -> None:
    sla, roles, log = _pages(_repo(tmp_path / "ws", "en"), *PAGES)
    assert "SQL volume target raised from 100 to 120 a month (+20%)" in sla
    assert "Review date moved to 2027-06-30 (was 2027-01-01)" in sla
    assert "Holder Jan de Boer → Sanne Bakker" in roles
    assert "Role Head of Sales" in log and "Holder Jan de Boer → Sanne Bakker" in log


def test_history_in_dutch(tmp_path: Path) -> None:
    sla, roles, log = _pages(_repo(tmp_path / "ws", "nl"), *PAGES)
    assert "SQL volume: doel verhoogd van 100 naar 120 per maand (+20%)" in sla
    assert "Herzieningsdatum verschoven naar 2027-06-30 (was 2027-01-01)" in sla
    assert "Rolhouder Jan de Boer → Sanne Bakker" in roles
    assert "Rol Head of Sales" in log and "Afspraak Marketing and Sales" in log


def test_changed_values_stay_text(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "ws", "en")
    site = build(repo.root)
    for rel in ("funnel/", "changelog/"):
        raw = page(site, rel)
        assert "<script>alert" not in raw
        shown = Html(article(raw))
        assert not any(name.startswith("on") for _, attrs in shown.tags for name in attrs)
        assert f"Hard criterion added: “{HOSTILE}”" in shown.text, rel
        assert not any(h.startswith("javascript") for h in shown.links())
