"""Lead distribution: offering each lead to one eligible partner, fairly and explainably.

The draw is exact. Weights are ints or Decimals, turned into fractions and scaled to
whole numbers over a common denominator; a partner is then picked by one call to
``random.Random.randrange(total)`` over the candidates sorted by partner id, so each
candidate's chance is exactly its weight over the total weight: no floating-point
rounding, no advantage for the first of two equal partners, whatever order the
partners come in. Partners with weight zero never enter the draw; when every
eligible partner weighs zero, the lead is reported unassigned instead of crashing.

Each lead gets its own generator, seeded from the run's seed and the lead's id, so a
lead's draw does not depend on which other leads are in the same batch.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from typing import Protocol, runtime_checkable

import attrs

from partnerdomain.channel._check import fail, need_date
from partnerdomain.channel._ledger import Candidate, LeadLedger, LedgerEntry, LedgerEntryKind
from partnerdomain.channel._reasons import Reason
from partnerdomain.model import FrozenMap, Partner, PartnerStage, PartnerType, Quarter

__all__ = [
    "BandWeights",
    "Distribution",
    "Exclusion",
    "Lead",
    "LeadAssignment",
    "LeadDistributionPolicy",
    "LeadWeighting",
    "TierWeights",
]

#: A weight in a draw: exact numbers only.
Weight = int | Decimal | Fraction


def _weight(entity: str, field: str, value: object) -> Fraction:
    if type(value) is int and value >= 0:
        return Fraction(value)
    if isinstance(value, Fraction) and value >= 0:
        return value
    if isinstance(value, Decimal) and value.is_finite() and value >= 0:
        return Fraction(value)
    return fail(
        entity,
        field,
        value,
        "a weight of zero or more as an int, Decimal or Fraction (never a float: the draw is "
        "exact)",
    )


def _weights(entity: str, field: str, value: Mapping[str, Weight]) -> FrozenMap[str, Fraction]:
    if not isinstance(value, Mapping):
        fail(entity, field, value, "a mapping of names to weights")
    return FrozenMap(
        (str(getattr(k, "value", k)), _weight(entity, f"{field}[{k!r}]", w))
        for k, w in value.items()
    )


def _text_set(entity: str, field: str, value: Iterable[str]) -> frozenset[str]:
    items = frozenset(value)
    if not all(type(item) is str and item.strip() for item in items):
        fail(entity, field, value, "non-empty strings")
    return items


@attrs.frozen(kw_only=True)
class Lead:
    """A sales lead to hand to one partner, with what a partner needs to take it.

    Args:
        id: The lead's id.
        received_on: The day the lead came in.
        partner_types: The kinds of partner that may take it (empty: any kind).
        region: The sales region it belongs to (``None``: any region).
        language: The language the customer speaks (``None``: any language).
        account_name: The customer's name, if known.
        declined_by: Partners known to have declined it already (besides the ledger).
    """

    id: str
    received_on: date
    partner_types: frozenset[PartnerType] = attrs.field(default=frozenset(), converter=frozenset)
    region: str | None = None
    language: str | None = None
    account_name: str | None = None
    declined_by: frozenset[str] = attrs.field(default=frozenset(), converter=frozenset)

    def __attrs_post_init__(self) -> None:
        """Check the fields."""
        if type(self.id) is not str or not self.id.strip():
            fail("Lead", "id", self.id, "a non-empty string id")
        need_date("Lead", "received_on", self.received_on)
        if not all(isinstance(t, PartnerType) for t in self.partner_types):
            fail("Lead", "partner_types", self.partner_types, "PartnerType members")
        for name in ("region", "language", "account_name"):
            value = getattr(self, name)
            if value is not None and (type(value) is not str or not value.strip()):
                fail("Lead", name, value, "None or a non-empty string")
        _text_set("Lead", "declined_by", self.declined_by)


def _tier_weights(value: Mapping[str, Weight]) -> FrozenMap[str, Fraction]:
    return _weights("TierWeights", "weights", value)


def _tier_default(value: Weight) -> Fraction:
    return _weight("TierWeights", "default", value)


def _band_names(value: Mapping[str, str]) -> FrozenMap[str, str]:
    if not isinstance(value, Mapping):
        fail("BandWeights", "bands", value, "a mapping of partner id to band")
    return FrozenMap((pid, str(getattr(band, "value", band))) for pid, band in value.items())


def _band_weights(value: Mapping[str, Weight]) -> FrozenMap[str, Fraction]:
    return _weights("BandWeights", "weights", value)


def _band_default(value: Weight) -> Fraction:
    return _weight("BandWeights", "default", value)


@runtime_checkable
class LeadWeighting(Protocol):
    """How much weight a partner carries in the draw for a lead.

    Implement it to weigh partners your own way; return the weight (an int or a
    Decimal of zero or more) and the reason, which the ledger keeps.
    """

    def weigh(self, partner: Partner) -> tuple[Weight, Reason]:
        """Return the partner's weight and why it has that weight."""
        ...


