"""Both sides approve: a pull request's reviews against the owners of what it changes.

Provides:

* `parse_reviews(text, forge)` — the reviews JSON of GitHub (a pull request's
  reviews, each reviewer's latest decisive state) or GitLab (a merge request's
  approvals) as `Reviews`; `ApprovalsError` for input that cannot be used.
* `read_change(root, base)` — the agreements at BASE, at the merge base and at
  HEAD, and the changed files (`FileChange`, renames detected), as a `Change`.
  The only part that runs git.
* `changed_agreements(before, after, files)` — which agreements the change
  touches and why (`ChangedAgreement`).
* `check_approvals(base, head, changed, reviews)` — the rule of docs/approvals.md,
  as an `ApprovalReport` of `AgreementApproval` / `SideApproval` / `Approver`;
  `format_report` says it in words.
"""

from accord.approvals._changes import ChangedAgreement, FileChange, changed_agreements
from accord.approvals._report import format_report
from accord.approvals._reviews import ApprovalsError, Forge, Reviews, State, parse_reviews
from accord.approvals._revisions import Change, read_change
from accord.approvals._rule import (
    AgreementApproval,
    ApprovalReport,
    Approver,
    SideApproval,
    SideStatus,
    check_approvals,
)

__all__ = [
    "AgreementApproval",
    "ApprovalReport",
    "ApprovalsError",
    "Approver",
    "Change",
    "ChangedAgreement",
    "FileChange",
    "Forge",
    "Reviews",
    "SideApproval",
    "SideStatus",
    "State",
    "changed_agreements",
    "check_approvals",
    "format_report",
    "parse_reviews",
    "read_change",
]
