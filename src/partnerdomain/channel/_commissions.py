"""Commissions: rate schedules by tier and partner type, quarterly payouts, clawbacks.

A schedule is a list of revenue bands, each with a rate. The bands start at zero,
follow each other without gap or overlap (each starts where the previous one ends)
and the last one is open-ended, so every revenue falls in exactly one band. Two
methods read them:

* ``TIERED`` (marginal): each band's rate applies to the part of the revenue inside
  that band, like income tax brackets;
* ``FLAT``: the rate of the band the whole revenue reaches applies to all of it.
  Its rates must not decrease from band to band, otherwise earning more could pay
  less; a single band is a plain flat rate.

Either way the commission never decreases as revenue grows and is never negative.

A won deal that is later reversed (refunded, cancelled) is recorded as a
:class:`Reversal` with its date; the deal itself stays won. The clawback is exactly
what the reversal takes off the commission of the quarter the deal was won in, and
it is booked in the quarter of the reversal. A quarter whose clawbacks exceed what
it earned pays nothing and carries the rest, as an amount owed, into the next one.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise
from typing import TYPE_CHECKING

import attrs

from partnerdomain.channel._check import fail, need_date
from partnerdomain.channel._reasons import Reason
from partnerdomain.exceptions import UnknownIdError
from partnerdomain.model import DealSource, Money, Opportunity, Partner, PartnerType, Quarter

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = [
    "Clawback",
    "CommissionPlan",
    "CommissionQuote",
    "CommissionSchedule",
    "Payout",
    "PlanEntry",
    "RateBand",
    "RateMethod",
    "Reversal",
]


class RateMethod(StrEnum):
    """How a schedule's bands turn revenue into commission."""

    TIERED = "tiered"
    """Marginal: each band's rate applies to the revenue inside that band."""
    FLAT = "flat"
    """The rate of the band the revenue reaches applies to all of it."""


def _decimal(entity: str, field: str, value: object) -> Decimal:
    if isinstance(value, Decimal) and value.is_finite():
        return value
    if type(value) is int:
        return Decimal(value)
    if isinstance(value, str):
        try:
            parsed = Decimal(value.strip())
        except ArithmeticError:
            parsed = Decimal("NaN")
        if parsed.is_finite():
            return parsed
    return fail(entity, field, value, "a Decimal, an int or a decimal string (never a float)")


def _band_start(value: object) -> Decimal:
    return _decimal("RateBand", "start", value)


def _band_end(value: object) -> Decimal | None:
    return None if value is None else _decimal("RateBand", "end", value)


def _band_rate(value: object) -> Decimal:
    return _decimal("RateBand", "rate", value)


@attrs.frozen
class RateBand:
    """A band of revenue, from ``start`` (included) to ``end`` (excluded), with its rate.

    Args:
        start: Where the band starts, in the schedule's currency.
        end: Where it ends; ``None`` for the open-ended last band.
        rate: The commission rate, from 0 to 1 (``Decimal("0.1")`` is 10%).
    """

    start: Decimal = attrs.field(converter=_band_start)
    end: Decimal | None = attrs.field(converter=_band_end)
    rate: Decimal = attrs.field(converter=_band_rate)

    def __attrs_post_init__(self) -> None:
        """Check that the band is well formed."""
        if self.start < 0:
            fail("RateBand", "start", self.start, "zero or more")
        if self.end is not None and self.end <= self.start:
            fail("RateBand", "end", self.end, f"None or more than start ({self.start})")
        if not 0 <= self.rate <= 1:
            fail("RateBand", "rate", self.rate, "a rate from 0 to 1, e.g. Decimal('0.1') for 10%")

    def __str__(self) -> str:
        """Format like ``[0, 100000): 10%``."""
        end = "..." if self.end is None else f"{self.end:,}"
        return f"[{self.start:,}, {end}): {_percent(self.rate)}"


