"""The wiki's pages as plain Markdown, independent of MkDocs (SPEC §6).

`generate_pages(ws, history, today=...)` returns ``{relative path: Markdown}``:

* ``index.md`` — relationship stage, the SLA at a glance, agreements due for
  review, recent changes;
* ``agreements/<id>.md`` — one page per agreement;
* ``funnel.md``, ``roles.md``, ``kpis.md``, ``glossary.md``, ``rituals.md``,
  ``teams.md``, ``assessment.md`` — one page per kind;
* ``changelog.md`` — every change to any document, newest first: the newest
  `CHANGELOG_LIMIT` commits as Markdown with links to the entities' pages,
  the older ones under "Earlier changes" as one raw HTML block (entity names
  as text), which is much cheaper to build for long histories.

Each "Change history" section shows at most `HISTORY_LIMIT` commits (the
newest) and likewise says how many older ones there are: long histories
would otherwise dominate both the pages and the build time.

Every page about entities ends with their change history. Text from YAML and
git passes through `site_builder._render` (escaped), links are built here
from ids, and headings and labels follow the Workspace ``language``. Pages
start with front matter ``render_macros: false`` so template plugins
(mkdocs-macros) leave them alone (HAZARDS 25). The Markdown uses tables,
nested lists, raw ``<a id>`` anchors, ``<span class="accord-badge">`` and
``mermaid`` fences, which most Markdown site builders understand.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from accord import model as m
from accord.diff import EntityKey
from accord.history import History
from accord.workspace import Workspace, maturity
from site_builder._changes import (
    Memo,
    changelog_entries,
    changelog_html,
    history_section,
    relative,
)
from site_builder._measure import describe_filter, describe_measure, format_target, format_value
from site_builder._render import anchor, code, escape, link, paragraphs, safe_label, text
from site_builder.i18n import Labels, labels

__all__ = [
    "CHANGELOG_LIMIT",
    "HISTORY_LIMIT",
    "PAGE_KINDS",
    "describe_measure",
    "generate_pages",
    "page_sources",
]

FRONT_MATTER = "---\nrender_macros: false\n---\n\n"
RECENT = 10
CHANGELOG_LIMIT = 100
"""Commits on the changelog page with links to the entities' pages (the newest)."""
HISTORY_LIMIT = 50
"""Commits listed in one "Change history" section (the newest)."""

PAGE_KINDS: dict[str, tuple[str, ...]] = {
    "funnel.md": ("Stage",),
    "roles.md": ("Role",),
    "kpis.md": ("Kpi",),
    "glossary.md": ("Term",),
    "rituals.md": ("Ritual",),
    "teams.md": ("Team",),
    "assessment.md": ("Questionnaire", "Assessment"),
}
"""Collection page → the kinds whose documents it shows."""


def page_sources(ws: Workspace) -> dict[str, str]:
    """Generated page → the YAML file (relative to the workspace) it mostly comes from.

    Used for edit links: an agreement page edits its agreement's file, a
    collection page the file of its first document.
    """
    out: dict[str, str] = {}
    home = ws.source("Workspace", "workspace")
    if home is not None:
        out["index.md"] = home.file
    for ident in ws.agreements:
        src = ws.source("Agreement", ident)
        if src is not None:
            out[f"agreements/{ident}.md"] = src.file
    for page, kinds in PAGE_KINDS.items():
        files = sorted(
            src.file
            for kind in kinds
            for ident in ws.table(kind)
            if (src := ws.source(kind, ident)) is not None
        )
        if files:
            out[page] = files[0]
    return out


# --- glossary links -------------------------------------------------------------


@dataclass
class _Terms:
    """Links the first mention of each glossary term on a page."""

    patterns: list[tuple[re.Pattern[str], str]]
    page: str
    linked: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, ws: Workspace, page: str) -> _Terms:
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
        raw = " ".join(raw.split())
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


def _mid(raw: str) -> str:
    """Escape a piece from the middle of a line, keeping its outer spaces."""
    lead = " " if raw[:1].isspace() else ""
    trail = " " if raw[-1:].isspace() and raw.strip() else ""
    return lead + escape(raw.strip()) + trail


