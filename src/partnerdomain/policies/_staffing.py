"""Staffing: how many people the partner team needs, in which roles, and when.

The policy answers the seeds' three staffing problems from a portfolio snapshot: the
capacity problem (how much each person can recruit, ramp and manage in a year, and
the revenue that funds the next hire), the competency problem (specialise by skill
group once two groups have the volume) and the evolving matrix (split end-to-end
managers into hunters and farmers, and hire the profile the company stage needs).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Protocol, cast, runtime_checkable

import attrs

from partnerdomain.exceptions import CurrencyMismatchError, ValidationError
from partnerdomain.metrics._revenue import open_deals_with_partner
from partnerdomain.model import (
    Capacity,
    FrozenMap,
    Money,
    Partner,
    PartnerManager,
    PartnerType,
    Portfolio,
    Quarter,
    TeamRole,
)
from partnerdomain.policies._bands import Bands, PerformanceBand
from partnerdomain.policies._reasons import Reason, show_number
from partnerdomain.policies._staffing_core import (
    STAGE_WORKLOAD,
    Demand,
    decimal_of,
    farmer_role,
    heads_needed,
    recruiting_role,
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
from partnerdomain.policies._triangle import Triangle, TriangleSegment

if TYPE_CHECKING:
    from collections.abc import Iterable

    from partnerdomain.policies._staffing_forecast import GrowthAssumptions, StaffingForecast

__all__ = [
    "EvolvingMatrix",
    "Hire",
    "ManagerLoad",
    "Move",
    "MoveKind",
    "StaffingPlan",
    "StaffingPolicy",
    "StructureChange",
    "infer_structure",
]

POLICY = "EvolvingMatrix"
_ZERO = Fraction(0)


def _trimmed(value: Decimal) -> Decimal:
    """``value`` without trailing zeros (176, not 176.0000), never in exponent form."""
    whole = value.to_integral_value()
    return whole if value == whole else value.normalize()


# -- results ------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ManagerLoad:
    """One person's work against their capacity, per workload.

    Attributes:
        manager_id: The person (new hires have ids like ``new:recruiter:1``).
        segment: The segment the person is in (after any change of role).
        capacity: The yearly capacity the policy counts for them.
        load: Standard partners they carry, per workload.
        utilisation: Load divided by capacity, per workload (``Infinity`` when they
            carry work they have no capacity for).
        is_new: Whether the person is a recommended hire.
    """

    manager_id: str
    segment: Segment
    capacity: Capacity
    load: FrozenMap[Workload, Decimal]
    utilisation: FrozenMap[Workload, Decimal]
    is_new: bool = False

    @property
    def overloaded(self) -> bool:
        """Whether the person carries more than their capacity in any workload."""
        return any(u > 1 for u in self.utilisation.values())

    @property
    def peak(self) -> Decimal:
        """The highest utilisation over the workloads (0 when they carry nothing)."""
        return max(self.utilisation.values(), default=Decimal(0))


@attrs.frozen(kw_only=True)
class Hire:
    """A recommended hire: the segment, why it is needed, and whether revenue funds it.

    A hire is funded when the expected yearly revenue of the segment's partners is at
    least the required multiple of the cost of every head the segment would then have.

    Attributes:
        segment: Where the person goes (role and specialisation).
        position: The head count of the segment this hire makes (existing people first).
        manager_id: The id the plan gives the new person (``new:<segment>:<n>``).
        funded: Whether the segment's revenue funds it.
        revenue: The expected yearly revenue of the segment's partners.
        cost: The fully loaded yearly cost of one person in the role.
        required: The revenue the segment needs for this hire: multiple x cost x position.
        reasons: Why the hire is needed and how its funding was judged.
    """

    segment: Segment
    position: int
    manager_id: str
    funded: bool
    revenue: Money
    cost: Money
    required: Money
    reasons: tuple[Reason, ...]

    @property
    def shortfall(self) -> Money:
        """The revenue missing to fund the hire (zero when funded)."""
        gap = self.required - self.revenue
        return gap if gap.amount > 0 else Money.zero(gap.currency)


class MoveKind(StrEnum):
    """The kinds of re-assignment a staffing plan recommends."""

    REASSIGN_PARTNER = "reassign_partner"
    """A partner's work goes to another person (relieves overload or follows the structure)."""
    CHANGE_ROLE = "change_role"
    """A person takes another role (e.g. an end-to-end manager becomes a farmer)."""
    HAND_OVER_CO_SELLING = "hand_over_co_selling"
    """Co-selling with a ramped partner moves to the account executive on its deals."""


@attrs.frozen(kw_only=True)
class Move:
    """One recommended re-assignment, with why.

    Attributes:
        kind: What moves.
        subject_id: The partner (or, for a change of role, the person) concerned.
        from_id: Who gives it up (``None`` for an unassigned partner).
        to_id: Who takes it (a manager, a new hire's id or an account executive).
        workload: The workload that moves, for a partner.
        from_role: The role before, for a change of role.
        to_role: The role after, for a change of role.
        reasons: Why, with the figures.
    """

    kind: MoveKind
    subject_id: str
    from_id: str | None
    to_id: str | None
    workload: Workload | None = None
    from_role: TeamRole | None = None
    to_role: TeamRole | None = None
    reasons: tuple[Reason, ...] = ()


