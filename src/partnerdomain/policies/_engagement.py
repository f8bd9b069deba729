"""Engagement levels: how much of a partner manager's time a partner should get."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from partnerdomain.policies._bands import PerformanceBand
from partnerdomain.policies._reasons import Reason
from partnerdomain.policies._triangle import TriangleSegment

if TYPE_CHECKING:
    from partnerdomain.model import FrozenMap, Opportunity, Quarter

__all__ = ["DEFAULT_WEIGHTS", "EngagementLevel", "choose_engagement"]


class EngagementLevel(StrEnum):
    """How a partner is served this quarter, and so how much manager time it gets."""

    EXECUTIVE_ACCESS = "executive_access"
    """Aggressive growers: little support, direct access to executives."""
    PROACTIVE_ACCOUNT_MANAGEMENT = "proactive_account_management"
    """Growth potential: a partner account manager's proactive, consultant-like help."""
    FULL_ENGAGEMENT = "full_engagement"
    """Middle performers: the best bet, the most time per partner."""
    RAMP_SUPPORT = "ramp_support"
    """New partners in their grace period: help them ramp."""
    DEAL_SUPPORT = "deal_support"
    """A top performer chasing a large deal: help bring that deal in."""
    LIGHT_TOUCH = "light_touch"
    """Steady top performers: they deliver without much attention."""
    INSIDE_SUPPORT = "inside_support"
    """The long tail: inside channel support and the self-service portal."""
    DISENGAGE = "disengage"
    """Perpetual poor performers: no more time; recommend offboarding."""


#: Default weight per engagement level: a partner's share of its manager's hours is its
#: weight over the total weight of the manager's partners. Middle performers (full
#: engagement) weigh the most per partner.
DEFAULT_WEIGHTS: dict[EngagementLevel, Decimal] = {
    EngagementLevel.FULL_ENGAGEMENT: Decimal(4),
    EngagementLevel.PROACTIVE_ACCOUNT_MANAGEMENT: Decimal(3),
    EngagementLevel.DEAL_SUPPORT: Decimal(3),
    EngagementLevel.RAMP_SUPPORT: Decimal(3),
    EngagementLevel.EXECUTIVE_ACCESS: Decimal(1),
    EngagementLevel.LIGHT_TOUCH: Decimal(1),
    EngagementLevel.INSIDE_SUPPORT: Decimal(0),
    EngagementLevel.DISENGAGE: Decimal(0),
}


def choose_engagement(  # noqa: PLR0913 - every input of the decision, named
    *,
    band: PerformanceBand,
    segment: TriangleSegment | None,
    perpetual_poor: bool,
    largest_open_deal: Opportunity | None,
    deal_support_threshold: Decimal,
    quarter: Quarter,
    policy: str,
    parameters: FrozenMap[str, object],
    leaving: bool = False,
) -> tuple[EngagementLevel, Reason]:
    """Choose a partner's engagement level; the first matching rule of this list wins.

    1. a partner being offboarded (``leaving``): deal support if it is a top performer
       with an open deal at or above the threshold, else disengage (no growth time;
       what is left is the offboarding itself: settling what is owed, recording why
       it ended);
    2. a perpetual poor performer: disengage;
    3. ramping: ramp support;
    4. top band with an open deal at or above the threshold: deal support;
    5. bottom band: inside support;
    6. aggressive growth (triangle): executive access;
    7. top band: light touch;
    8. growth potential (triangle): proactive account management;
    9. middle band with limited growth (triangle): inside support;
    10. middle band: full engagement.

    Returns:
        The level and the reason, naming the rule that decided.
    """
    deal_amount = None if largest_open_deal is None else largest_open_deal.amount.amount
    # str() of a StrEnum member is its value, and quicker to get than .value.
    facts: dict[str, object] = {
        "band": str(band),
        "segment": None if segment is None else str(segment),
        "perpetual_poor_performer": perpetual_poor,
        "offboarding": leaving,
        "largest_open_deal": None if largest_open_deal is None else largest_open_deal.id,
        "largest_open_deal_amount": deal_amount,
        "deal_support_threshold": deal_support_threshold,
        "parameters": parameters,
    }
    big_deal = deal_amount is not None and deal_amount >= deal_support_threshold
    level, why = _decide(
        band, segment, perpetual_poor=perpetual_poor, big_deal=big_deal, leaving=leaving
    )
    if level is EngagementLevel.DEAL_SUPPORT:
        why += (
            f" (deal {facts['largest_open_deal']} of {deal_amount:,} >= {deal_support_threshold:,})"
        )
    facts["level"] = name = str(level)
    reason = Reason(
        code="engagement", policy=policy, quarter=quarter, text=f"{name}: {why}", facts=facts
    )
    return level, reason


def _decide(  # noqa: PLR0911, C901 - one return per rule of the documented list
    band: PerformanceBand,
    segment: TriangleSegment | None,
    *,
    perpetual_poor: bool,
    big_deal: bool,
    leaving: bool,
) -> tuple[EngagementLevel, str]:
    if leaving:
        if band is PerformanceBand.TOP and big_deal:
            return EngagementLevel.DEAL_SUPPORT, "being offboarded, with a large open deal to close"
        return EngagementLevel.DISENGAGE, "being offboarded; no growth time, only the offboarding"
    if perpetual_poor:
        return EngagementLevel.DISENGAGE, "a perpetual poor performer; recommend offboarding"
    if band is PerformanceBand.RAMPING:
        return EngagementLevel.RAMP_SUPPORT, "a new partner in its grace period"
    if band is PerformanceBand.TOP and big_deal:
        return EngagementLevel.DEAL_SUPPORT, "a top performer pursuing a large open deal"
    if band is PerformanceBand.BOTTOM:
        return EngagementLevel.INSIDE_SUPPORT, "a bottom performer past its grace period"
    if segment is TriangleSegment.AGGRESSIVE_GROWTH:
        return EngagementLevel.EXECUTIVE_ACCESS, "an aggressive grower"
    if band is PerformanceBand.TOP:
        return EngagementLevel.LIGHT_TOUCH, "a steady top performer"
    if segment is TriangleSegment.GROWTH_POTENTIAL:
        return EngagementLevel.PROACTIVE_ACCOUNT_MANAGEMENT, "a partner with growth potential"
    if segment is TriangleSegment.LIMITED_GROWTH:
        return EngagementLevel.INSIDE_SUPPORT, "a middle performer with limited growth"
    return EngagementLevel.FULL_ENGAGEMENT, "a middle performer: the best bet for time"
