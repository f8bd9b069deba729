"""Partner bets: RelativeBands and the Bands it returns."""

import random
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import assume, given
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
from partnerdomain.policies import Bands, Metric, PerformanceBand, RelativeBands

Q = Quarter(2026, 3)
BAND_ORDER = {
    PerformanceBand.BOTTOM: 0,
    PerformanceBand.MIDDLE: 1,
    PerformanceBand.TOP: 2,
}

# Few distinct values, so that ties (and tie groups across boundaries) are common.
values_strategy = st.dictionaries(
    st.from_regex(r"P-[0-9]{1,3}", fullmatch=True),
    st.integers(0, 12).map(Decimal),
    max_size=40,
)
shares_strategy = st.tuples(
    st.sampled_from(["0", "0.05", "0.1", "0.15", "0.2", "0.5"]),
    st.sampled_from(["0", "0.05", "0.1", "0.15", "0.2", "0.5"]),
)


def tie_size_at(bands: Bands, boundary: int) -> int:
    """Size of the tie group a target boundary cuts (0 when it cuts none)."""
    ranking = bands._ranking
    if not 0 < boundary < len(ranking):
        return 0
    start, end = ranking.tie_group(boundary)
    return end - start if start < boundary else 0


class TestEveryPartnerInExactlyOneBand:
    @given(values_strategy, shares_strategy)
    def test_members_of_all_bands_partition_the_assessed_partners(self, values, shares):
        bands = RelativeBands(top=shares[0], bottom=shares[1]).band(values, Q)
        members = [pid for band in PerformanceBand for pid in bands.members(band)]
        assert sorted(members) == sorted(values)
        assert len(bands) == len(values)
        for pid in values:
            assert pid in bands.members(bands.band_of(pid))


class TestMonotonicity:
    @given(values_strategy, st.data())
    def test_more_of_the_metric_never_lowers_a_partners_band(self, values, data):
        assume(values)
        pid = data.draw(st.sampled_from(sorted(values)))
        extra = data.draw(st.integers(1, 20))
        policy = RelativeBands()
        before = policy.band(values, Q).band_of(pid)
        after = policy.band({**values, pid: values[pid] + extra}, Q).band_of(pid)
        assert BAND_ORDER[after] >= BAND_ORDER[before]


class TestSharesUpToTies:
    @given(values_strategy, shares_strategy)
    def test_band_sizes_match_targets_within_the_tie_group_at_each_boundary(self, values, shares):
        bands = RelativeBands(top=shares[0], bottom=shares[1]).band(values, Q)
        targets, counts = bands.targets, bands.counts
        top_boundary = targets[PerformanceBand.TOP]
        bottom_boundary = top_boundary + targets[PerformanceBand.MIDDLE]
        top_tie = tie_size_at(bands, top_boundary)
        bottom_tie = tie_size_at(bands, bottom_boundary)
        assert counts[PerformanceBand.TOP] <= targets[PerformanceBand.TOP]
        assert targets[PerformanceBand.TOP] - counts[PerformanceBand.TOP] <= max(top_tie - 1, 0)
        assert counts[PerformanceBand.BOTTOM] >= targets[PerformanceBand.BOTTOM] or (
            counts[PerformanceBand.BOTTOM] == len(values) - counts[PerformanceBand.TOP]
        )
        assert counts[PerformanceBand.BOTTOM] - targets[PerformanceBand.BOTTOM] <= max(
            bottom_tie - 1, 0
        )

    @given(st.integers(1, 300))
    def test_distinct_values_give_exactly_the_rounded_shares(self, n):
        bands = RelativeBands().band({f"P-{i}": Decimal(i) for i in range(n)}, Q)
        top = int(Decimal("0.15") * n + Decimal("0.5"))
        assert bands.counts[PerformanceBand.TOP] == top
        assert bands.counts[PerformanceBand.BOTTOM] == min(top, n - top)

    @given(values_strategy)
    def test_tied_partners_share_band_and_rank(self, values):
        bands = RelativeBands().band(values, Q)
        by_value: dict[Decimal, set[tuple[PerformanceBand, int | None]]] = {}
        for pid, value in values.items():
            by_value.setdefault(value, set()).add((bands.band_of(pid), bands.rank_of(pid)))
        assert all(len(seen) == 1 for seen in by_value.values())


class TestOrderIndependence:
    @given(values_strategy, st.randoms(use_true_random=False))
    def test_shuffling_the_input_changes_nothing(self, values, rnd):
        items = list(values.items())
        rnd.shuffle(items)
        joined = {pid: date(2026, 8, 1) for pid in sorted(values)[:3]}
        policy = RelativeBands()
        first = list(policy.band(values, Q, joined_on=joined))
        second = list(policy.band(dict(items), Q, joined_on=dict(reversed(joined.items()))))
        assert first == second


