"""Program tiers (Registered, Silver, Gold, ...) reached by meeting every criterion."""

from __future__ import annotations

import functools
import math
from collections.abc import Collection, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

import attrs

from partnerdomain.exceptions import ValidationError
from partnerdomain.metrics import PARTNER_SOURCED, won_deals, won_revenue
from partnerdomain.model import DealSource, FrozenMap, Partner, PartnerStage, Portfolio, Quarter
from partnerdomain.policies._bands import IN_PROGRAM
from partnerdomain.policies._overrides import RuleEvaluator, apply_override
from partnerdomain.policies._parameters import check_quarter, count
from partnerdomain.policies._reasons import Reason, show_number

if TYPE_CHECKING:
    from partnerdomain.policies._metric import Number

__all__ = [
    "CriterionCheck",
    "ThresholdTiers",
    "Tier",
    "TierPlacement",
    "TierProgress",
    "Tiers",
]

#: The measures a tier may require, besides ``custom_fields.<name>``.
BUILT_IN_MEASURES = ("revenue", "won_deals", "certifications")
_CUSTOM = "custom_fields."


def _check_measure(name: object) -> str:
    if not isinstance(name, str) or not (
        name in BUILT_IN_MEASURES or (name.startswith(_CUSTOM) and len(name) > len(_CUSTOM))
    ):
        expected = (
            f"one of {', '.join(BUILT_IN_MEASURES)} or 'custom_fields.<field name>' "
            "(a numeric or true/false custom field)"
        )
        raise ValidationError("Tier", "requires", name, expected)
    return name


def _minimum(measure: str, value: object) -> Decimal:
    expected = f"a minimum of zero or more for {measure!r} (a Decimal, int or decimal string)"
    if type(value) is bool or not isinstance(value, (Decimal, int, str)):
        raise ValidationError("Tier", "requires", value, expected)
    try:
        number = Decimal(value)
    except ArithmeticError:
        raise ValidationError("Tier", "requires", value, expected) from None
    if not number.is_finite() or number < 0:
        raise ValidationError("Tier", "requires", value, expected)
    return number


def _as_requirements(value: Mapping[str, object]) -> FrozenMap[str, Decimal]:
    if not isinstance(value, Mapping):
        raise ValidationError("Tier", "requires", value, "a mapping of measure to minimum")
    return FrozenMap((_check_measure(k), _minimum(k, v)) for k, v in value.items())


def _tier_name(instance: Tier, attribute: attrs.Attribute[str], value: str) -> None:
    del instance, attribute
    if type(value) is not str or not value.strip():
        raise ValidationError("Tier", "name", value, "a non-empty tier name")


@attrs.frozen
class Tier:
    """One tier of the program and what a partner must reach to hold it.

    >>> Tier("Gold", requires={"revenue": 250_000, "certifications": 4}).requires["revenue"]
    Decimal('250000')

    Args:
        name: The tier's name, as the partner record's ``tier`` holds it.
        requires: Minimum per measure: ``"revenue"`` (partner-sourced won revenue over
            the policy's window), ``"won_deals"`` (deals won over the window),
            ``"certifications"`` (certified engineers), or ``"custom_fields.<name>"``
            (a numeric custom field; true counts as 1, false as 0). Every one must be
            met. Empty for an entry tier anyone holds.
    """

    name: str = attrs.field(validator=_tier_name)
    requires: FrozenMap[str, Decimal] = attrs.field(
        factory=FrozenMap, converter=_as_requirements, kw_only=True
    )


@attrs.frozen(kw_only=True)
class CriterionCheck:
    """How a partner stands against one requirement of a tier.

    Attributes:
        measure: What is measured.
        required: The minimum.
        actual: The partner's value; None when a custom field is missing or not a number.
        met: Whether the minimum is reached.
        missing: How much is still missing (zero when met; the whole minimum when
            ``actual`` is None).
    """

    measure: str
    required: Decimal
    actual: Decimal | None
    met: bool
    missing: Decimal


@attrs.frozen(kw_only=True)
class TierProgress:
    """How far a partner is from a tier: every criterion, met or not.

    Attributes:
        tier: The tier's name.
        checks: One check per requirement, in the tier's order.
    """

    tier: str
    checks: tuple[CriterionCheck, ...]

    @property
    def missing(self) -> tuple[CriterionCheck, ...]:
        """The criteria not yet met."""
        return tuple(c for c in self.checks if not c.met)

    @property
    def reached(self) -> bool:
        """Whether every criterion is met."""
        return all(c.met for c in self.checks)


