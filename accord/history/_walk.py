"""The walk behind `accord.history.entity_history`: one log pass, file versions, diffs.

`walk` reads the log newest first while git writes it (`_walk_newest_first`):
it starts from the files at the revision, steps back one commit at a time and
diffs the entities of each commit's files before and after it. `_Reader`
reads each file version from the version read before it when only values
changed (`accord.history._line_yaml`), else parses it whole; a one-file value change
is diffed along its changed paths only (`_changed_documents`). An unreadable
version sends the walk back to the start, oldest first
(`_walk_oldest_first`), over the log entries already read — that file keeps
its last readable version and its changes show with the next readable one.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
from collections import deque
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from accord.domain.errors import HistoryError, LoadError
from accord.history._commits import Commit, History, parse_pr
from accord.history._git import Blobs, Change, Repo, is_agreement, is_regular, list_tree, read_log
from accord.history._line_yaml import Version, next_version, parse_version
from accord.history.diff import EntityKey, FieldChange, diff_entity_at, diff_snapshots, entity_key
from accord.loading import MAX_BYTES, decode, parse_documents, quick_documents


def _date(text: str) -> datetime:
    return datetime.fromisoformat(text.strip())


Entities = dict[EntityKey, dict[str, Any]]
_Entry = tuple[list[str], list[Change]]  # one commit in the log: its header and file changes


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
        self.files: dict[str, dict[EntityKey, dict[str, Any]]] = {}
        self.where: dict[EntityKey, set[str]] = {}

    def get(self, key: EntityKey) -> tuple[str, dict[str, Any]] | None:
        paths = self.where.get(key)
        if not paths:
            return None
        first = min(paths)  # a duplicate id (invalid anyway): the first file wins
        return first, self.files[first][key]

    def places(self) -> dict[EntityKey, str]:
        """The file of every entity (`get`'s choice for a duplicate id)."""
        return {key: where[0] for key in self.where if (where := self.get(key))}

    def set(self, path: str, entities: dict[EntityKey, dict[str, Any]] | None) -> None:
        for key in self.files.pop(path, {}):
            self.where[key].discard(path)
        if entities is not None:
            self.files[path] = entities
            for key in entities:
                self.where.setdefault(key, set()).add(path)


class _Reader:
    """The entities of each version of a changed file, in the order the walk meets them.

    Blobs are fetched a batch at a time (one ``git cat-file`` round trip). A
    version that differs from the version of the same file read before it
    only in values is read from its changed lines (`accord.history._line_yaml`); any
    other is parsed whole. Results are kept by blob id, so a blob read again
    costs nothing.
    """

    BATCH = 128
    # ids asked for and not yet received stay under 2 × AHEAD: all of them must fit
    # in the pipe git reads them from (64 KiB, 41 bytes an id), or writing more blocks
    # while git waits for its answers to be read
    AHEAD = 256

    def __init__(self, blobs: Blobs) -> None:
        self._blobs = blobs
        self._wanted: dict[str, None] = {}  # blob ids to ask for, in order
        self._requested: dict[str, None] = {}  # asked for, not received yet, oldest first
        self._raw: dict[str, bytes | HistoryError] = {}  # fetched, not yet read
        self._parsed: dict[str, Entities] = {}
        self._failed: dict[tuple[str, str], str] = {}
        self._versions: dict[str, tuple[str, Version]] = {}  # file → its last version, by line
        # file → (its blob, the blob it was read from, that version, this version) when the
        # last version read came from the changed lines of the one before
        self.steps: dict[str, tuple[str, str, Version, Version]] = {}
        self._shapes: dict[int, Version] = {}  # newlines → the last version with that many

    @property
    def waiting(self) -> int:
        """How many noted blobs are not requested yet."""
        return len(self._wanted)

    def want(self, sha: str) -> None:
        """Note that blob `sha` will be needed (asked for by the next `request`)."""
        if sha not in self._parsed and sha not in self._raw and sha not in self._requested:
            self._wanted[sha] = None

    def request(self, limit: int | None = None) -> int:
        """Ask git for the noted blobs (at most `limit`) without waiting; returns how many.

        Receive them with `collect`.
        """
        shas = list(itertools.islice(self._wanted, limit))
        for sha in shas:
            del self._wanted[sha]
            self._requested[sha] = None
        self._blobs.request(shas)
        return len(shas)

    def collect(self, count: int) -> None:
        """Receive the `count` blobs requested longest ago."""
        shas = list(itertools.islice(self._requested, count))
        for sha, data in zip(shas, self._blobs.collect(shas, MAX_BYTES), strict=True):
            self._raw[sha] = data
            del self._requested[sha]

    def fetch(self) -> None:
        """Fetch every noted blob now, a few hundred per round trip."""
        self.collect(len(self._requested))
        while self._wanted:
            self.collect(self.request(self.AHEAD))

    def forget(self, file: str) -> None:
        """`file` was deleted: its next version (if any) is read whole."""
        self._versions.pop(file, None)
        self.steps.pop(file, None)

    def entities(self, sha: str, file: str) -> Entities | str:
        """The entities of blob `sha` as file `file`, or why it could not be read.

        Call it for each version of a file in commit order: a version is read
        from the file's version before it when only values changed.
        """
        found = self._parsed.get(sha)
        if found is not None:
            self._versions.pop(file, None)  # only the text's entities are kept
            self.steps.pop(file, None)
            return found
        failed = self._failed.get((sha, file))
        if failed is not None:
            return failed
        if sha not in self._raw:
            self.want(sha)
            self.fetch()
        data = self._raw[sha]
        if isinstance(data, HistoryError):
            self._failed[(sha, file)] = f"{file}: {data}"
            return self._failed[(sha, file)]
        try:
            found = self._read(data, file, sha)
        except LoadError as exc:
            first = exc.problems[0].format() if exc.problems else str(exc)
            more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
            self._failed[(sha, file)] = first + more  # the blob stays: it may be another file
            return self._failed[(sha, file)]
        del self._raw[sha]
        self._parsed[sha] = found
        return found

    def _read(self, data: bytes, file: str, sha: str) -> Entities:
        text = decode(data, file)
        previous = self._versions.get(file)
        self.steps.pop(file, None)
        version = None
        if previous is not None:
            version = next_version(previous[1], text)
            if version is not None:
                self.steps[file] = (sha, previous[0], previous[1], version)
        else:
            # a file's first version: read it from another file written the same way
            shape = self._shapes.get(text.count("\n"))
            version = next_version(shape, text) if shape is not None else None
        if version is None:
            docs = quick_documents(text)
            if docs is None:  # something unusual: the full parser says exactly what
                self._versions.pop(file, None)
                return _entities([doc.data for doc in parse_documents(text, file)])
            version = parse_version(text, docs)
            if version is None:
                self._versions.pop(file, None)
                return _entities(docs)
        self._versions[file] = (sha, version)
        self._shapes[len(version.lines) - 1] = version
        return _entities(version.docs)


def walk(repo: Repo, sha: str, agreements_dir: str, history: History) -> None:
    """Fill `history` from one log pass.

    The fast way walks newest first from the files at `sha`, while git is
    still writing the log. When some version of a file cannot be read, the
    walk starts over oldest first, where the file keeps its last readable
    version and its changes show with the next readable one.
    """
    with Blobs(repo.root) as blobs, _no_cycle_collection():
        reader = _Reader(blobs)
        log = read_log(repo, sha, agreements_dir)
        seen: list[_Entry] = []
        walked = _walk_newest_first(repo, sha, agreements_dir, reader, log, seen)
        if walked is not None:
            history.commits, history.head = walked
            return
        seen.extend(log)  # the rest of the same pass
        seen.reverse()
        _walk_oldest_first(repo, seen, history, reader)


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector: the walk builds no cycles, only many small objects.

    Reference counting still frees everything; the collector would only scan
    the growing history over and over (about a tenth of the walk's time).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _walk_newest_first(
    repo: Repo,
    sha: str,
    agreements_dir: str,
    reader: _Reader,
    log: Iterator[_Entry],
    seen: list[_Entry],
) -> tuple[list[Commit], dict[EntityKey, str]] | None:
    """Commits (newest first) and each entity's file at `sha`; ``None`` if a file is unreadable.

    Starts from the files at `sha` and steps back one commit at a time: each
    commit's changes are its files' entities before it (read from the blobs
    the log names) against the running snapshot after it. Every entry taken
    from `log` is appended to `seen`, for a walk that has to start over.
    """
    first = next(log, None)  # git is running: list and read the files meanwhile
    if first is not None:
        seen.append(first)
    snapshot = _Snapshot()
    current: dict[str, str] = {}  # file → its blob at the point the walk has reached
    tree = list_tree(repo, sha, agreements_dir)
    for _, blob in tree:
        reader.want(blob)
    for file, blob in tree:
        entities = reader.entities(blob, file)
        if isinstance(entities, str):
            return None
        snapshot.set(file, entities)
        current[file] = blob
    head = snapshot.places()
    commits: list[Commit] = []
    queue: list[_Entry] = []
    asked: deque[tuple[list[_Entry], int]] = deque()  # batches whose blobs git is reading

    def step_back(entries: list[_Entry], count: int) -> bool:
        reader.collect(count)
        return _steps_back(repo, entries, reader, snapshot, current, commits)

    for entry in itertools.chain([first] if first is not None else [], log):
        if entry is not first:
            seen.append(entry)
        queue.append(entry)
        for change in entry[1]:
            if is_regular(change.old_mode) and is_agreement(change.path):
                reader.want(change.old_sha)
        if reader.waiting > reader.AHEAD:  # too many ids to ask for ahead: in step
            if not all(step_back(*batch) for batch in asked):
                return None
            asked.clear()
            reader.fetch()
            if not step_back(queue, 0):
                return None
            queue = []
        elif reader.waiting >= reader.BATCH:
            asked.append((queue, reader.request()))  # git reads this batch ...
            queue = []
            if len(asked) > 1 and not step_back(*asked.popleft()):  # ... while one is diffed
                return None
    asked.append((queue, reader.request()))
    if not all(step_back(*batch) for batch in asked):
        return None
    return commits, head


def _steps_back(
    repo: Repo,
    entries: list[_Entry],
    reader: _Reader,
    snapshot: _Snapshot,
    current: dict[str, str],
    commits: list[Commit],
) -> bool:
    """Step back over `entries`, adding their commits; false when the walk must start over."""
    for entry in entries:
        commit = _step_back(repo, entry, reader, snapshot, current)
        if commit is None:
            return False
        commits.append(commit)
    return True


def _step_back(
    repo: Repo,
    entry: _Entry,
    reader: _Reader,
    snapshot: _Snapshot,
    current: dict[str, str],
) -> Commit | None:
    """One commit's entity changes, moving `snapshot` back to before it; ``None`` to start over."""
    old_files: dict[str, Entities | None] = {}
    blobs: tuple[str, str | None] | None = None  # (before, after) of the last file read
    for change in entry[1]:
        file = repo.rel(change.path)
        if not is_agreement(file):
            continue
        after = change.sha if change.status != "D" and is_regular(change.mode) else None
        if current.get(file) != after:
            return None  # not the version the walk holds: start over, oldest first
        if change.status == "A" or not is_regular(change.old_mode):
            old_files[file] = None
            current.pop(file, None)
            continue
        read = reader.entities(change.old_sha, file)
        if isinstance(read, str):
            return None
        old_files[file] = read
        current[file] = change.old_sha
        blobs = (change.old_sha, after)
    if len(old_files) == 1:
        ((file, entities),) = old_files.items()
        step = reader.steps.get(file)
        if entities is not None and step is not None and step[:2] == blobs:
            changes = _changed_documents(file, step[3], step[2], entities, snapshot)
            if changes is not None:
                snapshot.set(file, entities)
                return _commit(entry[0], changes)
    return _change(entry[0], snapshot, old_files, backwards=True)


def _changed_documents(
    file: str, before: Version, after: Version, entities: Entities, snapshot: _Snapshot
) -> dict[EntityKey, list[FieldChange]] | None:
    """The changes of a commit that changed values in `file` only, or ``None`` if not that simple.

    `before` was read from `after`'s changed lines, so only the documents on
    those lines differ. The result equals the general way's (`_change`) when
    each changed document is the same entity before and after (its kind and
    id kept, not a duplicate) living in `file` alone; otherwise ``None``.
    """
    assert before.changed is not None
    by_doc: dict[int, list[tuple[str | int, ...]]] = {}
    for path in before.changed:
        by_doc.setdefault(path[0], []).append(path[1:])  # type: ignore[arg-type]
    after_entities = snapshot.files.get(file, {})
    found: list[tuple[EntityKey, dict[str, Any], dict[str, Any], list[tuple[str | int, ...]]]] = []
    for index, paths in by_doc.items():
        old, new = before.docs[index], after.docs[index]
        key = entity_key(old)
        if key is None:
            continue  # a document that is not an entity
        where = snapshot.where.get(key, ())
        if entities.get(key) is not old or after_entities.get(key) is not new or len(where) != 1:
            return None
        found.append((key, old, new, paths))
    if len(found) > 1:
        found.sort(key=lambda item: item[0])
    changes: dict[EntityKey, list[FieldChange]] = {}
    for key, old, new, paths in found:
        if diff := diff_entity_at(old, new, paths):
            changes[key] = diff
    return changes


def _walk_oldest_first(
    repo: Repo, entries: list[_Entry], history: History, reader: _Reader
) -> None:
    """Fill `history` from `entries` (oldest first); unreadable versions are noted and skipped."""
    for _, changes in entries:
        for change in changes:
            if change.status != "D" and is_regular(change.mode) and is_agreement(change.path):
                reader.want(change.sha)
    reader.fetch()
    snapshot = _Snapshot()
    commits = [_step_forward(repo, entry, reader, snapshot, history) for entry in entries]
    commits.reverse()
    history.commits = commits
    history.head = snapshot.places()


def _step_forward(
    repo: Repo,
    entry: _Entry,
    reader: _Reader,
    snapshot: _Snapshot,
    history: History,
) -> Commit:
    """One commit's entity changes; moves `snapshot` past it."""
    header, file_changes = entry
    new_files: dict[str, Entities | None] = {}
    for change in file_changes:
        file = repo.rel(change.path)
        if not is_agreement(file):
            continue
        if change.status == "D" or not is_regular(change.mode):
            new_files[file] = None
            reader.forget(file)
            continue
        read = reader.entities(change.sha, file)
        if isinstance(read, str):
            history.notes.append(
                f"{header[0][:7]} ({header[1][:10]}): {file} could not be read; its changes "
                f"show with its next readable version. {read}"
            )
            continue
        new_files[file] = read
    return _change(header, snapshot, new_files, backwards=False)


def _change(
    header: list[str],
    snapshot: _Snapshot,
    files: dict[str, Entities | None],
    *,
    backwards: bool,
) -> Commit:
    """The commit of `header`, setting `files` in `snapshot` and diffing the entities they hold.

    Forwards, `files` are the versions after the commit; backwards, before it.
    """
    # only the entities of the changed files can change
    affected: set[EntityKey] = set()
    for file, entities in files.items():
        affected.update(snapshot.files.get(file, ()))
        affected.update(entities or ())
    keys = sorted(affected) if len(affected) > 1 else list(affected)
    first = {k: v[1] for k in keys if (v := snapshot.get(k)) is not None}
    for file, entities in files.items():
        snapshot.set(file, entities)
    then = {k: v[1] for k in keys if (v := snapshot.get(k)) is not None}
    before, after = (then, first) if backwards else (first, then)
    return _commit(header, diff_snapshots(before, after))


def _commit(header: list[str], changes: dict[EntityKey, list[FieldChange]]) -> Commit:
    full, committed, authored, author, email, subject, body = header
    return Commit(
        sha=full,
        date=_date(committed),
        author=author,
        email=email,
        subject=subject,
        pr=parse_pr(subject, body),
        author_date=_date(authored),
        changes=changes,
    )
