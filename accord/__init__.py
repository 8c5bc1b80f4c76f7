"""Accord: Marketing–Sales agreements as YAML in git — validated, measured, published.

The public API of the core. The dashboard (`tui`) and the wiki
(`site_builder`) use only these names.
"""

from accord.domain.errors import (
    AccordError,
    HistoryError,
    ImportRejected,
    LoadError,
    MetricError,
    Problem,
    StoreError,
    ValidationFailed,
    redact_url,
)
from accord.domain.workspace import Bounds, CommitmentRef, Member, Workspace, maturity
from accord.loading.validate import CheckResult, check_workspace, load_workspace

__all__ = [
    "AccordError",
    "Bounds",
    "CheckResult",
    "CommitmentRef",
    "HistoryError",
    "ImportRejected",
    "LoadError",
    "Member",
    "MetricError",
    "Problem",
    "StoreError",
    "ValidationFailed",
    "Workspace",
    "check_workspace",
    "load_workspace",
    "maturity",
    "redact_url",
]