@attrs.frozen(kw_only=True)
class StructureChange:
    """A step of the evolving matrix the portfolio calls for.

    Attributes:
        kind: ``"stage"``, ``"split"`` or ``"specialise"``.
        before: The structure in use.
        after: The structure recommended.
        reasons: The figures against the thresholds.
    """

    kind: str
    before: TeamStructure
    after: TeamStructure
    reasons: tuple[Reason, ...]


@attrs.frozen(kw_only=True)
class StaffingPlan:
    """What the partner team is, what it should be, and how to get there.

    Attributes:
        quarter: The quarter planned for.
        structure: The team structure the plan sizes (given, or read from the team).
        next_structure: The structure the portfolio calls for (equal to ``structure``
            when no threshold is passed); plan again with it to size that team.
        structure_changes: Each step from ``structure`` to ``next_structure``.
        current: Headcount by role today.
        recommended: Headcount by segment (role and specialisation) after the plan.
        hires: The hires, in priority order: funded first, then by how well revenue
            covers them.
        moves: Re-assignments: changes of role, partners moved to relieve overload or
            to follow the structure, co-selling handed to account executives.
        loads: Each person's load today.
        loads_after: Each person's load after the plan, new hires included.
        demand: Standard partners per segment and workload.
        revenue: Expected yearly revenue per segment.
        reasons: How the plan was reached, with the figures.
        unplaced: Partners the plan could not place (always empty for the default policy;
            a custom policy may report some).
    """

    quarter: Quarter
    structure: TeamStructure
    next_structure: TeamStructure
    structure_changes: tuple[StructureChange, ...]
    current: FrozenMap[TeamRole, int]
    recommended: FrozenMap[Segment, int]
    hires: tuple[Hire, ...]
    moves: tuple[Move, ...]
    loads: tuple[ManagerLoad, ...]
    loads_after: tuple[ManagerLoad, ...]
    demand: FrozenMap[Segment, FrozenMap[Workload, Decimal]]
    revenue: FrozenMap[Segment, Money]
    reasons: tuple[Reason, ...]
    unplaced: tuple[str, ...] = ()

    @property
    def current_headcount(self) -> int:
        """People on the team today."""
        return sum(self.current.values())

    @property
    def recommended_headcount(self) -> int:
        """People on the team after the plan."""
        return sum(self.recommended.values())

    @property
    def recommended_by_role(self) -> FrozenMap[TeamRole, int]:
        """Headcount after the plan by role, specialisations added up."""
        totals: dict[TeamRole, int] = {}
        for segment, count in self.recommended.items():
            totals[segment.role] = totals.get(segment.role, 0) + count
        return FrozenMap(sorted(totals.items()))

    @property
    def overloaded(self) -> tuple[str, ...]:
        """The people over capacity today."""
        return tuple(load.manager_id for load in self.loads if load.overloaded)

    @property
    def funded_hires(self) -> tuple[Hire, ...]:
        """The hires the revenue funds."""
        return tuple(h for h in self.hires if h.funded)

    @property
    def unfunded_hires(self) -> tuple[Hire, ...]:
        """The hires that are needed but not funded."""
        return tuple(h for h in self.hires if not h.funded)


# -- the protocol -------------------------------------------------------------------------


@runtime_checkable
class StaffingPolicy(Protocol):
    """Sizes the partner team for a portfolio and forecasts it quarter by quarter."""

    def plan(  # noqa: PLR0913 - each input is its own keyword
        self,
        portfolio: Portfolio,
        *,
        quarter: Quarter,
        structure: TeamStructure | None = None,
        bands: Bands | Mapping[str, PerformanceBand | str] | None = None,
        triangle: Triangle | Mapping[str, TriangleSegment | str] | None = None,
        recruiting_target: Mapping[PartnerType, int] | None = None,
    ) -> StaffingPlan:
        """Return the staffing plan for ``portfolio`` in ``quarter``."""
        ...

    def forecast(
        self,
        start: Portfolio,
        assumptions: GrowthAssumptions,
        *,
        quarter: Quarter,
        quarters: int = 12,
        structure: TeamStructure | None = None,
    ) -> StaffingForecast:
        """Run the policy quarter by quarter from ``start`` under ``assumptions``."""
        ...


# -- the team ------------------------------------------------------------------------------


