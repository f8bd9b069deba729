"""Measures of a partner program, computed from a :class:`~partnerdomain.Portfolio`.

Every function is pure (no clock: the window is given as quarters) and returns one
value per partner, computed in a single pass over the portfolio's deals. Amounts are
``Decimal`` values in the portfolio's reporting currency.
"""

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
    "largest_open_deal",
    "open_pipeline",
    "revenue_growth",
    "trailing_won_revenue",
    "won_deals",
    "won_on",
    "won_revenue",
]
