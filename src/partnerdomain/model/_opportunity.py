"""The opportunity: a deal, possibly brought or helped by a partner."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import attrs

from partnerdomain.model import _validate as v
from partnerdomain.model._enums import DealSource, OpportunityStage
from partnerdomain.model._frozenmap import EMPTY, FrozenJSON, FrozenMap
from partnerdomain.model._money import Money

if TYPE_CHECKING:
    from attrs import Attribute

__all__ = ["Opportunity"]


def _check_amount(instance: Opportunity, attribute: Attribute[Money], value: object) -> None:
    if not isinstance(value, Money):
        v.fail(instance, attribute, value, "a Money")
    if value.amount < 0:
        v.fail(instance, attribute, value, "an amount of zero or more")


def _check_partner(instance: Opportunity, attribute: Attribute[str | None], value: object) -> None:
    v.optional_entity_id(instance, attribute, value)
    if value is None and instance.source is not DealSource.DIRECT:
        v.fail(
            instance,
            attribute,
            value,
            f"a partner id, since the deal is {instance.source.value} (only direct deals "
            "may have no partner)",
        )


# Quick forms for the generated readers (see ``_validate.ACCEPTS``): a Money of zero or
# more passes ``_check_amount``; any id passes ``_check_partner`` whatever the source
# (only a missing partner depends on it, and the validator itself decides that case).
v.ACCEPTS[_check_amount] = "({0}.__class__ is Money and not {0}.amount.is_signed())"
v.ACCEPTS[_check_partner] = v.ACCEPTS[v.entity_id]
v.ACCEPTS_NAMESPACE["Money"] = Money


@attrs.frozen(kw_only=True)
class Opportunity:
    """A deal in the funnel, with the partner and the people on it.

    The account executive owns the deal and drives it to won or lost; the partner
    manager stays involved until it is won.

    Args:
        id: The deal's id.
        source: Who brought the deal; only direct deals may lack a partner.
        amount: The deal's value.
        stage: Where it stands in the funnel.
        stage_since: The day it entered ``stage``.
        registered_on: The day the deal was registered (or created).
        partner_id: The partner that sourced or influenced it.
        name: The deal's name, if it has one.
        close_date: The expected or actual close date.
        account_executive_id: The account executive who owns it.
        partner_manager_id: The partner manager involved.
        account_name: The customer account.
        account_domain: The customer's web domain, used to find conflicting registrations.
        loss_reason: Why it was lost, once it was.
        custom_fields: CRM fields the model does not know, kept as loaded.
    """

    id: str = attrs.field(validator=v.entity_id)
    source: DealSource = attrs.field(validator=v.member_of(DealSource))
    amount: Money = attrs.field(validator=_check_amount)
    stage: OpportunityStage = attrs.field(validator=v.member_of(OpportunityStage))
    stage_since: date = attrs.field(validator=v.a_date)
    registered_on: date = attrs.field(validator=v.a_date)
    partner_id: str | None = attrs.field(default=None, validator=_check_partner)
    name: str | None = attrs.field(default=None, validator=v.optional_text)
    close_date: date | None = attrs.field(default=None, validator=v.optional_date)
    account_executive_id: str | None = attrs.field(default=None, validator=v.optional_entity_id)
    partner_manager_id: str | None = attrs.field(default=None, validator=v.optional_entity_id)
    account_name: str | None = attrs.field(default=None, validator=v.optional_text)
    account_domain: str | None = attrs.field(default=None, validator=v.optional_text)
    loss_reason: str | None = attrs.field(default=None, validator=v.optional_text)
    custom_fields: FrozenMap[str, FrozenJSON] = attrs.field(
        default=EMPTY, converter=v.as_custom_fields, validator=v.custom_fields
    )

    @property
    def is_open(self) -> bool:
        """Whether the deal is still in the funnel."""
        return self.stage.is_open

    @property
    def is_won(self) -> bool:
        """Whether the deal was won."""
        return self.stage is OpportunityStage.WON

    @property
    def involves_partner(self) -> bool:
        """Whether a partner sourced or influenced the deal."""
        return self.source is not DealSource.DIRECT
