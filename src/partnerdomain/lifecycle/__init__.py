"""Lifecycles: partner, opportunity and commitment state machines that refuse illegal moves.

The stages, events, targets and guards are declared once, on python-statemachine
charts (:class:`PartnerLifecycle`, :class:`OpportunityLifecycle`,
:class:`CommitmentLifecycle`). :func:`advance` moves a frozen entity by an event and
returns the new entity with a :class:`TransitionEvent`, or raises
:class:`TransitionRejected` with every reason; it and :func:`allowed_events` run from
tables compiled from the charts at import, so no machine is built per call. When you
want the engine itself (listeners, callbacks), :func:`machine_for` gives a live machine
of the same chart in the entity's stage.
"""

from partnerdomain.exceptions import ReasonKind, TransitionReason, TransitionRejected
from partnerdomain.lifecycle._advance import (
    advance,
    allowed_events,
    lifecycle_of,
    machine_for,
    stage_from_value,
)
from partnerdomain.lifecycle._binding import EntityBinding
from partnerdomain.lifecycle._charts import (
    CommitmentLifecycle,
    OpportunityLifecycle,
    PartnerLifecycle,
)
from partnerdomain.lifecycle._events import TransitionEvent, TransitionResult
from partnerdomain.lifecycle._guards import GUARDS, Guard

__all__ = [
    "GUARDS",
    "CommitmentLifecycle",
    "EntityBinding",
    "Guard",
    "OpportunityLifecycle",
    "PartnerLifecycle",
    "ReasonKind",
    "TransitionEvent",
    "TransitionReason",
    "TransitionRejected",
    "TransitionResult",
    "advance",
    "allowed_events",
    "lifecycle_of",
    "machine_for",
    "stage_from_value",
]