def _bands(value: Iterable[RateBand]) -> tuple[RateBand, ...]:
    bands = tuple(value)
    if not bands or not all(isinstance(b, RateBand) for b in bands):
        fail("CommissionSchedule", "bands", value, "one or more RateBand")
    if bands[0].start != 0:
        fail(
            "CommissionSchedule", "bands[0].start", bands[0].start, "0: the first band starts at 0"
        )
    for index, (before, after) in enumerate(pairwise(bands), start=1):
        if before.end is None:
            fail(
                "CommissionSchedule",
                f"bands[{index - 1}].end",
                None,
                f"an end: only the last band may be open-ended, and band {index} follows it",
            )
        if after.start != before.end:
            problem = "leaves a gap after" if after.start > before.end else "overlaps"
            fail(
                "CommissionSchedule",
                f"bands[{index}].start",
                after.start,
                f"{before.end} (where band {index - 1} ends): band {index} {problem} band "
                f"{index - 1}; bands must be contiguous and must not overlap",
            )
    if bands[-1].end is not None:
        fail(
            "CommissionSchedule",
            f"bands[{len(bands) - 1}].end",
            bands[-1].end,
            "None: the last band must be open-ended so that every revenue is covered",
        )
    return bands


def _currency(_instance: object, _attribute: attrs.Attribute[str], value: str) -> None:
    Money(0, value)  # raises ValidationError for a bad code


@attrs.frozen(kw_only=True)
class CommissionQuote:
    """The commission on one amount of revenue, with its workings.

    Args:
        revenue: The revenue.
        amount: The commission, rounded half-even to the schedule's places.
        reasons: One reason per band that contributed.
    """

    revenue: Money
    amount: Money
    reasons: tuple[Reason, ...]


@attrs.frozen(kw_only=True)
class CommissionSchedule:
    """Commission rates over bands of revenue, read marginally or flat.

    Args:
        name: A name to show in explanations (e.g. ``"Gold resellers"``).
        currency: The currency of the band limits and of the revenue it applies to.
        bands: The bands, contiguous from 0, the last open-ended.
        method: ``TIERED`` (marginal, the default) or ``FLAT``.
        places: Decimal places the commission is rounded to (half-even).

    Raises:
        ValidationError: If the bands have a gap or an overlap, do not start at 0, do
            not end open, or (for ``FLAT``) have a decreasing rate.
    """

    name: str
    currency: str = attrs.field(validator=_currency)
    bands: tuple[RateBand, ...] = attrs.field(converter=_bands)
    method: RateMethod = attrs.field(default=RateMethod.TIERED, converter=RateMethod)
    places: int = 2

    def __attrs_post_init__(self) -> None:
        """Check that a flat schedule never pays less for more revenue."""
        if type(self.name) is not str or not self.name.strip():
            fail("CommissionSchedule", "name", self.name, "a non-empty string")
        if type(self.places) is not int or not 0 <= self.places <= 6:
            fail("CommissionSchedule", "places", self.places, "an int from 0 to 6")
        if self.method is RateMethod.FLAT:
            for index, (before, after) in enumerate(pairwise(self.bands), start=1):
                if after.rate < before.rate:
                    fail(
                        "CommissionSchedule",
                        f"bands[{index}].rate",
                        after.rate,
                        f"at least {before.rate} (the rate of band {index - 1}): with the flat "
                        "method a lower rate on a higher band would pay less for more revenue",
                    )

    @classmethod
    def flat_rate(cls, name: str, rate: Decimal | int | str, currency: str) -> CommissionSchedule:
        """Return a schedule paying ``rate`` on all revenue."""
        return cls(name=name, currency=currency, bands=[RateBand(0, None, rate)])

    def quote(self, revenue: Money) -> CommissionQuote:
        """Return the commission on ``revenue``, with one reason per contributing band.

        Raises:
            CurrencyMismatchError: If ``revenue`` is in another currency.
            ValidationError: If ``revenue`` is negative.
        """
        if not isinstance(revenue, Money):
            fail("CommissionSchedule.quote", "revenue", revenue, "a Money")
        if revenue.currency != self.currency:
            Money.zero(self.currency) + revenue  # raises CurrencyMismatchError
        if revenue.amount < 0:
            fail("CommissionSchedule.quote", "revenue", revenue, "zero or more")
        value = revenue.amount
        reasons = []
        total = Decimal(0)
        if self.method is RateMethod.FLAT:
            band = next(b for b in reversed(self.bands) if value >= b.start)
            total = value * band.rate
            reasons.append(self._reason(band, value, total))
        else:
            for band in self.bands:
                if value <= band.start:
                    break
                top = value if band.end is None else min(value, band.end)
                part = (top - band.start) * band.rate
                total += part
                reasons.append(self._reason(band, top - band.start, part))
        amount = Money(total, self.currency).rounded(self.places)
        return CommissionQuote(revenue=revenue, amount=amount, reasons=tuple(reasons))

    def commission(self, revenue: Money) -> Money:
        """Return the commission on ``revenue`` (see :meth:`quote`)."""
        return self.quote(revenue).amount

    def _reason(self, band: RateBand, base: Decimal, amount: Decimal) -> Reason:
        return Reason(
            code=f"commission.{self.method.value}_band",
            message=(
                f"{self.name}: {_percent(band.rate)} of {base:,} {self.currency} in band {band} "
                f"is {amount:,.2f} {self.currency}."
            ),
            facts={
                "schedule": self.name,
                "band": str(band),
                "rate": str(band.rate),
                "base": str(base),
                "amount": str(amount),
            },
        )


