"""The rule set: an immutable collection of rules, ordered by ``(priority, id)``."""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, Literal

import attrs

from partnerdomain.exceptions import RuleError, ValidationError
from partnerdomain.model import FrozenMap
from partnerdomain.rules._decision import Decision, DecisionKind, Outcome, PluginInfo
from partnerdomain.rules._evaluation import Evaluation
from partnerdomain.rules._facts import _KINDS, FactKind, MissingFactError, fact_id, kind_of
from partnerdomain.rules._rule import Rule

if TYPE_CHECKING:
    from partnerdomain.rules._facts import Fact

__all__ = ["RuleSet"]

_EMPTY_CONTEXT: Final[Mapping[str, object]] = MappingProxyType({})
_KIND_OF: Final = _KINDS
_KIND_VALUES: Final = {k: k.value for k in FactKind}


@attrs.frozen
class _Entry:
    rule: Rule
    plugin: PluginInfo | None
    id: str
    priority: int
    kind: FactKind


def _entry(rule: object, plugin: PluginInfo | None) -> _Entry:
    if not isinstance(rule, Rule):
        raise ValidationError(
            "RuleSet",
            "rules",
            rule,
            "rules: objects with id, priority, applies_to and check(fact, context), e.g. "
            "made with @rule",
        )
    rule_id, priority, kind = rule.id, rule.priority, rule.applies_to
    if not rule_id:
        raise ValidationError("RuleSet", "rules", rule, "a rule whose id is a non-empty string")
    if type(priority) is not int:
        raise ValidationError("RuleSet", f"rules[{rule_id}].priority", priority, "an int")
    if not isinstance(kind, FactKind):
        raise ValidationError("RuleSet", f"rules[{rule_id}].applies_to", kind, "a FactKind")
    return _Entry(rule=rule, plugin=plugin, id=rule_id, priority=priority, kind=kind)


