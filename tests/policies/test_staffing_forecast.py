"""The staffing forecast: deterministic, quarter after quarter from the last one's end."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerdomain.exceptions import ValidationError
from partnerdomain.model import (
    Money,
    Partner,
    PartnerStage,
    PartnerType,
    Portfolio,
    Quarter,
    TeamRole,
)
from partnerdomain.policies import (
    CompanyStage,
    EvolvingMatrix,
    ForecastState,
    GrowthAssumptions,
    Segment,
    StaffingParameters,
    TeamStructure,
    forecast_staffing,
)

Q = Quarter(2026, 1)
PARAMS = StaffingParameters(
    cost={role: Money(100_000, "EUR") for role in TeamRole},
    revenue={kind: Money(40_000, "EUR") for kind in PartnerType},
)
POLICY = EvolvingMatrix(parameters=PARAMS)

ASSUMPTIONS = st.builds(
    GrowthAssumptions,
    recruits_per_quarter=st.dictionaries(
        st.sampled_from(list(PartnerType)), st.integers(0, 15), max_size=4
    ),
    ramp_quarters=st.integers(0, 3),
    churn_per_quarter=st.sampled_from(["0", "0.02", "0.05", "0.1"]),
    hire_unfunded=st.booleans(),
)


@st.composite
def starts(draw, assumptions):
    active = draw(
        st.dictionaries(st.sampled_from(list(PartnerType)), st.integers(0, 80), max_size=4)
    )
    cohorts = tuple(
        draw(st.dictionaries(st.sampled_from(list(PartnerType)), st.integers(0, 10), max_size=2))
        for _ in range(assumptions.ramp_quarters)
    )
    team = draw(
        st.dictionaries(
            st.sampled_from([Segment(TeamRole.PARTNER_MANAGER), Segment(TeamRole.RECRUITER)]),
            st.integers(0, 3),
            max_size=2,
        )
    )
    from partnerdomain.model import FrozenMap

    return ForecastState(
        quarter=Q,
        structure=TeamStructure(),
        active=FrozenMap(sorted(active.items())),
        ramping=tuple(FrozenMap(sorted(c.items())) for c in cohorts),
        team=FrozenMap(sorted(team.items())),
    )


@st.composite
def runs(draw):
    assumptions = draw(ASSUMPTIONS)
    return draw(starts(assumptions)), assumptions


class TestProperties:
    @given(runs(), st.integers(1, 8))
    def test_each_quarter_starts_from_the_previous_quarters_end(self, run, quarters):
        start, assumptions = run
        result = forecast_staffing(PARAMS, start, assumptions, quarters=quarters)
        assert result.quarters[0].start == start
        for before, after in zip(result.quarters, result.quarters[1:], strict=False):
            assert after.start == before.end
            assert after.quarter == before.quarter.next()

    @given(runs(), st.integers(1, 5), st.integers(1, 5))
    def test_a_forecast_continued_from_its_end_equals_the_longer_forecast(self, run, a, b):
        start, assumptions = run
        whole = forecast_staffing(PARAMS, start, assumptions, quarters=a + b)
        first = forecast_staffing(PARAMS, start, assumptions, quarters=a)
        rest = forecast_staffing(PARAMS, first.end, assumptions, quarters=b)
        assert whole.quarters == first.quarters + rest.quarters

    @given(runs())
    def test_the_forecast_is_deterministic(self, run):
        start, assumptions = run
        assert forecast_staffing(PARAMS, start, assumptions) == forecast_staffing(
            PARAMS, start, assumptions
        )

    @given(runs())
    def test_an_unfunded_head_is_never_hired_unless_asked(self, run):
        start, assumptions = run
        result = forecast_staffing(PARAMS, start, assumptions, quarters=6)
        for quarter in result.quarters:
            for decision in quarter.decisions:
                facts = decision.reason.facts
                assert decision.funded == (facts["revenue"] >= facts["required"])
                if not assumptions.hire_unfunded:
                    assert decision.hired == decision.funded
        for hire in result.hires:
            if hire.hired_in is not None and not assumptions.hire_unfunded:
                assert hire.funded_in is not None
                assert hire.funded_in <= hire.hired_in
            assert hire.needed_in <= (hire.funded_in or hire.needed_in)

    @given(runs())
    def test_the_structure_only_ever_evolves_forwards(self, run):
        start, assumptions = run
        result = forecast_staffing(PARAMS, start, assumptions, quarters=8)
        for quarter in result.quarters:
            assert quarter.end.structure.includes(quarter.start.structure)


class TestExamples:
    def test_a_growing_program_moves_from_startup_to_leadership(self):
        assumptions = GrowthAssumptions(
            recruits_per_quarter={PartnerType.RESELLER: 16, PartnerType.MSP: 8},
            ramp_quarters=2,
            churn_per_quarter="0.01",
        )
        start = ForecastState(
            quarter=Q,
            structure=TeamStructure(),
            active={},
            ramping=({}, {}),
            team={Segment(TeamRole.PARTNER_MANAGER): 1},
        )
        result = forecast_staffing(PARAMS, start, assumptions, quarters=12)
        stages = [q.end.structure.stage for q in result.quarters]
        assert stages[0] is CompanyStage.STARTUP
        assert CompanyStage.MAKE_OR_BREAK in stages
        assert stages[-1] is CompanyStage.LEADERSHIP
        assert result.end.structure.split

    def test_the_forecast_reads_its_start_from_a_portfolio(self):
        partners = [
            Partner(
                id=f"P-{i}",
                name="Acme",
                partner_type=PartnerType.RESELLER,
                stage=PartnerStage.ENABLEMENT if i < 2 else PartnerStage.ACTIVE,
                stage_since=date(2025, 12, 1) if i == 0 else date(2026, 1, 5),
            )
            for i in range(5)
        ]
        portfolio = Portfolio(as_of=date(2026, 3, 31), currency="EUR", partners=partners)
        state = ForecastState.from_portfolio(
            portfolio, PARAMS, quarter=Q, assumptions=GrowthAssumptions(recruits_per_quarter={})
        )
        assert state.active == {PartnerType.RESELLER: 3}
        assert state.ramping == ({PartnerType.RESELLER: 1}, {PartnerType.RESELLER: 1})
        result = POLICY.forecast(
            portfolio, GrowthAssumptions(recruits_per_quarter={}), quarter=Q, quarters=2
        )
        assert result.quarters[0].start == state

    def test_a_start_with_the_wrong_number_of_cohorts_is_refused(self):
        start = ForecastState(quarter=Q, structure=TeamStructure(), active={}, ramping=(), team={})
        with pytest.raises(ValidationError, match="ramping"):
            forecast_staffing(PARAMS, start, GrowthAssumptions(recruits_per_quarter={}))

    def test_triangle_shares_above_one_are_refused(self):
        with pytest.raises(ValidationError, match="growth_share"):
            GrowthAssumptions(recruits_per_quarter={}, aggressive_share="0.5", growth_share="0.6")
