"""The performance triangle: the few aggressive growers, the promising, the long tail."""

from __future__ import annotations

import functools
import math
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

import attrs

from partnerdomain.exceptions import ValidationError
from partnerdomain.model import FrozenMap, Partner, PartnerStage, Portfolio, Quarter
from partnerdomain.policies._bands import IN_PROGRAM
from partnerdomain.policies._metric import (
    OPEN_PIPELINE,
    REVENUE_GROWTH,
    Metric,
    MetricFunction,
    Number,
    as_metric,
    check_values,
)
from partnerdomain.policies._overrides import RuleEvaluator, apply_override
from partnerdomain.policies._parameters import check_quarter, share
from partnerdomain.policies._ranking import Ranking, rank, shared_by_tie, tie_reason
from partnerdomain.policies._reasons import Placement, Reason, show_number

if TYPE_CHECKING:
    from collections.abc import Collection, Iterator, Mapping

__all__ = ["PerformanceTriangle", "Triangle", "TriangleSegment"]


class TriangleSegment(StrEnum):
    """A partner's growth profile in the performance triangle."""

    AGGRESSIVE_GROWTH = "aggressive_growth"
    """The few (about 5%) growing fast on their own; they want executive access."""
    GROWTH_POTENTIAL = "growth_potential"
    """About 15%: growth is there with a partner account manager's proactive help."""
    LIMITED_GROWTH = "limited_growth"
    """The long tail (about 80%): inside channel support and the self-service portal."""


_ORDER = (
    TriangleSegment.AGGRESSIVE_GROWTH,
    TriangleSegment.GROWTH_POTENTIAL,
    TriangleSegment.LIMITED_GROWTH,
)
#: Each boundary of the ranking, named by the segment above it (as tie reasons say).
_BOUNDARIES = tuple(segment.value for segment in _ORDER)
_Key = tuple[Number, Number]


@attrs.frozen(kw_only=True, eq=False)
class Triangle:
    """Each assessed partner's segment of the performance triangle, with reasons.

    Attributes:
        quarter: The quarter assessed.
        policy: The policy's name.
        parameters: The policy's parameters, as reasons report them.
        excluded: Partners of the portfolio not assessed (their stage), with why.
        rule_errors: Errors of organisation rules that failed (collected, not raised).
    """

    quarter: Quarter
    policy: str
    parameters: FrozenMap[str, object]
    _ranking: Ranking[_Key] = attrs.field(alias="ranking")
    _overrides: FrozenMap[str, tuple[TriangleSegment, tuple[Reason, ...]]] = attrs.field(
        alias="overrides", factory=FrozenMap
    )
    excluded: FrozenMap[str, str] = attrs.field(factory=FrozenMap)
    rule_errors: tuple[Exception, ...] = ()
    # Each tie group's segment and reasons by rank, with its key as written: built
    # once, shared by the partners of the group whose values read the same.
    _tied: dict[int, tuple[object, tuple[TriangleSegment, tuple[Reason, ...]]]] = attrs.field(
        init=False, repr=False, factory=dict
    )

    def __len__(self) -> int:
        """Return how many partners were assessed."""
        return len(self._ranking)

    def __contains__(self, partner_id: object) -> bool:
        """Say whether the partner was assessed."""
        return isinstance(partner_id, str) and self._ranking.position(partner_id) is not None

    def __iter__(self) -> Iterator[Placement[TriangleSegment]]:
        """Iterate over every placement, fastest growers first (ties by id)."""
        for partner_id in self._ranking.ids:
            yield self.placement(partner_id)

    @property
    def partner_ids(self) -> tuple[str, ...]:
        """Every assessed partner, fastest growers first (ties by id)."""
        return tuple(self._ranking.ids)

    def _position(self, partner_id: str) -> int:
        position = self._ranking.position(partner_id)
        if position is None:
            raise ValidationError("Triangle", "partner_id", partner_id, "an assessed partner's id")
        return position

    def segment_of(self, partner_id: str) -> TriangleSegment:
        """Return the partner's segment (after any rule override).

        Raises:
            ValidationError: If the partner was not assessed.
        """
        override = self._overrides.get(partner_id)
        if override is not None:
            return override[0]
        return _ORDER[self._ranking.band_at(self._position(partner_id))]

    def members(self, segment: TriangleSegment) -> tuple[str, ...]:
        """Return the partners in ``segment`` (after overrides), fastest growers first."""
        start, end = self._ranking.span(_ORDER.index(segment))
        base = self._ranking.ids[start:end]
        if not self._overrides:
            return tuple(base)
        kept = [p for p in base if p not in self._overrides]
        moved = [p for p, (s, _) in self._overrides.items() if s is segment]
        return tuple(sorted((*kept, *moved), key=self._position))

    @property
    def counts(self) -> FrozenMap[TriangleSegment, int]:
        """How many partners each segment holds (after overrides)."""
        return FrozenMap((segment, len(self.members(segment))) for segment in TriangleSegment)

    def placement(self, partner_id: str) -> Placement[TriangleSegment]:
        """Return the partner's segment with every reason for it.

        Raises:
            ValidationError: If the partner was not assessed.
        """
        segment, reasons = self._ranked_reasons(self._position(partner_id))
        override = self._overrides.get(partner_id)
        if override is not None:
            segment, extra = override
            reasons += extra
        return Placement(partner_id=partner_id, value=segment, reasons=reasons)

    def _ranked_reasons(self, position: int) -> tuple[TriangleSegment, tuple[Reason, ...]]:
        return shared_by_tie(self._tied, self._ranking, position, self._build_ranked_reasons)

    def _build_ranked_reasons(self, position: int) -> tuple[TriangleSegment, tuple[Reason, ...]]:
        ranking = self._ranking
        segment = _ORDER[ranking.band_at(position)]
        name = str(segment)  # its value; str() is the quicker way to it for a StrEnum
        growth, tie_breaker = ranking.keys[position]
        n = len(ranking)
        facts: dict[str, object] = {
            "growth_metric": self.parameters["growth"],
            "growth": growth,
            "tie_breaker_metric": self.parameters["tie_breaker"],
            "tie_breaker": tie_breaker,
            "rank": ranking.ranks[position],
            "of": n,
            "segment": name,
            "parameters": self.parameters,
        }
        unbounded = ""
        if _is_unbounded(growth):
            facts["unbounded"] = True
            unbounded = " (unbounded: nothing in the base period to grow from)"
        text = (
            f"{name}: rank {ranking.ranks[position]} of {n} by "
            f"{self.parameters['growth']} = {show_number(growth)}{unbounded} (tie-breaker "
            f"{self.parameters['tie_breaker']} = {show_number(tie_breaker)})"
        )
        reasons: tuple[Reason, ...] = (
            Reason(code="ranked", policy=self.policy, quarter=self.quarter, text=text, facts=facts),
        )
        tie = tie_reason(
            ranking,
            position,
            boundaries=_BOUNDARIES,
            unit="segment",
            placed=name,
            policy=self.policy,
            quarter=self.quarter,
        )
        if tie is not None:
            reasons += (tie,)
        return segment, reasons


