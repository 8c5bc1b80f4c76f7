"""Benchmark of the wiki build: the full ``accord site build`` against plain MkDocs.

Builds a repository of agreement files changed by many commits (git
fast-import), then times, in one run, ``--repeat`` rounds that take turns:

* the floor: a plain MkDocs build (Material, search, no accord plugin) of the
  same pages: the Markdown the wiki hands MkDocs, history sections included,
  written to files. The raw HTML history lists the plugin writes after
  indexing (agreement pages, the changelog's earlier changes) are not in it:
  reading the history and writing those lists is Accord's work;
* ``accord.history.entity_history`` alone (for information);
* the full ``accord site build`` (workspace, history, pages, lists, MkDocs):
  once without the cache of parsed versions (``.accord/``, git-ignored in the
  generated repository as in a real workspace) — a first build — and once
  with it — a rebuild after new commits reads only the new versions.

It prints the best and median time of each, and build ÷ floor best to best
and as the median of the rounds' own ratios. Goals, for a rebuild: ≤ 2 × floor
at 200 files × 5,000 commits, ≤ 1.2 × floor at 20 files × 300 commits
(docs/performance.md, "Wiki").

    .venv/bin/python bench/site.py                            # 200 files, 5,000 commits
    .venv/bin/python bench/site.py --files 20 --commits 300 --repeat 40
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import random
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from _common import wall_times  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.progress import Progress  # noqa: E402

BASE = """\
kind: Workspace
name: Bench
repo_url: https://git.example.com/bench/agreements
calendar: {timezone: Europe/Amsterdam}
---
kind: Team
id: sales
name: Sales
members: [{id: jan, name: Jan, git: jan}]
---
kind: Team
id: marketing
name: Marketing
members: [{id: eva, name: Eva, git: eva}]
---
kind: Role
id: head-of-sales
title: Head of Sales
team: sales
holders: [jan]
---
kind: Role
id: head-of-marketing
title: Head of Marketing
team: marketing
holders: [eva]
---
kind: Stage
id: sql
name: Sales Qualified Lead
order: 1
owner: sales
definition: A lead Sales agreed to call.
---
kind: Kpi
id: sqls
name: SQLs delivered
unit: count
measure: {count: sql}
"""

AGREEMENT = """\
kind: Agreement
id: agreement-{n:03d}
title: Agreement number {n}
parties: [marketing, sales]
owners: [head-of-marketing, head-of-sales]
status: active
effective: 2026-01-01
review_by: 2027-01-01
summary: Agreement {n}, revision {rev}.
commitments:
  - id: volume
    by: marketing
    to: sales
    text: Marketing delivers at least {target} SQLs a month.
    kpi: sqls
    target: {{min: {target}}}
    per: month
"""

console = Console()


def _blob(text: str) -> bytes:
    data = text.encode()
    return b"data %d\n" % len(data) + data + b"\n"


def make_repo(root: Path, files: int, commits: int) -> None:
    """`files` agreement files changed by `commits` commits, via git fast-import."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    rng = random.Random(4)
    start = int(dt.datetime(2024, 1, 1, tzinfo=dt.UTC).timestamp())
    authors = ["Eva Jansen <eva@x>", "Jan de Boer <jan@x>", "Sanne Bakker <sanne@x>"]
    chunks: list[bytes] = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("writing the fast-import stream", total=commits)
        for i in range(commits):
            when = start + i * 3600
            author = authors[i % len(authors)]
            head = f"commit refs/heads/main\nmark :{i + 1}\n"
            head += f"author {author} {when} +0000\ncommitter {author} {when} +0000\n"
            chunks.append(head.encode())
            chunks.append(_blob(f"Change {i} (#{i + 1})"))
            if i:
                chunks.append(f"from :{i}\n".encode())
            if i == 0:
                chunks.append(b"M 100644 inline .gitignore\n" + _blob(".accord/\nsite/\n"))
                chunks.append(b"M 100644 inline agreements/base.yaml\n" + _blob(BASE))
                for n in range(files):
                    text = AGREEMENT.format(n=n, rev=0, target=100)
                    chunks.append(f"M 100644 inline agreements/a{n:03d}.yaml\n".encode())
                    chunks.append(_blob(text))
            else:
                n = rng.randrange(files)
                text = AGREEMENT.format(n=n, rev=i, target=100 + rng.randrange(50))
                chunks.append(f"M 100644 inline agreements/a{n:03d}.yaml\n".encode())
                chunks.append(_blob(text))
            chunks.append(b"\n")
            progress.advance(task)
    subprocess.run(
        ["git", "-C", str(root), "fast-import", "--quiet"], input=b"".join(chunks), check=True
    )
    subprocess.run(["git", "-C", str(root), "reset", "-q", "--hard", "main"], check=True)