def infer_structure(
    managers: Iterable[PartnerManager], params: StaffingParameters
) -> TeamStructure:
    """Read the team's structure from the roles its people hold.

    Executive sponsors or channel support mean the leadership stage; recruiters or
    partner account managers mean make-or-break; partner success managers mean the
    team is split; a specialist role, or people competent only for one skill group,
    mean that group is specialised.
    """
    roles = set()
    specialised: set[str] = set()
    by_role = {role: group for group, role in params.specialist_roles.items()}
    for manager in managers:
        roles.add(manager.role)
        if manager.role in by_role:
            specialised.add(by_role[manager.role])
        groups = {params.skill_groups[t] for t in manager.competencies}
        if len(groups) == 1 and manager.role is not TeamRole.RECRUITER:
            specialised.update(groups)
    if roles & {TeamRole.EXECUTIVE_SPONSOR, TeamRole.CHANNEL_SUPPORT}:
        stage = CompanyStage.LEADERSHIP
    elif roles & {TeamRole.RECRUITER, TeamRole.PARTNER_ACCOUNT_MANAGER}:
        stage = CompanyStage.MAKE_OR_BREAK
    else:
        stage = CompanyStage.STARTUP
    return TeamStructure(
        stage=stage,
        split=TeamRole.PARTNER_SUCCESS_MANAGER in roles,
        specialised=frozenset(specialised),
    )


def _new_role(role: TeamRole, structure: TeamStructure, roles: set[TeamRole]) -> TeamRole | None:
    """Return the role a person takes when theirs is not used in ``structure``."""
    if role in roles:
        return role
    if role is TeamRole.RECRUITER:
        return recruiting_role(structure)
    if role in {
        TeamRole.PARTNER_MANAGER,
        TeamRole.PARTNER_SUCCESS_MANAGER,
        TeamRole.PARTNER_ACCOUNT_MANAGER,
        TeamRole.ALLIANCE_MANAGER,
    }:
        return farmer_role(structure)
    return None


@attrs.define
class _Person:
    id: str
    segment: Segment
    capacity: Capacity
    competencies: frozenset[PartnerType]
    is_new: bool = False
    scale: int = 1
    load: dict[Workload, int] = attrs.field(factory=dict)
    fluid: dict[Workload, int] = attrs.field(factory=dict)

    def room(self, workload: Workload) -> int:
        used = self.load.get(workload, 0) + self.fluid.get(workload, 0)
        return capacity_for(self.capacity, workload) * self.scale - used

    def take(self, workload: Workload, weight: int) -> None:
        self.load[workload] = self.load.get(workload, 0) + weight


def _load_of(  # noqa: PLR0913 - a load is reported with all its parts
    manager_id: str,
    segment: Segment,
    capacity: Capacity,
    load: Mapping[Workload, int],
    scale: int,
    *,
    is_new: bool = False,
) -> ManagerLoad:
    shown: dict[Workload, Decimal] = {}
    used: dict[Workload, Decimal] = {}
    for workload in Workload:
        units = Fraction(load.get(workload, 0), scale)
        room = capacity_for(capacity, workload)
        if units == 0 and room == 0:
            continue
        used[workload] = decimal_of(units)
        if room == 0:
            shown[workload] = Decimal("Infinity")
        else:
            shown[workload] = decimal_of(units / room)
    return ManagerLoad(
        manager_id=manager_id,
        segment=segment,
        capacity=capacity,
        load=FrozenMap(used),
        utilisation=FrozenMap(shown),
        is_new=is_new,
    )


def _capacity_of(manager: PartnerManager, role: TeamRole, params: StaffingParameters) -> Capacity:
    own = manager.capacity
    if role is manager.role and (own.recruit or own.ramp or own.manage):
        return own
    return params.capacity[role]


# -- the default policy -----------------------------------------------------------------------


def _check_structure(value: object) -> TeamStructure | None:
    if value is not None and not isinstance(value, TeamStructure):
        raise ValidationError(POLICY, "structure", value, "a TeamStructure or None")
    return value


def _band_lookup(
    bands: Bands | Mapping[str, PerformanceBand | str] | None,
) -> Callable[[str], str | None]:
    if bands is None:
        return lambda _pid: None
    if isinstance(bands, Bands):
        # Read band by band, once, rather than looked up partner by partner.
        band_of = {pid: band.value for band in PerformanceBand for pid in bands.members(band)}
        return band_of.get
    if not isinstance(bands, Mapping):
        raise ValidationError(
            POLICY, "bands", bands, "Bands, a mapping of partner id to band, or None"
        )
    return _checked_lookup(bands, "bands", PerformanceBand)


def _triangle_lookup(
    triangle: Triangle | Mapping[str, TriangleSegment | str] | None,
) -> Callable[[str], str | None]:
    if triangle is None:
        return lambda _pid: None
    if isinstance(triangle, Triangle):
        # Read segment by segment, once, rather than looked up partner by partner.
        segment_of = {
            pid: segment.value for segment in TriangleSegment for pid in triangle.members(segment)
        }
        return segment_of.get
    if not isinstance(triangle, Mapping):
        raise ValidationError(
            POLICY, "triangle", triangle, "a Triangle, a mapping of partner id to segment, or None"
        )
    return _checked_lookup(triangle, "triangle", TriangleSegment)


