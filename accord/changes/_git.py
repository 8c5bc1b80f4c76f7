"""The two revisions `accord diff` compares, and the agreement files of each.

* `resolve_base(root, rev, head)` — BASE: the merge base of HEAD with the
  revision named, or by default with the default branch (``origin/HEAD``, else
  ``main``, else ``master``, else ``origin/main`` / ``origin/master``).
* `resolve_head(root, rev)` — HEAD: the revision named, or the working tree.
* `files_of(root, revision)` — the agreement files of a revision, as
  ``{path relative to the workspace: bytes}``, the way `accord.loading` reads them.

git runs with a fixed locale and no pager, prompt or optional locks; a failure
is a `HistoryError` with git's first line (or the fix, for a repository owned by
another user).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from accord.domain.errors import HistoryError
from accord.history import run_git
from accord.loading import MAX_BYTES
from accord.loading.validate import read_agreement_files

DEFAULT_BRANCHES = ("main", "master", "origin/main", "origin/master")
"""Tried in order when ``origin/HEAD`` is not set (``git remote set-head origin -a``)."""


@dataclass(frozen=True)
class Revision:
    """One side of the comparison.

    Attributes:
        rev: what the user named (``main``, ``HEAD~2``), the default branch the
            merge base was taken with, or ``None`` for the working tree.
        sha: the commit, or ``None`` for the working tree.
        merge_base: the commit is the merge base of HEAD with `rev` (not `rev` itself).
        tip: the commit `rev` names, when that is not `sha` (the merge base).
    """

    rev: str | None
    sha: str | None
    merge_base: bool = False
    tip: str | None = None

    @property
    def working_tree(self) -> bool:
        return self.sha is None

    @property
    def short(self) -> str:
        return self.sha[:7] if self.sha else ""


class UnknownRevision(HistoryError):
    """A revision the user named does not exist in the repository."""


def git(root: Path, *args: str, check: bool = True, stdin: bytes | None = None) -> bytes:
    """Run git in `root` (`accord.history.run_git`); its standard output, or nothing when
    it failed and `check` is off.

    Raises:
        HistoryError: git is missing, or (with `check`) it failed.
    """
    proc = run_git(root, *args, check=check, stdin=stdin)
    return proc.stdout if proc.returncode == 0 else b""


def _commit(root: Path, rev: str) -> str | None:
    out = git(
        root, "rev-parse", "--verify", "-q", "--end-of-options", f"{rev}^{{commit}}", check=False
    )
    sha = out.decode().strip()
    return sha or None


def resolve_head(root: Path, rev: str | None) -> Revision:
    """HEAD of the comparison: the commit `rev` names, or the working tree.

    Raises:
        UnknownRevision: `rev` names no commit.
        HistoryError: `root` is not in a git repository (only checked for a `rev`).
    """
    if rev is None:
        return Revision(None, None)
    git(root, "rev-parse", "--git-dir")
    sha = _commit(root, rev)
    if sha is None:
        raise UnknownRevision(f"unknown git revision {rev!r}")
    return Revision(rev, sha)


def default_branch(root: Path) -> str | None:
    """The branch pull requests go to: ``origin/HEAD``'s target, else the first of
    `DEFAULT_BRANCHES` that exists."""
    out = git(root, "symbolic-ref", "-q", "--short", "refs/remotes/origin/HEAD", check=False)
    remote_head = out.decode().strip()
    if remote_head and _commit(root, remote_head) is not None:
        return remote_head
    for branch in DEFAULT_BRANCHES:
        if _commit(root, branch) is not None:
            return branch
    return None


def resolve_base(root: Path, rev: str | None, head: Revision | None = None) -> Revision:
    """BASE of the comparison: the merge base of HEAD with `rev`, or with the default
    branch when no `rev` is named — what the pull request changes, as ``git diff
    BASE...HEAD`` and a forge's "Files changed" show it.

    A named `rev` that HEAD already contains is its own merge base and is named as
    itself; one with no common history with HEAD is taken as it is.

    Args:
        root: the workspace.
        rev: the revision named, if any.
        head: the HEAD of the comparison (a named revision); default git's HEAD,
            which is also the base of the working tree.

    Raises:
        UnknownRevision: `rev` names no commit.
        HistoryError: not a git repository, nothing committed yet, no default branch,
            or (for the default branch) no common history with it.
    """
    git(root, "rev-parse", "--git-dir")
    head_rev = head.sha if head is not None and head.sha is not None else "HEAD"
    if rev is not None:
        sha = _commit(root, rev)
        if sha is None:
            raise UnknownRevision(f"unknown git revision {rev!r}")
        if _commit(root, head_rev) is None:
            return Revision(rev, sha)
        base = git(root, "merge-base", sha, head_rev, check=False).decode().strip()
        if not base or base == sha:
            return Revision(rev, sha)
        return Revision(rev, base, merge_base=True, tip=sha)
    if _commit(root, "HEAD") is None:
        raise HistoryError("nothing has been committed yet, so there is no BASE to compare with")
    branch = default_branch(root)
    if branch is None:
        raise HistoryError(
            "no default branch to compare with (neither origin/HEAD, "
            + ", ".join(DEFAULT_BRANCHES)
            + " exists); name the BASE revision, e.g. `accord diff origin/develop`"
        )
    out = git(root, "merge-base", branch, head_rev, check=False).decode().strip()
    if not out:
        shallow = git(root, "rev-parse", "--is-shallow-repository").decode().strip() == "true"
        fix = " (this is a shallow clone: fetch with `fetch-depth: 0`)" if shallow else ""
        raise HistoryError(f"HEAD and {branch} have no common history{fix}; name the BASE revision")
    tip = _commit(root, branch)
    return Revision(branch, out, merge_base=True, tip=tip if tip != out else None)


def files_of(
    root: Path, revision: Revision, agreements_dir: str = "agreements"
) -> tuple[dict[str, bytes], list[str]]:
    """The agreement files of `revision` (``agreements/**/*.yaml|yml``), by path relative
    to the workspace, sorted; and why any file was left out.

    The working tree is read as `accord.loading` reads it (links that leave the
    workspace are refused). From a commit only regular files count (no links), and
    a file larger than `accord.loading.MAX_BYTES` is left out with a note.
    """
    if revision.sha is None:
        files, problems = read_agreement_files(root)
        return files, [p.format() for p in problems]
    prefix = git(root, "rev-parse", "--show-prefix").decode("utf-8", "replace").strip()
    listing = git(
        root, "ls-tree", "-r", "-z", "-l", "--full-name", revision.sha, "--", agreements_dir
    )
    wanted: list[tuple[str, str]] = []
    notes: list[str] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, blob, size = meta.decode().split()
        path = name.decode("utf-8", "replace")
        path = path[len(prefix) :] if path.startswith(prefix) else path
        if kind != "blob" or mode not in ("100644", "100755"):
            continue
        if not path.lower().endswith((".yaml", ".yml")):
            continue
        if int(size) > MAX_BYTES:
            notes.append(
                f"{path}: left out, it is {int(size):,} bytes at {revision.short}; agreement "
                f"files may be at most {MAX_BYTES:,} bytes"
            )
            continue
        wanted.append((path, blob))
    return _read_blobs(root, sorted(wanted)), notes


def _read_blobs(root: Path, wanted: list[tuple[str, str]]) -> dict[str, bytes]:
    """The blobs of `wanted` (path, blob id), read by one ``git cat-file --batch``."""
    files: dict[str, bytes] = {}
    if not wanted:
        return files
    out = git(root, "cat-file", "--batch", stdin=b"".join(b.encode() + b"\n" for _, b in wanted))
    at = 0
    for path, blob in wanted:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        if len(header) != 3:
            raise HistoryError(f"{path}: object {blob} is missing from the repository")
        size = int(header[2])
        files[path] = out[end + 1 : end + 1 + size]
        at = end + 1 + size + 1
    return files
