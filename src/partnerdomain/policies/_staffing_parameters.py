"""The validated parameters of the default staffing policy."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs

from partnerdomain.exceptions import ValidationError
from partnerdomain.model import Capacity, FrozenMap, Money, PartnerType, TeamRole
from partnerdomain.policies._bands import PerformanceBand
from partnerdomain.policies._staffing_model import Workload
from partnerdomain.policies._triangle import TriangleSegment

if TYPE_CHECKING:
    from attrs import Attribute

__all__ = ["STAFFING_CAPACITY", "STAFFING_WEIGHTS", "StaffingParameters", "carried_workloads"]

_NAME = "StaffingParameters"
_R = TeamRole
_W = Workload

#: Yearly capacity per role, in standard partners (a reseller weighs 1). An end-to-end
#: partner manager's 30 managed at once, with 12 recruited and 12 ramped over the year,
#: puts some fifty companies on their desk at a time: the low end of the 50 to 100
#: companies a partner manager is said to handle, since those are spread over every
#: stage; a partner success manager, who only ramps and manages, keeps 50.
STAFFING_CAPACITY: Mapping[TeamRole, Capacity] = MappingProxyType(
    {
        _R.PARTNER_MANAGER: Capacity(recruit=12, ramp=12, manage=30),
        _R.RECRUITER: Capacity(recruit=30),
        _R.PARTNER_SUCCESS_MANAGER: Capacity(ramp=20, manage=50),
        _R.PARTNER_ACCOUNT_MANAGER: Capacity(manage=15),
        _R.ALLIANCE_MANAGER: Capacity(ramp=8, manage=24),
        _R.CHANNEL_SUPPORT: Capacity(manage=300),
        _R.EXECUTIVE_SPONSOR: Capacity(manage=10),
    }
)

#: How much one partner of each type weighs against a reseller's 1.
STAFFING_WEIGHTS: Mapping[PartnerType, Decimal] = MappingProxyType(
    {
        PartnerType.REFERRAL: Decimal("0.5"),
        PartnerType.RESELLER: Decimal(1),
        PartnerType.VAR: Decimal(1),
        PartnerType.MSP: Decimal(1),
        PartnerType.ISV: Decimal("1.5"),
        PartnerType.SYSTEM_INTEGRATOR: Decimal(2),
        PartnerType.STRATEGIC_ALLIANCE: Decimal(4),
    }
)

_DEFAULT_GROUPS: Mapping[PartnerType, str] = MappingProxyType(
    {
        PartnerType.REFERRAL: "channel",
        PartnerType.RESELLER: "channel",
        PartnerType.VAR: "channel",
        PartnerType.MSP: "channel",
        PartnerType.ISV: "technology",
        PartnerType.SYSTEM_INTEGRATOR: "services",
        PartnerType.STRATEGIC_ALLIANCE: "alliances",
    }
)

_DEFAULT_BAND_FACTORS: Mapping[PerformanceBand, Decimal] = MappingProxyType(
    {
        PerformanceBand.TOP: Decimal(3),
        PerformanceBand.MIDDLE: Decimal(1),
        PerformanceBand.BOTTOM: Decimal("0.25"),
        PerformanceBand.RAMPING: Decimal("0.5"),
    }
)

_DEFAULT_TRIANGLE_ROLES: Mapping[str, TeamRole] = MappingProxyType(
    {
        TriangleSegment.AGGRESSIVE_GROWTH: _R.EXECUTIVE_SPONSOR,
        TriangleSegment.GROWTH_POTENTIAL: _R.PARTNER_ACCOUNT_MANAGER,
        TriangleSegment.LIMITED_GROWTH: _R.CHANNEL_SUPPORT,
    }
)

_CAPACITY_FIELD = {_W.RECRUIT: "recruit", _W.RAMP: "ramp", _W.MANAGE: "manage"}


def carried_workloads(role: TeamRole) -> frozenset[Workload]:
    """Return the workloads a person in ``role`` takes in the default policy."""
    return _CARRIES.get(role, frozenset())


_CARRIES: Mapping[TeamRole, frozenset[Workload]] = MappingProxyType(
    {
        _R.PARTNER_MANAGER: frozenset(_W),
        _R.RECRUITER: frozenset({_W.RECRUIT}),
        _R.PARTNER_SUCCESS_MANAGER: frozenset({_W.RAMP, _W.MANAGE}),
        _R.PARTNER_ACCOUNT_MANAGER: frozenset({_W.MANAGE}),
        _R.ALLIANCE_MANAGER: frozenset({_W.RAMP, _W.MANAGE}),
        _R.CHANNEL_SUPPORT: frozenset({_W.MANAGE}),
        _R.EXECUTIVE_SPONSOR: frozenset({_W.MANAGE}),
    }
)


def capacity_for(capacity: Capacity, workload: Workload) -> int:
    """Return the part of ``capacity`` that applies to ``workload``."""
    value: int = getattr(capacity, _CAPACITY_FIELD[workload])
    return value


def _decimal(name: str, value: object, expected: str) -> Decimal:
    if type(value) is bool or not isinstance(value, (Decimal, int, str)):
        raise ValidationError(_NAME, name, value, expected)
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValidationError(_NAME, name, value, expected) from None
    if not number.is_finite():
        raise ValidationError(_NAME, name, value, expected)
    return number


def _positive(name: str, value: object) -> Decimal:
    number = _decimal(name, value, "a positive Decimal, int or decimal string (never a float)")
    if number <= 0:
        raise ValidationError(_NAME, name, value, "a positive number")
    return number


def _non_negative(name: str, value: object) -> Decimal:
    number = _decimal(name, value, "a Decimal, int or decimal string of 0 or more")
    if number < 0:
        raise ValidationError(_NAME, name, value, "a number of 0 or more")
    return number


def _mapping(name: str, value: object) -> Mapping[object, object]:
    if not isinstance(value, Mapping):
        raise ValidationError(_NAME, name, value, "a mapping")
    return value


def _as_capacity(value: Mapping[TeamRole, Capacity]) -> FrozenMap[TeamRole, Capacity]:
    merged: dict[TeamRole, Capacity] = dict(STAFFING_CAPACITY)
    for role, capacity in _mapping("capacity", value).items():
        if not isinstance(role, TeamRole) or not isinstance(capacity, Capacity):
            raise ValidationError(
                _NAME, f"capacity[{role!r}]", capacity, "a Capacity keyed by TeamRole"
            )
        merged[role] = capacity
    return FrozenMap(sorted(merged.items()))


def _as_weights(value: Mapping[PartnerType, object]) -> FrozenMap[PartnerType, Decimal]:
    merged: dict[PartnerType, Decimal] = dict(STAFFING_WEIGHTS)
    for kind, weight in _mapping("weights", value).items():
        if not isinstance(kind, PartnerType):
            raise ValidationError(_NAME, "weights", kind, "PartnerType keys")
        merged[kind] = _positive(f"weights[{kind.value}]", weight)
    return FrozenMap(sorted(merged.items()))


def _as_costs(value: Mapping[TeamRole, Money]) -> FrozenMap[TeamRole, Money]:
    for role, cost in _mapping("cost", value).items():
        if not isinstance(role, TeamRole) or not isinstance(cost, Money) or cost.amount < 0:
            raise ValidationError(
                _NAME, f"cost[{role!r}]", cost, "a fully loaded yearly cost as Money, by TeamRole"
            )
    return FrozenMap(sorted(value.items()))


def _as_revenue(value: Mapping[PartnerType, Money]) -> FrozenMap[PartnerType, Money]:
    for kind, revenue in _mapping("revenue", value).items():
        if not isinstance(kind, PartnerType) or not isinstance(revenue, Money):
            raise ValidationError(
                _NAME,
                f"revenue[{kind!r}]",
                revenue,
                "the yearly revenue of one partner as Money, by PartnerType",
            )
        if revenue.amount < 0:
            raise ValidationError(_NAME, f"revenue[{kind.value}]", revenue, "0 or more")
    return FrozenMap(sorted(value.items()))


def _as_band_factors(value: Mapping[PerformanceBand, object]) -> FrozenMap[str, Decimal]:
    merged: dict[str, Decimal] = {str(k): v for k, v in _DEFAULT_BAND_FACTORS.items()}
    for band, factor in _mapping("band_factors", value).items():
        if type(band) is not str and not isinstance(band, str):
            raise ValidationError(_NAME, "band_factors", band, "band names as keys")
        merged[str(band)] = _non_negative(f"band_factors[{band}]", factor)
    return FrozenMap(sorted(merged.items()))


def _as_groups(value: Mapping[PartnerType, str]) -> FrozenMap[PartnerType, str]:
    merged: dict[PartnerType, str] = dict(_DEFAULT_GROUPS)
    for kind, group in _mapping("skill_groups", value).items():
        if not isinstance(kind, PartnerType) or type(group) is not str or not group.strip():
            raise ValidationError(
                _NAME, f"skill_groups[{kind!r}]", group, "a skill group name by PartnerType"
            )
        merged[kind] = group
    return FrozenMap(sorted(merged.items()))


def _as_role_map(value: Mapping[str, TeamRole]) -> FrozenMap[str, TeamRole]:
    for key, role in _mapping("roles", value).items():
        if not isinstance(key, str) or not isinstance(role, TeamRole):
            raise ValidationError(_NAME, "roles", value, "a mapping of names to TeamRole")
    return FrozenMap(sorted((str(k), v) for k, v in value.items()))


def _as_bands(value: object) -> frozenset[str]:
    if isinstance(value, (set, frozenset, list, tuple)):
        return frozenset(str(v) for v in value)
    return value  # type: ignore[return-value]


def _check_positive(
    instance: StaffingParameters, attribute: Attribute[Decimal], value: object
) -> None:
    del instance
    _positive(attribute.name, value)


def _check_share(
    instance: StaffingParameters, attribute: Attribute[Decimal], value: object
) -> None:
    del instance
    number = _decimal(attribute.name, value, "a share from 0 to 1 as a Decimal")
    if not 0 < number <= 1:
        raise ValidationError(_NAME, attribute.name, value, "a share above 0 and at most 1")


def _check_count(instance: StaffingParameters, attribute: Attribute[int], value: object) -> None:
    del instance
    if type(value) is not int or value < 1:
        raise ValidationError(_NAME, attribute.name, value, "a positive integer")


def _to_decimal(value: object) -> Decimal:
    if isinstance(value, (int, str)) and type(value) is not bool:
        try:
            return Decimal(value)
        except InvalidOperation:
            return value  # type: ignore[return-value]
    return value  # type: ignore[return-value]


@attrs.frozen(kw_only=True)
class StaffingParameters:
    """Everything the default staffing policy is configured by, checked on construction.

    Capacities and loads are counted in *standard partners*: a partner of weight 1 (a
    reseller by default). A strategic alliance weighs 4, so a manager who can manage
    24 standard partners can manage six alliances.

    >>> params = StaffingParameters(
    ...     cost={TeamRole.PARTNER_MANAGER: Money(120_000, "EUR")},
    ...     revenue={PartnerType.RESELLER: Money(40_000, "EUR")},
    ... )
    >>> params.capacity[TeamRole.RECRUITER].recruit, params.required_multiple
    (30, Decimal('3'))

    Args:
        cost: The fully loaded yearly cost of one person, by role; every role the
            policy may recommend hiring must have one.
        revenue: The expected yearly revenue of one middle-band partner, by type
            (types left out bring nothing).
        required_multiple: How many times its cost a role's partners must bring in
            before a hire into it counts as funded.
        capacity: Yearly capacity per role (merged over :data:`STAFFING_CAPACITY`).
        weights: The weight of one partner per type (merged over :data:`STAFFING_WEIGHTS`).
        band_factors: Revenue factor per performance band (top 3, middle 1, bottom
            0.25, ramping 0.5 by default); partners without a band count as middle.
        committed_bands: The bands whose partners count as committed: at the
            make-or-break stage partner account managers take them (the top band by
            default, the partners that show commitment and room to grow).
        triangle_roles: At the leadership stage, the role that manages each segment of
            the performance triangle.
        skill_groups: The skill group of each partner type: types in different groups
            need different skills to manage.
        specialist_roles: The role of specialists per skill group (others are
            specialised partner managers or partner success managers).
        specialise_at: The weighted volume of partners in program at which a skill
            group deserves its own specialists (when another group has it too).
        split_recruiting_share: The share of the end-to-end managers' time spent
            recruiting above which the team splits into hunters and farmers.
        split_at_partners: The number of partners in program at which the team splits.
        make_or_break_at: Partners in program at which the startup profile gives way to
            make-or-break.
        leadership_at: Partners in program at which the leadership profile applies.
    """

    cost: FrozenMap[TeamRole, Money] = attrs.field(converter=_as_costs)
    revenue: FrozenMap[PartnerType, Money] = attrs.field(converter=_as_revenue)
    required_multiple: Decimal = attrs.field(
        default=Decimal(3), converter=_to_decimal, validator=_check_positive
    )
    capacity: FrozenMap[TeamRole, Capacity] = attrs.field(factory=dict, converter=_as_capacity)
    weights: FrozenMap[PartnerType, Decimal] = attrs.field(factory=dict, converter=_as_weights)
    band_factors: FrozenMap[str, Decimal] = attrs.field(factory=dict, converter=_as_band_factors)
    committed_bands: frozenset[str] = attrs.field(
        default=frozenset({PerformanceBand.TOP.value}),
        converter=_as_bands,
    )
    triangle_roles: FrozenMap[str, TeamRole] = attrs.field(
        default=_DEFAULT_TRIANGLE_ROLES, converter=_as_role_map
    )
    skill_groups: FrozenMap[PartnerType, str] = attrs.field(factory=dict, converter=_as_groups)
    specialist_roles: FrozenMap[str, TeamRole] = attrs.field(
        default=MappingProxyType({"alliances": TeamRole.ALLIANCE_MANAGER}),
        converter=_as_role_map,
    )
    specialise_at: Decimal = attrs.field(
        default=Decimal(20), converter=_to_decimal, validator=_check_positive
    )
    split_recruiting_share: Decimal = attrs.field(
        default=Decimal("0.5"), converter=_to_decimal, validator=_check_share
    )
    split_at_partners: int = attrs.field(default=60, validator=_check_count)
    make_or_break_at: int = attrs.field(default=25, validator=_check_count)
    leadership_at: int = attrs.field(default=250, validator=_check_count)

    def __attrs_post_init__(self) -> None:
        """Check the parameters against each other."""
        heaviest = max(self.weights.values())
        for role, workloads in _CARRIES.items():
            capacity = self.capacity[role]
            for workload in sorted(workloads):
                room = capacity_for(capacity, workload)
                if room < heaviest:
                    expected = (
                        f"at least {heaviest} (the heaviest partner type's weight): every role "
                        f"must be able to take one partner of any type it serves"
                    )
                    raise ValidationError(
                        _NAME, f"capacity[{role.value}].{workload.value}", room, expected
                    )
        for role in self.specialist_roles.values():
            if role not in _CARRIES or _W.MANAGE not in _CARRIES[role]:
                raise ValidationError(
                    _NAME, "specialist_roles", role, "a role that manages partners"
                )
        for role in self.triangle_roles.values():
            if _W.MANAGE not in _CARRIES.get(role, frozenset()):
                raise ValidationError(_NAME, "triangle_roles", role, "a role that manages partners")
        currencies = {m.currency for m in (*self.cost.values(), *self.revenue.values())}
        if len(currencies) > 1:
            raise ValidationError(
                _NAME, "cost/revenue", sorted(currencies), "amounts in one currency"
            )
        if self.make_or_break_at > self.leadership_at:
            raise ValidationError(
                _NAME,
                "make_or_break_at",
                self.make_or_break_at,
                f"at most leadership_at ({self.leadership_at})",
            )

    @property
    def currency(self) -> str | None:
        """The currency of costs and revenues (``None`` if none was given)."""
        for money in (*self.cost.values(), *self.revenue.values()):
            return money.currency
        return None

    def cost_of(self, role: TeamRole) -> Money | None:
        """Return the fully loaded yearly cost of one person in ``role``, if configured."""
        return self.cost.get(role)

    def group_of(self, partner_type: PartnerType) -> str:
        """Return the skill group of ``partner_type``."""
        return self.skill_groups[partner_type]

    def band_factor(self, band: str | None) -> Decimal:
        """Return the revenue factor of ``band`` (a partner without a band counts as middle)."""
        key = PerformanceBand.MIDDLE.value if band is None else str(band)
        return self.band_factors.get(key, Decimal(1))
