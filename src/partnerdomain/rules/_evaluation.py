"""The result of evaluating a rule set on one fact, and how override conflicts resolve.

Overrides of the same target are resolved like this, and only like this:

1. the overrides with the highest priority for that target are the candidates;
2. if every candidate asks for the same value, the candidate of the smallest rule id is
   the winner (:attr:`Evaluation.overrides`);
3. if candidates ask for different values, there is no winner: an :class:`Ambiguity`
   names them all (:attr:`Evaluation.ambiguities`), and
   :meth:`Evaluation.override_for` returns ``None`` for that target;
4. every other override of the target is reported in :attr:`Evaluation.overridden`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from partnerdomain.exceptions import RuleError
from partnerdomain.rules._decision import Decision, DecisionKind

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["Ambiguity", "Evaluation", "resolve_overrides"]


@attrs.frozen(kw_only=True)
class Ambiguity:
    """Rules of equal priority asked to override one target with different values.

    Attributes:
        target: The contested target, e.g. ``"band"``.
        priority: The priority they share.
        decisions: The contested overrides, in rule order.
    """

    target: str
    priority: int
    decisions: tuple[Decision, ...]

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """The ids of the rules in conflict."""
        return tuple(d.rule_id for d in self.decisions)

    def __str__(self) -> str:
        """Name the rules and the values they asked for."""
        asks = ", ".join(f"rule {d.rule_id} wants {d.value!r}" for d in self.decisions)
        return (
            f"ambiguous override of {self.target} at priority {self.priority}: {asks}; "
            "give one rule a higher priority"
        )


def resolve_overrides(
    decisions: Iterable[Decision],
) -> tuple[tuple[Decision, ...], tuple[Decision, ...], tuple[Ambiguity, ...]]:
    """Resolve override decisions as the module documents.

    Returns:
        The winners (one per target, in target order), the losers, and the ambiguities.
    """
    by_target: dict[str, list[Decision]] = {}
    for decision in decisions:
        if decision.kind is DecisionKind.OVERRIDE and decision.target is not None:
            by_target.setdefault(decision.target, []).append(decision)
    winners: list[Decision] = []
    losers: list[Decision] = []
    ambiguities: list[Ambiguity] = []
    for target in sorted(by_target):
        group = sorted(by_target[target], key=lambda d: (-d.priority, d.rule_id))
        top = group[0].priority
        candidates = [d for d in group if d.priority == top]
        rest = [d for d in group if d.priority != top]
        first = candidates[0]
        if all(_same(d.value, first.value) for d in candidates[1:]):
            winners.append(first)
            losers.extend(candidates[1:])
        else:
            ambiguities.append(
                Ambiguity(
                    target=target,
                    priority=top,
                    decisions=tuple(sorted(candidates, key=lambda d: d.rule_id)),
                )
            )
        losers.extend(rest)
    losers.sort(key=lambda d: (d.target or "", d.priority, d.rule_id))
    return tuple(winners), tuple(losers), tuple(ambiguities)


def _same(left: object, right: object) -> bool:
    # 1 == True and 1 == Decimal(1) in Python; a value of another type is another value.
    return type(left) is type(right) and left == right


@attrs.frozen(kw_only=True)
class Evaluation:
    """Every decision of a rule set about one fact, and the rules that failed.

    Attributes:
        fact_kind: The kind of fact evaluated.
        fact_id: Its id (``None`` for a portfolio).
        decisions: Every decision, in rule order (``(priority, id)``).
        overrides: The winning override per target, after conflict resolution.
        overridden: The overrides that lost (to a higher priority, or concurring with
            the winner at the same priority).
        ambiguities: Targets contested at equal priority with different values.
        errors: The rules that failed, as :class:`~partnerdomain.exceptions.RuleError`
            results (collect mode).
    """

    fact_kind: str
    fact_id: str | None
    decisions: tuple[Decision, ...] = ()
    overrides: tuple[Decision, ...] = ()
    overridden: tuple[Decision, ...] = ()
    ambiguities: tuple[Ambiguity, ...] = ()
    errors: tuple[RuleError, ...] = attrs.field(default=(), eq=False)

    @classmethod
    def of(
        cls,
        fact_kind: str,
        fact_id: str | None,
        decisions: tuple[Decision, ...],
        errors: tuple[RuleError, ...],
    ) -> Evaluation:
        """Build an evaluation from decisions in rule order, resolving overrides."""
        if not any(d.kind is DecisionKind.OVERRIDE for d in decisions):
            return cls(fact_kind=fact_kind, fact_id=fact_id, decisions=decisions, errors=errors)
        winners, losers, ambiguities = resolve_overrides(decisions)
        return cls(
            fact_kind=fact_kind,
            fact_id=fact_id,
            decisions=decisions,
            overrides=winners,
            overridden=losers,
            ambiguities=ambiguities,
            errors=errors,
        )

    def _of_kind(self, kind: DecisionKind) -> tuple[Decision, ...]:
        return tuple(d for d in self.decisions if d.kind is kind)

    @property
    def flags(self) -> tuple[Decision, ...]:
        """The flags, in rule order."""
        return self._of_kind(DecisionKind.FLAG)

    @property
    def vetoes(self) -> tuple[Decision, ...]:
        """The vetoes, in rule order."""
        return self._of_kind(DecisionKind.VETO)

    @property
    def recommendations(self) -> tuple[Decision, ...]:
        """The recommendations, in rule order."""
        return self._of_kind(DecisionKind.RECOMMEND)

    @property
    def ok(self) -> bool:
        """Whether no rule vetoed, failed or left an ambiguity."""
        return not (self.vetoes or self.errors or self.ambiguities)

    def override_for(self, target: str, /) -> Decision | None:
        """Return the winning override of ``target``; ``None`` if none, or if it is ambiguous."""
        for decision in self.overrides:
            if decision.target == target:
                return decision
        return None

    def explain(self) -> str:
        """Explain every decision, conflict and failure, one per line."""
        lines = [str(d) for d in self.decisions]
        lines += [f"overridden: {d}" for d in self.overridden]
        lines += [str(a) for a in self.ambiguities]
        lines += [f"error: {e}" for e in self.errors]
        return "\n".join(lines)
