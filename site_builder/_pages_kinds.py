"""The wiki's pages per kind: funnel, roles, KPIs, glossary, rituals, teams, assessment."""

from __future__ import annotations

from accord.diagnostic import Advice, Check, advise, gaps, score_round
from accord.domain import model as m
from accord.domain.workspace import Workspace, maturity
from accord.present import describe_filter, describe_measure, human_title
from site_builder._pages_common import Ctx, Terms, finish, heading_list, keys_of, section
from site_builder._render import anchor, code, link, paragraphs, text
from site_builder._svg import Band, Series, funnel_svg, score_chart_svg
from site_builder.i18n import Labels

FUNNEL_SVG = "assets/funnel.svg"
MATURITY_SVG = "assets/maturity.svg"


def pictures(ws: Workspace, lab: Labels) -> dict[str, str]:
    """The funnel and the maturity chart as SVG files (`site_builder._svg`), by path."""
    out: dict[str, str] = {}
    if ws.funnel:
        out[FUNNEL_SVG] = funnel_svg([s.name for s in ws.funnel], lab("funnel"))
    rounds = sorted(ws.assessments.values(), key=lambda a: (a.date, a.id))
    if rounds:
        results = [maturity(ws, a) for a in rounds]
        teams = sorted({t for r in results for t in r if t != "combined"})
        series = [
            Series(
                ws.teams[t].name if t in ws.teams else t,
                [r[t][0] if t in r else None for r in results],
            )
            for t in teams
        ]
        series.append(
            Series(lab("combined"), [r.get("combined", (None,))[0] for r in results], combined=True)
        )
        questionnaire = ws.questionnaires.get(rounds[-1].questionnaire)
        bands = (
            [Band(b.min, b.max, lab(b.stage)) for b in questionnaire.bands] if questionnaire else []
        )
        top = max([s for r in results for s, _ in r.values()] + [b.high for b in bands])
        out[MATURITY_SVG] = score_chart_svg(
            [a.date.isoformat() for a in rounds],
            series,
            bands,
            y_max=top,
            y_label=lab("score"),
            title=lab("score_over_time"),
        )
    return out


def _funnel(ctx: Ctx) -> str:
    ws, lab, page = ctx.ws, ctx.lab, "funnel.md"
    terms = Terms.of(ws, page)
    out = [f"# {lab('funnel')}", ""]
    stages = ws.funnel
    if stages:
        out += [f"![{text(lab('funnel'))}]({FUNNEL_SVG})", ""]
    for s in stages:
        out += section(f"stage-{s.id}", f"{s.order}. {text(s.name)}")
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
                out += heading_list(terms.inline(i) for i in items)
                out.append("")
    handoffs = [a for a in ws.agreements.values() if a.handoff and a.handoff.required_fields]
    if handoffs:
        out += [f"## {lab('handoff')}", "", lab("handoff_intro"), ""]
        for ag in sorted(handoffs, key=lambda x: x.id):
            assert ag.handoff is not None
            fields = ", ".join(text(human_title(f)) for f in ag.handoff.required_fields)
            title = link(text(ag.title), f"agreements/{ag.id}.md")
            out.append(f"- {fields} — {lab('handoff_by', agreement=title)}")
        out.append("")
    return finish(ctx, out, "Stage", page)


