from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerdomain import (
    DealSource,
    Money,
    Opportunity,
    OpportunityStage,
    Partner,
    PartnerStage,
    PartnerType,
    Quarter,
)
from partnerdomain.channel import (
    CommissionPlan,
    CommissionSchedule,
    PlanEntry,
    RateBand,
    RateMethod,
    Reversal,
)
from partnerdomain.exceptions import CurrencyMismatchError, UnknownIdError, ValidationError

rates = st.decimals(0, 1, places=3)


@st.composite
def schedules(draw, method=None):
    method = draw(st.sampled_from(list(RateMethod))) if method is None else method
    cuts = sorted(set(draw(st.lists(st.integers(1, 10**6), max_size=4))))
    band_rates = draw(st.lists(rates, min_size=len(cuts) + 1, max_size=len(cuts) + 1))
    if method is RateMethod.FLAT:
        band_rates.sort()
    edges = [0, *cuts, None]
    bands = [
        RateBand(lo, hi, r) for lo, hi, r in zip(edges[:-1], edges[1:], band_rates, strict=True)
    ]
    return CommissionSchedule(name="S", currency="EUR", bands=bands, method=method)


revenues = st.decimals(0, 5 * 10**6, places=2).map(lambda d: Money(d, "EUR"))


class TestScheduleProperties:
    @given(schedules(), revenues, revenues)
    def test_commission_is_monotone_in_revenue_and_never_negative(self, schedule, a, b):
        low, high = sorted([a, b])
        assert Money(0, "EUR") <= schedule.commission(low) <= schedule.commission(high)

    @given(schedules(RateMethod.TIERED), revenues)
    def test_tiered_commission_never_exceeds_the_top_rate_on_everything(self, schedule, revenue):
        top = max(b.rate for b in schedule.bands)
        assert schedule.commission(revenue) <= (revenue * top).rounded(2)


class TestScheduleExamples:
    gold = CommissionSchedule(
        name="Gold",
        currency="EUR",
        bands=[
            RateBand(0, 100_000, "0.10"),
            RateBand(100_000, 250_000, "0.15"),
            RateBand(250_000, None, "0.20"),
        ],
    )

    def test_tiered_bands_pay_each_rate_on_the_revenue_inside_them(self):
        # 10% of 100k + 15% of 150k + 20% of 50k
        assert self.gold.commission(Money(300_000, "EUR")) == Money("42500.00", "EUR")
        assert len(self.gold.quote(Money(300_000, "EUR")).reasons) == 3

    def test_flat_method_pays_the_reached_rate_on_everything(self):
        flat = CommissionSchedule(
            name="F", currency="EUR", bands=self.gold.bands, method=RateMethod.FLAT
        )
        assert flat.commission(Money(300_000, "EUR")) == Money("60000.00", "EUR")

    def test_a_flat_rate_schedule_has_one_band(self):
        assert CommissionSchedule.flat_rate("Base", "0.05", "EUR").commission(
            Money(1000, "EUR")
        ) == Money(50, "EUR")

    def test_revenue_in_another_currency_is_refused(self):
        with pytest.raises(CurrencyMismatchError):
            self.gold.commission(Money(1, "USD"))


