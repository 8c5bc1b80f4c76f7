"""Compare the agreements of two revisions entity by entity (`compare`).

Entities are matched by ``(kind, id)``, not by file: a document moved to another
file with its content unchanged is no change (it is listed as moved), and one
moved and edited shows its edits and where it moved. Each side is also loaded
and validated; a side with errors is still compared (from its plain data) and
the report notes the errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from accord.changes._approvals import approvals_for
from accord.changes._git import Revision, files_of, resolve_base, resolve_head
from accord.changes._report import ChangeKind, ChangeReport, EntityChange, Side
from accord.domain.clock import Clock, system_now
from accord.domain.errors import LoadError, ValidationFailed
from accord.history import EntityKey, FieldChange
from accord.history.diff import diff_entity, entity_key
from accord.loading import AGREEMENTS_DIR, load_bytes, load_workspace
from accord.present import ChangeWords, Names

KIND_ORDER = (
    "Agreement", "Kpi", "Stage", "Role", "Team", "Ritual", "Term",
    "Workspace", "Questionnaire", "Assessment",
)  # fmt: skip
"""The order entities are listed in: what was agreed first, then what it relies on."""


def read_side(
    root: Path, revision: Revision, now: Clock = system_now, *, load: bool = True
) -> Side:
    """The agreements of `revision`: every entity's data and file, and (with `load`) the
    loaded workspace when they have no errors."""
    files, notes = files_of(root, revision, AGREEMENTS_DIR)
    side = Side(revision, files=files, notes=notes)
    for name, data in files.items():
        try:
            docs = load_bytes(data, name)
        except LoadError as exc:
            side.notes += [p.format() for p in exc.problems[:1]]
            continue
        for doc in docs:
            key = entity_key(doc.data)
            if key is not None and key not in side.entities:
                side.entities[key] = doc.data
                side.places[key] = name
    if not files or not load:  # no agreements yet (or any more): no error
        return side
    try:
        side.workspace = load_workspace(root, files=files, now=now)
    except ValidationFailed as exc:
        side.errors = [p.format() for p in exc.problems if p.severity == "error"]
    return side


def compare(
    root: Path, base: str | None = None, head: str | None = None, *, now: Clock = system_now
) -> ChangeReport:
    """The changes to the agreements from `base` to `head`.

    Args:
        root: the workspace (a folder in a git repository).
        base: a git revision; the comparison starts from the merge base of HEAD with
            it (default: with the default branch).
        head: a git revision; default the working tree.
        now: the clock (the validation of review dates reads "today").

    Raises:
        HistoryError: git cannot be read, a revision is unknown
            (`accord.changes.UnknownRevision`), or there is no default branch.
    """
    head_revision = resolve_head(root, head)
    head_side = read_side(root, head_revision, now)
    base_revision = resolve_base(root, base, head_revision)
    base_side = read_side(root, base_revision, now)
    authority = None
    if base_revision.tip is not None:  # who may approve: the target branch as it is now
        tip = Revision(base_revision.rev, base_revision.tip)
        authority = read_side(root, tip, now, load=False)
    return compare_sides(base_side, head_side, authority)


def _language(*sides: Side) -> str:
    for side in sides:
        if side.workspace is not None:
            return side.workspace.settings.language
        language = side.entities.get(("Workspace", "workspace"), {}).get("language")
        if isinstance(language, str):
            return language
    return "en"


def _rank(key: EntityKey) -> tuple[int, str]:
    kind, ident = key
    return (KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER), ident)


def compare_sides(base: Side, head: Side, authority: Side | None = None) -> ChangeReport:
    """The report of the changes from `base` to `head` (both already read).

    `authority` is the target branch as it is now, when it moved on since `base` (the
    merge base): who may approve is read from it (`accord.changes._approvals`).
    """
    words = ChangeWords(Names(head.entities, base.entities), _language(head, base))
    report = ChangeReport(base=base, head=head, words=words)
    for key in sorted(head.entities.keys() | base.entities.keys(), key=_rank):
        old, new = base.entities.get(key), head.entities.get(key)
        fields = diff_entity(old, new)
        before, after = base.places.get(key), head.places.get(key)
        name = words.names.name(key, new if new is not None else old)
        if fields:
            change: ChangeKind = "added" if old is None else "removed" if new is None else "changed"
            lines = _lines(words, key, fields, new)
            report.entities.append(
                EntityChange(key, change, name, tuple(lines), tuple(fields), before, after)
            )
        elif before != after:
            report.moves.append(EntityChange(key, "moved", name, (), (), before, after))
    for side, label in ((base, "BASE"), (head, "HEAD")):
        report.notes += side.notes
        if side.errors:
            report.notes.append(words.say("has_errors", side=label) + ":")
            report.notes += ["  " + error for error in side.errors[:10]]
            if len(side.errors) > 10:
                report.notes.append(f"  … (+{len(side.errors) - 10})")
    report.approvals = approvals_for(base, head, report.entities, authority)
    return report


def _lines(
    words: ChangeWords, key: EntityKey, fields: list[FieldChange], new: dict[str, Any] | None
) -> list[str]:
    """The words of an entity's changes; an added agreement also lists its commitments."""
    lines = words.changes(key, fields)
    if key[0] == "Agreement" and fields[0].path == "" and fields[0].op == "added" and new:
        items = new.get("commitments")
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                added = FieldChange(f"commitments[{item['id']}]", None, item, "added")
                lines.append(words.change(key, added))
    return lines
