from datetime import date
from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerdomain import (
    AccountExecutive,
    Activity,
    Money,
    Opportunity,
    OpportunityStage,
    Partner,
    PartnerManager,
    PartnerStage,
    PartnerType,
    Portfolio,
    Quarter,
)
from partnerdomain.exceptions import ValidationError
from partnerdomain.metrics import (
    PARTNER_SOURCED,
    actions_precede_results,
    mdf_return,
    onboarding_completion_rate,
    partner_influenced_revenue,
    partner_sourced_revenue,
    program_metrics,
    ramp_days,
    ramp_time,
    win_rate,
    won_revenue,
)
from partnerdomain.model import ActivityKind, DealSource, MdfPayment
from partnerdomain.testing import portfolios

Q3 = Quarter(2026, 3)
AS_OF = date(2026, 9, 30)
small_portfolios = portfolios(
    as_of=st.sampled_from([AS_OF, date(2026, 8, 15), date(2027, 1, 10)]),
    max_opportunities=16,
    max_activities=8,
)


def partner(pid, joined, *, checklist=None, stage=PartnerStage.ACTIVE):
    return Partner(
        id=pid,
        name=pid,
        partner_type=PartnerType.RESELLER,
        stage=stage,
        stage_since=joined,
        joined_on=joined,
        onboarding_checklist=checklist or {},
    )


def deal(oid, pid, amount, stage, day, *, source=DealSource.PARTNER_SOURCED, **extra):
    return Opportunity(
        id=oid,
        source=source,
        amount=Money(amount, "EUR"),
        stage=stage,
        stage_since=day,
        registered_on=extra.pop("registered_on", date(2026, 1, 5)),
        partner_id=pid,
        **extra,
    )


@pytest.fixture
def program():
    won, lost = OpportunityStage.WON, OpportunityStage.LOST
    return Portfolio(
        as_of=AS_OF,
        currency="EUR",
        partners=[
            partner("P-1", date(2026, 1, 10), checklist={"a": True}),
            partner("P-2", date(2026, 4, 1), checklist={"a": True, "b": False}),
            partner("P-3", date(2026, 7, 1), checklist={"a": True}),
            partner("P-4", date(2026, 8, 1), checklist={"a": False}),
        ],
        managers=[PartnerManager(id="M-1", name="Dana")],
        account_executives=[AccountExecutive(id="AE-1", name="Sam")],
        opportunities=[
            deal("O-1", "P-1", 50_000, won, date(2026, 5, 10), account_executive_id="AE-1"),
            deal("O-2", "P-1", 30_000, won, date(2026, 8, 1), partner_manager_id="M-1"),
            deal(
                "O-3",
                "P-2",
                20_000,
                won,
                date(2026, 9, 1),
                source=DealSource.PARTNER_INFLUENCED,
                account_executive_id="AE-1",
                partner_manager_id="M-1",
                registered_on=date(2026, 7, 2),
            ),
            deal("O-4", "P-3", 10_000, lost, date(2026, 9, 2)),
            deal("O-5", "P-3", 10_000, lost, date(2026, 5, 2)),
            deal("O-6", "P-4", 99_000, OpportunityStage.REJECTED, date(2026, 9, 3)),
        ],
        activities=[
            Activity(
                id=f"A-{i}",
                actor_id="M-1",
                kind=ActivityKind.CALL,
                occurred_on=date(2026, 8, i + 1),
                opportunity_id="O-3" if i < 2 else None,
            )
            for i in range(3)
        ],
        mdf_payments=[
            MdfPayment(
                id="MDF-1", partner_id="P-1", amount=Money(8_000, "EUR"), paid_on=date(2026, 2, 1)
            )
        ],
    )


class TestTheSmallProgram:
    def test_revenue_is_split_by_source_and_quarter(self, program):
        sourced = partner_sourced_revenue(program, Q3)
        assert (sourced.value, sourced.previous, sourced.change) == (30_000, 50_000, -20_000)
        assert sourced.relative_change == Decimal("-0.4")
        influenced = partner_influenced_revenue(program, Q3)
        assert (influenced.value, influenced.previous) == (20_000, 0)
        assert influenced.relative_change is None

    def test_win_rate_counts_won_against_lost_and_ignores_rejected_registrations(self, program):
        rate = win_rate(program, Q3)
        assert rate.value == Decimal(2) / 3
        assert rate.previous == Decimal("0.5")

    def test_ramp_time_is_the_median_of_the_partners_that_first_won_in_the_quarter(self, program):
        assert ramp_days(program) == {"P-1": 120, "P-2": 153}
        ramp = ramp_time(program, Q3)
        assert (ramp.value, ramp.previous, ramp.unit) == (153, 120, "days")

    def test_onboarding_completion_is_read_per_cohort_of_new_partners(self, program):
        rate = onboarding_completion_rate(program, Q3)
        assert (rate.value, rate.previous) == (Decimal("0.5"), Decimal(0))

    def test_mdf_return_is_partner_revenue_per_unit_of_funds_over_a_year(self, program):
        assert mdf_return(program, Q3).value == Decimal(80_000) / 8_000

    def test_actions_precede_results_counts_managers_and_account_executives_alike(self, program):
        results = {r.contributor_id: r for r in actions_precede_results(program, Q3)}
        assert list(results) == ["AE-1", "M-1"]
        dana, sam = results["M-1"], results["AE-1"]
        assert (dana.current.activities, dana.current.deals_touched) == (3, 1)
        assert (dana.current.won_deals, dana.current.won_revenue) == (2, 50_000)
        assert dana.current.pipeline_created == 20_000
        assert dana.current.activities_per_win == Decimal("1.5")
        assert (sam.current.won_deals, sam.previous.won_deals) == (1, 1)
        assert sam.won_revenue_change == -30_000
        assert sam.current.activities_per_win == 0
        assert dana.activity_change == 3


