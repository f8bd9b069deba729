"""EngagementAllocation: engagement levels, hours within capacity, assignment of new partners."""

from datetime import date
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerdomain.exceptions import ValidationError
from partnerdomain.model import (
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
    EngagementAllocation,
    EngagementLevel,
    PerformanceTriangle,
    PerpetualPoorPerformers,
    RelativeBands,
)
from partnerdomain.testing import partner_managers, partners, portfolios

Q = Quarter(2026, 3)


@given(portfolios(max_partners=10, max_opportunities=15), st.data())
def test_hours_never_exceed_capacity_and_every_partner_gets_a_level(portfolio, data):
    quarter = Quarter.from_date(portfolio.as_of)
    bands = RelativeBands().assess(portfolio, quarter)
    triangle = data.draw(st.sampled_from([None, PerformanceTriangle().assess(portfolio, quarter)]))
    hours = {
        m.id: data.draw(st.integers(0, 500) | st.decimals(0, 500, places=2))
        for m in portfolio.managers
    }
    allocation = EngagementAllocation().allocate(
        portfolio, quarter, bands=bands, triangle=triangle, available_hours=hours
    )
    assert set(allocation.engagements) == set(bands.partner_ids)
    for manager in portfolio.managers:
        assert allocation.total_hours(manager.id) <= allocation.available[manager.id]
        assert allocation.total_hours(manager.id) <= hours[manager.id]
    assert all(h.hours >= 0 for h in allocation.hours)
    # The indexed lookups agree with a scan of every entry.
    for manager in portfolio.managers:
        scanned = {h.partner_id: h.hours for h in allocation.hours if h.manager_id == manager.id}
        assert allocation.hours_of(manager.id) == scanned
        assert allocation.total_hours(manager.id) == sum(scanned.values(), Decimal(0))
    for partner in portfolio.partners:
        assert allocation.hours_for(partner.id) == sum(
            (h.hours for h in allocation.hours if h.partner_id == partner.id), Decimal(0)
        )
    managers = {m.id: m for m in portfolio.managers}
    load = {m: len(portfolio.partners_managed_by(m)) for m in managers}
    for assignment in allocation.assignments:
        manager = managers[assignment.manager_id]
        partner = portfolio.partner(assignment.partner_id)
        assert not partner.managers
        assert manager.is_competent_for(partner.partner_type)
        assert manager.covers_region(partner.region)
        load[manager.id] += 1
        assert load[manager.id] <= manager.capacity.manage
    placed = {a.partner_id for a in allocation.assignments} | {
        u.partner_id for u in allocation.unplaced
    }
    unmanaged = {pid for pid in bands.partner_ids if not portfolio.partner(pid).managers}
    assert placed == unmanaged


def partner(pid, *, manager="M-1", **kwargs):
    defaults = {
        "name": pid,
        "partner_type": PartnerType.MSP,
        "stage": PartnerStage.ACTIVE,
        "stage_since": date(2024, 1, 1),
        "joined_on": date(2024, 1, 1),
        "managers": {TeamRole.PARTNER_MANAGER: manager} if manager else {},
    }
    return Partner(id=pid, **{**defaults, **kwargs})


def opportunity(oid, pid, amount, stage=OpportunityStage.WON, day=date(2026, 8, 1)):
    return Opportunity(
        id=oid,
        source=DealSource.PARTNER_SOURCED,
        amount=Money(amount, "EUR"),
        stage=stage,
        stage_since=day,
        registered_on=date(2026, 1, 1),
        partner_id=pid,
        close_date=day,
    )


def program(extra_partners=(), extra_opportunities=(), managers=None):
    partners = [partner(f"P-{i:02d}") for i in range(20)]
    opportunities = [opportunity(f"O-{i}", f"P-{i:02d}", 1000 * (i + 1)) for i in range(20)]
    return Portfolio(
        as_of=date(2026, 9, 30),
        currency="EUR",
        partners=[*partners, *extra_partners],
        opportunities=[*opportunities, *extra_opportunities],
        managers=managers or [PartnerManager(id="M-1", name="Dana", capacity=Capacity(manage=30))],
    )