# --- small pieces -----------------------------------------------------------------


@dataclass
class _Ctx:
    ws: Workspace
    history: History | None
    lab: Labels
    today: dt.date
    memo: Memo = field(default_factory=dict)

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
            limit=HISTORY_LIMIT,
            memo=self.memo,
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
        return text(format_target(bounds, kpi.unit))


def _heading_list(items: Iterable[str]) -> list[str]:
    return [f"- {item}" for item in items]


# --- pages --------------------------------------------------------------------------


def generate_pages(
    ws: Workspace,
    history: History | None,
    *,
    today: dt.date,
    intro: str | None = None,
) -> dict[str, str]:
    """Every generated page of the wiki.

    Args:
        ws: the loaded workspace.
        history: the agreements' git history (`accord.history.entity_history`),
            or ``None`` to build without history (each page says so).
        today: the date against which review dates are overdue.
        intro: trusted Markdown (a hand-written ``docs/index.md``) shown at the
            top of the home page, below its title.

    Returns:
        Relative page path (``agreements/<id>.md``) → Markdown text.
    """
    ctx = _Ctx(ws, history, labels(ws.settings.language), today)
    pages: dict[str, str] = {"index.md": _home(ctx, intro)}
    for agreement in sorted(ws.agreements.values(), key=lambda a: a.id):
        pages[f"agreements/{agreement.id}.md"] = _agreement(ctx, agreement)
    pages["funnel.md"] = _funnel(ctx)
    pages["roles.md"] = _roles(ctx)
    pages["kpis.md"] = _kpis(ctx)
    pages["glossary.md"] = _glossary(ctx)
    pages["rituals.md"] = _rituals(ctx)
    pages["teams.md"] = _teams(ctx)
    pages["assessment.md"] = _assessment(ctx)
    pages["changelog.md"] = _changelog(ctx)
    return {path: FRONT_MATTER + body.rstrip() + "\n" for path, body in pages.items()}


def _home(ctx: _Ctx, intro: str | None) -> str:
    ws, lab, page = ctx.ws, ctx.lab, "index.md"
    terms = _Terms.of(ws, page)
    out = [f"# {text(ws.settings.name)}", ""]
    if ws.settings.description:
        out += [terms.block(ws.settings.description), ""]
    if intro and intro.strip():
        out += [intro.strip(), ""]
    out += [f"## {lab('relationship_stage')}", ""]
    latest = ws.latest_assessment()
    scores = maturity(ws, latest) if latest else {}
    if latest is not None and "combined" in scores:
        score, stage = scores["combined"]
        out.append(
            lab(
                "stage_summary",
                stage=f"**{lab(stage) if stage else '?'}**",
                score=score,
                assessment=link(text(latest.id), f"assessment.md#assessment-{latest.id}"),
                date=latest.date.isoformat(),
            )
        )
    else:
        out.append(lab("no_assessment"))
    out += ["", f"## {lab('sla_glance')}", ""]
    refs = ws.commitments(active_only=True)
    if refs:
        out += [
            f"| {lab('agreement')} | {lab('commitment')} | {lab('by_to')} | {lab('target')} "
            f"| {lab('period')} |",
            "|---|---|---|---|---|",
        ]
        for ref in sorted(refs, key=lambda r: r.agreement.id):
            a, c = ref.agreement, ref.commitment
            who = ctx.by_to(c, page)
            out.append(
                f"| {link(text(a.title), f'agreements/{a.id}.md')} | {terms.inline(c.text)} "
                f"| {who} | {ctx.target(ws, a, c)} | {lab('per_' + c.per)} |"
            )
    else:
        out.append(lab("no_active"))
    out += ["", f"## {lab('due_review')}", ""]
    due = ws.review_due(ctx.today, 30)
    if due:
        for a in due:
            assert a.review_by is not None
            badge = " " + ctx.badge(lab("review_overdue"), "overdue") if ctx.overdue(a) else ""
            out.append(
                f"- {link(text(a.title), f'agreements/{a.id}.md')} — "
                f"{lab('review_by')} {a.review_by.isoformat()}{badge}"
            )
    else:
        out.append(lab("none_due"))
    out += ["", f"## {lab('recent_changes')}", ""]
    history = ctx.history
    if history is None or not history.available:
        note = history.note if history is not None and history.note else "no git history was read"
        out.append(f"*{text(lab('history_unavailable', note=note))}*")
    else:
        if history.shallow and history.note:
            out += [f"*{text(lab('history_incomplete', note=history.note))}*", ""]
        out += changelog_entries(ws, history, lab, page, limit=RECENT)
        out += ["", link(lab("all_changes"), "changelog.md")]
    return "\n".join(out)