@settings(max_examples=40)
@given(small_portfolios, st.sampled_from([Q3, Quarter(2026, 2), Quarter(2025, 4)]))
def test_program_metrics_equal_each_measure_computed_on_its_own(portfolio, quarter):
    bundle = program_metrics(portfolio, quarter)
    assert bundle.partner_sourced_revenue == partner_sourced_revenue(portfolio, quarter)
    assert bundle.partner_influenced_revenue == partner_influenced_revenue(portfolio, quarter)
    assert bundle.win_rate == win_rate(portfolio, quarter)
    assert bundle.ramp_time == ramp_time(portfolio, quarter)
    assert bundle.onboarding_completion_rate == onboarding_completion_rate(portfolio, quarter)
    assert bundle.mdf_return == mdf_return(portfolio, quarter)
    assert bundle.contributors == actions_precede_results(portfolio, quarter)


@settings(max_examples=40)
@given(small_portfolios, st.sampled_from([Q3, Quarter(2026, 2)]))
def test_each_measure_agrees_with_the_per_partner_revenue_and_stays_in_range(portfolio, quarter):
    bundle = program_metrics(portfolio, quarter)
    sourced = won_revenue(portfolio, [quarter], sources=PARTNER_SOURCED)
    assert bundle.partner_sourced_revenue.value == sum(sourced.values(), Decimal(0))
    before = won_revenue(portfolio, [quarter.previous()], sources=PARTNER_SOURCED)
    assert bundle.partner_sourced_revenue.previous == sum(before.values(), Decimal(0))
    for measure in (bundle.win_rate, bundle.onboarding_completion_rate):
        for value in (measure.value, measure.previous):
            assert value is None or 0 <= value <= 1
    for measure in bundle.measures:
        if measure.value is not None and measure.previous is not None:
            assert measure.change == measure.value - measure.previous
        else:
            assert measure.change is None


@settings(max_examples=40)
@given(small_portfolios)
def test_every_activity_of_the_quarter_is_credited_to_exactly_one_contributor(portfolio):
    results = actions_precede_results(portfolio, Q3)
    logged = sum(Q3.first_day <= a.occurred_on <= Q3.last_day for a in portfolio.activities)
    assert sum(r.current.activities for r in results) == logged
    people = {m.id for m in portfolio.managers} | {a.id for a in portfolio.account_executives}
    assert {r.contributor_id for r in results} == people


@pytest.mark.parametrize(
    "measure",
    [partner_sourced_revenue, win_rate, ramp_time, onboarding_completion_rate, mdf_return],
)
def test_a_quarter_that_is_not_a_quarter_is_refused_by_name(measure, program):
    with pytest.raises(ValidationError, match="quarter"):
        measure(program, "2026Q3")


def test_an_empty_set_of_sources_is_refused(program):
    with pytest.raises(ValidationError, match="sources"):
        win_rate(program, Q3, sources=set())


def test_a_deal_won_before_joining_does_not_end_the_ramp():
    won = OpportunityStage.WON
    portfolio = Portfolio(
        as_of=AS_OF,
        currency="EUR",
        partners=[partner("P-1", date(2026, 1, 1))],
        opportunities=[
            deal("O-1", "P-1", 5_000, won, date(2025, 12, 15), registered_on=date(2025, 11, 1)),
            deal("O-2", "P-1", 7_000, won, date(2026, 3, 1)),
        ],
    )
    assert ramp_days(portfolio) == {"P-1": 59}
    assert ramp_time(portfolio, Quarter(2026, 1)).value == 59


def test_a_rejected_registration_creates_no_pipeline(program):
    rejected = attrs.evolve(
        program.opportunities[-1], partner_manager_id="M-1", registered_on=date(2026, 9, 3)
    )
    changed = attrs.evolve(program, opportunities=[*program.opportunities[:-1], rejected])
    results = {r.contributor_id: r for r in actions_precede_results(changed, Q3)}
    assert results["M-1"].current.pipeline_created == 20_000


@settings(max_examples=60)
@given(small_portfolios)
def test_ramp_days_run_from_joining_to_the_first_partner_deal_won_on_or_after_it(portfolio):
    expected: dict[str, int] = {}
    for p in portfolio.partners:
        days = [
            o.close_date or o.stage_since
            for o in portfolio.opportunities
            if o.partner_id == p.id
            and o.stage is OpportunityStage.WON
            and o.source in {DealSource.PARTNER_SOURCED, DealSource.PARTNER_INFLUENCED}
            and p.joined_on is not None
            and (o.close_date or o.stage_since) >= p.joined_on
        ]
        if days:
            assert p.joined_on is not None
            expected[p.id] = (min(days) - p.joined_on).days
    assert ramp_days(portfolio) == expected


def test_mdf_return_counts_revenue_from_each_partners_first_payment_on(program):
    early = MdfPayment(
        id="MDF-2", partner_id="P-1", amount=Money(2_000, "EUR"), paid_on=date(2026, 6, 1)
    )
    later = attrs.evolve(
        program,
        mdf_payments=[attrs.evolve(program.mdf_payments[0], paid_on=date(2026, 6, 1)), early],
    )
    # O-1 (50,000) was won on 10 May, before any funds came; O-2 (30,000) after them.
    assert mdf_return(later, Q3).value == Decimal(30_000) / 10_000
