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
import os
import re
import shlex
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from ruamel.yaml import events as ev
from ruamel.yaml.error import YAMLError

from accord._errors import HistoryError, LoadError
from accord._yaml import (
    _SUSPECT,
    MAX_BYTES,
    MAX_DEPTH,
    _parser,
    decode,
    document_starts,
    has_directives,
    parse_documents,
    resolve_plain,
)
from accord.diff import EntityKey, FieldChange, diff_snapshots, entity_key

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


@dataclass(frozen=True)
class Commit:
    """One commit on the branch that changed agreement files.

    Attributes:
        sha: the full commit id.
        date: when the commit landed on the branch (committer date, with its offset).
        author: the author's name (after .mailmap), verbatim.
        email: the author's email, verbatim.
        subject: the first line of the message, verbatim.
        pr: the pull or merge request the subject names: ``"12"`` (GitHub style,
            ``#12``) or ``"!12"`` (GitLab), else ``None``.
        author_date: when the change was written (author date).
        changes: field changes per entity; empty when the commit touched the files
            without changing any entity (comments, formatting).
    """

    sha: str
    date: datetime
    author: str
    email: str
    subject: str
    pr: str | None = None
    author_date: datetime | None = None
    changes: dict[EntityKey, list[FieldChange]] = field(default_factory=dict, compare=False)

    @property
    def short_sha(self) -> str:
        return self.sha[:7]


def parse_pr(subject: str, body: str = "") -> str | None:
    """The pull/merge request a commit message names, or ``None``.

    ``Merge pull request #12 from x/y`` and ``Fix target (#7)`` give ``"12"`` and
    ``"7"``; GitLab's ``!5`` (in the subject, or ``See merge request group/repo!5``
    in the body) gives ``"!5"``.
    """
    for pattern in _PR_SUBJECT:
        m = pattern.search(subject)
        if m:
            return m.group(1)
    m = _PR_BODY.search(body)
    return m.group(1) if m else None


_PR_SUBJECT = (
    re.compile(r"\bpull request #([0-9]+)\b", re.IGNORECASE),
    re.compile(r"\(#([0-9]+)\)\s*$"),
    re.compile(r"(?:^|[\s(\[])(![0-9]+)\b"),
)
_PR_BODY = re.compile(r"^See merge request \S*?(![0-9]+)\b", re.MULTILINE)


def _base_url(repo_url: str | None) -> str | None:
    if not repo_url or not re.match(r"https?://[^\s/]+", repo_url):
        return None  # only web links: never javascript: or file: from a YAML field
    base = repo_url.strip().rstrip("/")
    return base[:-4] if base.endswith(".git") else base


def pr_url(commit: Commit, repo_url: str | None) -> str | None:
    """Link to the pull request `commit` names, or ``None``.

    ``12`` → ``{repo_url}/pull/12`` (GitHub, Gitea, Forgejo); ``!12`` →
    ``{repo_url}/-/merge_requests/12`` (GitLab). Only http(s) ``repo_url``\\ s
    give links.
    """
    base = _base_url(repo_url)
    if base is None or commit.pr is None:
        return None
    if commit.pr.startswith("!"):
        return f"{base}/-/merge_requests/{commit.pr[1:]}"
    return f"{base}/pull/{commit.pr}"


def commit_url(commit: Commit, repo_url: str | None) -> str | None:
    """Link to `commit` (``{repo_url}/commit/{sha}``, which GitHub and GitLab both serve)."""
    base = _base_url(repo_url)
    return None if base is None else f"{base}/commit/{commit.sha}"


