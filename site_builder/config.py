"""Options of the `accord` MkDocs plugin (``plugins: [accord]`` in mkdocs.yml).

```yaml
plugins:
  - search
  - accord:
      enabled: true          # false turns the plugin off (every hook returns early)
      workspace: .           # the workspace folder, relative to mkdocs.yml
      strict_history: false  # true: missing or incomplete git history fails the build
      store: true            # false: no numbers, Status page says so, no reports
```
"""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

__all__ = ["AccordConfig"]


class AccordConfig(base.Config):  # type: ignore[no-untyped-call]
    """Typed options of the plugin."""

    enabled = c.Type(bool, default=True)
    """Generate the wiki pages; false leaves the site as if the plugin were absent."""
    workspace = c.Type(str, default=".")
    """The workspace folder (holding agreements/), relative to mkdocs.yml."""
    strict_history = c.Type(bool, default=False)
    """Fail the build when git history is missing or incomplete (a shallow clone)."""
    store = c.Type(bool, default=True)
    """Read the event store (``ACCORD_STORE``, else the Workspace's ``store:``) for the
    Status page, the home page's numbers and the monthly reports; false: none."""
