"""Allocation: engagement levels, manager hours per partner, and new assignments."""

from __future__ import annotations

import functools
import heapq
from collections.abc import Iterable, Mapping
from decimal import ROUND_DOWN, Decimal
from enum import Enum
from typing import TYPE_CHECKING, Protocol, TypeVar

import attrs

from partnerdomain.exceptions import ValidationError
from partnerdomain.metrics import largest_open_deal
from partnerdomain.model import (
    FrozenMap,
    Money,
    Partner,
    PartnerManager,
    PartnerStage,
    Portfolio,
    Quarter,
    TeamRole,
)
from partnerdomain.policies._bands import (
    Bands,
    PerformanceBand,
)
from partnerdomain.policies._engagement import DEFAULT_WEIGHTS, EngagementLevel, choose_engagement
from partnerdomain.policies._overrides import RuleEvaluator, apply_override
from partnerdomain.policies._parameters import check_quarter
from partnerdomain.policies._perpetual import OffboardingRecommendation
from partnerdomain.policies._reasons import Placement, Reason
from partnerdomain.policies._staffing_parameters import STAFFING_CAPACITY
from partnerdomain.policies._triangle import TriangleSegment

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    from partnerdomain.model import PartnerType
    from partnerdomain.policies._triangle import Triangle

__all__ = [
    "DEFAULT_LEVEL_ROLES",
    "Allocation",
    "AllocationPolicy",
    "Assignment",
    "EngagementAllocation",
    "HoursAllocation",
    "Unplaced",
]

_HUNDREDTH = Decimal("0.01")
_MANAGING_ROLES = frozenset(
    {
        TeamRole.PARTNER_MANAGER,
        TeamRole.PARTNER_SUCCESS_MANAGER,
        TeamRole.PARTNER_ACCOUNT_MANAGER,
        TeamRole.ALLIANCE_MANAGER,
        TeamRole.CHANNEL_SUPPORT,
    }
)

_L, _R = EngagementLevel, TeamRole
#: The roles each engagement level calls for, best first (see ``EngagementAllocation``).
DEFAULT_LEVEL_ROLES: Mapping[EngagementLevel, tuple[TeamRole, ...]] = FrozenMap(
    {
        _L.EXECUTIVE_ACCESS: (_R.PARTNER_ACCOUNT_MANAGER, _R.PARTNER_MANAGER),
        _L.PROACTIVE_ACCOUNT_MANAGEMENT: (_R.PARTNER_ACCOUNT_MANAGER, _R.PARTNER_MANAGER),
        _L.FULL_ENGAGEMENT: (
            _R.PARTNER_MANAGER,
            _R.PARTNER_ACCOUNT_MANAGER,
            _R.PARTNER_SUCCESS_MANAGER,
        ),
        _L.RAMP_SUPPORT: (_R.PARTNER_SUCCESS_MANAGER, _R.PARTNER_MANAGER),
        _L.DEAL_SUPPORT: (_R.PARTNER_MANAGER, _R.PARTNER_ACCOUNT_MANAGER),
        _L.LIGHT_TOUCH: (_R.PARTNER_SUCCESS_MANAGER, _R.PARTNER_MANAGER),
        _L.INSIDE_SUPPORT: (_R.CHANNEL_SUPPORT,),
        _L.DISENGAGE: (),
    }
)


@attrs.frozen(kw_only=True)
class Assignment:
    """A partner without a manager, matched to one.

    Attributes:
        partner_id: The partner.
        manager_id: The manager it goes to.
        role: The role the manager takes for it (the manager's own role).
        reasons: Why this manager: competency, language, region, capacity left.
    """

    partner_id: str
    manager_id: str
    role: TeamRole
    reasons: tuple[Reason, ...]


@attrs.frozen(kw_only=True)
class Unplaced:
    """A partner without a manager that could not be (or was not) assigned.

    Attributes:
        partner_id: The partner.
        code: Why, in one stable word: ``"no_competent_manager"``,
            ``"no_language_match"``, ``"no_region_match"``, ``"no_capacity"``,
            ``"disengaged"``.
        reason: The explanation, with the facts.
    """

    partner_id: str
    code: str
    reason: Reason

    @property
    def on_purpose(self) -> bool:
        """Whether the partner was left unassigned on purpose (``"disengaged"``).

        Such a partner is not waiting for a manager: it is recommended for offboarding.
        """
        return self.code == "disengaged"


