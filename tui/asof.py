"""Which agreements the dashboard judges by (docs/reference/metrics.md, "Which agreements count").

Live, the working tree (reloaded when its files change). Time travelling to `at`,
the workspace as committed in the last commit at or before `at`
(`accord.metrics.workspace_at`). `agreements_at` returns that workspace and the
header's words for it ("agreements as committed 2026-10-01 abc12345 “Raise the SQL
target”": the commit's date, short hash and subject).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accord.domain.workspace import Workspace

WORKING_TREE = "agreements: working tree"


def agreements_at(root: Path, at: dt.datetime) -> tuple[Workspace, str, str | None]:
    """The workspace in force at `at`, its label for the header, and a note when the
    working tree had to stand in (git history unreadable).

    Raises:
        HistoryError: no commit is that old.
        ValidationFailed: the agreements as committed then have errors.
    """
    from accord.metrics import workspace_at

    ws, note = workspace_at(root, at)
    if note is not None:
        return ws, f"{WORKING_TREE} (no git history)", note
    commit = commit_at(root, at)
    if commit is None:
        return ws, "agreements as committed then", None
    sha, when, subject = commit
    label = f"agreements as committed {when.astimezone(ws.tz):%Y-%m-%d} {sha}"
    return ws, label + (f" “{subject}”" if subject else ""), None


def commit_at(root: Path, at: dt.datetime) -> tuple[str, dt.datetime, str] | None:
    """(short hash of at least 8 characters, committer date, subject) of the last
    first-parent commit at or before `at`."""
    stamp = at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S +0000")
    env = dict(os.environ, LC_ALL="C", GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0")
    try:
        out = (
            subprocess.run(
                ["git", "-C", str(root), "log", "--first-parent", "-1", f"--before={stamp}"]
                + ["--abbrev=8", "--format=%h %ct %s", "HEAD"],
                capture_output=True,
                text=True,
                env=env,
                timeout=30,
            )
            .stdout.strip()
            .split(" ", 2)
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if len(out) < 2 or not out[1].isdigit():
        return None
    subject = " ".join(out[2].split()) if len(out) > 2 else ""
    return out[0], dt.datetime.fromtimestamp(int(out[1]), dt.UTC), subject
