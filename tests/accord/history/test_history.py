"""Tests for accord.history: one log pass over throwaway repositories with fixed dates."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from gitrepo import GitRepo, Who

from accord.domain.errors import HistoryError
from accord.history import (
    Commit,
    History,
    commit_url,
    entity_history,
    files_at,
    parse_pr,
    pr_url,
    uncommitted_files,
)

JAN = ("Jan de Boer", "jan@acme.example")
SANNE = ("Sanne Bakker", "sanne@acme.example")
# git drops "<" and ">" from names, so the markup goes into the subject and body.
MALLORY = ('Zoë "O\'Brien" & Ünïcode', "zoë+&\"'@evil.example")
MERGE = "Merge pull request #12 from acme/move-sales"
CALLBACK = "Add hot-lead callback <script>alert(1)</script> & more !5"

SLA = ("Agreement", "sla")
SALES = ("Team", "sales")

WORKSPACE = """\
kind: Workspace
name: Acme
calendar: {timezone: Europe/Amsterdam}
"""

TEAMS = """\
kind: Team
id: sales
name: Sales
members:
  - {id: jan, name: Jan de Boer}
---
kind: Team
id: marketing
name: Marketing
members: []
"""


def sla(target: int, *, callback: bool = False, status: str = "active") -> str:
    text = f"""\
kind: Agreement
id: sla
title: Marketing and Sales SLA
parties: [marketing, sales]
owners: [head-of-marketing, head-of-sales]
status: {status}
commitments:
  - id: sql-volume
    text: Marketing delivers at least {target} SQLs a month.
    kpi: sqls-delivered
    target: {{min: {target}}}
    per: month
"""
    if callback:
        text += """\
  - id: hot-callback
    text: Sales contacts hot leads within 4 working hours.
    kpi: hot-lead-response
    target: {min: "95%"}
    per: month
"""
    return text


class Repo(GitRepo):
    """A throwaway git repository with commits at fixed dates."""

    def commit(self, message: str, when: str, who: Who = JAN) -> str:
        self.git("add", "-A")
        return self.merge_or_commit(["commit", "-q", "--allow-empty", "-m", message], when, who)

    def merge_or_commit(self, args: list[str], when: str, who: Who = JAN) -> str:
        self.run_as(args, who, when)
        return self.git("rev-parse", "HEAD")


@pytest.fixture(scope="module")
def git_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the user's and system's git configuration out of the tests."""
    home = tmp_path_factory.mktemp("home")
    (home / ".gitconfig").write_text("", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(home))
        mp.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
        mp.setenv("GIT_CONFIG_NOSYSTEM", "1")
        mp.setenv("GIT_CEILING_DIRECTORIES", str(home.parent))
        for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
            mp.delenv(name, raising=False)
        yield


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory, git_env: None) -> Repo:
    """Six months of agreement changes on main, with one merged pull request."""
    repo = Repo(tmp_path_factory.mktemp("story") / "ws")
    repo.put("README.md", "# Acme agreements\n")
    repo.commit("Start", "2025-12-01T09:00:00+01:00")
    repo.put("agreements/workspace.yaml", WORKSPACE)
    repo.put("agreements/teams.yaml", TEAMS)
    repo.put("agreements/sla.yaml", sla(100))
    repo.commit("Add workspace, teams and SLA", "2026-01-05T10:00:00+01:00", JAN)
    repo.put("agreements/sla.yaml", sla(120))
    repo.commit("Raise SQL target (#7)", "2026-02-02T10:00:00+01:00", SANNE)
    repo.put("agreements/sla.yaml", sla(120, callback=True))
    repo.commit(
        f"{CALLBACK}\n\nBody with <b>html</b>\nand several\nlines.\n",
        "2026-03-02T10:00:00+01:00",
        MALLORY,
    )
    # A pull request: move the sales team to its own file, then rename it.
    repo.git("checkout", "-q", "-b", "move-sales")
    repo.put("agreements/teams.yaml", TEAMS.split("---\n")[1])
    repo.put("agreements/sales/team.yaml", TEAMS.split("---\n")[0])
    repo.commit("Move sales to its own file", "2026-03-10T10:00:00+01:00", SANNE)
    renamed = TEAMS.split("---\n")[0].replace("Sales\n", "Sales NL\n")
    repo.put("agreements/sales/team.yaml", renamed)
    repo.commit("Rename sales", "2026-03-11T10:00:00+01:00", SANNE)
    repo.git("checkout", "-q", "main")
    repo.put("notes.txt", "not an agreement\n")
    repo.commit("Unrelated change", "2026-03-08T10:00:00+01:00", JAN)
    repo.merge_or_commit(
        ["merge", "-q", "--no-ff", "move-sales", "-m", MERGE],
        "2026-04-06T10:00:00+02:00",
        JAN,
    )
    repo.put("agreements/sla.yaml", "kind: Agreement\nid: sla\ntitle: [unclosed\n")
    repo.commit("Edit the SLA by hand", "2026-05-04T10:00:00+02:00", SANNE)
    repo.put("agreements/sla.yaml", sla(120, callback=True, status="retired"))
    repo.commit("Retire the SLA", "2026-06-01T10:00:00+02:00", JAN)
    return repo


