"""Messages the dashboard's workers and panels post to the main screen."""

from __future__ import annotations

import datetime as dt

from textual.message import Message

from accord.domain.workspace import Workspace
from tui.data import Snapshot


class DataFetched(Message):
    """A worker made a new snapshot."""

    def __init__(self, snapshot: Snapshot, *, generation: int) -> None:
        self.snapshot = snapshot
        self.generation = generation
        super().__init__()


class SlowFetched(Message):
    """A worker computed trends and the attention list (`snapshot`), or failed (`error`)."""

    def __init__(self, snapshot: Snapshot | None, error: str, *, generation: int) -> None:
        self.snapshot = snapshot
        self.error = error
        self.generation = generation
        super().__init__()


class FunnelFetched(Message):
    """A worker computed the funnel (`snapshot`), or failed (`error`)."""

    def __init__(self, snapshot: Snapshot | None, error: str, *, generation: int) -> None:
        self.snapshot = snapshot
        self.error = error
        self.generation = generation
        super().__init__()


class DataFailed(Message):
    """A worker could not read the store; `error` is one redacted line."""

    def __init__(self, error: str, *, generation: int) -> None:
        self.error = error
        self.generation = generation
        super().__init__()


class WorkspaceReloaded(Message):
    """The agreements changed on disk and loaded cleanly."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        super().__init__()


class WorkspaceInvalid(Message):
    """The agreements changed on disk but do not validate; `error` says why."""

    def __init__(self, error: str) -> None:
        self.error = error
        super().__init__()


class StageSelected(Message):
    """The funnel's cursor moved to a stage."""

    def __init__(self, stage_id: str) -> None:
        self.stage_id = stage_id
        super().__init__()


class CommitmentSelected(Message):
    """The commitments' cursor moved to a commitment."""

    def __init__(self, key: tuple[str, str]) -> None:
        self.key = key
        super().__init__()


class CommitmentOpened(Message):
    """Enter on a commitment: open its detail screen."""

    def __init__(self, key: tuple[str, str]) -> None:
        self.key = key
        super().__init__()


class TravelReady(Message):
    """The agreements in force at `at` are loaded (time travel can show them)."""

    def __init__(self, at: dt.datetime, workspace: Workspace, label: str, note: str | None) -> None:
        self.at = at
        self.workspace = workspace
        self.label = label
        self.note = note
        super().__init__()


class TravelFailed(Message):
    """Time travel to `at` is impossible (no commit that old, invalid agreements then)."""

    def __init__(self, at: dt.datetime, error: str) -> None:
        self.at = at
        self.error = error
        super().__init__()


class DataPartial(Message):
    """The first evaluation is under way: the commitments evaluated so far (`snapshot`
    with the others `pending`)."""

    def __init__(self, snapshot: Snapshot, *, generation: int) -> None:
        self.snapshot = snapshot
        self.generation = generation
        super().__init__()
