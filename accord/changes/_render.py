"""A `ChangeReport` as Markdown (a pull-request comment), plain text, or JSON.

Markdown escapes everything that comes from YAML or git (names, titles, texts,
file paths, revision names): ``&``, ``<`` and ``>`` become character references,
so no HTML reaches the comment; Markdown's own punctuation (links, images, code,
emphasis, tables, math) is backslash-escaped, so ``[x](javascript:…)`` is text;
a line cannot start a heading, quote or list; and ``@`` is followed by an
invisible word joiner, so a title cannot mention (and notify) anyone. Only the
approvers' forge handles, checked to be handles, are written as mentions.

The JSON shape (`to_json`) is documented in docs/diff.md and versioned by its
``schema`` number.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from accord.changes._report import Approval, ChangeReport, EntityChange, ImpactRow, Side
from accord.domain.clock import iso_z
from accord.domain.errors import redact_url
from accord.history import FieldChange
from accord.metrics import CommitmentResult
from accord.present import ChangeWords

SCHEMA = 1
"""The version of the JSON shape; raised when a field changes meaning or goes away."""

_MD_PUNCT = re.compile(r"([\\`*_\[\]|~$!])")
_MD_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_LINE_START = re.compile(r"^([#>+=-]|\d+[.)])")
_SAFE_CODE = re.compile(r"^[A-Za-z0-9._/-]+$")


def md(value: object) -> str:
    """`value` as inert inline Markdown (for GitHub and GitLab comments), on one line."""
    text = " ".join(str(value).split())
    text = "".join(_MD_HTML.get(ch, ch) for ch in text)
    text = _MD_PUNCT.sub(r"\\\1", text).replace("@", "@\u2060")
    found = _LINE_START.match(text)
    if found:
        text = text[: found.end() - 1] + "\\" + text[found.end() - 1 :]
    return text


def md_code(value: str) -> str:
    """An id or a path in a code span when it is plainly one, else escaped text."""
    return f"`{value}`" if _SAFE_CODE.match(value) else md(value)


def plain(value: object) -> str:
    """`value` on one line, invisible characters as escapes (for the text format)."""
    text = " ".join(str(value).split())
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )


def side_label(words: ChangeWords, side: Side, head_rev: str | None = None) -> str:
    """How a side is named: "the working tree", "the merge base of HEAD with main
    (1a2b3c4)", "v2 (1a2b3c4)"."""
    rev = side.revision
    if rev.working_tree:
        return words.say("working_tree")
    if rev.merge_base:
        head = head_rev if head_rev is not None else "HEAD"
        return words.say("merge_base", head=head, branch=rev.rev, sha=rev.short)
    return words.say("revision", rev=rev.rev, sha=rev.short)


def _counts(report: ChangeReport) -> str:
    words = report.words
    parts = []
    for change in ("changed", "added", "removed"):
        n = sum(1 for e in report.entities if e.change == change)
        if n:
            parts.append(words.say(f"count_{change}", n=n))
    return ", ".join(parts)


def _heading(words: ChangeWords, entity: EntityChange) -> str:
    title = words.entity(entity.key, {"title": entity.name})
    if entity.change in ("added", "removed"):
        title += f" ({words.say('new' if entity.change == 'added' else 'gone')})"
    return title


def _reasons(words: ChangeWords, approval: Approval) -> str:
    """Why the agreement needs approval, in words."""
    names = words.names
    out: list[str] = []
    for reason in approval.reasons:
        what, _, ident = reason.partition(":")
        if what == "file":
            out.append(words.say("reason_file", file=ident))
        elif what == "role":
            out.append(words.say("reason_role", role=names.role(ident)))
        elif what == "person":
            out.append(words.say("reason_person", person=names.person(ident)))
        elif what == "kpi":
            out.append(words.say("reason_kpi", kpi=names.kpi(ident)))
        elif what == "stage":
            out.append(words.say("reason_stage", stage=names.stage(ident)))
        else:
            out.append(words.say(f"reason_{what}"))
    return "; ".join(out)