def _is_unbounded(value: object) -> bool:
    """Whether a growth value is plus infinity: growth from nothing to something."""
    if isinstance(value, Decimal):
        return value.is_infinite() and value > 0
    return isinstance(value, float) and math.isinf(value) and value > 0


def _aggressive(value: Decimal | float | str) -> Decimal:
    return share("PerformanceTriangle", "aggressive_growth", value)


def _potential(value: Decimal | float | str) -> Decimal:
    return share("PerformanceTriangle", "growth_potential", value)


def _as_metric(value: Metric | MetricFunction) -> Metric:
    return as_metric(value)


def _as_optional_metric(value: Metric | MetricFunction | None) -> Metric | None:
    return None if value is None else as_metric(value)


def _as_stages(value: Collection[PartnerStage]) -> frozenset[PartnerStage]:
    if isinstance(value, (str, bytes)) or not all(isinstance(s, PartnerStage) for s in value):
        expected = "a set of PartnerStage members"
        raise ValidationError("PerformanceTriangle", "stages", value, expected)
    return frozenset(value)


_ZERO = Decimal(0)


@attrs.frozen(kw_only=True)
class PerformanceTriangle:
    """The performance triangle: segment partners by how fast they grow.

    By default partners are ranked by year-over-year growth of partner-sourced won
    revenue, then (between equal growth) by open pipeline; the fastest 5% are
    aggressive growers, the next 15% have growth potential, the other 80% have
    limited growth. Ties (equal growth and equal pipeline) are never split: a tie
    group cut by a boundary goes to the lower segment, so the two upper segments hold
    at most their targets and fall short by less than the tie group at their boundary.

    Args:
        aggressive_growth: The share of partners in the top segment.
        growth_potential: The share in the middle segment; the two shares must not
            exceed 1 together.
        growth: What partners are ranked by.
        tie_breaker: What ranks partners of equal growth; None for no tie-breaker.
        stages: The partner stages assessed; partners in the program by default.

    Raises:
        ValidationError: If a parameter is out of range.
    """

    aggressive_growth: Decimal = attrs.field(default=Decimal("0.05"), converter=_aggressive)
    growth_potential: Decimal = attrs.field(default=Decimal("0.15"), converter=_potential)
    growth: Metric = attrs.field(default=REVENUE_GROWTH, converter=_as_metric)
    tie_breaker: Metric | None = attrs.field(default=OPEN_PIPELINE, converter=_as_optional_metric)
    stages: frozenset[PartnerStage] = attrs.field(default=IN_PROGRAM, converter=_as_stages)

    def __attrs_post_init__(self) -> None:
        """Check that the shares fit in one."""
        if self.aggressive_growth + self.growth_potential > 1:
            expected = (
                f"at most {1 - self.aggressive_growth} so that the shares add up to at most 1"
            )
            raise ValidationError(
                "PerformanceTriangle", "growth_potential", self.growth_potential, expected
            )

    @property
    def name(self) -> str:
        """The policy's name, as reasons show it."""
        return "PerformanceTriangle"

    @property
    def limited_growth(self) -> Decimal:
        """The share of partners with limited growth: what the other two leave."""
        return 1 - self.aggressive_growth - self.growth_potential

    @functools.cached_property
    def parameters(self) -> FrozenMap[str, object]:
        """The parameters, as reasons report them."""
        return FrozenMap(
            {
                "aggressive_growth": self.aggressive_growth,
                "growth_potential": self.growth_potential,
                "limited_growth": self.limited_growth,
                "growth": self.growth.name,
                "tie_breaker": None if self.tie_breaker is None else self.tie_breaker.name,
                "stages": tuple(sorted(s.value for s in self.stages)),
            }
        )

    def assess(
        self, portfolio: Portfolio, quarter: Quarter, *, rules: RuleEvaluator | None = None
    ) -> Triangle:
        """Segment the portfolio's partners for ``quarter``, then apply rule overrides.

        Args:
            portfolio: The snapshot.
            quarter: The quarter assessed.
            rules: The organisation's rules; a winning override of target
                ``"triangle"`` replaces the segment and is reported as the last reason.

        Returns:
            The segments, with reasons.

        Raises:
            ValidationError: If ``quarter`` is not a Quarter or a metric gives a
                partner no value or one that cannot be ranked.
        """
        check_quarter(self.name, quarter)
        assessed = [p for p in portfolio.partners if p.stage in self.stages]
        excluded = FrozenMap(
            (p.id, f"stage {p.stage.value!r} is not among the assessed stages")
            for p in sorted(portfolio.partners, key=lambda p: p.id)
            if p.stage not in self.stages
        )
        growth = _values(self.growth, portfolio, quarter, assessed)
        tie = (
            dict.fromkeys(growth, _ZERO)
            if self.tie_breaker is None
            else _values(self.tie_breaker, portfolio, quarter, assessed)
        )
        triangle = self.segment(growth, quarter, tie_breaker=tie)
        triangle = attrs.evolve(triangle, excluded=excluded)
        if rules is None:
            return triangle
        return _apply_rules(triangle, assessed, rules)

    def segment(
        self,
        growth: Mapping[str, Number],
        quarter: Quarter,
        *,
        tie_breaker: Mapping[str, Number] | None = None,
    ) -> Triangle:
        """Segment partners by growth values already computed: the policy's pure core.

        Raises:
            ValidationError: If a value cannot be ranked or a tie-breaker is missing.
        """
        check_quarter(self.name, quarter)
        check_values(self.growth.name, growth)
        tie_name = "tie_breaker" if self.tie_breaker is None else self.tie_breaker.name
        tie_breaker = tie_breaker or {}
        check_values(tie_name, tie_breaker)
        ids = list(growth)
        for pid in ids:
            if tie_breaker and pid not in tie_breaker:
                where = f"metric {tie_name!r}"
                raise ValidationError(where, pid, None, "a value for every partner")
        keys: list[_Key] = [(growth[pid], tie_breaker.get(pid, _ZERO)) for pid in ids]
        shares = (self.aggressive_growth, self.growth_potential, self.limited_growth)
        ranking = rank(ids, keys, shares, ("down", "down"), rest=2)
        return Triangle(
            quarter=quarter, policy=self.name, parameters=self.parameters, ranking=ranking
        )


