"""The partner: a company in (or on its way into, or out of) the partner program."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

from partnerdomain.model import _validate as v
from partnerdomain.model._enums import ExitReason, PartnerStage, PartnerType, RiskLevel, TeamRole
from partnerdomain.model._frozenmap import EMPTY, FrozenJSON, FrozenMap

if TYPE_CHECKING:
    from collections.abc import Mapping

    from attrs import Attribute

__all__ = ["Partner"]


def _as_managers(value: Mapping[TeamRole, str]) -> FrozenMap[TeamRole, str]:
    return v.as_frozen_map(value)


def _check_managers(instance: Partner, attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, FrozenMap) or not all(
        isinstance(role, TeamRole) and type(manager_id) is str and manager_id.strip()
        for role, manager_id in value.items()
    ):
        v.fail(instance, attribute, value, "a mapping of TeamRole to manager id")


@attrs.frozen(kw_only=True)
class Partner:
    """A partner company and where it stands in the program.

    >>> from datetime import date
    >>> acme = Partner(
    ...     id="P-1", name="Acme IT", partner_type=PartnerType.MSP,
    ...     stage=PartnerStage.ACTIVE, stage_since=date(2026, 1, 5),
    ...     joined_on=date(2025, 6, 1), languages=["en", "de"],
    ... )
    >>> acme.languages
    ('en', 'de')

    Args:
        id: The partner's id, as the CRM knows it.
        name: The company name.
        partner_type: What kind of partner it is.
        stage: Its lifecycle stage.
        stage_since: The day it entered ``stage``.
        tier: The name of its program tier (e.g. ``"Gold"``), if any.
        country: Its country (an ISO 3166 code is recommended), if known.
        region: Its sales region (e.g. ``"DACH"``), if known.
        languages: The languages it works in (e.g. ``("en", "de")``).
        joined_on: The day its partner contract took effect, if it has one.
        managers: The ids of its assigned managers, by role.
        certifications: How many of its engineers are certified.
        onboarding_checklist: Onboarding items and whether each is done.
        contract_signed_on: The day the partner contract was signed, if it was.
        risk_level: The outcome of the pre-contract risk assessment, if one was made.
        exit_reason: Why the partnership ended, once offboarding records it.
        custom_fields: CRM fields the model does not know, kept as loaded.
    """

    id: str = attrs.field(validator=v.entity_id)
    name: str = attrs.field(validator=v.text)
    partner_type: PartnerType = attrs.field(validator=v.member_of(PartnerType))
    stage: PartnerStage = attrs.field(validator=v.member_of(PartnerStage))
    stage_since: date = attrs.field(validator=v.a_date)
    tier: str | None = attrs.field(default=None, validator=v.optional_text)
    country: str | None = attrs.field(default=None, validator=v.optional_text)
    region: str | None = attrs.field(default=None, validator=v.optional_text)
    languages: tuple[str, ...] = attrs.field(
        default=(), converter=v.as_str_tuple, validator=v.codes
    )
    joined_on: date | None = attrs.field(default=None, validator=v.optional_date)
    managers: FrozenMap[TeamRole, str] = attrs.field(
        default=EMPTY,
        converter=_as_managers,
        validator=_check_managers,
    )
    certifications: int = attrs.field(default=0, validator=v.non_negative_int)
    onboarding_checklist: FrozenMap[str, bool] = attrs.field(
        default=EMPTY, converter=v.as_checklist, validator=v.flags
    )
    contract_signed_on: date | None = attrs.field(default=None, validator=v.optional_date)
    risk_level: RiskLevel | None = attrs.field(
        default=None, validator=v.optional_member_of(RiskLevel)
    )
    exit_reason: ExitReason | None = attrs.field(
        default=None, validator=v.optional_member_of(ExitReason)
    )
    custom_fields: FrozenMap[str, FrozenJSON] = attrs.field(
        default=EMPTY, converter=v.as_custom_fields, validator=v.custom_fields
    )

    @property
    def onboarding_complete(self) -> bool:
        """Whether the onboarding checklist has items and every one is done.

        An empty checklist is *not* complete: nothing was recorded.
        """
        return bool(self.onboarding_checklist) and all(self.onboarding_checklist.values())

    @property
    def onboarding_progress(self) -> float:
        """The share of onboarding items done, from 0.0 to 1.0 (0.0 when there are none)."""
        items = self.onboarding_checklist
        return sum(items.values()) / len(items) if items else 0.0

    def manager_for(self, role: TeamRole) -> str | None:
        """Return the id of the manager assigned in ``role``, if any."""
        return self.managers.get(role)
