"""The domain model: value objects and entities of a partner program.

Everything here is a frozen ``attrs`` class with slots and keyword-only fields,
validated on construction. This layer imports nothing else of the package but
:mod:`partnerdomain.exceptions`.
"""

from partnerdomain.model._activity import Activity
from partnerdomain.model._commitment import Commitment
from partnerdomain.model._enums import (
    ActivityKind,
    CommitmentStatus,
    DealSource,
    ExitReason,
    OpportunityStage,
    PartnerStage,
    PartnerType,
    RiskLevel,
    TeamRole,
)
from partnerdomain.model._finance import Invoice, MdfPayment
from partnerdomain.model._frozenmap import FrozenJSON, FrozenMap, freeze_json, thaw_json
from partnerdomain.model._money import ISO_4217_CURRENCIES, Money
from partnerdomain.model._opportunity import Opportunity
from partnerdomain.model._partner import Partner
from partnerdomain.model._people import (
    AccountExecutive,
    Capacity,
    PartnerManager,
    PartnerSuccessManager,
)
from partnerdomain.model._portfolio import Portfolio
from partnerdomain.model._quarter import Quarter

__all__ = [
    "ISO_4217_CURRENCIES",
    "AccountExecutive",
    "Activity",
    "ActivityKind",
    "Capacity",
    "Commitment",
    "CommitmentStatus",
    "DealSource",
    "ExitReason",
    "FrozenJSON",
    "FrozenMap",
    "Invoice",
    "MdfPayment",
    "Money",
    "Opportunity",
    "OpportunityStage",
    "Partner",
    "PartnerManager",
    "PartnerStage",
    "PartnerSuccessManager",
    "PartnerType",
    "Portfolio",
    "Quarter",
    "RiskLevel",
    "TeamRole",
    "freeze_json",
    "thaw_json",
]