@attrs.frozen
class TierWeights:
    """Weights by program tier (``Partner.tier``), e.g. ``{"Gold": 3, "Silver": 2}``.

    Args:
        weights: The weight of each tier name.
        default: The weight of a partner whose tier is not listed or not set.
    """

    weights: FrozenMap[str, Fraction] = attrs.field(converter=_tier_weights)
    default: Fraction = attrs.field(default=Fraction(1), converter=_tier_default, kw_only=True)

    def weigh(self, partner: Partner) -> tuple[Weight, Reason]:
        """Return the weight of the partner's tier."""
        listed = partner.tier is not None and partner.tier in self.weights
        weight = self.weights[partner.tier] if listed and partner.tier else self.default
        tier = partner.tier or "no tier"
        source = f"tier {tier}" if listed else f"{tier} (not listed: the default weight)"
        return _as_weight(weight), Reason(
            code="lead.weight_by_tier",
            message=f"Weight {_show(weight)} for {source}.",
            facts={"partner_id": partner.id, "tier": partner.tier, "weight": _show(weight)},
        )


@attrs.frozen
class BandWeights:
    """Weights by performance band, e.g. the bands of the quarter's tiering.

    Args:
        bands: Each partner's band (a partner id to a band name or ``PerformanceBand``).
        weights: The weight of each band.
        default: The weight of a partner without a band, or in a band not listed.
    """

    bands: FrozenMap[str, str] = attrs.field(converter=_band_names)
    weights: FrozenMap[str, Fraction] = attrs.field(converter=_band_weights)
    default: Fraction = attrs.field(default=Fraction(1), converter=_band_default, kw_only=True)

    def weigh(self, partner: Partner) -> tuple[Weight, Reason]:
        """Return the weight of the partner's band."""
        name = self.bands.get(partner.id)
        listed = name is not None and name in self.weights
        weight = self.weights[name] if listed and name is not None else self.default
        source = f"band {name}" if listed else f"{name or 'no band'} (the default weight)"
        return _as_weight(weight), Reason(
            code="lead.weight_by_band",
            message=f"Weight {_show(weight)} for {source}.",
            facts={"partner_id": partner.id, "band": name, "weight": _show(weight)},
        )


def _as_weight(value: Fraction) -> Weight:
    if value.denominator == 1:
        return value.numerator
    return Decimal(value.numerator) / Decimal(value.denominator)


def _show(value: Fraction | Weight) -> str:
    number = Fraction(value)
    if number.denominator == 1:
        return str(number.numerator)
    return str(Decimal(number.numerator) / Decimal(number.denominator))