@attrs.frozen(kw_only=True)
class PlanEntry:
    """Which schedule applies to which partners: by tier, by partner type, or both.

    Args:
        schedule: The schedule.
        tier: The tier it applies to (``None``: any tier).
        partner_type: The partner type it applies to (``None``: any type).
    """

    schedule: CommissionSchedule
    tier: str | None = None
    partner_type: PartnerType | None = None

    @property
    def specificity(self) -> int:
        """3 for tier and type, 2 for tier only, 1 for type only, 0 for neither."""
        return (2 if self.tier is not None else 0) + (1 if self.partner_type is not None else 0)

    def matches(self, partner: Partner) -> bool:
        """Whether the entry applies to ``partner``."""
        return (self.tier is None or self.tier == partner.tier) and (
            self.partner_type is None or self.partner_type is partner.partner_type
        )


@attrs.frozen(kw_only=True)
class Reversal:
    """A won deal reversed (refunded or cancelled) on a day, in whole or in part.

    The opportunity stays won; the reversal is a separate fact with its own date, so
    the commission already paid can be clawed back in the quarter it happened.

    Args:
        opportunity_id: The reversed deal.
        on: The day of the reversal.
        amount: How much of the deal was reversed; ``None`` for all of it.
        note: Why, if known.
    """

    opportunity_id: str
    on: date
    amount: Money | None = None
    note: str | None = None

    def __attrs_post_init__(self) -> None:
        """Check the fields."""
        need_date("Reversal", "on", self.on)
        if self.amount is not None and self.amount.amount <= 0:
            fail("Reversal", "amount", self.amount, "None or a positive Money")


@attrs.frozen(kw_only=True)
class Clawback:
    """Commission taken back because a won deal was reversed.

    Args:
        opportunity_id: The reversed deal.
        on: The day of the reversal.
        won_in: The quarter whose commission the deal counted in.
        reversed_amount: How much revenue was reversed.
        amount: How much commission that revenue had earned.
    """

    opportunity_id: str
    on: date
    won_in: Quarter
    reversed_amount: Money
    amount: Money