GOALS = {(200, 5000): 2.0, (20, 300): 1.2}
"""Full build ÷ floor, by (files, commits)."""


def in_turn(actions: dict[str, Callable[[], object]], repeat: int) -> dict[str, list[float]]:
    """Each action's wall-clock times (s) over `repeat` rounds that run them in turn.

    Taking turns spreads the machine's changing load over all of them alike.
    """
    times: dict[str, list[float]] = {label: [] for label in actions}
    for _ in range(repeat):
        for label, action in actions.items():
            times[label] += wall_times(action, 1)
    return times


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from accord import load_workspace
    from accord.history import entity_history
    from site_builder.build import build_site
    from site_builder.pages import generate_pages

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    tmp = Path(tempfile.mkdtemp(prefix="accord-bench-site-"))
    try:
        root = tmp / "ws"
        console.print(f"building a repository: {args.files} files, {args.commits} commits")
        make_repo(root, args.files, args.commits)
        (root / "docs").mkdir()
        (root / "mkdocs.yml").write_text(
            "site_name: Bench\ntheme: {name: material}\nplugins: [search, accord]\n",
            encoding="utf-8",
        )

        # the floor: the Markdown the plugin gives MkDocs, as files, built by plain MkDocs
        ws = load_workspace(root)
        pages = generate_pages(
            ws, entity_history(root), today=dt.date.today(), defer=lambda render: ""
        )
        plain = tmp / "plain"
        for rel, text in pages.items():
            (plain / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
            (plain / "docs" / rel).write_text(text, encoding="utf-8")
        (plain / "mkdocs.yml").write_text(
            "site_name: Bench\ntheme: {name: material}\nplugins: [search]\n", encoding="utf-8"
        )

        cache = root / ".accord"  # git-ignored: entity_history keeps parsed versions there

        def first_build() -> None:
            shutil.rmtree(cache, ignore_errors=True)
            build_site(root)

        floor, history, first, rebuild = (
            "floor: plain MkDocs build of the same pages",
            "entity_history (cache filled)",
            "accord site build, no cache (first build)",
            "accord site build (a rebuild)",
        )
        console.print(f"{len(pages)} pages, {args.repeat} rounds taking turns:")
        times = in_turn(
            {
                floor: lambda: build(load_config(config_file=str(plain / "mkdocs.yml"))),
                history: lambda: entity_history(root),
                first: first_build,
                rebuild: lambda: build_site(root),
            },
            args.repeat,
        )
        console.print(f"  {'':<44} {'best':>8}   {'median':>8}")
        for label, seconds in times.items():
            console.print(f"  {label:<44} {min(seconds):8.3f} s {median(seconds):8.3f} s")
        goal = GOALS.get((args.files, args.commits))
        wanted = f"goal ≤ {goal}" if goal is not None else "no goal at this size"
        for label, name in ((rebuild, "rebuild"), (first, "first build")):
            best = min(times[label]) / min(times[floor])
            rounds = median([b / f for b, f in zip(times[label], times[floor], strict=True)])
            console.print(
                f"{name} / floor: {best:5.2f} best to best, {rounds:5.2f} median of the rounds"
                + (f"  ({wanted})" if label == rebuild else "")
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