def _agreement(ctx: _Ctx, a: m.Agreement) -> str:
    ws, lab = ctx.ws, ctx.lab
    page = f"agreements/{a.id}.md"
    terms = _Terms.of(ws, page)
    out = [f"# {text(a.title)}", ""]
    badges = [ctx.badge(lab(a.status), a.status)]
    if ctx.overdue(a):
        badges.append(ctx.badge(lab("review_overdue"), "overdue"))
    out += [" ".join(badges), ""]
    if a.summary:
        out += [terms.block(a.summary), ""]
    review = a.review_by.isoformat() if a.review_by else "—"
    if ctx.overdue(a):
        review += " " + ctx.badge(lab("review_overdue"), "overdue")
    out += [
        f"- **{lab('parties')}:** {ctx.teams(a.parties, page)}",
        f"- **{lab('owners')}:** {ctx.roles(a.owners, page, holders=True)}",
        f"- **{lab('status')}:** {text(lab(a.status))}",
        f"- **{lab('effective')}:** {a.effective.isoformat() if a.effective else '—'}",
        f"- **{lab('review_by')}:** {review}",
        "",
        f"## {lab('commitments')}",
        "",
    ]
    for c in a.commitments:
        kpi = ws.kpis.get(c.kpi)
        out += _section(f"commitment-{c.id}", text(c.id), "###")
        out += [terms.inline(c.text), ""]
        bounds = ws.bounds.get((a.id, c.id))
        target = ctx.target(ws, a, c)
        if bounds is not None and bounds.warn is not None and kpi is not None:
            target += f" ({text(lab('warn'))}: {text(format_value(bounds.warn, kpi.unit))})"
        who = ctx.by_to(c, page)
        out += [
            f"- **{lab('by_to')}:** {who}",
            f"- **{lab('kpi')}:** {ctx.kpi(c.kpi, page)}",
            f"- **{lab('target')}:** {target}",
            f"- **{lab('period')}:** {lab('per_' + c.per)}",
        ]
        if kpi is not None:
            out.append(f"- **{lab('measured')}:** {text(describe_measure(kpi, ws))}")
        out.append("")
    if a.handoff and a.handoff.required_fields:
        out += [f"## {lab('handoff')}", "", lab("handoff_intro"), ""]
        out += _heading_list(code(f) for f in a.handoff.required_fields)
        out.append("")
    out.append(ctx.history_for([("Agreement", a.id)], page))
    return "\n".join(out)


def _mermaid_id(prefix: str, ident: str) -> str:
    return prefix + ident.replace("-", "_")


