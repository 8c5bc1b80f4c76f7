"""CODEOWNERS lines: each agreement file owned by its owner roles' holders (both sides)."""

from __future__ import annotations

from accord.domain.workspace import Workspace


def codeowners(ws: Workspace) -> list[str]:
    """One line per agreement file: ``/path @handle …``, files sorted.

    A file holding several agreements is owned by the union of their owners.
    Files without agreements are owned by the holders of every agreement's owner
    roles, so a change to a KPI or a stage also needs both sides' approval.
    """
    per_file: dict[str, set[str]] = {}
    everyone: set[str] = set()
    for agreement in ws.agreements.values():
        doc = ws.sources[("Agreement", agreement.id)]
        handles = set(ws.owner_handles(agreement.id))
        per_file.setdefault(doc.file, set()).update(handles)
        everyone.update(handles)
    files = sorted({doc.file for doc in ws.sources.values()})
    lines = []
    for file in files:
        handles = per_file.get(file) or everyone
        if handles:
            lines.append(f"/{file} " + " ".join(f"@{h}" for h in sorted(handles)))
    return lines
