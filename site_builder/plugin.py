"""The `accord` MkDocs plugin: feeds the generated pages to MkDocs.

Thin on purpose: `site_builder.pages` writes the Markdown, this module only

* loads the workspace and its git history once per build, and evaluates every
  commitment once as of the build's instant (`on_config`, `site_builder._numbers`;
  without a reachable store the pages say so and the build passes),
* adds the pages with `File.generated`, each with its edit link pointing at
  its YAML source, and a small stylesheet (`on_files`),
* leaves the pages' raw HTML history lists out of their Markdown
  (`generate_pages` with ``defer``): Python-Markdown would only pass them
  through, at a high cost for long histories. The lists are written at once
  and sanitized with nh3 on a worker thread while MkDocs converts the
  Markdown (`site_builder._lists`);
* sanitizes the HTML of the generated pages with nh3 (`on_page_content`),
  leaving an HTML comment where each history list goes, and puts the
  sanitized lists back only after the search plugin indexed the page
  (`on_page_context`, lowest priority): the history lists stay out of the
  search index, whose HTML parse of them was most of the build (docs/wiki.md);
* writes the generated pages' ``<title>`` escaped (`on_post_page`): MkDocs does not escape it;
* refuses a ``site_dir`` that is not Accord's own before MkDocs empties it, and marks
  it after the build (`site_builder.build.check_out_dir`), also under a plain
  ``mkdocs build``.

A hand-written ``index.md`` becomes the introduction of the generated home
page; any other hand-written page with the path of a generated one wins over
it. A shallow clone logs one warning naming ``fetch-depth: 0`` (so
``mkdocs build --strict`` fails); a workspace outside git logs "history
unavailable" at info level. Every hook returns early when ``enabled`` is false.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
import secrets
from pathlib import Path

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from accord import AccordError, LoadError, ValidationFailed, load_workspace
from accord.domain.clock import Clock, system_now, today_in
from accord.domain.workspace import Workspace
from accord.history import History, entity_history
from site_builder._lists import Lists, Render
from site_builder._numbers import Numbers, read_numbers
from site_builder._pages_reports import report_pages
from site_builder._sanitize import sanitize_html
from site_builder.build import _SITE_DIR_OPTION, SiteError, check_out_dir, mark_out_dir
from site_builder.config import AccordConfig
from site_builder.i18n import labels
from site_builder.pages import generate_pages, generate_pictures, page_sources

__all__ = ["AccordPlugin", "STYLESHEET"]

log = get_plugin_logger(__name__)

STYLESHEET = "assets/accord.css"
_CSS = """\
.accord-badge { display: inline-block; padding: 0 .5em; border-radius: .6em;
  font-size: .75em; font-weight: 700; border: 1px solid currentColor; }