def _checked_lookup(
    given: Mapping[Any, object], name: str, kind: type[StrEnum]
) -> Callable[[str], str | None]:
    """Check a mapping of partner id to a member of ``kind``, its value, or None; look it up.

    None, like a partner left out, means the partner has none.
    """
    values = {member.value for member in kind}
    # A member of a string enumeration hashes and compares like its value, and None
    # reads as a partner left out: a mapping that passes the checks is looked up as it
    # is. The usual one passes two set tests at C speed; the loop names what is wrong.
    try:
        usual = set(map(type, given)) <= {str} and set(given.values()) <= {*values, None}
    except TypeError:  # an unhashable value
        usual = False
    if not usual:
        for pid, value in given.items():
            if not isinstance(pid, str):
                raise ValidationError(POLICY, name, pid, "partner ids (text) as keys")
            if value is not None and (not isinstance(value, str) or value not in values):
                expected = f"a {kind.__name__}, one of " + ", ".join(sorted(values)) + ", or None"
                raise ValidationError(POLICY, f"{name}[{pid!r}]", value, expected)
    return cast("Callable[[str], str | None]", given.get)


@attrs.frozen(kw_only=True)
class EvolvingMatrix:
    """The default staffing policy: capacity, funding, competency and the evolving matrix.

    Each partner's work (recruit, ramp or manage, by its lifecycle stage) goes to the
    segment of the team the structure gives it to; each segment gets the heads its
    work needs at the role's capacity; a hire is funded when the segment's expected
    revenue covers the required multiple of its cost. The plan also says when the
    portfolio has outgrown the structure: the next company stage, the split into
    hunters and farmers, specialists for skill groups with the volume.

    Args:
        parameters: The policy's configuration.
    """

    parameters: StaffingParameters = attrs.field(
        validator=attrs.validators.instance_of(StaffingParameters)
    )

    # -- the plan ----------------------------------------------------------------------------

    def plan(  # noqa: PLR0913, C901, PLR0912, PLR0915 - one pass per step of the plan
        self,
        portfolio: Portfolio,
        *,
        quarter: Quarter,
        structure: TeamStructure | None = None,
        bands: Bands | Mapping[str, PerformanceBand | str] | None = None,
        triangle: Triangle | Mapping[str, TriangleSegment | str] | None = None,
        recruiting_target: Mapping[PartnerType, int] | None = None,
    ) -> StaffingPlan:
        """Return the staffing plan for ``portfolio`` in ``quarter``.

        Args:
            portfolio: The partners and the partner team.
            quarter: The quarter the plan is for (reasons carry it).
            structure: The team structure to size; read from the team's roles if omitted.
            bands: Each partner's performance band (a :class:`Bands` or a mapping of
                partner id to band); decides committed partners and expected revenue.
            triangle: Each partner's segment of the performance triangle (a
                :class:`Triangle` or a mapping of partner id to :class:`TriangleSegment`);
                used at the leadership stage.
            recruiting_target: Partners to recruit this year, by type, beyond those in
                the pipeline.

        Raises:
            ValidationError: If an input is malformed or a hire's role has no cost.
            CurrencyMismatchError: If costs and revenues are not in the portfolio's currency.
        """
        params = self.parameters
        if not isinstance(portfolio, Portfolio):
            raise ValidationError(POLICY, "portfolio", portfolio, "a Portfolio")
        if not isinstance(quarter, Quarter):
            raise ValidationError(POLICY, "quarter", quarter, "a Quarter")
        currency = portfolio.currency
        if params.currency is not None and params.currency != currency:
            raise CurrencyMismatchError("plan", currency, params.currency)
        structure = _check_structure(structure) or infer_structure(portfolio.managers, params)
        band_of = _band_lookup(bands)
        triangle_of = _triangle_lookup(triangle)
        targets = _check_targets(recruiting_target)

        scale = weight_scale(params.weights.values())
        weights = {t: int(Fraction(w) * scale) for t, w in params.weights.items()}
        revenue_of = {t: params.revenue.get(t, Money.zero(currency)).amount for t in PartnerType}
        segments = segments_of(structure, params)

        # 1. Each partner's work, by segment and workload.
        demand: dict[tuple[Segment, Workload], Demand] = {}
        revenue: dict[Segment, Decimal] = {}
        pipeline: dict[PartnerType, int] = {}
        in_program = 0
        totals = dict.fromkeys(Workload, 0)
        group_volume: dict[str, int] = {}
        partners = sorted(portfolio.partners, key=_by_id)
        # Partners alike (type, workload, band, triangle segment) are counted together.
        key_of: dict[str, tuple[PartnerType, Workload, str | None, str | None]] = {}
        counts: dict[tuple[PartnerType, Workload, str | None, str | None], int] = {}
        ramping = PerformanceBand.RAMPING.value
        for partner in partners:
            workload = STAGE_WORKLOAD.get(partner.stage)
            if workload is None:
                continue
            pid = partner.id
            band = band_of(pid)
            if workload is Workload.RECRUIT and band is None:
                band = ramping
            key = (partner.partner_type, workload, band, triangle_of(pid))
            key_of[pid] = key
            counts[key] = counts.get(key, 0) + 1
        placed_as: dict[
            tuple[PartnerType, Workload, str | None, str | None],
            tuple[Segment, Workload, PartnerType],
        ] = {}
        for key, n in sorted(counts.items(), key=lambda item: _key_order(item[0])):
            kind, workload, band, tri = key
            segment = segment_for(structure, params, kind, workload, band, tri)
            placed_as[key] = (segment, workload, kind)
            demand.setdefault((segment, workload), Demand()).add(kind, weights[kind], n)
            earned = revenue_of[kind] * params.band_factor(band) * n
            revenue[segment] = revenue.get(segment, Decimal(0)) + earned
            totals[workload] += weights[kind] * n
            if workload is Workload.RECRUIT:
                pipeline[kind] = pipeline.get(kind, 0) + n
            else:
                in_program += n
                group = params.skill_groups[kind]
                group_volume[group] = group_volume.get(group, 0) + weights[kind] * n
        target_of = {pid: placed_as[key] for pid, key in key_of.items()}
        recruiter_segment = Segment(recruiting_role(structure))
        for kind, wanted in sorted(targets.items()):
            extra = wanted - pipeline.get(kind, 0)
            if extra > 0:
                entry = demand.setdefault((recruiter_segment, Workload.RECRUIT), Demand())
                entry.add_fluid(weights[kind] * extra)
                totals[Workload.RECRUIT] += weights[kind] * extra
                factor = params.band_factor(PerformanceBand.RAMPING.value)
                revenue[recruiter_segment] = (
                    revenue.get(recruiter_segment, Decimal(0)) + revenue_of[kind] * factor * extra
                )

        # 2. The people: their segment under the structure, changes of role.
        roles = {s.role for s in segments}
        people: list[_Person] = []
        outside: list[_Person] = []
        moves: list[Move] = []
        managers = sorted(portfolio.managers, key=_by_id)
        for manager in managers:
            role = _new_role(manager.role, structure, roles)
            if role is None:
                outside.append(
                    _Person(
                        id=manager.id,
                        segment=Segment(manager.role),
                        capacity=manager.capacity,
                        competencies=manager.competencies,
                    )
                )
                continue
            segment = _segment_of_person(manager, role, structure, params, segments)
            people.append(
                _Person(
                    id=manager.id,
                    segment=segment,
                    capacity=_capacity_of(manager, role, params),
                    competencies=manager.competencies,
                    scale=scale,
                )
            )
            if role is not manager.role:
                moves.append(
                    Move(
                        kind=MoveKind.CHANGE_ROLE,
                        subject_id=manager.id,
                        from_id=manager.id,
                        to_id=manager.id,
                        from_role=manager.role,
                        to_role=role,
                        reasons=(
                            Reason(
                                code="change_role",
                                policy=POLICY,
                                quarter=quarter,
                                text=(
                                    f"{manager.id} moves from {manager.role.value} to "
                                    f"{role.value}: the {structure} structure has no "
                                    f"{manager.role.value} role"
                                ),
                                facts={
                                    "structure": str(structure),
                                    "from": manager.role.value,
                                    "to": role.value,
                                },
                            ),
                        ),
                    )
                )

        # 3. Today's loads: every partner counts for each of its managers.
        loads: list[ManagerLoad] = []
        for manager in managers:
            load: dict[Workload, int] = {}
            for partner in portfolio.partners_managed_by(manager.id):
                workload = STAGE_WORKLOAD.get(partner.stage)
                if workload is not None:
                    load[workload] = load.get(workload, 0) + weights[partner.partner_type]
            capacity = _capacity_of(manager, manager.role, params)
            loads.append(_load_of(manager.id, Segment(manager.role), capacity, load, scale))

        # 4. Heads per segment, and the hires that add them.
        by_segment: dict[Segment, list[_Person]] = {}
        for person in people:
            by_segment.setdefault(person.segment, []).append(person)
        hires_needed: dict[Segment, int] = {}
        why: dict[Segment, list[Reason]] = {}
        for segment in sorted(segments | {s for s, _ in demand}):
            members = by_segment.get(segment, [])
            role_capacity = params.capacity[segment.role]
            need = 0
            for workload in sorted(carried_workloads(segment.role)):
                work = demand.get((segment, workload))
                if work is None:
                    continue
                existing = [
                    (capacity_for(p.capacity, workload) * scale, work.types <= p.competencies)
                    for p in members
                ]
                per_person = capacity_for(role_capacity, workload)
                extra = heads_needed(work, per_person * scale, existing)
                if extra:
                    demanded = decimal_of(Fraction(work.total, scale))
                    room = sum(capacity_for(p.capacity, workload) for p in members)
                    held = (
                        f"the {len(members)} in it now have room for {room}"
                        if members
                        else "nobody holds it now"
                    )
                    why.setdefault(segment, []).append(
                        Reason(
                            code="capacity",
                            policy=POLICY,
                            quarter=quarter,
                            text=(
                                f"{segment}: {show_number(_trimmed(demanded))} standard partners "
                                f"to {workload.value} need {extra} more head(s): {held}, and "
                                f"each new one takes {per_person}"
                            ),
                            facts={
                                "segment": str(segment),
                                "workload": workload.value,
                                "demand": demanded,
                                "heaviest_partner": decimal_of(Fraction(work.heaviest, scale)),
                                "people": len(members),
                                "capacity_of_people": room,
                                "capacity_per_person": per_person,
                                "more_heads": extra,
                            },
                        )
                    )
                need = max(need, extra)
            if need:
                hires_needed[segment] = need

        hires: list[Hire] = []
        for segment, count in sorted(hires_needed.items()):
            cost = params.cost_of(segment.role)
            if cost is None:
                raise ValidationError(
                    "StaffingParameters",
                    "cost",
                    segment.role.value,
                    f"a fully loaded cost for {segment.role.value}: the plan needs to hire one",
                )
            have = len(by_segment.get(segment, []))
            income = Money(revenue.get(segment, Decimal(0)), currency)
            for n in range(1, count + 1):
                position = have + n
                required = cost * params.required_multiple * position
                funded = income >= required
                new_id = f"new:{segment}:{n}"
                person = _Person(
                    id=new_id,
                    segment=segment,
                    capacity=params.capacity[segment.role],
                    competencies=frozenset(PartnerType),
                    is_new=True,
                    scale=scale,
                )
                by_segment.setdefault(segment, []).append(person)
                verdict = "funds" if funded else "does not fund"
                hires.append(
                    Hire(
                        segment=segment,
                        position=position,
                        manager_id=new_id,
                        funded=funded,
                        revenue=income,
                        cost=cost,
                        required=required,
                        reasons=(
                            *why.get(segment, ()),
                            Reason(
                                code="funded" if funded else "unfunded",
                                policy=POLICY,
                                quarter=quarter,
                                text=(
                                    f"{segment} head {position}: expected revenue {income} "
                                    f"{verdict} {params.required_multiple} x {cost} x {position} "
                                    f"= {required}"
                                ),
                                facts={
                                    "revenue": income,
                                    "cost": cost,
                                    "multiple": params.required_multiple,
                                    "position": position,
                                    "required": required,
                                },
                            ),
                        ),
                    )
                )
        hires.sort(key=_hire_priority)

        # 5. Place every partner: keep who fits, move the rest (next fit, in id order).
        owner: dict[str, str] = {}
        pool: dict[tuple[Segment, Workload], list[Partner]] = {}
        kept: set[str] = set()
        for person in people:
            for partner in sorted(portfolio.partners_managed_by(person.id), key=_by_id):
                placed = target_of.get(partner.id)
                if placed is None or partner.id in kept:
                    continue
                segment, workload, kind = placed
                weight = weights[kind]
                if (
                    segment == person.segment
                    and kind in person.competencies
                    and person.room(workload) >= weight
                ):
                    person.take(workload, weight)
                    owner[partner.id] = person.id
                    kept.add(partner.id)
        for partner in partners:
            placed = target_of.get(partner.id)
            if placed is not None and partner.id not in kept:
                pool.setdefault(placed[:2], []).append(partner)
        unplaced: list[str] = []
        for (segment, workload), waiting in sorted(pool.items()):
            bins = by_segment.get(segment, [])
            index = 0
            for partner in waiting:
                weight = weights[partner.partner_type]
                while index < len(bins) and not (
                    partner.partner_type in bins[index].competencies
                    and bins[index].room(workload) >= weight
                ):
                    index += 1
                if index == len(bins):
                    unplaced.append(partner.id)
                    index = 0
                    continue
                bins[index].take(workload, weight)
                owner[partner.id] = bins[index].id
        for (segment, workload), entry in sorted(demand.items()):
            left = entry.fluid
            for person in by_segment.get(segment, []):
                if left <= 0:
                    break
                share = min(left, max(person.room(workload), 0))
                person.fluid[workload] = person.fluid.get(workload, 0) + share
                left -= share

        # 6. Moves for partners whose work changes hands; co-selling to account executives.
        overloaded_now = {load.manager_id for load in loads if load.overloaded}
        # Partners moving between the same two people for the same cause share one reason.
        said: dict[tuple[str | None, str, Segment, Workload], tuple[Reason, ...]] = {}
        for partner in partners:
            if partner.id in kept:
                continue
            new_owner = owner.get(partner.id)
            if new_owner is None:
                continue
            holders = partner.managers.values()
            if new_owner in holders:
                continue
            segment, workload, _kind = target_of[partner.id]
            from_id = min(holders, default=None)
            pair = (from_id, new_owner, segment, workload)
            reasons = said.get(pair)
            if reasons is None:
                reasons = said[pair] = (
                    _move_reason(from_id, new_owner, segment, workload, overloaded_now, quarter),
                )
            moves.append(
                Move(
                    kind=MoveKind.REASSIGN_PARTNER,
                    subject_id=partner.id,
                    from_id=from_id,
                    to_id=new_owner,
                    workload=workload,
                    reasons=reasons,
                )
            )
        if structure.split:
            moves.extend(_co_selling_moves(portfolio, partners, quarter))

        loads_after = [
            _load_of(
                p.id,
                p.segment,
                p.capacity,
                {w: p.load.get(w, 0) + p.fluid.get(w, 0) for w in Workload},
                scale,
                is_new=p.is_new,
            )
            for segment in sorted(by_segment)
            for p in by_segment[segment]
        ]
        loads_after += [_load_of(p.id, p.segment, p.capacity, {}, scale) for p in outside]
        loads_after.sort(key=lambda load: (load.is_new, load.manager_id))

        recommended: dict[Segment, int] = {}
        for person in (*people, *outside):
            recommended[person.segment] = recommended.get(person.segment, 0) + 1
        for segment, count in hires_needed.items():
            recommended[segment] = recommended.get(segment, 0) + count
        current: dict[TeamRole, int] = {}
        for manager in managers:
            current[manager.role] = current.get(manager.role, 0) + 1

        next_structure, changes = evolve_structure(
            params,
            structure,
            quarter,
            in_program=in_program,
            totals={w: Fraction(t, scale) for w, t in totals.items()},
            group_volume={g: Fraction(v, scale) for g, v in group_volume.items()},
        )
        reasons = (
            Reason(
                code="structure",
                policy=POLICY,
                quarter=quarter,
                text=f"sized for the structure {structure}",
                facts={"structure": str(structure), "partners_in_program": in_program},
            ),
        )
        return StaffingPlan(
            quarter=quarter,
            structure=structure,
            next_structure=next_structure,
            structure_changes=changes,
            current=FrozenMap(sorted(current.items())),
            recommended=FrozenMap(sorted(recommended.items())),
            hires=tuple(hires),
            moves=tuple(moves),
            loads=tuple(loads),
            loads_after=tuple(loads_after),
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
            reasons=reasons,
            unplaced=tuple(sorted(unplaced)),
        )

    # -- the forecast -----------------------------------------------------------------------------

    def forecast(
        self,
        start: Portfolio,
        assumptions: GrowthAssumptions,
        *,
        quarter: Quarter,
        quarters: int = 12,
        structure: TeamStructure | None = None,
    ) -> StaffingForecast:
        """Run the policy quarter by quarter from ``start`` under ``assumptions``.

        See :func:`~partnerdomain.policies.forecast_staffing`, which this calls after
        reading the starting state from the portfolio.
        """
        from partnerdomain.policies._staffing_forecast import ForecastState, forecast_staffing  # noqa: PLC0415 - the forecast module imports this one

        state = ForecastState.from_portfolio(
            start, self.parameters, quarter=quarter, assumptions=assumptions, structure=structure
        )
        return forecast_staffing(self.parameters, state, assumptions, quarters=quarters)