class RuleSet:
    """An immutable, ordered collection of rules, and the way to evaluate them.

    Rules are kept and run in ``(priority, id)`` order, whatever order they were given
    or their plugins installed in; two rules with the same id are an error. Combine
    rule sets with ``|``.

    >>> RuleSet().evaluate  # doctest: +ELLIPSIS
    <bound method RuleSet.evaluate of RuleSet([])>

    Args:
        rules: The rules.
        plugin: The plugin the rules come from, if any (``load_plugins`` sets it).

    Raises:
        ValidationError: If an object is not a rule, or two rules share an id.
    """

    __slots__ = ("_by_id", "_by_kind", "_entries")

    _entries: tuple[_Entry, ...]
    _by_id: dict[str, _Entry]
    _by_kind: dict[FactKind, tuple[_Entry, ...]]

    def __init__(self, rules: Iterable[Rule] = (), *, plugin: PluginInfo | None = None) -> None:
        """Collect and order the rules; see the class docstring."""
        given: object = rules  # checked at run time too: type hints do not stop a None
        if isinstance(given, str) or not isinstance(given, Iterable):
            raise ValidationError("RuleSet", "rules", given, "an iterable of rules")
        if isinstance(rules, RuleSet):
            entries = [
                attrs.evolve(e, plugin=plugin) if plugin is not None else e
                for e in rules._entries  # noqa: SLF001 - same class
            ]
        else:
            entries = [_entry(r, plugin) for r in rules]
        self._init(entries)

    def _init(self, entries: list[_Entry]) -> None:
        entries.sort(key=lambda e: (e.priority, e.id))
        by_id: dict[str, _Entry] = {}
        duplicates: list[str] = []
        for e in entries:
            if e.id in by_id:
                first = by_id[e.id]
                duplicates.append(f"{e.id!r} ({_origin(first)} and {_origin(e)})")
            by_id[e.id] = e
        if duplicates:
            raise ValidationError("RuleSet", "rules", ", ".join(duplicates), "unique rule ids")
        by_kind: dict[FactKind, list[_Entry]] = {}
        for e in entries:
            by_kind.setdefault(e.kind, []).append(e)
        object.__setattr__(self, "_entries", tuple(entries))
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_by_kind", {k: tuple(v) for k, v in by_kind.items()})

    @classmethod
    def empty(cls) -> RuleSet:
        """Return the empty rule set: evaluating it decides nothing."""
        return cls()

    def __setattr__(self, name: str, value: object) -> None:
        """Refuse every change: a rule set is immutable."""
        msg = "RuleSet is immutable; combine rule sets with | to make a new one"
        raise AttributeError(msg)

    def __or__(self, other: RuleSet) -> RuleSet:
        """Return a rule set with the rules of both (ids must stay unique)."""
        if not isinstance(other, RuleSet):
            return NotImplemented
        combined = RuleSet()
        combined._init([*self._entries, *other._entries])
        return combined

    def __len__(self) -> int:
        """Return the number of rules."""
        return len(self._entries)

    def __iter__(self) -> Iterator[Rule]:
        """Iterate over the rules in ``(priority, id)`` order."""
        return (e.rule for e in self._entries)

    def __contains__(self, rule_id: object) -> bool:
        """Say whether a rule with this id is in the set."""
        return rule_id in self._by_id

    def __eq__(self, other: object) -> bool:
        """Compare by rules and their plugins, in order."""
        if not isinstance(other, RuleSet):
            return NotImplemented
        return self._entries == other._entries

    def __hash__(self) -> int:
        """Hash by rule ids and plugins."""
        return hash(tuple((e.id, e.plugin) for e in self._entries))

    def __repr__(self) -> str:
        """Show the rule ids in order."""
        return f"RuleSet({[e.id for e in self._entries]!r})"

    @property
    def ids(self) -> tuple[str, ...]:
        """The rule ids, in ``(priority, id)`` order."""
        return tuple(e.id for e in self._entries)

    @property
    def plugins(self) -> tuple[PluginInfo, ...]:
        """The plugins the rules came from, each once, by name."""
        found = {e.plugin for e in self._entries if e.plugin is not None}
        return tuple(sorted(found, key=lambda p: (p.name, p.distribution)))

    def get(self, rule_id: str) -> Rule | None:
        """Return the rule with ``rule_id``, or ``None``."""
        entry = self._by_id.get(rule_id)
        return None if entry is None else entry.rule

    def plugin_of(self, rule_id: str) -> PluginInfo | None:
        """Return the plugin the rule ``rule_id`` came from (``None`` if not from a plugin).

        Raises:
            KeyError: If no rule has that id.
        """
        return self._by_id[rule_id].plugin

    def applying_to(self, kind: FactKind | str) -> tuple[Rule, ...]:
        """Return the rules that apply to a kind of fact, in order."""
        return tuple(e.rule for e in self._by_kind.get(FactKind(kind), ()))

    def evaluate(  # noqa: C901 - one loop; splitting it would cost a call per rule
        self,
        fact: Fact,
        /,
        *,
        context: Mapping[str, object] | None = None,
        on_error: Literal["collect", "raise"] = "collect",
    ) -> Evaluation:
        """Run the rules that apply to ``fact`` and resolve their decisions.

        Only rules for the fact's kind run, in ``(priority, id)`` order. Each rule sees
        the frozen fact and a read-only copy of ``context``. A rule that raises, or
        returns something that is not an outcome, contributes no decision: it becomes a
        :class:`~partnerdomain.exceptions.RuleError` naming the rule and the fact, and the
        other rules' decisions are exactly what they would have been without it.

        Args:
            fact: A Partner, an Opportunity, a Portfolio or a TransitionProposal.
            context: Read-only extra information rules may use, e.g. ``{"band": "top",
                "revenue": Money(...)}``.
            on_error: ``"collect"`` keeps failures in :attr:`Evaluation.errors`;
                ``"raise"`` raises the first one.

        Returns:
            The decisions, the resolved overrides, conflicts and failures.

        Raises:
            RuleError: In ``"raise"`` mode, when a rule fails.
            ValidationError: If ``fact`` is no kind of fact, or ``on_error`` is unknown.
        """
        kind = _KIND_OF.get(type(fact)) or kind_of(fact)
        if kind is None:
            raise ValidationError(
                "RuleSet.evaluate",
                "fact",
                fact,
                "a Partner, an Opportunity, a Portfolio or a TransitionProposal",
            )
        if on_error != "collect" and on_error != "raise":  # noqa: PLR1714 - faster than a set
            raise ValidationError("RuleSet.evaluate", "on_error", on_error, "'collect' or 'raise'")
        kind_value = _KIND_VALUES[kind]
        the_id = fact_id(fact)
        entries = self._by_kind.get(kind, ())
        if not entries:
            return Evaluation(fact_kind=kind_value, fact_id=the_id)
        if context is None:
            frozen: Mapping[str, object] = _EMPTY_CONTEXT
        elif type(context) is MappingProxyType or type(context) is FrozenMap:
            frozen = context
        else:
            frozen = MappingProxyType(dict(context))
        decisions: list[Decision] = []
        errors: list[RuleError] = []
        for entry in entries:
            try:
                result = entry.rule.check(fact, frozen)
                if result is None:
                    continue
                outcomes = _outcomes(result, kind)
            except Exception as exc:  # isolating a failing rule is the point
                error = _rule_error(entry, kind, the_id, exc)
                if on_error == "raise":
                    raise error from exc
                error.__cause__ = exc
                errors.append(error)
                continue
            decisions.extend(
                Decision.from_outcome(
                    o,
                    rule_id=entry.id,
                    priority=entry.priority,
                    plugin=entry.plugin,
                    fact_kind=kind_value,
                    fact_id=the_id,
                )
                for o in outcomes
            )
        if not decisions and not errors:
            return Evaluation(fact_kind=kind_value, fact_id=the_id)
        return Evaluation.of(kind_value, the_id, tuple(decisions), tuple(errors))


