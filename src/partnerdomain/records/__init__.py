"""CRM records <-> entities: lossless import and export, with CRM profiles.

Read records exported from a CRM into the model's entities, with every problem of a
bad record reported by the CRM's own field names; write entities back as records.
Fields the model does not know are kept in ``custom_fields`` and written back as they
came. Built-in profiles: :data:`GENERIC` (the library's own names), :data:`SALESFORCE`
(SOQL query results) and :data:`HUBSPOT` (CRM v3 objects); :class:`RecordMapping`
describes your own.
"""

from partnerdomain.exceptions import RecordError, RecordProblem
from partnerdomain.records._api import (
    ImportResult,
    Reject,
    from_record,
    from_records,
    to_record,
    to_records,
)
from partnerdomain.records._converter import CONVERTER
from partnerdomain.records._loaders import Source, from_file, load_portfolio, read_records
from partnerdomain.records._mapping import RecordMapping
from partnerdomain.records._profiles import (
    GENERIC,
    HUBSPOT,
    PROFILES,
    SALESFORCE,
    Profile,
    get_profile,
)

__all__ = [
    "CONVERTER",
    "GENERIC",
    "HUBSPOT",
    "PROFILES",
    "SALESFORCE",
    "ImportResult",
    "Profile",
    "RecordError",
    "RecordMapping",
    "RecordProblem",
    "Reject",
    "Source",
    "from_file",
    "from_record",
    "from_records",
    "get_profile",
    "load_portfolio",
    "read_records",
    "to_record",
    "to_records",
]