@attrs.frozen(kw_only=True)
class TierPlacement:
    """A partner's tier this quarter, the tier it qualified for, and why.

    Attributes:
        partner_id: The partner.
        value: The tier it holds now (None if it holds none).
        qualified: The highest tier whose every criterion it meets (None if none).
        quarters_below: Consecutive quarters it has qualified below the tier it
            holds; demotion comes when this reaches the policy's ``demote_after``.
        measures: Its value of every measure the tiers require.
        progress: Its progress to the next tier up (None at the highest tier).
        reasons: Every step that led here; rule overrides come last.
    """

    partner_id: str
    value: str | None
    qualified: str | None
    quarters_below: int
    measures: FrozenMap[str, Decimal | None]
    progress: TierProgress | None
    reasons: tuple[Reason, ...]

    @property
    def overridden(self) -> bool:
        """Whether a rule of the organisation overrode the policy's answer."""
        return any(r.code == "override" for r in self.reasons)

    def explain(self) -> str:
        """Return every reason on its own line."""
        return "\n".join(str(r) for r in self.reasons)


@attrs.frozen(kw_only=True, eq=False)
class Tiers:
    """Each assessed partner's tier for one quarter; feed it to the next quarter.

    Attributes:
        quarter: The quarter assessed.
        policy: The policy's name.
        parameters: The policy's parameters, as reasons report them.
        placements: Each partner's placement, by partner id (ordered by id).
        excluded: Partners of the portfolio not assessed (their stage), with why.
        rule_errors: Errors of organisation rules that failed (collected, not raised).
    """

    quarter: Quarter
    policy: str
    parameters: FrozenMap[str, object]
    placements: FrozenMap[str, TierPlacement]
    excluded: FrozenMap[str, str] = attrs.field(factory=FrozenMap)
    rule_errors: tuple[Exception, ...] = ()

    def __len__(self) -> int:
        """Return how many partners were assessed."""
        return len(self.placements)

    def __contains__(self, partner_id: object) -> bool:
        """Say whether the partner was assessed."""
        return partner_id in self.placements

    def __iter__(self) -> Iterator[TierPlacement]:
        """Iterate over the placements, by partner id."""
        return iter(self.placements.values())

    @property
    def partner_ids(self) -> tuple[str, ...]:
        """Every assessed partner, by id."""
        return tuple(self.placements)

    def placement(self, partner_id: str) -> TierPlacement:
        """Return the partner's placement.

        Raises:
            ValidationError: If the partner was not assessed.
        """
        try:
            return self.placements[partner_id]
        except KeyError:
            expected = "an assessed partner's id"
            raise ValidationError("Tiers", "partner_id", partner_id, expected) from None

    def tier_of(self, partner_id: str) -> str | None:
        """Return the partner's tier (None if it holds none).

        Raises:
            ValidationError: If the partner was not assessed.
        """
        return self.placement(partner_id).value

    def members(self, tier: str | None) -> tuple[str, ...]:
        """Return the partners holding ``tier`` (None: holding no tier), by id."""
        return tuple(p.partner_id for p in self.placements.values() if p.value == tier)


def _as_tiers(value: Iterable[Tier]) -> tuple[Tier, ...]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise ValidationError("ThresholdTiers", "tiers", value, "a sequence of Tier, lowest first")
    tiers = tuple(value)
    if not tiers or not all(isinstance(t, Tier) for t in tiers):
        raise ValidationError(
            "ThresholdTiers", "tiers", value, "at least one Tier, lowest first, all Tier objects"
        )
    names = [t.name for t in tiers]
    for name in names:
        if names.count(name) > 1:
            raise ValidationError("ThresholdTiers", "tiers", name, "tier names used once each")
    return tiers


def _demote_after(value: int) -> int:
    return count("ThresholdTiers", "demote_after", value, minimum=1)


def _window(value: int) -> int:
    return count("ThresholdTiers", "window", value, minimum=1)


def _skipping(instance: object, attribute: object, value: object) -> None:
    del instance, attribute
    if type(value) is not bool:
        raise ValidationError("ThresholdTiers", "allow_skipping", value, "True or False")


def _as_sources(value: Collection[DealSource]) -> frozenset[DealSource]:
    if (
        isinstance(value, (str, bytes))
        or not value
        or not all(isinstance(s, DealSource) for s in value)
    ):
        raise ValidationError("ThresholdTiers", "sources", value, "a set of DealSource members")
    return frozenset(value)


