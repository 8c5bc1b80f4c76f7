"""Git history of the agreements, read in one pass.

Provides:

* `entity_history(root)` — every commit on the current branch (first parent)
  that touched the agreements folder, with the field-level changes of every
  entity (`accord.history.diff.FieldChange`), as a `History`. Entities are tracked by
  ``(kind, id)``, not by file name, so moving a document to another file keeps
  its history.
* `files_at(root, when)` — the agreement files as committed in the last commit
  at or before an instant: the agreements "in force" at that time
  (docs/reference/metrics.md).
* `uncommitted_files(root)` — agreement files with changes git has not committed.
* `pr_url` / `commit_url` — links for a commit given the Workspace's ``repo_url``.
* `parse_pr`, `parse_approvers`, `parse_title` — what a commit message says: the
  pull request, who approved it (``Reviewed-by:`` / ``Approved-by:`` trailers; a
  GitHub merge commit's author merged it), and the change's title without the
  pull request number (`Commit.title`, `Commit.approvers`, `Commit.merged_by`).

How (`accord.history._walk`): one ``git log --first-parent --raw -z`` over the
folder lists every change; while git is still writing it, one
``git cat-file --batch`` process reads the versions the changes name, a batch
at a time, and each version is parsed once (kept by blob id) without the
position index the validator needs — falling back to
`accord.loading.parse_documents` for anything unusual, so errors read the
same. The commits are then gone through oldest first, diffing only the
entities of each commit's changed files. A file that cannot be parsed at
some commit is noted and keeps its last readable version. Merges count once,
as the change they brought to the branch.

When history cannot be read (git missing, not a repository, a repository owned
by another user) `entity_history` returns a `History` with ``available`` false
and a ``note`` that says why and how to fix it; a shallow clone is flagged with
``shallow`` and a note. Author names and messages are returned verbatim:
escaping them is the caller's job.
"""

from accord.history._commits import (
    Commit,
    History,
    commit_url,
    parse_approvers,
    parse_pr,
    parse_title,
    pr_url,
)
from accord.history._entities import entity_history, files_at, uncommitted_files
from accord.history._git import run_git
from accord.history.diff import EntityKey, FieldChange

__all__ = [
    "Commit",
    "EntityKey",
    "FieldChange",
    "History",
    "commit_url",
    "entity_history",
    "files_at",
    "parse_approvers",
    "parse_pr",
    "parse_title",
    "pr_url",
    "run_git",
    "uncommitted_files",
]
