"""The words of a change (`accord.present._changes`): one line per field change, in the
domain's words, in English and Dutch, with the plain words where none fit."""

from __future__ import annotations

from typing import Any

import pytest

from accord.history import FieldChange
from accord.history.diff import diff_entity
from accord.present import ChangeWords, Names

ENTITIES: dict[tuple[str, str], dict[str, Any]] = {
    ("Team", "sales"): {
        "kind": "Team", "id": "sales", "name": "Sales",
        "members": [{"id": "jan", "name": "Jan de Boer", "git": "jdeboer"},
                    {"id": "sanne", "name": "Sanne Bakker", "git": "@sbakker"}],
    },
    ("Team", "marketing"): {
        "kind": "Team", "id": "marketing", "name": "Marketing",
        "members": [{"id": "eva", "name": "Eva Jansen"}],
    },
    ("Role", "head-of-sales"): {"kind": "Role", "id": "head-of-sales", "title": "Head of Sales"},
    ("Role", "sdr"): {"kind": "Role", "id": "sdr", "title": "Sales Development Rep"},
    ("Stage", "sql"): {"kind": "Stage", "id": "sql", "name": "Sales Qualified Lead"},
    ("Stage", "mql"): {"kind": "Stage", "id": "mql", "name": "Marketing Qualified Lead"},
    ("Term", "sql"): {"kind": "Term", "id": "sql", "term": "SQL"},
    ("Term", "hot-lead"): {"kind": "Term", "id": "hot-lead", "term": "hot lead"},
    ("Kpi", "sqls"): {"kind": "Kpi", "id": "sqls", "name": "SQLs delivered", "unit": "count"},
    ("Kpi", "callback"): {
        "kind": "Kpi", "id": "callback", "name": "Hot leads called in time", "unit": "ratio",
        "measure": {"within": {"from": "sql", "to": {"type": "contacted"}, "limit": "4h",
                               "clock": "business"}},
    },
    ("Kpi", "contact-time"): {
        "kind": "Kpi", "id": "contact-time", "name": "Time to contact", "unit": "hours",
    },
    ("Agreement", "sla"): {
        "kind": "Agreement", "id": "sla", "title": "The SLA",
        "commitments": [
            {"id": "sql-volume", "kpi": "sqls", "per": "month", "target": {"min": 120}},
            {"id": "hot-lead-callback", "kpi": "callback", "per": "month",
             "target": {"min": "95%"}},
            {"id": "contact-fast", "kpi": "contact-time", "per": "week", "target": {"max": "4h"}},
        ],
    },
}  # fmt: skip


def words(language: str = "en") -> ChangeWords:
    return ChangeWords(Names(ENTITIES), language)


def said(kind: str, ident: str, path: str, old: Any, new: Any, language: str = "en") -> str:
    op = "added" if old is None else "removed" if new is None else "changed"
    return words(language).change((kind, ident), FieldChange(path, old, new, op))


@pytest.mark.parametrize(
    ("path", "old", "new", "text"),
    [
        ("commitments[sql-volume].target.min", 100, 120,
         "SQL volume target raised from 100 to 120 a month (+20%)"),
        ("commitments[sql-volume].target.min", 120, 100,
         "SQL volume target lowered from 120 to 100 a month (-17%)"),
        ("commitments[hot-lead-callback].target.min", "95%", 0.97,
         "Hot lead callback target raised from 95% to 97% a month (+2 points)"),
        ("commitments[contact-fast].target.max", "8h", "4h",
         "Contact fast maximum lowered from 8h to 4h a week"),
        ("commitments[contact-fast].target.min", None, "1h",
         "Contact fast target set: at least 1h a week"),
        ("commitments[sql-volume].target.max", 200, None,
         "SQL volume maximum of 200 a month dropped"),
        ("commitments[hot-lead-callback].warn", None, "90%",
         "Hot lead callback warning level set at 90%"),
        ("commitments[hot-lead-callback].warn", "90%", "85%",
         "Hot lead callback warning level moved from 90% to 85%"),
        ("commitments[sql-volume].per", "month", "quarter",
         "SQL volume now measured per calendar quarter (was per calendar month)"),
        ("commitments[sql-volume].kpi", "sqls", "callback",
         "SQL volume now measured by Hot leads called in time (was SQLs delivered)"),
        ("commitments[sql-volume].by", "marketing", ["marketing", "sales"],
         "SQL volume now promised by Marketing, Sales (was Marketing)"),
        ("commitments[sql-volume]", {"id": "sql-volume", "kpi": "sqls", "per": "month",
                                     "target": {"min": 120}}, None,
         "Commitment SQL volume removed (was at least 120 a month)"),
        ("status", "draft", "active", "Status changed from draft to active"),
        ("review_by", "2027-01-01", "2027-06-30",
         "Review date moved to 2027-06-30 (was 2027-01-01)"),
        ("effective", None, "2026-02-01", "Effective from 2026-02-01"),
        ("owners", ["head-of-sales"], ["head-of-sales", "sdr"],
         "Owner role added: Sales Development Rep"),
        ("parties", ["marketing", "sales"], ["sales"], "Party removed: Marketing"),
        ("handoff.required_fields", ["company"], ["company", "budget"],
         "Hand-off field added: budget"),
        ("handoff", None, {"required_fields": ["company"]}, "Hand-off field added: company"),
        ("title", "The SLA", "The service levels",
         "Renamed from “The SLA” to “The service levels”"),
        ("summary", "Old.", "What each side delivers.",
         "Summary reworded: “What each side delivers.”"),
    ],
)  # fmt: skip
def test_agreement_changes(path: str, old: Any, new: Any, text: str) -> None:
    assert said("Agreement", "sla", path, old, new) == text


