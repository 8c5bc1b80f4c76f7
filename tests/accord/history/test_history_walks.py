"""The history walk against a naive reference, on random generated repositories.

`entity_history` reads one ``git log`` and each blob once. The reference here
reads the repository the slow, obvious way: for every commit on the first-parent
line, every agreement file with its own ``git show``, parsed whole by the
validator's parser, and the whole set of entities diffed with the commit before.
Random histories — value edits, comments, structure changes, entities moved
between files, duplicate ids, emptied, deleted and re-added files, changed ids,
reverts, changes merged from a branch, commits outside the agreements and, in
some, versions that cannot be read — must give the same commits, changes,
notes and final places.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

import accord.history._walk
from accord.domain.errors import LoadError
from accord.history import EntityKey, FieldChange, History, entity_history
from accord.history.diff import diff_snapshots, entity_key
from accord.loading import decode, parse_documents

WORKSPACE = "kind: Workspace\nname: Walks\ncalendar: {timezone: Europe/Amsterdam}\n"
GIT_ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

Change = dict[str, str | None]  # path → its new text, or None when deleted


def _agreement(ident: str, rng: random.Random, commitments: int = 1) -> str:
    lines = [
        "kind: Agreement",
        f"id: {ident}",
        f"title: Agreement {ident}  # the title",
        "parties: [marketing, sales]",
        f"status: {rng.choice(['draft', 'active'])}",
        "summary: >-",
        f"  Agreed on {rng.randrange(100)} points,",
        "  in plain words.",
        "commitments:",
    ]
    for n in range(commitments):
        lines += [
            f"  - id: c{n}",
            f"    text: Deliver {rng.randrange(50)} leads",
            f"    target: {{min: {rng.randrange(50)}}}",
            "    per: month",
        ]
    return "\n".join(lines) + "\n"


def _teams(rng: random.Random) -> str:
    return (
        "kind: Team\nid: sales\nname: Sales\nmembers:\n"
        f"  - id: jan\n    name: Jan {rng.choice(['de Boer', 'Jansen'])}\n"
        "---\n"
        f"kind: Team\nid: marketing\nname: Marketing\nmembers: [{rng.choice(['eva', 'sam'])}]\n"
    )


def _edit(text: str, rng: random.Random) -> str:
    """A change of values only (most commits in real life); mends a broken file."""
    lines = [line for line in text.split("\n") if not line.startswith(("oops", "id: dup"))]
    candidates = [i for i, line in enumerate(lines) if "text: Deliver" in line or "min:" in line]
    candidates += [i for i, line in enumerate(lines) if line.startswith(("status:", "title:"))]
    if not candidates:
        return "\n".join(lines) + "# touched\n"
    i = rng.choice(candidates)
    head = lines[i][: lines[i].index(":") + 2]
    value = rng.choice(
        ["draft", "active", "retired", "{min: 7}", "{max: 3}", "[a, b]", "'x: y'"]
        + ["true", "~", "1e3", "-0.0", ".inf", "0x1F", '"ünï ☃ \\t"', "2026-01-01"]
    )
    if "min:" in lines[i]:
        value = f"{{min: {rng.randrange(60)}}}"
    lines[i] = head + value
    return "\n".join(lines)


def _history(rng: random.Random, commits: int, broken: bool) -> list[tuple[Change, bool]]:
    """Each commit as its change and whether it comes merged from a branch."""
    files: dict[str, str] = {
        "agreements/workspace.yaml": WORKSPACE,
        "agreements/teams.yaml": _teams(rng),
        "agreements/a.yaml": _agreement("a", rng, 2),
        "agreements/b.yaml": _agreement("b", rng),
    }
    past: dict[str, list[str]] = {path: [text] for path, text in files.items()}
    out: list[tuple[Change, bool]] = [(dict(files), False)]
    for n in range(commits):
        change: Change = {}
        for _ in range(1 if rng.random() < 0.8 else 2):
            live = sorted(p for p in files if p.endswith(".yaml"))
            path = rng.choice(live)
            text = files[path]
            op = rng.randrange(15)
            new: str | None
            if op < 5:
                new = _edit(text, rng)
            elif op == 5:
                new = text + f"# note {n}\n"
            elif op == 6:
                new = text.replace("commitments:\n", "commitments:\n  - id: extra\n    per: week\n")
            elif op == 7 and len(live) > 2 and path.endswith(("a.yaml", "b.yaml", "c.yaml")):
                target = rng.choice([p for p in live if p != path])
                change[target] = files[target] + "---\n" + text  # moved (or duplicated)
                new = None if rng.random() < 0.7 else text
            elif op == 8 and len(live) > 3:
                new = None if path != "agreements/workspace.yaml" else text
            elif op == 9:
                new = rng.choice(past[path])  # an earlier version again
            elif op == 10:
                new = text.replace("id: b", "id: b2") if "id: b\n" in text else text
            elif op == 11 and broken:
                new = text + rng.choice(["oops: [unclosed\n", "id: dup\n"])
            elif op == 12:
                path, new = rng.choice(["README.md", "agreements/README.md"]), f"# {n}\n"
            elif op == 13 and path != "agreements/workspace.yaml":
                new = "# emptied for now\n"
            else:
                new = text.replace("  in plain words.", f"  in plain words, {n}.")
            change[path] = new
        if rng.random() < 0.15 or len(files) < 4:
            change[rng.choice(["agreements/b.yaml", "agreements/c.yaml"])] = _agreement("c", rng)
        for path, text in change.items():
            if text is None:
                files.pop(path, None)
            else:
                files[path] = text
                past.setdefault(path, []).append(text)
        out.append((change, rng.random() < 0.1))
    return out


def _repository(root: Path, commits: list[tuple[Change, bool]]) -> None:
    """A repository on ``main`` with `commits`; merged ones come from a side branch."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True, env=GIT_ENV)
    stream: list[bytes] = []
    main = 0  # the mark of main's last commit

    def commit(i: int, ref: str, subject: str, change: Change, merge: int = 0) -> None:
        when = 1_700_000_000 + i * 3600
        who = ["Eva <eva@x>", "Jan <jan@x>"][i % 2]
        data = subject.encode()
        stream.append(
            f"commit refs/heads/{ref}\nmark :{i}\nauthor {who} {when} +0000\n"
            f"committer {who} {when} +0000\ndata {len(data)}\n".encode()
            + data
            + b"\n"
        )
        if main:
            stream.append(f"from :{main}\n".encode())
        if merge:
            stream.append(f"merge :{merge}\n".encode())
        for path, text in change.items():
            if text is None:
                stream.append(f"D {path}\n".encode())
            else:
                body = text.encode()
                stream.append(f"M 100644 inline {path}\ndata {len(body)}\n".encode() + body + b"\n")
        stream.append(b"\n")

    for n, (change, merged) in enumerate(commits):
        mark = 2 * n + 2
        if merged:
            commit(mark - 1, "side", f"Side {n:03d}", change)
            commit(mark, "main", f"Merge pull request #{n} from side", change, merge=mark - 1)
        else:
            commit(mark, "main", f"Change {n:03d}", change)
        main = mark
    subprocess.run(
        ["git", "-C", str(root), "fast-import", "--quiet"],
        input=b"".join(stream),
        check=True,
        env=GIT_ENV,
    )
    subprocess.run(
        ["git", "-C", str(root), "reset", "-q", "--hard", "main"], check=True, env=GIT_ENV
    )


