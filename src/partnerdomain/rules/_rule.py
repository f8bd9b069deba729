"""A rule: the :class:`Rule` protocol and the :func:`rule` decorator for plain functions."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Final, Protocol, TypeAlias, runtime_checkable

import attrs

from partnerdomain.exceptions import ValidationError
from partnerdomain.rules._decision import Outcome
from partnerdomain.rules._facts import _KINDS, Fact, FactKind

__all__ = ["FunctionRule", "Rule", "RuleResult", "as_fact_kind", "check_rule_id", "rule"]

#: What a rule's check may return: nothing, one outcome, or several.
RuleResult: TypeAlias = Outcome | Iterable[Outcome] | None

_RULE_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}")


@runtime_checkable
class Rule(Protocol):
    """An organisation rule: looks at one kind of fact and returns outcomes.

    Write one with the :func:`rule` decorator, declare one in a TOML file
    (:func:`~partnerdomain.rules.load_rules`), or implement this protocol in a class.
    A rule must not keep state between calls: the same fact and context must give the
    same outcomes. The facts it receives are frozen; it cannot change them.
    """

    @property
    def id(self) -> str:
        """The rule's unique id within a rule set, e.g. ``"gold-needs-two-certified"``."""
        ...

    @property
    def priority(self) -> int:
        """Its priority: rules run in ``(priority, id)`` order; a larger one wins conflicts."""
        ...

    @property
    def applies_to(self) -> FactKind:
        """The kind of fact it looks at; it is never called with another kind."""
        ...

    def check(self, fact: Fact, context: Mapping[str, object]) -> RuleResult:
        """Return the rule's outcomes for ``fact`` (``None`` or an empty iterable when none)."""
        ...


def check_rule_id(value: object) -> str:
    """Return ``value`` if it is a valid rule id.

    Raises:
        ValidationError: If it is not a string of letters, digits and ``_.:/-`` (at most 128,
            starting with a letter or digit).
    """
    if not isinstance(value, str) or not _RULE_ID.fullmatch(value):
        expected = "1 to 128 letters, digits or '_.:/-', starting with a letter or digit"
        raise ValidationError("rule", "id", value, expected)
    return value


def as_fact_kind(value: object) -> FactKind:
    """Return the kind of fact named by ``value`` (a kind, its name, or an entity class).

    Raises:
        ValueError: If ``value`` names no kind of fact.
    """
    if isinstance(value, type) and value in _KINDS:
        return _KINDS[value]
    try:
        return FactKind(str(value))
    except ValueError:
        names = [k.value for k in FactKind]
        expected = f"one of {names} (or Partner, Opportunity, ...)"
        raise ValidationError("rule", "applies_to", value, expected) from None


def _check_priority(_instance: object, _attribute: object, value: object) -> None:
    if type(value) is not int:
        raise ValidationError("rule", "priority", value, "an int")


def _id(value: str) -> str:
    return check_rule_id(value)


@attrs.frozen(kw_only=True)
class FunctionRule:
    """A rule made from a plain function by the :func:`rule` decorator.

    Calling it calls the function, so it stays usable (and testable) as a function.
    """

    id: str = attrs.field(converter=_id)
    applies_to: FactKind = attrs.field(converter=as_fact_kind)
    priority: int = attrs.field(default=0, validator=_check_priority)
    function: Callable[..., RuleResult] = attrs.field(eq=False)
    description: str | None = None
    _wants_context: bool = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        """Find out, once, whether the function takes the context."""
        object.__setattr__(self, "_wants_context", _takes_two(self.function))

    def check(self, fact: Fact, context: Mapping[str, object]) -> RuleResult:
        """Call the function with the fact (and the context, if it takes one)."""
        if self._wants_context:
            return self.function(fact, context)
        return self.function(fact)

    def __call__(self, fact: Fact, context: Mapping[str, object] | None = None) -> RuleResult:
        """Call the rule like the function it was made from."""
        return self.check(fact, {} if context is None else context)


def _takes_two(function: Callable[..., object]) -> bool:
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return True
    positional = [
        p
        for p in parameters
        if p.kind in {inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD}
    ]
    star = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters)
    if star or len(positional) >= 2:
        return True
    if len(positional) == 1:
        return False
    expected = "a function taking the fact (and optionally the context)"
    raise ValidationError("rule", "function", function, expected)


def rule(
    id: str,  # noqa: A002 - "id" is the domain's word
    *,
    applies_to: FactKind | str | type,
    priority: int = 0,
) -> Callable[[Callable[..., RuleResult]], FunctionRule]:
    """Make a rule of a plain function.

    The function takes the fact (and, if it has a second parameter, the read-only
    context) and returns ``None``, one outcome, or an iterable of outcomes built with
    :func:`~partnerdomain.rules.flag`, :func:`~partnerdomain.rules.override`,
    :func:`~partnerdomain.rules.veto` or :func:`~partnerdomain.rules.recommend`.

    Args:
        id: The rule's id, unique within a rule set.
        applies_to: The kind of fact it looks at: ``"partner"``, ``"opportunity"``,
            ``"portfolio"``, ``"transition"`` (or the class, e.g. ``Partner``).
        priority: Rules run in ``(priority, id)`` order; a larger priority wins an
            override conflict.

    Returns:
        A decorator that turns the function into a :class:`FunctionRule`.

    Raises:
        ValidationError: If the id, kind or priority is not valid, or what is decorated
            is not a function.
    """
    check_rule_id(id)
    kind = as_fact_kind(applies_to)
    if type(priority) is not int:
        raise ValidationError("rule", "priority", priority, "an int")

    def decorate(function: Callable[..., RuleResult]) -> FunctionRule:
        decorated: object = function  # checked at run time: @rule(...) on a non-function
        if not callable(decorated):
            where = f"rule {id!r}"
            raise ValidationError(where, "function", decorated, "a function to decorate")
        return FunctionRule(
            id=id,
            applies_to=kind,
            priority=priority,
            function=function,
            description=inspect.getdoc(function),
        )

    return decorate
