"""Messages the dashboard's workers and panels post to the main screen.

Plain dataclasses: Textual initialises a dataclass message in `__post_init__`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from textual.message import Message

from accord.domain.workspace import Workspace
from tui.data import Snapshot


@dataclass
class DataFetched(Message):
    """A worker made a new snapshot."""

    snapshot: Snapshot
    generation: int = field(kw_only=True)


@dataclass
class SlowFetched(Message):
    """A worker computed the attention list and trends (`snapshot`), or failed (`error`);
    posted as they come (the attention list, then trends), the last one complete."""

    snapshot: Snapshot | None
    error: str
    generation: int = field(kw_only=True)


@dataclass
class FunnelFetched(Message):
    """A worker computed the funnel (`snapshot`), or failed (`error`)."""

    snapshot: Snapshot | None
    error: str
    generation: int = field(kw_only=True)


@dataclass
class DataFailed(Message):
    """A worker could not read the store; `error` is one redacted line."""

    error: str
    generation: int = field(kw_only=True)


@dataclass
class WorkspaceReloaded(Message):
    """The agreements changed on disk and loaded cleanly."""

    workspace: Workspace


@dataclass
class WorkspaceInvalid(Message):
    """The agreements changed on disk but do not validate; `error` says why."""

    error: str


@dataclass
class StageSelected(Message):
    """The funnel's cursor moved to a stage."""

    stage_id: str


@dataclass
class CommitmentSelected(Message):
    """The commitments' cursor moved to a commitment."""

    key: tuple[str, str]


@dataclass
class CommitmentOpened(Message):
    """Enter on a commitment: open its detail screen."""

    key: tuple[str, str]


@dataclass
class TravelReady(Message):
    """The agreements in force at `at` are loaded (time travel can show them)."""

    at: dt.datetime
    workspace: Workspace
    label: str
    note: str | None


@dataclass
class TravelFailed(Message):
    """Time travel to `at` is impossible (no commit that old, invalid agreements then)."""

    at: dt.datetime
    error: str


@dataclass
class DataPartial(Message):
    """The first evaluation is under way: the commitments evaluated so far (`snapshot`
    with the others `pending`)."""

    snapshot: Snapshot
    generation: int = field(kw_only=True)


@dataclass
class LeadOpened(Message):
    """Enter on a waiting lead: open its story."""

    lead_id: str


@dataclass
class ExportAsked(Message):
    """`e` on the attention list: write it as CSV."""
