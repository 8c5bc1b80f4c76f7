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

How: one ``git log --first-parent --raw -z`` over the folder lists every
change; while it is still writing, one ``git cat-file --batch`` process reads
the changed files a few hundred at a time (one round trip per batch), and each
blob is parsed once (cached by blob id) without the position index the validator
needs — falling back to `accord._yaml.parse_documents` for anything unusual,
so errors read the same — and a running snapshot of ``(kind, id) → (file,
data)`` is diffed commit by commit, oldest first, for the entities of the
changed files only. A file
that cannot be parsed at some commit is noted and keeps its last readable
version. Merges count once, as the change they brought to the branch.

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
from typing import Any

from accord._commits import Commit, History, commit_url, parse_pr, pr_url
from accord._errors import HistoryError, LoadError
from accord._git import (
    _Blobs,
    _Change,
    _git,
    _is_agreement,
    _log,
    _open,
    _regular,
    _Repo,
    _resolve,
)
from accord._quick_yaml import _quick_documents
from accord._yaml import MAX_BYTES, decode, parse_documents
from accord.diff import EntityKey, diff_snapshots, entity_key

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


def _date(text: str) -> datetime:
    return datetime.fromisoformat(text.strip())


def _entities(data: bytes, file: str) -> dict[EntityKey, dict[str, Any]]:
    """Entities of one file's content; `LoadError` if it cannot be read."""
    text = decode(data, file)
    docs = _quick_documents(text)
    if docs is None:  # something unusual: the full parser says exactly what
        docs = [doc.data for doc in parse_documents(text, file)]
    found: dict[EntityKey, dict[str, Any]] = {}
    for doc in docs:
        key = entity_key(doc)
        if key is not None and key not in found:
            found[key] = doc
    return found


class _Snapshot:
    """The entities of every agreement file at one point, tracked by ``(kind, id)``."""

    def __init__(self) -> None:
        self.files: dict[str, dict[EntityKey, dict[str, Any]]] = {}
        self.where: dict[EntityKey, set[str]] = {}

    def get(self, key: EntityKey) -> tuple[str, dict[str, Any]] | None:
        paths = self.where.get(key)
        if not paths:
            return None
        first = min(paths)  # a duplicate id (invalid anyway): the first file wins
        return first, self.files[first][key]

    def set(self, path: str, entities: dict[EntityKey, dict[str, Any]] | None) -> None:
        for key in self.files.pop(path, {}):
            self.where[key].discard(path)
        if entities is not None:
            self.files[path] = entities
            for key in entities:
                self.where.setdefault(key, set()).add(path)


class _Reader:
    """Changed files' entities: blobs fetched a batch at a time, each parsed once (by blob id)."""

    BATCH = 256

    def __init__(self, blobs: _Blobs) -> None:
        self._blobs = blobs
        self._pending: dict[str, str] = {}  # blob id → the file it was first seen as
        self._parsed: dict[str, dict[EntityKey, dict[str, Any]]] = {}
        self._failed: dict[tuple[str, str], str] = {}
        self._unparsed: dict[str, bytes | HistoryError] = {}  # kept for another file name

    def want(self, sha: str, file: str) -> None:
        """Note that blob `sha` will be needed; fetch and parse a batch when enough are noted."""
        if sha in self._parsed or sha in self._unparsed or sha in self._pending:
            return
        self._pending[sha] = file
        if len(self._pending) >= self.BATCH:
            self.fetch()

    def fetch(self) -> None:
        """Read and parse every noted blob."""
        pending, self._pending = self._pending, {}
        shas = list(pending)
        for sha, data in zip(shas, self._blobs.read_many(shas, MAX_BYTES), strict=True):
            self._parse(sha, pending[sha], data)

    def _parse(self, sha: str, file: str, data: bytes | HistoryError) -> None:
        if isinstance(data, HistoryError):
            self._unparsed[sha] = data
            self._failed[(sha, file)] = f"{file}: {data}"
            return
        try:
            self._parsed[sha] = _entities(data, file)
        except LoadError as exc:
            first = exc.problems[0].format() if exc.problems else str(exc)
            more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
            self._unparsed[sha] = data  # the same blob may be read as another file
            self._failed[(sha, file)] = first + more

    def entities(self, sha: str, file: str) -> dict[EntityKey, dict[str, Any]] | str:
        """The entities of blob `sha` (as file `file`), or why it could not be read."""
        for _ in range(2):
            found = self._parsed.get(sha)
            if found is not None:
                return found
            failed = self._failed.get((sha, file))
            if failed is not None:
                return failed
            if sha in self._unparsed:
                self._parse(sha, file, self._unparsed[sha])
            else:
                self._pending[sha] = file
                self.fetch()
        raise AssertionError("unreachable")  # pragma: no cover


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


def _walk(repo: _Repo, sha: str, agreements_dir: str, history: History) -> None:
    """Fill `history` from one log pass, diffing a running snapshot oldest first."""
    entries: list[tuple[list[str], list[_Change]]] = []
    snapshot = _Snapshot()
    commits: list[Commit] = []
    with _Blobs(repo.root) as blobs:
        reader = _Reader(blobs)
        # read and parse the changed files while git log is still writing
        for entry in _log(repo, sha, agreements_dir):
            entries.append(entry)
            for change in entry[1]:
                if change.status != "D" and _regular(change.mode) and _is_agreement(change.path):
                    reader.want(change.sha, repo.rel(change.path))
        reader.fetch()
        entries.reverse()
        for header, file_changes in entries:
            full, committed, authored, author, email, subject, body = header
            new_files: dict[str, dict[EntityKey, dict[str, Any]] | None] = {}
            for change in file_changes:
                file = repo.rel(change.path)
                if not _is_agreement(file):
                    continue
                if change.status == "D" or not _regular(change.mode):
                    new_files[file] = None
                    continue
                read = reader.entities(change.sha, file)
                if isinstance(read, str):
                    history.notes.append(
                        f"{full[:7]} ({committed[:10]}): {file} could not be read; its changes "
                        f"show with its next readable version. {read}"
                    )
                    continue
                new_files[file] = read
            # only the entities of the changed files can change
            affected: set[EntityKey] = set()
            for file, entities in new_files.items():
                affected.update(snapshot.files.get(file, ()))
                affected.update(entities or ())
            keys = sorted(affected) if len(affected) > 1 else list(affected)
            before = {k: v[1] for k in keys if (v := snapshot.get(k)) is not None}
            for file, entities in new_files.items():
                snapshot.set(file, entities)
            after = {k: v[1] for k in keys if (v := snapshot.get(k)) is not None}
            commits.append(
                Commit(
                    sha=full,
                    date=_date(committed),
                    author=author,
                    email=email,
                    subject=subject,
                    pr=parse_pr(subject, body),
                    author_date=_date(authored),
                    changes=diff_snapshots(before, after),
                )
            )
    commits.reverse()
    history.commits = commits
    history.head = {key: where[0] for key in snapshot.where if (where := snapshot.get(key))}


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
    listing = _git(root, "ls-tree", "-r", "-z", "--full-name", sha, "--", agreements_dir).stdout
    wanted: list[tuple[str, str]] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, blob = meta.decode().split()
        path = repo.rel(name.decode("utf-8", "replace"))
        if kind == "blob" and _regular(mode) and _is_agreement(path):
            wanted.append((path, blob))
    files: dict[str, bytes] = {}
    with _Blobs(root) as blobs:
        for path, blob in sorted(wanted):
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
