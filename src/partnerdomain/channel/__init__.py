"""Channel fairness: deal registration conflicts, lead distribution and commissions.

Partners in the same space compete, and they ask "who registered this deal first?",
"why did they get two leads?" and "what is my payout this quarter?". Every answer
here is a decision with machine-readable reasons and an explanation a partner may be
shown:

* :class:`RegistrationPolicy` finds conflicting deal registrations and decides,
  "first registered within the protection window wins", which one keeps the deal;
  :func:`reject_losers` moves the losers to ``rejected`` through the lifecycle.
* :class:`LeadDistributionPolicy` offers leads to eligible partners in an exact,
  seeded, weighted draw, within capacity; the :class:`LeadLedger` remembers every
  offer and decline and answers "how many leads did each partner get, and why".
* :class:`CommissionPlan` pays commission by tier and partner type on flat or
  tiered (marginal) :class:`CommissionSchedule` bands, per quarter, with clawbacks
  for reversed deals.
"""

from partnerdomain.channel._accounts import normalise_account_name, normalise_domain
from partnerdomain.channel._commissions import (
    Clawback,
    CommissionPlan,
    CommissionQuote,
    CommissionSchedule,
    Payout,
    PlanEntry,
    RateBand,
    RateMethod,
    Reversal,
)
from partnerdomain.channel._leads import (
    BandWeights,
    Distribution,
    Exclusion,
    Lead,
    LeadAssignment,
    LeadDistributionPolicy,
    LeadWeighting,
    TierWeights,
    Weight,
)
from partnerdomain.channel._ledger import (
    Candidate,
    LeadLedger,
    LedgerEntry,
    LedgerEntryKind,
    LedgerReport,
    PartnerLeads,
)
from partnerdomain.channel._reasons import Reason
from partnerdomain.channel._registration import (
    Conflict,
    IgnoredRegistration,
    RegistrationDecision,
    RegistrationPolicy,
    RegistrationReview,
    RegistrationStatus,
    TieBreak,
)
from partnerdomain.channel._rejection import (
    RefusedRejection,
    RejectedRegistration,
    RejectionOutcome,
    reject_losers,
)

__all__ = [
    "BandWeights",
    "Candidate",
    "Clawback",
    "CommissionPlan",
    "CommissionQuote",
    "CommissionSchedule",
    "Conflict",
    "Distribution",
    "Exclusion",
    "IgnoredRegistration",
    "Lead",
    "LeadAssignment",
    "LeadDistributionPolicy",
    "LeadLedger",
    "LeadWeighting",
    "LedgerEntry",
    "LedgerEntryKind",
    "LedgerReport",
    "PartnerLeads",
    "Payout",
    "PlanEntry",
    "RateBand",
    "RateMethod",
    "Reason",
    "RefusedRejection",
    "RegistrationDecision",
    "RegistrationPolicy",
    "RegistrationReview",
    "RegistrationStatus",
    "RejectedRegistration",
    "RejectionOutcome",
    "Reversal",
    "TieBreak",
    "TierWeights",
    "Weight",
    "normalise_account_name",
    "normalise_domain",
    "reject_losers",
]
