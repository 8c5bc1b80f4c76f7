"""`accord schema`: JSON Schema generated from the models, with field help."""

from __future__ import annotations

import json

from testclock import Cli

from accord.cli import main
from accord.domain.model import KINDS
from accord.loading.schema import json_schema


def test_schema_has_one_entry_per_kind_with_kind_fixed() -> None:
    schema = json_schema()
    refs = [entry["$ref"].rsplit("/", 1)[-1] for entry in schema["oneOf"]]
    assert refs == [model.__name__ for model in KINDS.values()]
    for kind, model in KINDS.items():
        definition = schema["$defs"][model.__name__]
        assert definition["properties"]["kind"]["const"] == kind
        assert definition["additionalProperties"] is False


def test_field_docstrings_become_descriptions() -> None:
    defs = json_schema()["$defs"]
    assert defs["Agreement"]["properties"]["review_by"]["description"] == (
        "Date by which the owners review it again."
    )
    # every property of every model carries help text for editors and the wiki
    missing = [
        f"{name}.{prop}"
        for name, definition in defs.items()
        for prop, spec in definition.get("properties", {}).items()
        if not spec.get("description")
    ]
    assert missing == []


def test_durations_and_required_fields() -> None:
    defs = json_schema()["$defs"]
    limit = defs["WithinSpec"]["properties"]["limit"]
    assert any(branch.get("type") == "string" for branch in limit["anyOf"])
    assert set(defs["Commitment"]["required"]) == {"id", "text", "kpi", "target", "per"}
    assert "from" in defs["WithinSpec"]["properties"]


def test_cli_prints_valid_json() -> None:
    out = Cli().invoke(main, ["schema"])
    assert out.exit_code == 0
    assert json.loads(out.output)["title"] == "Accord agreement document"
