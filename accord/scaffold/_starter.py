"""What `accord init` writes: the starter's answers, checked, and the files made from them.

Every value that lands in a generated file is checked first (`check_name`,
`check_language`, `check_timezone`, `check_handle`, `check_repo_url`,
`check_package`), so no answer can break a YAML file, a workflow's shell line or
a CODEOWNERS rule: a ``ValueError`` says what is allowed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from importlib import metadata, resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from accord.domain.model import GIT_HANDLE_PATTERN
from accord.loading import resolve_plain

_HANDLE = re.compile(GIT_HANDLE_PATTERN.removesuffix("$"))
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?")
_ZONE = re.compile(r"[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+)*")
_URL = re.compile(r"https?://[A-Za-z0-9.\-]+(?::\d+)?(?:/[A-Za-z0-9._~\-/%]*)?")
_PACKAGE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-\[\],=<>!~+:/@#%]*")
MAX_NAME = 80


def check_name(name: str) -> str:
    """A workspace name: one line of printable text, at most `MAX_NAME` characters."""
    name = name.strip()
    if not name:
        raise ValueError("the name is empty")
    if len(name) > MAX_NAME:
        raise ValueError(f"the name is longer than {MAX_NAME} characters")
    if not name.isprintable():
        raise ValueError("the name holds a line break or another control character")
    return name


def check_language(language: str) -> str:
    """A language code such as en, nl or pt-BR."""
    if not _LANGUAGE.fullmatch(language):
        raise ValueError(f"'{language[:20]}' is not a language code such as en, nl or pt-BR")
    return language


def check_timezone(zone: str) -> str:
    """An IANA time zone such as Europe/Amsterdam."""
    if not _ZONE.fullmatch(zone) or ".." in zone:
        raise ValueError(f"'{zone[:40]}' is not a time zone such as Europe/Amsterdam")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone '{zone}' (e.g. Europe/Amsterdam, UTC)") from None
    return zone


def check_handle(handle: str) -> str:
    """A forge user handle (a leading @ is dropped); a team (org/team) cannot approve."""
    bare = handle.removeprefix("@")
    if not _HANDLE.fullmatch(bare) or "/" in bare:
        raise ValueError(
            f"'{handle[:40]}' is not a user handle on GitHub or GitLab (letters, digits, "
            "'-', '_' and '.', starting with a letter or digit)"
        )
    return bare


def check_repo_url(url: str) -> str:
    """The repository's web address, http(s) without spaces or quotes."""
    if not _URL.fullmatch(url):
        raise ValueError(f"'{url[:60]}' is not a web address such as https://github.com/org/repo")
    return url.rstrip("/")


def check_package(spec: str) -> str:
    """What pip installs Accord from in CI: a requirement or a URL, no spaces or quotes."""
    if not _PACKAGE.fullmatch(spec):
        raise ValueError(
            f"'{spec[:60]}' is not a pip requirement such as accord==1.0 or "
            "git+https://github.com/org/accord@v1 (no spaces, quotes or $)"
        )
    return spec


def default_package() -> str:
    """The Accord that runs `accord init`, pinned: ``accord==<version>``."""
    try:
        return f"accord=={metadata.version('accord')}"
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "accord"


@dataclass(frozen=True)
class Starter:
    """The answers `accord init` fills the templates with (checked on creation)."""

    name: str
    """The workspace's name: the wiki's title."""
    language: str = "en"
    """The wiki's language."""
    timezone: str = "UTC"
    """The calendar's time zone."""
    marketing: str = "marketing-lead"
    """The Head of Marketing's forge handle."""
    sales: str = "sales-lead"
    """The Head of Sales' forge handle."""
    repo_url: str | None = None
    """The repository's web address, for links to commits and pull requests."""
    package: str = "accord"
    """What the CI workflows install."""

    def __post_init__(self) -> None:
        check_name(self.name)
        check_language(self.language)
        check_timezone(self.timezone)
        check_handle(self.marketing)
        check_handle(self.sales)
        if self.repo_url is not None:
            check_repo_url(self.repo_url)
        check_package(self.package)


@dataclass(frozen=True)
class Template:
    """A file `accord init` writes: where, from which template, and what it is for."""

    path: str
    source: str
    about: str


AGREEMENT_FILES = (
    Template("agreements/workspace.yaml", "workspace.yaml", "name, language, calendar"),
    Template("agreements/teams.yaml", "teams.yaml", "Marketing and Sales, with git handles"),
    Template("agreements/roles.yaml", "roles.yaml", "Head of Marketing, Head of Sales"),
    Template("agreements/funnel.yaml", "funnel.yaml", "five stages with their criteria"),
    Template("agreements/kpis.yaml", "kpis.yaml", "how the SLA's numbers are measured"),
    Template(
        "agreements/marketing-sales-sla.yaml",
        "marketing-sales-sla.yaml",
        "the SLA: three commitments and the hand-off",
    ),
    Template("agreements/glossary.yaml", "glossary.yaml", "one language"),
    Template("agreements/rituals.yaml", "rituals.yaml", "the weekly and monthly meetings"),
    Template("agreements/maturity.yaml", "maturity.yaml", "the relationship questionnaire"),
)
"""The starter agreements."""

OTHER_FILES = (
    Template("docs/index.md", "docs-index.md", "the wiki's home page introduction"),
    Template("mkdocs.yml", "mkdocs.yml", "the wiki: MkDocs with the accord plugin"),
    Template(".gitignore", "gitignore", "keeps .accord/ and site/ out of git"),
    Template(".github/workflows/accord.yml", "github-workflow.yml", "GitHub Actions"),
    Template(".gitlab-ci.yml", "gitlab-ci.yml", "GitLab CI"),
)
"""Everything else made from a template (CODEOWNERS is generated from the agreements)."""


def _yaml_scalar(value: str) -> str:
    """`value` as a YAML scalar: plain when it reads back as the same text, else quoted."""
    plain = (
        resolve_plain(value) == value
        and value.strip() == value
        and not any(c in value for c in ":#{}[],&*!|>'\"%@`")
        and not value.startswith(("-", "?"))
    )
    return value if plain else json.dumps(value, ensure_ascii=False)


def _review_date(today: dt.date) -> dt.date:
    try:
        return today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year + 1, day=28)


def render(template: Template, starter: Starter, today: dt.date) -> str:
    """The text of `template` for `starter`, dated `today` (effective today, reviewed in a
    year)."""
    folder = resources.files("accord.scaffold") / "templates"
    text = (folder / template.source).read_text(encoding="utf-8")
    repo = starter.repo_url
    values = {
        "NAME": _yaml_scalar(starter.name),
        "SITE_NAME": json.dumps(starter.name, ensure_ascii=False),
        "LANGUAGE": _yaml_scalar(starter.language),
        "TIMEZONE": _yaml_scalar(starter.timezone),
        "MARKETING": _yaml_scalar(starter.marketing),
        "SALES": _yaml_scalar(starter.sales),
        "EFFECTIVE": today.isoformat(),
        "REVIEW_BY": _review_date(today).isoformat(),
        "INSTALL": starter.package,
        "REPO_URL": f"repo_url: {repo}"
        if repo
        else "# repo_url: https://github.com/your-org/agreements",
        "MKDOCS_REPO": f"repo_url: {repo}\nedit_uri: edit/main/docs/\n" if repo else "",
    }
    for key, value in values.items():
        text = text.replace(f"@@{key}@@", value)
    assert "@@" not in text, f"unfilled placeholder in {template.source}"
    return text