class TestGracePeriod:
    @given(
        values_strategy,
        st.data(),
        st.integers(0, 4),
    )
    def test_partners_in_their_grace_period_are_ramping_and_never_bottom(self, values, data, grace):
        joined = {
            pid: data.draw(st.dates(date(2024, 1, 1), date(2026, 12, 31))) for pid in sorted(values)
        }
        policy = RelativeBands(grace_quarters=grace)
        bands = policy.band(values, Q, joined_on=joined)
        for pid, day in joined.items():
            in_grace = grace > 0 and Quarter.from_date(day).index > Q.index - grace
            assert (bands.band_of(pid) is PerformanceBand.RAMPING) == in_grace

    def test_a_new_partner_at_the_bottom_is_ramping_not_bottom(self):
        values = {f"P-{i}": Decimal(i * 100) for i in range(20)}
        bands = RelativeBands().band(values, Q, joined_on={"P-0": date(2026, 4, 2)})
        placement = bands.placement("P-0")
        assert placement.value is PerformanceBand.RAMPING
        assert placement.reasons[0].code == "grace_period"
        assert placement.reasons[0].facts["grace_until"] == Quarter(2026, 3)
        assert bands.rank_of("P-0") is None

    def test_a_partner_that_joined_two_quarters_ago_is_ranked(self):
        values = {f"P-{i}": Decimal(i * 100) for i in range(20)}
        bands = RelativeBands().band(values, Q, joined_on={"P-0": date(2026, 3, 31)})
        assert bands.band_of("P-0") is PerformanceBand.BOTTOM


class TestSeedNumbers:
    def test_fifteen_top_partners_of_a_pareto_shaped_hundred_carry_at_least_seventy_percent(self):
        # Revenue of the i-th partner falls off as a power law, the seeds' 80/20 shape.
        values = {
            f"P-{i:03d}": (Decimal(1_000_000) / Decimal(i) ** Decimal("1.2")).quantize(
                Decimal("0.01")
            )
            for i in range(1, 101)
        }
        bands = RelativeBands().band(values, Q)
        assert bands.counts[PerformanceBand.TOP] == 15
        assert bands.counts[PerformanceBand.MIDDLE] == 70
        assert bands.counts[PerformanceBand.BOTTOM] == 15
        assert bands.concentration is not None
        assert bands.concentration >= Decimal("0.70")
        assert bands.members(PerformanceBand.TOP) == tuple(f"P-{i:03d}" for i in range(1, 16))

    def test_zero_sellers_tied_across_the_bottom_boundary_are_all_bottom(self):
        values = {f"P-{i:02d}": Decimal(0 if i < 30 else i) for i in range(100)}
        bands = RelativeBands().band(values, Q)
        assert bands.counts[PerformanceBand.BOTTOM] == 30
        reasons = bands.placement("P-00").reasons
        assert [r.code for r in reasons] == ["ranked", "tie_at_boundary"]
        assert reasons[1].facts["tie_size"] == 30


class TestReasons:
    def test_a_ranked_partners_reason_names_value_rank_cut_off_quarter_and_parameters(self):
        values = {f"P-{i:02d}": Decimal(i * 1000) for i in range(20)}
        placement = RelativeBands().band(values, Q).placement("P-19")
        reason = placement.reasons[0]
        assert placement.value is PerformanceBand.TOP
        assert reason.code == "ranked"
        assert reason.policy == "RelativeBands"
        assert reason.quarter == Q
        assert reason.facts["value"] == Decimal(19000)
        assert reason.facts["rank"] == 1
        assert reason.facts["of"] == 20
        assert reason.facts["top_cut_off"] == Decimal(16000)
        assert reason.facts["parameters"]["top"] == Decimal("0.15")
        assert "rank 1 of 20" in str(reason)
        assert "top_cut_off=16,000" in reason.describe()

    def test_cut_offs_are_none_when_nobody_was_ranked(self):
        bands = RelativeBands().band({}, Q)
        assert bands.cut_offs == {"top": None, "bottom": None}
        assert bands.concentration is None
        assert list(bands) == []


def partner(pid, *, stage=PartnerStage.ACTIVE, joined_on=date(2024, 1, 1)):
    return Partner(
        id=pid,
        name=f"Partner {pid}",
        partner_type=PartnerType.RESELLER,
        stage=stage,
        stage_since=date(2024, 1, 1),
        joined_on=joined_on,
    )


def won(oid, pid, amount, day, source=DealSource.PARTNER_SOURCED):
    return Opportunity(
        id=oid,
        source=source,
        amount=Money(amount, "EUR"),
        stage=OpportunityStage.WON,
        stage_since=day,
        registered_on=date(2025, 1, 1),
        partner_id=pid,
        close_date=day,
    )


