"""Running git for `accord.history`: the log stream and the blob reader.

Provides `run_git` (one git command, with a fix in the error when known — e.g. a
repository with "dubious ownership"), `is_ignored` (whether git ignores a path),
`open_repo` (the workspace's place in the repository and whether it is a
shallow clone), `resolve_rev`, `Blobs` (one ``git cat-file --batch`` process,
read a batch of objects per round trip) and `read_log`
(``git log --first-parent --raw -z`` parsed while git is still writing).
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, NamedTuple

from accord.domain.errors import HistoryError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

# --- running git ----------------------------------------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(LC_ALL="C", GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0", GIT_PAGER="cat")
    return env


def _command(root: Path, args: Sequence[str]) -> list[str]:
    return ["git", "-c", "core.quotepath=off", "-C", str(root), "--literal-pathspecs", *args]


def run_git(
    root: Path, *args: str, check: bool = True, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run git in `root` (with `stdin` as its input); raise `HistoryError` (with a fix
    when known) if git is missing or, with `check`, fails."""
    try:
        proc = subprocess.run(
            _command(root, args), input=stdin, capture_output=True, env=_env(), check=False
        )
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


def is_ignored(root: Path, path: str) -> bool:
    """Whether git ignores `path` (relative to `root`, no wildcards) and does not track it."""
    command = ["git", "-C", str(root), "check-ignore", "-q", "--", path]  # no pathspec magic
    try:
        proc = subprocess.run(command, capture_output=True, env=_env(), check=False)
    except OSError:
        return False
    return proc.returncode == 0


@dataclass(frozen=True)
class Repo:
    root: Path
    prefix: str  # the workspace's path inside the repository, "" or ending in "/"
    shallow: bool

    def rel(self, path: str) -> str:
        """A repository path as a path relative to the workspace."""
        return path[len(self.prefix) :] if path.startswith(self.prefix) else path


def open_repo(root: Path) -> Repo:
    out = run_git(root, "rev-parse", "--show-prefix", "--is-shallow-repository").stdout
    lines = out.decode("utf-8", "replace").splitlines()
    prefix = lines[0] if lines else ""
    shallow = len(lines) > 1 and lines[1].strip() == "true"
    return Repo(root, prefix, shallow)


def resolve_rev(repo: Repo, rev: str) -> str | None:
    """The commit id of `rev`, or ``None`` when HEAD has no commit yet."""
    proc = run_git(
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


def is_agreement(path: str) -> bool:
    return path.lower().endswith((".yaml", ".yml"))


def is_regular(mode: str) -> bool:
    return mode in ("100644", "100755", "100664")


class Blobs:
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
        assert self._proc.stdout is not None
        _widen(self._proc.stdout.fileno())  # room for a batch requested ahead

    def __enter__(self) -> Blobs:
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

    def request(self, shas: Sequence[str]) -> None:
        """Ask for `shas` without waiting: git reads them while the caller works.

        Collect them, in order, with `collect`. Keep the ids requested and not
        yet collected to a few hundred (they must fit in the pipe's buffer).
        """
        stdin = self._proc.stdin
        assert stdin is not None
        try:
            stdin.write(b"".join(sha.encode() + b"\n" for sha in shas))
            stdin.flush()
        except BrokenPipeError:
            raise HistoryError("git cat-file stopped unexpectedly") from None

    def collect(self, shas: Sequence[str], limit: int) -> list[bytes | HistoryError]:
        """The contents of `shas`, the oldest requested ids, or why each cannot be read."""
        stdout = self._proc.stdout
        assert stdout is not None
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


def list_tree(repo: Repo, rev: str, agreements_dir: str) -> list[tuple[str, str]]:
    """``(path relative to the workspace, blob id)`` of every agreement file at `rev`."""
    listing = run_git(repo.root, "ls-tree", "-r", "-z", "--full-name", rev, "--", agreements_dir)
    found: list[tuple[str, str]] = []
    for entry in listing.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, blob = meta.decode().split()
        path = repo.rel(name.decode("utf-8", "replace"))
        if kind == "blob" and is_regular(mode) and is_agreement(path):
            found.append((path, blob))
    return found


# --- the log --------------------------------------------------------------------

_FIELDS = ("%H", "%cI", "%aI", "%aN", "%aE", "%s", "%b")
_FORMAT = "%x1e" + "%x00".join(_FIELDS)


class Change(NamedTuple):
    """One file changed by a commit (a tuple: the log makes thousands)."""

    status: str
    mode: str  # new mode; "000000" when deleted
    sha: str  # new blob id
    path: str  # relative to the repository root
    old_mode: str = "000000"  # "000000" when added
    old_sha: str = ""  # the blob before; all zeros when added


_CHUNK = 1 << 16  # bytes of git log output read at a time


def read_log(repo: Repo, rev: str, agreements_dir: str) -> Iterator[tuple[list[str], list[Change]]]:
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
        _widen(stdout.fileno())
        try:
            pending: list[str] = []
            tail = b""
            while chunk := os.read(stdout.fileno(), _CHUNK):
                data = tail + chunk
                cut = data.rfind(b"\0") + 1  # NUL never falls inside a UTF-8 sequence
                tail = data[cut:]
                pending += data[:cut].decode("utf-8", "replace").split("\0")
                pending.pop()  # the empty text after the last NUL
                last = next(
                    (i for i in range(len(pending) - 1, 0, -1) if _starts_record(pending[i])), 0
                )
                if last:  # the records before the last start are complete
                    yield from _records(pending[:last])
                    del pending[:last]
            pending.append(tail.decode("utf-8", "replace"))
        finally:
            stdout.close()
            code = proc.wait()
        if code != 0:
            errors.seek(0)
            raise HistoryError(_explain(repo.root, errors.read()))
    yield from _records(pending)


def _widen(fd: int) -> None:
    """Let git write up to 1 MiB ahead of the reader (Linux; elsewhere a no-op)."""
    setsize = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if setsize is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, setsize, 1 << 20)


def _starts_record(token: str) -> bool:
    return token[:1] == "\x1e" or token.lstrip("\n")[:1] == "\x1e"


def _records(tokens: list[str]) -> Iterator[tuple[list[str], list[Change]]]:
    """Parse whole records of the ``git log --raw -z`` output (split at its NULs)."""
    i, n = 0, len(tokens)
    width = len(_FIELDS)
    while i < n:
        head = tokens[i].lstrip("\n")
        if not head.startswith("\x1e"):
            i += 1  # the empty token after the last NUL
            continue
        header = tokens[i : i + width]
        if len(header) < width:
            raise HistoryError("git log output ended early")
        header[0] = head[1:]
        i += width
        changes: list[Change] = []
        while i < n and (token := tokens[i].lstrip("\n")).startswith(":"):
            meta = token[1:].split()
            status = meta[4] if len(meta) > 4 else "M"
            if status[:1] in ("R", "C"):  # not produced with --no-renames; as delete + add
                zero = "0" * len(meta[3])
                changes.append(Change("D", "000000", zero, tokens[i + 1], meta[0], meta[2]))
                changes.append(Change("A", meta[1], meta[3], tokens[i + 2], "000000", zero))
                i += 3
            else:
                change = Change(status[:1], meta[1], meta[3], tokens[i + 1], meta[0], meta[2])
                changes.append(change)
                i += 2
        yield header, changes
