"""Benchmark of the dashboard: first data frame, refresh under load, idle CPU.

    .venv/bin/python bench/dash.py                     # 1,000,000 leads (bench/metrics.py's data)
    .venv/bin/python bench/dash.py --leads 100000      # a quick run
    .venv/bin/python bench/dash.py --db /tmp/f.db --reuse

Uses the repository's agreements/ workspace and bench/metrics.py's generator, then:

* first frame: wall time from starting a process to the dashboard's first frame
  with data — the first commitment value painted (the first evaluation paints
  progressively) — and to the frame with every commitment painted (headless,
  120×36; ACCORD_DASH_EXIT_AFTER_FIRST_DATA=1 makes the app exit right after
  it), beside an empty Textual app started the same way;
* refresh: the cost of one `StoreSource.fetch` (incremental evaluation, plus the
  funnel, trends and attention list when events arrived) every 2 s while
  ``accord simulate --rate 50`` writes;
* idle CPU: CPU time (utime+stime from /proc/PID/stat) over 30 s of the dashboard
  at the default refresh with no new events, in a real terminal (tmux, 120×36),
  beside an empty Textual app measured the same way.

Goals: first data frame ≤ 1.5 s; idle CPU ≤ 2% of one core.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import metrics as metrics_bench  # noqa: E402  (bench/metrics.py: the generator)

from accord.domain.clock import system_now  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
ACCORD = str(Path(PY).parent / "accord")
TICKS = os.sysconf("SC_CLK_TCK")

DASH = """
import sys
from tui.app import make_app
make_app(sys.argv[1], store_url=sys.argv[2]).run(headless=True, size=(120, 36))
"""
EMPTY = """
from textual.app import App
from textual.widgets import Label

class Empty(App[None]):
    def compose(self):
        yield Label("empty")

    def on_mount(self) -> None:
        self.call_after_refresh(self.done)

    def done(self) -> None:
        import os, time
        with open(os.environ["ACCORD_DASH_FIRST_DATA_FILE"], "w") as out:
            out.write(f"all {time.time()}\\n")
        self.exit()

Empty().run(headless=True, size=(120, 36))
"""
EMPTY_TTY = """
from textual.app import App
from textual.widgets import Label

class Empty(App[None]):
    def compose(self):
        yield Label("empty")