@attrs.frozen(kw_only=True)
class HoursAllocation:
    """The hours one manager spends on one partner this quarter.

    Attributes:
        manager_id: The manager.
        partner_id: The partner.
        level: The partner's engagement level.
        hours: The hours (rounded down to the hundredth, so a manager's total never
            exceeds the hours available).
        reason: How the hours were computed.
    """

    manager_id: str
    partner_id: str
    level: EngagementLevel
    hours: Decimal
    reason: Reason


_NO_HOURS: FrozenMap[str, Decimal] = FrozenMap()


@attrs.frozen(kw_only=True, eq=False)
class Allocation:
    """Where the partner team's time goes this quarter, and why.

    Attributes:
        quarter: The quarter planned.
        policy: The policy's name.
        parameters: The policy's parameters, as reasons report them.
        engagements: Each assessed partner's engagement level, with reasons, by id.
        assignments: Partners without a manager matched to one, by partner id.
        unplaced: Partners without a manager that were not assigned, with why.
        hours: Hours per manager and partner, by manager id then partner id.
        available: The hours each manager had for the quarter.
        offboarding: Recommendations to offboard perpetual poor performers.
        rule_errors: Errors of organisation rules that failed (collected, not raised).
    """

    quarter: Quarter
    policy: str
    parameters: FrozenMap[str, object]
    engagements: FrozenMap[str, Placement[EngagementLevel]]
    assignments: tuple[Assignment, ...]
    unplaced: tuple[Unplaced, ...]
    hours: tuple[HoursAllocation, ...]
    available: FrozenMap[str, Decimal]
    offboarding: tuple[OffboardingRecommendation, ...] = ()
    rule_errors: tuple[Exception, ...] = ()
    # Indexes of ``hours``, built once, so per-manager and per-partner lookups do not
    # scan every entry on each call.
    _by_manager: dict[str, FrozenMap[str, Decimal]] = attrs.field(init=False, repr=False)
    _by_partner: dict[str, Decimal] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        """Index the hours by manager and by partner."""
        by_manager: dict[str, dict[str, Decimal]] = {}
        by_partner: dict[str, Decimal] = {}
        for entry in self.hours:
            by_manager.setdefault(entry.manager_id, {})[entry.partner_id] = entry.hours
            by_partner[entry.partner_id] = (
                by_partner.get(entry.partner_id, Decimal(0)) + entry.hours
            )
        object.__setattr__(self, "_by_manager", {m: FrozenMap(h) for m, h in by_manager.items()})
        object.__setattr__(self, "_by_partner", by_partner)

    def level_of(self, partner_id: str) -> EngagementLevel:
        """Return the partner's engagement level.

        Raises:
            ValidationError: If the partner was not assessed.
        """
        placement = self.engagements.get(partner_id)
        if placement is None:
            expected = "an assessed partner's id"
            raise ValidationError("Allocation", "partner_id", partner_id, expected)
        return placement.value

    def hours_of(self, manager_id: str) -> FrozenMap[str, Decimal]:
        """Return the hours ``manager_id`` spends on each of their partners."""
        return self._by_manager.get(manager_id, _NO_HOURS)

    def total_hours(self, manager_id: str) -> Decimal:
        """Return the hours allocated to ``manager_id`` in all (never above available)."""
        return sum(self.hours_of(manager_id).values(), Decimal(0))

    def hours_for(self, partner_id: str) -> Decimal:
        """Return the hours all managers together spend on ``partner_id``."""
        return self._by_partner.get(partner_id, Decimal(0))

    def members(self, level: EngagementLevel) -> tuple[str, ...]:
        """Return the partners at ``level``, by id."""
        return tuple(pid for pid, p in self.engagements.items() if p.value is level)


class AllocationPolicy(Protocol):
    """Decide where the partner team's time goes in a quarter.

    The default is :class:`EngagementAllocation`; pass any object with this method.
    """

    def allocate(  # noqa: PLR0913 - each input of the plan, named
        self,
        portfolio: Portfolio,
        quarter: Quarter,
        *,
        bands: Bands,
        triangle: Triangle | None = None,
        offboarding: Iterable[OffboardingRecommendation] = (),
        available_hours: Mapping[str, Decimal | int] | None = None,
        rules: RuleEvaluator | None = None,
    ) -> Allocation:
        """Return the quarter's engagement levels, assignments and hours."""
        ...


