"""Revenue measures: won revenue, won deals, growth, open pipeline, largest open deal."""

import pickle
from datetime import date
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerdomain.exceptions import ValidationError
from partnerdomain.metrics import (
    PARTNER_DEALS,
    PARTNER_SOURCED,
    largest_open_deal,
    open_pipeline,
    revenue_growth,
    trailing_won_revenue,
    won_deals,
    won_revenue,
)
from partnerdomain.model import (
    DealSource,
    Money,
    Opportunity,
    OpportunityStage,
    Partner,
    PartnerStage,
    PartnerType,
    Portfolio,
    Quarter,
)
from partnerdomain.testing import portfolios

Q = Quarter(2026, 3)


def deal(oid, pid, amount, day, *, stage=OpportunityStage.WON, source=DealSource.PARTNER_SOURCED):
    return Opportunity(
        id=oid,
        source=source,
        amount=Money(amount, "EUR"),
        stage=stage,
        stage_since=day,
        registered_on=date(2024, 1, 1),
        partner_id=pid,
    )


def program(*opportunities):
    partners = [
        Partner(
            id=pid,
            name=pid,
            partner_type=PartnerType.REFERRAL,
            stage=PartnerStage.ACTIVE,
            stage_since=date(2024, 1, 1),
        )
        for pid in ("P-1", "P-2", "P-3")
    ]
    return Portfolio(
        as_of=date(2026, 9, 30), currency="EUR", partners=partners, opportunities=opportunities
    )


def test_won_revenue_counts_partner_sourced_won_deals_in_the_window_only():
    portfolio = program(
        deal("O-1", "P-1", 100, date(2026, 7, 1)),
        deal("O-2", "P-1", 50, date(2025, 10, 1)),
        deal("O-3", "P-1", 999, date(2025, 9, 30)),
        deal("O-4", "P-1", 999, date(2026, 8, 1), source=DealSource.PARTNER_INFLUENCED),
        deal("O-5", "P-1", 999, date(2026, 8, 1), stage=OpportunityStage.LOST),
        deal("O-6", "P-2", 10, date(2026, 9, 30)),
    )
    assert trailing_won_revenue(portfolio, Q) == {
        "P-1": Decimal(150),
        "P-2": Decimal(10),
        "P-3": Decimal(0),
    }
    assert won_deals(portfolio, Q.trailing(4)) == {"P-1": 2, "P-2": 1, "P-3": 0}
    assert won_revenue(portfolio, [Q], sources=PARTNER_DEALS)["P-1"] == Decimal(1099)


@given(portfolios(max_partners=6, max_opportunities=15))
def test_revenue_over_a_window_is_the_sum_over_its_quarters(portfolio):
    quarter = Quarter.from_date(portfolio.as_of)
    window = quarter.trailing(4)
    total = won_revenue(portfolio, window)
    parts = [won_revenue(portfolio, [q]) for q in window]
    assert set(total) == {p.id for p in portfolio.partners}
    for pid, amount in total.items():
        assert amount == sum((part[pid] for part in parts), Decimal(0))


def test_growth_compares_four_quarters_with_the_four_before():
    portfolio = program(
        deal("O-1", "P-1", 100, date(2025, 8, 1)),
        deal("O-2", "P-1", 150, date(2026, 8, 1)),
        deal("O-3", "P-2", 10, date(2026, 8, 1)),
    )
    assert revenue_growth(portfolio, Q) == {
        "P-1": Decimal("0.5"),
        "P-2": Decimal("Infinity"),
        "P-3": Decimal(0),
    }


def test_open_pipeline_and_largest_open_deal_look_at_open_partner_deals():
    portfolio = program(
        deal("O-1", "P-1", 100, date(2026, 8, 1), stage=OpportunityStage.PROPOSAL),
        deal("O-2", "P-1", 300, date(2026, 8, 1), stage=OpportunityStage.REGISTERED),
        deal("O-0", "P-1", 300, date(2026, 8, 1), stage=OpportunityStage.QUALIFIED),
        deal("O-3", "P-2", 999, date(2026, 8, 1)),
    )
    assert open_pipeline(portfolio) == {"P-1": Decimal(700), "P-2": Decimal(0), "P-3": Decimal(0)}
    assert {pid: o.id for pid, o in largest_open_deal(portfolio).items()} == {"P-1": "O-0"}


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda p: won_revenue(p, []), "quarters"),
        (lambda p: won_revenue(p, ["2026Q3"]), "quarters"),
        (lambda p: won_revenue(p, [Q], sources=[]), "sources"),
        (lambda p: won_revenue(p, [Q], sources="partner_sourced"), "sources"),
        (lambda p: trailing_won_revenue(p, Q, quarters=0), "quarters"),
        (lambda p: revenue_growth(p, Q, quarters=-1), "quarters"),
    ],
)
def test_bad_windows_and_sources_are_refused(call, field):
    with pytest.raises(ValidationError) as caught:
        call(program())
    assert caught.value.field == field