@pytest.mark.parametrize(
    ("kind", "ident", "path", "old", "new", "text"),
    [
        ("Role", "head-of-sales", "holders", ["jan"], ["sanne"],
         "Holder Jan de Boer → Sanne Bakker"),
        ("Role", "head-of-sales", "holders", ["jan"], ["jan", "sanne"],
         "Holder added: Sanne Bakker"),
        ("Role", "head-of-sales", "holders", None, ["eva"], "Holder added: Eva Jansen"),
        ("Role", "head-of-sales", "team", "sales", "marketing",
         "Moved from team Sales to team Marketing"),
        ("Role", "head-of-sales", "liaison", None, True, "Now the liaison between the teams"),
        ("Role", "head-of-sales", "responsibilities", ["Calls back"], [],
         "Responsibility removed: “Calls back”"),
        ("Stage", "sql", "criteria.hard", ["Has 50 staff"], ["Has 50 staff", "Has a budget"],
         "Hard criterion added: “Has a budget”"),
        ("Stage", "sql", "criteria", None, {"soft": ["Has a pain"]},
         "Soft criterion added: “Has a pain”"),
        ("Stage", "sql", "raci.responsible", [], ["sdr"],
         "Responsible added: Sales Development Rep"),
        ("Stage", "sql", "max_days", 14, 10, "Maximum days in the stage tightened from 14 to 10"),
        ("Stage", "sql", "order", 3, 4, "Moved from position 3 to 4 in the funnel"),
        ("Stage", "sql", "owner", "marketing", "sales", "Owner Marketing → Sales"),
        ("Kpi", "callback", "measure.within.limit", "6h", "4h",
         "Window tightened from 6 to 4 working hours"),
        ("Kpi", "callback", "measure.within.limit", "4h", "2d",
         "Window loosened from 4 to 48 working hours"),
        ("Kpi", "callback", "measure.within.clock", "calendar", "business",
         "Now counts working hours (was calendar hours)"),
        ("Kpi", "callback", "measure.within.from", "mql", "sql",
         "Clock starts at SQL (was Marketing Qualified Lead)"),
        ("Kpi", "contact-time", "measure.duration.percentile", 50, 90,
         "Now the 90th percentile (was the 50th)"),
        ("Kpi", "sqls", "measure.count", "mql", "sql",
         "Now counts SQL (was Marketing Qualified Lead)"),
        ("Kpi", "sqls", "measure.conversion.within", None, "90d",
         "Conversion window set to 90 days"),
        ("Kpi", "sqls", "where.segment", None, ["smb", "mid"],
         "Lead filter segment = [smb, mid] added"),
        ("Kpi", "sqls", "unit", "count", "money", "Unit changed from count to money"),
        ("Kpi", "sqls", "owner", "head-of-sales", "sdr",
         "Owner Head of Sales → Sales Development Rep"),
        ("Team", "sales", "members[eva]", None, {"id": "eva", "name": "Eva Jansen"},
         "Member added: Eva Jansen"),
        ("Team", "sales", "members[sanne].git", "sbakker", "sanne-b",
         "Sanne Bakker's git handle sbakker → sanne-b"),
        ("Team", "sales", "lead", "jan", "sanne", "Lead Jan de Boer → Sanne Bakker"),
        ("Term", "sql", "aliases", [], ["verkoopklare lead"],
         "Alias added: \"verkoopklare lead\""),
        ("Ritual", "weekly", "cadence", "weekly", "biweekly",
         "Now meets every two weeks (was weekly)"),
        ("Ritual", "weekly", "attendees", ["sdr"], [], "Attendee removed: Sales Development Rep"),
        ("Workspace", "workspace", "calendar.hours", "09:00-17:00", "08:00-16:00",
         "Working hours changed from 09:00-17:00 to 08:00-16:00"),
        ("Workspace", "workspace", "calendar.holidays", [], ["2026-12-31"],
         "Holiday added: 2026-12-31"),
        ("Workspace", "workspace", "store", None, "postgresql://u:s3cret@db/acme",
         "Event store set to postgresql://u:***@db/acme"),
        ("Questionnaire", "q", "statements[feedback]", None, {"id": "feedback", "text": "We talk."},
         "Statement added: “We talk.”"),
    ],
)  # fmt: skip
def test_other_kinds(kind: str, ident: str, path: str, old: Any, new: Any, text: str) -> None:
    assert said(kind, ident, path, old, new) == text


