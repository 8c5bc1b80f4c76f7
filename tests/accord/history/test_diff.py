"""Tests for accord.history.diff: field-level changes between versions of entities."""

from __future__ import annotations

from typing import Any

from accord.history.diff import (
    FieldChange,
    diff_entity,
    diff_snapshots,
    entity_key,
    format_value,
)


def _agreement(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "Agreement",
        "id": "marketing-sales-sla",
        "title": "Marketing and Sales SLA",
        "status": "draft",
        "owners": ["head-of-marketing", "head-of-sales"],
        "commitments": [
            {
                "id": "sql-volume",
                "text": "Marketing delivers at least 100 sales-qualified leads a month.",
                "kpi": "sqls-delivered",
                "target": {"min": 100},
                "per": "month",
            },
            {
                "id": "sql-quality",
                "text": "Sales accepts 80% of SQLs.",
                "kpi": "sql-acceptance",
                "target": {"min": "80%"},
                "per": "month",
            },
        ],
    }
    data.update(overrides)
    return data


def _described(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[str]:
    return [c.describe() for c in diff_entity(old, new)]


def test_equal_entities_have_no_changes() -> None:
    assert diff_entity(_agreement(), _agreement()) == []
    assert diff_entity(None, None) == []


def test_changed_scalar_in_nested_mapping() -> None:
    old = {"kind": "Kpi", "id": "k", "target": {"min": 100}}
    new = {"kind": "Kpi", "id": "k", "target": {"min": 120}}
    assert diff_entity(old, new) == [FieldChange("target.min", 100, 120, "changed")]
    assert _described(old, new) == ["target.min: 100 → 120"]


def test_commitments_are_matched_by_id_not_position() -> None:
    old = _agreement()
    new = _agreement(commitments=list(reversed(old["commitments"])))
    assert diff_entity(old, new) == []


def test_change_inside_a_commitment_names_it_by_id() -> None:
    old = _agreement()
    new = _agreement()
    new["commitments"] = [dict(c) for c in old["commitments"]]
    new["commitments"][0]["target"] = {"min": 120}
    assert _described(old, new) == ["commitments[sql-volume].target.min: 100 → 120"]


def test_commitment_added_and_removed() -> None:
    old = _agreement()
    callback = {"id": "hot-callback", "text": "Sales calls hot leads within 4h.", "per": "month"}
    new = _agreement(commitments=[old["commitments"][0], callback])
    changes = diff_entity(old, new)
    assert [(c.path, c.op) for c in changes] == [
        ("commitments[hot-callback]", "added"),
        ("commitments[sql-quality]", "removed"),
    ]
    assert changes[0].new == callback
    assert [c.describe() for c in changes] == [
        "commitment hot-callback added",
        "commitment sql-quality removed",
    ]


def test_lists_of_scalars_compare_as_whole_values() -> None:
    old = {"kind": "Role", "id": "sdr", "holders": ["jan"]}
    new = {"kind": "Role", "id": "sdr", "holders": ["jan", "sanne"]}
    assert _described(old, new) == ["holders: [jan] → [jan, sanne]"]
    swapped = {"kind": "Role", "id": "sdr", "holders": ["sanne", "jan"]}
    assert _described(new, swapped) == ["holders: [jan, sanne] → [sanne, jan]"]


def test_members_matched_by_id() -> None:
    old = {"kind": "Team", "id": "sales", "members": [{"id": "jan", "name": "Jan"}]}
    new = {
        "kind": "Team",
        "id": "sales",
        "members": [{"id": "sanne", "name": "Sanne"}, {"id": "jan", "name": "Jan de Boer"}],
    }
    assert _described(old, new) == [
        "member sanne added",
        'members[jan].name: Jan → "Jan de Boer"',
    ]


def test_lists_of_mappings_without_ids_compare_by_position() -> None:
    old = {"bands": [{"stage": "undefined", "min": 4, "max": 7}, {"stage": "defined", "max": 11}]}
    new = {"bands": [{"stage": "undefined", "min": 4, "max": 7}, {"stage": "defined", "max": 12}]}
    assert _described(old, new) == ["bands[1].max: 11 → 12"]
    longer = {"bands": [*new["bands"], {"stage": "aligned"}]}
    assert [c.path for c in diff_entity(new, longer)] == ["bands"]


def test_field_added_and_removed() -> None:
    old = {"kind": "Kpi", "id": "k", "warn": "90%"}
    new = {"kind": "Kpi", "id": "k", "where": {"hot": True}}
    assert _described(old, new) == ["where added: {hot: true}", "warn removed (was 90%)"]


def test_whole_entity_added_and_removed() -> None:
    data = _agreement()
    assert diff_entity(None, data) == [FieldChange("", None, data, "added")]
    assert _described(None, data) == ["Agreement marketing-sales-sla added"]
    assert _described(data, None) == ["Agreement marketing-sales-sla removed"]
    assert _described({"kind": "Workspace", "name": "Acme"}, None) == ["Workspace removed"]


def test_types_are_told_apart() -> None:
    assert [c.path for c in diff_entity({"x": 1}, {"x": True})] == ["x"]
    assert [c.path for c in diff_entity({"x": "100"}, {"x": 100})] == ["x"]
    assert diff_entity({"x": 100}, {"x": 100.0}) == []
    assert diff_entity({"x": float("nan")}, {"x": float("nan")}) == []
    assert _described({"x": "100"}, {"x": 100}) == ['x: "100" → 100']


def test_long_text_is_shortened() -> None:
    old = {"summary": "What each side delivers to the other, measured every month. " * 3}
    new = {"summary": "Something else entirely."}
    (line,) = _described(old, new)
    assert len(line) < 120
    assert "…" in line
    assert line.endswith('→ "Something else entirely."')


def test_long_texts_that_differ_late_show_the_difference() -> None:
    start = "Marketing delivers at least 120 sales-qualified leads a month, every "
    (line,) = _described({"text": start + "month."}, {"text": start + "week."})
    assert 'month." →' in line
    assert line.endswith('week."')


def test_strings_are_quoted_only_when_needed() -> None:
    assert format_value("active") == "active"
    assert format_value("95%") == "95%"
    assert format_value("2026-01-01") == "2026-01-01"
    assert format_value("true") == '"true"'
    assert format_value("two words") == '"two words"'
    assert format_value("") == '""'
    assert format_value("line\nbreak") == '"line\\nbreak"'
    assert format_value(None) == "null"
    assert format_value(0.95) == "0.95"
    assert format_value(["a b", "c"]) == '["a b", c]'


def test_text_is_returned_verbatim_for_the_caller_to_escape() -> None:
    (line,) = _described({"title": "x"}, {"title": "<script>alert(1)</script>"})
    assert line == "title: x → <script>alert(1)</script>"


def test_entity_key() -> None:
    assert entity_key({"kind": "Workspace", "name": "Acme"}) == ("Workspace", "workspace")
    assert entity_key({"kind": "Team", "id": "sales"}) == ("Team", "sales")
    assert entity_key({"kind": "Team"}) is None
    assert entity_key({"id": "sales"}) is None


def test_diff_snapshots_reports_only_changed_entities() -> None:
    team = {"kind": "Team", "id": "sales", "name": "Sales"}
    old = {
        ("Team", "sales"): team,
        ("Kpi", "k"): {"kind": "Kpi", "id": "k", "unit": "count"},
        ("Term", "sql"): {"kind": "Term", "id": "sql", "term": "SQL"},
    }
    new = {
        ("Kpi", "k"): {"kind": "Kpi", "id": "k", "unit": "ratio"},
        ("Team", "sales"): dict(team),
        ("Role", "sdr"): {"kind": "Role", "id": "sdr", "title": "SDR"},
    }
    result = diff_snapshots(old, new)
    assert list(result) == [("Kpi", "k"), ("Role", "sdr"), ("Term", "sql")]
    assert [c.describe() for c in result[("Kpi", "k")]] == ["unit: count → ratio"]
    assert result[("Role", "sdr")][0].op == "added"
    assert result[("Term", "sql")][0].op == "removed"