# --- the reference: every file of every commit, read with its own git show ------------


def _git(root: Path, *args: str, check: bool = True) -> bytes:
    proc = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, check=check, env=GIT_ENV
    )
    return proc.stdout if proc.returncode == 0 else b""


Summary = tuple[
    list[tuple[str, str, str, list[tuple[EntityKey, list[FieldChange]]]]],
    list[tuple[str, str]],
    dict[EntityKey, str],
]


def _reference(root: Path) -> Summary:
    """Commits (newest first), notes (sha, file) and final places, the naive way."""
    log = _git(root, "log", "--first-parent", "--reverse", "--format=%H%x00%cI%x00%s", "HEAD")
    readable: dict[str, dict[EntityKey, dict[str, Any]]] = {}  # file → its last readable data
    texts: dict[str, bytes] = {}  # file → its content at the commit before
    tree = b""  # the agreements folder's tree at the commit before
    before: dict[EntityKey, dict[str, Any]] = {}
    commits: list[tuple[str, str, str, list[tuple[EntityKey, list[FieldChange]]]]] = []
    notes: list[tuple[str, str]] = []
    for line in log.decode().splitlines():
        sha, date, subject = line.split("\0")
        listing = _git(root, "ls-tree", "-r", "-z", "--name-only", sha, "--", "agreements")
        paths = sorted(p for p in listing.decode().split("\0") if p.endswith((".yaml", ".yml")))
        now = {path: _git(root, "show", f"{sha}:{path}") for path in paths}
        readable = {path: data for path, data in readable.items() if path in now}
        for path, content in now.items():
            if texts.get(path) == content:
                continue
            try:
                docs = parse_documents(decode(content, path), path)
            except LoadError:
                notes.append((sha[:7], path))
                continue
            entities: dict[EntityKey, dict[str, Any]] = {}
            for doc in docs:
                key = entity_key(doc.data)
                if key is not None:
                    entities.setdefault(key, doc.data)
            readable[path] = entities
        after: dict[EntityKey, dict[str, Any]] = {}
        for path in sorted(readable):  # a duplicate id: the first file wins
            for key, data in readable[path].items():
                after.setdefault(key, data)
        after = dict(sorted(after.items()))
        changes = diff_snapshots(before, after)
        folder = _git(root, "rev-parse", f"{sha}:agreements", check=False)
        if folder != tree:  # git log lists the commits that changed the folder
            commits.append((sha, date, subject, list(changes.items())))
        else:
            assert not changes
        before, texts, tree = after, now, folder
    head = {}
    for path in sorted(readable, reverse=True):
        head.update(dict.fromkeys(readable[path], path))
    commits.reverse()
    return commits, notes, dict(sorted(head.items()))


