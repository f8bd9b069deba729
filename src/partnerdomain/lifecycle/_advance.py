"""Moving entities through their lifecycles: the fast path, and live machines on demand."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar, overload

from partnerdomain.exceptions import (
    ReasonKind,
    TransitionReason,
    TransitionRejected,
    ValidationError,
)
from partnerdomain.lifecycle._binding import EntityBinding
from partnerdomain.lifecycle._compiled import TABLES, CompiledLifecycle
from partnerdomain.lifecycle._decide import decide, kind_of_entity
from partnerdomain.model import (
    Commitment,
    Opportunity,
    Partner,
)
from partnerdomain.rules import RuleSet

if TYPE_CHECKING:
    from collections.abc import Iterable
    from enum import StrEnum

    from partnerdomain.lifecycle._charts import (
        CommitmentLifecycle,
        OpportunityLifecycle,
        PartnerLifecycle,
    )
    from partnerdomain.lifecycle._events import TransitionResult

__all__ = ["advance", "allowed_events", "lifecycle_of", "machine_for", "stage_from_value"]

E = TypeVar("E", Partner, Opportunity, Commitment)


# Plain dictionaries: a lookup in them is cheaper than in the read-only TABLES mapping.
_TABLES: dict[type[Any], CompiledLifecycle] = dict(TABLES)
_ALLOWED: dict[type[Any], tuple[str, dict[StrEnum, tuple[str, ...]]]] = {
    entity_type: (table.kind.stage_field, dict(table.allowed))
    for entity_type, table in TABLES.items()
}


def _table(entity: object) -> CompiledLifecycle:
    table = _TABLES.get(type(entity))
    if table is None:
        table = _TABLES[kind_of_entity(entity).entity_type]
    return table


def advance(
    entity: E,
    event: str,
    *,
    at: date,
    by: str | None = None,
    rules: RuleSet | None = None,
    **context: object,
) -> TransitionResult[E]:
    """Move an entity through its lifecycle by an event, or refuse with every reason.

    The move is looked up in a table compiled from the entity's chart (no state machine
    is built), its guards run on the entity as it would be after the move, and the
    ``rules``' transition rules are consulted before anything is returned. The input
    entity is never changed.

    Args:
        entity: A Partner, an Opportunity or a Commitment.
        event: The event's name, e.g. ``"sign"``, ``"win"`` or ``"deliver"``.
        at: The day of the move; it becomes the new ``stage_since`` (a commitment's
            ``resolved_on``). A move dated before the current stage began is refused.
        by: Who makes the move, if known; kept on the event and shown to rules.
        rules: Organisation rules; their transition rules see a
            :class:`~partnerdomain.rules.TransitionProposal` and may veto the move. A
            rule that fails refuses the move too (fail closed).
        **context: Values the move records on the entity (only those its event records:
            ``contract_signed_on``, ``risk_level`` for ``sign``; ``exit_reason`` for
            ``offboard`` and ``complete_offboarding``; ``account_executive_id`` for
            ``qualify``; ``amount``, ``close_date`` for ``win``; ``loss_reason``,
            ``close_date`` for ``lose``), the records guards need (``invoices``,
            ``mdf_payments`` or ``portfolio`` for ``complete_offboarding``), and anything
            else the rules may read.

    Returns:
        The new entity in its new stage and the :class:`TransitionEvent` of the move;
        it unpacks as ``(entity, event)``.

    Raises:
        TransitionRejected: With every reason when the event is unknown, leads nowhere
            from the entity's stage, is dated too early, fails a guard, or is vetoed or
            left unchecked by a rule.
        ValidationError: If an argument or a recorded value is not valid.
    """
    table = _TABLES.get(type(entity)) or _table(entity)
    kind = table.kind
    if type(at) is not date:
        _check_at(at)
    if by is not None and type(by) is not str:
        raise ValidationError("advance", "by", by, "a string naming who moves it, or None")
    if rules is not None and not isinstance(rules, RuleSet):
        raise ValidationError("advance", "rules", rules, "a RuleSet or None")
    source = getattr(entity, kind.stage_field)
    move = table.moves[source].get(event)
    if move is None:
        raise _refused(table, entity, event, source, at)
    return decide(
        kind,
        entity,
        event,
        target=move.target,
        guards=move.guards,
        records=move.records,
        at=at,
        by=by,
        rules=rules,
        context=context,
        final=move.final,
    )


def _check_at(at: object) -> None:
    if not isinstance(at, date) or isinstance(at, datetime):
        raise ValidationError("advance", "at", at, "a datetime.date (not a datetime)")


def _refused(
    table: CompiledLifecycle,
    entity: Partner | Opportunity | Commitment,
    event: object,
    source: StrEnum,
    at: date,
) -> TransitionRejected:
    kind = table.kind
    if event not in table.events:
        reason = TransitionReason(
            kind=ReasonKind.UNKNOWN_EVENT,
            code="unknown_event",
            message=f"the {kind.name} lifecycle has no event {event!r}; its events are "
            f"{', '.join(table.events)}",
            facts={"event": event, "events": table.events},
        )
    else:
        allowed = table.allowed[source]
        possible = (
            f"{source.value!r} is final"
            if source in table.finals
            else f"from {source.value!r} only {', '.join(allowed)} can happen"
        )
        reason = TransitionReason(
            kind=ReasonKind.NOT_ALLOWED,
            code="not_allowed",
            message=f"{event!r} is not allowed: {possible}",
            facts={"event": event, "stage": source, "allowed": allowed},
        )
    return TransitionRejected(
        entity_kind=kind.name,
        entity_id=entity.id,
        event=str(event),
        source=source,
        target=None,
        at=at,
        reasons=(reason,),
    )


def allowed_events(entity: Partner | Opportunity | Commitment) -> tuple[str, ...]:
    """Return the events the chart allows from the entity's stage, in the chart's order.

    Answered from the compiled table, without building a machine. Guards are not run:
    an allowed event may still be refused for a reason (see :func:`advance`). A final
    stage allows nothing.

    Raises:
        ValidationError: If ``entity`` is not a Partner, an Opportunity or a Commitment.
    """
    found = _ALLOWED.get(type(entity))
    if found is None:
        found = _ALLOWED[_table(entity).kind.entity_type]
    return found[1][getattr(entity, found[0])]


@overload
def lifecycle_of(entity_type: type[Partner]) -> type[PartnerLifecycle]: ...
@overload
def lifecycle_of(entity_type: type[Opportunity]) -> type[OpportunityLifecycle]: ...
@overload
def lifecycle_of(entity_type: type[Commitment]) -> type[CommitmentLifecycle]: ...
def lifecycle_of(
    entity_type: type[Partner | Opportunity | Commitment],
) -> type[PartnerLifecycle | OpportunityLifecycle | CommitmentLifecycle]:
    """Return the chart of an entity class (e.g. ``PartnerLifecycle`` for ``Partner``).

    Raises:
        ValidationError: If the class has no lifecycle.
    """
    table = TABLES.get(entity_type)
    if table is None:
        raise ValidationError(
            "lifecycle_of", "entity_type", entity_type, "Partner, Opportunity or Commitment"
        )
    chart: type[PartnerLifecycle | OpportunityLifecycle | CommitmentLifecycle]
    chart = table.chart  # type: ignore[assignment]
    return chart


@overload
def machine_for(
    entity: Partner, *, rules: RuleSet | None = ..., listeners: Iterable[object] = ...
) -> PartnerLifecycle: ...
@overload
def machine_for(
    entity: Opportunity, *, rules: RuleSet | None = ..., listeners: Iterable[object] = ...
) -> OpportunityLifecycle: ...
@overload
def machine_for(
    entity: Commitment, *, rules: RuleSet | None = ..., listeners: Iterable[object] = ...
) -> CommitmentLifecycle: ...
def machine_for(
    entity: Partner | Opportunity | Commitment,
    *,
    rules: RuleSet | None = None,
    listeners: Iterable[object] = (),
) -> PartnerLifecycle | OpportunityLifecycle | CommitmentLifecycle:
    """Build a live python-statemachine machine of the entity's chart, in its stage.

    Use it for what the engine offers beyond :func:`advance`: listeners, callbacks,
    diagrams of the current stage. Send events with ``machine.send(event, at=day,
    by=..., **context)``; the machine runs the same guards and rules as ``advance``
    (a refused move raises :class:`TransitionRejected`; an event that leads nowhere
    raises the engine's ``TransitionNotAllowed``). ``machine.model.entity`` is the
    entity after the moves made, ``machine.model.history`` their events.

    Args:
        entity: A Partner, an Opportunity or a Commitment.
        rules: Organisation rules consulted on every move, if any.
        listeners: python-statemachine listeners to attach.

    Raises:
        ValidationError: If ``entity`` has no lifecycle or ``rules`` is not a RuleSet.
    """
    table = _TABLES.get(type(entity)) or _table(entity)
    if rules is not None and not isinstance(rules, RuleSet):
        raise ValidationError("machine_for", "rules", rules, "a RuleSet or None")
    model: EntityBinding[Any] = EntityBinding(entity=entity, rules=rules)
    machine: PartnerLifecycle | OpportunityLifecycle | CommitmentLifecycle
    machine = table.chart(model, listeners=list(listeners))  # type: ignore[assignment]
    return machine


def stage_from_value(
    entity_type: type[Partner | Opportunity | Commitment], value: object
) -> StrEnum:
    """Read a persisted stage (e.g. from a CRM field) as a stage of the entity's chart.

    Args:
        entity_type: ``Partner``, ``Opportunity`` or ``Commitment``.
        value: The stored value, e.g. ``"active"``; a stage member is returned as it is.

    Returns:
        The stage (``PartnerStage``, ``OpportunityStage`` or ``CommitmentStatus``).

    Raises:
        ValidationError: Naming the field, the value and every stage the chart knows,
            if the chart has no such stage.
    """
    table = TABLES.get(entity_type)
    if table is None:
        raise ValidationError(
            "stage_from_value", "entity_type", entity_type, "Partner, Opportunity or Commitment"
        )
    kind = table.kind
    stages = kind.stages
    if isinstance(value, stages):
        return value
    if isinstance(value, str):
        try:
            return stages(value)
        except ValueError:
            pass
    expected = f"a stage of {table.chart.__name__} (one of: {', '.join(m.value for m in stages)})"
    raise ValidationError(entity_type.__name__, kind.stage_field, value, expected)
