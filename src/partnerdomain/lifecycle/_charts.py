"""The lifecycle charts: stages, events, targets and guards, declared once.

These python-statemachine charts are the single source of truth. The tables that
:func:`~partnerdomain.lifecycle.advance` and
:func:`~partnerdomain.lifecycle.allowed_events` run from are compiled from them at
import, and :func:`~partnerdomain.lifecycle.machine_for` instantiates them as live
machines. Each transition carries one validator, :func:`guarded`, naming its guards
and the values its event may record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import attrs
from statemachine import State, StateChart

from partnerdomain.exceptions import ValidationError
from partnerdomain.lifecycle._binding import EntityBinding
from partnerdomain.lifecycle._decide import check_move_arguments, decide, kind_of_entity
from partnerdomain.lifecycle._guards import (
    Guard,
    account_executive_assigned,
    amount_positive,
    close_date_set,
    contract_signed,
    exit_reason_recorded,
    financially_clear,
    loss_reason_recorded,
    onboarding_complete,
    risk_assessed,
)
from partnerdomain.model import CommitmentStatus, OpportunityStage, PartnerStage

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "CommitmentLifecycle",
    "OpportunityLifecycle",
    "PartnerLifecycle",
    "TransitionCheck",
    "guarded",
]

#: Keyword arguments the engine adds to every callback; the rest is the move's context.
_ENGINE_KEYS: Final = frozenset(
    {"event_data", "machine", "model", "transition", "state", "source", "target", "event"}
)


@attrs.frozen
class TransitionCheck:
    """The validator of one transition: its guards and the values its event may record.

    Args:
        guards: The guards the move must pass, in order.
        records: The entity fields the event may set from the move's context.
    """

    guards: tuple[Guard, ...]
    records: tuple[str, ...]

    def validate(
        self,
        model: object,
        event: object,
        target: State,
        **kwargs: object,
    ) -> None:
        """Decide the move in a live machine; keep the outcome on the model, or refuse.

        Args:
            model: The machine's :class:`EntityBinding`.
            event: The event being processed.
            target: The state the engine selected.
            **kwargs: ``at`` (required), ``by`` and the move's context, as given to
                ``send``; the engine's own arguments are left out of the context.

        Raises:
            TransitionRejected: With every reason, as ``advance`` would.
            ValidationError: If the machine is not bound to an entity, or an argument
                is not valid.
        """
        if not isinstance(model, EntityBinding):
            raise ValidationError(
                "lifecycle machine",
                "model",
                model,
                "an EntityBinding: create the machine with machine_for(entity)",
            )
        at = kwargs.pop("at", None)
        by = kwargs.pop("by", None)
        check_move_arguments(at, by, model.rules)
        context = {k: v for k, v in kwargs.items() if k not in _ENGINE_KEYS}
        model.pending = decide(
            kind_of_entity(model.entity, "machine"),
            model.entity,
            str(getattr(event, "id", event)),
            target=target.value,
            guards=self.guards,
            records=self.records,
            at=at,  # type: ignore[arg-type] # checked just above
            by=by,  # type: ignore[arg-type]
            rules=model.rules,
            context=context,
            final=target.final,
        )


def guarded(*guards: Guard, records: tuple[str, ...] = ()) -> Callable[..., None]:
    """Return the validator of a transition with these guards and recorded values."""
    return TransitionCheck(guards, records).validate


_free: Final = guarded()
_OWNED: Final = guarded(account_executive_assigned)
_LOST: Final = guarded(loss_reason_recorded, close_date_set, records=("loss_reason", "close_date"))
_OFFBOARD: Final = guarded(records=("exit_reason",))


class _Lifecycle(StateChart[EntityBinding[Any]]):
    """What every lifecycle chart shares: strict events and the entity kept up to date."""

    allow_event_without_transition = False
    catch_errors_as_events = False

    def on_transition(self) -> None:
        """Adopt the moved entity the transition's validator decided."""
        self.model.commit()


