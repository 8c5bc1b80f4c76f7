"""How Accord's numbers and rules read to people: one vocabulary for every face.

The CLI's tables, the dashboard and the wiki show a value, a target, a status, a
pace and a period with these functions, so the same number reads the same way
everywhere; a status always carries a symbol and a word, never colour alone.
`describe_measure` says what a KPI counts in one sentence; `ChangeWords` says what
a change to the agreements does (`accord diff`, the wiki's change history);
`human_title` calls a commitment or a field by its id in words ("SQL volume").
"""

from accord.present._changes import ChangeWords, Names, format_date
from accord.present._format import (
    STATUS_LABEL,
    format_conversion,
    format_hours,
    format_money,
    format_period,
    format_projection,
    format_status,
    format_target,
    format_value,
    status_label,
    status_table,
)
from accord.present._names import ACRONYMS, human_title, id_words
from accord.present._words import Phrases, describe_filter, describe_measure

__all__ = [
    "ACRONYMS",
    "ChangeWords",
    "Names",
    "Phrases",
    "STATUS_LABEL",
    "describe_filter",
    "describe_measure",
    "format_conversion",
    "format_date",
    "format_hours",
    "format_money",
    "format_period",
    "format_projection",
    "format_status",
    "format_target",
    "format_value",
    "human_title",
    "id_words",
    "status_label",
    "status_table",
]
