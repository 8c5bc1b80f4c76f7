"""Benchmark of the wiki build (issue 4): history extraction and full build vs their floors.

Builds a repository of 200 agreement files with 5,000 commits (git fast-import),
then times in one run:

* floor A — a plain MkDocs build (Material, search) of as many Markdown pages
  as the wiki has, without history and without the accord plugin;
* floor B — one ``git log --first-parent --name-status`` pass over agreements/;
* ``accord.history.entity_history`` alone;
* the full ``accord site build`` (workspace load, history, pages, MkDocs).

Goals: history ≤ 1.5 × floor B, full build ≤ 1.3 × floor A.

    .venv/bin/python bench/site.py [--files 200] [--commits 5000]
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


def timed(label: str, action: Callable[[], object], repeat: int = 3) -> float:
    """Best of `repeat` wall-clock runs, in seconds."""
    best = min(wall_times(action, repeat))
    console.print(f"  {label:<38} {best:8.3f} s")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
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

        # floor A: the same pages as plain Markdown, plain MkDocs
        ws = load_workspace(root)
        pages = generate_pages(ws, None, today=dt.date(2026, 1, 1))
        plain = tmp / "plain"
        for rel, text in pages.items():
            (plain / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
            (plain / "docs" / rel).write_text(text, encoding="utf-8")
        (plain / "mkdocs.yml").write_text(
            "site_name: Bench\ntheme: {name: material}\nplugins: [search]\n", encoding="utf-8"
        )

        def floor_a() -> None:
            build(load_config(config_file=str(plain / "mkdocs.yml")))

        def floor_b() -> None:
            subprocess.run(
                ["git", "-C", str(root), "log", "--first-parent", "--name-status",
                 "--format=%H%x00%cI%x00%aN%x00%aE%x00%s", "HEAD", "--", "agreements"],
                check=True, capture_output=True,
            )  # fmt: skip

        console.print(f"timings (best of {args.repeat}), {len(pages)} pages:")
        a = timed("floor A: plain MkDocs build", floor_a, args.repeat)
        b = timed("floor B: git log --name-status", floor_b, args.repeat)
        h = timed("entity_history", lambda: entity_history(root), args.repeat)
        full = timed("accord site build", lambda: build_site(root), args.repeat)
        console.print(f"history / floor B   = {h / b:6.2f}  (goal ≤ 1.5)")
        console.print(f"full build / floor A = {full / a:6.2f}  (goal ≤ 1.3)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
