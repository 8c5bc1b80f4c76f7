"""Where alerts go: channels, their secret addresses, sending with retries.

A channel's address is a secret (a webhook URL carries its token): it comes from an
environment variable named in the workspace's ``alerts.channels`` (``url_env``) or from
``accord watch --webhook URL``, and every text Accord shows or stores about a channel
goes through `Masker` first — errors from the network or from apprise included.

Two ways to send:

* ``slack`` — an HTTP POST of Slack-compatible JSON (``{"text": …, "blocks": …}``), which
  Slack, Mattermost, Rocket.Chat, Zulip's Slack endpoint and any small relay accept;
* ``apprise`` — the apprise library (Microsoft Teams, ntfy, e-mail, Telegram and about a
  hundred more), given the message's text.

A failing send is retried with exponential back-off (bounded: `Retry`), then reported;
the caller goes on with the other channels.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from accord.domain import model as m
from accord.domain.errors import AccordError

Sleep = Callable[[float], None]
_TIMEOUT = 10.0


class DeliveryError(AccordError):
    """A channel did not take a message (the text is masked)."""


class Masker:
    """Replaces every secret (and the recognisable parts of a secret URL) with ``***``."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._parts: set[str] = set()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        if not secret:
            return
        parts = {secret, unquote(secret)}
        rest = secret.split("://", 1)[-1]
        parts.add(rest)
        try:
            split = urlsplit(secret)
        except ValueError:
            split = None
        if split is not None:
            if split.password:
                parts.add(split.password)
            tail = split.path + (f"?{split.query}" if split.query else "")
            if len(tail) >= 8:
                parts.add(tail)
            if split.scheme not in ("http", "https"):
                parts.add(split.netloc)  # apprise URLs keep tokens in the "host"
        for piece in re.split(r"[/?&=@:#]", rest):
            if len(piece) >= 12:
                parts.add(piece)
        self._parts.update(p for p in parts if len(p) >= 6)

    def __call__(self, text: str) -> str:
        for part in sorted(self._parts, key=len, reverse=True):
            text = text.replace(part, "***")
        return text


@dataclass(frozen=True)
class Retry:
    """How often and how patiently a failing channel is tried within one run."""

    attempts: int = 3
    """Tries in all (at least 1)."""
    backoff: float = 1.0
    """Seconds before the second try; doubled before each further one."""
    cap: float = 30.0
    """No wait is longer than this."""

    def delays(self) -> list[float]:
        return [min(self.cap, self.backoff * 2**i) for i in range(max(1, self.attempts) - 1)]


@dataclass(frozen=True)
class Channel:
    """A named place to send to. `url` is secret: never print it."""

    name: str
    url: str = field(repr=False)
    format: str = "slack"
    """slack (POST JSON) or apprise."""

    def __repr__(self) -> str:
        return f"Channel({self.name!r}, {self.format})"


def resolve_format(url: str, wanted: str = "auto") -> str:
    if wanted != "auto":
        return wanted
    return "slack" if url.lower().startswith(("http://", "https://")) else "apprise"


def webhook_channels(urls: Iterable[str]) -> list[Channel]:
    """Channels for ``--webhook URL`` options, named by a short digest of the URL (so the
    sent log keeps a channel's history without storing its address)."""
    out: list[Channel] = []
    for url in urls:
        digest = hashlib.sha256(url.encode()).hexdigest()[:10]
        out.append(Channel(f"webhook-{digest}", url, "slack"))
    return out


def configured_channels(
    alerts: m.Alerts | None, environ: Mapping[str, str] | None = None
) -> tuple[list[Channel], list[str]]:
    """The workspace's channels whose environment variable is set, and a note for each
    that is not."""
    env = os.environ if environ is None else environ
    channels: list[Channel] = []
    notes: list[str] = []
    for name, spec in (alerts.channels if alerts else {}).items():
        url = env.get(spec.url_env, "").strip()
        if not url:
            notes.append(
                f"channel '{name}': environment variable {spec.url_env} is not set; "
                "its alerts are not sent"
            )
            continue
        channels.append(Channel(name, url, resolve_format(url, spec.format)))
    return channels, notes


def _post_json(url: str, message: Mapping[str, Any]) -> None:
    data = json.dumps(message, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "accord-watch"},
    )
    try:
        with urllib.request.urlopen(request, timeout=_TIMEOUT) as response:  # noqa: S310
            response.read()
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise DeliveryError(f"cannot connect: {error.reason}") from None
    except (TimeoutError, OSError) as error:
        raise DeliveryError(f"cannot connect: {error}") from None


def _apprise(url: str, message: Mapping[str, Any]) -> None:
    # Imported only when a channel needs it; its own deprecation warnings (imghdr on
    # Python 3.11) are not the user's business.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        _apprise_send(url, message)


def _apprise_send(url: str, message: Mapping[str, Any]) -> None:
    import apprise

    client = apprise.Apprise()
    if not client.add(url):
        raise DeliveryError("apprise does not recognise the channel's address")
    quiet = logging.getLogger("apprise")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL + 1)  # its log lines may quote the address
    try:
        ok = client.notify(body=str(message["text"]), title="Accord")
    finally:
        quiet.setLevel(level)
    if not ok:
        raise DeliveryError("apprise could not deliver the message")


SENDERS: dict[str, Callable[[str, Mapping[str, Any]], None]] = {
    "slack": _post_json,
    "apprise": _apprise,
}


def send(
    channel: Channel,
    message: Mapping[str, Any],
    *,
    retry: Retry,
    sleep: Sleep = time.sleep,
    mask: Masker,
    senders: Mapping[str, Callable[[str, Mapping[str, Any]], None]] = SENDERS,
) -> tuple[int, str | None]:
    """Send `message` to `channel`, retrying with back-off. Returns (tries, the last
    error masked, or None when it went out)."""
    delays = retry.delays()
    error: str | None = None
    for attempt in range(len(delays) + 1):
        if attempt:
            sleep(delays[attempt - 1])
        try:
            senders[channel.format](channel.url, message)
            return attempt + 1, None
        except DeliveryError as exc:
            error = mask(str(exc))
        except Exception as exc:  # noqa: BLE001 - a library's own failure is one more error
            error = mask(f"{type(exc).__name__}: {exc}")
    return len(delays) + 1, error
