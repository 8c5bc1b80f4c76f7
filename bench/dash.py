"""Benchmark of the dashboard: first data frame, panel fill times, refresh under load, idle CPU.

    .venv/bin/python bench/dash.py                     # 1,000,000 leads (bench/metrics.py's data)
    .venv/bin/python bench/dash.py --leads 100000      # a quick run
    .venv/bin/python bench/dash.py --db /tmp/f.db --reuse
    .venv/bin/python bench/dash.py --leads 200000 --db /tmp/f.db --reuse --fill-only --fill-repeat 2

Uses the repository's agreements/ workspace and bench/metrics.py's generator, then:

* first frame: wall time from starting a process to the dashboard's first frame
  with data — the first commitment value painted (the first evaluation paints
  progressively) — and to the frame with every commitment painted (headless,
  120×36; ACCORD_DASH_EXIT_AFTER_FIRST_DATA=1 makes the app exit right after
  it), beside an empty Textual app started the same way;
* fill: `accord dash` (the real CLI) in a real terminal (tmux, 120×36) on (a) a
  fresh demo workspace (``accord demo DIR --no-dash --no-site``) and (b) a copy of
  agreements/ on the generated store: the time from start until each panel first
  shows its data (commitments: every value; the funnel; trends: every sparkline;
  the attention list), then from touching an agreement file (the model unchanged)
  and from editing one (a target changed) until each panel shows data for the
  reloaded agreements. The app writes the times (ACCORD_DASH_FILL_LOG, `tui.fill`).
  Goals: every panel ≤ 3 s on the demo; ≤ 15 s at 1M leads, commitments first;
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
import re
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


PANELS = ("commitments", "funnel", "trends", "attention")
"""The panels `tui.fill` reports, in the order the dashboard should fill them."""


def tmux_server() -> list[str]:
    tmux = shutil.which("tmux")
    if tmux is None:
        raise SystemExit("tmux is needed for the fill and idle-CPU measurements")
    return [tmux, "-L", f"accord-bench-{uuid.uuid4().hex[:8]}", "-f", "/dev/null"]


def tmux_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TMUX"}
    env["TERM"] = "xterm-256color"
    return env


def fill_lines(log: Path) -> list[tuple[str, int, float]]:
    """The (what, reload number, unix time) lines `tui.fill` wrote so far."""
    if not log.exists():
        return []
    out = []
    for line in log.read_text().splitlines():
        what, n, at = line.split()
        out.append((what, int(n), float(at)))
    return out


def wait_filled(log: Path, reloads: int, timeout: float) -> dict[str, float]:
    """Unix times at which each panel filled after reload number `reloads` (0: start);
    returns what is there when every panel filled or after `timeout` seconds."""
    end = time.monotonic() + timeout
    while True:
        done = {w: t for w, n, t in fill_lines(log) if n == reloads and w in PANELS}
        if len(done) == len(PANELS) or time.monotonic() > end:
            return done
        time.sleep(0.05)


def edit_target(path: Path) -> None:
    """Raise the first ``target: {min: N}`` of an agreement file by one (one commitment
    changes; the others, the stages and the open measures do not)."""
    text = path.read_text()
    found = re.search(r"target: \{min: (\d+)\}", text)
    if found is None:
        raise SystemExit(f"no `target: {{min: N}}` to edit in {path}")
    new = f"target: {{min: {int(found.group(1)) + 1}}}"
    path.write_text(text[: found.start()] + new + text[found.end() :])


def fill(
    workspace: Path, agreement: Path, store: str | None, timeout: float
) -> dict[str, dict[str, float]]:
    """Seconds until each panel first shows its data: after starting ``accord dash`` in a
    120×36 tmux terminal ("start"), after touching `agreement` ("touch") and after
    editing it ("edit"). A panel missing from a phase did not fill within `timeout`."""
    log = Path(tempfile.mkdtemp(prefix="accord-fill-")) / "fill.log"
    server = tmux_server()
    env = tmux_env()
    env["ACCORD_DASH_FILL_LOG"] = str(log)
    command = f"exec {ACCORD} dash {workspace}" + (f" --store {store}" if store else "")
    phases: dict[str, dict[str, float]] = {}
    t0 = time.time()
    subprocess.run(
        [*server, "new-session", "-d", "-x", "120", "-y", "36", command], check=True, env=env
    )
    try:
        done = wait_filled(log, 0, timeout)
        phases["start"] = {panel: at - t0 for panel, at in done.items()}
        time.sleep(1.5)  # the touch must come after the stamp the app took at start
        for n, (phase, change) in enumerate(
            [("touch", lambda: os.utime(agreement)), ("edit", lambda: edit_target(agreement))],
            start=1,
        ):
            t0 = time.time()
            change()
            done = wait_filled(log, n, timeout)
            phases[phase] = {panel: at - t0 for panel, at in done.items()}
            time.sleep(1.5)
    finally:
        subprocess.run([*server, "kill-server"], capture_output=True)
    return phases


GOAL_PANELS = ("commitments", "trends", "attention")
"""The panels the goals name (the funnel is one query; it is shown, not judged)."""


def print_fill(title: str, phases: dict[str, dict[str, float]], goal: float) -> None:
    """One line per phase: each panel's fill time, and whether the goal is met (every goal
    panel within `goal` s; at start, the commitments before trends and attention)."""
    print(f"fill: {title} (seconds; goal: commitments, trends, attention each <= {goal:g} s)")
    print(f"  {'':8}" + "".join(f"{panel:>13}" for panel in PANELS) + "    goal")
    for phase, times in phases.items():
        cells = [f"{times[p]:13.2f}" if p in times else f"{'never':>13}" for p in PANELS]
        met = all(p in times and times[p] <= goal for p in GOAL_PANELS)
        first = "commitments" in times and all(
            times["commitments"] <= times.get(p, float("inf")) for p in GOAL_PANELS
        )
        note = "met" if met else "NOT met"
        if phase == "start" and not first:
            note += " (commitments not first)"
        print(f"  {phase:8}" + "".join(cells) + f"    {note}")


def demo_workspace() -> Path:
    """A fresh demo workspace (``accord demo DIR --no-dash --no-site``)."""
    where = Path(tempfile.mkdtemp(prefix="accord-fill-demo-")) / "demo"
    subprocess.run(
        [ACCORD, "demo", str(where), "--no-dash", "--no-site"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return where


def copied_workspace() -> Path:
    """A copy of the repository's agreements/ (the fill measurement edits a file)."""
    where = Path(tempfile.mkdtemp(prefix="accord-fill-ws-"))
    shutil.copytree(ROOT / "agreements", where / "agreements")
    return where


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def idle_cpu(command: str, seconds: float, warmup: float = 5.0) -> float:
    """Share of one core used by `command` in a 120×36 tmux terminal over `seconds`,
    measured after `warmup` seconds (long enough for the first full evaluation, the
    funnel, trends and the attention list to be done: steady state)."""
    server = tmux_server()
    env = tmux_env()
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
        "--fill-only", action="store_true", help="measure the panel fill times and stop"
    )
    parser.add_argument(
        "--fill-repeat", type=int, default=1, help="runs of the fill measurement (default 1)"
    )
    parser.add_argument(
        "--fill-timeout",
        type=float,
        default=300.0,
        help="seconds to wait for the panels to fill, per phase (default 300)",
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

    if args.fill_only:
        measure_fill(url, args.fill_timeout, args.fill_repeat)
        return
    first, dash = first_frame([DASH, str(ROOT), url])
    _, empty = first_frame([EMPTY])
    print(
        f"first data frame   {first:6.2f} s (first commitment value painted; goal <= 1.5 s)   "
        f"all commitments painted {dash:6.2f} s   empty Textual app {empty:5.2f} s   "
        "(medians of 3)"
    )
    if args.first_frame_only:
        return
    measure_fill(url, args.fill_timeout, args.fill_repeat)

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


def measure_fill(url: str, timeout: float, repeat: int = 1) -> None:
    """Fill times on a fresh demo workspace, then on the generated store (`repeat` runs
    of each, one table per run: on a shared machine the spread says more than a median)."""
    sla = Path("agreements", "agreements", "marketing-sales-sla.yaml")
    demo = demo_workspace()
    for _ in range(repeat):
        print_fill("demo workspace", fill(demo, demo / sla, None, timeout), goal=3.0)
    ws = copied_workspace()
    for _ in range(repeat):
        print_fill(f"store {url}", fill(ws, ws / sla, url, timeout), goal=15.0)


if __name__ == "__main__":
    main()