def _amount(value: object) -> Decimal | None:
    """Return ``value`` as a Decimal if it is a finite Decimal or int of zero or more."""
    if type(value) is bool or not isinstance(value, (Decimal, int)):
        return None
    number = Decimal(value)
    return number if number.is_finite() and number >= 0 else None


_NAME = "EngagementAllocation"
K = TypeVar("K", bound=Enum)
V = TypeVar("V")


def _over_defaults(  # noqa: PLR0913 - the parts of one keyed parameter
    field: str,
    value: object,
    *,
    defaults: Mapping[K, V],
    key_type: type[K],
    convert: Callable[[object], V | None],
    expected: str,
) -> dict[K, V]:
    """A keyed parameter merged over its defaults, each key and value checked by name.

    ``convert`` gives the value to keep, or ``None`` for one that is refused.
    """
    if not isinstance(value, Mapping):
        raise ValidationError(_NAME, field, value, "a mapping")
    merged = dict(defaults)
    for key, given in value.items():
        if not isinstance(key, key_type):
            raise ValidationError(_NAME, field, key, f"{key_type.__name__} keys")
        converted = convert(given)
        if converted is None:
            raise ValidationError(_NAME, f"{field}[{key.value}]", given, expected)
        merged[key] = converted
    return merged


def _as_weights(
    value: Mapping[EngagementLevel, Decimal | int],
) -> FrozenMap[EngagementLevel, Decimal]:
    weights = _over_defaults(
        "weights",
        value,
        defaults=DEFAULT_WEIGHTS,
        key_type=EngagementLevel,
        convert=_amount,
        expected="a weight of zero or more (a Decimal or int)",
    )
    return FrozenMap((level, weights[level]) for level in EngagementLevel)


def _hours(value: Decimal | int) -> Decimal:
    if _amount(value) is None:
        raise ValidationError(
            "EngagementAllocation", "default_hours", value, "hours of zero or more (Decimal or int)"
        )
    return Decimal(value)


def _threshold(value: Money | Decimal | int) -> Money | Decimal:
    if isinstance(value, Money):
        if value.amount < 0:
            raise ValidationError(
                "EngagementAllocation", "deal_support_threshold", value, "an amount of zero or more"
            )
        return value
    if _amount(value) is None:
        raise ValidationError(
            "EngagementAllocation",
            "deal_support_threshold",
            value,
            "a Money, or an amount of zero or more in the portfolio's currency",
        )
    return Decimal(value)


_DEFAULT_ROLE_CAPACITY: FrozenMap[TeamRole, int] = FrozenMap(
    {role: c.manage for role, c in STAFFING_CAPACITY.items()}
)


def _as_role_capacity(value: Mapping[TeamRole, int] | None) -> FrozenMap[TeamRole, int] | None:
    if value is None:
        return None
    return FrozenMap(
        _over_defaults(
            "role_capacity",
            value,
            defaults=_DEFAULT_ROLE_CAPACITY,
            key_type=TeamRole,
            convert=_places,
            expected="an int >= 0",
        )
    )


def _places(value: object) -> int | None:
    return value if type(value) is int and value >= 0 else None


def _as_level_roles(
    value: Mapping[EngagementLevel, Iterable[TeamRole]],
) -> FrozenMap[EngagementLevel, tuple[TeamRole, ...]]:
    roles = _over_defaults(
        "level_roles",
        value,
        defaults=DEFAULT_LEVEL_ROLES,
        key_type=EngagementLevel,
        convert=_called_roles,
        expected="a list or tuple of TeamRole members, best first",
    )
    return FrozenMap((level, roles[level]) for level in EngagementLevel)


def _called_roles(value: object) -> tuple[TeamRole, ...] | None:
    # A sequence, in order of preference: a set has no order to prefer by.
    if not isinstance(value, (list, tuple)) or not all(isinstance(r, TeamRole) for r in value):
        return None
    return tuple(dict.fromkeys(value))  # repeats dropped, order kept


