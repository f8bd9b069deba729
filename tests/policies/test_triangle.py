"""The performance triangle: 5% aggressive growth, 15% growth potential, 80% limited."""

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
from partnerdomain.policies import PerformanceTriangle, TriangleSegment
from partnerdomain.policies._reasons import show_number

Q = Quarter(2026, 3)
growth_strategy = st.dictionaries(
    st.from_regex(r"P-[0-9]{1,3}", fullmatch=True), st.integers(-3, 6).map(Decimal), max_size=40
)


def test_a_thousand_partners_split_five_fifteen_eighty():
    growth = {f"P-{i:04d}": Decimal(i) for i in range(1000)}
    triangle = PerformanceTriangle().segment(growth, Q)
    assert triangle.counts == {
        TriangleSegment.AGGRESSIVE_GROWTH: 50,
        TriangleSegment.GROWTH_POTENTIAL: 150,
        TriangleSegment.LIMITED_GROWTH: 800,
    }
    assert triangle.segment_of("P-0999") is TriangleSegment.AGGRESSIVE_GROWTH
    assert triangle.segment_of("P-0800") is TriangleSegment.GROWTH_POTENTIAL
    assert triangle.segment_of("P-0799") is TriangleSegment.LIMITED_GROWTH


def test_pipeline_breaks_ties_in_growth():
    growth = {f"P-{i:02d}": Decimal(1) for i in range(20)}
    pipeline = {f"P-{i:02d}": Decimal(1000 if i == 7 else 0) for i in range(20)}
    triangle = PerformanceTriangle().segment(growth, Q, tie_breaker=pipeline)
    assert triangle.members(TriangleSegment.AGGRESSIVE_GROWTH) == ("P-07",)
    reason = triangle.placement("P-07").reasons[0]
    assert reason.facts["tie_breaker"] == Decimal(1000)
    assert reason.facts["tie_breaker_metric"] == "open_pipeline"


@given(growth_strategy, st.randoms(use_true_random=False))
def test_every_partner_lands_in_one_segment_whatever_the_input_order(growth, rnd):
    items = list(growth.items())
    rnd.shuffle(items)
    policy = PerformanceTriangle()
    first = policy.segment(growth, Q)
    second = policy.segment(dict(items), Q)
    assert list(first) == list(second)
    members = [pid for s in TriangleSegment for pid in first.members(s)]
    assert sorted(members) == sorted(growth)


@given(growth_strategy)
def test_upper_segments_never_exceed_their_targets(growth):
    triangle = PerformanceTriangle().segment(growth, Q)
    n = len(growth)
    aggressive = int(Decimal("0.05") * n + Decimal("0.5"))
    potential = int(Decimal("0.15") * n + Decimal("0.5"))
    assert triangle.counts[TriangleSegment.AGGRESSIVE_GROWTH] <= aggressive
    assert (
        triangle.counts[TriangleSegment.AGGRESSIVE_GROWTH]
        + triangle.counts[TriangleSegment.GROWTH_POTENTIAL]
        <= aggressive + potential
    )


def test_assess_ranks_by_year_over_year_growth_of_won_revenue():
    def partner(pid):
        return Partner(
            id=pid,
            name=pid,
            partner_type=PartnerType.ISV,
            stage=PartnerStage.ACTIVE,
            stage_since=date(2024, 1, 1),
        )

    def won(oid, pid, amount, day):
        return Opportunity(
            id=oid,
            source=DealSource.PARTNER_SOURCED,
            amount=Money(amount, "EUR"),
            stage=OpportunityStage.WON,
            stage_since=day,
            registered_on=date(2024, 1, 1),
            partner_id=pid,
        )

    partners = [partner(f"P-{i:02d}") for i in range(20)]
    opportunities = []
    for i in range(20):
        opportunities.append(won(f"O-a{i}", f"P-{i:02d}", 1000, date(2025, 8, 1)))
        opportunities.append(won(f"O-b{i}", f"P-{i:02d}", 1000 + 100 * i, date(2026, 8, 1)))
    triangle = PerformanceTriangle().assess(
        Portfolio(
            as_of=date(2026, 9, 30),
            currency="EUR",
            partners=partners,
            opportunities=opportunities,
        ),
        Q,
    )
    assert triangle.members(TriangleSegment.AGGRESSIVE_GROWTH) == ("P-19",)
    assert triangle.placement("P-19").reasons[0].facts["growth"] == Decimal("1.9")


