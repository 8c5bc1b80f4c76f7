"""The event store (docs/reference/store.md): leads and their funnel events in a SQL database.

Provides:

* `Store` — an opened store: `Store.open(url)`, short write transactions
  (`write()`, ``BEGIN IMMEDIATE`` on SQLite), consistent reads (`read()`),
  `info()` and `max_event_id()`.
* `open_store(ws, url)` — the store of a workspace: ``--store`` URL, else env
  ``ACCORD_STORE``, else the Workspace's ``store`` (default
  ``sqlite:///.accord/funnel.db``, relative to the workspace root).
* `store_url(ws, flag)` and `ENV_STORE` — that choice, made in one place
  (`accord.domain.settings`, pydantic-settings); `open_store` and `accord dash`
  use it.
* `add_leads(conn, rows)` and `add_events(conn, rows)` — idempotent writers used by
  import, simulate, the demo and the tests, through the driver's bulk path (SQLite
  ``executemany``, PostgreSQL ``COPY``); `event_key(row)` — an event's content key;
  `known_leads(conn, ids)` — which leads exist.
* `leads`, `events`, `metadata` — the SQLAlchemy Core tables.

Every failure of the database (unreachable, missing file, locked, corrupt) is a
`StoreError` with a one-line message naming the store without its password.
"""

from accord.domain.settings import ENV_STORE, store_url
from accord.store._bulk import collector_paused
from accord.store._info import StoreInfo, store_info
from accord.store._schema import UtcDateTime, events, leads, metadata
from accord.store._store import Store, open_store, tune_for_reading
from accord.store._write import add_events, add_leads, event_key, known_leads

__all__ = [
    "ENV_STORE",
    "Store",
    "StoreInfo",
    "UtcDateTime",
    "add_events",
    "add_leads",
    "collector_paused",
    "event_key",
    "events",
    "known_leads",
    "leads",
    "metadata",
    "open_store",
    "store_info",
    "store_url",
    "tune_for_reading",
]