class _BadResultError(Exception):
    """A rule returned something that is not an outcome."""


def _outcomes(result: object, kind: FactKind) -> list[Outcome]:
    if result is None:
        return []
    items = [result] if isinstance(result, Outcome) else _items(result)
    checked: list[Outcome] = []
    for item in items:
        if not isinstance(item, Outcome):
            msg = (
                f"returned {item!r}; a rule returns None, an outcome (flag(), override(), "
                "veto(), recommend()) or an iterable of outcomes"
            )
            raise _BadResultError(msg)
        if item.kind is DecisionKind.VETO and kind is not FactKind.TRANSITION:
            msg = f"returned a veto for a {kind.value}; only transitions can be vetoed"
            raise _BadResultError(msg)
        checked.append(item)
    return checked


def _items(result: object) -> list[object]:
    if isinstance(result, str | bytes | Mapping) or not isinstance(result, Iterable):
        msg = (
            f"returned {result!r}; a rule returns None, an outcome (flag(), override(), "
            "veto(), recommend()) or an iterable of outcomes"
        )
        raise _BadResultError(msg)
    return list(result)


_SIGNALS: Final = (
    (decimal.DivisionUndefined, "zero divided by zero"),
    (decimal.DivisionByZero, "division by zero"),
    (decimal.ConversionSyntax, "text that is not a number"),
    (decimal.Overflow, "a number too large to compute"),
)


def describe_failure(exc: BaseException) -> str:
    """An exception raised by a rule, in words: decimal's signals read as what happened.

    C's decimal raises with the list of signals as its argument, the pure-Python one
    raises the signal itself; anything else (a rule's own message) keeps its text.
    """
    if isinstance(exc, decimal.DecimalException):
        given = exc.args[0] if exc.args and isinstance(exc.args[0], list) else [type(exc)]
        for signal, words in _SIGNALS:
            if any(isinstance(s, type) and issubclass(s, signal) for s in given):
                return words
        if given == [decimal.InvalidOperation] and isinstance(exc.args[0], list):
            return "an operation numbers cannot do (infinity minus infinity, a too large rounding)"
    return f"{type(exc).__name__}: {exc}"


def _rule_error(entry: _Entry, kind: FactKind, the_id: str | None, exc: Exception) -> RuleError:
    field = getattr(exc, "rule_fact", None)
    if isinstance(exc, MissingFactError):
        field = exc.name
    reason = (
        str(exc) if isinstance(exc, _BadResultError | MissingFactError) else describe_failure(exc)
    )
    return RuleError(
        entry.id,
        kind.value,
        the_id,
        reason,
        field=field if isinstance(field, str) else None,
        plugin=None if entry.plugin is None else str(entry.plugin),
    )


def _origin(entry: _Entry) -> str:
    """Where a rule comes from: its plugin, its file, or the code that made it."""
    if entry.plugin is not None:
        return f"plugin {entry.plugin.name}"
    source = getattr(entry.rule, "source", None)
    if isinstance(source, str) and source != "<string>":
        return source
    function = getattr(entry.rule, "function", entry.rule)
    name = getattr(function, "__qualname__", None)
    module = getattr(function, "__module__", None)
    if (
        isinstance(name, str)
        and isinstance(module, str)
        and not module.startswith("partnerdomain.")
    ):
        return f"{module}.{name}"
    return "no plugin"