@attrs.frozen(kw_only=True)
class Payout:
    """One partner's commission for one quarter.

    ``amount`` is what is paid: ``earned - clawed_back`` minus any debt carried in,
    never below zero; what could not be recovered is ``carried_out`` as a debt (a
    positive amount the partner still owes against later quarters).

    Args:
        partner_id: The partner.
        quarter: The quarter.
        schedule: The name of the schedule applied (``None`` if none applies).
        revenue: The revenue of the deals won in the quarter.
        earned: The commission on that revenue.
        clawed_back: The commission taken back for reversals dated in the quarter.
        carried_in: Debt carried in from earlier quarters.
        amount: What is paid for the quarter.
        carried_out: Debt carried into the next quarter.
        deals: The ids of the deals won in the quarter.
        clawbacks: The clawbacks booked in the quarter.
        reasons: The workings, in words and facts.
    """

    partner_id: str
    quarter: Quarter
    schedule: str | None
    revenue: Money
    earned: Money
    clawed_back: Money
    carried_in: Money
    amount: Money
    carried_out: Money
    deals: tuple[str, ...]
    clawbacks: tuple[Clawback, ...]
    reasons: tuple[Reason, ...]

    def explain(self) -> str:
        """Explain the payout in words the partner may be shown."""
        return " ".join(r.message for r in self.reasons)


def _entries(value: Iterable[PlanEntry]) -> tuple[PlanEntry, ...]:
    entries = tuple(value)
    seen: set[tuple[str | None, PartnerType | None]] = set()
    for index, entry in enumerate(entries):
        if not isinstance(entry, PlanEntry):
            fail("CommissionPlan", f"entries[{index}]", entry, "a PlanEntry")
        key = (entry.tier, entry.partner_type)
        if key in seen:
            fail(
                "CommissionPlan",
                f"entries[{index}]",
                key,
                "one entry per (tier, partner type): this pair is already covered",
            )
        seen.add(key)
    return entries


