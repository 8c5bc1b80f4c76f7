"""The walk behind `accord.history.entity_history`: one log pass, each blob parsed once.

`walk` reads ``git log --first-parent --raw -z`` (`accord.history._git.read_log`)
as git writes it, newest first, and meanwhile fetches the file versions its
entries name from one ``git cat-file --batch`` process, a batch of blob ids
per round trip, parsing each blob once (`_Versions`, by blob id). With the
cache file of `accord.history._cache`, only the versions that are new since
the last run are fetched and parsed. Then the walk goes over the commits
oldest first, keeping the entities of every file
(`_Snapshot`) and diffing, for each commit, the entities of its changed
files before and after it. A version that cannot be read is noted in
`History.notes`; its file keeps its last readable version, and its changes
show with the next readable one.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path
from typing import Any

from accord.domain.errors import HistoryError, LoadError
from accord.history._cache import Versions, load, save
from accord.history._commits import Commit, History, parse_approvers, parse_pr, parse_title
from accord.history._git import Blobs, Change, Repo, is_agreement, is_regular, read_log
from accord.history.diff import EntityKey, FieldChange, diff_snapshots, entity_key
from accord.loading import MAX_BYTES, decode, parse_documents, quick_documents

Entities = dict[EntityKey, dict[str, Any]]
_Entry = tuple[list[str], list[Change]]  # one commit in the log: its header and file changes


def walk(
    repo: Repo, sha: str, agreements_dir: str, history: History, cache: Path | None = None
) -> None:
    """Fill `history` (commits newest first, `head`, `notes`) from one log pass up to `sha`.

    With `cache`, versions parsed in an earlier run are taken from that file,
    and it is rewritten with this run's readable versions when any was new.
    """
    entries: list[_Entry] = []
    known = load(cache) if cache is not None else {}
    with contextlib.closing(_Versions(repo.root, known)) as versions:
        for entry in read_log(repo, sha, agreements_dir):  # git is still writing meanwhile
            entries.append(entry)
            for change in entry[1]:
                if _kept(change):
                    versions.want(change.sha)
        versions.fetch()
    if cache is not None and versions.parsed:
        save(cache, versions.documents())
    snapshot = _Snapshot()
    commits = [_step(repo, entry, versions, snapshot, history) for entry in reversed(entries)]
    commits.reverse()
    history.commits = commits
    history.head = snapshot.places()


def _kept(change: Change) -> bool:
    """Whether `change` leaves an agreement file (a regular one) in place."""
    return change.status != "D" and is_regular(change.mode) and is_agreement(change.path)


class _Versions:
    """The entities of file versions by blob id, each blob fetched and parsed once."""

    BATCH = 256
    """Blob ids asked for per round trip: all of them must fit in the pipe git
    reads them from (64 KiB, 41 bytes an id) while its answers wait to be read."""

    def __init__(self, root: Path, known: Versions) -> None:
        self._root = root
        self._blobs: Blobs | None = None  # started when the first blob is fetched
        self._known = known  # entity documents of versions parsed in an earlier run
        self._wanted: dict[str, None] = {}  # ids to fetch, in order
        # parsed entities, or what could not be parsed: the bytes (parsed again with the
        # file name for the message) or why git could not give them
        self._read: dict[str, Entities | bytes | HistoryError] = {}
        self.parsed = 0
        """How many readable versions were fetched and parsed (not known already)."""

    def want(self, sha: str) -> None:
        """Note blob `sha` for fetching; a full batch is fetched at once."""
        if sha in self._read:
            return
        known = self._known.get(sha)
        if known is not None:
            self._read[sha] = _entities(known)
            return
        self._wanted[sha] = None
        if len(self._wanted) >= self.BATCH:
            self.fetch()

    def close(self) -> None:
        """Stop the blob reader, if one was started."""
        if self._blobs is not None:
            self._blobs.close()

    def fetch(self) -> None:
        """Fetch and parse every noted blob."""
        shas = list(self._wanted)
        if not shas:
            return
        self._wanted.clear()
        blobs = self._blobs = self._blobs or Blobs(self._root)
        for start in range(0, len(shas), self.BATCH):
            batch = shas[start : start + self.BATCH]
            blobs.request(batch)
            for blob, data in zip(batch, blobs.collect(batch, MAX_BYTES), strict=True):
                read = self._read[blob] = data if isinstance(data, HistoryError) else _parsed(data)
                self.parsed += isinstance(read, dict)

    def documents(self) -> Versions:
        """The entity documents of every readable version, by blob id (for the cache)."""
        return {
            sha: list(read.values()) for sha, read in self._read.items() if isinstance(read, dict)
        }

    def entities(self, sha: str, file: str) -> Entities | str:
        """The entities of blob `sha` (fetched already) as file `file`, or why it is unreadable."""
        found = self._read[sha]
        if isinstance(found, dict):
            return found
        if isinstance(found, HistoryError):
            return f"{file}: {found}"
        try:
            return _entities([doc.data for doc in parse_documents(decode(found, file), file)])
        except LoadError as exc:
            first = exc.problems[0].format() if exc.problems else str(exc)
            more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
            return first + more


def _parsed(data: bytes) -> Entities | bytes:
    """The entities of one blob, or the blob itself when it cannot be parsed."""
    try:
        text = decode(data, "")
        docs = quick_documents(text)
        if docs is None:  # something unusual: the full parser decides
            docs = [doc.data for doc in parse_documents(text, "")]
    except LoadError:
        return data
    return _entities(docs)


def _entities(docs: list[dict[str, Any]]) -> Entities:
    """The entities of one file's documents, by ``(kind, id)`` (the first of a duplicate)."""
    found: Entities = {}
    for doc in docs:
        key = entity_key(doc)
        if key is not None and key not in found:
            found[key] = doc
    return found