@pytest.mark.parametrize(
    ("kind", "ident", "path", "old", "new", "text"),
    [
        ("Agreement", "sla", "commitments[sql-volume].target.min", 100, 120,
         "SQL volume: doel verhoogd van 100 naar 120 per maand (+20%)"),
        ("Agreement", "sla", "commitments[hot-lead-callback].target.min", "95%", "90%",
         "Hot lead callback: doel verlaagd van 95% naar 90% per maand (-5 procentpunt)"),
        ("Agreement", "sla", "review_by", "2027-01-01", "2027-06-30",
         "Herzieningsdatum verschoven naar 2027-06-30 (was 2027-01-01)"),
        ("Agreement", "sla", "status", "active", "retired",
         "Status gewijzigd van actief naar vervallen"),
        ("Role", "head-of-sales", "holders", ["jan"], ["sanne"],
         "Rolhouder Jan de Boer → Sanne Bakker"),
        ("Stage", "sql", "criteria.hard", [], ["Heeft budget"],
         "Hard criterium toegevoegd: “Heeft budget”"),
        ("Kpi", "callback", "measure.within.limit", "6h", "4h",
         "Termijn aangescherpt van 6 naar 4 werkuren"),
        ("Ritual", "weekly", "cadence", "weekly", "monthly",
         "Komt nu maandelijks bijeen (was wekelijks)"),
    ],
)  # fmt: skip
def test_dutch(kind: str, ident: str, path: str, old: Any, new: Any, text: str) -> None:
    assert said(kind, ident, path, old, new, "nl") == text


def test_other_languages_read_in_english() -> None:
    assert (
        words("de").language == "en"
        and words("pl").language == "pl"
        and words("nl-BE").language == "nl"
    )
    assert said("Role", "head-of-sales", "holders", ["jan"], ["sanne"], "de") == (
        "Holder Jan de Boer → Sanne Bakker"
    )


def test_whole_entities_by_name() -> None:
    w = words()
    data = {"kind": "Role", "id": "cmo", "title": "Chief Marketing Officer"}
    assert [w.change(("Role", "cmo"), c) for c in diff_entity(None, data)] == [
        "Role Chief Marketing Officer added"
    ]
    assert [w.change(("Role", "cmo"), c) for c in diff_entity(data, None)] == [
        "Role Chief Marketing Officer removed"
    ]
    assert words("nl").entity(("Stage", "sql")) == "Fase SQL"  # the glossary's word
    assert w.entity(("Agreement", "gone")) == "Agreement gone"  # unknown: its id


def test_plain_words_where_none_fit() -> None:
    assert said("Questionnaire", "q", "bands[1].max", 11, 12) == "Bands[1].max: 11 → 12"
    assert said("Agreement", "sla", "commitments[sql-volume].target.min", "lots", 120) == (
        "SQL volume target lowered from lots to 120 a month"
    )
    # data of an unexpected shape never raises: the plain words
    assert said("Kpi", "callback", "measure.within.limit", "soon", "4h") == (
        "Measure.within.limit: soon → 4h"
    )
    assert said("Agreement", "sla", "status", "draft", "added") == (
        "Status changed from draft to added"
    )
    assert said("Weird", "x", "field", 1, 2) == "Field: 1 → 2"


def test_a_value_cannot_break_the_line() -> None:
    line = said("Stage", "sql", "criteria.hard", [], ["two\nlines\u202e and\x07 a bell"])
    assert "\n" not in line and "\u202e" not in line and "\x07" not in line
    assert line == "Hard criterion added: “two lines\\u202e and\\x07 a bell”"


def test_ids_in_words_use_the_glossary() -> None:
    names = Names(ENTITIES)
    assert names.words_of("sql-volume") == "SQL volume"
    assert names.words_of("hot-lead-callback") == "hot lead callback"
    assert names.words_of("mql-to-sql") == "MQL to SQL"
    assert names.person("jan") == "Jan de Boer" and names.person("nobody") == "nobody"
    assert names.git_handle("sanne") == "sbakker"


def test_later_snapshots_only_fill_gaps() -> None:
    old = {("Role", "r"): {"kind": "Role", "id": "r", "title": "Old title"}}
    new = {("Role", "r"): {"kind": "Role", "id": "r", "title": "New title"}}
    assert Names(new, old).role("r") == "New title"
    assert Names({}, old).role("r") == "Old title"
