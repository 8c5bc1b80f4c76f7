"""`accord init`: a new team's agreements repository in one command.

Provides:

* `Starter` — the answers the templates are filled with, each checked
  (`check_name`, `check_language`, `check_timezone`, `check_handle`,
  `check_repo_url`, `check_package`; ``ValueError`` says what is allowed);
  `default_package` — what CI installs by default.
* `init_workspace(target, starter)` — the starter agreements (with comments
  explaining each field), docs/index.md, mkdocs.yml, .gitignore, CODEOWNERS,
  the GitHub Actions workflow and the GitLab CI file, then ``git init`` and a
  first commit; an `InitResult` says what was written, updated or kept.
  `InitError` when DIR cannot be used.
* `codeowners_text(root)` — the CODEOWNERS file ``accord codeowners`` prints,
  with `CODEOWNERS_HEADER`.

The templates live in ``accord/scaffold/templates/`` (package data).
"""

from accord.scaffold._init import (
    CODEOWNERS_HEADER,
    InitError,
    InitResult,
    Written,
    codeowners_text,
    init_workspace,
)
from accord.scaffold._starter import (
    AGREEMENT_FILES,
    OTHER_FILES,
    Starter,
    Template,
    check_handle,
    check_language,
    check_name,
    check_package,
    check_repo_url,
    check_timezone,
    default_package,
    render,
)

__all__ = [
    "AGREEMENT_FILES",
    "CODEOWNERS_HEADER",
    "InitError",
    "InitResult",
    "OTHER_FILES",
    "Starter",
    "Template",
    "Written",
    "check_handle",
    "check_language",
    "check_name",
    "check_package",
    "check_repo_url",
    "check_timezone",
    "codeowners_text",
    "default_package",
    "init_workspace",
    "render",
]
