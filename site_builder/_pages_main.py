"""The wiki's home page, agreement pages and changelog (see `site_builder.pages`)."""

from __future__ import annotations

from accord.domain import model as m
from accord.domain.workspace import maturity
from accord.present import describe_measure, format_value, human_title
from site_builder._changes import (
    changelog_entries,
    changelog_html,
)
from site_builder._pages_common import Ctx, Terms, heading_list, section
from site_builder._pages_status import (
    STATUS_PAGE,
    freshness,
    no_numbers,
    period_cell,
    status_cell,
    value_cell,
)
from site_builder._render import link, text

RECENT = 10
"""Recent changes listed on the home page."""


def home_page(ctx: Ctx, intro: str | None) -> str:
    ws, lab, page = ctx.ws, ctx.lab, "index.md"
    terms = Terms.of(ws, page)
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
                assessment=link(
                    text(lab("assessment_of", date=ctx.date(latest.date))),
                    f"assessment.md#assessment-{latest.id}",
                ),
            )
        )
    else:
        out.append(lab("no_assessment"))
    out += ["", f"## {lab('sla_glance')}", ""]
    refs = ws.commitments(active_only=True)
    numbers = ctx.numbers is not None and ctx.numbers.evaluation is not None
    if numbers:
        out += [
            freshness(ctx) + " " + lab("status_link", page=link(lab("status_page"), STATUS_PAGE)),
            "",
        ]
    elif (missing := no_numbers(ctx)) is not None:
        out += [missing, ""]
    if refs:  # one table per agreement, its title as the heading (not in every row)
        agreement = None
        for ref in sorted(refs, key=lambda r: r.agreement.id):
            a, c = ref.agreement, ref.commitment
            if a is not agreement:
                agreement = a
                if out[-1]:
                    out.append("")
                out += [f"### {link(text(a.title), f'agreements/{a.id}.md')}", ""]
                if numbers:
                    out += [
                        f"| {lab('commitment')} | {lab('by_to')} | {lab('value')} "
                        f"| {lab('target')} | {lab('status')} | {lab('period')} |",
                        "|---|---|--:|---|---|---|",
                    ]
                else:
                    out += [
                        f"| {lab('commitment')} | {lab('by_to')} | {lab('target')} "
                        f"| {lab('period')} |",
                        "|---|---|---|---|",
                    ]
            name = link(ctx.commitment_title(c), f"agreements/{a.id}.md#commitment-{c.id}")
            if numbers:  # the promise itself is one click away: the table stays narrow
                r = ctx.result(a.id, c.id)
                out.append(
                    f"| {name} | {ctx.by_to(c, page)} | {value_cell(ctx, r)} "
                    f"| {ctx.target(ws, a, c)} | {status_cell(ctx, r)} "
                    f"| {period_cell(ctx, ws, r, c.per)} |"
                )
            else:
                out.append(
                    f"| **{name}**: {terms.inline(c.text)} | {ctx.by_to(c, page)} "
                    f"| {ctx.target(ws, a, c)} | {lab('per_' + c.per)} |"
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
                f"{lab('review_by')} {ctx.date(a.review_by)}{badge}"
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


def agreement_page(ctx: Ctx, a: m.Agreement) -> str:
    ws, lab = ctx.ws, ctx.lab
    page = f"agreements/{a.id}.md"
    terms = Terms.of(ws, page)
    out = [f"# {text(a.title)}", ""]
    badges = [ctx.badge(lab(a.status), a.status)]
    if ctx.overdue(a):
        badges.append(ctx.badge(lab("review_overdue"), "overdue"))
    out += [" ".join(badges), ""]
    if a.summary:
        out += [terms.block(a.summary), ""]
    review = ctx.date(a.review_by)
    if ctx.overdue(a):
        review += " " + ctx.badge(lab("review_overdue"), "overdue")
    out += [
        f"- **{lab('parties')}:** {ctx.teams(a.parties, page)}",
        f"- **{lab('owners')}:** {ctx.roles(a.owners, page, holders=True)}",
        f"- **{lab('status')}:** {text(lab(a.status))}",
        f"- **{lab('effective')}:** {ctx.date(a.effective)}",
        f"- **{lab('review_by')}:** {review}",
        "",
        f"## {lab('commitments')}",
        "",
    ]
    for c in a.commitments:
        kpi = ws.kpis.get(c.kpi)
        out += section(f"commitment-{c.id}", ctx.commitment_title(c), "###")
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
        r = ctx.result(a.id, c.id)
        if r is not None:
            out.append(
                f"- **{lab('result')}:** {value_cell(ctx, r)} · {status_cell(ctx, r)} · "
                f"{period_cell(ctx, ws, r, c.per)} "
                f"({link(lab('status_page'), '../' + STATUS_PAGE)})"
            )
        out.append("")
    if a.handoff and a.handoff.required_fields:
        out += [f"## {lab('handoff')}", "", lab("handoff_intro"), ""]
        out += heading_list(text(human_title(f)) for f in a.handoff.required_fields)
        out.append("")
    out.append(ctx.history_for([("Agreement", a.id)], page))
    return "\n".join(out)


def changelog_page(ctx: Ctx) -> str:
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
    out += changelog_entries(ws, history, lab, page, limit=ctx.changelog_limit)
    older = history.commits[ctx.changelog_limit :]
    if older:  # every commit is listed; the older ones as one HTML block, without page links
        out += ["", f"## {lab('earlier_changes')}", ""]
        out += changelog_html(ws, older, lab, ctx.memo, ctx.defer)
    if history.notes:
        out += ["", f"**{lab('files_unreadable')}**", ""]
        out += [f"- {text(n)}" for n in history.notes]
    return "\n".join(out)
