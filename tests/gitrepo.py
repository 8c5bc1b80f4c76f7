"""Throwaway git repositories for the tests: files written, commits at fixed dates by
chosen authors, and git run without the user's or the system's configuration.

Imported as ``from gitrepo import ...``: pytest puts ``tests/`` on ``sys.path``
because tests/conftest.py lives there (rootdir-relative "prepend" import mode).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

Who = tuple[str, str]
"""An author: (name, email)."""


def author_env(who: Who, when: str | None = None) -> dict[str, str]:
    """The variables that make git record `who` as author and committer, at `when`
    (an ISO 8601 date git understands) when given."""
    env = {
        "GIT_AUTHOR_NAME": who[0],
        "GIT_AUTHOR_EMAIL": who[1],
        "GIT_COMMITTER_NAME": who[0],
        "GIT_COMMITTER_EMAIL": who[1],
    }
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    return env


class GitRepo:
    """A throwaway git repository at `root` (created, on branch ``main``)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        """Run git in the repository with `env` added; its stripped standard output."""
        proc = subprocess.run(
            ["git", "-C", str(self.root), *args],
            capture_output=True,
            text=True,
            check=True,
            env={
                **os.environ,
                "GIT_CONFIG_GLOBAL": os.devnull,
                "GIT_CONFIG_NOSYSTEM": "1",
                **(env or {}),
            },
        )
        return proc.stdout.strip()

    def put(self, rel: str, text: str) -> None:
        """Write `text` to `rel` (UTF-8), making its folders."""
        file = self.root / rel
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8")

    def write(self, files: Mapping[str, str]) -> None:
        """Write every ``{relative path: text}`` of `files`."""
        for rel, text in files.items():
            self.put(rel, text)

    def run_as(self, args: Sequence[str], who: Who, when: str) -> None:
        """Run ``git *args`` (a commit or a merge) as `who` at `when`."""
        self.git(*args, env=author_env(who, when))
