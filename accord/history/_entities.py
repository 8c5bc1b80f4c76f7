"""The change history of each agreement entity, read from git in one pass."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path

from accord.domain.errors import HistoryError
from accord.history._cache import cache_file
from accord.history._commits import History
from accord.history._git import (
    Blobs,
    Repo,
    is_agreement,
    list_tree,
    open_repo,
    resolve_rev,
    run_git,
)
from accord.history._walk import walk

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

    When git ignores ``.accord/history-cache.json`` in the workspace, the
    parsed file versions are kept there, so the next call parses only the
    versions that are new (`accord.history._cache`).
    """
    try:
        repo = open_repo(root)
    except HistoryError as exc:
        return History(available=False, note=f"Change history is not available: {exc}.")
    sha = resolve_rev(repo, rev)
    history = History(shallow=repo.shallow, note=_SHALLOW_FIX if repo.shallow else None)
    with contextlib.suppress(HistoryError):  # e.g. a bare repository has no working tree
        history.uncommitted_files = _uncommitted(repo, agreements_dir)
    try:
        if sha is None:
            history.note = "Change history is not available: nothing has been committed yet."
        else:
            walk(repo, sha, agreements_dir, history, cache_file(repo))
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
    repo = open_repo(root)
    if resolve_rev(repo, "HEAD") is None:
        return None
    stamp = when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S +0000")
    out = run_git(root, "rev-list", "--first-parent", "-1", f"--before={stamp}", "HEAD").stdout
    sha = out.decode().strip()
    if not sha:
        if repo.shallow:
            raise HistoryError(f"no commit at or before {when.isoformat()}: {_SHALLOW_FIX}")
        return None
    files: dict[str, bytes] = {}
    with Blobs(root) as blobs:
        for path, blob in sorted(list_tree(repo, sha, agreements_dir)):
            files[path] = blobs.read(blob)
    return files


# --- the working tree -------------------------------------------------------------


def uncommitted_files(root: Path, agreements_dir: str = "agreements") -> list[str]:
    """Agreement files whose working-tree state is not committed, relative to `root`.

    Untracked, modified, staged and deleted files all count; ignored files do
    not. Empty when git or the repository is unavailable.
    """
    try:
        return _uncommitted(open_repo(root), agreements_dir)
    except HistoryError:
        return []


def _uncommitted(repo: Repo, agreements_dir: str) -> list[str]:
    proc = run_git(
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
        if is_agreement(path):
            found.add(repo.rel(path))
    return sorted(found)
