"""How Accord's numbers read to people: values, targets, statuses and periods.

One vocabulary for every face (the CLI's tables, the dashboard, the wiki). A status
always carries a word and a symbol, never colour alone.
"""

from accord.present._format import (
    STATUS_LABEL,
    format_period,
    format_status,
    format_target,
    format_value,
    status_table,
)

__all__ = [
    "STATUS_LABEL",
    "format_period",
    "format_status",
    "format_target",
    "format_value",
    "status_table",
]
