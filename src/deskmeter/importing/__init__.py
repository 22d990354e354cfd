"""Loading imported records into a store: checks, hosts, batches (``deskmeter import``).

The formats (Deskmeter's own, the original Deskmeter's, other trackers') are in
``deskmeter.formats``; each turns its source into records that ``record_to_switch`` checks.

Every record keeps (or gets) a stable id, and the store replaces by id, so importing the same
source twice leaves the same data: no duplicates.
"""

from deskmeter.importing.hosts import HostConflictError, HostNameError, check_host_name
from deskmeter.importing.loader import ImportResult, import_switches
from deskmeter.importing.readers import ImportSourceError
from deskmeter.importing.records import record_to_switch

__all__ = [
    "HostConflictError",
    "HostNameError",
    "ImportResult",
    "ImportSourceError",
    "check_host_name",
    "import_switches",
    "record_to_switch",
]