def _as_roles(value: Collection[TeamRole]) -> frozenset[TeamRole]:
    if isinstance(value, (str, bytes)) or not all(isinstance(r, TeamRole) for r in value):
        raise ValidationError("EngagementAllocation", "assign_roles", value, "TeamRole members")
    return frozenset(value)


@attrs.frozen(kw_only=True)
class EngagementAllocation:
    """The default allocation: engagement by band and triangle, hours by weight.

    Each assessed partner gets an engagement level (see
    :func:`~partnerdomain.policies.EngagementLevel` and the rule list of
    ``choose_engagement``). Partners without a manager are matched to a manager who is
    competent for their partner type, speaks one of their languages (when either side
    lists none, any will do) and covers their region, and who still has capacity
    (``capacity.manage`` partners at once; a manager whose capacity is not recorded has
    their role's ``role_capacity``, as in the staffing plan). Among those, the roles the
    partner's level calls for (``level_roles``) are tried in order: the first of them
    with a matching
    manager with room wins, and within it the manager with the most capacity left, ties
    by id. Only when none of those roles has one does the partner go to the matching
    manager with the most capacity left in any role of ``assign_roles``; its reason
    says so. Then each manager's available hours are split over their partners in
    proportion to the weight of each partner's level, rounded down to the hundredth,
    so no manager is ever given more hours than they have.

    Args:
        weights: Weight per engagement level (missing levels keep the defaults;
            full engagement weighs the most by default).
        deal_support_threshold: The open-deal amount from which a top performer gets
            deal support (a Money in the portfolio's currency, or an amount in it).
        default_hours: A manager's available hours in a quarter when
            ``available_hours`` does not name them (390: thirteen weeks of thirty).
        assign_roles: The roles that may take new partners.
        level_roles: The roles each engagement level calls for, as a list or tuple,
            best first; an empty one lets any role of ``assign_roles`` take the
            partner, and roles outside ``assign_roles`` are skipped. Levels not named
            keep the defaults (:data:`DEFAULT_LEVEL_ROLES`): executive access and
            proactive account management call for a partner account manager, then a
            partner manager; full engagement for a partner manager, a partner account
            manager, then a partner success manager; ramp support and light touch for
            a partner success manager, then a partner manager; deal support for a
            partner manager, then a partner account manager; inside support for
            channel support. Disengaged partners are never assigned.
        role_capacity: Partners a manager of each role manages at once when their own
            capacity is not recorded (all zero, the model's default); roles not named
            keep the staffing plan's defaults (``STAFFING_CAPACITY``: 30 for a partner
            manager, 50 for a partner success manager, ...). ``None`` (the default)
            takes the defaults; within a review, the staffing policy's own capacities
            (``StaffingParameters.capacity``, counted here in partners).

    Raises:
        ValidationError: If a parameter is out of range.
    """

    weights: FrozenMap[EngagementLevel, Decimal] = attrs.field(
        factory=lambda: FrozenMap(DEFAULT_WEIGHTS), converter=_as_weights
    )
    deal_support_threshold: Money | Decimal = attrs.field(
        default=Decimal(100_000), converter=_threshold
    )
    default_hours: Decimal = attrs.field(default=Decimal(390), converter=_hours)
    assign_roles: frozenset[TeamRole] = attrs.field(default=_MANAGING_ROLES, converter=_as_roles)
    level_roles: FrozenMap[EngagementLevel, tuple[TeamRole, ...]] = attrs.field(
        factory=lambda: FrozenMap(DEFAULT_LEVEL_ROLES), converter=_as_level_roles
    )
    role_capacity: FrozenMap[TeamRole, int] | None = attrs.field(
        default=None, converter=_as_role_capacity
    )

    def capacity_of(self, manager: PartnerManager) -> int:
        """How many partners ``manager`` can manage at once: their own capacity, if recorded.

        A manager whose capacity is not recorded (all zero, the default) has their
        role's, from ``role_capacity``: the staffing plan's rule, so that the two agree.
        """
        own = manager.capacity
        if own.recruit or own.ramp or own.manage:
            return own.manage
        return self._role_capacity.get(manager.role, 0)

    @property
    def _role_capacity(self) -> FrozenMap[TeamRole, int]:
        given = self.role_capacity
        return _DEFAULT_ROLE_CAPACITY if given is None else given

    @property
    def name(self) -> str:
        """The policy's name, as reasons show it."""
        return "EngagementAllocation"

    @functools.cached_property
    def parameters(self) -> FrozenMap[str, object]:
        """The parameters, as reasons report them."""
        threshold = self.deal_support_threshold
        return FrozenMap(
            {
                "weights": FrozenMap((k.value, v) for k, v in self.weights.items()),
                "deal_support_threshold": threshold.amount
                if isinstance(threshold, Money)
                else threshold,
                "default_hours": self.default_hours,
                "assign_roles": tuple(sorted(r.value for r in self.assign_roles)),
                "level_roles": FrozenMap(
                    (k.value, tuple(r.value for r in v)) for k, v in self.level_roles.items()
                ),
                "role_capacity": FrozenMap((k.value, v) for k, v in self._role_capacity.items()),
            }
        )

    def allocate(  # noqa: PLR0913 - each input of the plan, named
        self,
        portfolio: Portfolio,
        quarter: Quarter,
        *,
        bands: Bands,
        triangle: Triangle | None = None,
        offboarding: Iterable[OffboardingRecommendation] = (),
        available_hours: Mapping[str, Decimal | int] | None = None,
        rules: RuleEvaluator | None = None,
    ) -> Allocation:
        """Plan the quarter: engagement levels, assignments of new partners, hours.

        Args:
            portfolio: The snapshot.
            quarter: The quarter planned.
            bands: This quarter's partner bets (the partners they assessed are planned).
            triangle: This quarter's performance triangle, if the program uses one.
            offboarding: Recommendations from :class:`PerpetualPoorPerformers`.
            available_hours: Hours each manager has this quarter, by manager id;
                managers not named have ``default_hours``.
            rules: The organisation's rules; a winning override of target
                ``"engagement"`` replaces the level and is reported as the last reason.

        Returns:
            The plan.

        Raises:
            ValidationError: If an input does not fit: another quarter's bands, an
                unknown manager in ``available_hours``, negative hours, a threshold in
                another currency.
        """
        check_quarter(self.name, quarter)
        if getattr(bands, "quarter", None) != quarter:
            got = getattr(bands, "quarter", bands)
            raise ValidationError(self.name, "bands", got, f"the Bands of {quarter}")
        if triangle is not None and triangle.quarter != quarter:
            raise ValidationError(
                self.name, "triangle", triangle.quarter, f"the Triangle of {quarter}"
            )
        threshold = self._threshold_in(portfolio.currency)
        available = self._available(portfolio, available_hours)
        recommendations = tuple(sorted(offboarding, key=lambda r: r.partner_id))
        poor = {r.partner_id for r in recommendations}
        deals = largest_open_deal(portfolio)
        parameters = self.parameters
        engagements: dict[str, Placement[EngagementLevel]] = {}
        errors: list[Exception] = []
        # Bands and segments read group by group, once, rather than partner by partner.
        band_of = {pid: band for band in PerformanceBand for pid in bands.members(band)}
        segment_of = (
            {}
            if triangle is None
            else {pid: segment for segment in TriangleSegment for pid in triangle.members(segment)}
        )
        leaving = {p.id for p in portfolio.partners if p.stage is PartnerStage.OFFBOARDING}
        for partner_id in sorted(bands.partner_ids):
            band = band_of[partner_id]
            segment = segment_of.get(partner_id)
            level, reason = choose_engagement(
                band=band,
                segment=segment,
                perpetual_poor=partner_id in poor,
                leaving=partner_id in leaving,
                largest_open_deal=deals.get(partner_id),
                deal_support_threshold=threshold,
                quarter=quarter,
                policy=self.name,
                parameters=parameters,
            )
            reasons: tuple[Reason, ...] = (reason,)
            if rules is not None:
                level, extra, failed = apply_override(
                    rules,
                    portfolio.partner(partner_id),
                    target="engagement",
                    current=level,
                    context={
                        "engagement": level.value,
                        "band": band.value,
                        "triangle": None if segment is None else segment.value,
                        "quarter": str(quarter),
                        "policy": self.name,
                    },
                    accept=_accept_level,
                    quarter=quarter,
                )
                reasons += extra
                errors.extend(failed)
            engagements[partner_id] = Placement(partner_id=partner_id, value=level, reasons=reasons)
        assignments, unplaced = self._assign(portfolio, quarter, engagements)
        hours = self._split_hours(portfolio, quarter, engagements, assignments, available)
        return Allocation(
            quarter=quarter,
            policy=self.name,
            parameters=parameters,
            engagements=FrozenMap(engagements),
            assignments=assignments,
            unplaced=unplaced,
            hours=hours,
            available=available,
            offboarding=tuple(r for r in recommendations if r.partner_id in engagements),
            rule_errors=tuple(errors),
        )

    def _threshold_in(self, currency: str) -> Decimal:
        threshold = self.deal_support_threshold
        if isinstance(threshold, Money):
            if threshold.currency != currency:
                expected = f"an amount in {currency}, the portfolio's currency"
                raise ValidationError(self.name, "deal_support_threshold", threshold, expected)
            return threshold.amount
        return threshold

    def _available(
        self, portfolio: Portfolio, available_hours: Mapping[str, Decimal | int] | None
    ) -> FrozenMap[str, Decimal]:
        given = dict(available_hours or {})
        for manager_id, hours in given.items():
            if not _has_manager(portfolio, manager_id):
                raise ValidationError(
                    self.name, "available_hours", manager_id, "ids of the portfolio's managers"
                )
            if _amount(hours) is None:
                raise ValidationError(
                    self.name,
                    f"available_hours[{manager_id}]",
                    hours,
                    "hours of zero or more (a Decimal or int)",
                )
        return FrozenMap(
            (m.id, Decimal(given.get(m.id, self.default_hours)))
            for m in sorted(portfolio.managers, key=lambda m: m.id)
        )

    def _assign(
        self,
        portfolio: Portfolio,
        quarter: Quarter,
        engagements: Mapping[str, Placement[EngagementLevel]],
    ) -> tuple[tuple[Assignment, ...], tuple[Unplaced, ...]]:
        load = {m.id: len(portfolio.partners_managed_by(m.id)) for m in portfolio.managers}
        candidates = sorted(
            (m for m in portfolio.managers if m.role in self.assign_roles), key=lambda m: m.id
        )
        unmanaged = [
            portfolio.partner(pid) for pid in engagements if not portfolio.partner(pid).managers
        ]
        # The partners most deserving of time pick first; ties by id.
        unmanaged.sort(key=lambda p: (-self.weights[engagements[p.id].value], p.id))
        assignments: list[Assignment] = []
        unplaced: list[Unplaced] = []
        capacity = {m.id: self.capacity_of(m) for m in candidates}
        matcher = _Matcher(candidates, load, capacity)
        for partner in unmanaged:
            level = engagements[partner.id].value
            if level is EngagementLevel.DISENGAGE:
                text = "not assigned: the partner is disengaged (being or to be offboarded)"
                unplaced.append(self._unplaced(partner, quarter, "disengaged", text, {}))
                continue
            # Only the roles that may take new partners can be given one.
            called_for = tuple(r for r in self.level_roles[level] if r in self.assign_roles)
            chosen, code, facts = matcher.match(partner, called_for)
            if chosen is None:
                text = _UNPLACED_TEXT[code]
                unplaced.append(self._unplaced(partner, quarter, code, text, facts))
                continue
            matcher.assign(chosen)
            left = capacity[chosen.id] - load[chosen.id]
            facts = {
                **facts,
                "manager_id": chosen.id,
                "capacity_left": left,
                "level": level.value,
                "roles_called_for": tuple(r.value for r in called_for),
                "in_role_called_for": chosen.role in called_for,
            }
            reason = Reason(
                code="assigned",
                policy=self.name,
                quarter=quarter,
                text=_assigned_text(partner, chosen, level, called_for, left),
                facts=facts,
            )
            assignments.append(
                Assignment(
                    partner_id=partner.id, manager_id=chosen.id, role=chosen.role, reasons=(reason,)
                )
            )
        assignments.sort(key=lambda a: a.partner_id)
        unplaced.sort(key=lambda u: u.partner_id)
        return tuple(assignments), tuple(unplaced)

    def _unplaced(
        self, partner: Partner, quarter: Quarter, code: str, text: str, facts: Mapping[str, object]
    ) -> Unplaced:
        facts = {
            "partner_type": partner.partner_type.value,
            "languages": partner.languages,
            "region": partner.region,
            **facts,
        }
        reason = Reason(code=code, policy=self.name, quarter=quarter, text=text, facts=facts)
        return Unplaced(partner_id=partner.id, code=code, reason=reason)

    def _split_hours(
        self,
        portfolio: Portfolio,
        quarter: Quarter,
        engagements: Mapping[str, Placement[EngagementLevel]],
        assignments: tuple[Assignment, ...],
        available: Mapping[str, Decimal],
    ) -> tuple[HoursAllocation, ...]:
        assigned: dict[str, list[str]] = {}
        for a in assignments:
            assigned.setdefault(a.manager_id, []).append(a.partner_id)
        result: list[HoursAllocation] = []
        for manager_id, hours in available.items():
            managed = {p.id for p in portfolio.partners_managed_by(manager_id)}
            partners = sorted(
                pid for pid in managed.union(assigned.get(manager_id, ())) if pid in engagements
            )
            total = sum((self.weights[engagements[pid].value] for pid in partners), Decimal(0))
            # A manager's partners of one level get the same share, for the same reason:
            # worked out once per level, the reason shared (as staffing moves share theirs).
            by_level: dict[EngagementLevel, tuple[Decimal, Reason]] = {}
            for pid in partners:
                level = engagements[pid].value
                known = by_level.get(level)
                if known is None:
                    known = by_level[level] = self._hours_share(
                        manager_id, hours, level, total, quarter
                    )
                share, reason = known
                result.append(
                    HoursAllocation(
                        manager_id=manager_id,
                        partner_id=pid,
                        level=level,
                        hours=share,
                        reason=reason,
                    )
                )
        return tuple(result)

    def _hours_share(
        self,
        manager_id: str,
        hours: Decimal,
        level: EngagementLevel,
        total: Decimal,
        quarter: Quarter,
    ) -> tuple[Decimal, Reason]:
        """One partner's share of its manager's hours at ``level``, and the reason."""
        weight = self.weights[level]
        share = (
            (hours * weight / total).quantize(_HUNDREDTH, rounding=ROUND_DOWN)
            if total > 0
            else Decimal(0)
        )
        text = (
            f"{share} h of {manager_id}'s {hours} h: weight {weight} ({level.value}) of "
            f"{total} in all"
        )
        facts = {
            "manager_id": manager_id,
            "available": hours,
            "weight": weight,
            "total_weight": total,
            "level": level.value,
        }
        return share, Reason(
            code="hours", policy=self.name, quarter=quarter, text=text, facts=facts
        )


