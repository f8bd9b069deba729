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
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

from partnerdomain.model import PartnerStage, PartnerType, TeamRole
from partnerdomain.policies._staffing_model import CompanyStage, Segment, TeamStructure, Workload

if TYPE_CHECKING:
    from collections.abc import Iterable

    from partnerdomain.policies._staffing_parameters import StaffingParameters

_PLACES = Decimal("0.0001")

__all__ = [
    "STAGE_WORKLOAD",
    "Demand",
    "decimal_of",
    "heads_needed",
    "recruiting_role",
    "segment_for",
    "segments_of",
    "weight_scale",
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
    specialised = group in structure.specialised
    # A group with a specialist role of its own (alliances) always goes to its specialists.
    if specialised and group in params.specialist_roles:
        return Segment(params.specialist_roles[group], group)
    if workload is Workload.MANAGE:
        if structure.stage is CompanyStage.LEADERSHIP and triangle is not None:
            role = params.triangle_roles.get(triangle)
            if role is not None:
                return Segment(role)
        if structure.stage is not CompanyStage.STARTUP and band in params.committed_bands:
            return Segment(TeamRole.PARTNER_ACCOUNT_MANAGER)
    return Segment(farmer, group) if specialised else Segment(farmer)


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


def weight_scale(weights: Iterable[Decimal]) -> int:
    """Return the least integer that turns every weight into a whole number of ticks.

    Loads are counted in ticks (integers) so that sums are exact and fast.
    """
    scale = 1
    for weight in weights:
        scale = math.lcm(scale, Fraction(weight).denominator)
    return scale


@attrs.define
class Demand:
    """The work of one segment and workload, in ticks: whole partners plus divisible targets."""

    units: int = 0
    heaviest: int = 0
    quantum: int = 0
    fluid: int = 0
    types: set[PartnerType] = attrs.field(factory=set)

    def add(self, partner_type: PartnerType, weight: int, count: int = 1) -> None:
        """Add ``count`` whole partners of ``partner_type`` weighing ``weight`` ticks each."""
        if count <= 0:
            return
        self.units += weight * count
        self.heaviest = max(self.heaviest, weight)
        if self.quantum != weight:
            self.quantum = math.gcd(self.quantum, weight)
        self.types.add(partner_type)

    def add_fluid(self, units: int) -> None:
        """Add divisible work (recruits still to find), which fills any room."""
        self.fluid += max(units, 0)

    @property
    def total(self) -> int:
        """Whole partners and divisible work together, in ticks."""
        return self.units + self.fluid


def sure_room(capacity: int, demand: Demand) -> int:
    """Return the ticks of whole partners a person of ``capacity`` ticks surely takes."""
    if demand.units == 0:
        return capacity
    return max(0, capacity - demand.heaviest + demand.quantum)


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def heads_needed(demand: Demand, capacity: int, existing: Iterable[tuple[int, bool]] = ()) -> int:
    """Return how many people of ``capacity`` ticks to add so that ``demand`` fits.

    Args:
        demand: The work of one segment and workload.
        capacity: A new person's capacity for it, in ticks.
        existing: The people already there: (capacity in ticks, counted), where counted
            says whether they can take every type of partner in the demand.
    """
    people = [c for c, counted in existing if counted]
    total = demand.total
    if total == 0 or capacity <= 0:
        return 0
    need = 0
    if demand.units:
        room = sure_room(capacity, demand)
        have = sum(sure_room(c, demand) for c in people)
        need = max(need, _ceil_div(demand.units - have, room))
    need = max(need, _ceil_div(total - sum(people), capacity))
    return max(need, 0)


def decimal_of(value: Fraction) -> Decimal:
    """Show an exact fraction (standard partners, a share) as a Decimal to four places."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(_PLACES)
