"""Apply the organisation's rule overrides after a policy, and explain them.

A policy decides first; then, if a rule set is given, each partner is evaluated with
the policy's answer in the context (``rules.evaluate(partner, context={...})``) and
the winning override for the policy's target (``evaluation.override_for("band")``)
replaces the answer. The override shows up as the last reason of the placement; an
override whose value the policy does not know is ignored and reported as such.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar

from partnerdomain.policies._reasons import Reason

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from partnerdomain.model import Partner, Quarter

__all__ = ["RuleEvaluator", "apply_override"]

T = TypeVar("T")


class _Override(Protocol):
    @property
    def rule_id(self) -> str: ...
    @property
    def value(self) -> object: ...
    @property
    def reason(self) -> str | None: ...
    @property
    def plugin(self) -> object: ...


class _Evaluation(Protocol):
    @property
    def errors(self) -> Sequence[Exception]: ...
    def override_for(self, target: str, /) -> _Override | None: ...


class RuleEvaluator(Protocol):
    """What the policies need of a rule set: :class:`partnerdomain.rules.RuleSet` fits."""

    def evaluate(
        self, fact: Partner, /, *, context: Mapping[str, object] | None = None
    ) -> _Evaluation:
        """Evaluate the rules that apply to a partner, with read-only ``context``."""
        ...


if TYPE_CHECKING:
    from partnerdomain.rules import RuleSet

    def _a_rule_set_is_a_rule_evaluator(rules: RuleSet) -> RuleEvaluator:
        # Checked by mypy only: the rules engine's RuleSet must fit this protocol.
        return rules


def apply_override(  # noqa: PLR0913 - a decision and everything that explains it
    rules: RuleEvaluator,
    partner: Partner,
    *,
    target: str,
    current: T,
    context: Mapping[str, object],
    accept: Callable[[object], T | None],
    quarter: Quarter,
) -> tuple[T, tuple[Reason, ...], tuple[Exception, ...]]:
    """Evaluate ``rules`` for ``partner`` and apply the winning override of ``target``.

    Args:
        rules: The organisation's rule set.
        partner: The partner the policy placed.
        target: The override target: ``"band"``, ``"triangle"``, ``"tier"``,
            ``"engagement"``.
        current: The policy's answer.
        context: What the rules may look at besides the partner.
        accept: Turns an override's value into an answer, or None if it is not one.
        quarter: The quarter of the decision.

    Returns:
        The final answer, the reasons the override adds (none when nothing was
        overridden), and the errors of rules that failed (collected, not raised).
    """
    evaluation = rules.evaluate(partner, context=context)
    errors = tuple(evaluation.errors)
    decision = evaluation.override_for(target)
    if decision is None:
        return current, (), errors
    value = accept(decision.value)
    facts = {
        "target": target,
        "rule_id": decision.rule_id,
        "from": _plain(current),
        "to": _plain(value) if value is not None else decision.value,
        "rule_reason": decision.reason,
        "plugin": None if decision.plugin is None else str(decision.plugin),
    }
    if value is None:
        text = (
            f"rule {decision.rule_id} asked to set {target} to {decision.value!r}, which is "
            f"not a valid {target}; the policy's answer {_plain(current)!r} stands"
        )
        return (
            current,
            (
                Reason(
                    code="override_ignored",
                    policy=f"rule {decision.rule_id}",
                    quarter=quarter,
                    text=text,
                    facts=facts,
                ),
            ),
            errors,
        )
    if value == current:
        # The rule asks for what the policy decided: said, but nothing is overridden.
        code = "override_agrees"
        text = f"rule {decision.rule_id} agrees with the policy: {target} stays {_plain(current)!r}"
    else:
        code = "override"
        text = f"rule {decision.rule_id} set {target} from {_plain(current)!r} to {_plain(value)!r}"
    if decision.reason:
        text += f": {decision.reason}"
    reason = Reason(
        code=code, policy=f"rule {decision.rule_id}", quarter=quarter, text=text, facts=facts
    )
    return value, (reason,), errors


def _plain(value: object) -> object:
    """Return an enum member's value, anything else as it is."""
    return getattr(value, "value", value)
