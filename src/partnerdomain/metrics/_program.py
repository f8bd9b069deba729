"""Program measures per quarter, each with the quarter before and the change.

Where the revenue measures answer "how did each partner do?", these answer "how did
the program do?": partner-sourced and partner-influenced revenue, win rate, ramp time,
onboarding completion, the return on market development funds, and Actions Precede
Results for every contributor. Each is computed for a quarter and the quarter before
it, from one snapshot, so a review can show the change.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from partnerdomain.exceptions import ValidationError
from partnerdomain.metrics._revenue import PARTNER_DEALS, first_wins, won_on
from partnerdomain.model import DealSource, OpportunityStage, Quarter

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable
    from datetime import date

    from partnerdomain.model import Opportunity, Portfolio

__all__ = [
    "ContributorQuarter",
    "ContributorResults",
    "ProgramMetrics",
    "QuarterOverQuarter",
    "actions_precede_results",
    "mdf_return",
    "onboarding_completion_rate",
    "partner_influenced_revenue",
    "partner_sourced_revenue",
    "program_metrics",
    "ramp_days",
    "ramp_time",
    "win_rate",
]

_ZERO = Decimal(0)
_CLOSED = frozenset({OpportunityStage.WON, OpportunityStage.LOST})


@attrs.frozen(kw_only=True)
class QuarterOverQuarter:
    """One program measure for a quarter, the same measure a quarter earlier, the change.

    >>> m = QuarterOverQuarter(name="win_rate", quarter=Quarter(2026, 3),
    ...                        value=Decimal("0.40"), previous=Decimal("0.32"))
    >>> m.change, m.relative_change
    (Decimal('0.08'), Decimal('0.25'))

    Attributes:
        name: What is measured, e.g. ``"win_rate"``.
        quarter: The quarter measured.
        value: The measure in ``quarter``; ``None`` when it is undefined (no closed
            deals for a win rate, no cohort for a completion rate).
        previous: The measure in the quarter before.
        unit: ``"amount"`` (the portfolio's currency), ``"ratio"`` or ``"days"``.
    """

    name: str
    quarter: Quarter
    value: Decimal | None
    previous: Decimal | None
    unit: str = "ratio"

    @property
    def change(self) -> Decimal | None:
        """The value minus the previous value; ``None`` when either is undefined."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def relative_change(self) -> Decimal | None:
        """The change as a share of the previous value; ``None`` when that is zero or undefined."""
        change = self.change
        if change is None or not self.previous:
            return None
        return change / self.previous


def _check_quarter(function: str, quarter: object) -> Quarter:
    if not isinstance(quarter, Quarter):
        raise ValidationError(function, "quarter", quarter, "a Quarter")
    return quarter


def _window(current: Quarter, previous: Quarter) -> Callable[[date], int]:
    """Return ``which(day)``: 0 in the current quarter, 1 in the previous one, else -1.

    The quarters' bounds are computed once: a quarter's days are derived on each access.
    """
    first, last = current.first_day, current.last_day
    before_first, before_last = previous.first_day, previous.last_day

    def which(day: date) -> int:
        if first <= day <= last:
            return 0
        if before_first <= day <= before_last:
            return 1
        return -1

    return which


def _ratio(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    return None if not denominator else Decimal(numerator) / Decimal(denominator)


@attrs.define
class _DealTotals:
    sourced: list[Decimal] = attrs.field(factory=lambda: [_ZERO, _ZERO])
    influenced: list[Decimal] = attrs.field(factory=lambda: [_ZERO, _ZERO])
    won: list[int] = attrs.field(factory=lambda: [0, 0])
    lost: list[int] = attrs.field(factory=lambda: [0, 0])


def _deal_totals(
    opportunities: Iterable[Opportunity], quarter: Quarter, sources: frozenset[DealSource]
) -> _DealTotals:
    previous = quarter.previous()
    locate = _window(quarter, previous)
    totals = _DealTotals()
    sourced, influenced = DealSource.PARTNER_SOURCED, DealSource.PARTNER_INFLUENCED
    won = OpportunityStage.WON
    for opp in opportunities:
        stage = opp.stage
        if stage not in _CLOSED:
            continue
        which = locate(opp.close_date or opp.stage_since)
        if which < 0:
            continue
        if stage is won:
            if opp.source is sourced:
                totals.sourced[which] += opp.amount.amount
            elif opp.source is influenced:
                totals.influenced[which] += opp.amount.amount
            if opp.source in sources:
                totals.won[which] += 1
        elif opp.source in sources:
            totals.lost[which] += 1
    return totals


def _sources(function: str, sources: Collection[DealSource]) -> frozenset[DealSource]:
    if isinstance(sources, (str, bytes)) or not sources:
        raise ValidationError(function, "sources", sources, "a non-empty set of DealSource members")
    if not all(isinstance(s, DealSource) for s in sources):
        raise ValidationError(function, "sources", sources, "a set of DealSource members")
    return frozenset(sources)


def partner_sourced_revenue(portfolio: Portfolio, quarter: Quarter) -> QuarterOverQuarter:
    """Return the revenue of partner-sourced deals won in ``quarter`` and the quarter before.

    A won deal counts on its close date (or, without one, the day it was marked won).

    Raises:
        ValidationError: If ``quarter`` is not a Quarter.
    """
    quarter = _check_quarter("partner_sourced_revenue", quarter)
    totals = _deal_totals(portfolio.opportunities, quarter, PARTNER_DEALS)
    return QuarterOverQuarter(
        name="partner_sourced_revenue",
        quarter=quarter,
        value=totals.sourced[0],
        previous=totals.sourced[1],
        unit="amount",
    )


def partner_influenced_revenue(portfolio: Portfolio, quarter: Quarter) -> QuarterOverQuarter:
    """Return the revenue of partner-influenced deals won in ``quarter`` and the quarter before.

    Raises:
        ValidationError: If ``quarter`` is not a Quarter.
    """
    quarter = _check_quarter("partner_influenced_revenue", quarter)
    totals = _deal_totals(portfolio.opportunities, quarter, PARTNER_DEALS)
    return QuarterOverQuarter(
        name="partner_influenced_revenue",
        quarter=quarter,
        value=totals.influenced[0],
        previous=totals.influenced[1],
        unit="amount",
    )


def win_rate(
    portfolio: Portfolio, quarter: Quarter, *, sources: Collection[DealSource] = PARTNER_DEALS
) -> QuarterOverQuarter:
    """Return the share of deals closed in ``quarter`` that were won (won / (won + lost)).

    Rejected registrations are not counted: they never entered the funnel. The value is
    ``None`` for a quarter in which no deal of ``sources`` closed.

    Raises:
        ValidationError: If ``quarter`` is not a Quarter or ``sources`` is empty.
    """
    quarter = _check_quarter("win_rate", quarter)
    kinds = _sources("win_rate", sources)
    totals = _deal_totals(portfolio.opportunities, quarter, kinds)
    return QuarterOverQuarter(
        name="win_rate",
        quarter=quarter,
        value=_ratio(totals.won[0], totals.won[0] + totals.lost[0]),
        previous=_ratio(totals.won[1], totals.won[1] + totals.lost[1]),
    )


def ramp_days(
    portfolio: Portfolio, *, sources: Collection[DealSource] = PARTNER_DEALS
) -> dict[str, int]:
    """Return, per partner, the days from joining the program to its first won deal.

    Only partners with a join day and a won deal of ``sources`` on or after it are
    listed, in the portfolio's order of partners.

    Raises:
        ValidationError: If ``sources`` is empty.
    """
    kinds = _sources("ramp_days", sources)
    joined = _join_days(portfolio)
    first = first_wins(portfolio, kinds, since=joined)
    return {
        partner.id: (first[partner.id] - joined[partner.id]).days
        for partner in portfolio.partners
        if partner.id in first
    }


def _join_days(portfolio: Portfolio) -> dict[str, date]:
    return {p.id: p.joined_on for p in portfolio.partners if p.joined_on is not None}


def _median(values: list[int]) -> Decimal | None:
    if not values:
        return None
    values.sort()
    middle = len(values) // 2
    if len(values) % 2:
        return Decimal(values[middle])
    return (Decimal(values[middle - 1]) + Decimal(values[middle])) / 2


def ramp_time(
    portfolio: Portfolio, quarter: Quarter, *, sources: Collection[DealSource] = PARTNER_DEALS
) -> QuarterOverQuarter:
    """Return the median days from joining to the first won deal, of partners first winning then.

    The partners counted for ``quarter`` are those whose first won deal closed in it;
    the value is ``None`` when there are none.

    Raises:
        ValidationError: If ``quarter`` is not a Quarter or ``sources`` is empty.
    """
    quarter = _check_quarter("ramp_time", quarter)
    kinds = _sources("ramp_time", sources)
    previous = quarter.previous()
    locate = _window(quarter, previous)
    joined = _join_days(portfolio)
    first = first_wins(portfolio, kinds, since=joined)
    days: tuple[list[int], list[int]] = ([], [])
    for partner in portfolio.partners:
        day = first.get(partner.id)
        if day is None:
            continue
        which = locate(day)
        if which >= 0:
            days[which].append((day - joined[partner.id]).days)
    return QuarterOverQuarter(
        name="ramp_time",
        quarter=quarter,
        value=_median(days[0]),
        previous=_median(days[1]),
        unit="days",
    )


def onboarding_completion_rate(portfolio: Portfolio, quarter: Quarter) -> QuarterOverQuarter:
    """Return the share of the partners who joined in ``quarter`` that completed onboarding.

    The cohort of a quarter is the partners whose join day falls in it; completion is
    read from their onboarding checklists as of the portfolio's day (an empty
    checklist is not complete). ``None`` when nobody joined.

    Raises:
        ValidationError: If ``quarter`` is not a Quarter.
    """
    quarter = _check_quarter("onboarding_completion_rate", quarter)
    previous = quarter.previous()
    locate = _window(quarter, previous)
    joined = [0, 0]
    complete = [0, 0]
    for partner in portfolio.partners:
        if partner.joined_on is None:
            continue
        which = locate(partner.joined_on)
        if which >= 0:
            joined[which] += 1
            complete[which] += partner.onboarding_complete
    return QuarterOverQuarter(
        name="onboarding_completion_rate",
        quarter=quarter,
        value=_ratio(complete[0], joined[0]),
        previous=_ratio(complete[1], joined[1]),
    )


def _mdf_window(portfolio: Portfolio, quarter: Quarter) -> Decimal | None:
    window = quarter.trailing(4)
    first, last = window[0].first_day, window[-1].last_day
    funds: dict[str, Decimal] = {}
    since: dict[str, date] = {}  # each partner's first payment in the window
    for payment in portfolio.mdf_payments:
        paid, pid = payment.paid_on, payment.partner_id
        if paid is not None and first <= paid <= last:
            funds[pid] = funds.get(pid, _ZERO) + payment.amount.amount
            since[pid] = min(since.get(pid, paid), paid)
    if not funds:
        return None
    revenue = _ZERO
    won = OpportunityStage.WON
    for opp in portfolio.opportunities:
        start = since.get(opp.partner_id) if opp.partner_id is not None else None
        if (
            start is not None
            and opp.stage is won
            and opp.source is not DealSource.DIRECT
            and start <= won_on(opp) <= last
        ):
            revenue += opp.amount.amount
    return revenue / sum(funds.values())


def mdf_return(portfolio: Portfolio, quarter: Quarter) -> QuarterOverQuarter:
    """Return the revenue each unit of market development funds brought, over a year.

    For the four quarters ending with ``quarter``: the partner-sourced and
    partner-influenced revenue won by the partners paid funds in those quarters, from
    each partner's first payment in them on (revenue won before the funds came is not
    theirs to claim), divided by the funds paid to them. ``3`` means every 1 EUR of
    funds came with 3 EUR of partner revenue: a revenue multiple, not a profit. ``None``
    when no funds were paid in the window; the previous value is the same window one
    quarter earlier.

    Raises:
        ValidationError: If ``quarter`` is not a Quarter.
    """
    quarter = _check_quarter("mdf_return", quarter)
    return QuarterOverQuarter(
        name="mdf_return",
        quarter=quarter,
        value=_mdf_window(portfolio, quarter),
        previous=_mdf_window(portfolio, quarter.previous()),
    )


@attrs.frozen(kw_only=True)
class ContributorQuarter:
    """One contributor's actions and results in one quarter.

    Attributes:
        quarter: The quarter.
        activities: Activities they logged in it.
        deals_touched: Distinct deals their activities referred to.
        pipeline_created: The amount of deals registered in the quarter that they are on
            (as account executive or partner manager); rejected registrations never
            entered the pipeline and are left out.
        won_deals: Deals they are on that were won in the quarter.
        won_revenue: The amount of those deals.
    """

    quarter: Quarter
    activities: int = 0
    deals_touched: int = 0
    pipeline_created: Decimal = _ZERO
    won_deals: int = 0
    won_revenue: Decimal = _ZERO

    @property
    def activities_per_win(self) -> Decimal | None:
        """Activities logged per deal won; ``None`` without wins."""
        return _ratio(self.activities, self.won_deals)


@attrs.frozen(kw_only=True)
class ContributorResults:
    """Actions Precede Results for one contributor: this quarter and the one before.

    Attributes:
        contributor_id: The partner manager's or account executive's id.
        role: Their role (a :class:`~partnerdomain.model.TeamRole` value, or
            ``"account_executive"``).
        current: Their actions and results in the quarter.
        previous: The same for the quarter before.
    """

    contributor_id: str
    role: str
    current: ContributorQuarter
    previous: ContributorQuarter

    @property
    def activity_change(self) -> int:
        """Activities logged this quarter minus the quarter before."""
        return self.current.activities - self.previous.activities

    @property
    def won_revenue_change(self) -> Decimal:
        """Revenue won this quarter minus the quarter before."""
        return self.current.won_revenue - self.previous.won_revenue


@attrs.define
class _Tally:
    activities: int = 0
    deals: set[str] = attrs.field(factory=set)
    pipeline: Decimal = _ZERO
    won: int = 0
    revenue: Decimal = _ZERO

    def freeze(self, quarter: Quarter) -> ContributorQuarter:
        return ContributorQuarter(
            quarter=quarter,
            activities=self.activities,
            deals_touched=len(self.deals),
            pipeline_created=self.pipeline,
            won_deals=self.won,
            won_revenue=self.revenue,
        )


def _count_actions(
    portfolio: Portfolio, quarter: Quarter, tallies: dict[str, tuple[_Tally, _Tally]]
) -> None:
    previous = quarter.previous()
    locate = _window(quarter, previous)
    for act in portfolio.activities:
        which = locate(act.occurred_on)
        pair = tallies.get(act.actor_id)
        if which < 0 or pair is None:
            continue
        tally = pair[which]
        tally.activities += 1
        if act.opportunity_id is not None:
            tally.deals.add(act.opportunity_id)


def _count_results(
    portfolio: Portfolio, quarter: Quarter, tallies: dict[str, tuple[_Tally, _Tally]]
) -> None:
    previous = quarter.previous()
    # The two quarters' bounds, compared inline: this runs once per deal.
    first, last = quarter.first_day, quarter.last_day
    before_first, before_last = previous.first_day, previous.last_day
    won, rejected = OpportunityStage.WON, OpportunityStage.REJECTED
    for opp in portfolio.opportunities:
        executive, manager = opp.account_executive_id, opp.partner_manager_id
        if executive is None and manager is None:
            continue
        # A rejected registration (a duplicate, a conflict) never entered the pipeline,
        # as win_rate leaves it out of the funnel.
        day = opp.registered_on
        registered = (
            -1
            if opp.stage is rejected
            else 0
            if first <= day <= last
            else 1
            if before_first <= day <= before_last
            else -1
        )
        closed = -1
        if opp.stage is won:
            day = opp.close_date or opp.stage_since
            closed = 0 if first <= day <= last else 1 if before_first <= day <= before_last else -1
        if registered < 0 and closed < 0:
            continue
        amount = opp.amount.amount
        for person in (executive, manager):
            pair = None if person is None else tallies.get(person)
            if pair is None:
                continue
            if registered >= 0:
                pair[registered].pipeline += amount
            if closed >= 0:
                pair[closed].won += 1
                pair[closed].revenue += amount


def actions_precede_results(
    portfolio: Portfolio, quarter: Quarter
) -> tuple[ContributorResults, ...]:
    """Return every contributor's actions against their results, this quarter and the last.

    Partner managers and account executives alike: the activities each logged, the
    deals those touched, the pipeline registered on deals they are on, and the deals
    won. Contributors come sorted by id; people with nothing in either quarter are
    included with zeros, because a quiet contributor is itself worth seeing.

    Raises:
        ValidationError: If ``quarter`` is not a Quarter.
    """
    quarter = _check_quarter("actions_precede_results", quarter)
    previous = quarter.previous()
    roles: dict[str, str] = {m.id: m.role.value for m in portfolio.managers}
    roles.update((ae.id, "account_executive") for ae in portfolio.account_executives)
    tallies = {pid: (_Tally(), _Tally()) for pid in roles}
    _count_actions(portfolio, quarter, tallies)
    _count_results(portfolio, quarter, tallies)
    return tuple(
        ContributorResults(
            contributor_id=pid,
            role=roles[pid],
            current=tallies[pid][0].freeze(quarter),
            previous=tallies[pid][1].freeze(previous),
        )
        for pid in sorted(roles)
    )


@attrs.frozen(kw_only=True)
class ProgramMetrics:
    """The program's measures for one quarter, each with the quarter before.

    Attributes:
        quarter: The quarter measured.
        partner_sourced_revenue: Won partner-sourced revenue.
        partner_influenced_revenue: Won partner-influenced revenue.
        win_rate: Won / (won + lost) of partner deals closed in the quarter.
        ramp_time: Median days from joining to the first won deal.
        onboarding_completion_rate: Completion of the quarter's cohort of new partners.
        mdf_return: Partner revenue per unit of market development funds, over a year.
        contributors: Actions Precede Results per contributor.
    """

    quarter: Quarter
    partner_sourced_revenue: QuarterOverQuarter
    partner_influenced_revenue: QuarterOverQuarter
    win_rate: QuarterOverQuarter
    ramp_time: QuarterOverQuarter
    onboarding_completion_rate: QuarterOverQuarter
    mdf_return: QuarterOverQuarter
    contributors: tuple[ContributorResults, ...]

    @property
    def measures(self) -> tuple[QuarterOverQuarter, ...]:
        """The quarter-over-quarter measures, in a fixed order."""
        return (
            self.partner_sourced_revenue,
            self.partner_influenced_revenue,
            self.win_rate,
            self.ramp_time,
            self.onboarding_completion_rate,
            self.mdf_return,
        )


def program_metrics(portfolio: Portfolio, quarter: Quarter) -> ProgramMetrics:
    """Return every program measure for ``quarter``, sharing passes over the deals.

    Equal, measure by measure, to calling each function of this module on its own.

    Raises:
        ValidationError: If ``quarter`` is not a Quarter.
    """
    quarter = _check_quarter("program_metrics", quarter)
    totals = _deal_totals(portfolio.opportunities, quarter, PARTNER_DEALS)
    return ProgramMetrics(
        quarter=quarter,
        partner_sourced_revenue=QuarterOverQuarter(
            name="partner_sourced_revenue",
            quarter=quarter,
            value=totals.sourced[0],
            previous=totals.sourced[1],
            unit="amount",
        ),
        partner_influenced_revenue=QuarterOverQuarter(
            name="partner_influenced_revenue",
            quarter=quarter,
            value=totals.influenced[0],
            previous=totals.influenced[1],
            unit="amount",
        ),
        win_rate=QuarterOverQuarter(
            name="win_rate",
            quarter=quarter,
            value=_ratio(totals.won[0], totals.won[0] + totals.lost[0]),
            previous=_ratio(totals.won[1], totals.won[1] + totals.lost[1]),
        ),
        ramp_time=ramp_time(portfolio, quarter),
        onboarding_completion_rate=onboarding_completion_rate(portfolio, quarter),
        mdf_return=mdf_return(portfolio, quarter),
        contributors=actions_precede_results(portfolio, quarter),
    )