def _roles(ctx: Ctx) -> str:
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
    letters = {
        (s.id, r.id): "".join(
            letter
            for letter, ids in (
                ("R", s.raci.responsible),
                ("A", s.raci.accountable),
                ("C", s.raci.consulted),
                ("I", s.raci.informed),
            )
            if r.id in ids
        )
        for s in stages
        for r in roles
    }
    involved = [r for r in roles if any(letters[s.id, r.id] for s in stages)]
    if stages and involved:
        # roles down, stages across: a handful of columns fits the page however many
        # roles there are, and every row has letters in it
        # the anchor marks the table for the stylesheet's compact cells (plugin.py)
        out += [f"## {lab('raci_matrix')}", "", anchor("raci-table") + lab("raci_legend"), ""]
        # each stage by its short name (its glossary term: "MQL", "SQL"): the columns fit
        header = " | ".join(
            link(text(ctx.words.names.stage(s.id)), f"funnel.md#stage-{s.id}") for s in stages
        )
        out.append(f"| {lab('role')} | {header} |")
        out.append("|---|" + ":-:|" * len(stages))
        for r in involved:
            cells = " | ".join(letters[s.id, r.id] or " " for s in stages)
            out.append(f"| {link(text(r.title), f'#role-{r.id}')} | {cells} |")
        out.append("")
    for r in roles:
        out += section(f"role-{r.id}", text(r.title))
        out.append(f"- **{lab('team')}:** {ctx.team(r.team, page)}")
        holders = ", ".join(text(h.person.name) for h in ws.holders(r.id))
        out.append(f"- **{lab('holders')}:** {holders or lab('no_holder')}")
        if r.liaison:
            out.append(f"- **{lab('liaison')}**")
        out.append("")
        if r.responsibilities:
            out += [f"**{lab('responsibilities')}**", ""]
            out += heading_list(text(x) for x in r.responsibilities)
            out.append("")
    return finish(ctx, out, "Role", page)


def _kpis(ctx: Ctx) -> str:
    ws, lab, page = ctx.ws, ctx.lab, "kpis.md"
    terms = Terms.of(ws, page)
    out = [f"# {lab('kpis')}", ""]
    users: dict[str, list[tuple[m.Agreement, m.Commitment]]] = {}
    for a in ws.agreements.values():
        for c in a.commitments:
            users.setdefault(c.kpi, []).append((a, c))
    for k in sorted(ws.kpis.values(), key=lambda k: k.id):
        out += section(f"kpi-{k.id}", text(k.name))
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
                link(
                    f"{text(a.title)}: {ctx.commitment_title(c)}",
                    f"agreements/{a.id}.md#commitment-{c.id}",
                )
                for a, c in sorted(used, key=lambda x: (x[0].id, x[1].id))
            )
            out.append(f"- **{lab('used_by')}:** {refs}")
        out.append("")
    return finish(ctx, out, "Kpi", page)


def _glossary(ctx: Ctx) -> str:
    ws, lab, page = ctx.ws, ctx.lab, "glossary.md"
    out = [f"# {lab('glossary')}", ""]
    for t in sorted(ws.terms.values(), key=lambda t: (t.term.casefold(), t.id)):
        out += section(f"term-{t.id}", text(t.term))
        out += [paragraphs(t.definition), ""]
        if t.aliases:
            out += [f"*{lab('aliases')}:* " + ", ".join(text(x) for x in t.aliases), ""]
    return finish(ctx, out, "Term", page)


def _rituals(ctx: Ctx) -> str:
    ws, lab, page = ctx.ws, ctx.lab, "rituals.md"
    terms = Terms.of(ws, page)
    out = [f"# {lab('rituals')}", ""]
    for r in sorted(ws.rituals.values(), key=lambda r: r.id):
        out += section(f"ritual-{r.id}", text(r.name))
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
    return finish(ctx, out, "Ritual", page)


def _teams(ctx: Ctx) -> str:
    ws, lab, page = ctx.ws, ctx.lab, "teams.md"
    out = [f"# {lab('teams')}", ""]
    for t in sorted(ws.teams.values(), key=lambda t: t.id):
        out += section(f"team-{t.id}", text(t.name))
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
    return finish(ctx, out, "Team", page)