def reference_won(portfolio, quarters, sources):
    """The plain definition: every won deal with a partner, counted once if its day is
    in any of the quarters."""
    revenue = {p.id: Decimal(0) for p in portfolio.partners}
    deals = {p.id: 0 for p in portfolio.partners}
    for deal in portfolio.opportunities:
        if not deal.is_won or deal.source not in sources or deal.partner_id is None:
            continue
        day = deal.close_date or deal.stage_since
        if any(q.first_day <= day <= q.last_day for q in quarters):
            revenue[deal.partner_id] += deal.amount.amount
            deals[deal.partner_id] += 1
    return revenue, deals


@given(
    portfolios(max_partners=6, max_opportunities=25),
    st.lists(
        st.builds(
            Quarter,
            st.integers(2018, 2021),
            st.integers(1, 4),
            fiscal_start_month=st.sampled_from([1, 2, 4]),
        ),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from([PARTNER_SOURCED, PARTNER_DEALS, frozenset(DealSource)]),
)
def test_won_revenue_and_deals_match_their_plain_definition(portfolio, quarters, sources):
    # Overlapping quarters of different fiscal calendars count each deal once.
    revenue, deals = reference_won(portfolio, quarters, sources)
    assert won_revenue(portfolio, quarters, sources=sources) == revenue
    assert won_deals(portfolio, quarters, sources=sources) == deals


@given(portfolios(max_partners=4, max_opportunities=12))
def test_a_window_may_be_a_one_shot_iterable_and_results_are_the_callers_own(portfolio):
    quarters = [Quarter(2018 + k // 4, k % 4 + 1) for k in range(12)]
    first = won_revenue(portfolio, iter(quarters))
    assert first == won_revenue(portfolio, quarters)
    for pid in first:
        first[pid] = Decimal(-1)  # changing one answer changes no later one
    assert (
        won_revenue(portfolio, quarters) == reference_won(portfolio, quarters, PARTNER_SOURCED)[0]
    )
    assert (
        won_deals(portfolio, (q for q in quarters))
        == reference_won(portfolio, quarters, PARTNER_SOURCED)[1]
    )


@given(
    portfolios(max_partners=6, max_opportunities=25),
    st.sampled_from([PARTNER_SOURCED, PARTNER_DEALS, frozenset(DealSource)]),
)
def test_pipeline_measures_match_their_plain_definition(portfolio, sources):
    open_deals = [
        o
        for o in portfolio.opportunities
        if o.is_open and o.partner_id is not None and o.source in sources
    ]
    pipeline = {p.id: Decimal(0) for p in portfolio.partners}
    for deal in open_deals:
        pipeline[deal.partner_id] += deal.amount.amount
    assert open_pipeline(portfolio, sources=sources) == pipeline
    largest = {}
    for deal in sorted(open_deals, key=lambda o: (-o.amount.amount, o.id)):
        largest.setdefault(deal.partner_id, deal)
    assert largest_open_deal(portfolio, sources=sources) == largest


def test_what_is_derived_lives_with_its_portfolio_and_survives_a_pickle():
    first = program(deal("O-1", "P-1", 100, date(2026, 8, 1)))
    window = [Quarter(2026, 3)]
    assert won_revenue(first, window)["P-1"] == Decimal(100)
    # A changed portfolio starts afresh: nothing derived from the old one leaks in.
    second = attrs.evolve(first, opportunities=[deal("O-2", "P-2", 7, date(2026, 8, 2))])
    assert won_revenue(second, window) == {"P-1": 0, "P-2": Decimal(7), "P-3": 0}
    assert won_revenue(first, window)["P-1"] == Decimal(100)
    copy = pickle.loads(pickle.dumps(first))
    assert copy == first
    assert won_revenue(copy, window) == won_revenue(first, window)
