"""The fast history walk gives exactly the history of the reference walk.

`entity_history` walks newest first and reads most versions from their
changed lines (accord.history._line_yaml). The reference walks oldest first and
parses every version whole. Random histories — value edits, comments,
structure changes, entities moved between files, duplicate ids, deleted and
re-added files, changed ids, reverts, several files per commit and, in some,
versions that cannot be read — must give the same commits, changes, notes
and final places.
"""

from __future__ import annotations

import random
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

import accord.history._walk
from accord.history import History, entity_history

WORKSPACE = "kind: Workspace\nname: Walks\ncalendar: {timezone: Europe/Amsterdam}\n"


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
    lines = [line for line in text.split("\n") if not line.startswith("oops")]
    candidates = [i for i, line in enumerate(lines) if "text: Deliver" in line or "min:" in line]
    candidates += [i for i, line in enumerate(lines) if line.startswith(("status:", "title:"))]
    if not candidates:
        return text + "# touched\n"
    i = rng.choice(candidates)
    head = lines[i][: lines[i].index(":") + 2]
    value = rng.choice(["draft", "active", "retired", "{min: 7}", "{max: 3}", "[a, b]", "'x: y'"])
    if "min:" in lines[i]:
        value = f"{{min: {rng.randrange(60)}}}"
    lines[i] = head + value
    return "\n".join(lines)


def _history(rng: random.Random, commits: int, broken: bool) -> list[dict[str, str | None]]:
    """Each commit as ``{path: text or None (deleted)}``."""
    files: dict[str, str] = {
        "agreements/workspace.yaml": WORKSPACE,
        "agreements/teams.yaml": _teams(rng),
        "agreements/a.yaml": _agreement("a", rng, 2),
        "agreements/b.yaml": _agreement("b", rng),
    }
    past: dict[str, list[str]] = {path: [text] for path, text in files.items()}
    out: list[dict[str, str | None]] = [dict(files)]
    for n in range(commits):
        change: dict[str, str | None] = {}
        for _ in range(1 if rng.random() < 0.8 else 2):
            live = sorted(files)
            path = rng.choice(live)
            text = files[path]
            op = rng.randrange(12)
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
                new = text + "oops: [unclosed\n"
            else:
                new = text.replace("  in plain words.", f"  in plain words, {n}.")
            change[path] = new
        if rng.random() < 0.15 or len(files) < 3:
            change[rng.choice(["agreements/b.yaml", "agreements/c.yaml"])] = _agreement("c", rng)
        for path, text in change.items():
            if text is None:
                files.pop(path, None)
            else:
                files[path] = text
                past.setdefault(path, []).append(text)
        out.append(change)
    return out


def _repository(root: Path, commits: list[dict[str, str | None]]) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    stream: list[bytes] = []
    for i, change in enumerate(commits):
        when = 1_700_000_000 + i * 3600
        who = ["Eva <eva@x>", "Jan <jan@x>"][i % 2]
        stream.append(
            f"commit refs/heads/main\nmark :{i + 1}\nauthor {who} {when} +0000\n"
            f"committer {who} {when} +0000\ndata 10\nChange {i:03d}\n".encode()
        )
        if i:
            stream.append(f"from :{i}\n".encode())
        for path, text in change.items():
            if text is None:
                stream.append(f"D {path}\n".encode())
            else:
                data = text.encode()
                stream.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
        stream.append(b"\n")
    subprocess.run(
        ["git", "-C", str(root), "fast-import", "--quiet"], input=b"".join(stream), check=True
    )
    subprocess.run(["git", "-C", str(root), "reset", "-q", "--hard", "main"], check=True)


def _reference(root: Path, monkeypatch: pytest.MonkeyPatch) -> History:
    """Oldest first, every version parsed whole."""
    with monkeypatch.context() as patch:
        patch.setattr(accord.history._walk, "_walk_newest_first", lambda *args: None)
        patch.setattr(accord.history._walk, "next_version", lambda previous, text: None)
        patch.setattr(accord.history._walk, "parse_version", lambda text, docs: None)
        return entity_history(root)


def _summary(history: History) -> Any:
    return (
        [(c.sha, c.subject, c.changes) for c in history.commits],
        history.notes,
        history.head,
    )


@pytest.mark.parametrize("seed", range(6))
def test_fast_walk_equals_the_reference(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    broken = seed % 2 == 1
    if seed >= 4:  # small batches: blobs requested ahead across many batch boundaries
        monkeypatch.setattr(accord.history._walk._Reader, "BATCH", 3)
    _repository(tmp_path, _history(rng, 60, broken))
    starts_over: list[bool] = []
    real = accord.history._walk._walk_oldest_first

    def spy(*args: Any) -> None:
        starts_over.append(True)
        real(*args)

    monkeypatch.setattr(accord.history._walk, "_walk_oldest_first", spy)
    fast = entity_history(tmp_path)
    monkeypatch.setattr(accord.history._walk, "_walk_oldest_first", real)
    reference = _reference(tmp_path, monkeypatch)
    assert len(fast.commits) > 40  # commits that leave every file as it was are not listed
    assert _summary(fast) == _summary(reference)
    assert sum(len(c.changes) for c in fast.commits) > 20, "the histories change entities"
    if broken:
        assert reference.notes, "some version could not be read"
        assert starts_over == [True]
    else:
        assert not reference.notes
        assert starts_over == [], "a readable history is walked newest first"


def test_a_commit_changing_thousands_of_files_does_not_hang(tmp_path: Path) -> None:
    """3,000 files of 1 KB changed at once: more blob ids than git's input pipe holds
    while its answers (3 MB) fill the output pipe. Asked for all at once, both sides
    waited for each other forever."""
    pad = "# " + "x" * 1000 + "\n"
    N = 3000  # noqa: N806
    commits: list[dict[str, str | None]] = [
        {f"agreements/t{n}.yaml": f"kind: Team\nid: t{n}\nname: T{n} v{v}\n{pad}" for n in range(N)}
        for v in (1, 2)
    ]
    _repository(tmp_path, commits)
    result: list[History] = []
    walker = threading.Thread(target=lambda: result.append(entity_history(tmp_path)), daemon=True)
    walker.start()
    walker.join(120)
    assert not walker.is_alive(), "the history walk hung"
    (history,) = result
    assert [len(c.changes) for c in history.commits] == [3000, 3000]
    assert history.commits[0].changes[("Team", "t7")][0].describe() == 'name: "T7 v1" → "T7 v2"'