class _Snapshot:
    """The entities of every agreement file at one point, tracked by ``(kind, id)``."""

    def __init__(self) -> None:
        self.files: dict[str, Entities] = {}
        self.where: dict[EntityKey, set[str]] = {}

    def get(self, key: EntityKey) -> dict[str, Any] | None:
        """The data of entity `key`; for a duplicate id (invalid anyway) the first file's."""
        paths = self.where.get(key)
        return self.files[min(paths)][key] if paths else None

    def places(self) -> dict[EntityKey, str]:
        """The file of every entity (`get`'s choice for a duplicate id)."""
        return {key: min(paths) for key, paths in self.where.items() if paths}

    def set(self, path: str, entities: Entities | None) -> None:
        """Put `entities` as the content of file `path` (``None``: the file is gone)."""
        for key in self.files.pop(path, {}):
            self.where[key].discard(path)
        if entities is not None:
            self.files[path] = entities
            for key in entities:
                self.where.setdefault(key, set()).add(path)


def _step(
    repo: Repo, entry: _Entry, versions: _Versions, snapshot: _Snapshot, history: History
) -> Commit:
    """The commit of `entry` with its entity changes; moves `snapshot` past it."""
    header, file_changes = entry
    files: dict[str, Entities | None] = {}
    for change in file_changes:
        file = repo.rel(change.path)
        if not is_agreement(file):
            continue
        if not _kept(change):
            files[file] = None
            continue
        read = versions.entities(change.sha, file)
        if isinstance(read, str):
            history.notes.append(
                f"{header[0][:7]} ({header[1][:10]}): {file} could not be read; its changes "
                f"show with its next readable version. {read}"
            )
            continue
        files[file] = read
    # only the entities of the changed files can change
    affected: set[EntityKey] = set()
    for file, entities in files.items():
        affected.update(snapshot.files.get(file, ()))
        affected.update(entities or ())
    keys = sorted(affected)
    before = {key: data for key in keys if (data := snapshot.get(key)) is not None}
    for file, entities in files.items():
        snapshot.set(file, entities)
    after = {key: data for key in keys if (data := snapshot.get(key)) is not None}
    return _commit(header, diff_snapshots(before, after))


def _commit(header: list[str], changes: dict[EntityKey, list[FieldChange]]) -> Commit:
    full, committed, authored, author, email, subject, body = header
    title, merge = parse_title(subject, body)
    return Commit(
        sha=full,
        date=datetime.fromisoformat(committed.strip()),
        author=author,
        email=email,
        subject=subject,
        pr=parse_pr(subject, body),
        author_date=datetime.fromisoformat(authored.strip()),
        changes=changes,
        approvers=parse_approvers(body),
        title=title,
        merged_by=author if merge else None,
    )
