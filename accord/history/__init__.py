"""Git history of the agreements, read in one pass.

Provides:

* `entity_history(root)` — every commit on the current branch (first parent)
  that touched the agreements folder, with the field-level changes of every
  entity (`accord.history.diff.FieldChange`), as a `History`. Entities are tracked by
  ``(kind, id)``, not by file name, so moving a document to another file keeps
  its history.
* `files_at(root, when)` — the agreement files as committed in the last commit
  at or before an instant: the agreements "in force" at that time (SPEC §4).
* `uncommitted_files(root)` — agreement files with changes git has not committed.
* `pr_url` / `commit_url` — links for a commit given the Workspace's ``repo_url``.

How (`accord.history._walk`): one ``git log --first-parent --raw -z`` over the folder
lists every change, newest first; while it is still writing, the walk steps
back from the files at the revision, one ``git cat-file --batch`` process
reading the earlier versions of the changed files a batch at a time. A
version that differs from the one read before it only in values is read
from its changed lines (`accord.history._line_yaml`), any other is parsed whole
without the position index the validator needs — falling back to
`accord.loading._yaml.parse_documents` for anything unusual, so errors read the
same. Only the entities of each commit's changed files are diffed. A file
that cannot be parsed at some commit is noted and keeps its last readable
version (the walk then goes oldest first over the entries already read).
Merges count once, as the change they brought to the branch.

When history cannot be read (git missing, not a repository, a repository owned
by another user) `entity_history` returns a `History` with ``available`` false
and a ``note`` that says why and how to fix it; a shallow clone is flagged with
``shallow`` and a note. Author names and messages are returned verbatim:
escaping them is the caller's job.
"""

from accord.history._entities import (
    Commit,
    History,
    commit_url,
    entity_history,
    files_at,
    parse_pr,
    pr_url,
    uncommitted_files,
)
from accord.history.diff import EntityKey, FieldChange

__all__ = [
    "Commit",
    "EntityKey",
    "FieldChange",
    "History",
    "commit_url",
    "entity_history",
    "files_at",
    "parse_pr",
    "pr_url",
    "uncommitted_files",
]
