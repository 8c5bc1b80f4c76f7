"""What a pull request changes: the agreements at BASE, at the merge base and at HEAD.

The only module of `accord.approvals` that runs anything: git, read-only, in the
workspace. `read_change(root, base)` resolves BASE and HEAD, finds their merge base
(what a pull request's diff is against, ``git diff BASE...HEAD``), lists the changed
agreement files with rename detection (``git diff --name-status -M``) and loads the
three workspaces from the committed files — never from the working tree, because a
pull request's reviews approve what was pushed.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from accord.approvals._changes import FileChange
from accord.approvals._reviews import ApprovalsError
from accord.domain.clock import Clock, system_now
from accord.domain.errors import ValidationFailed, clip
from accord.domain.workspace import Workspace
from accord.history import uncommitted_files
from accord.loading import AGREEMENTS_DIR, load_workspace

_SUFFIXES = (".yaml", ".yml")
_SHALLOW_FIX = (
    "fetch the full history (`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)"
)


@dataclass
class Change:
    """The agreements on both sides of a pull request.

    Attributes:
        base: the workspace at BASE (the target branch): who may approve. None when
            BASE has no agreement files yet.
        before: the workspace at the merge base of BASE and HEAD: what the change is
            compared with (the same commit as BASE unless BASE moved on).
        head: the workspace at HEAD. None when HEAD has no agreement files.
        files: the agreement files that differ between the merge base and HEAD.
        base_rev, base_sha, merge_base_sha, head_sha: the revisions read.
        uncommitted: agreement files with changes not committed (not part of the check).
    """

    base: Workspace | None
    before: Workspace | None
    head: Workspace | None
    files: list[FileChange]
    base_rev: str
    base_sha: str
    merge_base_sha: str
    head_sha: str
    uncommitted: list[str] = field(default_factory=list)


def read_change(root: Path, base: str, head: str = "HEAD", *, now: Clock = system_now) -> Change:
    """Read what changed in the agreements between `base` and `head`.

    Args:
        root: the workspace (the repository or a folder inside one).
        base: the target branch or commit, e.g. ``origin/main``.
        head: the pull request's commit (default ``HEAD``).
        now: the clock the agreements are loaded with (review-date warnings only).

    Raises:
        ApprovalsError: not a git repository, a revision that names no commit, no
            common ancestor (a shallow clone), or agreements with errors at one of
            the three commits.
    """
    for rev, option in ((base, "--changed-from"), (head, "HEAD")):
        if not rev or rev.startswith("-") or any(c in rev for c in "\0\n"):
            raise ApprovalsError(f"{option}: {clip(rev)!r} is not a revision")
    _git(root, "rev-parse", "--git-dir")
    base_sha = _commit(root, base)
    head_sha = _commit(root, head)
    proc = _run(root, "merge-base", base_sha, head_sha)
    if proc.returncode != 0:
        shallow = _run(root, "rev-parse", "--is-shallow-repository").stdout.strip() == b"true"
        why = f"this is a shallow clone: {_SHALLOW_FIX}" if shallow else "unrelated histories"
        raise ApprovalsError(f"{base} and {head} have no common ancestor ({why})")
    merge_base = proc.stdout.decode().strip()
    files = _diff(root, merge_base, head_sha)
    snapshots: dict[str, Workspace | None] = {}
    for sha in dict.fromkeys((base_sha, merge_base, head_sha)):
        label = {base_sha: f"{base} ({sha[:10]})", head_sha: f"{head} ({sha[:10]})"}.get(
            sha, f"the merge base {sha[:10]}"
        )
        snapshots[sha] = _load(root, _files_at(root, sha), label, now)
    return Change(
        base=snapshots[base_sha],
        before=snapshots[merge_base],
        head=snapshots[head_sha],
        files=files,
        base_rev=base,
        base_sha=base_sha,
        merge_base_sha=merge_base,
        head_sha=head_sha,
        uncommitted=uncommitted_files(root, AGREEMENTS_DIR),
    )


# --- git ------------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(LC_ALL="C", GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0", GIT_PAGER="cat")
    return env


def _run(root: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    command = ["git", "-c", "core.quotepath=off", "-C", str(root), "--literal-pathspecs", *args]
    try:
        return subprocess.run(command, input=stdin, capture_output=True, env=_env(), check=False)
    except FileNotFoundError:
        raise ApprovalsError("git is not installed (or not on PATH)") from None
    except OSError as exc:
        raise ApprovalsError(f"git could not be run: {exc}") from None


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    proc = _run(root, *args, stdin=stdin)
    if proc.returncode != 0:
        text = proc.stderr.decode("utf-8", "replace").strip()
        if "not a git repository" in text:
            raise ApprovalsError(f"{root} is not in a git repository")
        if "cannot change to" in text:
            raise ApprovalsError(f"{root} does not exist")
        first = next((line for line in text.splitlines() if line.strip()), "unknown error")
        raise ApprovalsError(f"git failed: {first}")
    return proc.stdout


def _commit(root: Path, rev: str) -> str:
    proc = _run(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    if proc.returncode != 0:
        hint = ""
        if "/" in rev:
            hint = f"; fetch it first (`git fetch origin {rev.split('/', 1)[1]}`)"
        raise ApprovalsError(f"{clip(rev)!r} is not a commit in this repository{hint}")
    return proc.stdout.decode().strip()


def _diff(root: Path, old: str, new: str) -> list[FileChange]:
    out = _git(
        root, "diff", "--name-status", "-z", "-M", "--no-ext-diff", "--relative",
        old, new, "--", AGREEMENTS_DIR,
    )  # fmt: skip
    tokens = out.decode("utf-8", "replace").split("\0")
    changes: list[FileChange] = []
    i = 0
    while i < len(tokens) and tokens[i]:
        code = tokens[i]
        status, score = code[0], code[1:]
        if status in "RC":
            old_path, new_path = tokens[i + 1], tokens[i + 2]
            i += 3
            if _is_agreement(old_path) or _is_agreement(new_path):
                changes.append(FileChange(status, old_path, new_path, int(score or 0)))
            continue
        path = tokens[i + 1]
        i += 2
        if not _is_agreement(path):
            continue
        if status == "A":
            changes.append(FileChange("A", None, path))
        elif status == "D":
            changes.append(FileChange("D", path, None))
        else:
            changes.append(FileChange(status, path, path))
    return changes


def _is_agreement(path: str) -> bool:
    return path.endswith(_SUFFIXES)


def _files_at(root: Path, sha: str) -> dict[str, bytes]:
    """Agreement files committed at `sha`, by path relative to `root`."""
    listing = _git(root, "ls-tree", "-r", "-z", sha, "--", AGREEMENTS_DIR)
    blobs: list[tuple[str, str]] = []
    for entry in listing.decode("utf-8", "replace").split("\0"):
        if not entry:
            continue
        meta, _, path = entry.partition("\t")
        mode, kind, blob = meta.split(" ")
        if kind == "blob" and mode != "120000" and _is_agreement(path):
            blobs.append((path, blob))
    if not blobs:
        return {}
    out = _git(root, "cat-file", "--batch", stdin="".join(f"{b}\n" for _, b in blobs).encode())
    files: dict[str, bytes] = {}
    pos = 0
    for path, _blob in blobs:
        header_end = out.index(b"\n", pos)
        size = int(out[pos:header_end].split(b" ")[2])
        start = header_end + 1
        files[path] = out[start : start + size]
        pos = start + size + 1
    return files


def _load(root: Path, files: Mapping[str, bytes], label: str, now: Clock) -> Workspace | None:
    if not files:
        return None
    try:
        return load_workspace(root, files=files, now=now)
    except ValidationFailed as exc:
        errors = [p for p in exc.problems if p.severity == "error"]
        first = errors[0].format() if errors else "unknown error"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ApprovalsError(
            f"the agreements at {label} have errors, so who must approve cannot be read: "
            f"{first}{more}"
        ) from None
