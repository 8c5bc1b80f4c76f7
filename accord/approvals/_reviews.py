"""A pull request's reviews, read from the JSON the forge's API returns.

* GitHub: ``GET /repos/{owner}/{repo}/pulls/{number}/reviews`` — a list of reviews,
  oldest first, each with ``user.login``, ``state`` and ``submitted_at``. What counts
  is each reviewer's latest *decisive* review (APPROVED, CHANGES_REQUESTED or
  DISMISSED): a later COMMENTED review changes nothing, as on GitHub itself, and a
  PENDING review (not submitted) does not exist for anyone else. ``gh api
  --paginate`` prints one array per page back to back, ``--slurp`` an array of the
  pages: both are read.
* GitLab: ``GET /projects/:id/merge_requests/:iid/approvals`` — one object whose
  ``approved_by[].user.username`` are the approvers (GitLab keeps no other state here).

Logins are compared case-insensitively (both forges treat them so).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from accord.domain.errors import AccordError, clip

Forge = Literal["github", "gitlab"]
State = Literal["APPROVED", "CHANGES_REQUESTED", "DISMISSED"]

_DECISIVE: dict[str, State] = {
    "APPROVED": "APPROVED",
    "CHANGES_REQUESTED": "CHANGES_REQUESTED",
    "DISMISSED": "DISMISSED",
}
_KNOWN: frozenset[str] = frozenset(_DECISIVE) | {"COMMENTED", "PENDING"}


class ApprovalsError(AccordError):
    """The input of ``accord approvals`` cannot be used: reviews that are not the forge's
    JSON, a revision that does not exist, agreements that cannot be read."""


@dataclass(frozen=True)
class Reviews:
    """Each reviewer's latest decisive state, by login folded to lower case.

    Attributes:
        states: ``login.casefold()`` → APPROVED, CHANGES_REQUESTED or DISMISSED.
        logins: ``login.casefold()`` → the login as the forge spells it.
        forge: where the reviews came from.
    """

    states: dict[str, State] = field(default_factory=dict)
    logins: dict[str, str] = field(default_factory=dict)
    forge: Forge = "github"

    def state(self, handle: str) -> State | None:
        """The latest decisive state of `handle` (with or without a leading @), if any."""
        return self.states.get(handle.removeprefix("@").casefold())

    def approvers(self) -> list[str]:
        """Logins whose latest decisive review is an approval, sorted."""
        return sorted(self.logins[k] for k, s in self.states.items() if s == "APPROVED")


def parse_reviews(text: str, forge: Forge, source: str = "reviews") -> Reviews:
    """Read the reviews JSON of `forge`.

    Args:
        text: the JSON the forge's API returned.
        forge: ``github`` (a list of reviews) or ``gitlab`` (the approvals object).
        source: what to call the input in errors (the file name).

    Raises:
        ApprovalsError: the text is not JSON, or not the shape `forge` returns; one
            line that says where and what was expected.
    """
    values = list(_documents(text, source))
    if forge == "github":
        return _github(values, source)
    return _gitlab(values, source)


def _documents(text: str, source: str) -> Iterator[Any]:
    """Every JSON value in `text`, one after another (``gh api --paginate`` writes one
    array per page with nothing between them)."""
    decoder = json.JSONDecoder()
    i = 0
    n = len(text)
    found = False
    while True:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n:
            break
        try:
            value, i = decoder.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            raise ApprovalsError(
                f"{source}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from None
        found = True
        yield value
    if not found:
        raise ApprovalsError(f"{source}: empty; expected the forge's reviews JSON")


def _shape_hint(values: list[Any]) -> str:
    if len(values) == 1 and isinstance(values[0], dict) and "approved_by" in values[0]:
        return " (this looks like GitLab's approvals object: use --format gitlab)"
    if values and all(isinstance(v, list) for v in values):
        return " (this looks like GitHub's list of reviews: use --format github)"
    return ""


def _github(values: list[Any], source: str) -> Reviews:
    items: list[Any] = []
    for value in values:
        if not isinstance(value, list):
            raise ApprovalsError(
                f"{source}: expected GitHub's list of pull-request reviews (a JSON array)"
                + _shape_hint(values)
            )
        for item in value:  # ``--slurp`` wraps the pages in one more array
            items.extend(item if isinstance(item, list) else [item])
    latest: dict[str, tuple[dt.datetime, int, State]] = {}
    logins: dict[str, str] = {}
    for index, review in enumerate(items):
        where = f"{source}: review {index + 1}"
        if not isinstance(review, dict):
            raise ApprovalsError(f"{where}: expected an object with user and state")
        state = review.get("state")
        if not isinstance(state, str) or state not in _KNOWN:
            shown = clip(repr(state))
            raise ApprovalsError(
                f"{where}: unknown state {shown} (expected one of: {', '.join(sorted(_KNOWN))})"
            )
        user = review.get("user")
        if user is None:  # a deleted account ("ghost"): nobody can hold a role as it
            continue
        login = user.get("login") if isinstance(user, dict) else None
        if not isinstance(login, str) or not login:
            raise ApprovalsError(f"{where}: user.login is missing")
        decisive = _DECISIVE.get(state)
        if decisive is None:
            continue
        when = _instant(review.get("submitted_at"), where)
        key = login.casefold()
        logins.setdefault(key, login)
        seen = latest.get(key)
        if seen is None or (when, index) >= (seen[0], seen[1]):
            latest[key] = (when, index, decisive)
    return Reviews({k: v[2] for k, v in latest.items()}, logins, "github")


def _instant(value: Any, where: str) -> dt.datetime:
    if not isinstance(value, str):
        raise ApprovalsError(f"{where}: submitted_at is missing")
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ApprovalsError(f"{where}: submitted_at {clip(value)!r} is not a date") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when


def _gitlab(values: list[Any], source: str) -> Reviews:
    if len(values) != 1 or not isinstance(values[0], dict) or "approved_by" not in values[0]:
        raise ApprovalsError(
            f"{source}: expected GitLab's merge-request approvals object (with approved_by)"
            + _shape_hint(values)
        )
    approved_by = values[0]["approved_by"]
    if not isinstance(approved_by, list):
        raise ApprovalsError(f"{source}: approved_by is not a list")
    states: dict[str, State] = {}
    logins: dict[str, str] = {}
    for index, entry in enumerate(approved_by):
        user = entry.get("user") if isinstance(entry, dict) else None
        username = user.get("username") if isinstance(user, dict) else None
        if not isinstance(username, str) or not username:
            raise ApprovalsError(f"{source}: approved_by[{index}].user.username is missing")
        states[username.casefold()] = "APPROVED"
        logins.setdefault(username.casefold(), username)
    return Reviews(states, logins, "gitlab")
