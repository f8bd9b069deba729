"""What offboarding must check: invoices and market development fund payments."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import attrs

from partnerdomain.model import _validate as v
from partnerdomain.model._frozenmap import EMPTY, FrozenJSON, FrozenMap
from partnerdomain.model._money import Money

if TYPE_CHECKING:
    from attrs import Attribute

__all__ = ["Invoice", "MdfPayment"]


def _check_positive(instance: object, attribute: Attribute[Money], value: object) -> None:
    if not isinstance(value, Money):
        v.fail(instance, attribute, value, "a Money")
    if value.amount <= 0:
        v.fail(instance, attribute, value, "an amount above zero")


@attrs.frozen(kw_only=True)
class Invoice:
    """An invoice to a partner; one still unpaid blocks offboarding.

    Args:
        id: The invoice's id.
        partner_id: The partner invoiced.
        amount: The amount invoiced.
        issued_on: The day it was issued.
        due_on: The day payment is due.
        paid_on: The day it was paid, if it was.
        custom_fields: CRM fields the model does not know, kept as loaded.
    """

    id: str = attrs.field(validator=v.entity_id)
    partner_id: str = attrs.field(validator=v.entity_id)
    amount: Money = attrs.field(validator=_check_positive)
    issued_on: date = attrs.field(validator=v.a_date)
    due_on: date = attrs.field(validator=v.a_date)
    paid_on: date | None = attrs.field(default=None, validator=v.optional_date)
    custom_fields: FrozenMap[str, FrozenJSON] = attrs.field(
        default=EMPTY, converter=v.as_custom_fields, validator=v.custom_fields
    )

    def is_outstanding(self, as_of: date) -> bool:
        """Say whether the invoice was issued and not yet paid, as of ``as_of``."""
        return self.issued_on <= as_of and (self.paid_on is None or self.paid_on > as_of)


@attrs.frozen(kw_only=True)
class MdfPayment:
    """Market development funds paid (or promised) to a partner for an agreed activity.

    Funds paid out without delivered proof of the activity block offboarding.

    Args:
        id: The payment's id.
        partner_id: The partner funded.
        amount: The amount.
        purpose: The activity the funds are for.
        paid_on: The day the funds were paid out, if they were.
        proof_delivered_on: The day the partner delivered proof of the activity, if it did.
        custom_fields: CRM fields the model does not know, kept as loaded.
    """

    id: str = attrs.field(validator=v.entity_id)
    partner_id: str = attrs.field(validator=v.entity_id)
    amount: Money = attrs.field(validator=_check_positive)
    purpose: str = attrs.field(default="", validator=v.any_text)
    paid_on: date | None = attrs.field(default=None, validator=v.optional_date)
    proof_delivered_on: date | None = attrs.field(default=None, validator=v.optional_date)
    custom_fields: FrozenMap[str, FrozenJSON] = attrs.field(
        default=EMPTY, converter=v.as_custom_fields, validator=v.custom_fields
    )

    def lacks_proof(self, as_of: date) -> bool:
        """Say whether the funds were paid out but proof was not delivered, as of ``as_of``."""
        paid = self.paid_on is not None and self.paid_on <= as_of
        proven = self.proof_delivered_on is not None and self.proof_delivered_on <= as_of
        return paid and not proven
