"""The numbers on the wiki: the Status page and the cells of the home page's SLA table.

Values, targets and statuses read through `accord.present` (`format_value`,
`format_target`, the status's symbol and word in the wiki's language), so a number
reads the same as in ``accord status`` and the dashboard. Without a store the pages
say so in one line (`no_numbers`).
"""

from __future__ import annotations

from accord.domain.workspace import Workspace
from accord.metrics import CommitmentResult
from accord.present import format_projection, format_target, format_value
from site_builder._pages_common import Ctx
from site_builder._render import anchor, escape, link, text

STATUS_PAGE = "status.md"


def value_cell(ctx: Ctx, result: CommitmentResult | None) -> str:
    """``57`` / ``88%`` / ``no data (0 leads)``, escaped."""
    if result is None:
        return "—"
    if result.value is None:
        shown = ctx.words.status("no_data").split(" ", 1)[1]
        if result.cohort is not None:
            shown += f" ({result.cohort})"
        return escape(shown)
    return escape(format_value(result.value, result.unit))


def status_cell(ctx: Ctx, result: CommitmentResult | None) -> str:
    """``● on track (→ 130)``: the status's symbol and word, and the pace when it has one."""
    if result is None:
        return "—"
    # no break between a status's symbol and its word, nor inside the pace
    out = escape(ctx.words.status(result.status)).replace(" ", "&#160;", 1)
    if result.projected is not None:
        pace = escape(format_projection(result.projected, result.unit)).replace(" ", "&#160;")
        out += f" ({pace})"
    # the class is one of our own status words; the text is escaped
    return f'<span class="accord-status accord-status--{result.status}">{out}</span>'


def period_cell(ctx: Ctx, ws: Workspace, result: CommitmentResult | None, per: str) -> str:
    """The evaluated period in words ("November 2026"), else the kind of period."""
    if result is None or result.period is None:
        return text(ctx.lab("per_" + per))
    return text(ctx.words.period(result.period.start, result.period.end, per, ws.tz))


def no_numbers(ctx: Ctx) -> str | None:
    """The one line that says why the page shows no numbers; None when it has them, or
    when the build did not try (plain Markdown generated without a store)."""
    numbers = ctx.numbers
    if numbers is None or numbers.evaluation is not None:
        return None
    why = ctx.lab("numbers_disabled") if numbers.why == "disabled" else None
    if why is None:
        why = ctx.lab("numbers_failed", error=numbers.why or "?")
    return f"*{text(ctx.lab('numbers_off', why=why))}*"


def freshness(ctx: Ctx) -> str:
    """``As of 18 November 2026, 11:00. Newest data: …`` for the build's evaluation."""
    assert ctx.numbers is not None and ctx.numbers.evaluation is not None
    evaluation = ctx.numbers.evaluation
    at = ctx.instant(evaluation.as_of)
    info = evaluation.store
    # the anchor marks a page with number tables for the stylesheet's compact cells
    mark = anchor("numbers")
    if info.last_event_at is None:
        return mark + ctx.lab("as_of_empty", at=at)
    return mark + ctx.lab(
        "as_of", at=at, fresh=ctx.instant(info.last_event_at), events=text(f"{info.events:,}")
    )


def status_page(ctx: Ctx) -> str:
    """Every commitment of the agreements in force: value, target, status, period."""
    ws, lab, page = ctx.ws, ctx.lab, STATUS_PAGE
    out = [f"# {lab('status_title')}", ""]
    missing = no_numbers(ctx)
    if missing is not None or ctx.numbers is None or ctx.numbers.evaluation is None:
        out.append(missing or f"*{text(lab('numbers_off', why=lab('numbers_disabled')))}*")
        return "\n".join(out)
    evaluation = ctx.numbers.evaluation
    out += [freshness(ctx), ""]
    if not evaluation.agreements:
        out.append(lab("no_commitments_in_force"))
    for agreement_id, overall in evaluation.agreements.items():
        a = ws.agreements.get(agreement_id)
        title = text(a.title) if a is not None else text(agreement_id)
        out += [f"## {link(title, f'agreements/{agreement_id}.md')}", ""]
        out += [text(lab("agreement_status", status=ctx.words.status(overall))), ""]
        out += [
            f"| {lab('commitment')} | {lab('by_to')} | {lab('value')} | {lab('target')} "
            f"| {lab('status')} | {lab('period')} |",
            "|---|---|--:|---|---|---|",
        ]
        for r in evaluation.commitments:
            if r.agreement != agreement_id or r.ref is None:
                continue
            c = r.ref.commitment
            name = link(ctx.commitment_title(c), f"agreements/{agreement_id}.md#commitment-{c.id}")
            target = text(format_target(r.ref.bounds, r.unit, warn=False))
            out.append(
                f"| {name} | {ctx.by_to(c, page)} | {value_cell(ctx, r)} | {target} "
                f"| {status_cell(ctx, r)} | {period_cell(ctx, ws, r, c.per)} |"
            )
        out.append("")
    waiting = ctx.numbers.waiting
    if waiting:
        out += [f"## {lab('waiting_leads')}", ""]
        out += [
            f"| {lab('lead_id')} | {lab('commitment')} | {lab('waiting')} | {lab('owner')} |",
            "|---|---|--:|---|",
        ]
        for item in waiting[:50]:
            c_name = text(ctx.words.names.title(item.commitment))
            target = f"agreements/{item.agreement}.md#commitment-{item.commitment}"
            owner = ctx.person(item.owner) if item.owner else "—"
            out.append(
                f"| {text(item.lead_id)} | {link(c_name, target)} "
                f"| {text(format_value(item.age_hours, 'hours'))} | {owner} |"
            )
        if len(waiting) > 50:
            out += ["", text(lab("more_waiting", n=len(waiting) - 50))]
        out.append("")
    return "\n".join(out)
