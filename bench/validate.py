"""Benchmark: `accord validate` against the floor of parsing the same YAML.

Generates a workspace of 500 agreement documents across 100 files (about five
realistic Agreement documents per file, plus one file with the Workspace,
teams, roles, stages and KPIs) in a temporary directory, then times in one run:

a. ``accord validate`` end to end as a subprocess (median of 3);
b. the in-process `accord.check_workspace` (median of 5);
c. the floor: ruamel.yaml ``YAML(typ='safe', pure=False).load_all`` of the same
   files, with the C extension (ruamel.yaml.clib) asserted to be in use;
d. for reference, the round-trip loader ``YAML()`` (what positions would cost
   with ruamel's own position-keeping nodes).

and prints the ratios. Goal: (b) within 2x of (c). Run:

    .venv/bin/python bench/validate.py [--files 100] [--per-file 5] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from _common import wall_times
from ruamel.yaml import YAML

from accord.loading.validate import check_workspace

BASE = """\
kind: Workspace
name: Bench Corp
calendar:
  timezone: Europe/Amsterdam
  hours: "09:00-17:00"
---
kind: Team
id: marketing
name: Marketing
lead: eva
members:
  - {id: eva, name: Eva Jansen, email: eva@bench.example, git: ejansen}
  - {id: tom, name: Tom Visser, email: tom@bench.example, git: tvisser}
---
kind: Team
id: sales
name: Sales
lead: jan
members:
  - {id: jan, name: Jan de Boer, email: jan@bench.example, git: jdeboer}
  - {id: sanne, name: Sanne Bakker, email: sanne@bench.example, git: sbakker}
---
kind: Role
id: head-of-marketing
title: Head of Marketing
team: marketing
holders: [eva]
---
kind: Role
id: head-of-sales
title: Head of Sales
team: sales
holders: [jan]
---
kind: Stage
id: sql
name: Sales Qualified Lead
order: 3
owner: sales
definition: A lead that Sales has agreed to call.
raci: {responsible: [head-of-sales], accountable: [head-of-sales]}
---
kind: Stage
id: customer
name: Customer
order: 5
owner: sales
definition: A lead that signed.
---
kind: Kpi
id: sqls-delivered
name: SQLs delivered
unit: count
owner: head-of-marketing
measure: {count: sql}
---
kind: Kpi
id: hot-lead-response
name: Hot leads contacted in time
unit: ratio
owner: head-of-sales
measure:
  within: {from: sql, to: {type: contacted}, limit: 4h, clock: business}
where: {hot: true}
---
kind: Kpi
id: time-to-contact
name: Median time to first contact
unit: hours
measure:
  duration: {from: sql, to: {type: contacted}, percentile: 50}
"""

AGREEMENT = """\
kind: Agreement
id: sla-{n}
title: Service level agreement number {n} between Marketing and Sales
parties: [marketing, sales]
owners: [head-of-marketing, head-of-sales]
status: active
effective: 2026-01-01
review_by: 2099-01-01
summary: >
  What each side delivers to the other for segment {n}, measured every month
  and reviewed together in the weekly pipeline meeting.
handoff:
  required_fields: [company, contact_name, pain, campaign]
commitments:
  - id: sql-volume
    by: marketing
    to: sales
    text: Marketing delivers at least {low} sales-qualified leads a month.
    kpi: sqls-delivered
    target: {{min: {low}}}
    warn: {warn}
    per: month
  - id: hot-lead-callback
    by: sales
    to: marketing
    text: Sales contacts 95% of hot leads within 4 working hours.
    kpi: hot-lead-response
    target: {{min: "95%"}}
    warn: "90%"
    per: month
  - id: contact-time
    by: sales
    to: marketing
    text: The median SQL is contacted within 4 working hours.
    kpi: time-to-contact
    target: {{max: 4h}}
    per: week
"""


def generate(root: Path, files: int, per_file: int) -> int:
    """Write the workspace; returns the number of documents."""
    folder = root / "agreements"
    (folder / "teams").mkdir(parents=True)
    (folder / "teams" / "base.yaml").write_text(BASE, encoding="utf-8")
    n = 0
    for f in range(files):
        docs = []
        for _ in range(per_file):
            docs.append(AGREEMENT.format(n=n, low=100 + n % 50, warn=90 + n % 10))
            n += 1
        (folder / f"area-{f:03d}.yaml").write_text("---\n".join(docs), encoding="utf-8")
    return n


def median_time(fn: Callable[[], object], repeat: int) -> float:
    return statistics.median(wall_times(fn, repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--per-file", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="cProfile the in-process run")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="accord-bench-"))
    try:
        docs = generate(root, args.files, args.per_file)
        paths = sorted((root / "agreements").rglob("*.yaml"))
        lines = sum(p.read_text().count("\n") for p in paths)
        print(f"workspace: {docs} agreement documents in {len(paths)} files, {lines} lines")

        result = check_workspace(root)
        assert not result.problems, [p.format() for p in result.problems[:5]]

        def in_process() -> None:
            check_workspace(root)

        safe = YAML(typ="safe", pure=False)
        assert "CParser" in safe.Parser.__name__, "ruamel.yaml.clib is not in use"

        def floor() -> None:
            for path in paths:
                list(YAML(typ="safe", pure=False).load_all(path.read_bytes()))

        def round_trip() -> None:
            for path in paths:
                list(YAML().load_all(path.read_bytes()))

        accord = Path(sys.executable).with_name("accord")
        cmd = [str(accord), "validate", str(root)]

        def end_to_end() -> None:
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
            assert proc.returncode == 0, proc.stdout + proc.stderr

        def startup() -> None:
            subprocess.run([str(accord), "--help"], capture_output=True, check=True)

        in_process()  # warm up imports and caches
        floor()
        t_cli = median_time(end_to_end, 3)
        t_start = median_time(startup, 3)
        t_in = median_time(in_process, 5)
        t_floor = median_time(floor, 5)
        t_rt = median_time(round_trip, 3)

        print(f"a. accord validate (subprocess, median of 3): {t_cli:7.3f} s")
        print(f"   of which CLI start-up (accord --help):     {t_start:7.3f} s")
        print(f"b. check_workspace (in process, median of 5): {t_in:7.3f} s")
        print(f"c. floor: YAML(typ='safe', pure=False):       {t_floor:7.3f} s  (C parser)")
        print(f"d. reference: round-trip YAML():              {t_rt:7.3f} s")
        print(f"ratio in-process / floor:    {t_in / t_floor:5.2f}x  (goal <= 2x)")
        print(f"ratio end-to-end / floor:    {t_cli / t_floor:5.2f}x")
        print(f"ratio round-trip / floor:    {t_rt / t_floor:5.2f}x")

        if args.profile:
            prof = cProfile.Profile()
            prof.runcall(in_process)
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(25)
            print(out.getvalue())
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
