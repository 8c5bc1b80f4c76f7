"""Accord's settings, resolved in one place: which event store a command uses.

`store_url(ws, flag)` is the only code that decides the store URL. In order:

1. `flag` — the ``--store URL`` option;
2. the environment variable ``ACCORD_STORE`` (read by `Settings`, pydantic-settings);
3. the Workspace's ``store:`` field;
4. `DEFAULT_STORE`, ``sqlite:///.accord/funnel.db``.

An empty flag or environment variable counts as unset. A relative SQLite path
(``sqlite:///data/funnel.db``), wherever it came from, is relative to the
workspace root; absolute paths, ``:memory:`` and other databases are kept as
given. The URL is returned whole (a password included); the store names it in
messages with the password as ``***`` (`accord.domain.errors.redact_url`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic_settings import BaseSettings, SettingsConfigDict

from accord.domain.errors import redact_url
from accord.domain.workspace import DEFAULT_STORE, Workspace

__all__ = ["ENV_PREFIX", "ENV_STORE", "Settings", "store_url"]

ENV_PREFIX = "ACCORD_"
"""Prefix of the environment variables that set `Settings` fields."""
ENV_STORE = ENV_PREFIX + "STORE"
"""Environment variable that names the store URL (below ``--store``, above the workspace's)."""

_SQLITE = "sqlite:///"


class Settings(BaseSettings):
    """What the command line and the environment (``ACCORD_*``) set.

    Keyword arguments (the command line's options) beat the environment; an empty
    environment variable counts as unset. Fields left unset are ``None``: the
    workspace's value, then the default, apply (see `store_url`).
    """

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_ignore_empty=True)

    store: str | None = None
    """Event store URL: ``--store``, else env ``ACCORD_STORE``."""

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        """Fields for `repr`, with a store password shown as ``***``."""
        for name, value in super().__repr_args__():
            yield name, redact_url(value) if name == "store" and value else value


def store_url(ws: Workspace, flag: str | None = None) -> str:
    """The event store URL of `ws`: `flag` > env ``ACCORD_STORE`` > ``store:`` > default.

    Args:
        ws: the workspace; its ``store:`` field and root.
        flag: the ``--store`` option's value (``None`` or empty: not given).

    Returns:
        A SQLAlchemy URL; a relative SQLite path made absolute against ``ws.root``.
    """
    given = Settings(store=flag) if flag else Settings()
    return _anchored(given.store or ws.settings.store or DEFAULT_STORE, ws.root)


def _anchored(url: str, root: Path) -> str:
    """`url` with a relative SQLite file path resolved against `root`."""
    if url.startswith(_SQLITE) and not url.startswith(_SQLITE + "/"):
        rel = url[len(_SQLITE) :]
        if rel and rel != ":memory:":
            return _SQLITE + str((root / rel).resolve())
    return url