def _values(
    metric: Metric, portfolio: Portfolio, quarter: Quarter, assessed: list[Partner]
) -> dict[str, Number]:
    computed = metric(portfolio, quarter)
    values: dict[str, Number] = {}
    for partner in assessed:
        if partner.id not in computed:
            where = f"metric {metric.name!r}"
            raise ValidationError(where, partner.id, None, "a value for every partner")
        values[partner.id] = computed[partner.id]
    return values


def _accept_segment(value: object) -> TriangleSegment | None:
    try:
        return TriangleSegment(str(value))
    except ValueError:
        return None


def _apply_rules(triangle: Triangle, partners: list[Partner], rules: RuleEvaluator) -> Triangle:
    overrides: dict[str, tuple[TriangleSegment, tuple[Reason, ...]]] = {}
    errors: list[Exception] = []
    for partner in sorted(partners, key=lambda p: p.id):
        current = triangle.segment_of(partner.id)
        context: dict[str, object] = {
            "triangle": current.value,
            "quarter": str(triangle.quarter),
            "policy": triangle.policy,
        }
        segment, reasons, failed = apply_override(
            rules,
            partner,
            target="triangle",
            current=current,
            context=context,
            accept=_accept_segment,
            quarter=triangle.quarter,
        )
        errors.extend(failed)
        if reasons:
            overrides[partner.id] = (segment, reasons)
    return attrs.evolve(triangle, overrides=FrozenMap(overrides), rule_errors=tuple(errors))
