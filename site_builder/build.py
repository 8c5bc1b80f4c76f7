"""Run MkDocs in-process for ``accord site build`` and ``accord site serve``.

The workspace's own ``mkdocs.yml`` is used when it exists; otherwise a
default configuration (Material theme, ``plugins: [search, accord]``,
Mermaid fences) is written to a temporary file that points at the
workspace. ``NO_MKDOCS_2_WARNING=1`` is set before MkDocs and Material are
imported. Messages go to stderr through MkDocs' loggers, so a
plugin warning fails ``--strict`` exactly as with ``mkdocs build --strict``.
"""

from __future__ import annotations

import contextlib
import html
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from accord import AccordError
from accord.domain.clock import Clock, system_now

__all__ = ["DEFAULT_CONFIG", "SiteError", "build_site", "default_config", "serve_site"]


class SiteError(AccordError):
    """MkDocs failed (bad config, a plugin error, warnings under --strict)."""


DEFAULT_CONFIG = """\
site_name: {site_name}
docs_dir: {docs_dir}
site_dir: {site_dir}
theme:
  name: material
  features: [navigation.sections, search.highlight, content.action.edit]
plugins:
  - search
  - accord:
      workspace: {workspace}
markdown_extensions:
  - tables
  - toc:
      permalink: true
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
"""


def default_config(root: Path, site_dir: Path, docs_dir: Path, site_name: str) -> str:
    """The mkdocs.yml used when a workspace has none (paths absolute, name HTML-escaped)."""
    return DEFAULT_CONFIG.format(
        # MkDocs puts site_name into <title> unescaped
        site_name=json.dumps(html.escape(site_name)),
        docs_dir=json.dumps(str(docs_dir)),
        site_dir=json.dumps(str(site_dir)),
        workspace=json.dumps(str(root)),
    )


@contextlib.contextmanager
def _config_file(root: Path, site_dir: Path | None) -> Iterator[tuple[Path, Path]]:
    """(mkdocs.yml to use, site dir): the workspace's own, or a temporary default."""
    own = root / "mkdocs.yml"
    if own.is_file():
        yield own, site_dir or root / "site"
        return
    from accord.loading.validate import load_workspace

    ws = load_workspace(root)
    out = (site_dir or root / "site").resolve()
    with tempfile.TemporaryDirectory(prefix="accord-site-") as tmp:
        docs = root / "docs"
        if not docs.is_dir():
            docs = Path(tmp) / "docs"
            docs.mkdir()
        config = Path(tmp) / "mkdocs.yml"
        config.write_text(
            default_config(root.resolve(), out, docs.resolve(), ws.settings.name),
            encoding="utf-8",
        )
        yield config, out


@contextlib.contextmanager
def _logging(verbose: bool) -> Iterator[None]:
    logger = logging.getLogger("mkdocs")
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def build_site(
    root: Path,
    *,
    strict: bool = False,
    site_dir: Path | None = None,
    verbose: bool = False,
    now: Clock = system_now,
) -> Path:
    """Build the wiki of the workspace at `root`; return the site folder.

    `now` decides which review dates have passed.

    Raises:
        SiteError: MkDocs failed (wrapping ``Abort`` under `strict` when anything
            warned, or a ``PluginError`` for bad agreements).
        accord.ValidationFailed: the agreements have errors (no mkdocs.yml case).
    """
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from site_builder.plugin import AccordPlugin

    with _config_file(root, site_dir) as (config_file, out), _logging(verbose):
        kwargs: dict[str, Any] = {"strict": strict}
        if site_dir is not None:
            kwargs["site_dir"] = str(out)
        try:
            config = load_config(config_file=str(config_file), **kwargs)
            plugin = config.plugins.get("accord")
            if isinstance(plugin, AccordPlugin):
                plugin.clock = now
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
        except MkDocsException as exc:
            raise SiteError(str(exc) or type(exc).__name__) from exc
        return Path(config.site_dir)


def serve_site(root: Path, *, dev_addr: str | None = None, strict: bool = False) -> None:
    """Serve the wiki with live reload; rebuilds when the agreements change."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.serve import serve
    from mkdocs.exceptions import MkDocsException

    with _config_file(root, None) as (config_file, _), _logging(False):
        kwargs: dict[str, Any] = {"strict": strict}
        if dev_addr:
            kwargs["dev_addr"] = dev_addr
        watch = [str(root / "agreements")] if (root / "agreements").is_dir() else []
        try:
            serve(config_file=str(config_file), watch=watch, **kwargs)
        except MkDocsException as exc:
            raise SiteError(str(exc) or type(exc).__name__) from exc