@pytest.fixture(scope="module")
def hist(story: Repo) -> History:
    return entity_history(story.root)


def _by_subject(history: History, subject: str) -> Commit:
    (commit,) = [c for c in history.commits if c.subject == subject]
    return commit


def _described(commit: Commit, key: tuple[str, str]) -> list[str]:
    return [c.describe() for c in commit.changes.get(key, [])]


def test_commits_newest_first_one_entry_per_merge(hist: History) -> None:
    assert hist.available and not hist.shallow and hist.note is None
    assert [c.subject for c in hist.commits] == [
        "Retire the SLA",
        "Edit the SLA by hand",
        MERGE,
        CALLBACK,
        "Raise SQL target (#7)",
        "Add workspace, teams and SLA",
    ]


def test_commit_metadata(hist: History, story: Repo) -> None:
    first = hist.commits[-1]
    assert first.sha == story.git("log", "--format=%H", "--grep=Add workspace")
    assert first.date == datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    assert first.date.utcoffset() == timedelta(hours=1)
    assert (first.author, first.email) == JAN
    assert first.short_sha == first.sha[:7]


def test_field_change_per_commit(hist: History) -> None:
    commit = _by_subject(hist, "Raise SQL target (#7)")
    assert list(commit.changes) == [SLA]
    assert _described(commit, SLA) == [
        'commitments[sql-volume].text: "Marketing delivers at least 100 SQLs a month." → '
        '"Marketing delivers at least 120 SQLs a month."',
        "commitments[sql-volume].target.min: 100 → 120",
    ]
    assert commit.author == SANNE[0]


def test_first_commit_adds_every_entity(hist: History) -> None:
    first = hist.commits[-1]
    assert set(first.changes) == {("Workspace", "workspace"), SLA, SALES, ("Team", "marketing")}
    assert _described(first, SLA) == ["Agreement sla added"]


def test_commitment_added(hist: History) -> None:
    commit = _by_subject(hist, CALLBACK)
    assert _described(commit, SLA) == ["commitment hot-callback added"]


def test_author_and_message_come_back_verbatim(hist: History) -> None:
    commit = _by_subject(hist, CALLBACK)
    assert (commit.author, commit.email) == MALLORY
    assert commit.subject == CALLBACK


def test_entity_moved_to_another_file_keeps_its_history(hist: History) -> None:
    merge = _by_subject(hist, MERGE)
    # The move is no change; the rename on the branch is, once, in the merge.
    assert _described(merge, SALES) == ['name: Sales → "Sales NL"']
    assert ("Team", "marketing") not in merge.changes
    assert [c.subject for c, _ in hist.for_entity(SALES)] == [
        MERGE,
        "Add workspace, teams and SLA",
    ]
    assert hist.head[SALES] == "agreements/sales/team.yaml"
    assert hist.head[("Team", "marketing")] == "agreements/teams.yaml"


def test_merge_commit_hides_branch_commits(hist: History) -> None:
    subjects = {c.subject for c in hist.commits}
    assert "Move sales to its own file" not in subjects
    assert "Rename sales" not in subjects
    assert "Unrelated change" not in subjects


def test_pull_request_numbers(hist: History) -> None:
    prs = {c.subject: c.pr for c in hist.commits}
    assert prs[MERGE] == "12"
    assert prs["Raise SQL target (#7)"] == "7"
    assert prs[CALLBACK] == "!5"
    assert prs["Retire the SLA"] is None