@attrs.frozen(kw_only=True)
class CommissionPlan:
    """The program's commission schedules, and the payouts they produce.

    A partner gets the most specific entry that matches it: tier and type, then tier
    alone, then type alone, then ``default``. Only won deals of the given ``sources``
    count, in the quarter of their ``close_date`` (their ``stage_since`` if the close
    date is missing). The partners' current tiers and types are used for every
    quarter: to pay with past tiers, compute each quarter with the partners as they
    stood then.

    Args:
        entries: The schedules, by tier and partner type.
        default: The schedule for partners no entry matches (``None``: they earn none).
        sources: Which deals earn commission.
        fiscal_start_month: The month the fiscal year starts.
    """

    entries: tuple[PlanEntry, ...] = attrs.field(default=(), converter=_entries)
    default: CommissionSchedule | None = None
    sources: frozenset[DealSource] = attrs.field(
        default=frozenset({DealSource.PARTNER_SOURCED, DealSource.PARTNER_INFLUENCED}),
        converter=frozenset,
    )
    fiscal_start_month: int = 1

    def schedule_for(self, partner: Partner) -> tuple[CommissionSchedule | None, Reason]:
        """Return the schedule that applies to ``partner`` and why."""
        matching = [e for e in self.entries if e.matches(partner)]
        if matching:
            entry = max(matching, key=lambda e: e.specificity)
            on = " and ".join(
                part
                for part in (
                    f"tier {entry.tier}" if entry.tier is not None else "",
                    f"type {entry.partner_type.value}" if entry.partner_type is not None else "",
                )
                if part
            )
            return entry.schedule, Reason(
                code="commission.schedule",
                message=f"Schedule {entry.schedule.name} applies for {on or 'every partner'}.",
                facts={"partner_id": partner.id, "schedule": entry.schedule.name},
            )
        if self.default is not None:
            return self.default, Reason(
                code="commission.default_schedule",
                message=(
                    f"No schedule names this tier and type; the default {self.default.name} "
                    "applies."
                ),
                facts={"partner_id": partner.id, "schedule": self.default.name},
            )
        return None, Reason(
            code="commission.no_schedule",
            message=(
                f"No schedule applies to tier {partner.tier or 'none'} and type "
                f"{partner.partner_type.value}, and the plan has no default: no commission."
            ),
            facts={"partner_id": partner.id, "tier": partner.tier},
        )

    def payouts(
        self,
        partners: Iterable[Partner],
        opportunities: Iterable[Opportunity],
        quarters: Iterable[Quarter],
        *,
        reversals: Iterable[Reversal] = (),
    ) -> tuple[Payout, ...]:
        """Compute each partner's payout for each quarter, with clawbacks.

        Debt carried between quarters is worked out from the first quarter with a win
        or a reversal, so the result does not depend on which quarters are asked for.

        Args:
            partners: The partners to pay.
            opportunities: The deals (only won deals of those partners count).
            quarters: The quarters to report.
            reversals: Reversed wins, each with its date.

        Returns:
            One payout per partner (by id) and quarter (in order).

        Raises:
            UnknownIdError: If a reversal names a deal not among ``opportunities``.
            ValidationError: If a reversal is of a deal that is not won, is dated before
                the deal closed, or reverses more than the deal's amount.
            CurrencyMismatchError: If a deal is not in its schedule's currency.
        """
        wanted = sorted(set(quarters))
        pool = sorted(partners, key=lambda p: p.id)
        deals = {o.id: o for o in opportunities}
        won: defaultdict[str, list[Opportunity]] = defaultdict(list)
        for deal in deals.values():
            if deal.is_won and deal.partner_id is not None and deal.source in self.sources:
                won[deal.partner_id].append(deal)
        cuts = self._check_reversals(reversals, deals)
        result = []
        for partner in pool:
            schedule, why = self.schedule_for(partner)
            result.extend(
                self._partner_payouts(
                    partner=partner,
                    schedule=schedule,
                    why=why,
                    won=won[partner.id],
                    cuts=cuts,
                    wanted=wanted,
                )
            )
        return tuple(result)

    # -- the pieces of payouts -----------------------------------------------------------

    def _quarter_of(self, day: date) -> Quarter:
        return Quarter.from_date(day, fiscal_start_month=self.fiscal_start_month)

    def _check_reversals(
        self, reversals: Iterable[Reversal], deals: Mapping[str, Opportunity]
    ) -> list[tuple[Reversal, Money]]:
        cuts: list[tuple[Reversal, Money]] = []
        reversed_so_far: defaultdict[str, Decimal] = defaultdict(Decimal)
        for reversal in sorted(reversals, key=lambda r: (r.on, r.opportunity_id)):
            deal = deals.get(reversal.opportunity_id)
            if deal is None:
                raise UnknownIdError("opportunity", reversal.opportunity_id)
            if not deal.is_won:
                fail(
                    "Reversal",
                    "opportunity_id",
                    deal.id,
                    f"a won deal, not a {deal.stage.value} one",
                )
            closed = _closed_on(deal)
            if reversal.on < closed:
                fail(
                    "Reversal",
                    "on",
                    reversal.on,
                    f"on or after the day {deal.id} was won ({closed})",
                )
            amount = deal.amount if reversal.amount is None else reversal.amount
            left = deal.amount.amount - reversed_so_far[deal.id]
            if amount.currency != deal.amount.currency or amount.amount > left:
                fail(
                    "Reversal",
                    "amount",
                    amount,
                    f"at most what is left of {deal.id} ({left} {deal.amount.currency})",
                )
            reversed_so_far[deal.id] += amount.amount
            cuts.append((reversal, amount))
        return cuts

    def _partner_payouts(  # noqa: PLR0913 - one partner's prepared inputs
        self,
        *,
        partner: Partner,
        schedule: CommissionSchedule | None,
        why: Reason,
        won: list[Opportunity],
        cuts: list[tuple[Reversal, Money]],
        wanted: list[Quarter],
    ) -> list[Payout]:
        currency = schedule.currency if schedule else (won[0].amount.currency if won else "XTS")
        zero = Money.zero(currency).rounded(schedule.places if schedule else 2)
        by_quarter: defaultdict[Quarter, list[Opportunity]] = defaultdict(list)
        for deal in sorted(won, key=lambda d: (_closed_on(d), d.id)):
            by_quarter[self._quarter_of(_closed_on(deal))].append(deal)
        ids = {d.id for d in won}
        mine = [(r, m) for r, m in cuts if r.opportunity_id in ids]
        # Revenue still standing per win quarter, as reversals take it away in date order.
        standing = {
            q: Money.total((d.amount for d in ds), currency) for q, ds in by_quarter.items()
        }
        clawbacks: defaultdict[Quarter, list[Clawback]] = defaultdict(list)
        deal_quarter = {d.id: q for q, ds in by_quarter.items() for d in ds}
        for reversal, amount in mine:
            won_in = deal_quarter[reversal.opportunity_id]
            before = standing[won_in]
            after = before - amount
            standing[won_in] = after
            taken = schedule.commission(before) - schedule.commission(after) if schedule else zero
            clawbacks[self._quarter_of(reversal.on)].append(
                Clawback(
                    opportunity_id=reversal.opportunity_id,
                    on=reversal.on,
                    won_in=won_in,
                    reversed_amount=amount,
                    amount=taken,
                )
            )
        if not wanted:
            return []
        active = [*by_quarter, *clawbacks]
        first = min([*active, wanted[0]])
        payouts = []
        debt = zero
        wanted_set = set(wanted)
        for quarter in first.until(wanted[-1]):
            deals = by_quarter.get(quarter, [])
            revenue = Money.total((d.amount for d in deals), currency)
            quote = schedule.quote(revenue) if schedule else None
            earned = quote.amount if quote else zero
            taken = Money.total((c.amount for c in clawbacks.get(quarter, [])), currency) + zero
            balance = earned - taken - debt
            paid = balance if balance.amount > 0 else zero
            owed = -balance if balance.amount < 0 else zero
            if quarter in wanted_set:
                reasons = [why, *(quote.reasons if quote and deals else ())]
                reasons.append(
                    _summary(
                        partner=partner,
                        quarter=quarter,
                        deals=deals,
                        revenue=revenue,
                        earned=earned,
                        taken=taken,
                        debt=debt,
                        paid=paid,
                        owed=owed,
                    )
                )
                payouts.append(
                    Payout(
                        partner_id=partner.id,
                        quarter=quarter,
                        schedule=schedule.name if schedule else None,
                        revenue=revenue,
                        earned=earned,
                        clawed_back=taken,
                        carried_in=debt,
                        amount=paid,
                        carried_out=owed,
                        deals=tuple(d.id for d in deals),
                        clawbacks=tuple(clawbacks.get(quarter, [])),
                        reasons=tuple(reasons),
                    )
                )
            debt = owed
        return payouts


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def _closed_on(deal: Opportunity) -> date:
    return deal.close_date if deal.close_date is not None else deal.stage_since


def _summary(  # noqa: PLR0913 - the quarter's figures, each named
    *,
    partner: Partner,
    quarter: Quarter,
    deals: list[Opportunity],
    revenue: Money,
    earned: Money,
    taken: Money,
    debt: Money,
    paid: Money,
    owed: Money,
) -> Reason:
    parts = [f"In {quarter}, {partner.id} won {len(deals)} deal(s) worth {revenue:,.2f}"]
    parts.append(f"earning {earned:,.2f}")
    if taken:
        parts.append(f"less {taken:,.2f} clawed back for reversed deals")
    if debt:
        parts.append(f"less {debt:,.2f} still owed from earlier quarters")
    message = ", ".join(parts) + f"; payout {paid:,.2f}."
    if owed:
        message += f" {owed:,.2f} is carried into the next quarter."
    return Reason(
        code="commission.payout",
        message=message,
        facts={
            "partner_id": partner.id,
            "quarter": str(quarter),
            "deals": [d.id for d in deals],
            "revenue": str(revenue.amount),
            "earned": str(earned.amount),
            "clawed_back": str(taken.amount),
            "carried_in": str(debt.amount),
            "paid": str(paid.amount),
            "carried_out": str(owed.amount),
        },
    )
