"""The one place a lifecycle move is decided: guards, rules, and the new entity.

Both paths run this: :func:`~partnerdomain.lifecycle.advance` with the transition it
looked up in the compiled table, and a live python-statemachine machine with the
transition its engine selected. Whatever chooses the transition, the same guard
functions, the same rule consultation and the same update decide the outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

import attrs

from partnerdomain.exceptions import (
    ReasonKind,
    TransitionReason,
    TransitionRejected,
    ValidationError,
)
from partnerdomain.lifecycle._events import TransitionEvent, TransitionResult
from partnerdomain.model import (
    Commitment,
    CommitmentStatus,
    ExitReason,
    Opportunity,
    OpportunityStage,
    Partner,
    PartnerStage,
    RiskLevel,
)
from partnerdomain.rules import DecisionKind, RuleSet, TransitionProposal

if TYPE_CHECKING:
    from partnerdomain.lifecycle._guards import Guard

__all__ = ["KINDS", "EntityKind", "decide", "kind_of_entity"]

Converter = Callable[[str, object], object]


def _as_enum(enum: type[StrEnum], entity: str) -> Converter:
    expected = f"a {enum.__name__} or its value (one of: {', '.join(m.value for m in enum)})"

    def convert(name: str, value: object) -> object:
        if isinstance(value, enum):
            return value
        if isinstance(value, str):
            try:
                return enum(value)
            except ValueError:
                pass
        raise ValidationError(entity, name, value, expected)

    return convert


def _as_is(_name: str, value: object) -> object:
    return value


@attrs.frozen(kw_only=True)
class EntityKind:
    """How a kind of entity holds its lifecycle: which fields a move reads and writes.

    Args:
        name: ``"partner"``, ``"opportunity"`` or ``"commitment"``.
        entity_type: The entity class.
        stages: The enum of its stages.
        stage_field: The field holding the stage.
        since_field: The field a move sets to the day of the move, if any.
        order_field: The date a move may not precede (the stage's start, or when a
            commitment was made), if any.
        resolved_field: The field set to the day of the move when it enters a final
            stage, if any.
        recordable: The values a move may record, by field, with their converters.
    """

    name: str
    entity_type: type[Any]
    stages: type[StrEnum]
    stage_field: str
    since_field: str | None
    order_field: str | None
    resolved_field: str | None
    recordable: Mapping[str, Converter]


PARTNER: Final = EntityKind(
    name="partner",
    entity_type=Partner,
    stages=PartnerStage,
    stage_field="stage",
    since_field="stage_since",
    order_field="stage_since",
    resolved_field=None,
    recordable={
        "contract_signed_on": _as_is,
        "risk_level": _as_enum(RiskLevel, "Partner"),
        "exit_reason": _as_enum(ExitReason, "Partner"),
    },
)
OPPORTUNITY: Final = EntityKind(
    name="opportunity",
    entity_type=Opportunity,
    stages=OpportunityStage,
    stage_field="stage",
    since_field="stage_since",
    order_field="stage_since",
    resolved_field=None,
    recordable={
        "account_executive_id": _as_is,
        "amount": _as_is,
        "close_date": _as_is,
        "loss_reason": _as_is,
    },
)
COMMITMENT: Final = EntityKind(
    name="commitment",
    entity_type=Commitment,
    stages=CommitmentStatus,
    stage_field="status",
    since_field=None,
    order_field="made_on",
    resolved_field="resolved_on",
    recordable={},
)

_CLOSED: Final = frozenset({OpportunityStage.WON, OpportunityStage.LOST})

#: The kinds of entity that have a lifecycle, by entity class.
KINDS: Final[Mapping[type[Any], EntityKind]] = {
    Partner: PARTNER,
    Opportunity: OPPORTUNITY,
    Commitment: COMMITMENT,
}


def kind_of_entity(entity: object, where: str = "advance") -> EntityKind:
    """Return the lifecycle kind of ``entity``, or raise a clear error.

    Raises:
        ValidationError: If ``entity`` is not a Partner, an Opportunity or a Commitment.
    """
    kind = KINDS.get(type(entity))
    if kind is None:
        for cls, candidate in KINDS.items():
            if isinstance(entity, cls):
                return candidate
        raise ValidationError(where, "entity", entity, "a Partner, an Opportunity or a Commitment")
    return kind


def check_move_arguments(at: object, by: object, rules: object) -> None:
    """Check the arguments every move takes.

    Raises:
        ValidationError: If ``at`` is not a date, ``by`` not a string or ``None``, or
            ``rules`` not a RuleSet or ``None``.
    """
    if type(at) is not date and (not isinstance(at, date) or isinstance(at, datetime)):
        raise ValidationError("advance", "at", at, "a datetime.date (not a datetime)")
    if by is not None and type(by) is not str:
        raise ValidationError("advance", "by", by, "a string naming who moves it, or None")
    if rules is not None and not isinstance(rules, RuleSet):
        raise ValidationError("advance", "rules", rules, "a RuleSet or None")


def decide(  # noqa: C901, PLR0913 - the parts of one move, in order
    kind: EntityKind,
    entity: Any,  # noqa: ANN401 - a Partner, an Opportunity or a Commitment, by kind
    event: str,
    *,
    target: StrEnum,
    guards: tuple[Guard, ...],
    records: tuple[str, ...],
    at: date,
    by: str | None,
    rules: RuleSet | None,
    context: Mapping[str, object],
    final: bool,
) -> TransitionResult[Any]:
    """Decide a move the chart allows: run its guards and the rules, build the new entity.

    Args:
        kind: How the entity holds its lifecycle.
        entity: The entity before the move.
        event: The event's name.
        target: The stage the transition leads to.
        guards: The transition's guards, from the chart.
        records: The fields the event may record from ``context``.
        at: The day of the move.
        by: Who makes it, if known.
        rules: Organisation rules whose transition rules are consulted, if any.
        context: The move's extra keyword context.
        final: Whether ``target`` is a final stage.

    Returns:
        The new entity and the event recording the move.

    Raises:
        TransitionRejected: With every reason, if a guard fails, a rule vetoes the move
            or a rule could not be checked.
        ValidationError: If a recorded value is not valid for the entity.
    """
    source = getattr(entity, kind.stage_field)
    changes: dict[str, object] = {kind.stage_field: target}
    if kind.since_field is not None:
        changes[kind.since_field] = at
    if final and kind.resolved_field is not None:
        changes[kind.resolved_field] = at
    if context:
        _record(kind, entity, event, records, context, changes)
    if kind is OPPORTUNITY and target in _CLOSED and "close_date" not in changes:
        # A deal closes on the day it is won or lost: an expected close date left on
        # it would book its revenue in the wrong quarter.
        changes["close_date"] = at
    failures: list[TransitionReason] = []
    if kind.order_field is not None:
        since = getattr(entity, kind.order_field)
        if since is not None and at < since:
            failures.append(_out_of_order(kind, since, at))
    moved = attrs.evolve(entity, **changes)
    for guard in guards:
        failed = guard.check(moved, at, context)
        if failed:
            failures.extend(failed)
    decisions: tuple[TransitionReason, ...] = ()
    if rules is not None:
        decisions = _consult(rules, entity, event, source, target, at, by, context, failures)
    if failures:
        raise TransitionRejected(
            entity_kind=kind.name,
            entity_id=entity.id,
            event=event,
            source=source,
            target=target,
            at=at,
            reasons=failures,
        )
    held = tuple(g.held for g in guards)
    return TransitionResult(
        entity=moved,
        event=TransitionEvent(
            entity_kind=kind.name,
            entity_id=entity.id,
            event=event,
            source=source,
            target=target,
            at=at,
            by=by,
            reasons=held + decisions if decisions else held,
        ),
    )


def _record(  # noqa: PLR0913, PLR0917 - the parts of one move
    kind: EntityKind,
    entity: object,
    event: str,
    records: tuple[str, ...],
    context: Mapping[str, object],
    changes: dict[str, object],
) -> None:
    recordable = kind.recordable
    for name, value in context.items():
        if name not in recordable:
            continue
        if name not in records:
            allowed = ", ".join(records) if records else "nothing"
            expected = f"not given: the event {event!r} records {allowed}"
            raise ValidationError(type(entity).__name__, name, value, expected)
        if value is not None:
            changes[name] = recordable[name](name, value)


def _out_of_order(kind: EntityKind, since: date, at: date) -> TransitionReason:
    what = "entered its stage" if kind.order_field == kind.since_field else "was made"
    return TransitionReason(
        kind=ReasonKind.OUT_OF_ORDER,
        code="before_stage_since" if kind.order_field == kind.since_field else "before_made_on",
        message=f"the move is dated {at.isoformat()}, before the {kind.name} {what} "
        f"({since.isoformat()})",
        facts={kind.order_field or "since": since, "at": at},
    )


def _consult(  # noqa: PLR0913, PLR0917 - the parts of one move
    rules: RuleSet,
    entity: Partner | Opportunity | Commitment,
    event: str,
    source: str,
    target: str,
    at: date,
    by: str | None,
    context: Mapping[str, object],
    failures: list[TransitionReason],
) -> tuple[TransitionReason, ...]:
    proposal = TransitionProposal(
        entity=entity,
        event=event,
        source=str(source),
        target=str(target),
        at=at,
        by=by,
        context=context,
    )
    evaluation = rules.evaluate(proposal, context=proposal.context)
    failures.extend(
        TransitionReason(
            kind=ReasonKind.VETOED,
            code="vetoed",
            message=veto.reason or str(veto),
            rule_id=veto.rule_id,
            facts=veto.facts,
        )
        for veto in evaluation.vetoes
    )
    failures.extend(
        TransitionReason(
            kind=ReasonKind.RULE_FAILED,
            code="rule_failed",
            message=f"the rule could not be checked, so the move is refused: {error.reason}",
            rule_id=error.rule_id,
            facts={"field": error.field, "plugin": error.plugin},
        )
        for error in evaluation.errors
    )
    return tuple(
        TransitionReason(
            kind=ReasonKind.RULE_DECISION,
            code=decision.kind.value,
            message=str(decision),
            rule_id=decision.rule_id,
            facts=decision.facts,
        )
        for decision in evaluation.decisions
        if decision.kind is not DecisionKind.VETO
    )
