"""`accord approvals` in words: per changed agreement, each side and who approved or
could approve; a last line that says what is missing."""

from __future__ import annotations

from accord.approvals._rule import AgreementApproval, ApprovalReport, Approver, SideApproval

_MARK = {
    "approved": "✔ approved",
    "missing": "✖ missing",
    "changes_requested": "✖ changes requested",
}


def format_report(report: ApprovalReport, *, base: str, head: str = "HEAD") -> str:
    """The report for people (and a CI log), e.g.::

        ✖ marketing-sales-sla — Marketing and Sales service level agreement
          what changed: the agreement
          Marketing           ✔ approved by @fvandijk (Femke van Dijk, Head of Marketing)
          Sales               ✖ missing: an approval from @rvisser (Ruben Visser, Head of Sales)

    Args:
        report: what `check_approvals` decided.
        base: how to name the target branch (``origin/main``).
        head: how to name the change (``HEAD``).
    """
    if not report.agreements:
        return f"No agreement changed between {base} and {head}: nothing to approve."
    n = len(report.agreements)
    lines = [f"{_count(n, 'agreement')} changed between {base} and {head}:"]
    for agreement in report.agreements:
        lines.append("")
        lines.extend(_agreement(agreement, report.author))
    lines.append("")
    missing = [a for a in report.agreements if not a.approved]
    if not missing:
        lines.append(f"Approved: every side of {_each(n)} approved.")
    else:
        parts = [f"{a.id} waits for {_and([s.team_name for s in a.missing])}" for a in missing]
        of = f"{len(missing)} of {n} changed agreements: " if n > 1 else ""
        lines.append(f"Not approved: {of}{'; '.join(parts)}.")
    return "\n".join(lines)


def _agreement(a: AgreementApproval, author: str | None) -> list[str]:
    mark = "✔" if a.approved else "✖"
    lines = [f"{mark} {a.id} — {a.title}", f"  what changed: {', '.join(a.reasons)}"]
    if not a.sides:
        lines.append("  no side can approve: the agreement names no parties and no owners")
    width = max((len(s.team_name) for s in a.sides), default=0)
    for side in a.sides:
        lines.append(f"  {side.team_name.ljust(width)}  {_side(side, author)}")
        if side.note and not side.approved:
            lines.append(f"  {' ' * width}  ({side.note})")
    lines.extend(f"  not counted: {note}" for note in a.notes)
    return lines


def _side(side: SideApproval, author: str | None) -> str:
    mark = _MARK[side.status]
    if side.status == "approved":
        return f"{mark} by {_names(side.approved_by, author)}"
    if side.status == "changes_requested":
        return f"{mark} by {_names(side.changes_requested_by, author)}"
    reachable = [a for a in side.approvers if a.handle]
    if not reachable:
        return f"{mark}: nobody can approve"
    one = "an approval from " + ("" if len(reachable) == 1 else "one of ")
    return f"{mark}: {one}{_names(tuple(reachable), author)}"


def _names(approvers: tuple[Approver, ...], author: str | None) -> str:
    out = []
    for a in approvers:
        label = a.label()
        if author and a.handle and a.handle.casefold() == author.casefold():
            label += " — the author"
        out.append(label)
    return ", ".join(out)


def _and(names: list[str]) -> str:
    if not names:
        return "no side can approve"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _each(n: int) -> str:
    return "the changed agreement" if n == 1 else f"all {n} changed agreements"