class TestBandValidation:
    @pytest.mark.parametrize(
        ("bands", "message"),
        [
            ([RateBand(0, 100, "0.1"), RateBand(120, None, "0.2")], "leaves a gap after band 0"),
            ([RateBand(0, 100, "0.1"), RateBand(90, None, "0.2")], "overlaps band 0"),
            ([RateBand(10, None, "0.1")], "the first band starts at 0"),
            ([RateBand(0, 100, "0.1")], "the last band must be open-ended"),
            (
                [RateBand(0, None, "0.1"), RateBand(100, None, "0.2")],
                "only the last band may be open-ended",
            ),
            ([], "one or more RateBand"),
        ],
    )
    def test_bands_must_be_contiguous_and_must_not_overlap(self, bands, message):
        with pytest.raises(ValidationError, match=message):
            CommissionSchedule(name="S", currency="EUR", bands=bands)

    def test_a_flat_schedule_may_not_lower_its_rate_on_a_higher_band(self):
        with pytest.raises(ValidationError, match="pay less for more revenue"):
            CommissionSchedule(
                name="S",
                currency="EUR",
                method="flat",
                bands=[RateBand(0, 100, "0.2"), RateBand(100, None, "0.1")],
            )

    @pytest.mark.parametrize(
        ("start", "end", "rate"), [(-1, None, 0), (5, 5, 0), (0, None, "1.5"), (0, None, 0.1)]
    )
    def test_a_band_must_be_well_formed(self, start, end, rate):
        with pytest.raises(ValidationError):
            RateBand(start, end, rate)

    def test_one_entry_per_tier_and_type(self):
        s = CommissionSchedule.flat_rate("S", "0.1", "EUR")
        with pytest.raises(ValidationError, match="already covered"):
            CommissionPlan(
                entries=[PlanEntry(schedule=s, tier="Gold"), PlanEntry(schedule=s, tier="Gold")]
            )


def reseller(pid="P1", tier="Gold", kind=PartnerType.RESELLER):
    return Partner(
        id=pid,
        name=pid,
        partner_type=kind,
        stage=PartnerStage.ACTIVE,
        stage_since=date(2025, 1, 1),
        tier=tier,
    )


def won(id_, amount, day, partner_id="P1", source=DealSource.PARTNER_SOURCED):
    return Opportunity(
        id=id_,
        source=source,
        amount=Money(amount, "EUR"),
        stage=OpportunityStage.WON,
        stage_since=day,
        registered_on=day - timedelta(days=30),
        partner_id=partner_id,
        close_date=day,
    )


GOLD = TestScheduleExamples.gold
PLAN = CommissionPlan(
    entries=[
        PlanEntry(schedule=GOLD, tier="Gold"),
        PlanEntry(
            schedule=CommissionSchedule.flat_rate("Gold MSP", "0.12", "EUR"),
            tier="Gold",
            partner_type=PartnerType.MSP,
        ),
        PlanEntry(
            schedule=CommissionSchedule.flat_rate("Any MSP", "0.08", "EUR"),
            partner_type=PartnerType.MSP,
        ),
    ],
    default=CommissionSchedule.flat_rate("Base", "0.05", "EUR"),
)


class TestPlan:
    @pytest.mark.parametrize(
        ("tier", "kind", "expected"),
        [
            ("Gold", PartnerType.MSP, "Gold MSP"),
            ("Gold", PartnerType.VAR, "Gold"),
            ("Silver", PartnerType.MSP, "Any MSP"),
            (None, PartnerType.VAR, "Base"),
        ],
    )
    def test_the_most_specific_schedule_applies(self, tier, kind, expected):
        schedule, reason = PLAN.schedule_for(reseller(tier=tier, kind=kind))
        assert schedule.name == expected
        assert reason.facts["schedule"] == expected

    def test_a_partner_without_a_schedule_earns_nothing_and_is_told_why(self):
        (payout,) = CommissionPlan().payouts(
            [reseller()], [won("O1", 1000, date(2026, 2, 1))], [Quarter(2026, 1)]
        )
        assert payout.amount == Money(0, "EUR")
        assert payout.reasons[0].code == "commission.no_schedule"