def _approvers(words: ChangeWords, approval: Approval, esc: Callable[[object], str]) -> str:
    """``Marketing: Eva Jansen (@ejansen, Head of Marketing) · Sales: …``."""
    sides = []
    for side in approval.sides:
        people = []
        for person in side.approvers:
            handle = f"@{person.git}" if person.git else esc(words.say("no_handle"))
            people.append(f"{esc(person.name)} ({handle}, {esc(', '.join(person.roles))})")
        who = esc(words.say("or")).join(people)
        if side.note is not None:
            note = esc(words.say(f"side_{side.note}", team=side.name))
            who = f"{who} ({note})" if who else note
        sides.append(f"{esc(side.name)}: {who}")
    return " · ".join(sides)


def _as_of(report: ChangeReport) -> str:
    impact = report.impact
    assert impact is not None
    ws = report.head.workspace or report.base.workspace
    if ws is None:
        return iso_z(impact.as_of)
    local = impact.as_of.astimezone(ws.tz)
    return f"{local:%Y-%m-%d %H:%M} {ws.settings.calendar.timezone}"


def _impact_lines(report: ChangeReport) -> list[str] | None:
    """The impact section's sentences (not escaped), or None when it was not asked for."""
    impact, words = report.impact, report.words
    if impact is None:
        return None
    if not impact.available:
        return [words.say("impact_unavailable", why=(impact.note or "").rstrip("."))]
    if not impact.rows:
        return [words.say("impact_none")]
    intro = words.say("impact_intro", store=impact.store, at=_as_of(report))
    return [intro, *(row.text for row in impact.rows)]


def to_markdown(report: ChangeReport) -> str:
    """The report as a pull-request comment: the changes per entity, the impact (when
    evaluated), who must approve, and notes."""
    words = report.words
    base = side_label(words, report.base, report.head.revision.rev)
    head = side_label(words, report.head)
    out = [f"## {md(words.say('heading'))}", "", md(words.say("compared", base=base, head=head))]
    if not report.entities:
        out += ["", md(words.say("no_changes"))]
    else:
        out += ["", md(words.say("summary_line", counts=_counts(report)))]
    for entity in report.entities:
        out += ["", f"### {md(_heading(words, entity))}", ""]
        if entity.moved:
            assert entity.file_before is not None and entity.file_after is not None
            out += [f"*{md(words.moved(entity.file_before, entity.file_after))}*", ""]
        out += [f"- {md(line)}" for line in entity.lines]
    if report.moves:
        out += ["", f"### {md(words.say('moved_files'))}", ""]
        for moved in report.moves:
            what = words.entity(moved.key, {"title": moved.name})
            line = words.say("file_moved", what=what, old=moved.file_before, new=moved.file_after)
            out.append(f"- {md(line)}")
    impact = _impact_lines(report)
    if impact is not None:
        out += ["", f"### {md(words.say('impact'))}", "", md(impact[0])]
        if impact[1:]:
            out += ["", *(f"- {md(line)}" for line in impact[1:])]
    out += ["", f"### {md(words.say('approvals'))}", ""]
    if report.approvals:
        out += [md(words.say("approvals_intro")), ""]
        for approval in report.approvals:
            why = f"{md_code(approval.agreement)}; {md(_reasons(words, approval))}"
            out.append(f"- **{md(approval.title)}** ({why}): {_approvers(words, approval, md)}")
    else:
        out.append(md(words.say("approvals_none")))
    if report.notes:
        out += ["", f"### {md(words.say('notes_heading'))}", ""]
        out += [f"- {md(note.strip())}" for note in report.notes]
    return "\n".join(out) + "\n"


def to_text(report: ChangeReport) -> str:
    """The report as plain text for a terminal."""
    words = report.words
    base = side_label(words, report.base, report.head.revision.rev)
    head = side_label(words, report.head)
    out = [plain(words.say("heading")), plain(words.say("compared", base=base, head=head))]
    if not report.entities:
        out.append(plain(words.say("no_changes")))
    else:
        out.append(plain(words.say("summary_line", counts=_counts(report))))
    for entity in report.entities:
        out += ["", plain(_heading(words, entity))]
        if entity.moved:
            assert entity.file_before is not None and entity.file_after is not None
            out.append("  " + plain(words.moved(entity.file_before, entity.file_after)))
        out += [f"  - {plain(line)}" for line in entity.lines]
    if report.moves:
        out += ["", plain(words.say("moved_files"))]
        for moved in report.moves:
            what = words.entity(moved.key, {"title": moved.name})
            line = words.say("file_moved", what=what, old=moved.file_before, new=moved.file_after)
            out.append(f"  - {plain(line)}")
    impact = _impact_lines(report)
    if impact is not None:
        out += ["", plain(words.say("impact")), "  " + plain(impact[0])]
        out += [f"  - {plain(line)}" for line in impact[1:]]
    out += ["", plain(words.say("approvals"))]
    if report.approvals:
        for approval in report.approvals:
            why = f"{approval.agreement}; {_reasons(words, approval)}"
            out.append(f"  - {plain(approval.title)} ({plain(why)}): ")
            out[-1] += _approvers(words, approval, plain)
    else:
        out.append("  " + plain(words.say("approvals_none")))
    if report.notes:
        out += ["", plain(words.say("notes_heading"))]
        out += [f"  {plain(note)}" for note in report.notes]
    return "\n".join(out) + "\n"


