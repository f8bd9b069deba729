"""Moving the losers of a registration review to ``rejected`` through the lifecycle."""

from __future__ import annotations

from datetime import date  # noqa: TC003 - attrs classes below resolve annotations
from typing import TYPE_CHECKING

import attrs

from partnerdomain.channel._registration import RegistrationDecision, RegistrationReview
from partnerdomain.exceptions import TransitionRejected
from partnerdomain.lifecycle import TransitionEvent, advance
from partnerdomain.model import Opportunity

if TYPE_CHECKING:
    from partnerdomain.rules import RuleSet

__all__ = ["RefusedRejection", "RejectedRegistration", "RejectionOutcome", "reject_losers"]

#: The opportunity lifecycle's event for a duplicate or conflicting registration.
REJECT_EVENT = "reject"


@attrs.frozen(kw_only=True)
class RejectedRegistration:
    """A losing registration, now rejected.

    Args:
        decision: The review's decision, with the reasons the partner may be shown.
        opportunity: The new, rejected opportunity (the reviewed one is unchanged).
        event: The lifecycle's record of the move.
    """

    decision: RegistrationDecision
    opportunity: Opportunity
    event: TransitionEvent


@attrs.frozen(kw_only=True)
class RefusedRejection:
    """A losing registration the lifecycle would not reject, and why.

    This happens when the registration already left ``registered`` (the chart rejects
    registrations only) or when an organisation rule vetoes the move. Nothing is
    dropped: the caller decides what to do with it.

    Args:
        decision: The review's decision.
        error: The lifecycle's refusal, with every reason.
    """

    decision: RegistrationDecision
    error: TransitionRejected = attrs.field(eq=False)


@attrs.frozen(kw_only=True)
class RejectionOutcome:
    """What :func:`reject_losers` did with each losing registration.

    Args:
        rejected: The registrations moved to ``rejected``, in the review's order.
        refused: The registrations the lifecycle refused to move, with its reasons.
    """

    rejected: tuple[RejectedRegistration, ...]
    refused: tuple[RefusedRejection, ...]

    @property
    def opportunities(self) -> dict[str, Opportunity]:
        """The rejected opportunities by id, ready to write back to the CRM."""
        return {item.opportunity.id: item.opportunity for item in self.rejected}


def reject_losers(
    review: RegistrationReview,
    *,
    at: date,
    by: str | None = None,
    rules: RuleSet | None = None,
) -> RejectionOutcome:
    """Move every losing registration of ``review`` to ``rejected`` through the lifecycle.

    Each loser goes through :func:`partnerdomain.lifecycle.advance` with the event
    ``"reject"``, so the lifecycle's table and the organisation's transition rules
    apply. The rules see ``winner_id`` and ``registration_reason`` (the explanation the
    losing partner may be shown) in the proposal's context. A loser the lifecycle
    refuses is reported in :attr:`RejectionOutcome.refused`, never dropped.

    Args:
        review: The result of :meth:`RegistrationPolicy.review`.
        at: The day of the rejection.
        by: Who rejects, if known.
        rules: Organisation rules consulted on each move.

    Returns:
        Every loser, either rejected or refused with the lifecycle's reasons.
    """
    rejected: list[RejectedRegistration] = []
    refused: list[RefusedRejection] = []
    for decision in review.losers:
        try:
            result = advance(
                decision.opportunity,
                REJECT_EVENT,
                at=at,
                by=by,
                rules=rules,
                winner_id=decision.winner_id,
                registration_reason=decision.explain(),
            )
        except TransitionRejected as error:
            refused.append(RefusedRejection(decision=decision, error=error))
            continue
        rejected.append(
            RejectedRegistration(decision=decision, opportunity=result.entity, event=result.event)
        )
    return RejectionOutcome(rejected=tuple(rejected), refused=tuple(refused))