def _funnel(ctx: _Ctx) -> str:
    ws, lab, page = ctx.ws, ctx.lab, "funnel.md"
    terms = _Terms.of(ws, page)
    out = [f"# {lab('funnel')}", ""]
    stages = ws.funnel
    if stages:
        out += ["```mermaid", "flowchart LR"]
        for s in stages:
            out.append(f'    {_mermaid_id("s_", s.id)}["{safe_label(s.name)}"]')
        for a, b in zip(stages, stages[1:], strict=False):
            out.append(f"    {_mermaid_id('s_', a.id)} --> {_mermaid_id('s_', b.id)}")
        out += ["```", ""]
    for s in stages:
        out += _section(f"stage-{s.id}", f"{s.order}. {text(s.name)}")
        out += [terms.block(s.definition), ""]
        out.append(f"- **{lab('owner')}:** {ctx.team(s.owner, page)}")
        if s.max_days is not None:
            out.append(f"- **{lab('max_days')}:** {lab('days', n=s.max_days)}")
        raci = ws.stage_raci(s.id)
        for letter in ("responsible", "accountable", "consulted", "informed"):
            if raci[letter]:
                roles = ctx.roles((r.id for r in raci[letter]), page)
                out.append(f"- **{lab(letter)}:** {roles}")
        out.append("")
        for key, items in (("hard_criteria", s.criteria.hard), ("soft_criteria", s.criteria.soft)):
            if items:
                out += [f"**{lab(key)}**", ""]
                out += _heading_list(terms.inline(i) for i in items)
                out.append("")
    handoffs = [a for a in ws.agreements.values() if a.handoff and a.handoff.required_fields]
    if handoffs:
        out += [f"## {lab('handoff')}", "", lab("handoff_intro"), ""]
        for ag in sorted(handoffs, key=lambda x: x.id):
            assert ag.handoff is not None
            fields = ", ".join(code(f) for f in ag.handoff.required_fields)
            title = link(text(ag.title), f"agreements/{ag.id}.md")
            out.append(f"- {fields} — {lab('handoff_by', agreement=title)}")
        out.append("")
    return _finish(ctx, out, "Stage", page)


def _keys(ws: Workspace, *kinds: str) -> list[EntityKey]:
    return [(kind, ident) for kind in kinds for ident in sorted(ws.table(kind))]


def _section(slug: str, title: str, level: str = "##") -> list[str]:
    """The lines that open an entity's section: its anchor and its heading."""
    return [anchor(slug), "", f"{level} {title}", ""]


def _finish(ctx: _Ctx, out: list[str], kind: str, page: str) -> str:
    """The page of `out`, ending with the history of the workspace's `kind` entities."""
    out.append(ctx.history_for(_keys(ctx.ws, kind), page, name_entities=True))
    return "\n".join(out)


def _roles(ctx: _Ctx) -> str:
    ws, lab, page = ctx.ws, ctx.lab, "roles.md"
    out = [f"# {lab('roles')}", ""]
    roles = sorted(ws.roles.values(), key=lambda r: (r.team, r.id))
    if roles:
        out += [
            f"| {lab('role')} | {lab('team')} | {lab('holders')} |",
            "|---|---|---|",
        ]
        for r in roles:
            holders = ", ".join(text(h.person.name) for h in ws.holders(r.id))
            out.append(
                f"| {link(text(r.title), f'#role-{r.id}')} | {ctx.team(r.team, page)} "
                f"| {holders or lab('no_holder')} |"
            )
        out.append("")
    stages = ws.funnel
    if stages and roles:
        out += [f"## {lab('raci_matrix')}", "", lab("raci_legend"), ""]
        out.append(f"| {lab('stage')} | " + " | ".join(text(r.title) for r in roles) + " |")
        out.append("|---|" + "---|" * len(roles))
        for s in stages:
            raci = s.raci
            cells = []
            for r in roles:
                letters = "".join(
                    letter
                    for letter, ids in (
                        ("R", raci.responsible),
                        ("A", raci.accountable),
                        ("C", raci.consulted),
                        ("I", raci.informed),
                    )
                    if r.id in ids
                )
                cells.append(letters or " ")
            stage = link(text(s.name), f"funnel.md#stage-{s.id}")
            out.append(f"| {stage} | " + " | ".join(cells) + " |")
        out.append("")
    for r in roles:
        out += _section(f"role-{r.id}", text(r.title))
        out.append(f"- **{lab('team')}:** {ctx.team(r.team, page)}")
        holders = ", ".join(text(h.person.name) for h in ws.holders(r.id))
        out.append(f"- **{lab('holders')}:** {holders or lab('no_holder')}")
        if r.liaison:
            out.append(f"- **{lab('liaison')}**")
        out.append("")
        if r.responsibilities:
            out += [f"**{lab('responsibilities')}**", ""]
            out += _heading_list(text(x) for x in r.responsibilities)
            out.append("")
    return _finish(ctx, out, "Role", page)