class TestPayouts:
    def test_a_reversal_claws_back_what_the_deal_earned_in_the_quarter_of_the_reversal(self):
        deals = [won("O1", 80_000, date(2026, 2, 1)), won("O2", 70_000, date(2026, 3, 1))]
        q1, q2, q3 = PLAN.payouts(
            [reseller()],
            deals,
            [Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3)],
            reversals=[Reversal(opportunity_id="O2", on=date(2026, 4, 20), note="refund")],
        )
        assert q1.earned == Money("17500.00", "EUR")  # 10% of 100k + 15% of 50k
        assert q2.clawed_back == Money("9500.00", "EUR")  # 17.5k less 8k on the remaining 80k
        assert q2.clawbacks[0].won_in == Quarter(2026, 1)
        assert q2.amount == Money(0, "EUR")
        assert q2.carried_out == Money("9500.00", "EUR")
        assert q3.carried_in == Money("9500.00", "EUR")
        assert "clawed back" in q2.explain()

    def test_debt_is_recovered_from_later_earnings(self):
        deals = [won("O1", 10_000, date(2026, 1, 10)), won("O2", 50_000, date(2026, 5, 10))]
        q1, q2 = PLAN.payouts(
            [reseller()],
            deals,
            [Quarter(2026, 1), Quarter(2026, 2)],
            reversals=[Reversal(opportunity_id="O1", on=date(2026, 4, 1))],
        )
        assert q1.amount == Money("1000.00", "EUR")
        assert q2.amount == Money("4000.00", "EUR")  # 5k earned less the 1k clawed back

    def test_the_answer_does_not_depend_on_which_quarters_are_asked_for(self):
        deals = [won("O1", 10_000, date(2026, 1, 10))]
        reversal = [Reversal(opportunity_id="O1", on=date(2026, 4, 1))]
        (alone,) = PLAN.payouts([reseller()], deals, [Quarter(2026, 3)], reversals=reversal)
        assert alone.carried_in == Money("1000.00", "EUR")

    @pytest.mark.parametrize(
        ("reversal", "error"),
        [
            (Reversal(opportunity_id="nope", on=date(2026, 4, 1)), UnknownIdError),
            (Reversal(opportunity_id="O1", on=date(2025, 12, 1)), ValidationError),
            (
                Reversal(opportunity_id="O1", on=date(2026, 4, 1), amount=Money(20_000, "EUR")),
                ValidationError,
            ),
        ],
    )
    def test_impossible_reversals_are_refused(self, reversal, error):
        with pytest.raises(error):
            PLAN.payouts(
                [reseller()],
                [won("O1", 10_000, date(2026, 1, 10))],
                [Quarter(2026, 1)],
                reversals=[reversal],
            )

    @given(
        st.lists(st.tuples(st.integers(1, 400_000), st.integers(0, 364)), max_size=8),
        st.lists(
            st.tuples(st.integers(0, 7), st.integers(0, 200), st.sampled_from([None, 1, 2])),
            max_size=5,
        ),
        schedules(),
    )
    def test_earned_less_clawed_back_equals_commission_on_what_was_kept(
        self, raw_deals, raw_reversals, schedule
    ):
        start = date(2026, 1, 1)
        deals = [
            won(f"O{i}", amount, start + timedelta(days=d))
            for i, (amount, d) in enumerate(raw_deals)
        ]
        reversals, used = [], set()
        for index, after, part in raw_reversals:
            if index < len(deals) and index not in used:
                used.add(index)
                deal = deals[index]
                amount = (
                    None
                    if part is None
                    else Money(deal.amount.amount / 2 if part == 2 else deal.amount.amount, "EUR")
                )
                reversals.append(
                    Reversal(
                        opportunity_id=deal.id,
                        on=deal.close_date + timedelta(days=after),
                        amount=amount,
                    )
                )
        plan = CommissionPlan(default=schedule)
        quarters = list(Quarter(2026, 1).until(Quarter(2027, 4)))
        payouts = plan.payouts([reseller()], deals, quarters, reversals=reversals)
        zero = Money(0, "EUR")
        assert all(p.amount >= zero and p.carried_out >= zero and p.earned >= zero for p in payouts)
        net = sum((p.earned - p.clawed_back for p in payouts), zero)
        paid = sum((p.amount for p in payouts), zero)
        assert paid - payouts[-1].carried_out == net
        reversed_by_id = {
            r.opportunity_id: (
                r.amount or next(d.amount for d in deals if d.id == r.opportunity_id)
            )
            for r in reversals
        }
        expected = zero
        for q in quarters:
            in_q = [d for d in deals if d.close_date in q]
            revenue = sum((d.amount - reversed_by_id.get(d.id, zero) for d in in_q), zero)
            expected += schedule.commission(revenue)
        assert net == expected
