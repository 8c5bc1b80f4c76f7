"""The Accord wiki: Markdown pages from the agreements, and a thin MkDocs plugin.

`generate_pages` works without MkDocs (``accord site generate --out DIR``
feeds any Markdown site builder); `site_builder.plugin.AccordPlugin` adds the
same pages to a MkDocs build (``plugins: [search, accord]``). This package
does not import MkDocs at import time: only `site_builder.plugin`,
`site_builder.config` and `site_builder.build` do.
"""

from accord.present import describe_measure, format_target
from site_builder.pages import generate_pages, page_sources

__all__ = ["describe_measure", "format_target", "generate_pages", "page_sources"]
