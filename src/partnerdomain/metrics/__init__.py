"""Measures of a partner program, computed from a :class:`~partnerdomain.Portfolio`.

Every function is pure (no clock: the window is given as quarters) and returns one
value per partner, computed in a single pass over the portfolio's deals. Amounts are
``Decimal`` values in the portfolio's reporting currency.
"""

from partnerdomain.metrics._program import (
    ContributorQuarter,
    ContributorResults,
    ProgramMetrics,
    QuarterOverQuarter,
    actions_precede_results,
    mdf_return,
    onboarding_completion_rate,
    partner_influenced_revenue,
    partner_sourced_revenue,
    program_metrics,
    ramp_days,
    ramp_time,
    win_rate,
)
from partnerdomain.metrics._revenue import (
    PARTNER_DEALS,
    PARTNER_SOURCED,
    largest_open_deal,
    open_pipeline,
    revenue_growth,
    trailing_won_revenue,
    won_deals,
    won_on,
    won_revenue,
)

__all__ = [
    "PARTNER_DEALS",
    "PARTNER_SOURCED",
    "ContributorQuarter",
    "ContributorResults",
    "ProgramMetrics",
    "QuarterOverQuarter",
    "actions_precede_results",
    "largest_open_deal",
    "mdf_return",
    "onboarding_completion_rate",
    "open_pipeline",
    "partner_influenced_revenue",
    "partner_sourced_revenue",
    "program_metrics",
    "ramp_days",
    "ramp_time",
    "revenue_growth",
    "trailing_won_revenue",
    "win_rate",
    "won_deals",
    "won_on",
    "won_revenue",
]