class TestEngagement:
    def test_middle_performers_get_the_largest_share_of_hours_per_partner(self):
        portfolio = program()
        bands = RelativeBands().assess(portfolio, Q)
        allocation = EngagementAllocation().allocate(portfolio, Q, bands=bands)
        hours = allocation.hours_of("M-1")
        assert allocation.level_of("P-10") is EngagementLevel.FULL_ENGAGEMENT
        assert allocation.level_of("P-19") is EngagementLevel.LIGHT_TOUCH
        assert allocation.level_of("P-00") is EngagementLevel.INSIDE_SUPPORT
        assert hours["P-10"] > hours["P-19"] > hours["P-00"]
        assert allocation.total_hours("M-1") <= Decimal(390)

    def test_a_top_performer_with_a_large_open_deal_gets_deal_support(self):
        big = opportunity("O-big", "P-19", 250_000, OpportunityStage.NEGOTIATION)
        portfolio = program(extra_opportunities=[big])
        bands = RelativeBands().assess(portfolio, Q)
        allocation = EngagementAllocation().allocate(portfolio, Q, bands=bands)
        placement = allocation.engagements["P-19"]
        assert placement.value is EngagementLevel.DEAL_SUPPORT
        assert placement.reasons[0].facts["largest_open_deal"] == "O-big"

    def test_a_partner_being_offboarded_is_disengaged_whatever_its_band(self):
        leaving = partner(
            "P-10", stage=PartnerStage.OFFBOARDING, stage_since=date(2026, 9, 1), manager=None
        )
        base = program()
        portfolio = attrs.evolve(
            base, partners=[leaving if p.id == "P-10" else p for p in base.partners]
        )
        bands = RelativeBands().assess(portfolio, Q)
        assert bands.band_of("P-10").value == "middle"
        allocation = EngagementAllocation().allocate(portfolio, Q, bands=bands)
        placement = allocation.engagements["P-10"]
        assert placement.value is EngagementLevel.DISENGAGE
        assert placement.reasons[0].facts["offboarding"] is True
        assert "being offboarded" in placement.reasons[0].text
        assert "P-10" not in {a.partner_id for a in allocation.assignments}
        assert {u.partner_id: u.code for u in allocation.unplaced}["P-10"] == "disengaged"

    def test_a_top_partner_being_offboarded_keeps_deal_support_for_a_large_open_deal(self):
        leaving = partner("P-19", stage=PartnerStage.OFFBOARDING, stage_since=date(2026, 9, 1))
        big = opportunity("O-big", "P-19", 250_000, OpportunityStage.NEGOTIATION)
        base = program(extra_opportunities=[big])
        portfolio = attrs.evolve(
            base, partners=[leaving if p.id == "P-19" else p for p in base.partners]
        )
        bands = RelativeBands().assess(portfolio, Q)
        allocation = EngagementAllocation().allocate(portfolio, Q, bands=bands)
        placement = allocation.engagements["P-19"]
        assert placement.value is EngagementLevel.DEAL_SUPPORT
        assert "being offboarded, with a large open deal" in placement.reasons[0].text

    def test_new_partners_get_ramp_support(self):
        portfolio = program(extra_partners=[partner("P-new", joined_on=date(2026, 7, 1))])
        bands = RelativeBands().assess(portfolio, Q)
        allocation = EngagementAllocation().allocate(portfolio, Q, bands=bands)
        assert allocation.level_of("P-new") is EngagementLevel.RAMP_SUPPORT

    def test_perpetual_poor_performers_are_disengaged_and_recommended_for_offboarding(self):
        portfolio = program()
        earlier = {f"P-{i:02d}": i for i in range(20)}
        history = [RelativeBands().band(earlier, Q.shift(-k)) for k in range(1, 4)]
        history.append(RelativeBands().assess(portfolio, Q))
        offboarding = PerpetualPoorPerformers().find(history)
        allocation = EngagementAllocation().allocate(
            portfolio, Q, bands=history[-1], offboarding=offboarding
        )
        assert allocation.level_of("P-00") is EngagementLevel.DISENGAGE
        assert allocation.hours_of("M-1")["P-00"] == 0
        assert [r.partner_id for r in allocation.offboarding] == ["P-00", "P-01", "P-02"]

    def test_the_triangle_gives_aggressive_growers_executive_access(self):
        portfolio = program()
        bands = RelativeBands().assess(portfolio, Q)
        growth = {f"P-{i:02d}": Decimal(i % 7) for i in range(20)}
        growth["P-12"] = Decimal(100)
        triangle = PerformanceTriangle().segment(growth, Q)
        allocation = EngagementAllocation().allocate(portfolio, Q, bands=bands, triangle=triangle)
        assert allocation.level_of("P-12") is EngagementLevel.EXECUTIVE_ACCESS


