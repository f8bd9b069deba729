"""The vocabulary of staffing: company stages, workloads, segments and team structures."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

import attrs

from partnerdomain.exceptions import ValidationError
from partnerdomain.model import TeamRole

if TYPE_CHECKING:
    from attrs import Attribute

__all__ = ["CompanyStage", "Segment", "TeamStructure", "Workload"]


class CompanyStage(StrEnum):
    """Where the company stands, which decides the profile of the partner team to hire."""

    STARTUP = "startup"
    """Looking for a business model: one entrepreneurial business developer does it all."""
    MAKE_OR_BREAK = "make_or_break"
    """Scaling the channel fast: recruiters, and partner account managers for committed partners."""
    LEADERSHIP = "leadership"
    """Hundreds or thousands of partners: the performance triangle decides who serves whom."""

    @property
    def rank(self) -> int:
        """The stage's position: startup 0, make-or-break 1, leadership 2."""
        return _STAGE_ORDER.index(self)


_STAGE_ORDER = (CompanyStage.STARTUP, CompanyStage.MAKE_OR_BREAK, CompanyStage.LEADERSHIP)


class Workload(StrEnum):
    """The three kinds of work a partner takes, by its lifecycle stage."""

    RECRUIT = "recruit"
    """Prospects, partners being recruited or contracted, and the recruiting target."""
    RAMP = "ramp"
    """Partners onboarding or in enablement."""
    MANAGE = "manage"
    """Active partners and partners being offboarded."""


def _check_role(instance: Segment, attribute: Attribute[TeamRole], value: object) -> None:
    del attribute
    if not isinstance(value, TeamRole):
        expected = f"a TeamRole (one of: {', '.join(repr(r.value) for r in TeamRole)})"
        raise ValidationError(type(instance).__name__, "role", value, expected)


def _check_specialisation(
    instance: Segment, attribute: Attribute[str | None], value: str | None
) -> None:
    del attribute
    if value is not None and (type(value) is not str or not value.strip()):
        raise ValidationError(
            type(instance).__name__, "specialisation", value, "None or a skill group name"
        )


@attrs.frozen
class Segment:
    """A slice of the partner team: one role, optionally specialised in one skill group.

    >>> str(Segment(TeamRole.ALLIANCE_MANAGER, "alliances"))
    'alliance_manager/alliances'

    Args:
        role: The role people of the segment hold.
        specialisation: The skill group they specialise in (``None`` for generalists).
    """

    role: TeamRole = attrs.field(validator=_check_role)
    specialisation: str | None = attrs.field(default=None, validator=_check_specialisation)

    def __lt__(self, other: Segment) -> bool:
        """Order by role, generalists before specialists, then by skill group."""
        if not isinstance(other, Segment):
            return NotImplemented
        return (self.role.value, self.specialisation or "") < (
            other.role.value,
            other.specialisation or "",
        )

    def __str__(self) -> str:
        """Format like ``partner_success_manager`` or ``alliance_manager/alliances``."""
        if self.specialisation is None:
            return self.role.value
        return f"{self.role.value}/{self.specialisation}"


def _as_groups(value: object) -> frozenset[str]:
    if isinstance(value, (str, bytes)):
        return value  # type: ignore[return-value]
    if isinstance(value, (set, frozenset, list, tuple)):
        return frozenset(value)
    return value  # type: ignore[return-value]


def _check_groups(instance: TeamStructure, attribute: object, value: object) -> None:
    del attribute
    if not isinstance(value, frozenset) or not all(type(g) is str and g.strip() for g in value):
        raise ValidationError(
            type(instance).__name__, "specialised", value, "a set of skill group names"
        )


def _check_stage(instance: TeamStructure, attribute: object, value: object) -> None:
    del attribute
    if not isinstance(value, CompanyStage):
        expected = f"a CompanyStage (one of: {', '.join(repr(s.value) for s in CompanyStage)})"
        raise ValidationError(type(instance).__name__, "stage", value, expected)


def _check_split(instance: TeamStructure, attribute: object, value: object) -> None:
    del attribute
    if type(value) is not bool:
        raise ValidationError(type(instance).__name__, "split", value, "True or False")


@attrs.frozen(kw_only=True)
class TeamStructure:
    """The shape of the partner team: the company stage, the split, the specialisations.

    The evolving matrix moves a team from end-to-end partner managers towards hunters
    (recruiters) and farmers (partner success managers), with specialists for the skill
    groups that have the volume; the company stage adds partner account managers
    (make-or-break) and the performance triangle's roles (leadership).

    >>> TeamStructure().stage
    <CompanyStage.STARTUP: 'startup'>

    Args:
        stage: The company stage.
        split: Whether recruiting and ramping/managing are split into hunters and farmers.
        specialised: The skill groups served by specialised managers.
    """

    stage: CompanyStage = attrs.field(default=CompanyStage.STARTUP, validator=_check_stage)
    split: bool = attrs.field(default=False, validator=_check_split)
    specialised: frozenset[str] = attrs.field(
        default=frozenset(), converter=_as_groups, validator=_check_groups
    )

    def includes(self, other: TeamStructure) -> bool:
        """Say whether this structure is at least as evolved as ``other`` in every respect."""
        return (
            self.stage.rank >= other.stage.rank
            and (self.split or not other.split)
            and self.specialised >= other.specialised
        )

    def __str__(self) -> str:
        """Describe the structure in a few words."""
        parts = [self.stage.value, "hunters and farmers" if self.split else "end-to-end"]
        if self.specialised:
            parts.append("specialised: " + ", ".join(sorted(self.specialised)))
        return "; ".join(parts)
