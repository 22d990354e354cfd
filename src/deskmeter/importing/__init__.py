"""``deskmeter import``: switches from an original Deskmeter database or a JSON export.

Every record keeps (or gets) a stable id, and the store replaces by id, so importing the same
source twice leaves the same data: no duplicates.
"""

from deskmeter.importing.hosts import HostConflictError, HostNameError, check_host_name
from deskmeter.importing.loader import ImportResult, import_switches
from deskmeter.importing.readers import ImportSourceError, open_source
from deskmeter.importing.records import record_to_switch

__all__ = [
    "HostConflictError",
    "HostNameError",
    "ImportResult",
    "ImportSourceError",
    "check_host_name",
    "import_switches",
    "open_source",
    "record_to_switch",
]
