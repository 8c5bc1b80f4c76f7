"""Fixtures of the alert tests: a real HTTP server on a loopback port that receives the
webhooks, and a small workspace with a hot-lead commitment on the business clock and a
SQLite store built with `accord.store.add_leads` / `add_events`.

The calendar: Europe/Amsterdam, 09:00–17:00, Monday to Friday, with Monday
2026-11-23 a holiday. Every instant comes from the test (no wall clock).
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from click.testing import CliRunner, Result
from testclock import fixed

from accord._cli_watch import watch
from accord.domain.workspace import Workspace
from accord.loading import load_workspace
from accord.store import Store, add_events, add_leads

AMS = ZoneInfo("Europe/Amsterdam")


def ams(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    """A local Amsterdam time, in UTC."""
    return dt.datetime(y, mo, d, h, mi, tzinfo=AMS).astimezone(dt.UTC)


class Hooks:
    """A webhook receiver on 127.0.0.1: records every POST by path; `status[path]` lists
    the HTTP statuses to answer in turn (then 200)."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.status: dict[str, list[int]] = {}
        self.lock = threading.Lock()
        hooks = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                with hooks.lock:
                    hooks.received.append((self.path, body))
                    queue = hooks.status.get(self.path, [])
                    code = queue.pop(0) if queue else 200
                self.send_response(code)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def texts(self, path: str) -> list[str]:
        with self.lock:
            return [
                str(body.get("text", body.get("message", "")))
                for p, body in self.received
                if p == path
            ]

    def bodies(self, path: str) -> list[dict[str, Any]]:
        with self.lock:
            return [body for p, body in self.received if p == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def refused_url() -> str:
    """An address on which nothing listens (a port just released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/nobody"


WORKSPACE = """\
kind: Workspace
name: Acme
language: {language}
site_url: https://wiki.example.com/sla/
calendar:
  timezone: Europe/Amsterdam
  hours: "09:00-17:00"
  holidays: [2026-11-23]
{alerts}
---
kind: Team
id: marketing
name: Marketing
members: [{{id: mia, name: Mia Jansen, git: mia}}]
---
kind: Team
id: sales
name: Sales
members:
  - {{id: jan, name: Jan de Boer, git: jdeboer}}
  - {{id: sanne, name: Sanne Bakker, git: sbakker}}
---
kind: Role
id: head-of-marketing
title: Head of Marketing
team: marketing
holders: [mia]
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
order: 1
owner: sales
definition: A lead that Sales has agreed to call.
---
kind: Kpi
id: hot-lead-response
name: Hot leads contacted in time
unit: ratio
owner: head-of-sales
measure:
  within: {{from: sql, to: {{type: contacted}}, limit: 4h, clock: business}}
where: {{hot: true}}
---
kind: Agreement
id: sla
title: Marketing and Sales SLA
parties: [marketing, sales]
owners: [head-of-marketing, head-of-sales]
status: active
effective: 2026-01-01
review_by: {review_by}
commitments:
  - id: hot-lead-callback
    by: sales
    to: marketing
    text: Sales contacts 95% of hot leads within 4 working hours.
    kpi: hot-lead-response
    target: {{min: "95%"}}
    warn: "90%"
    per: month
"""


class World:
    """A workspace on disk with its SQLite store, and ways to run `accord watch`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.url = f"sqlite:///{root}/.accord/funnel.db"
        self.sleeps: list[float] = []

    def write(
        self, *, language: str = "en", alerts: str = "", review_by: str = "2027-06-01"
    ) -> None:
        folder = self.root / "agreements"
        folder.mkdir(parents=True, exist_ok=True)
        text = WORKSPACE.format(language=language, alerts=alerts.rstrip(), review_by=review_by)
        (folder / "acme.yaml").write_text(text, encoding="utf-8")

    def workspace(self, at: dt.datetime) -> Workspace:
        return load_workspace(self.root, now=lambda: at)

    def store(self) -> Store:
        return Store.open(self.url)

    def lead(
        self,
        lead: str,
        sql_at: dt.datetime,
        *,
        contacted: dt.datetime | None = None,
        hot: bool = True,
        owner: str | None = "sanne",
        company: str | None = "Acme BV",
    ) -> None:
        """One lead entering SQL at `sql_at` (and contacted, if given)."""
        self.leads([(lead, sql_at, contacted, hot, owner, company)])

    def leads(
        self,
        rows: list[tuple[str, dt.datetime, dt.datetime | None, bool, str | None, str | None]],
    ) -> None:
        """Leads (id, SQL at, contacted at, hot, owner, company), in one transaction."""
        lead_rows: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        for lead, sql_at, contacted, hot, owner, company in rows:
            attributes = {"company": company} if company else {}
            lead_rows.append(
                {
                    "lead_id": lead,
                    "created_at": sql_at,
                    "hot": hot,
                    "owner": owner,
                    "attributes": attributes,
                }
            )
            events.append({"lead_id": lead, "at": sql_at, "type": "entered", "stage": "sql"})
            if contacted is not None:
                events.append({"lead_id": lead, "at": contacted, "type": "contacted"})
        with self.store() as store, store.write() as conn:
            add_leads(conn, lead_rows)
            add_events(conn, events)

    def good_month(self, n: int = 40) -> None:
        """`n` hot leads in November 2026 before the 18th, each contacted in 30 minutes."""
        days = [d for d in range(2, 18) if dt.date(2026, 11, d).weekday() < 5]
        rows: list[tuple[str, dt.datetime, dt.datetime | None, bool, str | None, str | None]] = []
        for i in range(n):
            start = ams(2026, 11, days[i % len(days)], 10 + i // len(days))
            rows.append((f"G-{i:03d}", start, start + dt.timedelta(minutes=30), True, "jan", None))
        self.leads(rows)

    def watch(self, at: dt.datetime, *args: str, env: dict[str, str] | None = None) -> Result:
        obj = SimpleNamespace(now=fixed(at), sleep=self.sleeps.append)
        runner = CliRunner()
        return runner.invoke(watch, [str(self.root), "--once", *args], obj=obj, env=env)