_UNPLACED_TEXT = {
    "no_competent_manager": "no manager who may take partners is competent for its partner type",
    "no_language_match": "no competent manager speaks one of its languages",
    "no_region_match": "no competent manager speaking its language covers its region",
    "no_capacity": "every matching manager is at capacity",
}


def _assigned_text(
    partner: Partner,
    chosen: PartnerManager,
    level: EngagementLevel,
    called_for: tuple[TeamRole, ...],
    left: int,
) -> str:
    roles = " or ".join(r.value for r in called_for)
    if chosen.role in called_for:
        why = f": {'the' if len(called_for) == 1 else 'a'} role {level.value} calls for"
    elif called_for:
        which = "the role" if len(called_for) == 1 else "the roles"
        why = f" since no {roles}, {which} {level.value} calls for, matching this partner has room"
    else:
        why = f": {level.value} calls for no particular role"
    return (
        f"assigned to {chosen.id} ({chosen.role.value}){why}; competent for "
        f"{partner.partner_type.value}, language and region match, {left} place(s) left"
    )


def _speaks(manager: PartnerManager, partner: Partner) -> bool:
    return (
        not partner.languages
        or not manager.languages
        or bool(set(partner.languages) & set(manager.languages))
    )


class _Pool:
    """The managers who could take partners of one kind (type, languages, region)."""

    __slots__ = ("competent", "covering", "heaps", "room", "speaking")

    def __init__(
        self,
        competent: int,
        speaking: int,
        covering: list[PartnerManager],
        load: Mapping[str, int],
        capacity: Mapping[str, int],
    ) -> None:
        self.competent = competent
        self.speaking = speaking
        self.covering = len(covering)
        # Per role, (load - capacity, id): the least loaded manager with room first,
        # ties by id; and how many of the role's managers still have room.
        self.heaps: dict[TeamRole, list[tuple[int, str, PartnerManager]]] = {}
        self.room: dict[TeamRole, int] = {}
        for m in covering:
            self.heaps.setdefault(m.role, []).append((load[m.id] - capacity[m.id], m.id, m))
            self.room[m.role] = self.room.get(m.role, 0) + (load[m.id] < capacity[m.id])
        for heap in self.heaps.values():
            heapq.heapify(heap)


