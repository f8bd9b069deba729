"""Translate a type-checked rule-engine expression tree into fast Python closures.

rule-engine parses and type-checks a condition against a fact schema; this module then
walks the resulting tree of rule-engine AST nodes and builds one small closure per node
(no text is ever executed: there is no ``eval``, ``exec`` or ``compile`` here). Only a
safe subset is accepted: facts of the schema, literals, ``and``/``or``/``not``,
comparisons, ``in``, arithmetic without powers or shifts, ``??``, ``? :`` and the
``length``/``as_lower``/``as_upper`` attributes. Everything else is rejected with a
reason, so a loaded rule can only read the fact and compute a bounded answer.

Why closures: rule-engine's own evaluation walks its tree with several method calls and
type checks per node, about 40 times slower than a hand-written lambda; a comparison
of a fact with a literal here is one closure call.

This module imports rule-engine and is imported only by the declarative loader.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Final, TypeAlias

from rule_engine import ast  # type: ignore[import-untyped]

from partnerdomain.model import Money
from partnerdomain.rules._facts import FactField, FactType, MissingFactError

__all__ = ["MAX_DEPTH", "MAX_NUMBER", "CompileError", "Compiled", "compile_statement"]

#: The deepest nesting of a condition's tree (chains of ``and``/``or`` count once).
MAX_DEPTH: Final = 40
#: The largest magnitude of a number literal (also after rule-engine folds constants).
MAX_NUMBER: Final = Decimal("1e15")

#: A node of rule-engine's (untyped) expression tree.
AstNode: TypeAlias = Any
#: A value the closures pass around: whatever the fact or the arithmetic gives.
Value: TypeAlias = Any
Node: TypeAlias = Callable[[Value, Mapping[str, object]], Value]


class CompileError(ValueError):
    """A condition uses something the safe subset does not allow."""


class Compiled:
    """A compiled condition and the facts it reads."""

    __slots__ = ("condition", "symbols")

    def __init__(self, condition: Node, symbols: tuple[str, ...]) -> None:
        """Keep the closure and the names of the facts it reads."""
        self.condition = condition
        self.symbols = symbols


# -- types ------------------------------------------------------------------------------

_TAGS: Final = {
    "FLOAT": "number",
    "STRING": "string",
    "BOOLEAN": "boolean",
    "NULL": "null",
    "ARRAY": "list",
    "SET": "list",
}


def _tag(node: AstNode) -> tuple[str, bool]:
    """Return the value type of a node ('number', 'string', ...) and whether it may be null."""
    dt = node.result_type
    nullable = False
    if dt.name == "NULLABLE":
        nullable, dt = True, dt.inner_type
    return _TAGS.get(dt.name, dt.name.lower()), nullable


def _need(node: AstNode, wanted: set[str], what: str) -> None:
    tag, _ = _tag(node)
    if tag not in wanted:
        msg = f"{what} needs {' or '.join(sorted(wanted))} values, not {tag}"
        raise CompileError(msg)


# -- the compiler -----------------------------------------------------------------------


def _number(name: str, value: object) -> object:
    if isinstance(value, Money):
        return value.amount
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float):
        msg = f"the fact {name!r} must be a number or Money, got {value!r}"
        raise TypeError(msg)
    return value


_FLIP: Final = {"eq": "eq", "ne": "ne", "lt": "gt", "gt": "lt", "le": "ge", "ge": "le"}
_OPS: Final[dict[str, Callable[[Value, Value], Value]]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "fdiv": operator.floordiv,
    "mod": operator.mod,
}


def _tdiv(left: Value, right: Value) -> Decimal:
    return Decimal(left) / Decimal(right)


# One closure per (how the fact is read, operator): a comparison of a fact with a
# literal costs one Python call. Written out because generated code is not an option.
def _attr_cmp(op: str, get: Callable[[Value], Value], k: object) -> Node:
    if op == "eq":
        return lambda f, _c: get(f) == k
    if op == "ne":
        return lambda f, _c: get(f) != k
    if op == "lt":
        return lambda f, _c: get(f) < k
    if op == "le":
        return lambda f, _c: get(f) <= k
    if op == "gt":
        return lambda f, _c: get(f) > k
    return lambda f, _c: get(f) >= k


def _context_number_cmp(op: str, name: str, k: object) -> Node:
    how = f"pass it in the context, e.g. evaluate(fact, context={{{name!r}: ...}})"
    compare = _OPS[op]

    def node(_f: object, c: Mapping[str, object]) -> Value:
        try:
            v = c[name]
        except KeyError:
            raise MissingFactError(name, how) from None
        t = type(v)
        if t is not int and t is not Decimal:
            v = _number(name, v)
        return compare(v, k)

    return node


def _get_cmp(op: str, get: Node, k: object) -> Node:
    compare = _OPS[op]
    return lambda f, c: compare(get(f, c), k)


class _Compiler:
    def __init__(self, schema: Mapping[str, FactField]) -> None:
        self.schema = schema
        self.symbols: dict[str, None] = {}

    # entry point
    def statement(self, statement: AstNode) -> Compiled:
        expression = statement.expression
        tag, nullable = _tag(expression)
        if tag != "boolean" or nullable:
            msg = f"a condition must be true or false, but this one gives {tag}"
            if nullable:
                msg += " or null"
            raise CompileError(msg)
        node = self.node(expression, 0)
        return Compiled(node, tuple(self.symbols))

    def node(self, node: AstNode, depth: int) -> Node:
        if depth > MAX_DEPTH:
            msg = f"the condition is nested more than {MAX_DEPTH} levels deep"
            raise CompileError(msg)
        handler = getattr(self, "_" + type(node).__name__, None)
        if handler is None:
            msg = f"{_describe(node)} is not supported in partnerdomain rules"
            raise CompileError(msg)
        result: Node = handler(node, depth + 1)
        return result

    # literals
    def literal_value(self, node: AstNode) -> object:
        name = type(node).__name__
        if name == "FloatExpression":
            value: Decimal = node.value
            if not value.is_finite() or abs(value) > MAX_NUMBER:
                msg = f"the number {value} is out of range (at most {MAX_NUMBER:,.0f} either way)"
                raise CompileError(msg)
            return int(value) if value == value.to_integral_value() else value
        if name in {"StringExpression", "BooleanExpression", "NullExpression"}:
            return node.value
        msg = f"{_describe(node)} is not supported in partnerdomain rules"
        raise CompileError(msg)

    def _literal(self, node: AstNode, _depth: int) -> Node:
        value = self.literal_value(node)
        return lambda _f, _c: value

    _FloatExpression = _StringExpression = _BooleanExpression = _NullExpression = _literal

    def list_value(self, node: AstNode) -> tuple[object, ...]:
        return tuple(self.literal_value(member) for member in node.value)

    def _ArrayExpression(self, node: AstNode, _depth: int) -> Node:  # noqa: N802 - node class
        values = self.list_value(node)
        return lambda _f, _c: values

    _SetExpression = _ArrayExpression

    # facts
    def field(self, node: AstNode) -> FactField:
        if node.scope is not None or node.name.startswith("$"):
            msg = f"built-in symbols such as ${node.name} are not available to rules"
            raise CompileError(msg)
        field = self.schema.get(node.name)
        if field is None:  # rule-engine's type check found it; be safe anyway
            msg = f"unknown fact {node.name!r}"
            raise CompileError(msg)
        self.symbols[field.name] = None
        return field

    def _SymbolExpression(self, node: AstNode, _depth: int) -> Node:  # noqa: N802 - node class
        field = self.field(node)
        if field.attribute is not None:
            get = operator.attrgetter(field.attribute)
            return lambda f, _c: get(f)
        getter = field.get
        if field.type is FactType.NUMBER and field.source == "context":
            name = field.name
            return lambda f, c: _number(name, getter(f, c))
        return getter

    def _GetAttributeExpression(self, node: AstNode, depth: int) -> Node:  # noqa: N802 - node class
        name = node.name
        inner = self.node(node.object, depth)
        tag, _ = _tag(node.object)
        if name == "length" and tag in {"string", "list"}:
            method: Callable[[Value], Value] = len
        elif name == "as_lower" and tag == "string":
            method = str.lower
        elif name == "as_upper" and tag == "string":
            method = str.upper
        else:
            msg = (
                f"the attribute {name!r} is not available (only length, as_lower and as_upper are)"
            )
            raise CompileError(msg)
        if node.safe:

            def safe(f: Value, c: Mapping[str, object]) -> Value:
                value = inner(f, c)
                return None if value is None else method(value)

            return safe
        return lambda f, c: method(inner(f, c))

    # logic
    def _chain(self, node: AstNode, op: str) -> list[AstNode]:
        if type(node).__name__ == "LogicExpression" and node.type == op:
            return [*self._chain(node.left, op), *self._chain(node.right, op)]
        return [node]

    def _LogicExpression(self, node: AstNode, depth: int) -> Node:  # noqa: N802 - node class
        op = node.type
        parts = self._chain(node, op)
        for part in parts:
            _need_bool(part, op)
        nodes = [self.node(part, depth) for part in parts]
        if len(nodes) == 2:
            a, b = nodes
            if op == "and":
                return lambda f, c: a(f, c) and b(f, c)
            return lambda f, c: a(f, c) or b(f, c)
        items = tuple(nodes)
        if op == "and":
            return lambda f, c: all(n(f, c) for n in items)
        return lambda f, c: any(n(f, c) for n in items)

    def _UnaryExpression(self, node: AstNode, depth: int) -> Node:  # noqa: N802 - node class
        inner = self.node(node.right, depth)
        if node.type == "not":
            _need_bool(node.right, "not")
            return lambda f, c: not inner(f, c)
        if node.type == "uminus":
            _need(node.right, {"number"}, "'-'")
            return lambda f, c: -inner(f, c)
        msg = f"the operator {node.type!r} is not supported"
        raise CompileError(msg)

    def _TernaryExpression(self, node: AstNode, depth: int) -> Node:  # noqa: N802 - node class
        _need_bool(node.condition, "'? :'")
        test = self.node(node.condition, depth)
        yes = self.node(node.case_true, depth)
        no = self.node(node.case_false, depth)
        return lambda f, c: yes(f, c) if test(f, c) else no(f, c)

    def _CoalesceExpression(self, node: AstNode, depth: int) -> Node:  # noqa: N802 - node class
        left = self.node(node.left, depth)
        right = self.node(node.right, depth)

        def coalesce(f: Value, c: Mapping[str, object]) -> Value:
            value = left(f, c)
            return right(f, c) if value is None else value

        return coalesce

    # comparisons
    def _check_choices(self, symbol: AstNode, literal: AstNode) -> None:
        default: tuple[object, ...] = ()
        if type(symbol).__name__ == "CoalesceExpression" and _is_literal(symbol.right):
            # `(band ?? "") == "topp"`: the default given is allowed, the field's choices too.
            default = (self.literal_value(symbol.right),)
            symbol = symbol.left
        if type(symbol).__name__ != "SymbolExpression":
            return
        field = self.schema.get(symbol.name)
        if field is None or field.choices is None:
            return
        values = (
            self.list_value(literal)
            if type(literal).__name__ in {"ArrayExpression", "SetExpression"}
            else (self.literal_value(literal),)
        )
        for value in values:
            if isinstance(value, str) and value not in field.choices and value not in default:
                msg = (
                    f"{field.name} is never {value!r}; it is one of "
                    f"{', '.join(sorted(field.choices))}"
                )
                raise CompileError(msg)

    def _ComparisonExpression(self, node: AstNode, depth: int) -> Node:  # noqa: N802 - node class
        op = node.type
        if op not in _OPS:
            msg = f"the operator {op!r} is not supported (regular expressions are not allowed)"
            raise CompileError(msg)
        left_tag, _ = _tag(node.left)
        right_tag, _ = _tag(node.right)
        if op in {"eq", "ne"}:
            known = {left_tag, right_tag} - {"null", "undefined"}
            if len(known) > 1:
                msg = f"comparing a {left_tag} with a {right_tag} is always {op == 'ne'}"
                raise CompileError(msg)
        else:
            for side, tag in (("left", left_tag), ("right", right_tag)):
                if tag not in {"number", "string"}:
                    msg = (
                        f"the {side} side of {_SYMBOLS[op]} must be a number or a string, not {tag}"
                    )
                    raise CompileError(msg)
            if left_tag != right_tag:
                msg = f"cannot order a {left_tag} against a {right_tag}"
                raise CompileError(msg)
        left_lit = _is_literal(node.left)
        right_lit = _is_literal(node.right)
        if right_lit and not left_lit:
            self._check_choices(node.left, node.right)
            return self._compare_with_literal(op, node.left, self.literal_value(node.right), depth)
        if left_lit and not right_lit:
            self._check_choices(node.right, node.left)
            return self._compare_with_literal(
                _FLIP[op], node.right, self.literal_value(node.left), depth
            )
        left = self.node(node.left, depth)
        right = self.node(node.right, depth)
        compare = _OPS[op]
        return lambda f, c: compare(left(f, c), right(f, c))

    _ArithmeticComparisonExpression = _ComparisonExpression

    def _compare_with_literal(self, op: str, other: AstNode, k: object, depth: int) -> Node:
        if type(other).__name__ == "SymbolExpression":
            field = self.field(other)
            if field.attribute is not None:
                return _attr_cmp(op, operator.attrgetter(field.attribute), k)
            if field.source == "context" and field.type is FactType.NUMBER:
                return _context_number_cmp(op, field.name, k)
        return _get_cmp(op, self.node(other, depth), k)

    def _FuzzyComparisonExpression(self, _node: AstNode, _depth: int) -> Node:  # noqa: N802
        msg = "regular expressions (=~, !~) are not allowed: their run time is unbounded"
        raise CompileError(msg)

    def _ContainsExpression(self, node: AstNode, depth: int) -> Node:  # noqa: N802 - node class
        container_tag, _ = _tag(node.container)
        if container_tag not in {"list", "string"}:
            msg = f"'in' needs a list or a string on its right, not {container_tag}"
            raise CompileError(msg)
        member = self.node(node.member, depth)
        if type(node.container).__name__ in {"ArrayExpression", "SetExpression"}:
            self._check_choices(node.member, node.container)
            values = self.list_value(node.container)
            try:
                pool: frozenset[object] | tuple[object, ...] = frozenset(values)
            except TypeError:
                pool = values
            return lambda f, c: member(f, c) in pool
        container = self.node(node.container, depth)
        return lambda f, c: member(f, c) in container(f, c)

    # arithmetic
    def _arithmetic(self, node: AstNode, depth: int) -> Node:
        op = node.type
        if op == "tdiv":
            compute: Callable[[Value, Value], Value] = _tdiv
        elif op in _OPS and op not in _FLIP:
            compute = _OPS[op]
        else:
            msg = f"the operator {_SYMBOLS.get(op, op)!r} is not allowed"
            raise CompileError(msg)
        allowed = {"number", "string"} if op == "add" else {"number"}
        _need(node.left, allowed, f"{_SYMBOLS.get(op, op)!r}")
        _need(node.right, allowed, f"{_SYMBOLS.get(op, op)!r}")
        left = self.node(node.left, depth)
        right = self.node(node.right, depth)
        return lambda f, c: compute(left(f, c), right(f, c))

    _AddExpression = _SubtractExpression = _ArithmeticExpression = _arithmetic


_SYMBOLS: Final = {
    "lt": "<",
    "le": "<=",
    "gt": ">",
    "ge": ">=",
    "add": "+",
    "sub": "-",
    "mul": "*",
    "tdiv": "/",
    "fdiv": "//",
    "mod": "%",
    "pow": "**",
    "bwlsh": "<<",
    "bwrsh": ">>",
}


def _is_literal(node: AstNode) -> bool:
    return isinstance(node, ast.LiteralExpressionBase) and type(node).__name__ in {
        "FloatExpression",
        "StringExpression",
        "BooleanExpression",
        "NullExpression",
        "ArrayExpression",
        "SetExpression",
    }


def _need_bool(node: AstNode, what: str) -> None:
    tag, nullable = _tag(node)
    if tag != "boolean" or nullable:
        shown = f"{tag} or null" if nullable and tag == "boolean" else tag
        msg = f"{what} needs true/false values, not {shown}; compare first (or use ?? false)"
        raise CompileError(msg)


def _describe(node: AstNode) -> str:
    names = {
        "FunctionCallExpression": "calling a function",
        "GetItemExpression": "indexing with [...]",
        "GetSliceExpression": "slicing with [...]",
        "ComprehensionExpression": "a comprehension",
        "MappingExpression": "a mapping literal",
        "DatetimeExpression": "a date literal",
        "TimedeltaExpression": "a time-span literal",
        "BytesExpression": "a bytes literal",
        "BitwiseExpression": "a bitwise operator",
        "BitwiseShiftExpression": "a shift operator",
        "FunctionExpression": "a function",
    }
    return names.get(type(node).__name__, type(node).__name__)


def compile_statement(statement: AstNode, schema: Mapping[str, FactField]) -> Compiled:
    """Compile a rule-engine statement, checked against ``schema``, into a closure.

    Raises:
        CompileError: If the condition uses anything outside the safe subset.
    """
    return _Compiler(schema).statement(statement)
