"""ThresholdTiers: named tiers by criteria, immediate promotion, demotion with hysteresis."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerdomain.exceptions import ValidationError
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
from partnerdomain.policies import ThresholdTiers, Tier
from partnerdomain.testing import portfolios

Q = Quarter(2026, 3)
TIERS = [
    Tier("Registered"),
    Tier("Silver", requires={"certifications": 1}),
    Tier("Gold", requires={"certifications": 2, "revenue": 100_000}),
    Tier("Platinum", requires={"certifications": 4, "revenue": 500_000, "won_deals": 3}),
]


def portfolio(certifications=0, revenue=(), tier=None, custom=None):
    partner = Partner(
        id="P-1",
        name="Acme",
        partner_type=PartnerType.VAR,
        stage=PartnerStage.ACTIVE,
        stage_since=date(2024, 1, 1),
        tier=tier,
        certifications=certifications,
        custom_fields=custom or {},
    )
    opportunities = [
        Opportunity(
            id=f"O-{i}",
            source=DealSource.PARTNER_SOURCED,
            amount=Money(amount, "EUR"),
            stage=OpportunityStage.WON,
            stage_since=date(2026, 8, 1),
            registered_on=date(2026, 1, 1),
            partner_id="P-1",
        )
        for i, amount in enumerate(revenue)
    ]
    return Portfolio(
        as_of=date(2026, 9, 30), currency="EUR", partners=[partner], opportunities=opportunities
    )


class TestQualification:
    def test_a_partner_gets_the_highest_tier_whose_every_criterion_it_meets(self):
        tiers = ThresholdTiers(tiers=TIERS).assess(portfolio(2, [60_000, 50_000]), Q)
        assert tiers.tier_of("P-1") == "Gold"

    def test_one_missing_criterion_keeps_a_partner_out_of_a_tier(self):
        tiers = ThresholdTiers(tiers=TIERS).assess(portfolio(5, [600_000]), Q)
        placement = tiers.placement("P-1")
        assert placement.value == "Gold"
        missing = {c.measure: c.missing for c in placement.progress.missing}
        assert missing == {"won_deals": Decimal(2)}

    def test_progress_to_the_next_tier_says_what_is_missing_and_by_how_much(self):
        placement = ThresholdTiers(tiers=TIERS).assess(portfolio(1, [40_000]), Q).placement("P-1")
        assert placement.value == "Silver"
        assert placement.progress.tier == "Gold"
        missing = {c.measure: (c.actual, c.missing) for c in placement.progress.missing}
        assert missing == {
            "certifications": (Decimal(1), Decimal(1)),
            "revenue": (Decimal(40_000), Decimal(60_000)),
        }
        assert placement.reasons[-1].code == "progress"
        assert "missing 60,000" in str(placement.reasons[-1])

    def test_custom_field_criteria_read_numbers_and_true_false(self):
        policy = ThresholdTiers(
            tiers=[
                Tier("Registered"),
                Tier("Certified", requires={"custom_fields.msa_signed": 1}),
            ]
        )
        yes = policy.assess(portfolio(custom={"msa_signed": True}), Q)
        missing = policy.assess(portfolio(custom={"other": 3}), Q)
        assert yes.tier_of("P-1") == "Certified"
        assert missing.tier_of("P-1") == "Registered"
        assert missing.placement("P-1").progress.checks[0].actual is None

    def test_no_skipping_promotes_one_tier_at_a_time(self):
        policy = ThresholdTiers(tiers=TIERS, allow_skipping=False)
        first = policy.assess(portfolio(2, [150_000], tier="Registered"), Q)
        assert first.tier_of("P-1") == "Silver"
        assert first.placement("P-1").reasons[0].code == "promotion_limited"
        second = policy.assess(portfolio(2, [150_000]), Q.next(), previous=first)
        assert second.tier_of("P-1") == "Gold"


class TestHysteresis:
    def test_demotion_comes_only_after_two_quarters_below(self):
        policy = ThresholdTiers(tiers=TIERS)
        q1 = policy.assess(portfolio(2, [150_000]), Q)
        q2 = policy.assess(portfolio(1), Q.next(), previous=q1)
        q3 = policy.assess(portfolio(1), Q.shift(2), previous=q2)
        assert [q1.tier_of("P-1"), q2.tier_of("P-1"), q3.tier_of("P-1")] == [
            "Gold",
            "Gold",
            "Silver",
        ]
        assert q2.placement("P-1").reasons[0].code == "held_by_hysteresis"
        assert q2.placement("P-1").quarters_below == 1
        assert q3.placement("P-1").reasons[0].code == "demoted"

    def test_qualifying_again_resets_the_count(self):
        policy = ThresholdTiers(tiers=TIERS)
        q1 = policy.assess(portfolio(2, [150_000]), Q)
        q2 = policy.assess(portfolio(1), Q.next(), previous=q1)
        q3 = policy.assess(portfolio(2, [150_000]), Q.shift(2), previous=q2)
        q4 = policy.assess(portfolio(1), Q.shift(3), previous=q3)
        assert q4.tier_of("P-1") == "Gold"
        assert q4.placement("P-1").quarters_below == 1

    @given(
        st.lists(st.integers(0, 5), min_size=1, max_size=8),
        st.integers(1, 3),
        st.sampled_from([None, "Registered", "Silver", "Gold", "Platinum"]),
    )
    def test_a_tier_is_never_lowered_before_the_hysteresis_allows(
        self, certifications, demote_after, start
    ):
        tiers = [Tier("Registered")] + [
            Tier(name, requires={"certifications": n})
            for name, n in (("Silver", 1), ("Gold", 2), ("Platinum", 4))
        ]
        names = [None, "Registered", "Silver", "Gold", "Platinum"]
        policy = ThresholdTiers(tiers=tiers, demote_after=demote_after)
        previous = None
        held = start
        below = 0
        for k, count in enumerate(certifications):
            result = policy.assess(portfolio(count, tier=start), Q.shift(k), previous=previous)
            placement = result.placement("P-1")
            qualified = placement.qualified
            if names.index(qualified) < names.index(held):
                below += 1
            else:
                below = 0
            if names.index(placement.value) < names.index(held):
                assert below >= demote_after
            if names.index(qualified) >= names.index(held):
                assert placement.value == qualified
            held = placement.value
            below = placement.quarters_below
            previous = result


class TestInputs:
    def test_previous_must_be_the_quarter_just_before(self):
        policy = ThresholdTiers(tiers=TIERS)
        old = policy.assess(portfolio(), Q.shift(-2))
        with pytest.raises(ValidationError, match="2026Q2"):
            policy.assess(portfolio(), Q, previous=old)

    def test_an_unknown_tier_in_the_record_is_reported_and_treated_as_none(self):
        placement = (
            ThresholdTiers(tiers=TIERS).assess(portfolio(tier="Diamond"), Q).placement("P-1")
        )
        assert placement.reasons[0].code == "unknown_tier"
        assert placement.value == "Registered"

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"tiers": []}, "tiers"),
            ({"tiers": [Tier("A"), Tier("A")]}, "tiers"),
            ({"tiers": TIERS, "demote_after": 0}, "demote_after"),
            ({"tiers": TIERS, "allow_skipping": "no"}, "allow_skipping"),
            ({"tiers": TIERS, "window": 0}, "window"),
        ],
    )
    def test_bad_parameters_are_refused(self, kwargs, field):
        with pytest.raises(ValidationError) as caught:
            ThresholdTiers(**kwargs)
        assert caught.value.field == field

    @pytest.mark.parametrize(
        "requires", [{"revenu": 1}, {"revenue": -1}, {"revenue": 1.5}, {"custom_fields.": 1}]
    )
    def test_bad_requirements_are_refused(self, requires):
        with pytest.raises(ValidationError):
            Tier("Gold", requires=requires)


@given(portfolios(max_partners=8, max_opportunities=20))
def test_the_tier_qualified_for_is_the_highest_whose_progress_is_reached(generated):
    policy = ThresholdTiers(tiers=TIERS)
    quarter = Quarter.from_date(generated.as_of)
    for placement in policy.assess(generated, quarter):
        reached = [policy.progress(t, placement.measures).reached for t in policy.tiers]
        best = max((i for i, ok in enumerate(reached) if ok), default=-1)
        assert placement.qualified == (policy.tiers[best].name if best >= 0 else None)
        held = [t.name for t in policy.tiers].index(placement.value) if placement.value else -1
        following = held + 1
        if following < len(policy.tiers):
            assert placement.progress == policy.progress(
                policy.tiers[following], placement.measures
            )
        else:
            assert placement.progress is None