def evolve_structure(  # noqa: PLR0913 - the figures each threshold is checked against
    params: StaffingParameters,
    structure: TeamStructure,
    quarter: Quarter,
    *,
    in_program: int,
    totals: Mapping[Workload, Fraction],
    group_volume: Mapping[str, Fraction],
) -> tuple[TeamStructure, tuple[StructureChange, ...]]:
    """Return the structure the figures call for, and each step towards it."""
    changes: list[StructureChange] = []
    current = structure

    def step(kind: str, after: TeamStructure, text: str, facts: Mapping[str, object]) -> None:
        nonlocal current
        reason = Reason(code=kind, policy=POLICY, quarter=quarter, text=text, facts=facts)
        changes.append(StructureChange(kind=kind, before=current, after=after, reasons=(reason,)))
        current = after

    stage = CompanyStage.STARTUP
    if in_program >= params.leadership_at:
        stage = CompanyStage.LEADERSHIP
    elif in_program >= params.make_or_break_at:
        stage = CompanyStage.MAKE_OR_BREAK
    if stage.rank > current.stage.rank:
        step(
            "stage",
            attrs.evolve(current, stage=stage),
            f"{in_program} partners in program reach the {stage.value} profile",
            {
                "partners_in_program": in_program,
                "make_or_break_at": params.make_or_break_at,
                "leadership_at": params.leadership_at,
            },
        )
    if not current.split:
        share = recruiting_share(totals, params.capacity[TeamRole.PARTNER_MANAGER])
        if share >= params.split_recruiting_share or in_program >= params.split_at_partners:
            step(
                "split",
                attrs.evolve(current, split=True),
                (
                    f"recruiting would take {decimal_of(share)} of end-to-end managers' time "
                    f"(split at {params.split_recruiting_share}) with {in_program} partners "
                    f"in program (split at {params.split_at_partners}): split into recruiters "
                    f"and partner success managers; co-selling with ramped partners moves to "
                    f"account executives"
                ),
                {
                    "recruiting_share": decimal_of(share),
                    "split_recruiting_share": params.split_recruiting_share,
                    "partners_in_program": in_program,
                    "split_at_partners": params.split_at_partners,
                },
            )
    big = sorted(g for g, v in group_volume.items() if v >= params.specialise_at)
    if len(big) >= 2 and not set(big) <= current.specialised:
        step(
            "specialise",
            attrs.evolve(current, specialised=current.specialised | set(big)),
            (
                f"skill groups {', '.join(big)} each have at least {params.specialise_at} "
                f"standard partners in program: hire specialists per group"
            ),
            {
                "volumes": FrozenMap(sorted((g, decimal_of(v)) for g, v in group_volume.items())),
                "specialise_at": params.specialise_at,
            },
        )
    return current, tuple(changes)


