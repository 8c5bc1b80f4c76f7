"""Run MkDocs in-process for ``accord site build`` and ``accord site serve``.

The workspace's own ``mkdocs.yml`` is used when it exists; otherwise a
default configuration (Material theme, ``plugins: [search, accord]``,
Mermaid fences) is written to a temporary file that points at the
workspace. ``NO_MKDOCS_2_WARNING=1`` is set before MkDocs and Material are
imported. Messages go to stderr through MkDocs' loggers, so a
plugin warning fails ``--strict`` exactly as with ``mkdocs build --strict``.

MkDocs empties the site folder before it builds, so the folder (``--out`` or
``site_dir`` of mkdocs.yml) must be Accord's own: new, empty, or holding the
`SITE_MARKER` file a previous build left (`check_out_dir`). The workspace itself,
a folder that holds it, and a folder with anything else in it are refused before
anything is written or deleted.
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
from accord.domain.errors import clip

__all__ = [
    "DEFAULT_CONFIG",
    "SITE_MARKER",
    "SiteError",
    "build_site",
    "check_out_dir",
    "default_config",
    "mark_out_dir",
    "serve_site",
]


class SiteError(AccordError):
    """MkDocs failed (bad config, a plugin error, warnings under --strict), or the
    output folder is not Accord's to write."""


SITE_MARKER = ".accord-site"
"""The file Accord leaves in a folder it built or generated: the folder is its own."""

_MARKER_TEXT = (
    "This folder is written by Accord (accord site build / accord site generate).\n"
    "Its content is deleted and written again on every build: keep nothing else here.\n"
)


def check_out_dir(out: Path, root: Path, *, option: str = "--out") -> Path:
    """The absolute output folder `out`, once it is safe for Accord to empty and fill.

    Safe means: not the workspace `root`, not a folder that holds the workspace, not a
    file, and new, empty or marked with `SITE_MARKER` by an earlier Accord build.
    `option` names where the folder came from (``--out``, ``site_dir of mkdocs.yml``).

    Raises:
        SiteError: one line saying why the folder is refused; nothing was touched.
    """
    target = Path(os.path.abspath(out)).resolve()
    workspace = Path(root).resolve()
    where = f"{option} {out}"
    if target == workspace:
        raise SiteError(
            f"{where} is the workspace itself; building there would delete the agreements. "
            f"Choose a new folder, such as {Path(root) / 'site'}"
        )
    if workspace.is_relative_to(target):
        raise SiteError(
            f"{where} holds the workspace {root}; building there would delete it. "
            "Choose a new or empty folder"
        )
    if target.exists() and not target.is_dir():
        raise SiteError(f"{where} is a file, not a folder; choose a new or empty folder")
    if target.is_dir():
        marker = target / SITE_MARKER
        if marker.is_symlink() or not marker.is_file():
            try:
                entries = sorted(entry.name for entry in target.iterdir())
            except OSError as exc:
                raise SiteError(f"{where} cannot be read ({exc.strerror})") from None
            if entries:
                more = f" and {len(entries) - 1} more" if len(entries) > 1 else ""
                raise SiteError(
                    f"{where} is not empty and was not written by Accord (it holds "
                    f"{clip(entries[0])!r}{more}); Accord empties the folder it builds in, so "
                    f"choose a new or empty folder (a folder Accord wrote holds {SITE_MARKER})"
                )
    return target


def mark_out_dir(target: Path) -> None:
    """Create `target` when missing and mark it as Accord's (`SITE_MARKER`)."""
    target.mkdir(parents=True, exist_ok=True)
    marker = target / SITE_MARKER
    if not marker.is_file() or marker.read_text(encoding="utf-8") != _MARKER_TEXT:
        marker.write_text(_MARKER_TEXT, encoding="utf-8")


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


_SITE_DIR_OPTION = "site_dir of mkdocs.yml:"


def _configured_site_dir(config_file: Path) -> Path | None:
    """``site_dir`` of `config_file` as MkDocs will read it (relative to the file's
    folder), or None when the file cannot be read (MkDocs then says why)."""
    import yaml
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils.yaml import yaml_load

    try:
        with config_file.open("rb") as handle:
            data = yaml_load(handle)
    except (OSError, yaml.YAMLError, ConfigurationError):
        return None
    value = data.get("site_dir", "site") if isinstance(data, dict) else None
    return config_file.parent / value if isinstance(value, str) else None


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
    store_url: str | None = None,
    use_store: bool = True,
) -> Path:
    """Build the wiki of the workspace at `root`; return the site folder.

    `now` is the build's instant: it decides which review dates have passed, and the
    Status page, the home page's numbers and the monthly reports are as of it. They
    come from the event store at `store_url` (``--store``; else ``ACCORD_STORE``, else
    the Workspace's ``store:``), read once; `use_store` false (``--no-store``), or a
    store that is missing or fails, leaves them out with one line saying why.

    `site_dir` (``--out``) is taken relative to the current folder; without it,
    ``site_dir`` of the workspace's mkdocs.yml (relative to the workspace) or ``site/``
    is used. Either way the
    folder must pass `check_out_dir`, and it is marked with `SITE_MARKER`.

    Raises:
        SiteError: the site folder is refused (`check_out_dir`), or MkDocs failed
            (wrapping ``Abort`` under `strict` when anything warned, or a
            ``PluginError`` for bad agreements).
        accord.ValidationFailed: the agreements have errors (no mkdocs.yml case).
    """
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    target = check_out_dir(site_dir, root) if site_dir is not None else None
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from site_builder.plugin import AccordPlugin

    with _config_file(root, target) as (config_file, out), _logging(verbose):
        kwargs: dict[str, Any] = {"strict": strict}
        if target is not None:
            kwargs["site_dir"] = str(target)
        option = _SITE_DIR_OPTION if (root / "mkdocs.yml").is_file() else "the site folder"
        if target is None:
            configured = _configured_site_dir(config_file)
            if configured is not None:  # before MkDocs, which may say it less clearly
                check_out_dir(configured, root, option=option)
        try:
            config = load_config(config_file=str(config_file), **kwargs)
            built = Path(config.site_dir)
            if target is None:
                built = check_out_dir(built, root, option=option)
            mark_out_dir(built)
            plugin = config.plugins.get("accord")
            if isinstance(plugin, AccordPlugin):
                plugin.clock = now
                plugin.store_url = store_url
                plugin.use_store = use_store
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
                mark_out_dir(built)
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
