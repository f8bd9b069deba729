"""The guards of the lifecycles: conditions a move must meet, each with its reasons.

A guard looks at the entity *as it would be after the move* (so a value the move
records, such as an exit reason, counts), the day of the move and the context given to
the move. It returns no reasons when it holds, and one reason per problem when it does
not. The charts declare which guards each transition has; both the compiled tables and
the live machines run these same functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any, Final, TypeAlias, TypeVar

import attrs

from partnerdomain.exceptions import ReasonKind, TransitionReason, ValidationError
from partnerdomain.model import (
    Invoice,
    MdfPayment,
    Opportunity,
    Partner,
    Portfolio,
)

__all__ = [
    "GUARDS",
    "Guard",
    "account_executive_assigned",
    "amount_positive",
    "close_date_set",
    "contract_signed",
    "exit_reason_recorded",
    "financially_clear",
    "loss_reason_recorded",
    "onboarding_complete",
    "risk_assessed",
]

Reasons: TypeAlias = tuple[TransitionReason, ...]
Check: TypeAlias = Callable[[Any, date, Mapping[str, object]], Reasons]

_NONE: Final[Reasons] = ()

T = TypeVar("T", Invoice, MdfPayment)


@attrs.frozen(kw_only=True)
class Guard:
    """A named condition of a lifecycle transition.

    Args:
        name: The guard's name, as reasons report it (e.g. ``"contract_signed"``).
        description: What must hold, in words.
        check: Returns no reasons when the condition holds, else one per problem.
    """

    name: str
    description: str
    check: Check = attrs.field(eq=False, repr=False)
    held: TransitionReason = attrs.field(init=False, eq=False, repr=False)

    @held.default
    def _held(self) -> TransitionReason:
        return TransitionReason(
            kind=ReasonKind.GUARD_HELD, code=self.name, message=self.description, guard=self.name
        )

    def __call__(self, entity: object, at: date, context: Mapping[str, object]) -> Reasons:
        """Check the guard on the moved entity; return the reasons it fails (none if it holds)."""
        return self.check(entity, at, context)


def _failed(guard: str, code: str, message: str, **facts: object) -> TransitionReason:
    return TransitionReason(
        kind=ReasonKind.GUARD_FAILED, code=code, message=message, guard=guard, facts=facts
    )


def _contract_signed(partner: Partner, at: date, _context: Mapping[str, object]) -> Reasons:
    signed = partner.contract_signed_on
    if signed is None:
        return (
            _failed(
                "contract_signed",
                "contract_not_signed",
                "no contract signing date is recorded (record it with contract_signed_on=)",
            ),
        )
    if signed > at:
        return (
            _failed(
                "contract_signed",
                "contract_signed_later",
                f"the contract is signed on {signed.isoformat()}, after the move",
                contract_signed_on=signed,
            ),
        )
    return _NONE


def _risk_assessed(partner: Partner, _at: date, _context: Mapping[str, object]) -> Reasons:
    if partner.risk_level is None:
        return (
            _failed(
                "risk_assessed",
                "risk_not_assessed",
                "no risk assessment is recorded (record it with risk_level=)",
            ),
        )
    return _NONE


def _onboarding_complete(partner: Partner, _at: date, _context: Mapping[str, object]) -> Reasons:
    items = partner.onboarding_checklist
    if not items:
        return (
            _failed(
                "onboarding_complete",
                "onboarding_checklist_empty",
                "the onboarding checklist has no items, so nothing shows it is complete",
            ),
        )
    open_items = tuple(name for name, done in items.items() if not done)
    if open_items:
        return (
            _failed(
                "onboarding_complete",
                "onboarding_incomplete",
                f"{len(open_items)} onboarding item(s) not done: {', '.join(open_items)}",
                open_items=open_items,
            ),
        )
    return _NONE


def _financial_records(
    partner: Partner, context: Mapping[str, object]
) -> tuple[tuple[Invoice, ...] | None, tuple[MdfPayment, ...] | None]:
    portfolio = context.get("portfolio")
    if portfolio is not None:
        if not isinstance(portfolio, Portfolio):
            raise ValidationError("advance", "portfolio", portfolio, "a Portfolio")
        return portfolio.invoices_for(partner.id), portfolio.mdf_payments_for(partner.id)
    return (
        _of_partner(partner, context, "invoices", Invoice),
        _of_partner(partner, context, "mdf_payments", MdfPayment),
    )


def _of_partner(
    partner: Partner, context: Mapping[str, object], key: str, kind: type[T]
) -> tuple[T, ...] | None:
    given = context.get(key)
    if given is None:
        return None
    expected = f"an iterable of {kind.__name__}"
    if not isinstance(given, Iterable) or isinstance(given, str | bytes | Mapping):
        raise ValidationError("advance", key, given, expected)
    items = tuple(given)
    for item in items:
        if not isinstance(item, kind):
            raise ValidationError("advance", key, item, expected)
    return tuple(item for item in items if item.partner_id == partner.id)


def _financially_clear(partner: Partner, at: date, context: Mapping[str, object]) -> Reasons:
    invoices, payments = _financial_records(partner, context)
    reasons: list[TransitionReason] = []
    if invoices is None:
        reasons.append(
            _failed(
                "financially_clear",
                "invoices_not_given",
                "the partner's invoices were not given (pass invoices= or portfolio=), so "
                "clearance cannot be established",
            )
        )
    else:
        reasons.extend(
            _failed(
                "financially_clear",
                "invoice_outstanding",
                f"invoice {invoice.id} over {invoice.amount} is outstanding",
                invoice_id=invoice.id,
                amount=invoice.amount,
                due_on=invoice.due_on,
            )
            for invoice in invoices
            if invoice.is_outstanding(at)
        )
    if payments is None:
        reasons.append(
            _failed(
                "financially_clear",
                "mdf_payments_not_given",
                "the partner's MDF payments were not given (pass mdf_payments= or "
                "portfolio=), so clearance cannot be established",
            )
        )
    else:
        reasons.extend(
            _failed(
                "financially_clear",
                "mdf_without_proof",
                f"MDF payment {payment.id} over {payment.amount} was paid without proof "
                "of the activity",
                payment_id=payment.id,
                amount=payment.amount,
                paid_on=payment.paid_on,
            )
            for payment in payments
            if payment.lacks_proof(at)
        )
    return tuple(reasons)


def _exit_reason_recorded(partner: Partner, _at: date, _context: Mapping[str, object]) -> Reasons:
    if partner.exit_reason is None:
        return (
            _failed(
                "exit_reason_recorded",
                "exit_reason_missing",
                "no exit reason is recorded (record it with exit_reason=)",
            ),
        )
    return _NONE


def _account_executive_assigned(
    deal: Opportunity, _at: date, _context: Mapping[str, object]
) -> Reasons:
    if deal.account_executive_id is None:
        return (
            _failed(
                "account_executive_assigned",
                "no_account_executive",
                "no account executive owns the deal (record one with account_executive_id=)",
            ),
        )
    return _NONE


def _amount_positive(deal: Opportunity, _at: date, _context: Mapping[str, object]) -> Reasons:
    if deal.amount.amount <= 0:
        return (
            _failed(
                "amount_positive",
                "amount_not_positive",
                f"the deal's amount is {deal.amount}, not above zero",
                amount=deal.amount,
            ),
        )
    return _NONE


def _close_date_set(deal: Opportunity, at: date, _context: Mapping[str, object]) -> Reasons:
    close = deal.close_date
    if close is None:
        return (
            _failed(
                "close_date_set",
                "close_date_missing",
                "no close date is recorded (record it with close_date=)",
            ),
        )
    if close > at or close < deal.registered_on:
        return (
            _failed(
                "close_date_set",
                "close_date_out_of_range",
                f"the close date {close.isoformat()} is not between the registration "
                f"({deal.registered_on.isoformat()}) and the day of the move ({at.isoformat()})",
                close_date=close,
                registered_on=deal.registered_on,
                at=at,
            ),
        )
    return _NONE


def _loss_reason_recorded(deal: Opportunity, _at: date, _context: Mapping[str, object]) -> Reasons:
    if deal.loss_reason is None:
        return (
            _failed(
                "loss_reason_recorded",
                "loss_reason_missing",
                "no loss reason is recorded (record it with loss_reason=)",
            ),
        )
    return _NONE


contract_signed: Final = Guard(
    name="contract_signed",
    description="a partner contract is signed, on or before the move",
    check=_contract_signed,
)
risk_assessed: Final = Guard(
    name="risk_assessed",
    description="a pre-contract risk assessment is recorded",
    check=_risk_assessed,
)
onboarding_complete: Final = Guard(
    name="onboarding_complete",
    description="every item of the onboarding checklist is done",
    check=_onboarding_complete,
)
financially_clear: Final = Guard(
    name="financially_clear",
    description="no outstanding invoices and no MDF paid out without proof of the activity",
    check=_financially_clear,
)
exit_reason_recorded: Final = Guard(
    name="exit_reason_recorded",
    description="the reason the partnership ended is recorded",
    check=_exit_reason_recorded,
)
account_executive_assigned: Final = Guard(
    name="account_executive_assigned",
    description="an account executive owns the deal",
    check=_account_executive_assigned,
)
amount_positive: Final = Guard(
    name="amount_positive",
    description="the deal's amount is above zero",
    check=_amount_positive,
)
close_date_set: Final = Guard(
    name="close_date_set",
    description="the deal has a close date between its registration and the day it closes",
    check=_close_date_set,
)
loss_reason_recorded: Final = Guard(
    name="loss_reason_recorded",
    description="the reason the deal was lost is recorded",
    check=_loss_reason_recorded,
)

#: Every guard, by name.
GUARDS: Final[Mapping[str, Guard]] = {
    g.name: g
    for g in (
        contract_signed,
        risk_assessed,
        onboarding_complete,
        financially_clear,
        exit_reason_recorded,
        account_executive_assigned,
        amount_positive,
        close_date_set,
        loss_reason_recorded,
    )
}
