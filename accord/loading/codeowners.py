"""CODEOWNERS lines: each agreement file owned by its owner roles' holders (both sides).

A second line of defence behind validation: a handle that is not a forge handle
(``rvisser\\n* @evil``, ``rvisser @attacker``) and a file whose path CODEOWNERS
cannot hold safely are left out, so nothing but ``/path @handle …`` is ever written.
"""

from __future__ import annotations

import re

from accord.domain.model import GIT_HANDLE_PATTERN
from accord.domain.workspace import Workspace

_HANDLE = re.compile(GIT_HANDLE_PATTERN.removesuffix("$"))
_PATH = re.compile(r"[^\s#!*?\[\]\\]+")


def is_handle(handle: str) -> bool:
    """Whether `handle` is a forge user or org/team (a leading @ allowed), nothing more."""
    return _HANDLE.fullmatch(handle) is not None


def _safe_path(path: str) -> bool:
    return _PATH.fullmatch(path) is not None and path.isprintable()


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
        handles = {h.removeprefix("@") for h in ws.owner_handles(agreement.id) if is_handle(h)}
        per_file.setdefault(doc.file, set()).update(handles)
        everyone.update(handles)
    files = sorted({doc.file for doc in ws.sources.values()})
    lines = []
    for file in files:
        if not _safe_path(file):
            continue
        handles = per_file.get(file) or everyone
        if handles:
            lines.append(f"/{file} " + " ".join(f"@{h}" for h in sorted(handles)))
    return lines
