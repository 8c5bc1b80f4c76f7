"""A change to the agreements between two revisions, in the domain's words (``accord diff``).

Provides:

* `compare(root, base, head)` — a `ChangeReport`: from the merge base of HEAD with
  BASE (default: the default branch) to HEAD (default: the working tree), read from
  git, every entity matched by ``(kind, id)`` (a moved file is no change), each
  change worded in the workspace's language (`accord.present`'s `ChangeWords`),
  and the `Approval` each agreement it touches needs (its sides, and who may
  approve for each: holders of its owner roles, with their forge handles).
* `evaluate_impact(report, store_url=, now=)` — the `Impact`: the affected
  commitments in the last complete and the current period, under the agreements
  before and after the change, against the event store.
* `to_markdown`, `to_text`, `to_json` (`SCHEMA`) — the report for a pull-request
  comment, a terminal, or a tool (docs/diff.md).
"""

from accord.changes._compare import compare, compare_sides, read_side
from accord.changes._git import Revision, UnknownRevision, default_branch
from accord.changes._impact import affected, evaluate_impact
from accord.changes._render import (
    SCHEMA,
    md,
    side_label,
    to_json,
    to_json_text,
    to_markdown,
    to_text,
)
from accord.changes._report import (
    Approval,
    ApprovalSide,
    Approver,
    ChangeReport,
    EntityChange,
    Impact,
    ImpactRow,
    Side,
)

__all__ = [
    "Approval",
    "ApprovalSide",
    "Approver",
    "ChangeReport",
    "EntityChange",
    "Impact",
    "ImpactRow",
    "Revision",
    "SCHEMA",
    "Side",
    "UnknownRevision",
    "affected",
    "compare",
    "compare_sides",
    "default_branch",
    "evaluate_impact",
    "md",
    "read_side",
    "side_label",
    "to_json",
    "to_json_text",
    "to_markdown",
    "to_text",
]
