"""``accord import``: leads and events from CSV or JSON Lines into the event store.

* `import_file`, `StoreSink`, `ImportReport` — stream a file, keep the good rows, report
  the bad ones with their line numbers.
* `Mapping`, `load_mapping`, `BUILTIN`, `PLAIN`, `HUBSPOT`, `SALESFORCE` — how a CRM
  export's columns become Accord's.
* `parse_time` — a timestamp read in the workspace's zone.
"""

from accord.importing._rows import parse_time
from accord.importing.importer import ImportReport, StoreSink, import_file
from accord.importing.mappings import BUILTIN, HUBSPOT, PLAIN, SALESFORCE, Mapping, load_mapping

__all__ = [
    "BUILTIN",
    "HUBSPOT",
    "ImportReport",
    "Mapping",
    "PLAIN",
    "SALESFORCE",
    "StoreSink",
    "import_file",
    "load_mapping",
    "parse_time",
]
