"""The model a live lifecycle machine works on: a mutable holder of a frozen entity."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import attrs

from partnerdomain.lifecycle._decide import kind_of_entity
from partnerdomain.lifecycle._events import TransitionEvent, TransitionResult
from partnerdomain.model import Commitment, Opportunity, Partner
from partnerdomain.rules import RuleSet

__all__ = ["EntityBinding"]

E = TypeVar("E", Partner, Opportunity, Commitment)


@attrs.define(kw_only=True)
class EntityBinding(Generic[E]):
    """What a live machine from :func:`~partnerdomain.lifecycle.machine_for` runs on.

    A frozen entity cannot be a state machine's model (the engine writes the state to
    its model), so the machine works on this holder instead: each accepted event
    replaces :attr:`entity` by the moved entity and appends the move to
    :attr:`history`.

    Args:
        entity: The entity in its current stage.
        rules: Organisation rules consulted on every move, if any.

    Attributes:
        state: The stage the machine is in (kept by the engine).
        history: The events of the moves made through the machine, oldest first.
    """

    entity: E
    rules: RuleSet | None = None
    state: Any = attrs.field(init=False)
    history: list[TransitionEvent] = attrs.field(init=False, factory=list)
    pending: TransitionResult[Any] | None = attrs.field(init=False, default=None, repr=False)

    @state.default
    def _stage(self) -> Any:  # noqa: ANN401 - a stage enum member, by kind of entity
        return getattr(self.entity, kind_of_entity(self.entity, "machine_for").stage_field)

    def commit(self) -> None:
        """Adopt the move the machine's validator accepted (called by the machine)."""
        pending = self.pending
        if pending is not None:
            self.entity = pending.entity
            self.history.append(pending.event)
            self.pending = None