class PartnerLifecycle(_Lifecycle):
    """A partner's lifecycle, from prospect through the program to offboarded.

    Recruiting ends in a signed contract (then onboarding) or in ``declined``; a
    partner in the program can be offboarded from onboarding, enablement or active.
    ``offboarded`` and ``declined`` are final.
    """

    prospect = State(initial=True, value=PartnerStage.PROSPECT)
    recruiting = State(value=PartnerStage.RECRUITING)
    contracting = State(value=PartnerStage.CONTRACTING)
    onboarding = State(value=PartnerStage.ONBOARDING)
    enablement = State(value=PartnerStage.ENABLEMENT)
    active = State(value=PartnerStage.ACTIVE)
    offboarding = State(value=PartnerStage.OFFBOARDING)
    offboarded = State(final=True, value=PartnerStage.OFFBOARDED)
    declined = State(final=True, value=PartnerStage.DECLINED)

    recruit = prospect.to(recruiting, validators=_free)
    offer_contract = recruiting.to(contracting, validators=_free)
    sign = contracting.to(
        onboarding,
        validators=guarded(
            contract_signed, risk_assessed, records=("contract_signed_on", "risk_level")
        ),
    )
    enable = onboarding.to(enablement, validators=guarded(onboarding_complete))
    activate = enablement.to(active, validators=_free)
    decline = (
        prospect.to(declined, validators=_free)
        | recruiting.to(declined, validators=_free)
        | contracting.to(declined, validators=_free)
    )
    offboard = (
        onboarding.to(offboarding, validators=_OFFBOARD)
        | enablement.to(offboarding, validators=_OFFBOARD)
        | active.to(offboarding, validators=_OFFBOARD)
    )
    complete_offboarding = offboarding.to(
        offboarded,
        validators=guarded(financially_clear, exit_reason_recorded, records=("exit_reason",)),
    )


class OpportunityLifecycle(_Lifecycle):
    """A deal's way through the funnel, from registration to won, lost or rejected.

    From ``qualified`` on, an account executive must own the deal. Any open deal can be
    lost; a registration can be rejected (a duplicate or a conflict). ``won``, ``lost``
    and ``rejected`` are final.
    """

    registered = State(initial=True, value=OpportunityStage.REGISTERED)
    qualified = State(value=OpportunityStage.QUALIFIED)
    proposal = State(value=OpportunityStage.PROPOSAL)
    negotiation = State(value=OpportunityStage.NEGOTIATION)
    won = State(final=True, value=OpportunityStage.WON)
    lost = State(final=True, value=OpportunityStage.LOST)
    rejected = State(final=True, value=OpportunityStage.REJECTED)

    qualify = registered.to(
        qualified,
        validators=guarded(account_executive_assigned, records=("account_executive_id",)),
    )
    propose = qualified.to(proposal, validators=_OWNED)
    negotiate = proposal.to(negotiation, validators=_OWNED)
    win = negotiation.to(
        won,
        validators=guarded(
            account_executive_assigned,
            amount_positive,
            close_date_set,
            records=("amount", "close_date"),
        ),
    )
    lose = (
        registered.to(lost, validators=_LOST)
        | qualified.to(lost, validators=_LOST)
        | proposal.to(lost, validators=_LOST)
        | negotiation.to(lost, validators=_LOST)
    )
    reject = registered.to(rejected, validators=_free)


class CommitmentLifecycle(_Lifecycle):
    """A promise to a partner: open until it is delivered or cancelled (both final).

    Whether an open commitment is overdue is not a stage: it follows from its due date
    and the day asked about (``Commitment.is_overdue(as_of)``).
    """

    open = State(initial=True, value=CommitmentStatus.OPEN)
    delivered = State(final=True, value=CommitmentStatus.DELIVERED)
    cancelled = State(final=True, value=CommitmentStatus.CANCELLED)

    deliver = open.to(delivered, validators=_free)  # noqa: A003
    cancel = open.to(cancelled, validators=_free)  # noqa: A003
