"""The results of `accord.history`: `Commit`, `History` and their links.

`parse_pr` finds the pull/merge request a commit message names; `parse_approvers`
who approved the change (``Reviewed-by:`` / ``Approved-by:`` trailers); `pr_url`
and `commit_url` link a commit given the Workspace's ``repo_url``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import datetime

from accord.history.diff import EntityKey, FieldChange


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
        approvers: who approved the change, by name, from the message's
            ``Reviewed-by:`` / ``Approved-by:`` trailers (`parse_approvers`), verbatim.
        title: what the change is called: the subject without the pull request it
            names (``Raise the target (#12)`` → ``Raise the target``); for a GitHub
            merge commit (``Merge pull request #12 from …``) the pull request's title
            that GitHub writes as the body's first line.
        merged_by: the author of a GitHub merge commit (who merged the pull request);
            ``None`` for any other commit.
    """

    sha: str
    date: datetime
    author: str
    email: str
    subject: str
    pr: str | None = None
    author_date: datetime | None = None
    changes: dict[EntityKey, list[FieldChange]] = field(default_factory=dict, compare=False)
    approvers: tuple[str, ...] = ()
    title: str = ""
    merged_by: str | None = None

    @property
    def short_sha(self) -> str:
        return self.sha[:7]

    @property
    def headline(self) -> str:
        """`title`, or the subject when the commit has none."""
        return self.title or self.subject


def parse_approvers(body: str) -> tuple[str, ...]:
    """The people a commit message's trailers name as approvers, in order, once each.

    ``Reviewed-by: Femke de Vries <femke@x>`` and ``Approved-by: Ruben Visser`` give
    ``("Femke de Vries", "Ruben Visser")``; the e-mail address is left out, and a
    trailer with only an address gives the address.
    """
    found: list[str] = []
    for m in _APPROVER.finditer(body):
        name = m.group("name").strip() or (m.group("email") or "").strip()
        if name and name not in found:
            found.append(name)
    return tuple(found)


_APPROVER = re.compile(
    r"^[ \t]*(?:reviewed|approved)-by[ \t]*:[ \t]*(?P<name>[^<\n]*?)[ \t]*"
    r"(?:<(?P<email>[^>\n]*)>)?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_GITHUB_MERGE = re.compile(r"^Merge pull request #([0-9]+) from (\S+)")
_SUBJECT_PR = re.compile(r"\s*\((?:#[0-9]+|![0-9]+)\)\s*$")


def parse_title(subject: str, body: str = "") -> tuple[str, bool]:
    """(what the change is called, whether it is a GitHub merge commit).

    The pull request a subject ends with (``(#12)``, ``(!5)``) is left out, since it
    is shown beside the title; a GitHub merge commit is called by the pull request's
    title (the body's first line), else ``Merge pull request from <branch>``.
    """
    merge = _GITHUB_MERGE.match(subject)
    if merge is not None:
        first = next((line.strip() for line in body.splitlines() if line.strip()), "")
        if first and not _APPROVER.match(first):
            return first, True
        return f"Merge pull request from {merge.group(2)}", True
    return _SUBJECT_PR.sub("", subject) or subject, False


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


@functools.lru_cache(maxsize=16)
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