def test_shares_above_one_are_refused():
    with pytest.raises(ValidationError) as caught:
        PerformanceTriangle(aggressive_growth=Decimal("0.5"), growth_potential=Decimal("0.6"))
    assert caught.value.field == "growth_potential"


@given(growth_strategy)
def test_a_tie_is_explained_exactly_when_it_spans_a_segments_target(growth):
    triangle = PerformanceTriangle().segment(growth, Q)
    n = len(growth)
    aggressive = int(Decimal("0.05") * n + Decimal("0.5"))
    potential = min(n - aggressive, int(Decimal("0.15") * n + Decimal("0.5")))
    cuts = {"aggressive_growth": aggressive, "growth_potential": aggressive + potential}
    for pid, value in growth.items():
        tied = [p for p, v in growth.items() if v == value]
        better = sum(1 for v in growth.values() if v > value)
        spans = [name for name, cut in cuts.items() if better < cut < better + len(tied)]
        ties = [r for r in triangle.placement(pid).reasons if r.code == "tie_at_boundary"]
        assert [r.facts["boundary"] for r in ties] == spans[-1:]  # the last one it spans
        for reason in ties:
            assert reason.facts["tie_size"] == len(tied)
            assert reason.facts["segment"] == triangle.segment_of(pid).value


def test_growth_from_nothing_is_called_unbounded_and_ties_go_to_the_lower_segment():
    growth = {f"P-{i:02d}": Decimal("Infinity") for i in range(20)}
    triangle = PerformanceTriangle().segment(growth, Q)
    assert triangle.counts[TriangleSegment.LIMITED_GROWTH] == 20
    ranked, tie = triangle.placement("P-00").reasons
    assert ranked.facts["unbounded"] is True
    assert "unbounded: nothing in the base period to grow from" in ranked.text
    assert tie.code == "tie_at_boundary"
    assert tie.facts == {
        "tie_size": 20,
        "boundary": "growth_potential",  # the last target the tie spans
        "target_position": 4,
        "segment": "limited_growth",
    }


def test_finite_growth_is_not_called_unbounded():
    triangle = PerformanceTriangle().segment({"P-1": Decimal(2), "P-2": Decimal("-Infinity")}, Q)
    for pid in ("P-1", "P-2"):
        assert "unbounded" not in triangle.placement(pid).reasons[0].facts


def test_the_text_rounds_a_long_growth_ratio_and_the_facts_keep_it_exact():
    growth = {"P-1": Decimal(361) / Decimal(450), "P-2": Decimal(1)}
    reason = PerformanceTriangle().segment(growth, Q).placement("P-1").reasons[0]
    assert "revenue_growth_yoy = 0.8022 " in reason.text
    assert reason.facts["growth"] == Decimal(361) / Decimal(450)  # all 28 digits


@given(
    st.one_of(
        st.decimals(allow_nan=False, allow_infinity=True),
        st.integers(),
        st.fractions().map(lambda f: Decimal(f.numerator) / Decimal(f.denominator or 1)),
    )
)
def test_reason_texts_show_numbers_to_at_most_four_places_and_close_to_the_value(value):
    text = show_number(value)
    if isinstance(value, Decimal) and not value.is_finite():
        assert text == str(value)
        return
    shown = Decimal(text.replace(",", ""))
    places = -shown.as_tuple().exponent
    if places > 4:  # a number too long to round within the context's precision
        assert shown == value
    else:
        assert abs(shown - Decimal(value)) <= Decimal("0.00005")
