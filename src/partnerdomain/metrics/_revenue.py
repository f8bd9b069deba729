"""Revenue measures per partner: won revenue, won deals, growth and open pipeline.

Each function returns a value for every partner of the portfolio (zero when a partner
has nothing to count), so a policy can rank the whole portfolio without looking
anything up twice. The won-deal measures share one index per portfolio (its won deals
by the day they count on), so each call reads only the deals of its window.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import timedelta
from decimal import Decimal
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from partnerdomain.exceptions import ValidationError
from partnerdomain.model import DealSource, OpportunityStage, Quarter
from partnerdomain.model._portfolio import derived

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Mapping, Sequence
    from datetime import date

    from partnerdomain.model import Opportunity, Portfolio

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

#: Deals a partner brought: the default for revenue a partner is measured by.
PARTNER_SOURCED: frozenset[DealSource] = frozenset({DealSource.PARTNER_SOURCED})
#: Deals a partner brought or helped with.
PARTNER_DEALS: frozenset[DealSource] = frozenset(
    {DealSource.PARTNER_SOURCED, DealSource.PARTNER_INFLUENCED}
)

_ZERO = Decimal(0)
_ONE_DAY = timedelta(days=1)
_UNBOUNDED = Decimal("Infinity")


def _check_sources(function: str, sources: Collection[DealSource]) -> frozenset[DealSource]:
    if isinstance(sources, (str, bytes)) or not all(isinstance(s, DealSource) for s in sources):
        raise ValidationError(function, "sources", sources, "a set of DealSource members")
    if not sources:
        raise ValidationError(function, "sources", sources, "at least one DealSource")
    return frozenset(sources)


def _spans(function: str, quarters: Iterable[Quarter]) -> tuple[tuple[date, date], ...]:
    """Merge the quarters into the fewest disjoint (first day, last day) spans.

    Quarters of different fiscal calendars may overlap; a day in two of them is one day.
    """
    days = sorted({(q.first_day, q.last_day) for q in (_quarter(function, q) for q in quarters)})
    if not days:
        raise ValidationError(function, "quarters", (), "at least one Quarter")
    spans: list[tuple[date, date]] = []
    for first, last in days:
        if spans and first <= spans[-1][1] + _ONE_DAY:
            spans[-1] = (spans[-1][0], max(last, spans[-1][1]))
        else:
            spans.append((first, last))
    return tuple(spans)


def _quarter(function: str, value: object) -> Quarter:
    if not isinstance(value, Quarter):
        raise ValidationError(function, "quarters", value, "Quarter objects")
    return value


def _check_count(function: str, quarters: object) -> int:
    if type(quarters) is not int or quarters < 1:
        raise ValidationError(function, "quarters", quarters, "a positive number of quarters")
    return quarters


def won_on(opportunity: Opportunity) -> date:
    """The day a won deal counts on: its close date, else the day it entered ``won``."""
    return opportunity.close_date or opportunity.stage_since


class _Won:
    """The won deals of one source, sorted by the day they count on (see :func:`won_on`)."""

    __slots__ = ("amounts", "days", "partners")

    def __init__(self, rows: list[tuple[date, str, Decimal]]) -> None:
        rows.sort(key=itemgetter(0))
        self.days = [row[0] for row in rows]
        self.partners = [row[1] for row in rows]
        self.amounts = [row[2] for row in rows]

    def between(self, first: date, last: date) -> tuple[list[str], list[Decimal]]:
        """The partners and amounts of the deals won from ``first`` to ``last``."""
        start, end = bisect_left(self.days, first), bisect_right(self.days, last)
        return self.partners[start:end], self.amounts[start:end]


class _Deals:
    """A portfolio's deals with a partner, indexed once, in one pass.

    The won ones are kept by source, sorted by the day they count on; the open ones
    keep the portfolio's order.
    """

    __slots__ = ("open", "results", "won")

    def __init__(self, portfolio: Portfolio) -> None:
        won_stage, open_stages = OpportunityStage.WON, _OPEN_STAGES
        won: dict[DealSource, list[tuple[date, str, Decimal]]] = {}
        # The open deals with a partner, in portfolio order, for the pipeline measures.
        self.open: list[tuple[str, DealSource, Opportunity]] = []
        for o in portfolio.opportunities:
            pid = o.partner_id
            if pid is None:
                continue
            stage = o.stage
            if stage is won_stage:
                row = (o.close_date or o.stage_since, pid, o.amount.amount)
                rows = won.get(o.source)
                if rows is None:
                    won[o.source] = [row]
                else:
                    rows.append(row)
            elif stage in open_stages:
                self.open.append((pid, o.source, o))
        self.won = {source: _Won(rows) for source, rows in won.items()}
        # Totals already computed, by (measure, spans, sources): a review asks for the
        # same window several times (bands, tiers, the triangle, the measures).
        self.results: dict[tuple[object, ...], dict[str, Any]] = {}


def first_wins(
    portfolio: Portfolio, kinds: frozenset[DealSource], *, since: Mapping[str, date]
) -> dict[str, date]:
    """The day of each partner's first won deal of ``kinds`` on or after its day in ``since``.

    Partners missing from ``since``, and partners without such a deal, are left out:
    a deal won before a partner joined does not end its ramp.
    """
    first: dict[str, date] = {}
    index = _deal_index(portfolio)
    for source in sorted(kinds):
        won = index.won.get(source)
        if won is None:
            continue
        for day, pid in zip(won.days, won.partners, strict=True):
            start = since.get(pid)
            if start is None or day < start:
                continue
            known = first.get(pid)
            if known is None or day < known:
                first[pid] = day
    return first


_OPEN_STAGES = frozenset(stage for stage in OpportunityStage if stage.is_open)


def open_deals_with_partner(
    portfolio: Portfolio,
) -> Sequence[tuple[str, DealSource, Opportunity]]:
    """The open deals that have a partner, as ``(partner id, source, deal)``, in order.

    For the library's own policies and review (not exported): read from the portfolio's
    deal index, so a pass over the open deals skips the closed ones.
    """
    return _deal_index(portfolio).open


def _deal_index(portfolio: Portfolio) -> _Deals:
    """The portfolio's deal index, built on first use and kept with the portfolio."""
    return derived(portfolio, "metrics.deals", _Deals)