def _assessment(ctx: Ctx) -> str:
    ws, lab, page = ctx.ws, ctx.lab, "assessment.md"
    out = [f"# {lab('assessment')}", ""]
    rounds = sorted(ws.assessments.values(), key=lambda a: (a.date, a.id))
    band, diagnosis = _diagnosis(ctx, rounds[-1]) if rounds else (None, [])
    if band is not None:
        out += [band, ""]
    if rounds:
        results = [(a, maturity(ws, a)) for a in rounds]
        teams = sorted({t for _, r in results for t in r if t != "combined"})
        series = [*teams, "combined"]
        names = [
            lab("combined") if t == "combined" else (ws.teams[t].name if t in ws.teams else t)
            for t in series
        ]
        out += [f"## {lab('score_over_time')}", ""]
        out += [f"![{text(lab('score_over_time'))}]({MATURITY_SVG})", ""]
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
                f"| {anchor(f'assessment-{a.id}')}{ctx.date(a.date)} | "
                + " | ".join(cells)
                + f" | {lab(stage) if stage else '—'} |"
            )
        out.append("")
        for a, _ in results:
            if a.notes:
                out += [f"**{ctx.date(a.date)} — {lab('notes')}:** {text(a.notes)}", ""]
        out += diagnosis
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
    keys = keys_of(ws, "Questionnaire", "Assessment")
    out.append(ctx.history_for(keys, page, name_entities=True))
    return "\n".join(out)


def _diagnosis(ctx: Ctx, latest: m.Assessment) -> tuple[str | None, list[str]]:
    """(the latest round's combined stage in a line, the sections on the gaps between the
    teams, largest first, and on the advice checked against this workspace)."""
    ws, lab = ctx.ws, ctx.lab
    q = ws.questionnaires.get(latest.questionnaire)
    if q is None:
        return None, []
    scores = score_round(q, latest)
    out: list[str] = []
    band: str | None = None
    stage = scores.combined.stage if scores.combined is not None else None
    if scores.combined is not None:
        band = lab(
            "combined_band",
            stage=f"**{lab(stage) if stage else '?'}**",
            score=scores.combined.total,
            date=ctx.date(latest.date),
        )
    found = [g for g in gaps(q, latest)]
    if len(latest.responses) > 1:
        out += [f"## {lab('gaps')}", "", lab("gaps_intro"), ""]
        differing = [g for g in found if g.size > 0]
        if differing:
            teams = list(latest.responses)
            names = [text(ws.teams[t].name) if t in ws.teams else text(t) for t in teams]
            out += [
                f"| {lab('gap')} | {lab('statement')} | " + " | ".join(names) + " |",
                "|--:|---|" + "--:|" * len(teams),
            ]
            for g in differing:
                cells = " | ".join(str(g.scores.get(t, "—")) for t in teams)
                out.append(f"| {g.size} | {text(g.statement.text)} | {cells} |")
        else:
            out.append(lab("gaps_none"))
        out.append("")
    out += _advice(ctx, advise(ws, stage, list(latest.responses)))
    return band, out


def _advice(ctx: Ctx, advice: Advice) -> list[str]:
    lab = ctx.lab
    out = [f"## {lab('advice')}", ""]
    step = advice.next_step
    if advice.stage is None:
        intro = lab("advice_none", target=lab(step.target).lower() if step else "?")
    elif step is None:
        intro = lab("advice_top", stage=lab(advice.stage).lower())
    else:
        intro = lab(
            "advice_stage", stage=lab(advice.stage).lower(), target=lab(step.target).lower()
        )
    out += [intro, ""]
    if step is not None:
        out += [line for check in step.checks for line in _check(check)]
        out.append("")
    earlier = [c for s in advice.earlier_steps for c in s.checks if not c.met]
    if earlier:
        out += [f"**{lab('advice_open')}**", ""]
        out += [line for check in earlier for line in _check(check)]
        out.append("")
    return out


def _check(check: Check) -> list[str]:
    """``- ✔ **Title** — found…`` / ``- ✖ **Title**: why`` with what is missing here."""
    p = check.practice
    if check.met:
        lines = [f"- ✔ **{text(p.title)}**"]
        lines += [f"    - {text(x)}" for x in check.found]
    else:
        lines = [f"- ✖ **{text(p.title)}**: {text(p.why)}"]
        lines += [f"    - {text(x)}" for x in check.missing]
    return lines
