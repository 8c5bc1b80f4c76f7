"""Loading agreements: YAML read strictly with positions, every document checked.

* `check_workspace`, `load_workspace`, `CheckResult` — validate a workspace and collect
  every problem with ``file:line:col``; `format_problems` prints them (text, json, github).
* `parse_documents`, `load_bytes`, `Document`, `resolve_plain`, `decode` — the safe YAML
  reader (no anchors, tags or directives; size and depth capped); `quick_documents`
  the same values without positions, for history (``None`` when anything is unusual).
* `json_schema` (``accord schema``), `codeowners` (``accord codeowners``).
* `load_all`, `dump_all`, `find_doc`, `resolve` — round-trip edits that keep comments.
"""

from accord.loading._quick import quick_documents
from accord.loading._yaml import (
    MAX_BYTES,
    MAX_DEPTH,
    Document,
    Pos,
    decode,
    load_bytes,
    parse_documents,
    resolve_plain,
)
from accord.loading.codeowners import codeowners
from accord.loading.output import format_problems
from accord.loading.roundtrip import dump_all, find_doc, load_all, resolve
from accord.loading.schema import json_schema
from accord.loading.validate import (
    AGREEMENTS_DIR,
    MEASURE_UNITS,
    CheckResult,
    agreement_files,
    check_workspace,
    load_workspace,
)

__all__ = [
    "AGREEMENTS_DIR",
    "CheckResult",
    "Document",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MEASURE_UNITS",
    "Pos",
    "agreement_files",
    "check_workspace",
    "codeowners",
    "decode",
    "dump_all",
    "find_doc",
    "format_problems",
    "json_schema",
    "load_all",
    "load_bytes",
    "load_workspace",
    "parse_documents",
    "quick_documents",
    "resolve",
    "resolve_plain",
]
