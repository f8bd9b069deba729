"""What a lifecycle move produces: the new entity and the event that records the move."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Generic, TypeVar

import attrs

from partnerdomain.exceptions import TransitionReason
from partnerdomain.model import Commitment, Opportunity, Partner

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["TransitionEvent", "TransitionResult"]

E = TypeVar("E", Partner, Opportunity, Commitment)


@attrs.frozen(kw_only=True)
class TransitionEvent:
    """The record of one accepted lifecycle move: what moved, from where to where, when, who, why.

    Args:
        entity_kind: What moved: ``"partner"``, ``"opportunity"`` or ``"commitment"``.
        entity_id: Its id.
        event: The event that moved it, e.g. ``"sign"``.
        source: The stage it left (a ``PartnerStage``, ``OpportunityStage`` or
            ``CommitmentStatus`` member).
        target: The stage it entered.
        at: The day of the move.
        by: Who made it, if given.
        reasons: Why it was allowed: each guard that held, and any flag or
            recommendation a transition rule made.
    """

    entity_kind: str
    entity_id: str
    event: str
    source: str
    target: str
    at: date
    by: str | None = None
    reasons: tuple[TransitionReason, ...] = ()

    def __str__(self) -> str:
        """Describe the move in one line."""
        who = "" if self.by is None else f" by {self.by}"
        return (
            f"{self.entity_kind} {self.entity_id}: {self.event} "
            f"{self.source} -> {self.target} on {self.at.isoformat()}{who}"
        )


@attrs.frozen(kw_only=True)
class TransitionResult(Generic[E]):
    """What :func:`~partnerdomain.lifecycle.advance` returns: the moved entity and its event.

    It unpacks as a pair: ``partner, event = advance(partner, "sign", at=day)``.

    Args:
        entity: The new, frozen entity in its new stage (the input is never changed).
        event: The record of the move.
    """

    entity: E
    event: TransitionEvent

    def __iter__(self) -> Iterator[E | TransitionEvent]:
        """Yield the entity, then the event."""
        yield self.entity
        yield self.event