def _totals(
    portfolio: Portfolio,
    function: str,
    quarters: Iterable[Quarter],
    sources: Collection[DealSource],
) -> dict[str, Any]:
    """Won revenue or won deals per partner, computed once per window and kept."""
    kinds = _check_sources(function, sources)
    spans = _spans(function, quarters)
    index = _deal_index(portfolio)
    key = (function, spans, kinds)
    kept = index.results.get(key)
    if kept is None:
        zero: Decimal | int = _ZERO if function == "won_revenue" else 0
        kept = dict.fromkeys((p.id for p in portfolio.partners), zero)
        get = kept.get
        for source in sorted(kinds):
            won = index.won.get(source)
            if won is None:
                continue
            for first, last in spans:
                partners, amounts = won.between(first, last)
                if function == "won_revenue":
                    for pid, amount in zip(partners, amounts, strict=True):
                        kept[pid] = get(pid, _ZERO) + amount
                else:
                    for pid in partners:
                        kept[pid] = get(pid, 0) + 1
        index.results[key] = kept
    return dict(kept)  # a copy: the caller may change it


def won_revenue(
    portfolio: Portfolio,
    quarters: Iterable[Quarter],
    *,
    sources: Collection[DealSource] = PARTNER_SOURCED,
) -> dict[str, Decimal]:
    """Return each partner's won revenue over ``quarters``, in the portfolio's currency.

    A won deal counts in the quarter of its close date (or, without one, of the day it
    was marked won). Every partner of the portfolio gets an entry, zero if it won
    nothing; the entries follow the portfolio's order of partners.

    Args:
        portfolio: The snapshot to measure.
        quarters: The window; need not be contiguous, duplicates count once.
        sources: Which deals count; partner-sourced only by default.

    Returns:
        The amount per partner id.

    Raises:
        ValidationError: If ``quarters`` is empty or ``sources`` holds no DealSource.
    """
    return _totals(portfolio, "won_revenue", quarters, sources)