def _kpis(ctx: _Ctx) -> str:
    ws, lab, page = ctx.ws, ctx.lab, "kpis.md"
    terms = _Terms.of(ws, page)
    out = [f"# {lab('kpis')}", ""]
    users: dict[str, list[tuple[m.Agreement, m.Commitment]]] = {}
    for a in ws.agreements.values():
        for c in a.commitments:
            users.setdefault(c.kpi, []).append((a, c))
    for k in sorted(ws.kpis.values(), key=lambda k: k.id):
        out += _section(f"kpi-{k.id}", text(k.name))
        if k.description:
            out += [terms.block(k.description), ""]
        out.append(f"- **{lab('measured')}:** {text(describe_measure(k, ws))}")
        out.append(f"- **{lab('unit')}:** {lab('unit_' + k.unit)}")
        if k.owner:
            out.append(f"- **{lab('owner')}:** {ctx.role(k.owner, page, holders=True)}")
        if k.where:
            _, conditions = describe_filter(k.where)
            out.append(f"- **{lab('filter')}:** {text(conditions)}")
        used = users.get(k.id, [])
        if used:
            refs = ", ".join(
                link(f"{text(a.title)}: {text(c.id)}", f"agreements/{a.id}.md#commitment-{c.id}")
                for a, c in sorted(used, key=lambda x: (x[0].id, x[1].id))
            )
            out.append(f"- **{lab('used_by')}:** {refs}")
        out.append("")
    return _finish(ctx, out, "Kpi", page)


def _glossary(ctx: _Ctx) -> str:
    ws, lab, page = ctx.ws, ctx.lab, "glossary.md"
    out = [f"# {lab('glossary')}", ""]
    for t in sorted(ws.terms.values(), key=lambda t: (t.term.casefold(), t.id)):
        out += _section(f"term-{t.id}", text(t.term))
        out += [paragraphs(t.definition), ""]
        if t.aliases:
            out += [f"*{lab('aliases')}:* " + ", ".join(text(x) for x in t.aliases), ""]
    return _finish(ctx, out, "Term", page)


def _rituals(ctx: _Ctx) -> str:
    ws, lab, page = ctx.ws, ctx.lab, "rituals.md"
    terms = _Terms.of(ws, page)
    out = [f"# {lab('rituals')}", ""]
    for r in sorted(ws.rituals.values(), key=lambda r: r.id):
        out += _section(f"ritual-{r.id}", text(r.name))
        out.append(f"- **{lab('cadence')}:** {lab(r.cadence)}")
        if r.attendees:
            out.append(f"- **{lab('attendees')}:** {ctx.roles(r.attendees, page, holders=True)}")
        if r.purpose:
            out.append(f"- **{lab('purpose')}:** {terms.inline(r.purpose)}")
        out.append("")
        if r.agenda:
            out += [f"**{lab('agenda')}**", ""]
            out += [f"{i}. {text(item)}" for i, item in enumerate(r.agenda, 1)]
            out.append("")
    return _finish(ctx, out, "Ritual", page)


def _teams(ctx: _Ctx) -> str:
    ws, lab, page = ctx.ws, ctx.lab, "teams.md"
    out = [f"# {lab('teams')}", ""]
    for t in sorted(ws.teams.values(), key=lambda t: t.id):
        out += _section(f"team-{t.id}", text(t.name))
        if t.description:
            out += [paragraphs(t.description), ""]
        if t.lead:
            out += [f"- **{lab('lead')}:** {ctx.person(t.lead)}"]
        roles = ws.roles_of_team(t.id)
        if roles:
            out.append(f"- **{lab('roles')}:** {ctx.roles((r.id for r in roles), page)}")
        out.append("")
        if t.members:
            out += [
                f"| {lab('name')} | {lab('email')} | {lab('git')} |",
                "|---|---|---|",
            ]
            for p in t.members:
                email = ""
                if p.email:
                    email = link(text(p.email), f"mailto:{p.email}")
                handle = code(p.git) if p.git else ""
                out.append(f"| {text(p.name)} | {email} | {handle} |")
            out.append("")
    return _finish(ctx, out, "Team", page)


