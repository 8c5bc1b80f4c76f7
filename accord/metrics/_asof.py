"""Which agreements count at an instant: the workspace as committed then
(docs/reference/metrics.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from accord.domain.errors import HistoryError
from accord.domain.workspace import Workspace
from accord.loading.validate import AGREEMENTS_DIR, load_workspace


def workspace_at(root: Path, at: dt.datetime) -> tuple[Workspace, str | None]:
    """The workspace as committed in the last commit at or before `at` (current branch),
    and a note when that could not be used.

    The evaluation then keeps only agreements with ``status: active`` and
    ``effective <= at`` (`accord.metrics.in_force`). When git history cannot be read
    at all (not a repository, git missing) the working tree is used and the note says so.

    Raises:
        HistoryError: no commit is that old (or a shallow clone lacks it).
        ValidationFailed: the agreements as committed then have errors.
    """
    from accord.history import files_at

    try:
        files = files_at(root, at, AGREEMENTS_DIR)
    except HistoryError as exc:
        if "no commit" in str(exc):
            raise
        note = f"{exc}; judging by the agreements in the working tree"
        return load_workspace(root), note
    if files is None:
        raise HistoryError(
            f"no commit of {root / AGREEMENTS_DIR} at or before {at.isoformat()}; "
            "use --current to judge by the working tree"
        )
    return load_workspace(root, files=files), None