# --- JSON ---------------------------------------------------------------------------


def _side(words: ChangeWords, side: Side, head_rev: str | None = None) -> dict[str, Any]:
    rev = side.revision
    return {
        "rev": rev.rev,
        "commit": rev.sha,
        "merge_base": rev.merge_base,
        "tip": rev.tip,
        "working_tree": rev.working_tree,
        "label": side_label(words, side, head_rev),
        "valid": side.workspace is not None,
    }


def _secret_free(kind: str, path: str, value: Any) -> Any:
    """A value with the Workspace's store URL redacted (it may hold a password)."""
    if kind != "Workspace":
        return value
    if path == "store" and isinstance(value, str):
        return redact_url(value)
    if path == "" and isinstance(value, dict) and isinstance(value.get("store"), str):
        return {**value, "store": redact_url(value["store"])}
    return value


def _field(words: ChangeWords, entity: EntityChange, change: FieldChange) -> dict[str, Any]:
    kind = entity.key[0]
    return {
        "path": change.path,
        "op": change.op,
        "old": _secret_free(kind, change.path, change.old),
        "new": _secret_free(kind, change.path, change.new),
        "text": words.change(entity.key, change),
    }


def _result(result: CommitmentResult | None) -> dict[str, Any] | None:
    if result is None:
        return None
    return {
        "value": result.value,
        "status": result.status,
        "cohort": result.cohort,
        "target": result.target,
    }


def _impact_row(row: ImpactRow) -> dict[str, Any]:
    return {
        "agreement": row.agreement,
        "commitment": row.commitment,
        "period": {
            "start": iso_z(row.period.start),
            "end": iso_z(row.period.end),
            "complete": row.complete,
        },
        "before": _result(row.before),
        "after": _result(row.after),
        "late": row.late,
        "text": row.text,
    }


def to_json(report: ChangeReport) -> dict[str, Any]:
    """The report as one JSON object (docs/diff.md#json)."""
    words = report.words
    impact = report.impact
    return {
        "schema": SCHEMA,
        "language": report.language,
        "base": _side(words, report.base, report.head.revision.rev),
        "head": _side(words, report.head),
        "entities": [
            {
                "kind": e.key[0],
                "id": e.key[1],
                "name": e.name,
                "change": e.change,
                "file": {"before": e.file_before, "after": e.file_after},
                "lines": list(e.lines),
                "fields": [_field(words, e, c) for c in e.fields],
            }
            for e in report.entities
        ],
        "moved": [
            {
                "kind": e.key[0],
                "id": e.key[1],
                "name": e.name,
                "file": {"before": e.file_before, "after": e.file_after},
            }
            for e in report.moves
        ],
        "impact": None
        if impact is None
        else {
            "available": impact.available,
            "note": impact.note,
            "store": impact.store,
            "as_of": iso_z(impact.as_of),
            "results": [_impact_row(row) for row in impact.rows],
        },
        "approvals": [
            {
                "agreement": a.agreement,
                "title": a.title,
                "reasons": list(a.reasons),
                "sides": [
                    {
                        "team": s.team,
                        "name": s.name,
                        "approvers": [
                            {"id": p.id, "name": p.name, "git": p.git, "roles": list(p.roles)}
                            for p in s.approvers
                        ],
                        "note": s.note,
                    }
                    for s in a.sides
                ],
            }
            for a in report.approvals
        ],
        "notes": list(report.notes),
    }


def to_json_text(report: ChangeReport) -> str:
    """`to_json` as indented text (values YAML gave that JSON lacks, as strings)."""
    return json.dumps(to_json(report), indent=2, ensure_ascii=False, default=str) + "\n"