class TestAssignment:
    def managers(self):
        return [
            PartnerManager(
                id="M-de",
                name="Greta",
                competencies=[PartnerType.MSP],
                languages=["de"],
                regions=["DACH"],
                capacity=Capacity(manage=1),
            ),
            PartnerManager(
                id="M-en",
                name="Sam",
                competencies=[PartnerType.MSP, PartnerType.VAR],
                languages=["en"],
                regions=["UK"],
                capacity=Capacity(manage=5),
            ),
            PartnerManager(id="M-rec", name="Hunter", role=TeamRole.RECRUITER),
        ]

    def allocate(self, *extra):
        portfolio = Portfolio(
            as_of=date(2026, 9, 30),
            currency="EUR",
            partners=list(extra),
            managers=self.managers(),
        )
        bands = RelativeBands().assess(portfolio, Q)
        return EngagementAllocation().allocate(portfolio, Q, bands=bands)

    def test_an_unmanaged_partner_goes_to_the_manager_with_its_type_language_and_region(self):
        allocation = self.allocate(partner("P-1", manager=None, languages=["de"], region="DACH"))
        assert [(a.partner_id, a.manager_id) for a in allocation.assignments] == [("P-1", "M-de")]
        assert allocation.assignments[0].reasons[0].code == "assigned"

    @pytest.mark.parametrize(
        ("kwargs", "code"),
        [
            ({"partner_type": PartnerType.STRATEGIC_ALLIANCE}, "no_competent_manager"),
            ({"languages": ["fr"]}, "no_language_match"),
            ({"languages": ["de"], "region": "UK"}, "no_region_match"),
        ],
    )
    def test_a_partner_that_cannot_be_placed_is_reported_with_the_reason(self, kwargs, code):
        allocation = self.allocate(partner("P-1", manager=None, **kwargs))
        assert allocation.assignments == ()
        assert [(u.partner_id, u.code) for u in allocation.unplaced] == [("P-1", code)]

    def test_a_full_manager_takes_no_more_partners(self):
        allocation = self.allocate(
            partner("P-1", manager=None, languages=["de"], region="DACH"),
            partner("P-2", manager=None, languages=["de"], region="DACH"),
        )
        assert len(allocation.assignments) == 1
        assert [u.code for u in allocation.unplaced] == ["no_capacity"]


class TestRolesCalledFor:
    """New partners go to the role their engagement level calls for, when one has room."""

    SUPPORT = PartnerManager(
        id="M-a-support",
        name="Inside",
        role=TeamRole.CHANNEL_SUPPORT,
        capacity=Capacity(manage=100),
    )
    SUCCESS = PartnerSuccessManager(id="M-b-success", name="Farmer", capacity=Capacity(manage=2))

    def allocate(self, *partners_, policy=None):
        portfolio = Portfolio(
            as_of=date(2026, 9, 30),
            currency="EUR",
            partners=list(partners_),
            managers=[self.SUPPORT, self.SUCCESS],
        )
        bands = RelativeBands().assess(portfolio, Q)
        return (policy or EngagementAllocation()).allocate(portfolio, Q, bands=bands)

    def newcomer(self, pid):
        return partner(pid, manager=None, joined_on=date(2026, 8, 1))  # in its grace period

    def test_a_ramping_partner_goes_to_a_partner_success_manager_with_less_room(self):
        allocation = self.allocate(self.newcomer("P-1"))
        assert allocation.level_of("P-1") is EngagementLevel.RAMP_SUPPORT
        (assignment,) = allocation.assignments
        assert (assignment.manager_id, assignment.role) == (
            "M-b-success",
            TeamRole.PARTNER_SUCCESS_MANAGER,
        )
        reason = assignment.reasons[0]
        assert "M-b-success (partner_success_manager): a role ramp_support calls for" in reason.text
        assert reason.facts["level"] == "ramp_support"
        assert reason.facts["roles_called_for"] == ("partner_success_manager", "partner_manager")
        assert reason.facts["in_role_called_for"] is True

    def test_when_no_role_called_for_has_room_another_role_takes_the_partner_and_says_why(self):
        allocation = self.allocate(*(self.newcomer(f"P-{i}") for i in range(3)))
        chosen = {a.partner_id: a.manager_id for a in allocation.assignments}
        assert chosen == {"P-0": "M-b-success", "P-1": "M-b-success", "P-2": "M-a-support"}
        reason = allocation.assignments[2].reasons[0]
        assert reason.facts["in_role_called_for"] is False
        assert reason.text.startswith(
            "assigned to M-a-support (channel_support) since no partner_success_manager or "
            "partner_manager, the roles ramp_support calls for, matching this partner has room;"
        )

    def test_the_roles_a_level_calls_for_can_be_set(self):
        policy = EngagementAllocation(
            level_roles={EngagementLevel.RAMP_SUPPORT: [TeamRole.CHANNEL_SUPPORT]}
        )
        allocation = self.allocate(self.newcomer("P-1"), policy=policy)
        assert [a.manager_id for a in allocation.assignments] == ["M-a-support"]
        # Levels not named keep their defaults; the parameters list them all.
        assert policy.level_roles[EngagementLevel.INSIDE_SUPPORT] == (TeamRole.CHANNEL_SUPPORT,)
        assert policy.parameters["level_roles"]["ramp_support"] == ("channel_support",)
        assert set(policy.parameters["level_roles"]) == {level.value for level in EngagementLevel}

    def test_a_level_calling_for_no_role_takes_the_manager_with_most_room(self):
        policy = EngagementAllocation(level_roles={EngagementLevel.RAMP_SUPPORT: ()})
        allocation = self.allocate(self.newcomer("P-1"), policy=policy)
        (assignment,) = allocation.assignments
        assert assignment.manager_id == "M-a-support"
        assert "(channel_support): ramp_support calls for no particular role" in (
            assignment.reasons[0].text
        )

    def test_roles_that_may_not_take_partners_are_not_called_for(self):
        # Partner success managers may not take new partners here: the ramping partner
        # goes to channel support, and its reason does not blame a lack of room.
        policy = EngagementAllocation(assign_roles={TeamRole.CHANNEL_SUPPORT})
        allocation = self.allocate(self.newcomer("P-1"), policy=policy)
        (assignment,) = allocation.assignments
        assert assignment.manager_id == "M-a-support"
        reason = assignment.reasons[0]
        assert reason.facts["roles_called_for"] == ()
        assert "partner_success_manager" not in reason.text


