"""The vocabularies of the domain, as string enumerations.

Every member's value is a stable, lower-case identifier: it is what the generic
record profile writes and what rule expressions compare against.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "ActivityKind",
    "CommitmentStatus",
    "DealSource",
    "ExitReason",
    "OpportunityStage",
    "PartnerStage",
    "PartnerType",
    "RiskLevel",
    "TeamRole",
]


class PartnerType(StrEnum):
    """What kind of partner a company is; each kind needs different skills to manage."""

    REFERRAL = "referral"
    RESELLER = "reseller"
    VAR = "var"
    """Value-added reseller."""
    MSP = "msp"
    """Managed service provider."""
    ISV = "isv"
    """Independent software vendor."""
    SYSTEM_INTEGRATOR = "system_integrator"
    STRATEGIC_ALLIANCE = "strategic_alliance"


class PartnerStage(StrEnum):
    """Where a partner stands in its lifecycle, from prospect to offboarded."""

    PROSPECT = "prospect"
    RECRUITING = "recruiting"
    CONTRACTING = "contracting"
    ONBOARDING = "onboarding"
    ENABLEMENT = "enablement"
    ACTIVE = "active"
    OFFBOARDING = "offboarding"
    OFFBOARDED = "offboarded"
    DECLINED = "declined"

    @property
    def is_final(self) -> bool:
        """Whether no move leads out of this stage (offboarded, declined)."""
        return self in _FINAL_PARTNER_STAGES

    @property
    def is_in_program(self) -> bool:
        """Whether the partner has signed and not yet left (onboarding to offboarding)."""
        return self in _IN_PROGRAM_STAGES


_FINAL_PARTNER_STAGES = frozenset({PartnerStage.OFFBOARDED, PartnerStage.DECLINED})
_IN_PROGRAM_STAGES = frozenset(
    {
        PartnerStage.ONBOARDING,
        PartnerStage.ENABLEMENT,
        PartnerStage.ACTIVE,
        PartnerStage.OFFBOARDING,
    }
)


class OpportunityStage(StrEnum):
    """Where a deal stands: registered, through the funnel, to won, lost or rejected."""

    REGISTERED = "registered"
    QUALIFIED = "qualified"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    WON = "won"
    LOST = "lost"
    REJECTED = "rejected"
    """A duplicate or conflicting deal registration."""

    @property
    def is_open(self) -> bool:
        """Whether the deal is still in the funnel."""
        return self in _OPEN_OPPORTUNITY_STAGES

    @property
    def is_closed(self) -> bool:
        """Whether the deal has reached won, lost or rejected."""
        return self not in _OPEN_OPPORTUNITY_STAGES


_OPEN_OPPORTUNITY_STAGES = frozenset(
    {
        OpportunityStage.REGISTERED,
        OpportunityStage.QUALIFIED,
        OpportunityStage.PROPOSAL,
        OpportunityStage.NEGOTIATION,
    }
)


class TeamRole(StrEnum):
    """The roles of the partner team."""

    PARTNER_MANAGER = "partner_manager"
    """An end-to-end partner manager: recruits, ramps and manages."""
    RECRUITER = "recruiter"
    """Recruits and signs new partners (a "hunter")."""
    PARTNER_ACCOUNT_MANAGER = "partner_account_manager"
    """A consultant-like manager for committed partners with growth potential."""
    PARTNER_SUCCESS_MANAGER = "partner_success_manager"
    """Ramps and manages partners but does not recruit (a "farmer")."""
    ALLIANCE_MANAGER = "alliance_manager"
    """Manages strategic alliances."""
    CHANNEL_SUPPORT = "channel_support"
    """Inside channel support for the long tail of partners."""
    EXECUTIVE_SPONSOR = "executive_sponsor"
    """An executive who gives the few aggressive-growth partners direct access."""


class DealSource(StrEnum):
    """Who brought a deal."""

    PARTNER_SOURCED = "partner_sourced"
    PARTNER_INFLUENCED = "partner_influenced"
    DIRECT = "direct"


class ActivityKind(StrEnum):
    """What a logged activity was: the "actions" of Actions Precede Results."""

    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    TRAINING = "training"
    BUSINESS_REVIEW = "business_review"
    CO_SELLING = "co_selling"
    MARKETING = "marketing"
    OTHER = "other"


class CommitmentStatus(StrEnum):
    """Whether a promise to a partner is still open, delivered or cancelled."""

    OPEN = "open"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class ExitReason(StrEnum):
    """Why a partnership ended, recorded at offboarding to learn from it."""

    NO_VALUE = "no_value"
    STRATEGY_CHANGE = "strategy_change"
    CAPACITY = "capacity"
    POOR_PERFORMANCE = "poor_performance"
    OTHER = "other"


class RiskLevel(StrEnum):
    """The outcome of the risk assessment made before a partner contract is signed."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