def test_broken_yaml_does_not_stop_the_history(hist: History) -> None:
    broken = _by_subject(hist, "Edit the SLA by hand")
    assert broken.changes == {}
    (note,) = hist.notes
    assert broken.sha[:7] in note and "agreements/sla.yaml" in note
    fixed = _by_subject(hist, "Retire the SLA")
    # Compared with the last readable version, not with nothing.
    assert _described(fixed, SLA) == ["status: active → retired"]


def test_for_entity_newest_first(hist: History) -> None:
    entries = hist.for_entity(SLA)
    assert [c.subject for c, _ in entries] == [
        "Retire the SLA",
        CALLBACK,
        "Raise SQL target (#7)",
        "Add workspace, teams and SLA",
    ]
    assert entries[0][1][0].describe() == "status: active → retired"
    assert hist.for_entity(("Kpi", "nope")) == []


def test_reads_the_log_once(story: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    real_popen = subprocess.Popen  # subprocess.run starts its process through Popen too

    def spy(cmd: list[str], *args: Any, **kwargs: Any) -> Any:
        calls.append(cmd)
        return real_popen(cmd, *args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", spy)
    entity_history(story.root)
    assert sum("log" in cmd for cmd in calls) == 1
    # a fixed set of commands, none per file or per commit: where the repository is,
    # HEAD, uncommitted files, whether a cache may be kept, the log, and one blob reader
    subcommands = sorted(next(a for a in cmd[1:] if a in _GIT_SUBCOMMANDS) for cmd in calls)
    assert subcommands == ["cat-file", "check-ignore", "log", "rev-parse", "rev-parse", "status"]


_GIT_SUBCOMMANDS = {
    "cat-file",
    "check-ignore",
    "log",
    "ls-tree",
    "rev-parse",
    "status",
    "rev-list",
    "show",
}


def test_files_at_returns_the_version_in_force(story: Repo) -> None:
    files = files_at(story.root, datetime(2026, 1, 20, tzinfo=UTC))
    assert files is not None
    assert sorted(files) == [
        "agreements/sla.yaml",
        "agreements/teams.yaml",
        "agreements/workspace.yaml",
    ]
    assert b"min: 100}" in files["agreements/sla.yaml"]
    later = files_at(story.root, datetime(2026, 2, 15, tzinfo=timezone(timedelta(hours=-5))))
    assert later is not None and b"min: 120}" in later["agreements/sla.yaml"]


def test_files_at_counts_a_commit_from_its_own_second(story: Repo) -> None:
    at = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)  # 10:00 +01:00, the commit's time
    files = files_at(story.root, at)
    assert files is not None and b"min: 120}" in files["agreements/sla.yaml"]
    before = files_at(story.root, at - timedelta(seconds=1))
    assert before is not None and b"min: 100}" in before["agreements/sla.yaml"]


def test_files_at_before_any_agreement_or_commit(story: Repo) -> None:
    assert files_at(story.root, datetime(2025, 12, 2, tzinfo=UTC)) == {}
    assert files_at(story.root, datetime(2020, 1, 1, tzinfo=UTC)) is None
    with pytest.raises(ValueError, match="timezone"):
        files_at(story.root, datetime(2026, 1, 20))


def test_files_at_follows_the_first_parent(story: Repo) -> None:
    # After the branch commits (10 and 11 March) but before the merge (6 April),
    # main did not have them yet: the newest first-parent commit is 8 March's.
    files = files_at(story.root, datetime(2026, 3, 12, tzinfo=UTC))
    assert files is not None
    assert "agreements/sales/team.yaml" not in files


def test_detached_head(story: Repo, tmp_path: Path) -> None:
    clone = Repo.__new__(Repo)
    clone.root = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(story.root), str(clone.root)], check=True)
    clone.git("checkout", "-q", "--detach", "HEAD~2")
    history = entity_history(clone.root)
    assert history.available
    assert history.commits[0].subject == MERGE
    files = files_at(clone.root, datetime(2030, 1, 1, tzinfo=UTC))
    assert files is not None and "agreements/sales/team.yaml" in files


def test_other_revision(story: Repo) -> None:
    history = entity_history(story.root, rev="HEAD~3")
    assert history.commits[0].subject == CALLBACK
    with pytest.raises(HistoryError, match="unknown git revision"):
        entity_history(story.root, rev="no-such-branch")