@attrs.frozen(kw_only=True)
class Exclusion:
    """A partner left out of the draw for a lead, and every reason why.

    Args:
        partner_id: The partner.
        reasons: Each rule it failed (stage, type, region, language, declined,
            capacity, zero weight).
    """

    partner_id: str
    reasons: tuple[Reason, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """The reasons' codes."""
        return tuple(r.code for r in self.reasons)


@attrs.frozen(kw_only=True)
class LeadAssignment:
    """The decision about one lead: the partner it goes to, or why it goes to none.

    Args:
        lead: The lead.
        partner_id: The partner it was offered to; ``None`` if unassigned.
        candidates: The partners in the draw, with weights and exact chances.
        excluded: The partners left out, each with its reasons.
        reasons: Why the lead went where it went (or nowhere).
    """

    lead: Lead
    partner_id: str | None
    candidates: tuple[Candidate, ...]
    excluded: tuple[Exclusion, ...]
    reasons: tuple[Reason, ...]

    @property
    def assigned(self) -> bool:
        """Whether a partner got the lead."""
        return self.partner_id is not None

    def explain(self) -> str:
        """Explain the decision in words; names only the chosen partner."""
        return " ".join(r.message for r in self.reasons)


@attrs.frozen(kw_only=True)
class Distribution:
    """The outcome of one distribution run.

    Args:
        assignments: One per lead, in the order the leads were drawn (by day, then id).
        ledger: The ledger given, with this run's entries appended.
    """

    assignments: tuple[LeadAssignment, ...]
    ledger: LeadLedger

    @property
    def unassigned(self) -> tuple[LeadAssignment, ...]:
        """The leads no partner could take, each with its reasons."""
        return tuple(a for a in self.assignments if a.partner_id is None)

    def counts(self) -> FrozenMap[str, int]:
        """Return how many leads each partner got in this run, by partner id."""
        counted = Counter(a.partner_id for a in self.assignments if a.partner_id is not None)
        return FrozenMap(sorted(counted.items()))


def _stages(value: Iterable[PartnerStage]) -> frozenset[PartnerStage]:
    stages = frozenset(value)
    if not stages or not all(isinstance(s, PartnerStage) for s in stages):
        fail("LeadDistributionPolicy", "eligible_stages", value, "one or more PartnerStage members")
    return stages


def _capacity(value: Mapping[str, int]) -> FrozenMap[str, int]:
    if not isinstance(value, Mapping):
        fail("LeadDistributionPolicy", "capacity", value, "a mapping of partner id to leads")
    for key, limit in value.items():
        if type(limit) is not int or limit < 0:
            fail("LeadDistributionPolicy", f"capacity[{key!r}]", limit, "an int of zero or more")
    return FrozenMap(value)


def _default_capacity(
    _instance: object, attribute: attrs.Attribute[int | None], value: object
) -> None:
    if value is not None and (type(value) is not int or value < 0):
        fail("LeadDistributionPolicy", attribute.name, value, "None or an int of zero or more")


def _weighting(_instance: object, attribute: attrs.Attribute[LeadWeighting], value: object) -> None:
    if not isinstance(value, LeadWeighting):
        fail(
            "LeadDistributionPolicy",
            attribute.name,
            value,
            "an object with a weigh(partner) method",
        )


@attrs.frozen(kw_only=True)
class LeadDistributionPolicy:
    """Offers each lead to one eligible partner, drawn in proportion to its weight.

    A partner is eligible for a lead when it is in one of ``eligible_stages``, is of
    a kind the lead accepts, works in the lead's region and speaks its language, has
    never declined the lead, and holds fewer leads this quarter than its capacity.
    Eligible partners with a positive weight enter the draw (see the module notes
    for the exact algorithm). A lead without candidates is reported unassigned with
    the reasons, never dropped.

    Args:
        weighting: How partners are weighed (default: every partner weighs 1).
        eligible_stages: The stages in which a partner may receive leads.
        capacity: The most leads a partner may hold per quarter, by partner id.
        default_capacity: The limit for partners not in ``capacity`` (``None``: none).
        fiscal_start_month: The month the fiscal year starts, for capacity quarters.
    """

    weighting: LeadWeighting = attrs.field(factory=lambda: TierWeights({}), validator=_weighting)
    eligible_stages: frozenset[PartnerStage] = attrs.field(
        default=frozenset({PartnerStage.ACTIVE}), converter=_stages
    )
    capacity: FrozenMap[str, int] = attrs.field(factory=FrozenMap, converter=_capacity)
    default_capacity: int | None = attrs.field(default=None, validator=_default_capacity)
    fiscal_start_month: int = attrs.field(default=1)

    def capacity_of(self, partner_id: str) -> int | None:
        """Return the most leads ``partner_id`` may hold per quarter (``None``: no limit)."""
        return self.capacity.get(partner_id, self.default_capacity)

    def distribute(
        self,
        leads: Iterable[Lead],
        partners: Iterable[Partner],
        *,
        on: date,
        seed: int | str,
        ledger: LeadLedger | None = None,
    ) -> Distribution:
        """Offer every lead to one eligible partner, or report why none can take it.

        Args:
            leads: The leads to hand out; they are drawn by day received, then id.
            partners: The partners that might take them.
            on: The day of the run: the day offers are recorded and whose quarter
                capacity counts.
            seed: Makes the run reproducible: the same inputs and seed give the same
                offers.
            ledger: What happened before (declines, earlier offers); default empty.

        Returns:
            The assignments and the ledger with this run's entries appended.

        Raises:
            ValidationError: If ``on`` is not a date, a lead arrives after ``on``,
                two leads or two partners share an id, or the seed is not an int or str.
        """
        need_date("LeadDistributionPolicy.distribute", "on", on)
        if type(seed) not in (int, str):
            fail("LeadDistributionPolicy.distribute", "seed", seed, "an int or a str")
        ledger = LeadLedger() if ledger is None else ledger
        pool = _sorted_partners(partners)
        weighed = {p.id: self.weighting.weigh(p) for p in pool}
        weights = {pid: _weight("LeadWeighting", pid, w) for pid, (w, _) in weighed.items()}
        quarter = Quarter.from_date(on, fiscal_start_month=self.fiscal_start_month)
        held = ledger.held(quarter.first_day, quarter.last_day)
        holders, decliners = ledger.lead_states()
        seen: set[str] = set()
        batch = []
        for lead in leads:
            if not isinstance(lead, Lead):
                fail("LeadDistributionPolicy.distribute", "leads", lead, "Lead objects")
            if lead.id in seen:
                fail("LeadDistributionPolicy.distribute", "leads", lead.id, "unique lead ids")
            if lead.received_on > on:
                fail(
                    "LeadDistributionPolicy.distribute",
                    f"leads[{lead.id!r}].received_on",
                    lead.received_on,
                    f"a day on or before the run's day {on.isoformat()}",
                )
            seen.add(lead.id)
            batch.append(lead)
        batch.sort(key=lambda lead: (lead.received_on, lead.id))

        cache = _RunCache()
        assignments = []
        entries = []
        for lead in batch:
            declined = lead.declined_by | decliners.get(lead.id, set())
            assignment = self._assign(
                lead=lead,
                pool=pool,
                weighed=weighed,
                weights=weights,
                held=held,
                holder=holders.get(lead.id),
                declined=declined,
                seed=seed,
                cache=cache,
            )
            assignments.append(assignment)
            if assignment.partner_id is not None:
                held[assignment.partner_id] += 1
                kind = LedgerEntryKind.OFFERED
            else:
                kind = LedgerEntryKind.UNASSIGNED
            entries.append(
                LedgerEntry(
                    lead_id=lead.id,
                    on=on,
                    kind=kind,
                    partner_id=assignment.partner_id,
                    candidates=assignment.candidates,
                    reasons=assignment.reasons,
                )
            )
        return Distribution(assignments=tuple(assignments), ledger=ledger.extended(entries))

    def _assign(  # noqa: PLR0913 - the run's prepared state, passed explicitly
        self,
        *,
        lead: Lead,
        pool: list[Partner],
        weighed: dict[str, tuple[Weight, Reason]],
        weights: dict[str, Fraction],
        held: Counter[str],
        holder: str | None,
        declined: frozenset[str],
        seed: int | str,
        cache: _RunCache,
    ) -> LeadAssignment:
        if holder is not None:
            reason = Reason(
                code="lead.already_held",
                message=f"Lead {lead.id} is already held by {holder}; it is not drawn again.",
                facts={"lead_id": lead.id, "partner_id": holder},
            )
            return LeadAssignment(
                lead=lead, partner_id=holder, candidates=(), excluded=(), reasons=(reason,)
            )
        # What rules a partner out for good depends only on the lead's needs: work it
        # out once per kind of lead; declines and capacity change from lead to lead.
        key = (lead.partner_types, _fold(lead.region), _fold(lead.language))
        if key not in cache.screens:
            cache.screens[key] = self._screen(lead, pool, weighed, weights)
        open_pool, excluded = cache.screens[key]
        eligible: list[Partner] = []
        dynamic: list[Exclusion] = []
        for partner in open_pool:
            reasons = self._changing_reasons(lead, partner, declined, held)
            if reasons:
                dynamic.append(Exclusion(partner_id=partner.id, reasons=tuple(reasons)))
            else:
                eligible.append(partner)
        if dynamic:
            excluded = tuple(sorted((*excluded, *dynamic), key=lambda e: e.partner_id))
        if not eligible:
            reason = _unassigned_reason(lead, pool, excluded)
            return LeadAssignment(
                lead=lead,
                partner_id=None,
                candidates=(),
                excluded=excluded,
                reasons=(reason,),
            )
        rng = random.Random(f"{seed}:{lead.id}")  # noqa: S311 - a fair draw, not a secret
        chosen, candidates = _draw(eligible, weights, rng, cache.draws)
        share = next(c.share for c in candidates if c.partner_id == chosen)
        drawn = (
            Reason(
                code="lead.weighted_draw",
                message=(
                    f"Lead {lead.id} went to {chosen} in a weighted draw among "
                    f"{len(candidates)} eligible partner(s); its chance was {share} "
                    f"({float(share):.0%})."
                ),
                facts={
                    "lead_id": lead.id,
                    "partner_id": chosen,
                    "share": str(share),
                    "candidates": {c.partner_id: str(c.weight) for c in candidates},
                },
            ),
            weighed[chosen][1],
        )
        return LeadAssignment(
            lead=lead,
            partner_id=chosen,
            candidates=candidates,
            excluded=excluded,
            reasons=drawn,
        )

    def _screen(
        self,
        lead: Lead,
        pool: list[Partner],
        weighed: dict[str, tuple[Weight, Reason]],
        weights: dict[str, Fraction],
    ) -> tuple[list[Partner], tuple[Exclusion, ...]]:
        open_pool: list[Partner] = []
        excluded: list[Exclusion] = []
        for partner in pool:
            reasons = self._lasting_reasons(lead, partner)
            if not reasons and not weights[partner.id]:
                reasons = [
                    Reason(
                        code="lead.zero_weight",
                        message=f"{partner.id} has weight 0: {weighed[partner.id][1].message}",
                        facts={"partner_id": partner.id},
                    )
                ]
            if reasons:
                excluded.append(Exclusion(partner_id=partner.id, reasons=tuple(reasons)))
            else:
                open_pool.append(partner)
        return open_pool, tuple(excluded)

    def _changing_reasons(
        self, lead: Lead, partner: Partner, declined: frozenset[str], held: Counter[str]
    ) -> list[Reason]:
        reasons = []
        pid = partner.id
        if pid in declined:
            reasons.append(
                Reason(
                    code="lead.declined_before",
                    message=f"{pid} declined lead {lead.id} before.",
                    facts={"partner_id": pid},
                )
            )
        limit = self.capacity_of(pid)
        if limit is not None and held[pid] >= limit:
            reasons.append(
                Reason(
                    code="lead.capacity_reached",
                    message=(
                        f"{pid} holds {held[pid]} lead(s) this quarter, its capacity is {limit}."
                    ),
                    facts={"partner_id": pid, "held": held[pid], "capacity": limit},
                )
            )
        return reasons

    def _lasting_reasons(self, lead: Lead, partner: Partner) -> list[Reason]:
        reasons = []
        pid = partner.id

        def add(code: str, message: str, **facts: object) -> None:
            reasons.append(
                Reason(code=code, message=f"{pid} {message}", facts={"partner_id": pid, **facts})
            )

        if partner.stage not in self.eligible_stages:
            stages = sorted(s.value for s in self.eligible_stages)
            add(
                "lead.stage",
                f"is {partner.stage.value}, not {' or '.join(stages)}.",
                stage=partner.stage.value,
            )
        if lead.partner_types and partner.partner_type not in lead.partner_types:
            kinds = sorted(t.value for t in lead.partner_types)
            add(
                "lead.partner_type",
                f"is a {partner.partner_type.value} partner; the lead needs {' or '.join(kinds)}.",
                partner_type=partner.partner_type.value,
            )
        if lead.region is not None and (partner.region or "").casefold() != lead.region.casefold():
            add(
                "lead.region",
                f"works in region {partner.region or 'none'}, not {lead.region}.",
                region=partner.region,
            )
        if lead.language is not None and lead.language.casefold() not in {
            code.casefold() for code in partner.languages
        }:
            add(
                "lead.language",
                f"does not work in {lead.language}.",
                languages=list(partner.languages),
            )
        return reasons


class _RunCache:
    """What one run works out once and reuses: screens per kind of lead, draws per pool."""

    def __init__(self) -> None:
        self.screens: dict[
            tuple[frozenset[PartnerType], str | None, str | None],
            tuple[list[Partner], tuple[Exclusion, ...]],
        ] = {}
        self.draws: dict[tuple[str, ...], tuple[list[int], tuple[Candidate, ...]]] = {}


def _fold(text: str | None) -> str | None:
    return None if text is None else text.casefold()


def _sorted_partners(partners: Iterable[Partner]) -> list[Partner]:
    pool = sorted(partners, key=lambda p: p.id)
    for before, after in pairwise(pool):
        if before.id == after.id:
            fail("LeadDistributionPolicy.distribute", "partners", after.id, "unique partner ids")
    return pool


def _draw(
    eligible: list[Partner],
    weights: dict[str, Fraction],
    rng: random.Random,
    cache: dict[tuple[str, ...], tuple[list[int], tuple[Candidate, ...]]] | None = None,
) -> tuple[str, tuple[Candidate, ...]]:
    """Pick one partner with chance exactly weight / total; ``eligible`` is sorted by id."""
    key = tuple(p.id for p in eligible)
    known = cache.get(key) if cache is not None else None
    if known is None:
        scale = math.lcm(*(weights[p.id].denominator for p in eligible))
        whole = [int(weights[p.id] * scale) for p in eligible]
        total = sum(whole)
        candidates = tuple(
            Candidate(partner_id=p.id, weight=weights[p.id], share=Fraction(w, total))
            for p, w in zip(eligible, whole, strict=True)
        )
        known = (whole, candidates)
        if cache is not None:
            cache[key] = known
    whole, candidates = known
    total = sum(whole)
    ticket = rng.randrange(total)
    for partner, units in zip(eligible, whole, strict=True):
        if ticket < units:
            return partner.id, candidates
        ticket -= units
    msg = "unreachable: the ticket is below the total weight"  # pragma: no cover
    raise AssertionError(msg)  # pragma: no cover


def _unassigned_reason(lead: Lead, pool: list[Partner], excluded: tuple[Exclusion, ...]) -> Reason:
    if not pool:
        return Reason(
            code="lead.no_partners",
            message=f"Lead {lead.id} stays unassigned: no partners were given.",
            facts={"lead_id": lead.id},
        )
    counts = Counter(code for e in excluded for code in e.codes)
    if set(counts) == {"lead.zero_weight"}:
        return Reason(
            code="lead.all_zero_weight",
            message=(
                f"Lead {lead.id} stays unassigned: every eligible partner has weight 0, "
                "so there is nobody to draw."
            ),
            facts={"lead_id": lead.id, "partners": len(pool)},
        )
    summary = ", ".join(f"{code.removeprefix('lead.')}: {n}" for code, n in sorted(counts.items()))
    return Reason(
        code="lead.no_eligible_partner",
        message=(
            f"Lead {lead.id} stays unassigned: none of the {len(pool)} partner(s) can take it "
            f"({summary})."
        ),
        facts={"lead_id": lead.id, "excluded_by": dict(sorted(counts.items()))},
    )
