"""The pack as Markdown (for the wiki and a pull request) and as a printable HTML page.

Both are written from the same blocks (`blocks`): headings, paragraphs, tables and
lists of plain text, with links only where the caller gives them. Every text, from
YAML, git or the store, is escaped on the way out: in Markdown each character that
Markdown, its extensions, HTML or a template engine could act on becomes a numeric
character reference (the wiki's rule, `site_builder._render`), in HTML it is
`html.escape`d, and the finished page goes through nh3 with only the tags it uses.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import nh3

from accord.metrics import CommitmentResult
from accord.present import ChangeWords, Names, format_date, format_hours, format_value
from accord.report._labels import say
from accord.report._model import Report

Cell = str | tuple[str, str]
"""A table cell: text, or (text, link)."""

LinkTo = Callable[[str, str | None], str | None]
"""(agreement id, commitment id or None) → a link to its page, or None for no link."""


@dataclass
class Heading:
    level: int
    text: str
    href: str | None = None


@dataclass
class Para:
    text: str
    emphasis: bool = False


@dataclass
class Table:
    header: list[str]
    rows: list[list[Cell]]
    right: frozenset[int] = frozenset()


@dataclass
class Items:
    items: list[tuple[Cell, list[str]]] = field(default_factory=list)


Block = Heading | Para | Table | Items


def _instant(moment: dt.datetime, report: Report) -> str:
    local = moment.astimezone(report.tz)
    return f"{format_date(local.date(), report.language)}, {local:%H:%M}"


def _value(result: CommitmentResult | None, words: ChangeWords, lang: str) -> str:
    if result is None:
        return say(lang, "not_in_force")
    if result.value is None:
        return words.status("no_data").split(" ", 1)[1]
    return format_value(result.value, result.unit)


def blocks(report: Report, link: LinkTo | None = None) -> list[Block]:
    """The pack as blocks of plain text (escaped by the renderers)."""
    lang = report.language
    words = ChangeWords(Names(), lang)
    href: LinkTo = link or (lambda a, c: None)

    def month(m_start: dt.datetime, m_end: dt.datetime) -> str:
        return words.period(m_start, m_end, "month", report.tz)

    start, end = report.period.bounds(report.tz)
    p_start, p_end = report.period.previous.bounds(report.tz)
    this, before = month(start, end), month(p_start, p_end)
    out: list[Block] = [
        Heading(1, say(lang, "title", month=this)),
        Para(
            say(
                lang,
                "intro",
                workspace=report.workspace,
                at=_instant(report.as_of, report),
                running=say(lang, "running") if report.running else "",
            )
        ),
    ]
    if report.store is not None:
        fresh = report.store.last_event_at
        out.append(
            Para(
                say(
                    lang,
                    "freshness",
                    fresh=_instant(fresh, report),
                    events=f"{report.store.events:,}",
                )
                if fresh is not None
                else say(lang, "no_events")
            )
        )
    for note in report.notes:
        out.append(Para(note, emphasis=True))
    out.append(Heading(2, say(lang, "results")))
    agreement = None
    table: Table | None = None
    for line in report.lines:
        if line.agreement != agreement:
            agreement = line.agreement
            out.append(Heading(3, line.agreement_title, href(line.agreement, None)))
            table = Table(
                [
                    say(lang, "commitment"),
                    say(lang, "by_to"),
                    say(lang, "target"),
                    before,
                    this,
                    say(lang, "status"),
                ],
                [],
                frozenset({3, 4}),
            )
            out.append(table)
        assert table is not None
        name: Cell = line.title
        target = href(line.agreement, line.commitment)
        if target:
            name = (line.title, target)
        status = words.status(line.current.status) if line.current is not None else "—"
        status = status.replace(" ", "\u00a0", 1)  # the symbol stays with its word
        if line.current is not None and report.store is None:
            status = "—"
        table.rows.append(
            [
                name,
                line.by_to,
                line.target,
                _value(line.previous, words, lang) if report.store is not None else "—",
                _value(line.current, words, lang) if report.store is not None else "—",
                status,
            ]
        )
    out.append(Heading(2, say(lang, "breaches")))
    if report.store is None:
        out.append(Para(say(lang, "no_store", why="—"), emphasis=True))
    elif not report.breaches:
        out.append(Para(say(lang, "no_breaches")))
    if any(not b.leads_known for b in report.breaches):
        out.append(Para(say(lang, "no_leads_list"), emphasis=True))
    for breach in report.breaches:
        ln = breach.line
        assert ln.current is not None
        out.append(Heading(3, ln.title, href(ln.agreement, ln.commitment)))
        out.append(
            Para(
                f"{words.status(ln.current.status)}: {_value(ln.current, words, lang)}, "
                f"{say(lang, 'target').lower()} {ln.target}. {ln.agreement_title}: {ln.text}"
            )
        )
        if not breach.leads_known:
            continue
        if breach.leads:
            shown = breach.leads[:25]
            out.append(
                Table(
                    [
                        say(lang, "lead"),
                        say(lang, "owner"),
                        say(lang, "waiting"),
                        say(lang, "stage"),
                    ],
                    [
                        [
                            row.lead_id,
                            row.owner or "—",
                            format_hours(row.waiting_hours)
                            if row.waiting_hours is not None
                            else "—",
                            row.stage or "—",
                        ]
                        for row in shown
                    ],
                    frozenset({2}),
                )
            )
            if len(breach.leads) > len(shown):
                out.append(Para(say(lang, "more_leads", n=len(breach.leads) - len(shown))))
    out.append(Heading(2, say(lang, "changed", month=this)))
    if not report.changed:
        out.append(Para(say(lang, "no_changes", month=this)))
    for changed in report.changed:
        out.append(Heading(3, changed.title, href(changed.agreement, None)))
        items = Items()
        for change in changed.changes:
            head = f"{format_date(change.date, lang)} · {change.author} · {change.title}"
            if change.pr:
                head += f" · PR {change.pr if change.pr.startswith('!') else '#' + change.pr}"
            if change.approvers:
                head += " · " + say(lang, "approved_by", names=", ".join(change.approvers))
            items.items.append((head, list(change.lines)))
        out.append(items)
    out.append(Heading(2, say(lang, "due")))
    if report.due:
        due = Items()
        for d in report.due:
            label = say(lang, "review_by", date=format_date(d.review_by, lang))
            if d.overdue:
                label += f" ({say(lang, 'overdue')})"
            target = href(d.agreement, None)
            due.items.append(
                ((f"{d.title} — {label}", target) if target else f"{d.title} — {label}", [])
            )
        out.append(due)
    else:
        out.append(Para(say(lang, "none_due")))
    out.append(Heading(2, say(lang, "maturity")))
    m = report.maturity
    if m is None:
        out.append(Para(say(lang, "no_maturity")))
    else:
        stage = say(lang, m.stage) if m.stage else say(lang, "no_band")
        out.append(
            Para(
                say(
                    lang,
                    "maturity_line",
                    id=m.assessment,
                    date=format_date(m.date, lang),
                    score=m.score,
                    high=m.high,
                    stage=stage,
                )
            )
        )
        if m.teams:
            teams = ", ".join(f"{name} {score}" for name, score in m.teams)
            out.append(Para(say(lang, "maturity_teams", teams=teams)))
        if m.largest_gap is not None:
            statement, gap = m.largest_gap
            out.append(Para(say(lang, "maturity_gap", statement=statement, gap=gap)))
    return out


# --- Markdown ----------------------------------------------------------------------

_SPACE = re.compile(r"[ \t\r\n\f\v]+")
"""White space that collapses; a no-break space (a status's symbol and word) stays."""
_SPECIAL = frozenset("&<>\"'`*_[](){}#|!\\~=^+$\t")
_LINE_START = frozenset("-+.>*=#%,;:?/@")
_NUMBERED = re.compile(r"\d+[.)]")
_SAFE_LINK = re.compile(r"^(?:(?:\.\./)*[a-z0-9][a-z0-9/-]*\.md(?:#[a-z0-9-]+)?|#[a-z0-9-]+)$")


def md_text(value: object, *, line_start: bool = False) -> str:
    """`value` as inline Markdown that shows exactly its characters (whitespace
    collapsed): every special character a numeric reference; with `line_start`, no
    leading list or heading marker either (for text that begins a line)."""
    raw = _SPACE.sub(" ", str(value)).strip(" ")
    out = "".join(
        f"&#{ord(ch)};" if ch in _SPECIAL or ord(ch) < 32 or ord(ch) == 127 else ch for ch in raw
    )
    if line_start and (out[:1] in _LINE_START or _NUMBERED.match(out)):
        out = f"&#{ord(out[0])};" + out[1:]
    return out


def _md_link(label: str, target: str) -> str:
    return f"[{label}]({target})" if _SAFE_LINK.match(target) else label


def _md_cell(cell: Cell) -> str:
    if isinstance(cell, tuple):
        return _md_link(md_text(cell[0]), cell[1])
    return md_text(cell)


def render_markdown(report: Report, link: LinkTo | None = None) -> str:
    """The pack as Markdown; `link` gives relative links to the agreements' pages (the
    wiki's ``../agreements/<id>.md``), only page paths are accepted."""
    lines: list[str] = []
    for block in blocks(report, link):
        if isinstance(block, Heading):
            title = md_text(block.text)
            lines += [
                f"{'#' * block.level} {_md_link(title, block.href) if block.href else title}",
                "",
            ]
        elif isinstance(block, Para):
            body = md_text(block.text, line_start=True)
            lines += [f"*{body}*" if block.emphasis else body, ""]
        elif isinstance(block, Table):
            lines.append("| " + " | ".join(md_text(h) for h in block.header) + " |")
            lines.append(
                "|"
                + "".join("--:|" if i in block.right else "---|" for i in range(len(block.header)))
            )
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.rows]
            lines.append("")
        else:
            for head, children in block.items:
                lines.append(f"- {_md_cell(head)}")
                lines += [f"    - {md_text(child)}" for child in children]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# --- HTML --------------------------------------------------------------------------

_CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: #1f2937; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .3rem; }
h2 { margin-top: 2rem; border-bottom: 1px solid #d1d5db; }
h3 { margin-bottom: .4rem; } p.note { color: #6b7280; font-style: italic; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; }
th, td { border: 1px solid #d1d5db; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f4f6; } td.num, th.num { text-align: right; white-space: nowrap; }
a { color: #1e40af; }
@media print { body { margin: 0; max-width: none; font-size: 11pt; } h2 { break-after: avoid; }
  tr { break-inside: avoid; } a { color: inherit; text-decoration: none; } }
"""

_TAGS = {"h1", "h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "ul", "li", "a"}


def _h(value: object) -> str:
    return html.escape(_SPACE.sub(" ", str(value)).strip(" "), quote=True)


def _h_cell(cell: Cell) -> str:
    if isinstance(cell, tuple) and re.match(r"^https?://[^\s\"'<>]+$", cell[1]):
        return f'<a href="{_h(cell[1])}">{_h(cell[0])}</a>'
    return _h(cell[0] if isinstance(cell, tuple) else cell)


def render_html(report: Report, link: LinkTo | None = None) -> str:
    """The pack as one self-contained, printable HTML page (no script, no outside
    resources); only absolute http(s) links from `link` are kept."""
    body: list[str] = []
    title = ""
    for block in blocks(report, link):
        if isinstance(block, Heading):
            if block.level == 1:
                title = block.text
            body.append(
                f"<h{block.level}>{_h_cell((block.text, block.href or ''))}</h{block.level}>"
            )
        elif isinstance(block, Para):
            body.append(
                f'<p class="note">{_h(block.text)}</p>'
                if block.emphasis
                else f"<p>{_h(block.text)}</p>"
            )
        elif isinstance(block, Table):
            head = "".join(
                f'<th class="num">{_h(h)}</th>' if i in block.right else f"<th>{_h(h)}</th>"
                for i, h in enumerate(block.header)
            )
            rows = "".join(
                "<tr>"
                + "".join(
                    f'<td class="num">{_h_cell(c)}</td>'
                    if i in block.right
                    else f"<td>{_h_cell(c)}</td>"
                    for i, c in enumerate(row)
                )
                + "</tr>"
                for row in block.rows
            )
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        else:
            items = "".join(
                f"<li>{_h_cell(head)}"
                + (
                    "<ul>" + "".join(f"<li>{_h(c)}</li>" for c in children) + "</ul>"
                    if children
                    else ""
                )
                + "</li>"
                for head, children in block.items
            )
            body.append(f"<ul>{items}</ul>")
    # nh3 cleans the body (a fragment); the shell around it is ours: a fixed stylesheet
    # and the escaped title
    cleaned: str = nh3.clean(
        "\n".join(body),
        tags=_TAGS,
        attributes={"*": {"class"}, "a": {"href"}},
        url_schemes={"http", "https"},
        link_rel=None,
        strip_comments=True,
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{_h(report.language)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_h(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"{cleaned}\n</body>\n</html>\n"
    )