@dataclass
class History:
    """The change history of every entity, newest commit first.

    Attributes:
        commits: commits on the branch (first parent) that touched agreement files.
        available: false when git history could not be read at all (see `note`).
        shallow: the repository is a shallow clone; older history is missing.
        note: why history is missing or incomplete, with the fix; ``None`` when complete.
        notes: files that could not be parsed at some commit (history continues).
        head: the file of every entity as committed at the revision read.
        uncommitted_files: agreement files with changes not yet committed
            (untracked, modified, staged, deleted), relative to the workspace.
    """

    commits: list[Commit] = field(default_factory=list)
    available: bool = True
    shallow: bool = False
    note: str | None = None
    notes: list[str] = field(default_factory=list)
    head: dict[EntityKey, str] = field(default_factory=dict)
    uncommitted_files: list[str] = field(default_factory=list)
    _index: dict[EntityKey, list[tuple[Commit, list[FieldChange]]]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    pr_url = staticmethod(pr_url)
    commit_url = staticmethod(commit_url)

    def for_entity(self, key: EntityKey) -> list[tuple[Commit, list[FieldChange]]]:
        """The commits that changed entity `key` with its changes, newest first."""
        if self._index is None:
            index: dict[EntityKey, list[tuple[Commit, list[FieldChange]]]] = {}
            for commit in self.commits:
                for k, changes in commit.changes.items():
                    index.setdefault(k, []).append((commit, changes))
            self._index = index
        return list(self._index.get(key, []))

    def is_committed(self, key: EntityKey) -> bool:
        """Whether entity `key` exists in the committed agreements (else "not yet committed")."""
        return key in self.head


# --- running git ----------------------------------------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(LC_ALL="C", GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0", GIT_PAGER="cat")
    return env


def _command(root: Path, args: Sequence[str]) -> list[str]:
    return ["git", "-c", "core.quotepath=off", "-C", str(root), "--literal-pathspecs", *args]


def _git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    """Run git in `root`; raise `HistoryError` (with a fix when known) if it fails."""
    try:
        proc = subprocess.run(_command(root, args), capture_output=True, env=_env(), check=False)
    except FileNotFoundError:
        raise HistoryError("git is not installed (or not on PATH)") from None
    except OSError as exc:
        raise HistoryError(f"git could not be run: {exc}") from None
    if check and proc.returncode != 0:
        raise HistoryError(_explain(root, proc.stderr))
    return proc


def _explain(root: Path, stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace").strip()
    if "dubious ownership" in text:
        m = re.search(r"repository at '([^'\n]+)'", text)
        where = m.group(1) if m else str(root.resolve())
        return (
            f"git refuses to read {where}: the repository belongs to another user "
            '("dubious ownership"). If you trust it, run: '
            f"git config --global --add safe.directory {shlex.quote(where)}"
        )
    if "cannot change to" in text:
        return f"{root} does not exist"
    if "not a git repository" in text:
        return f"{root} is not in a git repository"
    lines = [line for line in text.splitlines() if line.strip()]
    return f"git failed: {lines[0] if lines else 'unknown error'}"


@dataclass(frozen=True)
class _Repo:
    root: Path
    prefix: str  # the workspace's path inside the repository, "" or ending in "/"
    shallow: bool

    def rel(self, path: str) -> str:
        """A repository path as a path relative to the workspace."""
        return path[len(self.prefix) :] if path.startswith(self.prefix) else path


def _open(root: Path) -> _Repo:
    out = _git(root, "rev-parse", "--show-prefix", "--is-shallow-repository").stdout
    lines = out.decode("utf-8", "replace").splitlines()
    prefix = lines[0] if lines else ""
    shallow = len(lines) > 1 and lines[1].strip() == "true"
    return _Repo(root, prefix, shallow)


def _resolve(repo: _Repo, rev: str) -> str | None:
    """The commit id of `rev`, or ``None`` when HEAD has no commit yet."""
    proc = _git(
        repo.root,
        "rev-parse",
        "--verify",
        "-q",
        "--end-of-options",
        f"{rev}^{{commit}}",
        check=False,
    )
    if proc.returncode == 0:
        return proc.stdout.decode().strip()
    if rev == "HEAD":
        return None
    raise HistoryError(f"unknown git revision {rev!r}")


def _is_agreement(path: str) -> bool:
    return path.lower().endswith((".yaml", ".yml"))


def _regular(mode: str) -> bool:
    return mode in ("100644", "100755", "100664")


class _Blobs:
    """One ``git cat-file --batch`` process, read object by object."""

    def __init__(self, root: Path) -> None:
        try:
            self._proc = subprocess.Popen(
                _command(root, ["cat-file", "--batch"]),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=_env(),
            )
        except OSError as exc:
            raise HistoryError(f"git could not be run: {exc}") from None

    def __enter__(self) -> _Blobs:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        with contextlib.suppress(BrokenPipeError):
            self._proc.stdin.close()
        self._proc.stdout.close()
        self._proc.wait()

    def read(self, sha: str, limit: int | None = None) -> bytes:
        """The content of blob `sha`.

        Raises:
            HistoryError: the object is missing, or larger than `limit` bytes.
        """
        stdin, stdout = self._proc.stdin, self._proc.stdout
        assert stdin is not None and stdout is not None
        try:
            stdin.write(sha.encode() + b"\n")
            stdin.flush()
        except BrokenPipeError:
            raise HistoryError("git cat-file stopped unexpectedly") from None
        header = stdout.readline().split()
        if len(header) != 3:
            raise HistoryError(f"object {sha} is missing from the repository")
        size = int(header[2])
        if limit is not None and size > limit:
            _skip(stdout, size + 1)
            raise HistoryError(f"file is {size:,} bytes; agreement files may be at most {limit:,}")
        data = stdout.read(size)
        stdout.read(1)  # the newline after each object
        return data

    def read_many(self, shas: Sequence[str], limit: int) -> list[bytes | HistoryError]:
        """The contents of `shas` (one round trip), or why each cannot be read.

        Keep `shas` to a few hundred: all ids are written before any reply is
        read, so they must fit in the pipe's buffer.
        """
        stdin, stdout = self._proc.stdin, self._proc.stdout
        assert stdin is not None and stdout is not None
        try:
            stdin.write(b"".join(sha.encode() + b"\n" for sha in shas))
            stdin.flush()
        except BrokenPipeError:
            raise HistoryError("git cat-file stopped unexpectedly") from None
        out: list[bytes | HistoryError] = []
        for sha in shas:
            header = stdout.readline().split()
            if not header:
                raise HistoryError("git cat-file stopped unexpectedly")
            if len(header) != 3:
                out.append(HistoryError(f"object {sha} is missing from the repository"))
                continue
            size = int(header[2])
            if size > limit:
                _skip(stdout, size + 1)
                out.append(
                    HistoryError(
                        f"file is {size:,} bytes; agreement files may be at most {limit:,}"
                    )
                )
                continue
            out.append(stdout.read(size))
            stdout.read(1)
        return out


def _skip(stream: IO[bytes], size: int) -> None:
    while size > 0:
        chunk = stream.read(min(size, 1 << 16))
        if not chunk:
            return
        size -= len(chunk)


# --- the log --------------------------------------------------------------------

_FIELDS = ("%H", "%cI", "%aI", "%aN", "%aE", "%s", "%b")
_FORMAT = "%x1e" + "%x00".join(_FIELDS)


@dataclass(frozen=True)
class _Change:
    status: str
    mode: str  # new mode; "000000" when deleted
    sha: str  # new blob id
    path: str  # relative to the repository root


_CHUNK = 1 << 16  # bytes of git log output read at a time


def _log(repo: _Repo, rev: str, agreements_dir: str) -> Iterator[tuple[list[str], list[_Change]]]:
    """Commits newest first, each as its header fields and its file changes.

    Streamed: commits are yielded while git is still writing the rest, so the
    caller can read and parse files meanwhile. Raises `HistoryError` (after the
    last commit) when git fails.
    """
    args = [
        "log",
        "--first-parent",
        "--diff-merges=first-parent",
        "--root",
        "--no-renames",
        "--no-abbrev",
        "--no-color",
        "--no-show-signature",
        "--no-ext-diff",
        "--no-textconv",
        "--encoding=UTF-8",
        "--raw",
        "-z",
        f"--format={_FORMAT}",
        rev,
        "--",
        agreements_dir,
    ]
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(
                _command(repo.root, args), stdout=subprocess.PIPE, stderr=errors, env=_env()
            )
        except FileNotFoundError:
            raise HistoryError("git is not installed (or not on PATH)") from None
        except OSError as exc:
            raise HistoryError(f"git could not be run: {exc}") from None
        stdout = proc.stdout
        assert stdout is not None
        try:
            pending: list[bytes] = []
            tail = b""
            while chunk := os.read(stdout.fileno(), _CHUNK):
                tokens = (tail + chunk).split(b"\0")
                tail = tokens.pop()
                pending += tokens
                last = next(
                    (i for i in range(len(pending) - 1, 0, -1) if _starts_record(pending[i])), 0
                )
                if last:  # the records before the last start are complete
                    yield from _records(pending[:last])
                    del pending[:last]
            pending.append(tail)
        finally:
            stdout.close()
            code = proc.wait()
        if code != 0:
            errors.seek(0)
            raise HistoryError(_explain(repo.root, errors.read()))
    yield from _records(pending)


def _starts_record(token: bytes) -> bool:
    return token[:1] == b"\x1e" or token.lstrip(b"\n")[:1] == b"\x1e"


def _records(tokens: list[bytes]) -> Iterator[tuple[list[str], list[_Change]]]:
    """Parse whole records of the ``git log --raw -z`` output."""
    i, n = 0, len(tokens)
    while i < n:
        head = tokens[i].lstrip(b"\n")
        if not head.startswith(b"\x1e"):
            i += 1  # the empty token after the last NUL
            continue
        header = [t.decode("utf-8", "replace") for t in tokens[i : i + len(_FIELDS)]]
        if len(header) < len(_FIELDS):
            raise HistoryError("git log output ended early")
        header[0] = head[1:].decode()
        i += len(_FIELDS)
        changes: list[_Change] = []
        while i < n and tokens[i].lstrip(b"\n").startswith(b":"):
            meta = tokens[i].lstrip(b"\n")[1:].decode().split()
            status = meta[4] if len(meta) > 4 else "M"
            paths = 2 if status[:1] in ("R", "C") else 1
            names = [t.decode("utf-8", "replace") for t in tokens[i + 1 : i + 1 + paths]]
            i += 1 + paths
            if paths == 2:  # not produced with --no-renames; handled as delete + add
                changes.append(_Change("D", "000000", "0" * len(meta[3]), names[0]))
                changes.append(_Change("A", meta[1], meta[3], names[1]))
            else:
                changes.append(_Change(status[:1], meta[1], meta[3], names[0]))
        yield header, changes


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


class _Unusual(Exception):
    """The quick parser met something only `parse_documents` reports properly."""


def _quick_documents(text: str) -> list[dict[str, Any]] | None:
    """The documents' data as `parse_documents` gives it, without positions.

    History needs the values only, not the position index that makes the
    validator's loader slower. Anything the full parser refuses or reports
    (anchors, tags, directives, duplicate or non-text keys, suspicious escapes,
    deep nesting, syntax errors) returns ``None``, so the caller asks
    `parse_documents`, which gives the exact error.
    """
    parser = _parser(text)
    get = parser.get_event
    docs: list[dict[str, Any]] = []
    try:
        for event in document_starts(get):
            if has_directives(event):
                return None
            data = _quick_node(get, get(), 0)
            get()  # DocumentEndEvent
            if data is None:
                continue
            if type(data) is not dict:
                return None
            docs.append(data)
        return docs
    except (_Unusual, YAMLError, RecursionError):
        return None
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()


_Scalar, _SeqStart, _SeqEnd = ev.ScalarEvent, ev.SequenceStartEvent, ev.SequenceEndEvent
_MapStart, _MapEnd = ev.MappingStartEvent, ev.MappingEndEvent


_PLAIN: dict[str, Any] = {}  # plain scalar → its value: agreements repeat their words


def _plain(text: str) -> Any:
    value = _PLAIN.get(text, _PLAIN)
    if value is _PLAIN:
        value = resolve_plain(text)
        if len(_PLAIN) < 50_000 and len(text) < 200:
            _PLAIN[text] = value
    return value


def _quick_node(get: Any, event: Any, depth: int) -> Any:
    kind = type(event)
    if kind is _Scalar:
        if event.anchor is not None or event.ctag is not None:
            raise _Unusual
        value = event.value
        style = event.style
        if not style and event.implicit[0]:
            return _plain(value)
        if style == '"' and _SUSPECT.search(value):
            raise _Unusual
        return value
    if kind is not _MapStart and kind is not _SeqStart:
        raise _Unusual  # aliases, and anything else unexpected
    if event.anchor is not None or event.ctag is not None or depth >= MAX_DEPTH:
        raise _Unusual
    depth += 1
    if kind is _MapStart:
        mapping: dict[str, Any] = {}
        while True:
            child = get()
            if type(child) is not _Scalar:
                if type(child) is _MapEnd:
                    return mapping
                raise _Unusual
            if child.anchor is not None or child.ctag is not None:
                raise _Unusual
            key: Any = child.value
            if not child.style and child.implicit[0]:
                key = _plain(key)
                if type(key) is not str:
                    raise _Unusual
            elif child.style == '"' and _SUSPECT.search(key):
                raise _Unusual
            if key in mapping:
                raise _Unusual
            mapping[key] = _quick_node(get, get(), depth)
    items: list[Any] = []
    while True:
        child = get()
        if type(child) is _SeqEnd:
            return items
        items.append(_quick_node(get, child, depth))


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
