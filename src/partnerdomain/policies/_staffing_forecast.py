"""The staffing forecast: the evolving matrix, quarter by quarter."""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from partnerdomain.exceptions import ValidationError
from partnerdomain.model import FrozenMap, Money, PartnerType, Portfolio, Quarter, TeamRole
from partnerdomain.policies._bands import PerformanceBand
from partnerdomain.policies._reasons import Reason
from partnerdomain.policies._staffing import (
    POLICY,
    StructureChange,
    _new_role,
    _segment_of_person,
    evolve_structure,
    infer_structure,
)
from partnerdomain.policies._staffing_core import (
    STAGE_WORKLOAD,
    Demand,
    decimal_of,
    heads_needed,
    segment_for,
    segments_of,
    weight_scale,
)
from partnerdomain.policies._staffing_model import CompanyStage, Segment, TeamStructure, Workload
from partnerdomain.policies._staffing_parameters import (
    StaffingParameters,
    capacity_for,
    carried_workloads,
)

if TYPE_CHECKING:
    from attrs import Attribute

__all__ = [
    "ForecastHire",
    "ForecastQuarter",
    "ForecastState",
    "GrowthAssumptions",
    "OpenPosition",
    "PositionDecision",
    "StaffingForecast",
    "forecast_staffing",
]

_NAME = "GrowthAssumptions"
_ZERO = Fraction(0)


def _as_counts(value: Mapping[PartnerType, int]) -> FrozenMap[PartnerType, int]:
    # Anything else passes through unchanged, for the validator to name what is wrong.
    items: object = value
    if isinstance(items, Mapping) and all(isinstance(k, PartnerType) for k in items):
        return FrozenMap(sorted(value.items()))
    return value  # type: ignore[return-value]


def _check_counts(instance: object, attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, PartnerType) and type(v) is int and v >= 0 for k, v in value.items()
    ):
        raise ValidationError(
            type(instance).__name__, attribute.name, value, "a mapping of PartnerType to int >= 0"
        )


def _to_decimal(value: object) -> object:
    if type(value) in {int, str}:
        try:
            return Decimal(value)  # type: ignore[arg-type]
        except ArithmeticError:
            return value
    return value