def _as_stages(value: Collection[PartnerStage]) -> frozenset[PartnerStage]:
    if isinstance(value, (str, bytes)) or not all(isinstance(s, PartnerStage) for s in value):
        expected = "a set of PartnerStage members"
        raise ValidationError("ThresholdTiers", "stages", value, expected)
    return frozenset(value)


def _custom_number(partner: Partner, field: str) -> Decimal | None:
    value = partner.custom_fields.get(field)
    if type(value) is bool:
        return Decimal(int(value))
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float) and math.isfinite(value):
        return Decimal(repr(value))
    return None


@attrs.frozen(kw_only=True)
class ThresholdTiers:
    """Named tiers reached by meeting every criterion, with hysteresis on the way down.

    A partner qualifies for the highest tier whose every requirement it meets.
    Promotion is immediate (one tier at a time when ``allow_skipping`` is False);
    demotion comes only after ``demote_after`` consecutive quarters of qualifying
    below the tier held, and then to the tier qualified for. The history this needs
    is explicit: pass last quarter's :class:`Tiers` as ``previous``; without it, the
    tier in the partner record is taken as held, with no quarters below yet.

    Args:
        tiers: The tiers, lowest first.
        demote_after: Consecutive quarters below before a demotion (default 2).
        allow_skipping: Whether a partner may rise more than one tier in a quarter.
        window: Quarters of revenue and won deals measured (ending with the quarter
            assessed; default 4).
        sources: Which deals count for revenue and won deals (partner-sourced).
        stages: The partner stages assessed; partners in the program by default.

    Raises:
        ValidationError: If a parameter is out of range.
    """

    tiers: tuple[Tier, ...] = attrs.field(converter=_as_tiers)
    demote_after: int = attrs.field(default=2, converter=_demote_after)
    allow_skipping: bool = attrs.field(default=True, validator=_skipping)
    window: int = attrs.field(default=4, converter=_window)
    sources: frozenset[DealSource] = attrs.field(default=PARTNER_SOURCED, converter=_as_sources)
    stages: frozenset[PartnerStage] = attrs.field(default=IN_PROGRAM, converter=_as_stages)

    @property
    def name(self) -> str:
        """The policy's name, as reasons show it."""
        return "ThresholdTiers"

    @functools.cached_property
    def parameters(self) -> FrozenMap[str, object]:
        """The parameters, as reasons report them."""
        return FrozenMap(
            {
                "tiers": tuple(t.name for t in self.tiers),
                "requires": FrozenMap((t.name, t.requires) for t in self.tiers),
                "demote_after": self.demote_after,
                "allow_skipping": self.allow_skipping,
                "window": self.window,
                "sources": tuple(sorted(s.value for s in self.sources)),
            }
        )

    def _index(self, tier: str | None) -> int:
        return self._positions.get(tier, -1)  # type: ignore[arg-type]

    @functools.cached_property
    def _positions(self) -> dict[str, int]:
        """Each tier's position, lowest first (looked up once per partner)."""
        return {t.name: i for i, t in enumerate(self.tiers)}

    @functools.cached_property
    def _requirements(self) -> tuple[tuple[tuple[str, Decimal], ...], ...]:
        """Each tier's (measure, minimum) pairs, lowest tier first."""
        return tuple(tuple(t.requires.items()) for t in self.tiers)

    @functools.cached_property
    def _measured(self) -> tuple[str, ...]:
        """The measures the tiers require, sorted."""
        return tuple(sorted({m for t in self.tiers for m in t.requires}))

    def progress(self, tier: Tier, measures: Mapping[str, Decimal | None]) -> TierProgress:
        """Check ``measures`` against every requirement of ``tier``."""
        checks = []
        for measure, required in tier.requires.items():
            actual = measures.get(measure)
            met = actual is not None and actual >= required
            missing = required if actual is None else max(required - actual, Decimal(0))
            checks.append(
                CriterionCheck(
                    measure=measure, required=required, actual=actual, met=met, missing=missing
                )
            )
        return TierProgress(tier=tier.name, checks=tuple(checks))

    def measures(
        self, partner: Partner, revenue: Number, deals: int
    ) -> FrozenMap[str, Decimal | None]:
        """Return the partner's value of every measure the tiers require."""
        values: dict[str, Decimal | None] = {}
        for measure in self._measured:
            if measure == "revenue":
                values[measure] = Decimal(revenue)
            elif measure == "won_deals":
                values[measure] = Decimal(deals)
            elif measure == "certifications":
                values[measure] = Decimal(partner.certifications)
            else:
                values[measure] = _custom_number(partner, measure.removeprefix(_CUSTOM))
        return FrozenMap(values)

    def assess(
        self,
        portfolio: Portfolio,
        quarter: Quarter,
        *,
        previous: Tiers | None = None,
        rules: RuleEvaluator | None = None,
    ) -> Tiers:
        """Place every assessed partner in a tier for ``quarter``.

        Args:
            portfolio: The snapshot.
            quarter: The quarter assessed.
            previous: This policy's result for the quarter before (the history the
                hysteresis needs); None to start from the tiers in the partner records.
            rules: The organisation's rules; a winning override of target ``"tier"``
                (a tier name) replaces the tier and is reported as the last reason.

        Returns:
            The tiers, with reasons and progress to the next tier.

        Raises:
            ValidationError: If ``quarter`` is not a Quarter or ``previous`` is not the
                result for the quarter just before it.
        """
        check_quarter(self.name, quarter)
        if previous is not None and getattr(previous, "quarter", None) != quarter.previous():
            got = getattr(previous, "quarter", previous)
            expected = f"the Tiers of {quarter.previous()}, the quarter before {quarter}"
            raise ValidationError(self.name, "previous", got, expected)
        window = quarter.trailing(self.window)
        revenue = won_revenue(portfolio, window, sources=self.sources)
        deals = won_deals(portfolio, window, sources=self.sources)
        assessed = sorted((p for p in portfolio.partners if p.stage in self.stages), key=_id)
        excluded = FrozenMap(
            (p.id, f"stage {p.stage.value!r} is not among the assessed stages")
            for p in sorted(portfolio.partners, key=_id)
            if p.stage not in self.stages
        )
        placements: dict[str, TierPlacement] = {}
        errors: list[Exception] = []
        outcomes: dict[tuple[object, ...], _Outcome] = {}
        for partner in assessed:
            placement = self._place(
                partner,
                quarter,
                self.measures(partner, revenue[partner.id], deals[partner.id]),
                previous,
                outcomes,
            )
            if rules is not None:
                placement, failed = self._override(rules, partner, placement, quarter)
                errors.extend(failed)
            placements[partner.id] = placement
        return Tiers(
            quarter=quarter,
            policy=self.name,
            parameters=self.parameters,
            placements=FrozenMap(placements),
            excluded=excluded,
            rule_errors=tuple(errors),
        )

    def _held(self, partner: Partner, previous: Tiers | None) -> tuple[int, int, str]:
        if previous is not None and partner.id in previous:
            before = previous.placement(partner.id)
            return self._index(before.value), before.quarters_below, "previous result"
        return self._index(partner.tier), 0, "partner record"

    def _place(
        self,
        partner: Partner,
        quarter: Quarter,
        measures: FrozenMap[str, Decimal | None],
        previous: Tiers | None,
        outcomes: dict[tuple[object, ...], _Outcome],
    ) -> TierPlacement:
        held, below, source = self._held(partner, previous)
        unknown = (
            partner.tier
            if partner.tier is not None
            and self._index(partner.tier) < 0
            and source == "partner record"
            else None
        )
        # Partners with the same measures (to the last digit, as the reasons show them),
        # the same tier held and the same history get the same outcome for the same
        # reasons: it is worked out once per assessment, and the reasons are shared. The
        # measures always come from self.measures(), so their keys come in one order.
        key = (held, below, source, unknown, *map(str, measures.values()))
        outcome = outcomes.get(key)
        if outcome is None:
            outcome = outcomes[key] = self._outcome(quarter, measures, held, below, source, unknown)
        new, qualified, below, progress, reasons = outcome
        return TierPlacement(
            partner_id=partner.id,
            value=new,
            qualified=qualified,
            quarters_below=below,
            measures=measures,
            progress=progress,
            reasons=reasons,
        )

    def _outcome(  # noqa: PLR0913, PLR0917 - every input of the outcome, named
        self,
        quarter: Quarter,
        measures: FrozenMap[str, Decimal | None],
        held: int,
        below: int,
        source: str,
        unknown: str | None,
    ) -> _Outcome:
        """Place measures against the tiers: tier, tier qualified for, progress, reasons."""
        # Which tiers are reached, without building a progress report for each.
        qualified = -1
        for index, requirements in enumerate(self._requirements):
            if all(
                (actual := measures.get(measure)) is not None and actual >= required
                for measure, required in requirements
            ):
                qualified = index
        name = self._name
        base = {
            "measures": measures,
            "qualified": name(qualified),
            "held": name(held),
            "held_from": source,
            "parameters": self.parameters,
        }
        reasons = []
        if unknown is not None:
            reasons.append(
                self._reason(
                    "unknown_tier",
                    quarter,
                    f"the partner record's tier {unknown!r} is not one of this policy's "
                    "tiers; treated as holding none",
                    {**base, "record_tier": unknown},
                )
            )
        if qualified >= held:
            new = qualified
            below = 0
            if not self.allow_skipping and qualified > held + 1:
                new = held + 1
                code = "promotion_limited"
                text = (
                    f"qualifies for {name(qualified)} but rises one tier at a time: "
                    f"{name(held)} -> {name(new)}"
                )
            elif qualified > held:
                code, text = (
                    "promoted",
                    f"promoted from {name(held)} to {name(new)}: every criterion met",
                )
            else:
                code, text = "qualified", f"holds {name(new)}: every criterion met"
        else:
            below += 1
            if below >= self.demote_after:
                new, code = qualified, "demoted"
                text = (
                    f"demoted from {name(held)} to {name(qualified)} after {below} consecutive "
                    f"quarter(s) below (demote_after={self.demote_after})"
                )
                below = 0
            else:
                new, code = held, "held_by_hysteresis"
                text = (
                    f"keeps {name(held)} although it qualifies only for {name(qualified)}: "
                    f"{below} of {self.demote_after} quarter(s) below before a demotion"
                )
        reasons.append(
            self._reason(code, quarter, text, {**base, "quarters_below": below, "tier": name(new)})
        )
        progress = (
            self.progress(self.tiers[new + 1], measures) if new + 1 < len(self.tiers) else None
        )
        unmet = () if progress is None else progress.missing
        if progress is not None and unmet:
            missing = ", ".join(
                f"{c.measure} {_show(c.actual)} of {_show(c.required)} (missing {_show(c.missing)})"
                for c in unmet
            )
            reasons.append(
                self._reason(
                    "progress",
                    quarter,
                    f"for {progress.tier}: {missing}",
                    {
                        "next_tier": progress.tier,
                        "missing": tuple(
                            FrozenMap(
                                {
                                    "measure": c.measure,
                                    "required": c.required,
                                    "actual": c.actual,
                                    "missing": c.missing,
                                }
                            )
                            for c in unmet
                        ),
                    },
                )
            )
        return _Outcome(name(new), name(qualified), below, progress, tuple(reasons))

    def _name(self, index: int) -> str | None:
        return self.tiers[index].name if index >= 0 else None

    def _reason(
        self, code: str, quarter: Quarter, text: str, facts: Mapping[str, object]
    ) -> Reason:
        return Reason(code=code, policy=self.name, quarter=quarter, text=text, facts=facts)

    def _override(
        self, rules: RuleEvaluator, partner: Partner, placement: TierPlacement, quarter: Quarter
    ) -> tuple[TierPlacement, tuple[Exception, ...]]:
        names = {t.name for t in self.tiers}

        def accept(value: object) -> str | None:
            return value if isinstance(value, str) and value in names else None

        context: dict[str, object] = {
            "tier": placement.value,
            "qualified": placement.qualified,
            "quarter": str(quarter),
            "policy": self.name,
        }
        tier, reasons, errors = apply_override(
            rules,
            partner,
            target="tier",
            current=placement.value,
            context=context,
            accept=accept,
            quarter=quarter,
        )
        if not reasons:
            return placement, errors
        changed = tier != placement.value
        new_progress = placement.progress
        if changed:
            index = self._index(tier)
            new_progress = (
                self.progress(self.tiers[index + 1], placement.measures)
                if index + 1 < len(self.tiers)
                else None
            )
        return (
            attrs.evolve(
                placement,
                value=tier,
                quarters_below=0 if changed else placement.quarters_below,
                progress=new_progress,
                reasons=placement.reasons + reasons,
            ),
            errors,
        )


class _Outcome(NamedTuple):
    """Where a partner's measures and history place it: what a TierPlacement holds."""

    value: str | None
    qualified: str | None
    quarters_below: int
    progress: TierProgress | None
    reasons: tuple[Reason, ...]


def _id(partner: Partner) -> str:
    return partner.id


def _show(value: Decimal | None) -> str:
    return "none" if value is None else show_number(value)