def recruiting_share(totals: Mapping[Workload, Fraction], capacity: Capacity) -> Fraction:
    """Return the share of end-to-end managers' time recruiting would take."""
    time = {
        w: (totals.get(w, _ZERO) / capacity_for(capacity, w))
        if capacity_for(capacity, w)
        else _ZERO
        for w in Workload
    }
    total = sum(time.values(), _ZERO)
    return time[Workload.RECRUIT] / total if total else _ZERO


def _check_targets(value: object) -> dict[PartnerType, int]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValidationError(POLICY, "recruiting_target", value, "a mapping of PartnerType to int")
    for kind, count in value.items():
        if not isinstance(kind, PartnerType) or type(count) is not int or count < 0:
            raise ValidationError(
                POLICY, f"recruiting_target[{kind!r}]", count, "a non-negative int by PartnerType"
            )
    return dict(value)


def _segment_of_person(
    manager: PartnerManager,
    role: TeamRole,
    structure: TeamStructure,
    params: StaffingParameters,
    segments: frozenset[Segment],
) -> Segment:
    groups = {params.skill_groups[t] for t in manager.competencies}
    for group in sorted(structure.specialised):
        specialist = Segment(params.specialist_roles.get(group, farmer_role(structure)), group)
        if specialist not in segments:
            continue
        if manager.role is specialist.role or (groups == {group} and role is specialist.role):
            return specialist
    return Segment(role)


