"""The arithmetic shared by the staffing plan and the forecast.

Demand is counted per segment and workload in standard partners. Whole partners are
packed onto people, so a person is only counted on for the room that is sure to be
filled: when the heaviest partner of a segment weighs ``f`` and weights are multiples
of ``q``, a person with capacity ``c`` who turns a partner away already carries more
than ``c - f``, so at least ``c - f + q``. Heads are sized on that room, which is why
packing the partners onto the recommended team never overloads anyone.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

from partnerdomain.model import PartnerStage, PartnerType, TeamRole
from partnerdomain.policies._staffing_model import CompanyStage, Segment, TeamStructure, Workload

if TYPE_CHECKING:
    from collections.abc import Iterable
    from decimal import Decimal

    from partnerdomain.policies._staffing_parameters import StaffingParameters

__all__ = [
    "STAGE_WORKLOAD",
    "Demand",
    "heads_needed",
    "recruiting_role",
    "segment_for",
    "segments_of",
]

STAGE_WORKLOAD: dict[PartnerStage, Workload] = {
    PartnerStage.PROSPECT: Workload.RECRUIT,
    PartnerStage.RECRUITING: Workload.RECRUIT,
    PartnerStage.CONTRACTING: Workload.RECRUIT,
    PartnerStage.ONBOARDING: Workload.RAMP,
    PartnerStage.ENABLEMENT: Workload.RAMP,
    PartnerStage.ACTIVE: Workload.MANAGE,
    PartnerStage.OFFBOARDING: Workload.MANAGE,
}


def recruiting_role(structure: TeamStructure) -> TeamRole:
    """Return who recruits: recruiters once split or past the startup stage."""
    if structure.split or structure.stage is not CompanyStage.STARTUP:
        return TeamRole.RECRUITER
    return TeamRole.PARTNER_MANAGER


def farmer_role(structure: TeamStructure) -> TeamRole:
    """Return who ramps and manages the partners no one more specific takes."""
    return TeamRole.PARTNER_SUCCESS_MANAGER if structure.split else TeamRole.PARTNER_MANAGER


def segment_for(  # noqa: PLR0913, PLR0917 - each input decides the segment
    structure: TeamStructure,
    params: StaffingParameters,
    partner_type: PartnerType,
    workload: Workload,
    band: str | None,
    triangle: str | None,
) -> Segment:
    """Return the segment whose people take this partner's work under ``structure``."""
    if workload is Workload.RECRUIT:
        return Segment(recruiting_role(structure))
    farmer = farmer_role(structure)
    group = params.skill_groups[partner_type]
    if group in structure.specialised:
        return Segment(params.specialist_roles.get(group, farmer), group)
    if workload is Workload.RAMP:
        return Segment(farmer)
    if structure.stage is CompanyStage.LEADERSHIP and triangle is not None:
        role = params.triangle_roles.get(triangle)
        if role is not None:
            return Segment(role)
    if structure.stage is not CompanyStage.STARTUP and band in params.committed_bands:
        return Segment(TeamRole.PARTNER_ACCOUNT_MANAGER)
    return Segment(farmer)


def segments_of(structure: TeamStructure, params: StaffingParameters) -> frozenset[Segment]:
    """Return every segment the structure has."""
    farmer = farmer_role(structure)
    found = {Segment(recruiting_role(structure)), Segment(farmer)}
    if structure.stage is not CompanyStage.STARTUP:
        found.add(Segment(TeamRole.PARTNER_ACCOUNT_MANAGER))
    if structure.stage is CompanyStage.LEADERSHIP:
        found.update(Segment(role) for role in params.triangle_roles.values())
    for group in structure.specialised:
        found.add(Segment(params.specialist_roles.get(group, farmer), group))
    return frozenset(found)


@attrs.define
class Demand:
    """The work of one segment and workload: whole partners plus divisible targets."""

    units: Fraction = Fraction(0)
    heaviest: Fraction = Fraction(0)
    quantum: Fraction = Fraction(0)
    fluid: Fraction = Fraction(0)
    types: set[PartnerType] = attrs.field(factory=set)

    def add(self, partner_type: PartnerType, weight: Fraction, count: int = 1) -> None:
        """Add ``count`` whole partners of ``partner_type`` weighing ``weight`` each."""
        if count <= 0:
            return
        self.units += weight * count
        self.heaviest = max(self.heaviest, weight)
        self.quantum = _gcd(self.quantum, weight)
        self.types.add(partner_type)

    def add_fluid(self, units: Fraction) -> None:
        """Add divisible work (recruits still to find), which fills any room."""
        self.fluid += max(units, Fraction(0))

    @property
    def room_per_head(self) -> Fraction:
        """The sure room for whole partners per unit of capacity (see the module doc)."""
        return self.quantum - self.heaviest


def _gcd(a: Fraction, b: Fraction) -> Fraction:
    if a == 0:
        return b
    if b == 0:
        return a
    denominator = math.lcm(a.denominator, b.denominator)
    return Fraction(
        math.gcd(
            a.numerator * (denominator // a.denominator),
            b.numerator * (denominator // b.denominator),
        ),
        denominator,
    )


def sure_room(capacity: int, demand: Demand) -> Fraction:
    """Return how much of ``demand``'s whole partners a person of ``capacity`` surely takes."""
    if demand.units == 0:
        return Fraction(capacity)
    return max(Fraction(0), capacity + demand.room_per_head)


def heads_needed(demand: Demand, capacity: int, existing: Iterable[tuple[int, bool]] = ()) -> int:
    """Return how many people of ``capacity`` to add so that ``demand`` fits.

    Args:
        demand: The work of one segment and workload.
        capacity: A new person's capacity for it.
        existing: The people already there: (capacity, counted), where counted says
            whether they can take every type of partner in the demand.
    """
    people = [c for c, counted in existing if counted]
    total = demand.units + demand.fluid
    if total == 0:
        return 0
    if capacity <= 0:
        return 0
    need = 0
    if demand.units:
        room = sure_room(capacity, demand)
        have = sum((sure_room(c, demand) for c in people), Fraction(0))
        need = max(need, math.ceil((demand.units - have) / room))
    have_all = sum((Fraction(c) for c in people), Fraction(0))
    need = max(need, math.ceil((total - have_all) / capacity))
    return max(need, 0)


def as_fraction(value: Decimal) -> Fraction:
    """Return ``value`` as an exact fraction."""
    return Fraction(value)
