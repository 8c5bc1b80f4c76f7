"""Git history of the agreements, read in one pass.

Provides:

* `entity_history(root)` — every commit on the current branch (first parent)
  that touched the agreements folder, with the field-level changes of every
  entity (`accord.diff.FieldChange`), as a `History`. Entities are tracked by
  ``(kind, id)``, not by file name, so moving a document to another file keeps
  its history.
* `files_at(root, when)` — the agreement files as committed in the last commit
  at or before an instant: the agreements "in force" at that time (SPEC §4).
* `uncommitted_files(root)` — agreement files with changes git has not committed.
* `pr_url` / `commit_url` — links for a commit given the Workspace's ``repo_url``.

How (`accord._walk`): one ``git log --first-parent --raw -z`` over the folder
lists every change, newest first; while it is still writing, the walk steps
back from the files at the revision, one ``git cat-file --batch`` process
reading the earlier versions of the changed files a batch at a time. A
version that differs from the one read before it only in values is read
from its changed lines (`accord._line_yaml`), any other is parsed whole
without the position index the validator needs — falling back to
`accord._yaml.parse_documents` for anything unusual, so errors read the
same. Only the entities of each commit's changed files are diffed. A file
that cannot be parsed at some commit is noted and keeps its last readable
version (the walk then goes oldest first over the entries already read).
Merges count once, as the change they brought to the branch.

When history cannot be read (git missing, not a repository, a repository owned
by another user) `entity_history` returns a `History` with ``available`` false
and a ``note`` that says why and how to fix it; a shallow clone is flagged with
``shallow`` and a note. Author names and messages are returned verbatim:
escaping them is the caller's job.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path

from accord._commits import Commit, History, commit_url, parse_pr, pr_url
from accord._errors import HistoryError
from accord._git import _Blobs, _git, _is_agreement, _open, _Repo, _resolve, _tree
from accord._walk import _walk

__all__ = [
    "Commit",
    "History",
    "commit_url",
    "entity_history",
    "files_at",
    "parse_pr",
    "pr_url",
    "uncommitted_files",
]

_SHALLOW_FIX = (
    "history is incomplete: this is a shallow clone, so older changes are missing. "
    "Fetch the full history (`git fetch --unshallow`, or `fetch-depth: 0` in "
    "actions/checkout)"
)


def entity_history(root: Path, agreements_dir: str = "agreements", rev: str = "HEAD") -> History:
    """Read the history of every entity in `agreements_dir` up to `rev`.

    Args:
        root: the workspace (the repository or a folder inside one).
        agreements_dir: the agreements folder, relative to `root`.
        rev: the revision whose first-parent history is read.

    Returns:
        A `History`; when git or the repository is unavailable, an empty one
        with ``available`` false and a ``note`` saying why and how to fix it.

    Raises:
        HistoryError: when `rev` is given but does not name a commit.
    """
    try:
        repo = _open(root)
    except HistoryError as exc:
        return History(available=False, note=f"Change history is not available: {exc}.")
    sha = _resolve(repo, rev)
    history = History(shallow=repo.shallow, note=_SHALLOW_FIX if repo.shallow else None)
    with contextlib.suppress(HistoryError):  # e.g. a bare repository has no working tree
        history.uncommitted_files = _uncommitted(repo, agreements_dir)
    try:
        if sha is None:
            history.note = "Change history is not available: nothing has been committed yet."
        else:
            _walk(repo, sha, agreements_dir, history)
    except HistoryError as exc:
        return History(
            available=False, shallow=repo.shallow, note=f"Change history is not available: {exc}."
        )
    return history


# --- the agreements in force at an instant ----------------------------------------


def files_at(
    root: Path, when: datetime, agreements_dir: str = "agreements"
) -> dict[str, bytes] | None:
    """The agreement files as committed in the last commit at or before `when`.

    Only commits on the current branch's first-parent line count (HEAD, so a
    detached HEAD works); a commit counts from its committer date.

    Args:
        root: the workspace (the repository or a folder inside one).
        when: the instant; must be timezone-aware.
        agreements_dir: the agreements folder, relative to `root`.

    Returns:
        File contents by path relative to `root` (``agreements/sla.yaml``), sorted;
        ``None`` when no commit is that old.

    Raises:
        ValueError: `when` is naive.
        HistoryError: git or the repository is unavailable, or a shallow clone
            lacks the commits that old (fix: ``fetch-depth: 0``).
    """
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("files_at needs a timezone-aware datetime")
    repo = _open(root)
    if _resolve(repo, "HEAD") is None:
        return None
    stamp = when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S +0000")
    out = _git(root, "rev-list", "--first-parent", "-1", f"--before={stamp}", "HEAD").stdout
    sha = out.decode().strip()
    if not sha:
        if repo.shallow:
            raise HistoryError(f"no commit at or before {when.isoformat()}: {_SHALLOW_FIX}")
        return None
    files: dict[str, bytes] = {}
    with _Blobs(root) as blobs:
        for path, blob in sorted(_tree(repo, sha, agreements_dir)):
            files[path] = blobs.read(blob)
    return files


# --- the working tree -------------------------------------------------------------


def uncommitted_files(root: Path, agreements_dir: str = "agreements") -> list[str]:
    """Agreement files whose working-tree state is not committed, relative to `root`.

    Untracked, modified, staged and deleted files all count; ignored files do
    not. Empty when git or the repository is unavailable.
    """
    try:
        return _uncommitted(_open(root), agreements_dir)
    except HistoryError:
        return []


def _uncommitted(repo: _Repo, agreements_dir: str) -> list[str]:
    proc = _git(
        repo.root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", agreements_dir
    )
    tokens = proc.stdout.split(b"\0")
    found: set[str] = set()
    i = 0
    while i < len(tokens):
        entry = tokens[i]
        i += 1
        if len(entry) < 4:
            continue
        status, path = entry[:2].decode(), entry[3:].decode("utf-8", "replace")
        if "R" in status or "C" in status:
            i += 1  # the original path follows
        if _is_agreement(path):
            found.add(repo.rel(path))
    return sorted(found)