def test_shallow_clone_is_detected(story: Repo, tmp_path: Path) -> None:
    target = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{story.root}", str(target)], check=True
    )
    history = entity_history(target)
    assert history.available and history.shallow
    assert history.note is not None and "fetch-depth: 0" in history.note
    assert [c.subject for c in history.commits] == ["Retire the SLA"]
    with pytest.raises(HistoryError, match="fetch-depth: 0"):
        files_at(target, datetime(2026, 1, 20, tzinfo=UTC))


def test_not_a_repository(tmp_path: Path, git_env: None) -> None:
    (tmp_path / "agreements").mkdir()
    history = entity_history(tmp_path)
    assert not history.available
    assert history.commits == []
    assert history.note is not None and "not in a git repository" in history.note
    with pytest.raises(HistoryError, match="not in a git repository"):
        files_at(tmp_path, datetime(2026, 1, 1, tzinfo=UTC))
    assert uncommitted_files(tmp_path) == []


def test_git_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    history = entity_history(tmp_path)
    assert not history.available
    assert history.note is not None and "git is not installed" in history.note


def test_repository_without_commits(tmp_path: Path, git_env: None) -> None:
    repo = Repo(tmp_path / "new")
    repo.put("agreements/workspace.yaml", WORKSPACE)
    history = entity_history(repo.root)
    assert history.available and history.commits == []
    assert history.note is not None and "nothing has been committed" in history.note
    assert history.uncommitted_files == ["agreements/workspace.yaml"]
    assert not history.is_committed(("Workspace", "workspace"))
    assert files_at(repo.root, datetime(2026, 1, 1, tzinfo=UTC)) is None


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("git") is None,
    reason="needs root to give the repository to another user",
)
def test_dubious_ownership_says_the_fix(tmp_path: Path, git_env: None) -> None:
    repo = Repo(tmp_path / "theirs")
    for path in [repo.root, *repo.root.rglob("*")]:
        os.chown(path, 65534, 65534, follow_symlinks=False)
    history = entity_history(repo.root)
    assert not history.available
    assert history.note is not None
    assert "git config --global --add safe.directory" in history.note
    assert str(repo.root) in history.note


def test_uncommitted_files_and_entities(story: Repo, hist: History, tmp_path: Path) -> None:
    assert hist.uncommitted_files == []
    assert hist.is_committed(SLA)
    clone = Repo.__new__(Repo)
    clone.root = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(story.root), str(clone.root)], check=True)
    clone.put("agreements/draft.yaml", "kind: Term\nid: mql\nterm: MQL\ndefinition: x\n")
    clone.put("agreements/sla.yaml", sla(150))
    clone.put("agreements/notes.md", "not an agreement\n")
    history = entity_history(clone.root)
    assert history.uncommitted_files == ["agreements/draft.yaml", "agreements/sla.yaml"]
    assert not history.is_committed(("Term", "mql"))


def test_workspace_in_a_subfolder_of_the_repository(tmp_path: Path, git_env: None) -> None:
    repo = Repo(tmp_path / "mono")
    repo.put("sales-ops/agreements/sla.yaml", sla(100))
    repo.put("agreements/other.yaml", sla(1))  # another workspace's folder
    repo.commit("Add", "2026-01-05T10:00:00+00:00")
    repo.put("sales-ops/agreements/sla.yaml", sla(110))
    repo.commit("Raise", "2026-01-06T10:00:00+00:00")
    ws = repo.root / "sales-ops"
    history = entity_history(ws)
    assert [c.subject for c in history.commits] == ["Raise", "Add"]
    assert history.head == {SLA: "agreements/sla.yaml"}
    files = files_at(ws, datetime(2026, 1, 5, 12, tzinfo=UTC))
    assert files is not None and list(files) == ["agreements/sla.yaml"]
    assert b"min: 100}" in files["agreements/sla.yaml"]
    repo.put("sales-ops/agreements/new.yaml", "kind: Term\n")
    repo.put("agreements/elsewhere.yaml", "kind: Term\n")
    assert uncommitted_files(ws) == ["agreements/new.yaml"]


def test_parse_pr() -> None:
    assert parse_pr("Merge pull request #12 from x/y") == "12"
    assert parse_pr("Fix target (#7)") == "7"
    assert parse_pr("Raise target !5") == "!5"
    body = "Raise it\n\nSee merge request acme/agreements!9\n"
    assert parse_pr("Merge branch 'raise' into 'main'", body) == "!9"
    assert parse_pr("Fixes #7 by raising the target") is None
    assert parse_pr("Wow!5 targets") is None
    assert parse_pr("Plain change") is None


