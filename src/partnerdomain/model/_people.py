"""The people of the partner program: partner managers and account executives."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from partnerdomain.model import _validate as v
from partnerdomain.model._enums import PartnerType, TeamRole
from partnerdomain.model._frozenmap import EMPTY, FrozenJSON, FrozenMap
from partnerdomain.model._money import Money

if TYPE_CHECKING:
    from collections.abc import Iterable

    from attrs import Attribute

__all__ = ["AccountExecutive", "Capacity", "PartnerManager", "PartnerSuccessManager"]


@attrs.frozen(kw_only=True)
class Capacity:
    """How many partners one person can recruit, ramp and manage in a year.

    >>> Capacity(recruit=10, ramp=12, manage=40).manage
    40

    Args:
        recruit: Partners recruited and signed per year.
        ramp: Partners onboarded and ramped per year.
        manage: Partners managed at once over the year.
    """

    recruit: int = attrs.field(default=0, validator=v.non_negative_int)
    ramp: int = attrs.field(default=0, validator=v.non_negative_int)
    manage: int = attrs.field(default=0, validator=v.non_negative_int)


def _as_types(value: Iterable[PartnerType]) -> frozenset[PartnerType]:
    return v.as_frozenset(value)


def _types_repr(value: frozenset[PartnerType]) -> str:
    # A set's own repr follows the string hash seed; this one reads the same every run.
    return f"frozenset({{{', '.join(repr(t) for t in sorted(value, key=str))}}})"


def _check_role(instance: PartnerManager, attribute: Attribute[TeamRole], value: object) -> None:
    v.member_of(TeamRole)(instance, attribute, value)
    is_psm = isinstance(instance, PartnerSuccessManager)
    if is_psm and value is not TeamRole.PARTNER_SUCCESS_MANAGER:
        v.fail(instance, attribute, value, "TeamRole.PARTNER_SUCCESS_MANAGER")
    if not is_psm and value is TeamRole.PARTNER_SUCCESS_MANAGER:
        v.fail(
            instance,
            attribute,
            value,
            "a role other than PARTNER_SUCCESS_MANAGER (build a PartnerSuccessManager instead)",
        )


def _check_capacity(
    instance: PartnerManager, attribute: Attribute[Capacity], value: object
) -> None:
    if not isinstance(value, Capacity):
        v.fail(instance, attribute, value, "a Capacity")
    if isinstance(instance, PartnerSuccessManager) and value.recruit != 0:
        v.fail(
            instance,
            attribute,
            value,
            "a Capacity with recruit=0 (partner success managers ramp and manage, not recruit)",
        )


@attrs.frozen(kw_only=True)
class PartnerManager:
    """A member of the partner team ("partner manager" in the generic sense).

    >>> PartnerManager(id="M-1", name="Dana", role=TeamRole.RECRUITER).role
    <TeamRole.RECRUITER: 'recruiter'>

    Args:
        id: The person's id.
        name: Their name.
        role: Their role; partner success managers are a type of their own.
        competencies: The partner types they are competent to manage; every type by
            default (a generalist).
        languages: The languages they work in.
        regions: The regions they cover; empty means any.
        capacity: How many partners they can recruit, ramp and manage per year.
        custom_fields: CRM fields the model does not know, kept as loaded.
    """

    id: str = attrs.field(validator=v.entity_id)
    name: str = attrs.field(validator=v.text)
    role: TeamRole = attrs.field(default=TeamRole.PARTNER_MANAGER, validator=_check_role)
    competencies: frozenset[PartnerType] = attrs.field(
        default=frozenset(PartnerType),
        converter=_as_types,
        validator=v.enum_set(PartnerType),
        repr=_types_repr,
    )
    languages: tuple[str, ...] = attrs.field(
        default=(), converter=v.as_str_tuple, validator=v.codes
    )
    regions: tuple[str, ...] = attrs.field(default=(), converter=v.as_str_tuple, validator=v.codes)
    capacity: Capacity = attrs.field(factory=Capacity, validator=_check_capacity)
    custom_fields: FrozenMap[str, FrozenJSON] = attrs.field(
        default=EMPTY, converter=v.as_custom_fields, validator=v.custom_fields
    )

    def is_competent_for(self, partner_type: PartnerType) -> bool:
        """Say whether this person has the skills for ``partner_type``."""
        return partner_type in self.competencies

    def covers_region(self, region: str | None) -> bool:
        """Say whether this person covers ``region`` (any region when ``regions`` is empty)."""
        return not self.regions or region in self.regions


@attrs.frozen(kw_only=True)
class PartnerSuccessManager(PartnerManager):
    """A partner manager who ramps and manages partners but does not recruit them.

    A type of its own, so code can tell a "farmer" apart with ``isinstance``; its role
    is always :attr:`TeamRole.PARTNER_SUCCESS_MANAGER` and its recruiting capacity zero.

    >>> psm = PartnerSuccessManager(id="M-2", name="Ravi", capacity=Capacity(ramp=8, manage=30))
    >>> psm.role, isinstance(psm, PartnerManager)
    (<TeamRole.PARTNER_SUCCESS_MANAGER: 'partner_success_manager'>, True)
    """

    role: TeamRole = attrs.field(default=TeamRole.PARTNER_SUCCESS_MANAGER, validator=_check_role)


@attrs.frozen(kw_only=True)
class AccountExecutive:
    """A salesperson who owns deals and the number.

    Args:
        id: The person's id.
        name: Their name.
        quota: Their quota for a quarter, if set.
        regions: The regions they sell in.
        custom_fields: CRM fields the model does not know, kept as loaded.
    """

    id: str = attrs.field(validator=v.entity_id)
    name: str = attrs.field(validator=v.text)
    quota: Money | None = attrs.field(
        default=None, validator=v.optional_instance_of(Money, "a Money or None")
    )
    regions: tuple[str, ...] = attrs.field(default=(), converter=v.as_str_tuple, validator=v.codes)
    custom_fields: FrozenMap[str, FrozenJSON] = attrs.field(
        default=EMPTY, converter=v.as_custom_fields, validator=v.custom_fields
    )
