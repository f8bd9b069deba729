"""Staffing: the plan, its invariants, and the seeds' staffing problems."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerdomain.exceptions import CurrencyMismatchError, ValidationError
from partnerdomain.model import (
    AccountExecutive,
    Capacity,
    DealSource,
    Money,
    Opportunity,
    OpportunityStage,
    Partner,
    PartnerManager,
    PartnerStage,
    PartnerSuccessManager,
    PartnerType,
    Portfolio,
    Quarter,
    TeamRole,
)
from partnerdomain.policies import (
    CompanyStage,
    EvolvingMatrix,
    MoveKind,
    PerformanceBand,
    Segment,
    StaffingParameters,
    StaffingPolicy,
    TeamStructure,
    Workload,
)

Q = Quarter(2026, 3)
DAY = date(2026, 9, 30)
STRUCTURES = st.builds(
    TeamStructure,
    stage=st.sampled_from(list(CompanyStage)),
    split=st.booleans(),
    specialised=st.frozensets(st.sampled_from(["channel", "alliances", "services", "technology"])),
)
ROLES = [r for r in TeamRole if r is not TeamRole.PARTNER_SUCCESS_MANAGER]
BANDS = st.sampled_from([None, *[b.value for b in PerformanceBand]])
TRIANGLE = st.sampled_from([None, "aggressive_growth", "growth_potential", "limited_growth"])


def partners_of(count, *, stage=PartnerStage.ACTIVE, kind=PartnerType.RESELLER, start=0):
    """Partners P-<start> ... alike but for their ids."""
    return [
        Partner(
            id=f"P-{i}",
            name="Acme",
            partner_type=kind,
            stage=stage,
            stage_since=date(2026, 1, 1),
        )
        for i in range(start, start + count)
    ]


def params(**overrides):
    base = {
        "cost": {role: Money(100_000, "EUR") for role in TeamRole},
        "revenue": {kind: Money(50_000, "EUR") for kind in PartnerType},
    }
    base.update(overrides)
    return StaffingParameters(**base)


POLICY = EvolvingMatrix(parameters=params())


@st.composite
def managers(draw, count):
    team = []
    for i in range(count):
        own = draw(st.booleans())
        capacity = (
            Capacity(
                recruit=draw(st.integers(0, 20)),
                ramp=draw(st.integers(0, 20)),
                manage=draw(st.integers(0, 60)),
            )
            if own
            else Capacity()
        )
        competencies = draw(
            st.one_of(
                st.just(frozenset(PartnerType)),
                st.frozensets(st.sampled_from(list(PartnerType)), min_size=1),
            )
        )
        if draw(st.integers(0, 4)) == 0:
            team.append(
                PartnerSuccessManager(
                    id=f"M-{i}",
                    name="Sam",
                    competencies=competencies,
                    capacity=attrs.evolve(capacity, recruit=0),
                )
            )
        else:
            team.append(
                PartnerManager(
                    id=f"M-{i}",
                    name="Dana",
                    role=draw(st.sampled_from(ROLES)),
                    competencies=competencies,
                    capacity=capacity,
                )
            )
    return team


@st.composite
def partner_list(draw, manager_ids, start=0, max_size=25):
    count = draw(st.integers(0, max_size))
    found = []
    for i in range(start, start + count):
        assigned = {}
        if manager_ids and draw(st.booleans()):
            assigned[draw(st.sampled_from(list(TeamRole)))] = draw(st.sampled_from(manager_ids))
        found.append(
            Partner(
                id=f"P-{i}",
                name="Acme",
                partner_type=draw(st.sampled_from(list(PartnerType))),
                stage=draw(st.sampled_from(list(PartnerStage))),
                stage_since=date(2026, 1, 1),
                managers=assigned,
            )
        )
    return found


@st.composite
def scenarios(draw, max_partners=25):
    team = draw(managers(draw(st.integers(0, 5))))
    ids = [m.id for m in team]
    partners = draw(partner_list(ids, max_size=max_partners))
    bands = {p.id: b for p in partners if (b := draw(BANDS)) is not None}
    triangle = {p.id: t for p in partners if (t := draw(TRIANGLE)) is not None}
    structure = draw(st.one_of(st.none(), STRUCTURES))
    target = draw(
        st.dictionaries(st.sampled_from(list(PartnerType)), st.integers(0, 30), max_size=3)
    )
    portfolio = Portfolio(as_of=DAY, currency="EUR", partners=partners, managers=team)
    return portfolio, {
        "structure": structure,
        "bands": bands,
        "triangle": triangle,
        "recruiting_target": target,
    }


def plan_of(portfolio, policy=POLICY, **kwargs):
    return policy.plan(portfolio, quarter=Q, **kwargs)


class TestProperties:
    @given(scenarios(), st.data())
    def test_adding_partners_never_lowers_the_recommended_headcount(self, scenario, data):
        portfolio, kwargs = scenario
        if kwargs["structure"] is None:
            kwargs["structure"] = POLICY.plan(portfolio, quarter=Q).structure
        ids = [m.id for m in portfolio.managers]
        more = data.draw(partner_list(ids, start=1000, max_size=10))
        bigger = attrs.evolve(portfolio, partners=(*portfolio.partners, *more))
        before = plan_of(portfolio, **kwargs).recommended_headcount
        after = plan_of(bigger, **kwargs).recommended_headcount
        assert after >= before

    @given(
        scenarios(),
        st.sampled_from(list(TeamRole)),
        st.sampled_from(list(Workload)),
        st.integers(1, 40),
    )
    def test_raising_a_roles_capacity_never_raises_the_recommended_headcount(
        self, scenario, role, workload, extra
    ):
        portfolio, kwargs = scenario
        base = params()
        capacity = base.capacity[role]
        field = workload.value
        raised = attrs.evolve(capacity, **{field: getattr(capacity, field) + extra})
        if role is TeamRole.PARTNER_SUCCESS_MANAGER and workload is Workload.RECRUIT:
            raised = capacity
        higher = EvolvingMatrix(parameters=params(capacity={role: raised}))
        before = plan_of(portfolio, **kwargs).recommended_headcount
        after = plan_of(portfolio, higher, **kwargs).recommended_headcount
        assert after <= before

    @given(scenarios(max_partners=40))
    def test_after_the_recommended_plan_no_manager_is_over_capacity(self, scenario):
        portfolio, kwargs = scenario
        plan = plan_of(portfolio, **kwargs)
        assert plan.unplaced == ()
        assert [load.manager_id for load in plan.loads_after if load.overloaded] == []

    @given(scenarios(), st.integers(1, 6))
    def test_an_unfunded_hire_is_never_reported_as_funded(self, scenario, multiple):
        portfolio, kwargs = scenario
        policy = EvolvingMatrix(parameters=params(required_multiple=multiple))
        plan = plan_of(portfolio, policy, **kwargs)
        for hire in plan.hires:
            assert hire.required == hire.cost * multiple * hire.position
            assert hire.funded == (hire.revenue >= hire.required)
            assert hire.reasons[-1].code == ("funded" if hire.funded else "unfunded")
        assert set(plan.unfunded_hires).isdisjoint(plan.funded_hires)

    @given(scenarios(), st.randoms(use_true_random=False))
    def test_results_do_not_depend_on_input_order(self, scenario, rnd):
        portfolio, kwargs = scenario
        partners = list(portfolio.partners)
        team = list(portfolio.managers)
        rnd.shuffle(partners)
        rnd.shuffle(team)
        shuffled = Portfolio(as_of=DAY, currency="EUR", partners=partners, managers=team)
        assert plan_of(shuffled, **kwargs) == plan_of(portfolio, **kwargs)

    @given(scenarios())
    def test_every_hire_adds_one_head_to_its_segment(self, scenario):
        portfolio, kwargs = scenario
        plan = plan_of(portfolio, **kwargs)
        assert plan.recommended_headcount == plan.current_headcount + len(plan.hires)
        hired = {}
        for hire in plan.hires:
            hired[hire.segment] = hired.get(hire.segment, 0) + 1
        for segment, count in hired.items():
            assert plan.recommended[segment] >= count


class TestCapacity:
    def test_a_manager_with_too_many_partners_is_flagged_and_relieved_by_a_hire(self):
        dana = PartnerManager(id="M-1", name="Dana")
        partners = [
            Partner(
                id=f"P-{i:02}",
                name="Acme",
                partner_type=PartnerType.RESELLER,
                stage=PartnerStage.ACTIVE,
                stage_since=date(2026, 1, 1),
                managers={TeamRole.PARTNER_MANAGER: "M-1"},
            )
            for i in range(40)
        ]
        portfolio = Portfolio(as_of=DAY, currency="EUR", partners=partners, managers=[dana])
        plan = plan_of(portfolio)
        assert plan.overloaded == ("M-1",)
        assert plan.loads[0].utilisation[Workload.MANAGE] == Decimal("1.3333")
        assert [h.segment for h in plan.hires] == [Segment(TeamRole.PARTNER_MANAGER)]
        moved = [m for m in plan.moves if m.kind is MoveKind.REASSIGN_PARTNER]
        assert len(moved) == 10
        assert {m.reasons[0].code for m in moved} == {"overload"}
        assert {m.to_id for m in moved} == {"new:partner_manager:1"}
        (why,) = [r for r in plan.hires[0].reasons if r.code == "capacity"]
        assert why.text == (
            "partner_manager: 40 standard partners to manage need 1 more head(s): the 1 in it "
            "now have room for 30, and each new one takes 30"
        )
        assert why.facts["demand"] == Decimal("40.0000")  # the facts keep four places
        assert why.facts["capacity_of_people"] == 30

    def test_a_strategic_alliance_weighs_more_than_a_referral_partner(self):
        def load_of(kind):
            partner = Partner(
                id="P-1",
                name="Acme",
                partner_type=kind,
                stage=PartnerStage.ACTIVE,
                stage_since=date(2026, 1, 1),
                managers={TeamRole.PARTNER_MANAGER: "M-1"},
            )
            portfolio = Portfolio(
                as_of=DAY,
                currency="EUR",
                partners=[partner],
                managers=[PartnerManager(id="M-1", name="Dana")],
            )
            return plan_of(portfolio).loads[0].load[Workload.MANAGE]

        assert load_of(PartnerType.STRATEGIC_ALLIANCE) == 8 * load_of(PartnerType.REFERRAL)


class TestFunding:
    def test_a_needed_hire_the_revenue_cannot_fund_is_reported_with_its_numbers(self):
        policy = EvolvingMatrix(
            parameters=params(revenue={PartnerType.REFERRAL: Money(1_000, "EUR")})
        )
        partners = [
            Partner(
                id=f"P-{i}",
                name="Acme",
                partner_type=PartnerType.REFERRAL,
                stage=PartnerStage.ACTIVE,
                stage_since=date(2026, 1, 1),
            )
            for i in range(10)
        ]
        portfolio = Portfolio(as_of=DAY, currency="EUR", partners=partners)
        (hire,) = plan_of(policy=policy, portfolio=portfolio).hires
        assert not hire.funded
        assert hire.revenue == Money(10_000, "EUR")
        assert hire.required == Money(300_000, "EUR")
        assert hire.shortfall == Money(290_000, "EUR")

    def test_costs_in_another_currency_than_the_portfolio_are_refused(self):
        portfolio = Portfolio(as_of=DAY, currency="USD")
        with pytest.raises(CurrencyMismatchError):
            plan_of(portfolio)


class TestEvolvingMatrix:
    def _portfolio(self, count, stage=PartnerStage.ACTIVE, kind=PartnerType.RESELLER, start=0):
        return partners_of(count, stage=stage, kind=kind, start=start)

    def test_a_small_program_keeps_one_end_to_end_business_developer(self):
        portfolio = Portfolio(
            as_of=DAY,
            currency="EUR",
            partners=self._portfolio(5),
            managers=[PartnerManager(id="M-1", name="Dana")],
        )
        plan = plan_of(portfolio)
        assert plan.structure == TeamStructure()
        assert plan.next_structure == TeamStructure()
        assert plan.recommended == {Segment(TeamRole.PARTNER_MANAGER): 1}

    def test_a_recruiting_heavy_team_is_told_to_split_into_hunters_and_farmers(self):
        partners = self._portfolio(8) + self._portfolio(10, PartnerStage.RECRUITING, start=8)
        portfolio = Portfolio(as_of=DAY, currency="EUR", partners=partners)
        plan = plan_of(portfolio)
        (change,) = plan.structure_changes
        assert change.kind == "split"
        assert change.reasons[0].facts["recruiting_share"] > Decimal("0.5")
        assert plan.next_structure.split

    def test_split_team_hands_co_selling_of_ramped_partners_to_account_executives(self):
        partners = self._portfolio(2)
        deal = Opportunity(
            id="O-1",
            source=DealSource.PARTNER_SOURCED,
            amount=Money(10_000, "EUR"),
            stage=OpportunityStage.QUALIFIED,
            stage_since=date(2026, 9, 1),
            registered_on=date(2026, 9, 1),
            partner_id="P-0",
            account_executive_id="AE-1",
        )
        portfolio = Portfolio(
            as_of=DAY,
            currency="EUR",
            partners=partners,
            account_executives=[AccountExecutive(id="AE-1", name="Kim")],
            opportunities=[deal],
        )
        plan = plan_of(portfolio, structure=TeamStructure(split=True))
        (handover,) = [m for m in plan.moves if m.kind is MoveKind.HAND_OVER_CO_SELLING]
        assert (handover.subject_id, handover.to_id) == ("P-0", "AE-1")

    def test_two_skill_groups_with_volume_get_specialists(self):
        partners = self._portfolio(25, kind=PartnerType.MSP) + self._portfolio(
            6, kind=PartnerType.STRATEGIC_ALLIANCE, start=100
        )
        portfolio = Portfolio(as_of=DAY, currency="EUR", partners=partners)
        plan = plan_of(portfolio)
        assert plan.next_structure.specialised == {"alliances", "channel"}
        specialised = plan_of(portfolio, structure=plan.next_structure)
        assert specialised.recommended[Segment(TeamRole.ALLIANCE_MANAGER, "alliances")] == 1

    def test_an_end_to_end_manager_becomes_a_farmer_when_the_team_splits(self):
        portfolio = Portfolio(
            as_of=DAY,
            currency="EUR",
            partners=self._portfolio(3),
            managers=[PartnerManager(id="M-1", name="Dana")],
        )
        plan = plan_of(portfolio, structure=TeamStructure(split=True))
        (move,) = [m for m in plan.moves if m.kind is MoveKind.CHANGE_ROLE]
        assert (move.from_role, move.to_role) == (
            TeamRole.PARTNER_MANAGER,
            TeamRole.PARTNER_SUCCESS_MANAGER,
        )

    def test_the_leadership_triangle_routes_partners_to_sponsors_pams_and_support(self):
        partners = self._portfolio(20)
        triangle = {
            "P-0": "aggressive_growth",
            "P-1": "growth_potential",
            "P-2": "growth_potential",
        }
        triangle |= {f"P-{i}": "limited_growth" for i in range(3, 20)}
        portfolio = Portfolio(as_of=DAY, currency="EUR", partners=partners)
        plan = plan_of(
            portfolio, structure=TeamStructure(stage=CompanyStage.LEADERSHIP), triangle=triangle
        )
        assert plan.demand[Segment(TeamRole.EXECUTIVE_SPONSOR)][Workload.MANAGE] == 1
        assert plan.demand[Segment(TeamRole.PARTNER_ACCOUNT_MANAGER)][Workload.MANAGE] == 2
        assert plan.demand[Segment(TeamRole.CHANNEL_SUPPORT)][Workload.MANAGE] == 17


class TestParameters:
    def test_a_capacity_too_small_for_the_heaviest_partner_is_refused(self):
        with pytest.raises(ValidationError, match=r"capacity\[executive_sponsor\]\.manage"):
            params(capacity={TeamRole.EXECUTIVE_SPONSOR: Capacity(manage=2)})

    def test_a_float_multiple_is_refused(self):
        with pytest.raises(ValidationError, match="required_multiple"):
            params(required_multiple=2.5)

    def test_the_default_policy_is_a_staffing_policy(self):
        assert isinstance(POLICY, StaffingPolicy)

    def test_a_plan_needs_a_quarter(self):
        with pytest.raises(ValidationError, match="quarter"):
            POLICY.plan(Portfolio(as_of=DAY, currency="EUR"), quarter=DAY)

    @pytest.mark.parametrize(
        ("argument", "given", "field"),
        [
            ("bands", {"P-1": "stellar"}, r"bands\['P-1'\]"),
            ("bands", {"P-1": 3}, r"bands\['P-1'\]"),
            ("bands", {"P-1": "TOP"}, r"bands\['P-1'\]"),  # the member's name, not its value
            ("bands", {7: "top"}, "bands"),
            ("triangle", {"P-1": "sideways"}, r"triangle\['P-1'\]"),
        ],
    )
    def test_a_mapping_of_unknown_bands_or_segments_is_refused(self, argument, given, field):
        with pytest.raises(ValidationError, match=field):
            plan_of(Portfolio(as_of=DAY, currency="EUR"), **{argument: given})

    @given(bands=st.lists(st.sampled_from(list(PerformanceBand)), min_size=1, max_size=12))
    def test_bands_given_as_members_or_their_values_plan_alike(self, bands):
        partners = partners_of(len(bands))
        portfolio = Portfolio(as_of=DAY, currency="EUR", partners=partners)
        as_members = {p.id: band for p, band in zip(partners, bands, strict=True)}
        as_text = {pid: band.value for pid, band in as_members.items()}
        assert plan_of(portfolio, bands=as_text) == plan_of(portfolio, bands=as_members)
        # None, like a partner left out, means no band.
        first, *rest = partners
        with_none = {p.id: as_members[p.id] for p in rest} | {first.id: None}
        without = {p.id: as_members[p.id] for p in rest}
        assert plan_of(portfolio, bands=with_none) == plan_of(portfolio, bands=without)


def test_committed_partners_are_the_top_band_by_default():
    # About the fifth of a program the forecast's committed_share assumes; the middle
    # stays with its partner managers.
    assert params().committed_bands == frozenset({"top"})