Empty().run()
"""


def first_frame(code: list[str], repeat: int = 3) -> tuple[float, float]:
    """Median wall seconds from process start to (the first commitment value painted,
    every commitment painted).

    The app appends ``first <time>`` and ``all <time>`` to ACCORD_DASH_FIRST_DATA_FILE
    (the empty app: ``all`` at its first frame) and exits after ``all``.
    """
    firsts: list[float] = []
    times = []
    for _ in range(repeat):
        marker = Path(tempfile.mkdtemp()) / "first-frame"
        env = dict(
            os.environ,
            ACCORD_DASH_EXIT_AFTER_FIRST_DATA="1",
            ACCORD_DASH_FIRST_DATA_FILE=str(marker),
        )
        t0 = time.time()
        proc = subprocess.Popen(
            [PY, "-c", *code], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            while not marker.exists() or "all " not in marker.read_text():
                if proc.poll() is not None:
                    break
                time.sleep(0.01)
            if not marker.exists() or "all " not in marker.read_text():
                raise SystemExit(f"the measured app exited ({proc.returncode}) before a frame")
            stamps = dict(line.split() for line in marker.read_text().splitlines() if line)
        finally:
            proc.kill()
            proc.wait()
        end = float(stamps["all"])
        times.append(end - t0)
        firsts.append(float(stamps.get("first", end)) - t0)
    return statistics.median(firsts), statistics.median(times)


def refresh_under_load(url: str, seconds: float = 16.0) -> dict[str, list[float] | int]:
    """Costs (s) of the dashboard's refresh steps every 2 s while the simulator writes
    at 50 events/s: the incremental evaluation (`fetch`, what paints the commitments)
    and the funnel (`fetch_funnel`, when new events changed it); plus the events written."""
    from accord.loading.validate import load_workspace
    from accord.store import Store
    from tui.data import StoreSource

    ws = load_workspace(ROOT)
    source = StoreSource(url)
    first = source.fetch(ws, at=None, now=system_now(), per="month")  # the full one
    source.fetch_funnel(ws, first, at=None, now=system_now())
    store = Store.open(url, readonly=True)
    before = store.max_event_id() or 0
    sim = subprocess.Popen(
        [
            ACCORD,
            "simulate",
            str(ROOT),
            "--store",
            url,
            "--rate",
            "50",
            "--no-pace",
            "--seconds",
            str(seconds),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    fetch: list[float] = []
    funnel: list[float] = []
    seen: list[int] = []
    try:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            time.sleep(2.0)
            t0 = time.perf_counter()
            snap = source.fetch(ws, at=None, now=system_now(), per="month")
            fetch.append(time.perf_counter() - t0)
            seen.append(snap.store.events)
            if source.funnel_due:
                t0 = time.perf_counter()
                source.fetch_funnel(ws, snap, at=None, now=system_now())
                funnel.append(time.perf_counter() - t0)
    finally:
        _, err = sim.communicate(timeout=60)
        source.close()
    written = (store.max_event_id() or 0) - before
    store.close()
    if written <= 0 or len(set(seen)) < 2:
        raise SystemExit(f"the simulator wrote no events (exit {sim.returncode}): {err.strip()}")
    return {"fetch": fetch, "funnel": funnel, "written": written, "grew": seen[-1] - seen[0]}


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def idle_cpu(command: str, seconds: float, warmup: float = 5.0) -> float:
    """Share of one core used by `command` in a 120×36 tmux terminal over `seconds`,
    measured after `warmup` seconds (long enough for the first full evaluation, the
    funnel, trends and the attention list to be done: steady state)."""
    tmux = shutil.which("tmux")
    if tmux is None:
        raise SystemExit("tmux is needed for the idle-CPU measurement")
    server = [tmux, "-L", f"accord-bench-{uuid.uuid4().hex[:8]}", "-f", "/dev/null"]
    env = {k: v for k, v in os.environ.items() if k != "TMUX"}
    env["TERM"] = "xterm-256color"
    subprocess.run(
        [*server, "new-session", "-d", "-x", "120", "-y", "36", f"exec {command}"],
        check=True,
        env=env,
    )
    try:
        pid = int(
            subprocess.run(
                [*server, "list-panes", "-F", "#{pane_pid}"], capture_output=True, text=True
            ).stdout.split()[0]
        )
        time.sleep(warmup)
        c0, t0 = cpu_seconds(pid), time.monotonic()
        time.sleep(seconds)
        c1, t1 = cpu_seconds(pid), time.monotonic()
        return (c1 - c0) / (t1 - t0)
    finally:
        subprocess.run([*server, "kill-server"], capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="SQLite file (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true", help="skip generation when --db exists")
    parser.add_argument("--idle-seconds", type=float, default=30.0)
    parser.add_argument(
        "--first-frame-only", action="store_true", help="measure the first frames and stop"
    )
    parser.add_argument(
        "--idle-warmup",
        type=float,
        default=0.0,
        help="seconds before measuring (default: 4 x first frame + 10)",
    )
    args = parser.parse_args()

    db = (args.db or Path(tempfile.mkdtemp(prefix="accord-dash-bench-")) / "funnel.db").resolve()
    url = f"sqlite:///{db}"
    if not (args.reuse and db.exists()):
        ws = metrics_bench.workspace()
        t0 = time.perf_counter()
        n = metrics_bench.load(url, args.leads, ws)
        print(f"generated {args.leads:,} leads, {n:,} events in {time.perf_counter() - t0:.0f}s")

    first, dash = first_frame([DASH, str(ROOT), url])
    _, empty = first_frame([EMPTY])
    print(
        f"first data frame   {first:6.2f} s (first commitment value painted; goal <= 1.5 s)   "
        f"all commitments painted {dash:6.2f} s   empty Textual app {empty:5.2f} s   "
        "(medians of 3)"
    )
    if args.first_frame_only:
        return

    load = refresh_under_load(url)
    fetch, funnel = load["fetch"], load["funnel"]
    assert isinstance(fetch, list) and isinstance(funnel, list)
    print(
        f"refresh under load: evaluation median {statistics.median(fetch) * 1000:7.1f} ms, "
        f"max {max(fetch) * 1000:7.1f} ms over {len(fetch)} refreshes; funnel median "
        f"{statistics.median(funnel or [0.0]) * 1000:7.1f} ms ({len(funnel)} runs); "
        f"{load['written']:,} events written at --rate 50 "
        f"(the dashboard saw {load['grew']:,} arrive)"
    )

    command = f"{ACCORD} dash {ROOT} --store {url}"
    warmup = args.idle_warmup or 4 * dash + 10
    dash_cpu = idle_cpu(command, args.idle_seconds, warmup)
    empty_cpu = idle_cpu(f"{PY} -c '{EMPTY_TTY}'", args.idle_seconds, 5.0)
    print(
        f"idle CPU ({args.idle_seconds:.0f} s, refresh 2 s)  dashboard {dash_cpu * 100:5.2f}% "
        f"of a core   empty Textual app {empty_cpu * 100:5.2f}%   (goal <= 2%)"
    )
    from tui.data import IDLE_SHARE

    print(
        f"  + periodic full evaluation and attention/trends, spaced to <= {IDLE_SHARE:.1%} of a "
        f"core each (outside a 30 s window): long-run idle <= "
        f"{(dash_cpu + 2 * IDLE_SHARE) * 100:5.2f}% of a core"
    )


if __name__ == "__main__":
    main()
