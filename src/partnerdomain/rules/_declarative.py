"""Declarative rules: a TOML file of rules whose conditions are safe expressions.

Each condition is written in rule-engine's expression language, parsed and
type-checked by rule-engine against the schema of the fact the rule applies to, then
translated into Python closures (see ``_compile``). Nothing a user writes is ever
passed to ``eval``, ``exec`` or ``compile``. Before rule-engine sees a condition it is
screened: its length, its nesting and the size of its numbers are bounded, and the
operators that can build huge numbers (``**``, ``<<``, ``>>``) or run for unbounded
time (regular expressions) are refused, as are dunder names and built-in symbols.

rule-engine is an optional dependency (the ``rules`` extra); it is imported only when a
file is loaded.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from os import PathLike, fspath
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Protocol

import attrs

from partnerdomain.exceptions import RuleLoadError
from partnerdomain.rules._decision import (
    DecisionKind,
    Outcome,
    PluginInfo,
    flag,
    override,
    recommend,
    veto,
)
from partnerdomain.rules._facts import FACT_SCHEMAS, Fact, FactField, FactKind, FactType
from partnerdomain.rules._rule import as_fact_kind, check_rule_id
from partnerdomain.rules._ruleset import RuleSet

if TYPE_CHECKING:
    from types import ModuleType

__all__ = [
    "MAX_EXPRESSION_LENGTH",
    "Condition",
    "DeclarativeRule",
    "load_rules",
    "parse_condition",
    "parse_rules",
]

#: The longest condition accepted, in characters.
MAX_EXPRESSION_LENGTH: Final = 1000
_MAX_BRACKETS: Final = 20
_MAX_NUMBER: Final = Decimal("1e15")
_NO_CONTEXT: Final[Mapping[str, object]] = MappingProxyType({})
_EXTRA_ADVICE: Final = (
    "declarative rules need the optional dependency rule-engine; install it with "
    "pip install 'partnerdomain[rules]'"
)

_STRING: Final = re.compile(r"""[rsbdt]?(["'])(?:[^\\\n]|\\.)*?\1""")
_NUMBER: Final = re.compile(
    r"(?<![A-Za-z0-9_])(?:0[xXoObB][0-9a-fA-F_]+|[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?"
    r"|\.[0-9]+(?:[eE][+-]?[0-9]+)?)"
)
_REFUSED: Final = (
    ("**", "powers (**) are not allowed: they can build numbers of any size"),
    ("<<", "shifts (<<) are not allowed: they can build numbers of any size"),
    (">>", "shifts (>>) are not allowed: they can build numbers of any size"),
    ("=~", "regular expressions (=~) are not allowed: their run time is unbounded"),
    ("!~", "regular expressions (!~) are not allowed: their run time is unbounded"),
    ("$", "built-in symbols ($...) are not available to rules"),
    ("__", "names with double underscores are never facts"),
)


class _Traversable(Protocol):
    def read_text(self, encoding: str | None = None) -> str: ...


def _screen(text: object) -> str:  # noqa: C901 - one check after another
    """Refuse, before parsing, what could be hostile: return the text if it passes."""
    if not isinstance(text, str):
        msg = f"a condition must be a string, got {type(text).__name__}"
        raise ValueError(msg)  # noqa: TRY004 - reported like every other bad condition
    if not text.strip():
        msg = "the condition is empty"
        raise ValueError(msg)
    if len(text) > MAX_EXPRESSION_LENGTH:
        msg = (
            f"the condition is {len(text)} characters long; at most {MAX_EXPRESSION_LENGTH} "
            "are allowed"
        )
        raise ValueError(msg)
    code = _STRING.sub('""', text)
    for token, reason in _REFUSED:
        if token in code:
            raise ValueError(reason)
    depth = deepest = 0
    for char in code:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    if deepest > _MAX_BRACKETS:
        msg = f"the condition nests brackets {deepest} deep; at most {_MAX_BRACKETS} are allowed"
        raise ValueError(msg)
    for match in _NUMBER.finditer(code):
        _check_number(match.group())
    return text


def _check_number(token: str) -> None:
    too_big = f"the number {token[:20]}{'...' if len(token) > 20 else ''} is out of range"
    if len(token) > 24:
        raise ValueError(too_big)
    try:
        if token[:2].lower() in {"0x", "0o", "0b"}:
            value = Decimal(int(token, 0))
        else:
            value = Decimal(token)
    except (ValueError, InvalidOperation):
        return  # not a number after all; the parser will say what it is
    try:
        in_range = abs(value) <= _MAX_NUMBER
    except ArithmeticError:  # beyond what Decimal can even compare
        in_range = False
    if not in_range:
        msg = f"{too_big} (at most {_MAX_NUMBER:,.0f} either way)"
        raise ValueError(msg)


def _import_rule_engine() -> ModuleType:
    try:
        import rule_engine  # type: ignore[import-untyped] # noqa: PLC0415 - optional extra
    except ImportError as exc:
        raise ImportError(_EXTRA_ADVICE) from exc
    module: ModuleType = rule_engine
    return module


def _context(rule_engine: ModuleType, kind: FactKind) -> object:
    data_type = rule_engine.DataType
    types = {
        FactType.STRING: data_type.STRING,
        FactType.NUMBER: data_type.FLOAT,
        FactType.BOOLEAN: data_type.BOOLEAN,
        FactType.STRINGS: data_type.ARRAY(data_type.STRING),
    }
    resolved = {
        f.name: data_type.NULLABLE.wrap(types[f.type]) if f.nullable else types[f.type]
        for f in FACT_SCHEMAS[kind]
    }
    return rule_engine.Context(type_resolver=rule_engine.type_resolver_from_dict(resolved))


def _compile(text: object, kind: FactKind) -> tuple[Callable[..., Any], tuple[str, ...]]:
    """Screen, parse, type-check and compile a condition; raise ValueError with a reason."""
    checked = _screen(text)
    rule_engine = _import_rule_engine()
    from partnerdomain.rules._compile import CompileError, compile_statement  # noqa: PLC0415

    schema = {f.name: f for f in FACT_SCHEMAS[kind]}
    try:
        parsed = rule_engine.Rule(checked, context=_context(rule_engine, kind))
    except rule_engine.SymbolResolutionError as exc:
        known = ", ".join(sorted(schema))
        hint = f"; did you mean {exc.suggestion!r}?" if exc.suggestion else ""
        msg = f"unknown fact {exc.symbol_name!r} for a {kind.value}{hint} (known: {known})"
        raise ValueError(msg) from None
    except rule_engine.AttributeResolutionError as exc:
        msg = f"the attribute {exc.attribute_name!r} is not available"
        raise ValueError(msg) from None
    except rule_engine.RuleSyntaxError as exc:
        token = exc.token
        where = "" if token is None else f" at {token.value!r} (offset {token.lexpos})"
        msg = f"{exc.message}{where}"
        raise ValueError(msg) from None
    except rule_engine.EngineError as exc:
        raise ValueError(str(exc.message)) from None
    except RecursionError:
        msg = "the condition is nested too deeply"
        raise ValueError(msg) from None
    except (ArithmeticError, TypeError, ValueError, OverflowError) as exc:
        msg = f"the condition cannot be computed: {type(exc).__name__}: {exc}"
        raise ValueError(msg) from None
    try:
        compiled = compile_statement(parsed.statement, schema)
    except CompileError as exc:
        raise ValueError(str(exc)) from None
    return compiled.condition, compiled.symbols


def _plain(value: object) -> object:
    enum_value = getattr(value, "value", None)
    return enum_value if isinstance(value, str) and isinstance(enum_value, str) else value


def _facts_used(
    symbols: tuple[str, ...],
    fields: Mapping[str, FactField],
    fact: object,
    context: Mapping[str, object],
) -> dict[str, object]:
    used: dict[str, object] = {}
    for name in symbols:
        try:
            used[name] = _plain(fields[name].get(fact, context))
        except Exception:  # noqa: BLE001, S112 - a fact the condition never read may be missing
            continue
    return used


@attrs.frozen(kw_only=True)
class Condition:
    """A compiled condition: call it with a fact (and context) to get true or false.

    Build one with :func:`parse_condition`.

    Attributes:
        expression: The text it was compiled from.
        applies_to: The kind of fact it reads.
        symbols: The names of the facts it reads, in order of first use.
        test: The compiled predicate, ``test(fact, context) -> bool``.
    """

    expression: str
    applies_to: FactKind
    symbols: tuple[str, ...]
    test: Callable[[Fact, Mapping[str, object]], bool] = attrs.field(eq=False, repr=False)

    def __call__(self, fact: Fact, context: Mapping[str, object] | None = None) -> bool:
        """Say whether the condition holds for ``fact`` with ``context``.

        ``condition.test(fact, context)`` gives the same answer without this call's
        convenience (``context`` is required there): the fastest way to filter many facts.
        """
        return self.test(fact, _NO_CONTEXT if context is None else context)


def parse_condition(expression: str, *, applies_to: FactKind | str | type) -> Condition:
    """Compile one condition against the schema of a kind of fact.

    Args:
        expression: The condition, e.g. ``'revenue > 100000 and partner_type == "reseller"'``.
        applies_to: The kind of fact it reads.

    Raises:
        ValueError: With the reason, if the condition is not valid, not safe, or not
            type-correct for that kind of fact.
        ImportError: If the optional dependency rule-engine is missing.
    """
    kind = as_fact_kind(applies_to)
    test, symbols = _compile(expression, kind)
    return Condition(expression=expression, applies_to=kind, symbols=symbols, test=test)


@attrs.frozen(kw_only=True)
class DeclarativeRule:
    """A rule declared in a TOML file: a condition and the outcome when it holds.

    Attributes:
        id: The rule's id.
        applies_to: The kind of fact it looks at.
        priority: Its priority.
        when: Its condition.
        outcome: What it decides when the condition holds (without facts).
        description: What it is for, if the file says.
        source: The file it came from.
    """

    id: str
    applies_to: FactKind
    priority: int
    when: Condition
    outcome: Outcome
    description: str | None = None
    source: str = "<string>"
    _fields: Mapping[str, FactField] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        """Index the schema of the facts the condition reads."""
        fields = {f.name: f for f in FACT_SCHEMAS[self.applies_to]}
        object.__setattr__(self, "_fields", fields)

    def matches(self, fact: Fact, context: Mapping[str, object] | None = None) -> bool:
        """Say whether the rule's condition holds for ``fact``."""
        return self.when(fact, context)

    def check(self, fact: Fact, context: Mapping[str, object]) -> Outcome | None:
        """Return the outcome, with the facts the condition read, if the condition holds."""
        when = self.when
        if not when.test(fact, context):
            return None
        used = _facts_used(when.symbols, self._fields, fact, context)
        return attrs.evolve(self.outcome, facts=used)


_OUTCOME_KEYS: Final = {
    "flag": ({"message"}, {"severity"}),
    "override": ({"target", "value", "reason"}, set()),
    "veto": ({"reason"}, set()),
    "recommend": ({"action", "reason"}, set()),
}
_RULE_KEYS: Final = {"id", "applies_to", "priority", "when", "description", *_OUTCOME_KEYS}


def _outcome(entry: Mapping[str, object]) -> Outcome:
    kinds = [k for k in _OUTCOME_KEYS if k in entry]
    if len(kinds) != 1:
        msg = (
            "a rule needs exactly one of the tables flag, override, veto, recommend; "
            f"found {kinds or 'none'}"
        )
        raise ValueError(msg)
    kind = kinds[0]
    table = entry[kind]
    if not isinstance(table, Mapping):
        msg = f"{kind} must be a table, e.g. {kind} = {{ reason = '...' }}"
        raise TypeError(msg)
    required, optional = _OUTCOME_KEYS[kind]
    missing = required - table.keys()
    unknown = table.keys() - required - optional
    if missing or unknown:
        msg = f"{kind} needs the keys {sorted(required)}"
        if optional:
            msg += f" (and may have {sorted(optional)})"
        msg += f"; missing {sorted(missing)}, unknown {sorted(unknown)}"
        raise ValueError(msg)
    if DecisionKind(kind) is DecisionKind.FLAG:
        return flag(table["message"], severity=table.get("severity", "warning"))
    if DecisionKind(kind) is DecisionKind.OVERRIDE:
        value = table["value"]
        if isinstance(value, float):
            value = Decimal(str(value))
        if not isinstance(value, str | int | bool | Decimal):
            msg = f"an override's value must be a string, number or boolean, got {value!r}"
            raise TypeError(msg)
        return override(table["target"], value, reason=table["reason"])
    if DecisionKind(kind) is DecisionKind.VETO:
        return veto(table["reason"])
    return recommend(table["action"], reason=table["reason"])


#: The policies' answers a rule may override; each is an answer about a partner.
_PARTNER_TARGETS: Final = ("band", "triangle", "tier", "engagement")


def _check_override(target: str | None, value: object, kind: FactKind) -> None:
    """Refuse an override the review's policies would only ignore: caught at load time."""
    if target not in _PARTNER_TARGETS:
        return  # a target of the organisation's own policies
    if kind is not FactKind.PARTNER:
        msg = (
            f"an override of {target!r} is a partner's answer: it needs applies_to = "
            f"'partner', not {kind.value!r}"
        )
        raise ValueError(msg)
    field = next(f for f in FACT_SCHEMAS[FactKind.PARTNER] if f.name == target)
    if field.choices is not None and value not in field.choices:
        msg = (
            f"an override of {target!r} sets one of {', '.join(sorted(field.choices))}; "
            f"got {value!r}"
        )
        raise ValueError(msg)


def _rule(entry: object, index: int, source: str) -> DeclarativeRule:
    label = f"#{index + 1}"
    if not isinstance(entry, Mapping):
        raise RuleLoadError(source, label, "each [[rules]] entry must be a table")
    try:
        rule_id = check_rule_id(entry.get("id"))
    except ValueError as exc:
        raise RuleLoadError(source, label, str(exc)) from None
    try:
        return _build(entry, rule_id, source)
    except ImportError as exc:
        raise RuleLoadError(source, None, str(exc)) from exc
    except (ValueError, TypeError) as exc:
        raise RuleLoadError(source, rule_id, str(exc)) from None


def _build(entry: Mapping[str, object], rule_id: str, source: str) -> DeclarativeRule:
    unknown = sorted(set(entry) - _RULE_KEYS)
    if unknown:
        msg = f"unknown keys {unknown}; a rule has {sorted(_RULE_KEYS)}"
        raise ValueError(msg)
    if "applies_to" not in entry or "when" not in entry:
        msg = "a rule needs 'applies_to' (partner, opportunity, portfolio, transition) and 'when'"
        raise ValueError(msg)
    kind = as_fact_kind(entry["applies_to"])
    priority = entry.get("priority", 0)
    if type(priority) is not int:
        msg = f"priority must be an integer, got {priority!r}"
        raise TypeError(msg)
    description = entry.get("description")
    if description is not None and not isinstance(description, str):
        msg = f"description must be a string, got {description!r}"
        raise TypeError(msg)
    outcome = _outcome(entry)
    if outcome.kind is DecisionKind.VETO and kind is not FactKind.TRANSITION:
        msg = "a veto only applies to transitions (applies_to = 'transition')"
        raise ValueError(msg)
    if outcome.kind is DecisionKind.OVERRIDE:
        _check_override(outcome.target, outcome.value, kind)
    when = entry["when"]
    test, symbols = _compile(when, kind)
    return DeclarativeRule(
        id=rule_id,
        applies_to=kind,
        priority=priority,
        when=Condition(expression=str(when), applies_to=kind, symbols=symbols, test=test),
        outcome=outcome,
        description=description,
        source=source,
    )


def parse_rules(
    text: str, *, source: str = "<string>", plugin: PluginInfo | None = None
) -> RuleSet:
    """Load declarative rules from TOML text.

    The text holds an array of tables ``[[rules]]``, each with ``id``, ``applies_to``,
    ``when`` (the condition), optionally ``priority`` and ``description``, and exactly
    one of the tables ``flag``, ``override``, ``veto`` or ``recommend``.

    Args:
        text: The TOML text.
        source: What to call it in errors (a file name).
        plugin: The plugin the rules belong to, if any.

    Returns:
        The rules, as a rule set.

    Raises:
        RuleLoadError: Naming the source, the rule and the reason, if anything is wrong;
            then no rule of the text is loaded.
    """
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleLoadError(source, None, f"not valid TOML: {exc}") from None
    unknown = sorted(set(document) - {"rules"})
    if unknown:
        raise RuleLoadError(source, None, f"unknown top-level keys {unknown}; expected [[rules]]")
    entries = document.get("rules", [])
    if not isinstance(entries, list):
        raise RuleLoadError(source, None, "'rules' must be an array of tables: [[rules]]")
    rules = [_rule(entry, i, source) for i, entry in enumerate(entries)]
    seen: set[str] = set()
    for r in rules:
        if r.id in seen:
            raise RuleLoadError(source, r.id, "the id is used by more than one rule")
        seen.add(r.id)
    return RuleSet(rules, plugin=plugin)


def load_rules(
    path: str | PathLike[str] | _Traversable, *, plugin: PluginInfo | None = None
) -> RuleSet:
    """Load declarative rules from a TOML file (see :func:`parse_rules` for the format).

    Args:
        path: The file: a path, or a resource such as
            ``importlib.resources.files("my_plugin") / "rules.toml"``.
        plugin: The plugin the rules belong to, if any.

    Raises:
        RuleLoadError: Naming the file, the rule and the reason, if anything is wrong.
    """
    if isinstance(path, str | PathLike):
        source = fspath(path)
        reader: _Traversable = Path(source)
    else:
        source, reader = str(path), path
    try:
        text = reader.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleLoadError(source, None, f"cannot read the file: {exc}") from None
    return parse_rules(text, source=source, plugin=plugin)