class TestParameters:
    def test_unknown_managers_in_available_hours_are_refused(self):
        portfolio = program()
        bands = RelativeBands().assess(portfolio, Q)
        with pytest.raises(ValidationError, match="M-9"):
            EngagementAllocation().allocate(portfolio, Q, bands=bands, available_hours={"M-9": 10})

    def test_negative_hours_are_refused(self):
        portfolio = program()
        bands = RelativeBands().assess(portfolio, Q)
        with pytest.raises(ValidationError):
            EngagementAllocation().allocate(portfolio, Q, bands=bands, available_hours={"M-1": -1})

    def test_bands_of_another_quarter_are_refused(self):
        portfolio = program()
        bands = RelativeBands().assess(portfolio, Q.previous())
        with pytest.raises(ValidationError, match="bands"):
            EngagementAllocation().allocate(portfolio, Q, bands=bands)

    def test_a_threshold_in_another_currency_is_refused(self):
        portfolio = program()
        bands = RelativeBands().assess(portfolio, Q)
        policy = EngagementAllocation(deal_support_threshold=Money(1000, "USD"))
        with pytest.raises(ValidationError, match="EUR"):
            policy.allocate(portfolio, Q, bands=bands)

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"weights": {EngagementLevel.LIGHT_TOUCH: -1}},
            {"weights": {"light_touch": 1}},
            {"default_hours": Decimal(-5)},
            {"deal_support_threshold": 1.5},
            {"level_roles": [TeamRole.PARTNER_MANAGER]},
            {"level_roles": {"ramp_support": (TeamRole.PARTNER_MANAGER,)}},
            {"level_roles": {EngagementLevel.RAMP_SUPPORT: "partner_manager"}},
            {"level_roles": {EngagementLevel.RAMP_SUPPORT: ("partner_manager",)}},
            {"level_roles": {EngagementLevel.RAMP_SUPPORT: {TeamRole.PARTNER_MANAGER}}},
            {"level_roles": {EngagementLevel.RAMP_SUPPORT: None}},
            {"level_roles": {EngagementLevel.RAMP_SUPPORT: TeamRole.PARTNER_MANAGER}},
        ],
    )
    def test_bad_parameters_are_refused(self, kwargs):
        with pytest.raises(ValidationError):
            EngagementAllocation(**kwargs)


def test_the_defaults_fit_the_protocols():
    from partnerdomain.policies import ThresholdTiers, Tier

    portfolio = program()
    policies = [RelativeBands(), PerformanceTriangle(), ThresholdTiers(tiers=[Tier("Registered")])]
    for policy in policies:
        result = policy.assess(portfolio, Q, rules=None)
        assert policy.name == result.policy
        assert result.parameters == policy.parameters
        assert result.quarter == Q
        assert len(result) == len(result.partner_ids) == 20
        placement = result.placement(result.partner_ids[0])
        assert placement.partner_id in result
        assert placement.reasons
    allocation = EngagementAllocation().allocate(
        portfolio, Q, bands=policies[0].assess(portfolio, Q)
    )
    assert allocation.policy == "EngagementAllocation"


