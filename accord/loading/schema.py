"""JSON Schema of every kind, generated from the pydantic models (`accord schema`).

One schema whose top level is ``oneOf`` the kinds, discriminated by ``kind``;
editors (yaml-language-server, VS Code's YAML extension) use it for completion
and inline errors. The field docstrings of `accord.domain.model` become descriptions.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from accord.domain.model import KINDS

SCHEMA_ID = "https://accord.dev/schema/agreements.json"


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) for one agreement document of any kind."""
    models: list[tuple[type[BaseModel], Literal["validation"]]] = [
        (model, "validation") for model in KINDS.values()
    ]
    _, top = models_json_schema(models, ref_template="#/$defs/{model}")
    defs = top.get("$defs", {})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Accord agreement document",
        "description": "One YAML document of an Accord workspace; 'kind' says which.",
        "oneOf": [{"$ref": f"#/$defs/{model.__name__}"} for model in KINDS.values()],
        "$defs": defs,
    }