class TestAssessPortfolio:
    def portfolio(self):
        partners = [partner(f"P-{i}") for i in range(10)]
        partners.append(partner("P-new", stage=PartnerStage.ENABLEMENT, joined_on=None))
        partners.append(partner("P-gone", stage=PartnerStage.OFFBOARDED))
        opportunities = [
            won(f"O-{i}", f"P-{i}", 1000 * (i + 1), date(2026, 8, 1)) for i in range(10)
        ]
        opportunities.append(won("O-old", "P-0", 99_999, date(2025, 6, 30)))
        opportunities.append(
            won("O-inf", "P-1", 99_999, date(2026, 8, 1), DealSource.PARTNER_INFLUENCED)
        )
        return Portfolio(
            as_of=date(2026, 9, 30),
            currency="EUR",
            partners=partners,
            opportunities=opportunities,
        )

    def test_partner_sourced_won_revenue_of_four_quarters_ranks_the_partners(self):
        bands = RelativeBands().assess(self.portfolio(), Q)
        assert bands.value_of("P-0") == Decimal(1000)
        assert bands.value_of("P-1") == Decimal(2000)
        assert bands.band_of("P-9") is PerformanceBand.TOP
        assert bands.band_of("P-0") is PerformanceBand.BOTTOM

    def test_partners_still_in_enablement_are_ramping(self):
        placement = RelativeBands().assess(self.portfolio(), Q).placement("P-new")
        assert placement.value is PerformanceBand.RAMPING
        assert placement.reasons[0].code == "enablement_stage"

    def test_partners_outside_the_program_are_excluded_with_the_reason(self):
        bands = RelativeBands().assess(self.portfolio(), Q)
        assert "P-gone" not in bands
        assert "offboarded" in bands.excluded["P-gone"]

    def test_any_metric_function_may_rank(self):
        def certifications(portfolio, _quarter):
            return {p.id: p.certifications for p in portfolio.partners}

        bands = RelativeBands(metric=certifications).assess(self.portfolio(), Q)
        assert bands.metric == "certifications"
        assert bands.counts[PerformanceBand.BOTTOM] == 10

    def test_a_metric_that_forgets_a_partner_is_refused(self):
        metric = Metric(name="partial", compute=lambda _portfolio, _quarter: {"P-0": 1})
        with pytest.raises(ValidationError, match="partial"):
            RelativeBands(metric=metric).assess(self.portfolio(), Q)


class TestParameters:
    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"top": Decimal("1.5")}, "top"),
            ({"top": -0.1}, "top"),
            ({"bottom": "lots"}, "bottom"),
            ({"top": 0.6, "bottom": 0.5}, "bottom"),
            ({"grace_quarters": -1}, "grace_quarters"),
            ({"grace_quarters": True}, "grace_quarters"),
            ({"stages": "active"}, "stages"),
        ],
    )
    def test_bad_parameters_are_refused_with_the_field_named(self, kwargs, field):
        with pytest.raises(ValidationError) as caught:
            RelativeBands(**kwargs)
        assert caught.value.field == field

    def test_float_shares_are_read_exactly(self):
        assert RelativeBands(top=0.15).top == Decimal("0.15")
        assert RelativeBands(top=0.1, bottom=0.2).middle == Decimal("0.7")

    @pytest.mark.parametrize("bad", [Decimal("NaN"), float("nan"), "12", None, True])
    def test_metric_values_that_cannot_be_ranked_are_refused(self, bad):
        with pytest.raises(ValidationError) as caught:
            RelativeBands().band({"P-1": Decimal(1), "P-2": bad}, Q)
        assert caught.value.field == "P-2"

    def test_mixing_decimal_and_float_values_is_refused(self):
        with pytest.raises(ValidationError, match="never mixes"):
            RelativeBands().band({"P-1": Decimal(1), "P-2": 2.5}, Q)

    def test_a_join_date_for_an_unknown_partner_is_refused(self):
        with pytest.raises(ValidationError, match="joined_on"):
            RelativeBands().band({"P-1": 1}, Q, joined_on={"P-9": date(2026, 1, 1)})

    def test_the_quarter_must_be_a_quarter(self):
        with pytest.raises(ValidationError, match="Quarter"):
            RelativeBands().band({}, "2026Q3")


def test_bands_of_a_large_random_portfolio_are_consistent():
    rnd = random.Random(7)  # noqa: S311 - test data, not secrets
    values = {f"P-{i}": Decimal(rnd.randint(0, 50)) for i in range(5000)}
    bands = RelativeBands().band(values, Q)
    placements = list(bands)
    assert len(placements) == 5000
    assert [p.partner_id for p in placements] == list(bands.partner_ids)
    assert all(bands.band_of(p.partner_id) is p.value for p in placements[:100])