def trailing_won_revenue(
    portfolio: Portfolio,
    quarter: Quarter,
    *,
    quarters: int = 4,
    sources: Collection[DealSource] = PARTNER_SOURCED,
) -> dict[str, Decimal]:
    """Return each partner's won revenue over the ``quarters`` quarters ending with ``quarter``.

    >>> from datetime import date
    >>> from partnerdomain import Portfolio, Quarter
    >>> trailing_won_revenue(Portfolio(as_of=date(2026, 9, 30), currency="EUR"),
    ...                      Quarter(2026, 3))
    {}

    Raises:
        ValidationError: If ``quarters`` is not a positive integer.
    """
    count = _check_count("trailing_won_revenue", quarters)
    return won_revenue(portfolio, quarter.trailing(count), sources=sources)


def won_deals(
    portfolio: Portfolio,
    quarters: Iterable[Quarter],
    *,
    sources: Collection[DealSource] = PARTNER_SOURCED,
) -> dict[str, int]:
    """Return how many deals each partner won over ``quarters`` (zero if none).

    Raises:
        ValidationError: If ``quarters`` is empty or ``sources`` holds no DealSource.
    """
    return _totals(portfolio, "won_deals", quarters, sources)


def revenue_growth(
    portfolio: Portfolio,
    quarter: Quarter,
    *,
    quarters: int = 4,
    sources: Collection[DealSource] = PARTNER_SOURCED,
) -> dict[str, Decimal]:
    """Return each partner's year-over-year growth of won revenue, as a ratio.

    The window of ``quarters`` quarters ending with ``quarter`` is compared with the
    same window a year (four quarters) earlier: ``0.25`` means 25% more. A partner
    that won nothing the year before has growth ``0`` if it won nothing now either,
    and ``Decimal("Infinity")`` (unbounded) if it won something.

    Raises:
        ValidationError: If ``quarters`` is not a positive integer.
    """
    count = _check_count("revenue_growth", quarters)
    now = won_revenue(portfolio, quarter.trailing(count), sources=sources)
    before = won_revenue(portfolio, quarter.shift(-4).trailing(count), sources=sources)
    growth: dict[str, Decimal] = {}
    for pid, current in now.items():
        earlier = before[pid]
        if earlier > 0:
            growth[pid] = (current - earlier) / earlier
        else:
            growth[pid] = _UNBOUNDED if current > 0 else _ZERO
    return growth


def open_pipeline(
    portfolio: Portfolio, *, sources: Collection[DealSource] = PARTNER_DEALS
) -> dict[str, Decimal]:
    """Return the total amount of each partner's open deals (zero if none).

    Raises:
        ValidationError: If ``sources`` holds no DealSource.
    """
    kinds = _check_sources("open_pipeline", sources)
    totals = dict.fromkeys((p.id for p in portfolio.partners), _ZERO)
    for pid, source, opportunity in _deal_index(portfolio).open:
        if source in kinds:
            totals[pid] = totals.get(pid, _ZERO) + opportunity.amount.amount
    return totals


def largest_open_deal(
    portfolio: Portfolio, *, sources: Collection[DealSource] = PARTNER_DEALS
) -> dict[str, Opportunity]:
    """Return each partner's largest open deal; partners without one are left out.

    Of deals of equal amount, the one with the smallest id is chosen, so the answer
    does not depend on the order of the portfolio's opportunities.

    Raises:
        ValidationError: If ``sources`` holds no DealSource.
    """
    kinds = _check_sources("largest_open_deal", sources)
    largest: dict[str, Opportunity] = {}
    for pid, source, opportunity in _deal_index(portfolio).open:
        if source not in kinds:
            continue
        best = largest.get(pid)
        if best is None or (-opportunity.amount.amount, opportunity.id) < (
            -best.amount.amount,
            best.id,
        ):
            largest[pid] = opportunity
    return largest
