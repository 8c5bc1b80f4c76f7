"""Parsed file versions kept between runs of `accord.history`, by blob id.

`cache_file(repo)` is ``.accord/history-cache.json`` in the workspace when git
ignores that path — local state that is not, and cannot be, committed — and
``None`` otherwise (no cache). `load` gives the entity documents of every
version read before, `save` writes them back at once. A blob never changes,
so an entry never goes stale; `FORMAT` changes whenever versions would be
read differently. A missing, unreadable or foreign file counts as empty.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from accord.history._git import Repo, is_ignored

FORMAT = 1
"""Bump when a version's documents would read differently (the YAML rules in accord.loading)."""

CACHE = ".accord/history-cache.json"
"""Where the cache lives, relative to the workspace."""

Versions = dict[str, list[dict[str, Any]]]
"""The entity documents of each file version, by blob id."""


def cache_file(repo: Repo) -> Path | None:
    """The cache of the workspace, or ``None`` when git does not ignore its path."""
    return repo.root / CACHE if is_ignored(repo.root, CACHE) else None


def load(path: Path) -> Versions:
    """The versions stored in `path`; empty when there is no usable cache."""
    try:
        stored = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(stored, dict) or stored.get("format") != FORMAT:
        return {}
    versions = stored.get("versions")
    if not isinstance(versions, dict):
        return {}
    return {
        blob: docs
        for blob, docs in versions.items()
        if isinstance(docs, list) and all(isinstance(doc, dict) for doc in docs)
    }


def save(path: Path, versions: Versions) -> None:
    """Store `versions` in `path`, replacing it whole; nothing happens when it cannot be written."""
    with contextlib.suppress(OSError, TypeError, ValueError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".history-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump({"format": FORMAT, "versions": versions}, out, separators=(",", ":"))
            os.replace(temporary, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