def _co_selling_moves(
    portfolio: Portfolio, partners: Iterable[Partner], quarter: Quarter
) -> list[Move]:
    open_deals: dict[str, set[str]] = {}
    for pid, _, deal in open_deals_with_partner(portfolio):
        executive = deal.account_executive_id
        if executive is not None:
            known = open_deals.get(pid)
            if known is None:
                open_deals[pid] = {executive}
            else:
                known.add(executive)
    moves = []
    for partner in partners:
        if partner.id not in open_deals:
            continue
        if STAGE_WORKLOAD.get(partner.stage) is not Workload.MANAGE:
            continue
        executives = sorted(open_deals[partner.id])
        managers = sorted(set(partner.managers.values()))
        moves.append(
            Move(
                kind=MoveKind.HAND_OVER_CO_SELLING,
                subject_id=partner.id,
                from_id=managers[0] if managers else None,
                to_id=executives[0],
                workload=Workload.MANAGE,
                reasons=(
                    Reason(
                        code="co_selling",
                        policy=POLICY,
                        quarter=quarter,
                        text=(
                            f"{partner.id} is ramped: co-selling on its open deals moves to "
                            f"{', '.join(executives)}"
                        ),
                        facts={"account_executives": tuple(executives)},
                    ),
                ),
            )
        )
    return moves


