"""Shared pieces of the wiki's pages: the page context, glossary links, sections.

`Ctx` carries the workspace, the history, the labels and the limits, and
renders the links every page uses (teams, roles, KPIs); `Terms` links the
first mention of each glossary term on a page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from accord.domain import model as m
from accord.domain.workspace import Workspace
from accord.history import History
from accord.history.diff import EntityKey
from accord.metrics import CommitmentResult
from accord.present import ChangeWords, format_target
from site_builder._changes import (
    Defer,
    Memo,
    history_section,
    relative,
    words_of,
)
from site_builder._numbers import Numbers
from site_builder._render import anchor, code, escape, link, text
from site_builder.i18n import Labels

# --- glossary links -------------------------------------------------------------


@dataclass
class Terms:
    """Links the first mention of each glossary term on a page."""

    patterns: list[tuple[re.Pattern[str], str]]
    page: str
    linked: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, ws: Workspace, page: str) -> Terms:
        words: list[tuple[str, str]] = []
        for term in ws.terms.values():
            for word in (term.term, *term.aliases):
                if word.strip():
                    words.append((word.strip(), term.id))
        words.sort(key=lambda w: -len(w[0]))
        patterns = []
        for word, ident in words:
            flags = 0 if word.isupper() else re.IGNORECASE
            patterns.append((re.compile(rf"(?<!\w){re.escape(word)}(?:s|es)?(?!\w)", flags), ident))
        return cls(patterns, page)

    def inline(self, raw: str) -> str:
        """`raw` escaped, with the first mention (on this page) of each term linked."""
        return self._render(raw)

    def block(self, raw: str) -> str:
        """Paragraphs of `raw` escaped, with first mentions linked."""
        blocks = [b for b in re.split(r"\n\s*\n", raw.strip()) if b.strip()]
        return "\n\n".join(self._render(b) for b in blocks)

    def _render(self, raw: str) -> str:
        """Code spans (```churned```) as code, the text around them as `_render_words`."""
        raw = " ".join(raw.split())
        pieces = _CODE_SPAN.split(raw)
        if len(pieces) == 1:
            return self._render_words(raw)
        out: list[str] = []
        for i, piece in enumerate(pieces):
            if i % 2:
                out.append(code(piece))
            elif piece.strip():
                lead = " " if i and piece[:1] == " " else ""
                trail = " " if i + 1 < len(pieces) and piece[-1:] == " " else ""
                out.append(lead + self._render_words(piece.strip()) + trail)
            else:
                out.append(piece)
        return "".join(out)

    def _render_words(self, raw: str) -> str:
        found: list[tuple[int, int, str]] = []
        for pattern, ident in self.patterns:
            if ident in self.linked:
                continue
            for hit in pattern.finditer(raw):
                if any(s < hit.end() and hit.start() < e for s, e, _ in found):
                    continue
                found.append((hit.start(), hit.end(), ident))
                self.linked.add(ident)
                break
        if not found:
            return text(raw)
        found.sort()
        parts: list[str] = []
        pos = 0
        for start, end, ident in found:
            if start > pos:
                piece = raw[pos:start]
                parts.append(
                    text(piece) + (" " if piece.endswith(" ") else "") if pos == 0 else _mid(piece)
                )
            target = relative(self.page, f"glossary.md#term-{ident}")
            label = escape(raw[start:end])
            parts.append(link(label, target))
            pos = end
        if pos < len(raw):
            parts.append(_mid(raw[pos:]))
        return "".join(parts)


_CODE_SPAN = re.compile(r"`([^`]+)`")
"""A code span as YAML authors write one in prose (an event type, a field name)."""


def _mid(raw: str) -> str:
    """Escape a piece from the middle of a line, keeping its outer spaces."""
    lead = " " if raw[:1].isspace() else ""
    trail = " " if raw[-1:].isspace() and raw.strip() else ""
    return lead + escape(raw.strip()) + trail


# --- small pieces -----------------------------------------------------------------


@dataclass
class Ctx:
    ws: Workspace
    history: History | None
    lab: Labels
    today: dt.date
    history_limit: int
    changelog_limit: int
    memo: Memo = field(default_factory=dict)
    defer: Defer | None = None
    numbers: Numbers | None = None
    """The build's evaluation (`site_builder._numbers`); None: the pages show no numbers
    and say nothing about them (a generator run without a store)."""

    @property
    def words(self) -> ChangeWords:
        """The workspace's words (names, statuses, periods) in its language."""
        return words_of(self.ws)

    def commitment_title(self, c: m.Commitment) -> str:
        """A commitment as a heading: its id in words ("SQL volume"), escaped."""
        return text(self.words.names.title(c.id))

    def date(self, day: dt.date | None) -> str:
        """A date in the wiki's language ("18 November 2026"), or "—"."""
        return text(self.lab.date(day)) if day is not None else "—"

    def instant(self, at: dt.datetime) -> str:
        """An instant in the workspace's zone: "18 November 2026, 11:00"."""
        local = at.astimezone(self.ws.tz)
        return text(f"{self.lab.date(local.date())}, {local:%H:%M}")

    def result(self, agreement_id: str, commitment_id: str) -> CommitmentResult | None:
        """The build's result of one commitment, when the store was read."""
        evaluation = self.numbers.evaluation if self.numbers is not None else None
        if evaluation is None:
            return None
        for r in evaluation.commitments:
            if r.agreement == agreement_id and r.id == commitment_id:
                return r
        return None

    def team(self, team_id: str, page: str) -> str:
        team = self.ws.teams.get(team_id)
        name = text(team.name) if team else text(team_id)
        return link(name, relative(page, f"teams.md#team-{team_id}")) if team else name

    def teams(self, ids: Iterable[str], page: str) -> str:
        return ", ".join(self.team(t, page) for t in ids) or "—"

    def by_to(self, c: m.Commitment, page: str) -> str:
        by = self.teams(c.by_teams, page)
        return f"{by} → {self.teams(c.to_teams, page)}" if c.to_teams else by

    def role(self, role_id: str, page: str, *, holders: bool = False) -> str:
        role = self.ws.roles.get(role_id)
        if role is None:
            return text(role_id)
        out = link(text(role.title), relative(page, f"roles.md#role-{role_id}"))
        if holders:
            names = [text(h.person.name) for h in self.ws.holders(role_id)]
            out += f" ({', '.join(names) if names else self.lab('no_holder')})"
        return out

    def roles(self, ids: Iterable[str], page: str, *, holders: bool = False) -> str:
        return ", ".join(self.role(r, page, holders=holders) for r in ids) or "—"

    def person(self, person_id: str) -> str:
        member = self.ws.people.get(person_id)
        return text(member.person.name) if member else text(person_id)

    def kpi(self, kpi_id: str, page: str) -> str:
        kpi = self.ws.kpis.get(kpi_id)
        name = text(kpi.name) if kpi else text(kpi_id)
        return link(name, relative(page, f"kpis.md#kpi-{kpi_id}")) if kpi else name

    def history_for(self, keys: list[EntityKey], page: str, *, name_entities: bool = False) -> str:
        return history_section(
            self.ws,
            self.history,
            keys,
            self.lab,
            page,
            name_entities=name_entities,
            limit=self.history_limit,
            memo=self.memo,
            defer=self.defer,
        )

    def overdue(self, agreement: m.Agreement) -> bool:
        return (
            agreement.status != "retired"
            and agreement.review_by is not None
            and agreement.review_by < self.today
        )

    def badge(self, label: str, kind: str) -> str:
        # `kind` is one of our own words; the label is escaped text.
        return f'<span class="accord-badge accord-badge--{kind}">{text(label)}</span>'

    def target(self, ws: Workspace, agreement: m.Agreement, c: m.Commitment) -> str:
        kpi = ws.kpis.get(c.kpi)
        bounds = ws.bounds.get((agreement.id, c.id))
        if kpi is None or bounds is None:
            return text(c.target.model_dump(exclude_none=True))
        return text(format_target(bounds, kpi.unit, warn=False))


def heading_list(items: Iterable[str]) -> list[str]:
    return [f"- {item}" for item in items]


def keys_of(ws: Workspace, *kinds: str) -> list[EntityKey]:
    return [(kind, ident) for kind in kinds for ident in sorted(ws.table(kind))]


def section(slug: str, title: str, level: str = "##") -> list[str]:
    """The lines that open an entity's section: its anchor and its heading."""
    return [anchor(slug), "", f"{level} {title}", ""]


def finish(ctx: Ctx, out: list[str], kind: str, page: str) -> str:
    """The page of `out`, ending with the history of the workspace's `kind` entities."""
    out.append(ctx.history_for(keys_of(ctx.ws, kind), page, name_entities=True))
    return "\n".join(out)