class _Matcher:
    """Finds each unmanaged partner's manager, in time that does not grow with the team.

    The choice is among those who may take partners, are competent for the partner's
    type, speak one of its languages, cover its region and have room: the least-loaded
    manager (the most places left, ties by id) of the first role called for that has
    one, else of any role. Partners with the same type, languages and region share one
    pool of such managers, built once; each pool keeps its managers in one heap per
    role by load (entries are refreshed lazily as loads grow) and a count per role of
    those with room.
    """

    def __init__(
        self, candidates: list[PartnerManager], load: dict[str, int], capacity: Mapping[str, int]
    ) -> None:
        self._candidates = candidates
        self._load = load
        self._capacity = capacity
        self._pools: dict[tuple[PartnerType, frozenset[str], str | None], _Pool] = {}
        self._member_of: dict[str, list[_Pool]] = {}
        self._competent: dict[PartnerType, list[PartnerManager]] = {}

    def _pool(self, partner: Partner) -> _Pool:
        key = (partner.partner_type, frozenset(partner.languages), partner.region)
        pool = self._pools.get(key)
        if pool is None:
            competent = self._competent.get(partner.partner_type)
            if competent is None:
                kind = partner.partner_type
                competent = [m for m in self._candidates if m.is_competent_for(kind)]
                self._competent[kind] = competent
            speaking = [m for m in competent if _speaks(m, partner)]
            covering = [m for m in speaking if m.covers_region(partner.region)]
            pool = _Pool(len(competent), len(speaking), covering, self._load, self._capacity)
            for manager in covering:
                self._member_of.setdefault(manager.id, []).append(pool)
            self._pools[key] = pool
        return pool

    def match(
        self, partner: Partner, called_for: tuple[TeamRole, ...]
    ) -> tuple[PartnerManager | None, str, dict[str, object]]:
        """Return the manager for ``partner`` (or ``None``), the outcome's code, and facts.

        ``called_for`` lists the roles the partner's engagement level calls for, best
        first.
        """
        pool = self._pool(partner)
        free = sum(pool.room.values())
        facts: dict[str, object] = {
            "competent": pool.competent,
            "speaking": pool.speaking,
            "covering": pool.covering,
            "with_capacity": free,
        }
        if not pool.competent:
            return None, "no_competent_manager", facts
        if not pool.speaking:
            return None, "no_language_match", facts
        if not pool.covering:
            return None, "no_region_match", facts
        if not free:
            return None, "no_capacity", facts
        for role in called_for:
            if pool.room.get(role):
                return self._top(pool.heaps[role])[2], "assigned", facts
        tops = (self._top(pool.heaps[role]) for role, room in pool.room.items() if room)
        return min(tops)[2], "assigned", facts

    def _top(self, heap: list[tuple[int, str, PartnerManager]]) -> tuple[int, str, PartnerManager]:
        """The heap's true first entry, refreshing entries whose manager's load grew."""
        load = self._load
        while True:
            stored, manager_id, manager = heap[0]
            current = load[manager_id] - self._capacity[manager_id]
            if current == stored:
                return heap[0]
            heapq.heapreplace(heap, (current, manager_id, manager))

    def assign(self, manager: PartnerManager) -> None:
        """Count one more partner for ``manager``."""
        self._load[manager.id] += 1
        if self._load[manager.id] == self._capacity[manager.id]:  # just became full
            for pool in self._member_of.get(manager.id, ()):
                pool.room[manager.role] -= 1


def _has_manager(portfolio: Portfolio, manager_id: str) -> bool:
    return any(m.id == manager_id for m in portfolio.managers)


def _accept_level(value: object) -> EngagementLevel | None:
    try:
        return EngagementLevel(str(value))
    except ValueError:
        return None