# -- the matcher against the plain search it replaced ------------------------------------


def reference_match(partner, candidates, load, called_for=()):
    """The obvious search: filter every manager, take the least loaded with room.

    The least loaded of the first role called for that has a manager with room, else
    of all.
    """
    competent = [m for m in candidates if m.is_competent_for(partner.partner_type)]
    speaking = [
        m
        for m in competent
        if not partner.languages or not m.languages or set(partner.languages) & set(m.languages)
    ]
    covering = [m for m in speaking if m.covers_region(partner.region)]
    free = [m for m in covering if load[m.id] < m.capacity.manage]
    counts = (len(competent), len(speaking), len(covering), len(free))
    for code, found in zip(
        ("no_competent_manager", "no_language_match", "no_region_match", "no_capacity"),
        counts,
        strict=True,
    ):
        if not found:
            return None, code, counts
    preferred = next(
        (
            [m for m in free if m.role is role]
            for role in called_for
            if any(m.role is role for m in free)
        ),
        free,
    )
    chosen = min(preferred, key=lambda m: (load[m.id] - m.capacity.manage, m.id))
    return chosen.id, "assigned", counts


@given(
    managers=st.lists(
        st.tuples(
            partner_managers(max_custom_fields=0),
            st.integers(0, 3),  # capacity to manage
            st.integers(0, 3),  # partners already managed
        ),
        max_size=8,
        unique_by=lambda t: t[0].id,
    ),
    partners_=st.lists(
        st.tuples(
            partners(max_custom_fields=0),
            st.lists(st.sampled_from(TeamRole), max_size=3, unique=True).map(tuple),
        ),
        max_size=25,
    ),
)
def test_the_matcher_chooses_as_the_plain_search_does(managers, partners_):
    from partnerdomain.model import Capacity
    from partnerdomain.policies._allocation import _Matcher

    candidates = sorted(
        (attrs.evolve(m, capacity=Capacity(manage=cap)) for m, cap, _ in managers),
        key=lambda m: m.id,
    )
    load = {m.id: taken for m, _, taken in managers}
    expected_load = dict(load)
    matcher = _Matcher(candidates, load, {m.id: m.capacity.manage for m in candidates})
    for partner, called_for in partners_:
        chosen, code, facts = matcher.match(partner, called_for)
        want_id, want_code, counts = reference_match(partner, candidates, expected_load, called_for)
        assert (None if chosen is None else chosen.id, code) == (want_id, want_code)
        assert (facts["competent"], facts["speaking"], facts["covering"]) == counts[:3]
        assert facts["with_capacity"] == counts[3]
        if chosen is not None:
            matcher.assign(chosen)
            expected_load[chosen.id] += 1
        assert load == expected_load


def test_a_manager_without_a_recorded_capacity_has_their_roles_as_in_the_staffing_plan():
    portfolio = Portfolio(
        as_of=date(2026, 9, 30),
        currency="EUR",
        partners=[partner(f"P-{i:02d}", manager=None) for i in range(3)],
        managers=[PartnerManager(id="M-1", name="Dana")],
    )
    quarter = Quarter(2026, 3)
    bands = RelativeBands().assess(portfolio, quarter)
    plan = EngagementAllocation().allocate(portfolio, quarter, bands=bands)
    assert [a.manager_id for a in plan.assignments] == ["M-1"] * 3
    assert plan.unplaced == ()
    assert plan.assignments[-1].reasons[0].facts["capacity_left"] == 27
    small = EngagementAllocation(role_capacity={TeamRole.PARTNER_MANAGER: 2})
    capped = small.allocate(portfolio, quarter, bands=bands)
    assert len(capped.assignments) == 2
    assert [u.code for u in capped.unplaced] == ["no_capacity"]
    assert small.parameters["role_capacity"]["partner_manager"] == 2
    assert small.capacity_of(PartnerManager(id="M-2", name="Kim", capacity=Capacity(manage=5))) == 5


@pytest.mark.parametrize(
    "role_capacity", [{"partner_manager": 3}, {TeamRole.PARTNER_MANAGER: -1}, [1]]
)
def test_a_bad_role_capacity_is_refused_by_name(role_capacity):
    with pytest.raises(ValidationError, match="role_capacity"):
        EngagementAllocation(role_capacity=role_capacity)