def _summary(history: History) -> Summary:
    noted = [re.match(r"(\w{7}) \(\S+\): (\S+) could not be read", n) for n in history.notes]
    return (
        [(c.sha, c.date.isoformat(), c.subject, list(c.changes.items())) for c in history.commits],
        [(m.group(1), m.group(2)) for m in noted if m],
        dict(sorted(history.head.items())),
    )


@pytest.mark.parametrize("seed", range(6))
def test_the_walk_equals_the_naive_reading(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    broken = seed % 2 == 1
    if seed >= 4:  # small batches: blobs fetched across many batch boundaries
        monkeypatch.setattr(accord.history._walk._Versions, "BATCH", 3)
    _repository(tmp_path, _history(rng, 50, broken))
    history = entity_history(tmp_path)
    reference = _reference(tmp_path)
    assert len(history.commits) > 30  # commits that leave every file as it was are not listed
    assert _summary(history) == reference
    assert len(history.notes) == len(reference[1])
    assert sum(len(c.changes) for c in history.commits) > 20, "the histories change entities"
    assert any(c.subject.startswith("Merge") for c in history.commits), "a merge is listed"
    assert not any(c.subject.startswith("Side") for c in history.commits), "first parent only"
    assert bool(history.notes) == broken


def test_a_commit_changing_thousands_of_files_does_not_hang(tmp_path: Path) -> None:
    """3,000 files of 1 KB changed at once: more blob ids than git's input pipe holds
    while its answers (3 MB) fill the output pipe. Asked for all at once, both sides
    would wait for each other forever."""
    pad = "# " + "x" * 1000 + "\n"
    N = 3000  # noqa: N806
    versions: list[Change] = [
        {f"agreements/t{n}.yaml": f"kind: Team\nid: t{n}\nname: T{n} v{v}\n{pad}" for n in range(N)}
        for v in (1, 2)
    ]
    commits = [(change, False) for change in versions]
    _repository(tmp_path, commits)
    result: list[History] = []
    walker = threading.Thread(target=lambda: result.append(entity_history(tmp_path)), daemon=True)
    walker.start()
    walker.join(120)
    assert not walker.is_alive(), "the history walk hung"
    (history,) = result
    assert [len(c.changes) for c in history.commits] == [3000, 3000]
    assert history.commits[0].changes[("Team", "t7")][0].describe() == 'name: "T7 v1" → "T7 v2"'


# --- the cache of parsed versions ----------------------------------------------------

CACHE = ".accord/history-cache.json"


def test_a_rebuild_reads_its_versions_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _repository(tmp_path, _history(random.Random(7), 40, broken=True))
    (tmp_path / ".gitignore").write_text(".accord/\n", encoding="utf-8")
    first = entity_history(tmp_path)
    assert (tmp_path / CACHE).is_file()
    assert _summary(first) == _reference(tmp_path)

    parse = accord.history._walk._parsed
    parsed: list[Any] = []

    def spy(data: bytes) -> Any:
        parsed.append(parse(data))
        return parsed[-1]

    with monkeypatch.context() as patch:
        patch.setattr(accord.history._walk, "_parsed", spy)
        again = entity_history(tmp_path)
    assert _summary(again) == _summary(first) and again.notes == first.notes
    assert first.notes and parsed, "unreadable versions are not kept: read again"
    assert all(isinstance(p, bytes) for p in parsed), "readable versions came from the cache"


def test_a_cache_that_git_does_not_ignore_is_neither_written_nor_read(tmp_path: Path) -> None:
    _repository(tmp_path, _history(random.Random(8), 10, broken=False))
    history = entity_history(tmp_path)
    assert not (tmp_path / ".accord").exists(), "no .gitignore names .accord/"
    # a cache committed to the repository (forced past .gitignore) is never trusted
    forged = {"format": 1, "versions": {sha: [] for sha in _blobs(tmp_path)}}
    (tmp_path / ".accord").mkdir()
    (tmp_path / CACHE).write_text(json.dumps(forged), encoding="utf-8")
    (tmp_path / ".gitignore").write_text(".accord/\n", encoding="utf-8")
    _git(tmp_path, "add", "-f", CACHE, ".gitignore")
    _git(tmp_path, "-c", "user.name=Eva", "-c", "user.email=eva@x", "commit", "-q", "-m", "A cache")
    again = entity_history(tmp_path)
    assert _summary(again) == _summary(history), "the forged cache was not used"


@pytest.mark.parametrize(
    "content", ["", "{", "[]", '{"format": 0, "versions": {}}', '{"format": 1, "versions": 3}']
)
def test_a_broken_or_old_cache_is_read_again_from_git(tmp_path: Path, content: str) -> None:
    _repository(tmp_path, _history(random.Random(9), 10, broken=False))
    (tmp_path / ".gitignore").write_text(".accord/\n", encoding="utf-8")
    (tmp_path / ".accord").mkdir()
    (tmp_path / CACHE).write_text(content, encoding="utf-8")
    assert _summary(entity_history(tmp_path)) == _reference(tmp_path)
    assert json.loads((tmp_path / CACHE).read_text(encoding="utf-8"))["format"] == 1


def _blobs(root: Path) -> list[str]:
    """Every blob id the agreements ever had."""
    out = _git(root, "log", "--format=", "--raw", "--no-abbrev", "--", "agreements")
    return sorted({line.split()[3] for line in out.decode().splitlines() if line.startswith(":")})