def _assessment(ctx: _Ctx) -> str:
    ws, lab, page = ctx.ws, ctx.lab, "assessment.md"
    out = [f"# {lab('assessment')}", ""]
    rounds = sorted(ws.assessments.values(), key=lambda a: (a.date, a.id))
    if rounds:
        results = [(a, maturity(ws, a)) for a in rounds]
        teams = sorted({t for _, r in results for t in r if t != "combined"})
        series = [*teams, "combined"]
        names = [
            lab("combined") if t == "combined" else (ws.teams[t].name if t in ws.teams else t)
            for t in series
        ]
        top = max((s for _, r in results for s, _ in r.values()), default=0)
        out += [f"## {lab('score_over_time')}", "", "```mermaid", "xychart-beta"]
        dates = ", ".join(f'"{a.date.isoformat()}"' for a in rounds)
        out.append(f"    x-axis [{dates}]")
        out.append(f'    y-axis "{safe_label(lab("score"))}" 0 --> {max(top, 1)}')
        for t in series:
            values = ", ".join(str(r[t][0]) if t in r else "0" for _, r in results)
            out.append(f"    line [{values}]")
        out += ["```", "", text(lab("chart_lines", names=", ".join(names))), ""]
        out += [
            f"| {lab('date')} | "
            + " | ".join(text(n) for n in names)
            + f" | {lab('relationship_stage')} |",
            "|---|" + "---|" * (len(series) + 1),
        ]
        for a, r in results:
            cells = [str(r[t][0]) if t in r else "—" for t in series]
            stage = r.get("combined", (0, None))[1]
            out.append(
                f"| {anchor(f'assessment-{a.id}')}{a.date.isoformat()} | "
                + " | ".join(cells)
                + f" | {lab(stage) if stage else '—'} |"
            )
        out.append("")
        for a, _ in results:
            if a.notes:
                out += [f"**{a.date.isoformat()} — {lab('notes')}:** {text(a.notes)}", ""]
    for q in sorted(ws.questionnaires.values(), key=lambda q: q.id):
        out += [anchor(f"questionnaire-{q.id}"), ""]
        out += [f"## {text(q.title) if q.title else text(q.id)}", ""]
        out += [f"**{lab('statements')}**", ""]
        out += [f"{i}. {text(s.text)}" for i, s in enumerate(q.statements, 1)]
        out += ["", f"**{lab('bands')}**", ""]
        out += [
            f"- {lab(b.stage)}: {lab('score_range', low=b.min, high=b.max)}"
            for b in sorted(q.bands, key=lambda b: b.min)
        ]
        out.append("")
    keys = _keys(ws, "Questionnaire", "Assessment")
    out.append(ctx.history_for(keys, page, name_entities=True))
    return "\n".join(out)


def _changelog(ctx: _Ctx) -> str:
    ws, lab, page = ctx.ws, ctx.lab, "changelog.md"
    out = [f"# {lab('changelog')}", ""]
    history = ctx.history
    if history is None or not history.available:
        note = history.note if history is not None and history.note else "no git history was read"
        out.append(f"*{text(lab('history_unavailable', note=note))}*")
        return "\n".join(out)
    if history.shallow and history.note:
        out += [f"*{text(lab('history_incomplete', note=history.note))}*", ""]
    out += [lab("commits_total", n=len(history.commits)), ""]
    out += changelog_entries(ws, history, lab, page, limit=CHANGELOG_LIMIT)
    older = history.commits[CHANGELOG_LIMIT:]
    if older:  # every commit is listed; the older ones as one HTML block, without page links
        out += ["", f"## {lab('earlier_changes')}", "", *changelog_html(ws, older, lab, ctx.memo)]
    if history.notes:
        out += ["", f"**{lab('files_unreadable')}**", ""]
        out += [f"- {text(n)}" for n in history.notes]
    return "\n".join(out)
