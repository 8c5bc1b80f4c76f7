"""Reading the forges' review payloads: latest decisive state per reviewer."""

from __future__ import annotations

import json
from typing import Any

import pytest

from accord.approvals import ApprovalsError, parse_reviews


def review(login: str | None, state: str, at: str | None = "2026-11-16T10:00:00Z") -> Any:
    out: dict[str, Any] = {"id": 1, "user": {"login": login} if login else None, "state": state}
    if at is not None:
        out["submitted_at"] = at
    return out


def github(*reviews: Any) -> str:
    return json.dumps(list(reviews))


def test_a_comment_after_an_approval_keeps_it() -> None:
    parsed = parse_reviews(
        github(
            review("rvisser", "APPROVED", "2026-11-16T10:00:00Z"),
            review("rvisser", "COMMENTED", "2026-11-16T11:00:00Z"),
        ),
        "github",
    )
    assert parsed.state("rvisser") == "APPROVED"
    assert parsed.approvers() == ["rvisser"]


def test_the_latest_decisive_review_wins_by_time_not_by_position() -> None:
    parsed = parse_reviews(
        github(
            review("rvisser", "CHANGES_REQUESTED", "2026-11-17T09:00:00Z"),
            review("rvisser", "APPROVED", "2026-11-16T10:00:00+01:00"),
        ),
        "github",
    )
    assert parsed.state("@RVisser") == "CHANGES_REQUESTED"


def test_pending_reviews_and_deleted_accounts_are_left_out() -> None:
    parsed = parse_reviews(
        github(review("mjansen", "PENDING", None), review(None, "APPROVED")), "github"
    )
    assert parsed.states == {}


def test_slurped_pages_are_read() -> None:
    text = json.dumps([[review("fvandijk", "APPROVED")], [review("rvisser", "DISMISSED")]])
    parsed = parse_reviews(text, "github")
    assert parsed.states == {"fvandijk": "APPROVED", "rvisser": "DISMISSED"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "reviews: empty; expected the forge's reviews JSON"),
        (
            "{]",
            "reviews: not JSON (line 1, column 2: Expecting property name enclosed in "
            "double quotes)",
        ),  # fmt: skip
        (
            '{"message": "Not Found"}',
            "reviews: expected GitHub's list of pull-request reviews (a JSON array)",
        ),  # fmt: skip
        (
            github(review("x", "LGTM")),
            "reviews: review 1: unknown state 'LGTM' (expected one "
            "of: APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING)",
        ),  # fmt: skip
        (github({"user": {}, "state": "APPROVED"}), "reviews: review 1: user.login is missing"),
        (github(review("x", "APPROVED", None)), "reviews: review 1: submitted_at is missing"),
        (
            github(review("x", "APPROVED", "yesterday")),
            "reviews: review 1: submitted_at 'yesterday' is not a date",
        ),  # fmt: skip
        (github("APPROVED"), "reviews: review 1: expected an object with user and state"),
    ],
)
def test_github_payloads_that_cannot_be_used(text: str, message: str) -> None:
    with pytest.raises(ApprovalsError) as caught:
        parse_reviews(text, "github")
    assert str(caught.value) == message


def test_gitlab_approvers() -> None:
    text = json.dumps({"approved_by": [{"user": {"username": "FVanDijk"}}]})
    parsed = parse_reviews(text, "gitlab")
    assert parsed.approvers() == ["FVanDijk"]
    assert parsed.state("fvandijk") == "APPROVED"
    with pytest.raises(ApprovalsError, match=r"approved_by\[0\]\.user\.username is missing"):
        parse_reviews(json.dumps({"approved_by": [{"user": None}]}), "gitlab")
    with pytest.raises(ApprovalsError, match="approved_by is not a list"):
        parse_reviews(json.dumps({"approved_by": None}), "gitlab")