def _check_share(instance: object, attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or not 0 <= value <= 1:
        raise ValidationError(
            type(instance).__name__, attribute.name, value, "a Decimal share from 0 to 1"
        )


def _check_ramp(instance: object, attribute: Attribute[Any], value: object) -> None:
    if type(value) is not int or not 0 <= value <= 8:
        raise ValidationError(
            type(instance).__name__, attribute.name, value, "whole quarters from 0 to 8"
        )


def _check_bool(instance: object, attribute: Attribute[Any], value: object) -> None:
    if type(value) is not bool:
        raise ValidationError(type(instance).__name__, attribute.name, value, "True or False")


@attrs.frozen(kw_only=True)
class GrowthAssumptions:
    """How the partner program is expected to grow, quarter by quarter.

    >>> GrowthAssumptions(recruits_per_quarter={PartnerType.RESELLER: 3}).ramp_quarters
    2

    Args:
        recruits_per_quarter: New partners signed each quarter, by type.
        ramp_quarters: Quarters a new partner spends onboarding and ramping.
        churn_per_quarter: Share of active partners that leave each quarter; fractions
            of a partner carry over to the next quarter, so churn is exact over time.
        committed_share: Share of active partners that count as committed (partner
            account managers take them from the make-or-break stage).
        aggressive_share: Share of active partners with aggressive growth (leadership).
        growth_share: Share with growth potential (leadership); the rest is limited growth.
        hire_unfunded: Whether needed hires are made before revenue funds them.
    """

    recruits_per_quarter: FrozenMap[PartnerType, int] = attrs.field(
        converter=_as_counts, validator=_check_counts
    )
    ramp_quarters: int = attrs.field(default=2, validator=_check_ramp)
    churn_per_quarter: Decimal = attrs.field(
        default=Decimal("0.02"), converter=_to_decimal, validator=_check_share
    )
    committed_share: Decimal = attrs.field(
        default=Decimal("0.2"), converter=_to_decimal, validator=_check_share
    )
    aggressive_share: Decimal = attrs.field(
        default=Decimal("0.05"), converter=_to_decimal, validator=_check_share
    )
    growth_share: Decimal = attrs.field(
        default=Decimal("0.15"), converter=_to_decimal, validator=_check_share
    )
    hire_unfunded: bool = attrs.field(default=False, validator=_check_bool)

    def __attrs_post_init__(self) -> None:
        """Check that the triangle's shares fit in one whole."""
        if self.aggressive_share + self.growth_share > 1:
            raise ValidationError(
                _NAME,
                "growth_share",
                self.growth_share,
                f"at most {1 - self.aggressive_share} (1 - aggressive_share)",
            )


@attrs.frozen(kw_only=True, order=True)
class OpenPosition:
    """A head a segment needs but has not hired (not yet funded), and since when.

    Attributes:
        segment: Where the head is needed.
        position: The segment's head count it would make.
        needed_since: The quarter it first became needed.
    """

    segment: Segment
    position: int
    needed_since: Quarter


@attrs.frozen(kw_only=True)
class PositionDecision:
    """What the forecast decided about one needed head in one quarter.

    Attributes:
        segment: Where the head is needed.
        position: The segment's head count it would make.
        needed_since: The quarter it first became needed.
        funded: Whether the segment's revenue funds it this quarter.
        hired: Whether it was hired this quarter.
        reason: The figures: revenue against multiple x cost x position.
    """

    segment: Segment
    position: int
    needed_since: Quarter
    funded: bool
    hired: bool
    reason: Reason


@attrs.frozen(kw_only=True)
class ForecastState:
    """The partner program at the start of a quarter, as the forecast tracks it.

    Attributes:
        quarter: The quarter that starts from this state.
        structure: The team structure in use.
        active: Active partners by type.
        ramping: Ramping partners by type, one cohort per quarter, oldest first.
        team: Headcount by segment.
        churn_carry: Fractions of a churned partner carried to the next quarter, by type.
        open_positions: Needed heads not yet hired, with the quarter they became needed.
    """

    quarter: Quarter
    structure: TeamStructure
    active: FrozenMap[PartnerType, int]
    ramping: tuple[FrozenMap[PartnerType, int], ...]
    team: FrozenMap[Segment, int]
    churn_carry: FrozenMap[PartnerType, Decimal] = attrs.field(factory=FrozenMap)
    open_positions: tuple[OpenPosition, ...] = ()

    @property
    def partners(self) -> int:
        """Partners in program (active and ramping)."""
        return sum(self.active.values()) + sum(sum(c.values()) for c in self.ramping)

    @property
    def headcount(self) -> int:
        """People on the team."""
        return sum(self.team.values())

    @classmethod
    def from_portfolio(
        cls,
        portfolio: Portfolio,
        parameters: StaffingParameters,
        *,
        quarter: Quarter,
        assumptions: GrowthAssumptions,
        structure: TeamStructure | None = None,
    ) -> ForecastState:
        """Read the starting state from a portfolio: partners by stage and type, the team.

        Ramping partners are placed in cohorts by how long they have been in their stage.
        """
        structure = structure or infer_structure(portfolio.managers, parameters)
        active: dict[PartnerType, int] = {}
        cohorts: list[dict[PartnerType, int]] = [{} for _ in range(assumptions.ramp_quarters)]
        for partner in portfolio.partners:
            workload = STAGE_WORKLOAD.get(partner.stage)
            kind = partner.partner_type
            if workload is Workload.MANAGE or (workload is Workload.RAMP and not cohorts):
                active[kind] = active.get(kind, 0) + 1
            elif workload is Workload.RAMP:
                since = Quarter.from_date(
                    partner.stage_since, fiscal_start_month=quarter.fiscal_start_month
                )
                age = max(0, quarter.index - since.index)
                slot = max(0, len(cohorts) - 1 - age)
                cohorts[slot][kind] = cohorts[slot].get(kind, 0) + 1
        segments = segments_of(structure, parameters)
        roles = {s.role for s in segments}
        team: dict[Segment, int] = {}
        for manager in portfolio.managers:
            role = _new_role(manager.role, structure, roles)
            segment = (
                Segment(manager.role)
                if role is None
                else _segment_of_person(manager, role, structure, parameters, segments)
            )
            team[segment] = team.get(segment, 0) + 1
        return cls(
            quarter=quarter,
            structure=structure,
            active=FrozenMap(sorted(active.items())),
            ramping=tuple(FrozenMap(sorted(c.items())) for c in cohorts),
            team=FrozenMap(sorted(team.items())),
        )


@attrs.frozen(kw_only=True)
class ForecastHire:
    """When one head of a segment became needed, funded and hired.

    Attributes:
        segment: Where the head goes.
        position: The segment's head count it makes.
        needed_in: The quarter it became needed.
        funded_in: The quarter revenue first funded it (``None``: not within the forecast).
        hired_in: The quarter it was hired (``None``: not within the forecast).
    """

    segment: Segment
    position: int
    needed_in: Quarter
    funded_in: Quarter | None
    hired_in: Quarter | None


@attrs.frozen(kw_only=True)
class ForecastQuarter:
    """One quarter of the forecast.

    Attributes:
        quarter: The quarter.
        start: The state it started from (the previous quarter's end).
        end: The state it ended in (the next quarter's start).
        changes: Steps of the evolving matrix taken this quarter.
        demand: Standard partners per segment and workload.
        revenue: Expected yearly revenue per segment.
        needed: Heads needed per segment.
        hired: Heads hired this quarter per segment.
        decisions: Each needed head's funding and hiring this quarter, with its figures.
    """

    quarter: Quarter
    start: ForecastState
    end: ForecastState
    changes: tuple[StructureChange, ...]
    demand: FrozenMap[Segment, FrozenMap[Workload, Decimal]]
    revenue: FrozenMap[Segment, Money]
    needed: FrozenMap[Segment, int]
    hired: FrozenMap[Segment, int]
    decisions: tuple[PositionDecision, ...]

    @property
    def unfunded(self) -> tuple[PositionDecision, ...]:
        """Needed heads left open because revenue does not fund them yet."""
        return tuple(d for d in self.decisions if not d.funded)


@attrs.frozen(kw_only=True)
class StaffingForecast:
    """The forecast: each quarter, and when each head became needed, funded and hired.

    Attributes:
        quarters: Each quarter in order; each starts from the previous one's end.
        hires: Every head that became needed, in the order it did.
    """

    quarters: tuple[ForecastQuarter, ...]
    hires: tuple[ForecastHire, ...]

    @property
    def end(self) -> ForecastState:
        """The state after the last quarter (where a longer forecast would continue)."""
        return self.quarters[-1].end


def _split(count: int, shares: tuple[Decimal, ...]) -> list[int]:
    parts = [math.floor(count * share) for share in shares]
    return [*parts, count - sum(parts)]


def _step(  # noqa: C901, PLR0912, PLR0915 - one quarter of the program, step by step
    params: StaffingParameters,
    state: ForecastState,
    assumptions: GrowthAssumptions,
    currency: str,
) -> ForecastQuarter:
    quarter = state.quarter
    scale = weight_scale(params.weights.values())
    weights = {t: int(Fraction(w) * scale) for t, w in params.weights.items()}
    revenue_of = {t: params.revenue.get(t, Money.zero(currency)).amount for t in PartnerType}

    # The partners: recruits join the newest cohort, the oldest graduates, churn leaves.
    recruits = {t: n for t, n in assumptions.recruits_per_quarter.items() if n}
    cohorts = [dict(c) for c in state.ramping]
    if cohorts:
        graduated = cohorts.pop(0)
        cohorts.append(dict(recruits))
    else:
        graduated = dict(recruits)
    active: dict[PartnerType, int] = {}
    carry: dict[PartnerType, Decimal] = {}
    for kind in PartnerType:
        have = state.active.get(kind, 0)
        owed = have * assumptions.churn_per_quarter + state.churn_carry.get(kind, Decimal(0))
        churned = min(have, math.floor(owed))
        if owed - churned:
            carry[kind] = owed - churned
        count = have - churned + graduated.get(kind, 0)
        if count:
            active[kind] = count
    in_program = sum(active.values()) + sum(sum(c.values()) for c in cohorts)

    # The structure: the evolving matrix moves on when the figures call for it.
    totals = dict.fromkeys(Workload, 0)
    group_volume: dict[str, int] = {}
    for kind, n in recruits.items():
        totals[Workload.RECRUIT] += weights[kind] * 4 * n
    for cohort in cohorts:
        for kind, n in cohort.items():
            totals[Workload.RAMP] += weights[kind] * n
            group = params.skill_groups[kind]
            group_volume[group] = group_volume.get(group, 0) + weights[kind] * n
    for kind, n in active.items():
        totals[Workload.MANAGE] += weights[kind] * n
        group = params.skill_groups[kind]
        group_volume[group] = group_volume.get(group, 0) + weights[kind] * n
    structure, changes = evolve_structure(
        params,
        state.structure,
        quarter,
        in_program=in_program,
        totals={w: Fraction(t, scale) for w, t in totals.items()},
        group_volume={g: Fraction(v, scale) for g, v in group_volume.items()},
    )
    segments = segments_of(structure, params)
    roles = {s.role for s in segments}
    team: dict[Segment, int] = {}
    for segment, count in state.team.items():
        role = _new_role(segment.role, structure, roles)
        if role is None:
            moved = segment
        else:
            spec = Segment(role, segment.specialisation)
            moved = spec if spec in segments else Segment(role)
        team[moved] = team.get(moved, 0) + count

    # The work, by segment: yearly recruits, ramping cohorts, active partners by share.
    demand: dict[tuple[Segment, Workload], Demand] = {}
    revenue: dict[Segment, Decimal] = {}
    ramping_factor = params.band_factor(PerformanceBand.RAMPING.value)

    def add(
        kind: PartnerType, workload: Workload, n: int, band: str | None, tri: str | None
    ) -> None:
        if n <= 0:
            return
        segment = segment_for(structure, params, kind, workload, band, tri)
        demand.setdefault((segment, workload), Demand()).add(kind, weights[kind], n)
        factor = ramping_factor if workload is not Workload.MANAGE else Decimal(1)
        revenue[segment] = revenue.get(segment, Decimal(0)) + revenue_of[kind] * factor * n

    for kind, n in sorted(recruits.items()):
        add(kind, Workload.RECRUIT, 4 * n, None, None)
    for cohort in cohorts:
        for kind, n in sorted(cohort.items()):
            add(kind, Workload.RAMP, n, None, None)
    committed = next(iter(sorted(params.committed_bands)), None)
    triangle = sorted(params.triangle_roles)
    for kind, n in sorted(active.items()):
        if structure.stage is CompanyStage.LEADERSHIP:
            parts = _split(n, (assumptions.aggressive_share, assumptions.growth_share))
            names = [
                _triangle_key(params, TeamRole.EXECUTIVE_SPONSOR, triangle),
                _triangle_key(params, TeamRole.PARTNER_ACCOUNT_MANAGER, triangle),
                _triangle_key(params, TeamRole.CHANNEL_SUPPORT, triangle),
            ]
            for part, name in zip(parts, names, strict=True):
                add(kind, Workload.MANAGE, part, None, name)
        elif structure.stage is CompanyStage.MAKE_OR_BREAK:
            keen, rest = _split(n, (assumptions.committed_share,))
            add(kind, Workload.MANAGE, keen, committed, None)
            add(kind, Workload.MANAGE, rest, None, None)
        else:
            add(kind, Workload.MANAGE, n, None, None)

    # Generalists left without work once their groups are specialised join the specialists.
    busy = {segment for segment, _ in demand}
    for segment in sorted(team):
        if segment.specialisation is not None or segment in busy:
            continue
        targets = sorted(s for s in busy if s.role is segment.role and s.specialisation)
        if targets:
            target = targets[0]
            team[target] = team.get(target, 0) + team.pop(segment)

    # The heads: needed at the role's capacity, hired when funded.
    needed: dict[Segment, int] = {}
    for segment in sorted(segments | {s for s, _ in demand}):
        have = team.get(segment, 0)
        capacity = params.capacity[segment.role]
        extra = 0
        for workload in sorted(carried_workloads(segment.role)):
            entry = demand.get((segment, workload))
            if entry is not None:
                room = capacity_for(capacity, workload) * scale
                extra = max(extra, heads_needed(entry, room, [(room, True)] * have))
        if have or extra:
            needed[segment] = have + extra
    open_before = {(p.segment, p.position): p.needed_since for p in state.open_positions}
    hired: dict[Segment, int] = {}
    still_open: list[OpenPosition] = []
    decisions: list[PositionDecision] = []
    for segment, total in sorted(needed.items()):
        have = team.get(segment, 0)
        if total <= have:
            continue
        cost = params.cost_of(segment.role)
        if cost is None:
            raise ValidationError(
                "StaffingParameters",
                "cost",
                segment.role.value,
                f"a fully loaded cost for {segment.role.value}: the forecast needs to hire one",
            )
        income = Money(revenue.get(segment, Decimal(0)), currency)
        for position in range(have + 1, total + 1):
            since = open_before.get((segment, position), quarter)
            required = cost * params.required_multiple * position
            funded = income >= required
            hire = funded or assumptions.hire_unfunded
            if hire:
                hired[segment] = hired.get(segment, 0) + 1
                team[segment] = team.get(segment, 0) + 1
            else:
                still_open.append(
                    OpenPosition(segment=segment, position=position, needed_since=since)
                )
            reason = Reason(
                code="funded" if funded else "unfunded",
                policy=POLICY,
                quarter=quarter,
                text=(
                    f"{segment} head {position}: expected revenue {income} "
                    f"{'funds' if funded else 'does not fund'} "
                    f"{params.required_multiple} x {cost} x {position} = {required}"
                ),
                facts={
                    "revenue": income,
                    "cost": cost,
                    "position": position,
                    "required": required,
                    "needed_since": since,
                },
            )
            decisions.append(
                PositionDecision(
                    segment=segment,
                    position=position,
                    needed_since=since,
                    funded=funded,
                    hired=hire,
                    reason=reason,
                )
            )
    end = ForecastState(
        quarter=quarter.next(),
        structure=structure,
        active=FrozenMap(sorted(active.items())),
        ramping=tuple(FrozenMap(sorted(c.items())) for c in cohorts),
        team=FrozenMap(sorted((s, n) for s, n in team.items() if n)),
        churn_carry=FrozenMap(sorted(carry.items())),
        open_positions=tuple(sorted(still_open)),
    )
    return ForecastQuarter(
        quarter=quarter,
        start=state,
        end=end,
        changes=changes,
        demand=FrozenMap(
            sorted(
                (
                    segment,
                    FrozenMap(
                        sorted(
                            (w, decimal_of(Fraction(d.total, scale)))
                            for (s, w), d in demand.items()
                            if s == segment
                        )
                    ),
                )
                for segment in {s for s, _ in demand}
            )
        ),
        revenue=FrozenMap(sorted((s, Money(v, currency)) for s, v in revenue.items())),
        needed=FrozenMap(sorted(needed.items())),
        hired=FrozenMap(sorted(hired.items())),
        decisions=tuple(decisions),
    )


def _triangle_key(params: StaffingParameters, role: TeamRole, keys: list[str]) -> str | None:
    for key in keys:
        if params.triangle_roles[key] is role:
            return key
    return None


def forecast_staffing(
    parameters: StaffingParameters,
    start: ForecastState,
    assumptions: GrowthAssumptions,
    *,
    quarters: int = 12,
) -> StaffingForecast:
    """Run the staffing policy quarter by quarter, each quarter from the last one's end.

    The same inputs always give the same forecast: nothing is random and nothing reads
    a clock.

    Args:
        parameters: The policy's parameters.
        start: The state the first quarter starts from.
        assumptions: How the program grows.
        quarters: How many quarters to run (1 to 40).

    Raises:
        ValidationError: If an input is malformed or a needed role has no cost.
    """
    if not isinstance(parameters, StaffingParameters):
        raise ValidationError("forecast", "parameters", parameters, "StaffingParameters")
    if not isinstance(start, ForecastState):
        raise ValidationError("forecast", "start", start, "a ForecastState")
    if not isinstance(assumptions, GrowthAssumptions):
        raise ValidationError("forecast", "assumptions", assumptions, "GrowthAssumptions")
    if type(quarters) is not int or not 1 <= quarters <= 40:
        raise ValidationError("forecast", "quarters", quarters, "a number of quarters from 1 to 40")
    if len(start.ramping) != assumptions.ramp_quarters:
        raise ValidationError(
            "forecast",
            "start.ramping",
            len(start.ramping),
            f"{assumptions.ramp_quarters} cohorts (ramp_quarters)",
        )
    currency = parameters.currency or "XTS"
    results: list[ForecastQuarter] = []
    state = start
    for _ in range(quarters):
        result = _step(parameters, state, assumptions, currency)
        results.append(result)
        state = result.end
    return StaffingForecast(quarters=tuple(results), hires=_hires(results))


def _hires(results: list[ForecastQuarter]) -> tuple[ForecastHire, ...]:
    found: dict[tuple[Segment, int], list[Quarter | None]] = {}
    order: list[tuple[Segment, int]] = []
    for result in results:
        for decision in result.decisions:
            key = (decision.segment, decision.position)
            entry = found.get(key)
            if entry is None or entry[2] is not None:
                entry = found[key] = [decision.needed_since, None, None]
                order.append(key)
            if decision.funded and entry[1] is None:
                entry[1] = result.quarter
            if decision.hired:
                entry[2] = result.quarter
    hires = []
    for key in order:
        needed, funded, hired = found[key]
        hires.append(
            ForecastHire(
                segment=key[0],
                position=key[1],
                needed_in=needed or results[0].quarter,
                funded_in=funded,
                hired_in=hired,
            )
        )
    return tuple(hires)
