"""The team's language all the way: one workspace built in English, Dutch and Polish.

Every word Accord generates has a label in each language (`site_builder.i18n`), dates
read the language's way, and the theme's own words follow (`<html lang>`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_numbers import fill_store
from wikikit import Html, Repo, article, build, page, workspace_files

from site_builder.i18n import EN, LANGUAGES, labels, plural_form

WORDS = {
    "en": {
        "": ["Relationship stage", "SLA at a glance", "Recent changes", "As of 18 November 2026"],
        "agreements/marketing-sales-sla/": [
            "Commitments", "SQL volume", "Hand-off", "Contact name", "Change history",
            "1 February 2026", "approved by Jan de Boer",
            "SQL volume target raised from 100 to 120",
        ],
        "kpis/": ["Unit: share, in %", "Unit: number of leads", "Used by"],
        "status/": ["Status", "Value", "Target", "at risk"],
        "changelog/": ["Changelog", "5 January 2026", "2 KPIs, 2 glossary terms, 1 ritual"],
        "assessment/": ["Combined stage now", "Where the teams disagree", "What to do next"],
    },
    "nl": {
        "": ["Fase van de samenwerking", "SLA in één oogopslag", "Per 18 november 2026"],
        "agreements/marketing-sales-sla/": [
            "Toezeggingen", "SQL volume", "Overdracht", "Contact name", "Wijzigingsgeschiedenis",
            "1 februari 2026", "goedgekeurd door Jan de Boer",
            "SQL volume: doel verhoogd van 100 naar 120",
        ],
        "kpis/": ["Eenheid: aandeel, in %", "Eenheid: aantal leads", "Gebruikt door"],
        "status/": ["Stand van zaken", "Waarde", "Doel", "in gevaar"],
        "changelog/": ["Wijzigingslogboek", "5 januari 2026", "2 KPI's, 2 begrippen, 1 overleg"],
        "assessment/": ["Gezamenlijke fase nu", "Waar de teams het oneens zijn", "Wat nu te doen"],
    },
    "pl": {
        "": ["Etap współpracy", "SLA w skrócie", "Ostatnie zmiany", "Stan na 18 listopada 2026"],
        "agreements/marketing-sales-sla/": [
            "Zobowiązania", "SQL volume", "Przekazanie", "Contact name", "Historia zmian",
            "1 lutego 2026", "zatwierdzili: Jan de Boer",
            "SQL volume: cel podniesiono z 100 do 120",
        ],
        "kpis/": ["Jednostka: udział, w %", "Jednostka: liczba leadów", "Używany przez"],
        "status/": ["Stan", "Wartość", "Cel", "zagrożone"],
        "changelog/": [
            "Dziennik zmian", "5 stycznia 2026", "2 KPI, 2 pojęcia, 1 spotkanie, 2 zespoły",
        ],
        "assessment/": ["Łączny etap teraz", "Gdzie zespoły się różnią", "Co dalej"],
    },
}  # fmt: skip


@pytest.mark.parametrize("language", ["en", "nl", "pl"])
def test_the_same_workspace_in_each_language(language: str, tmp_path: Path) -> None:
    repo = Repo(tmp_path / language)
    files = workspace_files(language=language)
    repo.write(files)
    repo.commit("Begin", author="Eva Jansen", email="eva@x", date="2026-01-05")
    repo.write(workspace_files(language=language, volume=120))
    repo.commit(
        "Raise the SQL target (#12)\n\nReviewed-by: Jan de Boer <jan@acme.example>",
        author="Eva Jansen",
        email="eva@x",
        date="2026-02-01",
    )
    fill_store(repo.root)
    site = build(repo.root, strict=True)
    for rel, words in WORDS[language].items():
        shown = Html(article(page(site, rel))).text
        for word in words:
            assert word in shown, (language, rel, word)
    assert f'<html lang="{language}"' in page(site, "")


def test_every_label_in_every_language() -> None:
    for language, table in LANGUAGES.items():
        assert set(table) == set(EN), language


def test_dates_and_plurals() -> None:
    day = dt.date(2026, 11, 18)
    assert [labels(lang).date(day) for lang in ("en", "nl", "pl", "de")] == [
        "18 November 2026",
        "18 november 2026",
        "18 listopada 2026",
        "18 November 2026",
    ]
    assert [plural_form("pl", n, 3) for n in (1, 2, 4, 5, 12, 22, 25)] == [0, 1, 1, 2, 2, 1, 2]
    assert labels("pl").count("kinds_Agreement", 22) == "22 umowy"
    assert labels("en").count("kinds_Kpi", 1) == "1 KPI"
