"""The "Change history" sections and the changelog, from `accord.history`.

Each change reads in the domain's words and the workspace's language, the same
words `accord diff` uses (`accord.changes.ChangeWords`): "SQL volume target
raised from 100 to 120 a month (+20%)", "holder Jan de Boer → Sanne Bakker".
Everything from git (author names, subjects, field values) is escaped with
`site_builder._render.text`; links to commits and pull requests are built
from the Workspace ``repo_url`` by `accord.history` and accepted only when
they are http(s).
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import quote

from accord.domain.workspace import Workspace
from accord.history import Commit, History, commit_url, pr_url
from accord.history.diff import EntityKey, FieldChange
from accord.present import ChangeWords
from site_builder._render import code, is_safe_url, link, text
from site_builder.i18n import Labels

__all__ = [
    "SUMMARISE",
    "commit_line",
    "entity_target",
    "summarised",
    "history_section",
    "html_link",
    "HISTORY_OPEN",
    "Defer",
    "Memo",
    "changelog_entries",
    "changelog_html",
    "older_note",
]

HISTORY_OPEN = '<ul class="accord-history">'
"""First line of the raw HTML block of a one-entity history; the block ends at a
line that is exactly ``</ul>`` and holds one ``<li>`` line per commit."""

PAGE_OF_KIND = {
    "Agreement": "agreements/{id}.md",
    "Stage": "funnel.md#stage-{id}",
    "Role": "roles.md#role-{id}",
    "Kpi": "kpis.md#kpi-{id}",
    "Term": "glossary.md#term-{id}",
    "Ritual": "rituals.md#ritual-{id}",
    "Team": "teams.md#team-{id}",
    "Questionnaire": "assessment.md#questionnaire-{id}",
    "Assessment": "assessment.md#assessment-{id}",
    "Workspace": "index.md",
}


def relative(from_page: str, target: str) -> str:
    """`target` (a page path, maybe with ``#anchor``) relative to the page `from_page`."""
    path, hash_, frag = target.partition("#")
    if path == from_page:
        return f"#{frag}" if frag else posixpath.basename(path)
    rel = posixpath.relpath(path, posixpath.dirname(from_page) or ".")
    return rel + hash_ + frag


def entity_target(key: EntityKey) -> str:
    kind, ident = key
    return PAGE_OF_KIND.get(kind, "index.md").format(id=ident)


_WORDS: dict[int, tuple[Workspace, ChangeWords]] = {}


def words_of(ws: Workspace) -> ChangeWords:
    """The change words of `ws` (its names and language), made once per workspace."""
    found = _WORDS.get(id(ws))
    if found is None or found[0] is not ws:
        if len(_WORDS) >= 8:
            _WORDS.clear()
        found = _WORDS[id(ws)] = (ws, ChangeWords.for_workspace(ws))
    return found[1]


def entity_label(ws: Workspace, key: EntityKey, page: str) -> str:
    """Escaped ``Kind name`` (in the wiki's language) with a link to the entity's page
    when it still exists."""
    kind, ident = key
    label = text(words_of(ws).entity(key))
    exists = kind == "Workspace" or ident in _table(ws, kind)
    return link(label, relative(page, entity_target(key))) if exists else label


def _table(ws: Workspace, kind: str) -> Mapping[str, object]:
    try:
        return ws.table(kind)
    except KeyError:
        return {}


def commit_line(commit: Commit, repo_url: str | None, lab: Labels, *, html: bool = False) -> str:
    """``**18 November 2026** · author · title · PR #12 · approved by A, B · abc1234``,
    with links when `repo_url` allows.

    The title is the subject without the pull request it names (`Commit.title`), so
    the number shows once, as the link. Who approved comes from the message's
    ``Reviewed-by:`` / ``Approved-by:`` trailers; a GitHub merge commit names who
    merged it. With `html`, the same line as HTML (``<strong>``, ``<a href>``) for a
    raw HTML block, which Markdown passes through without inline processing.
    """
    date = text(lab.date(commit.date.date()))
    make_link = _html_link_quick if html else _link_quick
    parts = [
        f"<strong>{date}</strong>" if html else f"**{date}**",
        text(commit.author),
        text(commit.headline),
    ]
    pr = pr_url(commit, repo_url)
    if commit.pr is not None:
        label = text(lab("pr", pr=commit.pr if commit.pr.startswith("!") else "#" + commit.pr))
        parts.append(make_link(label, pr) if pr else label)
    if commit.approvers:
        parts.append(text(lab("approved_by", names=", ".join(commit.approvers))))
    elif commit.merged_by:
        parts.append(text(lab("merged_by", name=commit.merged_by)))
    url = commit_url(commit, repo_url)
    sha = f"<code>{commit.short_sha}</code>"
    parts.append(make_link(sha, url) if url else sha)
    return " · ".join(parts)


SUMMARISE = 6
"""A commit that adds this many whole documents or more (the first commit, a big
import) lists them as one line of counts ("3 agreements, 19 KPIs, … added")."""


def _added_whole(changes: Sequence[FieldChange]) -> bool:
    return len(changes) == 1 and changes[0].path == "" and changes[0].op == "added"


def summarised(
    items: Sequence[tuple[EntityKey, Sequence[FieldChange]]], lab: Labels
) -> tuple[str | None, list[tuple[EntityKey, Sequence[FieldChange]]]]:
    """(one line counting the documents `items` adds, the items left to list one by one).

    Below `SUMMARISE` added documents the line is ``None`` and every item is left.
    """
    added = [key for key, changes in items if _added_whole(changes)]
    if len(added) < SUMMARISE:
        return None, list(items)
    counts: dict[str, int] = {}
    for kind, _ in added:
        counts[kind] = counts.get(kind, 0) + 1
    order = [k for k in PAGE_OF_KIND if k in counts] + sorted(set(counts) - set(PAGE_OF_KIND))
    parts = [
        lab.count(f"kinds_{kind}", counts[kind])
        if f"kinds_{kind}" in _KIND_KEYS
        else f"{counts[kind]} {kind}"
        for kind in order
    ]
    rest = [(key, changes) for key, changes in items if not _added_whole(changes)]
    return lab("added_summary", list=", ".join(parts)), rest


_KIND_KEYS = {f"kinds_{kind}" for kind in PAGE_OF_KIND}


_SEGMENT = re.compile(r"[0-9A-Za-z]+")


@functools.lru_cache(maxsize=64)
def _checked_prefix(prefix: str, html: bool) -> str | None:
    """`prefix` (a repository URL and path) as written in a link, or ``None`` if unsafe."""
    probe = prefix + "/0"
    written = html_link("", probe) if html else link("", probe)
    if written == "":
        return None
    return written[written.index('"') + 1 : -len('/0"></a>')] if html else written[3:-3]


def _quick(label: str, url: str, html: bool) -> str:
    """`link` / `html_link` for commit and pull-request URLs: the repository part
    is checked and quoted once, not per commit; other URLs take the full path."""
    prefix, _, last = url.rpartition("/")
    if _SEGMENT.fullmatch(last):
        checked = _checked_prefix(prefix, html)
        if checked is None:
            return label
        return f'<a href="{checked}/{last}">{label}</a>' if html else f"[{label}]({checked}/{last})"
    return html_link(label, url) if html else link(label, url)


def _html_link_quick(label: str, url: str) -> str:
    return _quick(label, url, True)


def _link_quick(label: str, url: str) -> str:
    return _quick(label, url, False)


def html_link(label: str, url: str) -> str:
    """An HTML link with an already-escaped `label` to an absolute http(s)/mailto `url`.

    The counterpart of `site_builder._render.link` for raw HTML blocks (where
    MkDocs does not rewrite relative ``.md`` links, so only absolute URLs are
    accepted); anything else gives the label alone.
    """
    if not is_safe_url(url):
        return label
    safe = quote(url, safe=":/?#[]@!$&'*+,;=%-._~")
    return f'<a href="{html.escape(safe, quote=True)}">{label}</a>'


def older_note(lab: Labels, hidden: int, paths: Sequence[str], page: str) -> str:
    """The line that says `hidden` older entries are left out and where to see them all."""
    command = code(" ".join(["git log --", *map(shlex.quote, paths)]))
    changelog = link(text(lab("changelog").lower()), relative(page, "changelog.md"))
    line = text(lab("older_changes", n=hidden, changelog="\0", command="\1"))
    return line.replace("&#0;", changelog, 1).replace("&#1;", command, 1)


Defer = Callable[[Callable[[], str]], str]
"""Takes a function that writes a raw HTML history list; returns the line to put
in its place (`site_builder.pages.generate_pages`)."""

Memo = dict[tuple[str, ...], str]
"""HTML pieces of one build, by commit (and entity): the agreement pages and the
changelog show the same commits, so each line is escaped and linked once."""


def _html_line(commit: Commit, repo_url: str | None, lab: Labels, memo: Memo | None) -> str:
    if memo is None:
        return commit_line(commit, repo_url, lab, html=True)
    line = memo.get((commit.sha,))
    if line is None:
        line = memo[(commit.sha,)] = commit_line(commit, repo_url, lab, html=True)
    return line


def _html_items(
    words: ChangeWords,
    commit: Commit,
    key: EntityKey,
    changes: Sequence[FieldChange],
    memo: Memo | None,
) -> str:
    """``<li>`` per change of entity `key` in `commit`."""
    memo_key = (commit.sha, *key)
    items = memo.get(memo_key) if memo is not None else None
    if items is None:
        items = "".join(f"<li>{text(line)}</li>" for line in words.changes(key, changes))
        if memo is not None:
            memo[memo_key] = items
    return items


def _changes(
    words: ChangeWords, key: EntityKey, changes: Sequence[FieldChange], indent: str
) -> list[str]:
    return [f"{indent}- {text(line)}" for line in words.changes(key, changes)]


def history_section(
    ws: Workspace,
    history: History | None,
    keys: Sequence[EntityKey],
    lab: Labels,
    page: str,
    *,
    name_entities: bool,
    heading: str = "##",
    limit: int | None = None,
    memo: Memo | None = None,
    defer: Defer | None = None,
) -> str:
    """The "Change history" section for the entities `keys`, newest first.

    Args:
        ws: the workspace (names, repo_url).
        history: the git history, or ``None`` when none was read.
        keys: the entities the section covers.
        lab: labels of the wiki's language.
        page: the page this section is on (for relative links).
        name_entities: group each commit's changes under the entity's name
            (pages about several entities).
        heading: the Markdown heading level of the section.
        limit: show at most this many commits (the newest), then a line saying
            how many older ones there are and how to list them with git.
        memo: HTML pieces shared with the other pages of the build (`Memo`).
        defer: write the raw HTML list later (`Defer`), not in the section.
    """
    out = [f"{heading} {lab('change_history')}", ""]
    if history is None or not history.available:
        note = history.note if history is not None and history.note else "no git history was read"
        out += [f"*{text(lab('history_unavailable', note=note))}*", ""]
        return "\n".join(out)
    if history.shallow and history.note:
        out += [f"*{text(lab('history_incomplete', note=history.note))}*", ""]
    repo_url = ws.settings.repo_url
    words = words_of(ws)
    files = {src.file for k in keys if (src := ws.source(*k)) is not None}
    for file in sorted(files & set(history.uncommitted_files)):
        out += [f"*{text(lab('uncommitted_changes', file=file))}*", ""]
    # one indexed lookup per entity (History.for_entity), merged newest first
    merged: dict[str, tuple[Commit, list[tuple[EntityKey, list[FieldChange]]]]] = {}
    order: dict[str, int] = {}
    for key in keys:
        for commit, changes in history.for_entity(key):
            if not changes:
                continue
            merged.setdefault(commit.sha, (commit, []))[1].append((key, changes))
            order.setdefault(commit.sha, len(order))
    position = {c.sha: i for i, c in enumerate(history.commits)} if len(keys) > 1 else {}
    entries = sorted(merged.values(), key=lambda e: position.get(e[0].sha, order[e[0].sha]))
    if not entries:
        committed = any(history.is_committed(k) for k in keys)
        out += [lab("no_changes") if committed or not keys else lab("not_committed"), ""]
        return "\n".join(out)
    if len(keys) == 1 and not history.is_committed(keys[0]):
        out += [lab("not_committed"), ""]
    hidden = len(entries) - limit if limit is not None and len(entries) > limit else 0
    shown = entries[: len(entries) - hidden]
    if name_entities:  # Markdown: the entity names link to pages, which MkDocs resolves
        for commit, mine in shown:
            out.append(f"- {commit_line(commit, repo_url, lab)}")
            line, rest = summarised(mine, lab)
            if line is not None:
                out.append(f"    - {text(line)}")
            for key, listed in rest:
                out.append(f"    - {entity_label(ws, key, page)}")
                out += _changes(words, key, listed, "        ")
    else:  # one raw HTML block: only absolute links, no Markdown inline work per entry

        def block() -> str:
            lines = [HISTORY_OPEN]
            for commit, mine in shown:  # one line per commit; only the block's end is "</ul>"
                items = "".join(_html_items(words, commit, k, cs, memo) for k, cs in mine)
                nested = f"<ul>{items}</ul>" if items else ""
                lines.append(f"<li>{_html_line(commit, repo_url, lab, memo)}{nested}</li>")
            lines.append("</ul>")
            return "\n".join(lines)

        out.append(defer(block) if defer is not None else block())
    out.append("")
    if hidden:
        out += [older_note(lab, hidden, sorted(files) or ["."], page), ""]
    return "\n".join(out)


def changelog_entries(
    ws: Workspace,
    history: History,
    lab: Labels,
    page: str,
    *,
    limit: int | None = None,
    keep: Callable[[Commit], bool] = lambda c: True,
) -> list[str]:
    """Every commit (newest first) with its changes grouped by entity, as list lines."""
    out: list[str] = []
    words = words_of(ws)
    shown = 0
    for commit in history.commits:
        if not keep(commit):
            continue
        if limit is not None and shown >= limit:
            break
        shown += 1
        out.append(f"- {commit_line(commit, ws.settings.repo_url, lab)}")
        line, rest = summarised([(k, cs) for k, cs in commit.changes.items() if cs], lab)
        if line is not None:
            out.append(f"    - {text(line)}")
        for key, changes in rest:
            out.append(f"    - {entity_label(ws, key, page)}")
            out += _changes(words, key, changes, "        ")
    return out


def changelog_html(
    ws: Workspace,
    commits: Sequence[Commit],
    lab: Labels,
    memo: Memo | None = None,
    defer: Defer | None = None,
) -> list[str]:
    """`commits` with their changes as one raw HTML block (`HISTORY_OPEN`), one line each.

    For the long tail of the changelog: entity names are plain text (no
    relative links, which only MkDocs can resolve), links are absolute.
    With `defer`, the block is written later and its placeholder returned.
    """
    if defer is not None:
        return [defer(lambda: "\n".join(changelog_html(ws, commits, lab, memo)))]
    repo_url = ws.settings.repo_url
    words = words_of(ws)
    out = [HISTORY_OPEN]
    for commit in commits:
        line, rest = summarised([(k, cs) for k, cs in commit.changes.items() if cs], lab)
        groups = f"<li>{text(line)}</li>" if line is not None else ""
        groups += "".join(
            f"<li>{text(words.entity(key))}<ul>"
            + _html_items(words, commit, key, changes, memo)
            + "</ul></li>"
            for key, changes in rest
        )
        nested = f"<ul>{groups}</ul>" if groups else ""
        out.append(f"<li>{_html_line(commit, repo_url, lab, memo)}{nested}</li>")
    out.append("</ul>")
    return out