.accord-badge--active { color: #2e7d32; }
.accord-badge--draft { color: #6d6d6d; }
.accord-badge--retired { color: #6d6d6d; text-decoration: line-through; }
.accord-badge--overdue { color: #fff; background: #c62828; border-color: #c62828; }
.md-typeset p:has(> a#raci-table) + .md-typeset__scrollwrap :is(th, td) { min-width: 0; }
.md-typeset p:has(> a#raci-table) + .md-typeset__scrollwrap :is(th, td),
.md-typeset p:has(> a#raci-table) + table :is(th, td) { padding: .5em .55em; min-width: 0; }
.md-typeset p:has(> a#raci-table) + .md-typeset__scrollwrap :is(th, td):not(:first-child),
.md-typeset p:has(> a#raci-table) + table :is(th, td):not(:first-child) { text-align: center; }
.md-typeset:has(a#numbers) table:not([class]) :is(th, td) { min-width: 0; padding: .6em .7em; }
.accord-status { font-weight: 600; }
.accord-status--breached { color: #c62828; }
.accord-status--at_risk { color: #b26a00; }
.accord-status--on_track { color: #1565c0; }
.accord-status--met { color: #2e7d32; }
.accord-status--no_data { color: #6d6d6d; font-weight: 400; }
"""


class AccordPlugin(BasePlugin[AccordConfig]):  # type: ignore[no-untyped-call]
    """Adds the agreements wiki (docs/reference/formats.md) to a MkDocs site."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.workspace: Workspace | None = None
        self.history: History | None = None
        self.generated: set[str] = set()
        self.tokens: dict[str, list[str]] = {}  # page → placeholders of its history lists
        self.lists: Lists | None = None
        self.clock: Clock = system_now
        """The build's instant: review badges, the Status page's numbers and the reports
        are as of ``clock()`` (`build_site` hands its own)."""
        self.store_url: str | None = None
        """The event store to read (``--store``); None: ``ACCORD_STORE``, else the
        Workspace's choice (`accord.store.open_store`)."""
        self.use_store: bool = True
        """False: build without numbers (``--no-store``); the plugin option ``store``
        can switch them off as well."""
        self.numbers: Numbers | None = None

    # --- hooks ---------------------------------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        base = Path(config.config_file_path or ".").resolve().parent
        root = (base / self.config.workspace).resolve()
        try:  # MkDocs empties site_dir next: only Accord's own folder (site_builder.build)
            check_out_dir(Path(config.site_dir), root, option=_SITE_DIR_OPTION)
        except SiteError as exc:
            raise PluginError(str(exc)) from None
        self.workspace = _load(root, self.clock)
        _theme_language(config, self.workspace.settings.language)
        self.history = entity_history(root)
        _report(self.history, strict=self.config.strict_history)
        self._close_numbers()
        self.numbers = read_numbers(  # once per build, as of the build's instant
            self.workspace,
            self.clock,
            url=self.store_url,
            enabled=self.use_store and self.config.store,
        )
        if self.numbers.why is not None and self.numbers.why != "disabled":
            log.info(f"no numbers on the wiki: {self.numbers.why}")
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.workspace is None:
            return None
        ws = self.workspace
        intro = None
        own_index = files.get_file_from_path("index.md")
        if own_index is not None and own_index.generated_by is None:
            intro = own_index.content_string
            files.remove(own_index)
        self._close_lists()
        renders: dict[str, Render] = {}

        def defer(render: Render) -> str:
            token = f"accordblock{secrets.token_hex(8)}"
            renders[token] = render
            return token

        lab = labels(ws.settings.language)
        try:
            reports = report_pages(ws, self.numbers, self.history, lab, self.clock, root=ws.root)
        finally:
            self._close_numbers(keep=True)
        pages = generate_pages(
            ws,
            self.history,
            today=today_in(ws.tz, self.clock),
            intro=intro,
            defer=defer,
            numbers=self.numbers,
            reports=reports,
        )
        self.lists = Lists(renders)
        sources = page_sources(ws)
        docs_dir = Path(config.docs_dir).resolve()
        self.generated = set()
        for path, content in pages.items():
            existing = files.get_file_from_path(path)
            if existing is not None:
                log.info(f"docs/{path} is hand-written; it replaces the generated page")
                continue
            self.tokens[path] = [t for t in _TOKEN.findall(content) if t in renders]
            file = File.generated(config, path, content=content, inclusion=InclusionLevel.INCLUDED)
            source = sources.get(path)
            if path == "index.md" and own_index is not None:
                file.edit_uri = own_index.src_uri
            elif source is not None:
                rel = os.path.relpath(ws.root / source, docs_dir)
                file.edit_uri = Path(rel).as_posix()
            files.append(file)
            self.generated.add(path)
        for path, svg in generate_pictures(ws).items():
            if files.get_file_from_path(path) is None:
                files.append(
                    File.generated(config, path, content=svg, inclusion=InclusionLevel.INCLUDED)
                )
        if files.get_file_from_path(STYLESHEET) is None:
            files.append(
                File.generated(config, STYLESHEET, content=_CSS, inclusion=InclusionLevel.INCLUDED)
            )
        return files

    def on_nav(
        self, nav: Navigation, /, *, config: MkDocsConfig, files: Files
    ) -> Navigation | None:
        """The sections of generated pages by their names in the workspace's language
        (MkDocs calls a folder's section by the folder's name: "Agreements", "Reports")."""
        if not self.config.enabled or self.workspace is None:
            return None
        lab = labels(self.workspace.settings.language)
        names = {"agreements/": lab("agreements"), "reports/": lab("reports_section")}
        for item in nav.items:
            if not isinstance(item, Section) or not item.children:
                continue
            uris = [getattr(getattr(c, "file", None), "src_uri", "") for c in item.children]
            for folder, name in names.items():
                if all(u in self.generated and u.startswith(folder) for u in uris):
                    item.title = name
        return nav

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if not self.config.enabled or page.file.src_uri not in self.generated:
            return None
        if page.file.edit_uri and page.edit_url:
            page.edit_url = _normalize(page.edit_url)
        return None

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if not self.config.enabled or page.file.src_uri not in self.generated:
            return None
        return _mark(sanitize_html(html), self.tokens.get(page.file.src_uri, []))

    @event_priority(-100)  # after the search plugin indexed page.content
    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        if not self.config.enabled or page.file.src_uri not in self.generated:
            return None
        tokens = self.tokens.pop(page.file.src_uri, [])
        if tokens and page.content is not None and self.lists is not None:
            page.content = _put_back(page.content, tokens, self.lists)
        return None

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        if not self.config.enabled or page.file.src_uri not in self.generated:
            return None
        return _fix_title(output, page, config)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        mark_out_dir(Path(config.site_dir))
        self.workspace = None
        self.history = None
        self._close_numbers()
        self._close_lists()

    def on_build_error(self, *, error: Exception) -> None:
        self._close_numbers()
        self._close_lists()

    def _close_numbers(self, *, keep: bool = False) -> None:
        """Release the store; with `keep` the evaluation stays for the pages."""
        if self.numbers is not None:
            self.numbers.close()
            if not keep:
                self.numbers = None

    def _close_lists(self) -> None:
        self.tokens = {}
        if self.lists is not None:
            self.lists.close()
            self.lists = None


def _theme_language(config: MkDocsConfig, language: str) -> None:
    """Material's own words (search, navigation, ``<html lang>``) in the workspace's
    language, unless mkdocs.yml chose a language other than the default English, or
    the theme has no translation of that name (its templates include it by name)."""
    theme = config.theme
    if language == "en" or theme.name != "material" or theme["language"] != "en":
        return
    if not re.fullmatch(r"[a-z]{2,3}(?:-[A-Za-z]{2,4})?", language):
        return
    if any((Path(d) / "partials" / "languages" / f"{language}.html").is_file() for d in theme.dirs):
        theme["language"] = language


def _load(root: Path, now: Clock) -> Workspace:
    """The workspace at `root`, or `PluginError` with every problem."""
    try:
        return load_workspace(root, now=now)
    except (ValidationFailed, LoadError) as exc:
        problems = "\n".join(p.format() for p in exc.problems if p.severity == "error") or str(exc)
        raise PluginError(f"Error reading agreements in '{root}':\n{problems}") from None
    except AccordError as exc:
        raise PluginError(f"Error reading agreements in '{root}':\n{exc}") from None
    except OSError as exc:
        raise PluginError(f"Error reading agreements in '{root}':\n{exc}") from None


def _report(history: History, *, strict: bool) -> None:
    """Say once why history is missing or incomplete."""
    if not history.available:
        message = history.note or "Change history is not available."
        if strict:
            raise PluginError(f"history unavailable: {message}")
        log.info(f"history unavailable: {message}")
        return
    if history.shallow:
        message = (
            f"{history.note or 'history is incomplete: shallow clone'}. "
            "In GitHub Actions set `fetch-depth: 0` on actions/checkout."
        )
        if strict:
            raise PluginError(message)
        log.warning(message)
    for note in history.notes:
        log.info(note)


def _fix_title(output: str, page: Page, config: MkDocsConfig) -> str:
    """Re-escape the ``<title>`` of a generated page (MkDocs writes titles unescaped).

    Material writes ``{{ page.title | striptags }}``, and Jinja's striptags
    turns the escaped title back into raw characters, so a ``</title>`` in a
    YAML title would end the element early. The exact text Material wrote is
    found and written again, escaped.
    """
    if page.is_homepage or not page.title:
        return output
    written = f"<title>{Markup(page.title).striptags()} - "
    plain = " ".join(html.unescape(page.title).split())
    return output.replace(written, f"<title>{html.escape(plain)} - ", 1)


_TOKEN = re.compile(r"accordblock[0-9a-f]{16}")


def _mark(html: str, tokens: list[str]) -> str:
    """Sanitized `html` with each placeholder paragraph turned into an HTML comment.

    Material's search index skips comments, so the history lists, put back in
    their place by `_put_back` after indexing, are not indexed. `html` went
    through nh3, which removes every comment, so the only comments are these.
    """
    for token in tokens:
        wrapped = f"<p>{token}</p>"
        html = html.replace(wrapped if wrapped in html else token, f"<!--{token}-->", 1)
    return html


def _put_back(html: str, tokens: list[str], lists: Lists) -> str:
    """`html` with each history list, sanitized, in place of its comment."""
    for token in tokens:
        html = html.replace(f"<!--{token}-->", lists.get(token), 1)
    return html


def _normalize(url: str) -> str:
    """``…/docs/../agreements/x.yaml`` → ``…/agreements/x.yaml``."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    path = posixpath.normpath(parts.path) if parts.path else parts.path
    return urlunsplit(parts._replace(path=path))
