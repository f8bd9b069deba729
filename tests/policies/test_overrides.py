"""Organisation rules have the last word: overrides applied after each policy, explained."""

from datetime import date
from decimal import Decimal

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
from partnerdomain.policies import (
    EngagementAllocation,
    EngagementLevel,
    PerformanceBand,
    PerformanceTriangle,
    RelativeBands,
    ThresholdTiers,
    Tier,
    TriangleSegment,
)
from partnerdomain.rules import RuleSet, override, rule

Q = Quarter(2026, 3)


def portfolio():
    partners = [
        Partner(
            id=f"P-{i:02d}",
            name=f"Partner {i}",
            partner_type=PartnerType.STRATEGIC_ALLIANCE if i == 0 else PartnerType.MSP,
            stage=PartnerStage.ACTIVE,
            stage_since=date(2024, 1, 1),
            joined_on=date(2024, 1, 1),
        )
        for i in range(20)
    ]
    opportunities = [
        Opportunity(
            id=f"O-{i}",
            source=DealSource.PARTNER_SOURCED,
            amount=Money(1000 * (i + 1), "EUR"),
            stage=OpportunityStage.WON,
            stage_since=date(2026, 8, 1),
            registered_on=date(2026, 1, 1),
            partner_id=f"P-{i:02d}",
        )
        for i in range(20)
    ]
    return Portfolio(
        as_of=date(2026, 9, 30), currency="EUR", partners=partners, opportunities=opportunities
    )


@rule("alliances-are-never-bottom", applies_to="partner")
def alliances_are_never_bottom(partner, context):
    if partner.partner_type is PartnerType.STRATEGIC_ALLIANCE and context.get("band") == "bottom":
        return override("band", "middle", reason="strategic alliances are judged yearly")
    return None


@rule("made-up-band", applies_to="partner")
def made_up_band(partner, context):
    if partner.id == "P-01" and context.get("band"):
        return override("band", "superstar", reason="not a band")
    return None


@rule("broken", applies_to="partner")
def broken(partner):
    if partner.id == "P-02":
        msg = "this rule has a bug"
        raise RuntimeError(msg)


class TestBandOverrides:
    def test_an_override_replaces_the_band_and_is_the_last_reason(self):
        bands = RelativeBands().assess(portfolio(), Q, rules=RuleSet([alliances_are_never_bottom]))
        placement = bands.placement("P-00")
        assert placement.value is PerformanceBand.MIDDLE
        assert bands.band_of("P-00") is PerformanceBand.MIDDLE
        assert placement.overridden
        last = placement.reasons[-1]
        assert last.code == "override"
        assert last.facts["rule_id"] == "alliances-are-never-bottom"
        assert last.facts["from"] == "bottom"
        assert last.facts["to"] == "middle"
        assert "strategic alliances are judged yearly" in str(last)
        assert placement.reasons[0].facts["band"] == "bottom"
        assert "P-00" in bands.members(PerformanceBand.MIDDLE)
        assert "P-00" not in bands.members(PerformanceBand.BOTTOM)

    def test_an_override_to_an_unknown_band_is_ignored_and_reported(self):
        bands = RelativeBands().assess(portfolio(), Q, rules=RuleSet([made_up_band]))
        placement = bands.placement("P-01")
        assert placement.value is PerformanceBand.BOTTOM
        assert placement.reasons[-1].code == "override_ignored"

    def test_an_override_to_the_policys_own_answer_agrees_and_overrides_nothing(self):
        @rule("bottom-stays-bottom", applies_to="partner")
        def agrees(_partner, context):
            if context.get("band") == "bottom":
                return override("band", "bottom", reason="as the numbers say")
            return None

        bands = RelativeBands().assess(portfolio(), Q, rules=RuleSet([agrees]))
        placement = bands.placement("P-01")
        assert placement.value is PerformanceBand.BOTTOM
        assert not placement.overridden
        last = placement.reasons[-1]
        assert last.code == "override_agrees"
        assert last.facts["from"] == last.facts["to"] == "bottom"
        assert str(last).endswith(
            "rule bottom-stays-bottom agrees with the policy: band stays 'bottom': "
            "as the numbers say"
        )

    def test_a_failing_rule_is_collected_and_the_others_still_apply(self):
        rules = RuleSet([broken, alliances_are_never_bottom])
        bands = RelativeBands().assess(portfolio(), Q, rules=rules)
        assert bands.band_of("P-00") is PerformanceBand.MIDDLE
        assert [e.rule_id for e in bands.rule_errors] == ["broken"]

    def test_an_empty_rule_set_changes_nothing(self):
        plain = RelativeBands().assess(portfolio(), Q)
        ruled = RelativeBands().assess(portfolio(), Q, rules=RuleSet())
        assert list(plain) == list(ruled)


def test_triangle_tier_and_engagement_overrides_apply_too():
    @rule("p00-aggressive", applies_to="partner")
    def aggressive(partner, context):
        if partner.id == "P-00" and "triangle" in context and "engagement" not in context:
            return override("triangle", "aggressive_growth", reason="strategic bet")
        return None

    @rule("p00-gold", applies_to="partner")
    def gold(partner, context):
        if partner.id == "P-00" and "tier" in context:
            return override("tier", "Gold", reason="contractual tier")
        return None

    @rule("p05-ramp", applies_to="partner")
    def ramp(partner, context):
        if partner.id == "P-05" and "engagement" in context:
            return override("engagement", "ramp_support", reason="new business unit")
        return None

    rules = RuleSet([aggressive, gold, ramp])
    pf = portfolio()
    growth = {f"P-{i:02d}": Decimal(i) for i in range(20)}
    triangle = PerformanceTriangle(growth=lambda _p, _q: growth).assess(pf, Q, rules=rules)
    assert triangle.segment_of("P-00") is TriangleSegment.AGGRESSIVE_GROWTH
    tiers = ThresholdTiers(tiers=[Tier("Registered"), Tier("Gold", requires={"revenue": 10**6})])
    tiered = tiers.assess(pf, Q, rules=rules)
    assert tiered.tier_of("P-00") == "Gold"
    assert tiered.placement("P-00").progress is None
    bands = RelativeBands().assess(pf, Q)
    plan = EngagementAllocation().allocate(pf, Q, bands=bands, rules=rules)
    assert plan.level_of("P-05") is EngagementLevel.RAMP_SUPPORT
    assert plan.engagements["P-05"].reasons[-1].facts["rule_id"] == "p05-ramp"