def _move_reason(  # noqa: PLR0913, PLR0917 - a move is explained by all of these
    from_id: str | None,
    to_id: str,
    segment: Segment,
    workload: Workload,
    overloaded: set[str],
    quarter: Quarter,
) -> Reason:
    if from_id is None:
        code, why = "unassigned", "the partner has no manager"
    elif from_id in overloaded:
        code, why = "overload", f"{from_id} is over capacity"
    else:
        code, why = "structure", f"its {workload.value} work belongs to {segment}"
    return Reason(
        code=code,
        policy=POLICY,
        quarter=quarter,
        text=f"{workload.value} work moves from {from_id or 'nobody'} to {to_id}: {why}",
        facts={
            "segment": str(segment),
            "workload": workload.value,
            "from": from_id or "",
            "to": to_id,
        },
    )


def _key_order(
    key: tuple[PartnerType, Workload, str | None, str | None],
) -> tuple[str, str, str, str]:
    kind, workload, band, tri = key
    return (kind.value, workload.value, band or "", tri or "")


_by_id = attrgetter("id")


def _hire_priority(hire: Hire) -> tuple[bool, Fraction, Segment, int]:
    coverage = (
        Fraction(hire.revenue.amount) / Fraction(hire.required.amount)
        if hire.required.amount
        else Fraction(10**9)
    )
    return (not hire.funded, -coverage, hire.segment, hire.position)
