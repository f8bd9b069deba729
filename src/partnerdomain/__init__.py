"""partnerdomain: a typed, explainable domain model for SaaS partner programs.

The top level re-exports the domain model; the other layers live in their own
subpackages (:mod:`partnerdomain.lifecycle`, :mod:`partnerdomain.policies`,
:mod:`partnerdomain.rules`, :mod:`partnerdomain.records`, ...) and are imported only
when used, so ``import partnerdomain`` stays fast.
"""

from partnerdomain.exceptions import PartnerDomainError, ValidationError
from partnerdomain.model import (
    AccountExecutive,
    Activity,
    ActivityKind,
    Capacity,
    Commitment,
    CommitmentStatus,
    DealSource,
    ExitReason,
    FrozenMap,
    Invoice,
    MdfPayment,
    Money,
    Opportunity,
    OpportunityStage,
    Partner,
    PartnerManager,
    PartnerStage,
    PartnerSuccessManager,
    PartnerType,
    Portfolio,
    Quarter,
    RiskLevel,
    TeamRole,
)

__version__ = "0.1.0.dev0"

__all__ = [
    "AccountExecutive",
    "Activity",
    "ActivityKind",
    "Capacity",
    "Commitment",
    "CommitmentStatus",
    "DealSource",
    "ExitReason",
    "FrozenMap",
    "Invoice",
    "MdfPayment",
    "Money",
    "Opportunity",
    "OpportunityStage",
    "Partner",
    "PartnerDomainError",
    "PartnerManager",
    "PartnerStage",
    "PartnerSuccessManager",
    "PartnerType",
    "Portfolio",
    "Quarter",
    "RiskLevel",
    "TeamRole",
    "ValidationError",
]
