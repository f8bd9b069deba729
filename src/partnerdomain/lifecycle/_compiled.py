"""Tables compiled from the charts at import: what each event does from each stage.

:func:`~partnerdomain.lifecycle.advance` and
:func:`~partnerdomain.lifecycle.allowed_events` read these tables instead of running
the state machine engine: a dictionary lookup gives the target and the guards of a
move, with no machine built. Everything in them is read off the charts, so the charts
stay the one place where stages, events, targets and guards are declared.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final

import attrs
from statemachine import Event, StateChart

from partnerdomain.lifecycle._charts import (
    CommitmentLifecycle,
    OpportunityLifecycle,
    PartnerLifecycle,
    TransitionCheck,
)
from partnerdomain.lifecycle._decide import COMMITMENT, OPPORTUNITY, PARTNER, EntityKind
from partnerdomain.lifecycle._guards import Guard

__all__ = ["TABLES", "CompiledLifecycle", "CompiledMove", "compile_chart"]


@attrs.frozen(kw_only=True)
class CompiledMove:
    """One transition of a chart, as a table row.

    Args:
        event: The event's name.
        source: The stage it leaves.
        target: The stage it enters.
        guards: Its guards, in the chart's order.
        records: The fields its event may record from the context.
        final: Whether ``target`` is a final stage.
    """

    event: str
    source: StrEnum
    target: StrEnum
    guards: tuple[Guard, ...]
    records: tuple[str, ...]
    final: bool


@attrs.frozen(kw_only=True)
class CompiledLifecycle:
    """A chart compiled to tables, with how its entity holds the stage.

    Args:
        chart: The chart it was compiled from.
        kind: How the entity holds its lifecycle.
        moves: For each stage, each possible event's move.
        allowed: For each stage, the possible events in the chart's order.
        events: Every event of the chart, in the chart's order.
        finals: The final stages.
    """

    chart: type[StateChart[Any]]
    kind: EntityKind
    moves: Mapping[StrEnum, Mapping[str, CompiledMove]]
    allowed: Mapping[StrEnum, tuple[str, ...]]
    events: tuple[str, ...]
    finals: frozenset[StrEnum]


def compile_chart(chart: type[StateChart[Any]], kind: EntityKind) -> CompiledLifecycle:
    """Compile a lifecycle chart to its tables, checking it against the entity's stages.

    Raises:
        TypeError: If the chart's states are not exactly the members of the stage enum,
            or a transition has not exactly one :func:`guarded` validator or one target.
    """
    states = {state.value for state in chart.states_map.values()}
    members = set(kind.stages)
    if states != members:
        msg = (
            f"{chart.__name__} and {kind.stages.__name__} disagree: states without a stage "
            f"{sorted(map(str, states - members))}, stages without a state "
            f"{sorted(map(str, members - states))}"
        )
        raise TypeError(msg)
    moves: dict[StrEnum, dict[str, CompiledMove]] = {}
    events: dict[str, None] = {}
    for state in chart.states_map.values():
        row: dict[str, CompiledMove] = {}
        for transition in state.transitions:
            check = _check_of(chart, transition)
            if len(transition.targets) != 1:
                msg = f"{chart.__name__}: {transition} must have exactly one target"
                raise TypeError(msg)
            target = transition.targets[0]
            for event in transition.events:
                events[event.id] = None
                row[event.id] = CompiledMove(
                    event=event.id,
                    source=state.value,
                    target=target.value,
                    guards=check.guards,
                    records=check.records,
                    final=target.final,
                )
        moves[state.value] = row
    declared = tuple(
        value.id
        for klass in reversed(chart.__mro__)
        for value in vars(klass).values()
        if isinstance(value, Event)
    )
    if set(declared) != set(events):
        msg = f"{chart.__name__}: declared events {declared} differ from {tuple(events)}"
        raise TypeError(msg)
    order = {event: index for index, event in enumerate(declared)}
    return CompiledLifecycle(
        chart=chart,
        kind=kind,
        moves=MappingProxyType({s: MappingProxyType(r) for s, r in moves.items()}),
        allowed=MappingProxyType(
            {s: tuple(sorted(r, key=order.__getitem__)) for s, r in moves.items()}
        ),
        events=declared,
        finals=frozenset(s.value for s in chart.final_states),
    )


def _check_of(chart: type[StateChart[Any]], transition: Any) -> TransitionCheck:  # noqa: ANN401
    found = [
        spec.func.__self__
        for spec in transition.validators
        if isinstance(getattr(spec.func, "__self__", None), TransitionCheck)
    ]
    if len(found) != 1:
        msg = (
            f"{chart.__name__}: {transition} must have exactly one guarded(...) validator, "
            f"found {len(found)}"
        )
        raise TypeError(msg)
    check: TransitionCheck = found[0]
    return check


#: The compiled lifecycles, by entity class.
TABLES: Final[Mapping[type[Any], CompiledLifecycle]] = MappingProxyType(
    {
        kind.entity_type: compile_chart(chart, kind)
        for chart, kind in (
            (PartnerLifecycle, PARTNER),
            (OpportunityLifecycle, OPPORTUNITY),
            (CommitmentLifecycle, COMMITMENT),
        )
    }
)