def test_pr_and_commit_urls() -> None:
    when = datetime(2026, 1, 1, tzinfo=UTC)
    github = Commit("a" * 40, when, "Jan", "jan@x", "Fix target (#7)", pr="7")
    gitlab = Commit("b" * 40, when, "Jan", "jan@x", "Raise !5", pr="!5")
    plain = Commit("c" * 40, when, "Jan", "jan@x", "Plain")
    assert pr_url(github, "https://github.com/acme/agreements") == (
        "https://github.com/acme/agreements/pull/7"
    )
    assert History.pr_url(gitlab, "https://gitlab.com/acme/agreements.git/") == (
        "https://gitlab.com/acme/agreements/-/merge_requests/5"
    )
    assert pr_url(plain, "https://github.com/acme/agreements") is None
    assert pr_url(github, None) is None
    assert pr_url(github, "javascript:alert(1)//") is None
    assert commit_url(plain, "https://github.com/acme/agreements") == (
        f"https://github.com/acme/agreements/commit/{'c' * 40}"
    )


QUICK_SAME = [
    "kind: Agreement\nid: a\nlist: [1, 2.5, true, null, x]\nwhen: 2026-01-01\nword: NO\n",
    "---\n# only a comment\n---\nkind: Team\nid: t\nmembers:\n  - {id: a, name: 'A: b'}\n",
    'kind: Kpi\nid: k\ntext: "plain \\u00e9"\nnested: {a: {b: [{c: d}]}}\nempty: ""\n',
    "",
]
QUICK_UNUSUAL = [
    "kind: Team\nid: &a t\nname: *a\n",  # anchors and aliases
    "kind: Team\nid: t\nid: u\n",  # duplicate key
    "kind: Team\nid: !!str t\n",  # explicit tag
    "%YAML 1.1\n---\nkind: Team\nid: t\n",  # directive
    "kind: Team\n1: t\n",  # a key that is not text
    "- a list\n",  # not a mapping
    "kind: Team\nid: [t\n",  # syntax error
]


@pytest.mark.parametrize("text", QUICK_SAME)
def test_quick_parser_gives_what_parse_documents_gives(text: str) -> None:
    from accord.loading._quick import quick_documents
    from accord.loading._yaml import parse_documents

    assert quick_documents(text) == [doc.data for doc in parse_documents(text, "x.yaml")]


@pytest.mark.parametrize("text", QUICK_UNUSUAL)
def test_quick_parser_leaves_the_unusual_to_parse_documents(text: str) -> None:
    from accord.loading._quick import quick_documents

    assert quick_documents(text) is None


def test_same_blob_in_two_files_and_a_duplicate_key(tmp_path: Path, git_env: None) -> None:
    repo = Repo(tmp_path / "r")
    team = "kind: Team\nid: ops\nname: Ops\n"
    repo.put("agreements/a.yaml", team)
    repo.put("agreements/b.yaml", "kind: Team\nid: qa\nname: QA\n")
    repo.commit("Start", "2026-01-01T10:00:00+00:00")
    repo.put("agreements/b.yaml", team.replace("id: ops", "id: ops\nid: dup"))
    repo.commit("Break b", "2026-01-02T10:00:00+00:00")
    repo.put("agreements/b.yaml", team)  # the same blob as a.yaml
    repo.commit("Copy a to b", "2026-01-03T10:00:00+00:00")
    history = entity_history(repo.root)
    (note,) = history.notes
    assert "duplicate key 'id'" in note and "agreements/b.yaml" in note
    copy = next(c for c in history.commits if c.subject == "Copy a to b")
    assert [ch.describe() for ch in copy.changes[("Team", "qa")]] == ["Team qa removed"]
    assert history.head[("Team", "ops")] == "agreements/a.yaml"


def test_log_read_in_small_pieces_gives_the_same_history(
    story: Repo, hist: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    import accord.history._git as git_module
    import accord.history._walk as walk_module

    monkeypatch.setattr(git_module, "_CHUNK", 7)  # records split anywhere
    monkeypatch.setattr(walk_module._Versions, "BATCH", 2)
    again = entity_history(story.root)
    assert [c.sha for c in again.commits] == [c.sha for c in hist.commits]
    assert [c.changes for c in again.commits] == [c.changes for c in hist.commits]
    assert [c.subject for c in again.commits] == [c.subject for c in hist.commits]
    assert again.notes == hist.notes and again.head == hist.head
