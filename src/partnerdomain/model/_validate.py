"""Field validators and converters that raise :class:`ValidationError` with the field's name.

attrs' own validators raise ``TypeError`` with attrs' wording; ours name the entity,
the field, the value and what was expected, in the library's error type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from partnerdomain.exceptions import ValidationError
from partnerdomain.model._frozenmap import EMPTY, FrozenJSON, FrozenMap, freeze_json, frozen_copy

if TYPE_CHECKING:
    from attrs import Attribute

E = TypeVar("E", bound=Enum)
T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")

Validator = Callable[[Any, "Attribute[Any]", Any], None]

#: Quick acceptance tests of validators, as Python expressions over ``{0}``, for code
#: generated to build many entities (the records readers). Each is true only for values
#: its validator accepts (it may be stricter: ``a_date`` accepts date subclasses, its
#: quick form only ``date`` itself); where it is false the generated code calls the
#: validator, which decides and names the problem. The names the forms use are in
#: :data:`ACCEPTS_NAMESPACE`. Filled below and by :func:`member_of`.
ACCEPTS: dict[Validator, str] = {}
ACCEPTS_NAMESPACE: dict[str, object] = {}


def fail(
    instance: object, attribute: Attribute[Any] | str, value: object, expected: str
) -> NoReturn:
    """Raise a :class:`ValidationError` for ``value`` in ``attribute`` of ``instance``."""
    entity = instance if isinstance(instance, str) else type(instance).__name__
    field = attribute if isinstance(attribute, str) else attribute.name
    raise ValidationError(entity, field, value, expected)


def entity_id(instance: object, attribute: Attribute[Any], value: object) -> None:
    """Accept an id: a string with at least one non-blank character."""
    if type(value) is not str or not value or value.isspace():
        fail(instance, attribute, value, "a non-empty string id")


def optional_entity_id(instance: object, attribute: Attribute[Any], value: object) -> None:
    """Accept ``None`` or an id."""
    if value is not None:
        entity_id(instance, attribute, value)


def text(instance: object, attribute: Attribute[Any], value: object) -> None:
    """Accept a string with at least one non-blank character."""
    if type(value) is not str or not value or value.isspace():
        fail(instance, attribute, value, "a non-empty string")


def optional_text(instance: object, attribute: Attribute[Any], value: object) -> None:
    """Accept ``None`` or a non-empty string."""
    if value is not None:
        text(instance, attribute, value)


def any_text(instance: object, attribute: Attribute[Any], value: object) -> None:
    """Accept any string, the empty one included."""
    if type(value) is not str:
        fail(instance, attribute, value, "a string")


def a_date(instance: object, attribute: Attribute[Any], value: object) -> None:
    """Accept a ``datetime.date`` (not a ``datetime``: a day is a day)."""
    if not isinstance(value, date) or isinstance(value, datetime):
        fail(instance, attribute, value, "a datetime.date (not a datetime, not a string)")


def optional_date(instance: object, attribute: Attribute[Any], value: object) -> None:
    """Accept ``None`` or a ``datetime.date``."""
    if value is not None:
        a_date(instance, attribute, value)


def non_negative_int(instance: object, attribute: Attribute[Any], value: object) -> None:
    """Accept an ``int`` (not a ``bool``) of zero or more."""
    if type(value) is not int or value < 0:
        fail(instance, attribute, value, "a non-negative integer")


def a_bool(instance: object, attribute: Attribute[Any], value: object) -> None:
    """Accept ``True`` or ``False`` only (not ``0``/``1``, not ``"false"``)."""
    if type(value) is not bool:
        fail(instance, attribute, value, "True or False")


def member_of(enum: type[E]) -> Validator:
    """Accept a member of ``enum``; the error lists the accepted members.

    A member's value given as text (``"msp"`` for ``PartnerType.MSP``) is refused too,
    with a message that says which member it names and how to convert it.
    """
    members = ", ".join(f"{enum.__name__}.{m.name}" for m in enum)
    expected = f"a {enum.__name__} (one of: {members})"
    by_value = {str(m.value): m for m in enum}

    def check(instance: object, attribute: Attribute[Any], value: object) -> None:
        if not isinstance(value, enum):
            named = by_value.get(value) if isinstance(value, str) else None
            if named is None:
                fail(instance, attribute, value, expected)
            fail(
                instance,
                attribute,
                value,
                f"a {enum.__name__} member, not its value as text: {enum.__name__}.{named.name}"
                f" (or {enum.__name__}({value!r}))",
            )

    # An enum with members cannot be subclassed: its members' class is the enum itself.
    name = f"enum_{enum.__module__}_{enum.__qualname__}".replace(".", "_")
    ACCEPTS_NAMESPACE[name] = enum
    ACCEPTS[check] = f"{{0}}.__class__ is {name}"
    return check


def optional_member_of(enum: type[E]) -> Validator:
    """Accept ``None`` or a member of ``enum``."""
    inner = member_of(enum)

    def check(instance: object, attribute: Attribute[Any], value: object) -> None:
        if value is not None:
            inner(instance, attribute, value)

    ACCEPTS[check] = "({0} is None or " + ACCEPTS[inner].format("{0}") + ")"
    return check


def instance_of(cls: type[Any], expected: str) -> Validator:
    """Accept an instance of ``cls``."""

    def check(instance: object, attribute: Attribute[Any], value: object) -> None:
        if not isinstance(value, cls):
            fail(instance, attribute, value, expected)

    return check


def optional_instance_of(cls: type[Any], expected: str) -> Validator:
    """Accept ``None`` or an instance of ``cls``."""
    inner = instance_of(cls, expected)

    def check(instance: object, attribute: Attribute[Any], value: object) -> None:
        if value is not None:
            inner(instance, attribute, value)

    return check


# Converters are plain named functions (mypy's attrs plugin types ``__init__`` from
# them); they only reshape well-formed input and pass anything else through unchanged,
# so that the field's validator, which knows the field's name, refuses it.


def _passes_through(value: object) -> bool:
    return isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable)


def as_tuple(value: Iterable[T]) -> tuple[T, ...]:
    """Turn a list (or any iterable but a string or mapping) into a tuple."""
    if isinstance(value, tuple) or _passes_through(value):
        return value  # type: ignore[return-value]
    return tuple(value)


def as_frozenset(value: Iterable[T]) -> frozenset[T]:
    """Turn an iterable (but not a string or mapping) into a frozenset."""
    if isinstance(value, frozenset) or _passes_through(value):
        return value  # type: ignore[return-value]
    return frozenset(value)


def as_frozen_map(value: Mapping[K, V]) -> FrozenMap[K, V]:
    """Copy a mapping into a :class:`FrozenMap`."""
    if type(value) is dict:  # the usual case first, without the abstract-class check
        return frozen_copy(value)
    if isinstance(value, FrozenMap) or not isinstance(value, Mapping):
        return value
    return FrozenMap(value)


# The attrs mypy plugin reads a converter's first parameter to type ``__init__``, and a
# generic one would leave its type variable unsolved: each field type gets a named one.


def as_str_tuple(value: Iterable[str]) -> tuple[str, ...]:
    """Turn an iterable of codes into a tuple."""
    return as_tuple(value)


def as_checklist(value: Mapping[str, bool]) -> FrozenMap[str, bool]:
    """Freeze a checklist mapping."""
    return as_frozen_map(value)


def as_custom_fields(value: Mapping[str, object]) -> FrozenMap[str, FrozenJSON]:
    """Deeply freeze a mapping of JSON-like values."""
    if value is EMPTY or (value.__class__ is not dict and not isinstance(value, Mapping)):
        return value
    try:
        frozen = freeze_json(value)
    except TypeError:
        return value  # type: ignore[return-value]
    return frozen  # type: ignore[return-value]


def codes(instance: object, attribute: Attribute[Any], value: object) -> None:
    """Accept a tuple of non-empty strings (languages, regions, ...)."""
    if not isinstance(value, tuple) or not all(
        type(item) is str and item and not item.isspace() for item in value
    ):
        fail(instance, attribute, value, "a list or tuple of non-empty strings")


def enum_set(enum: type[E]) -> Validator:
    """Accept a frozenset of ``enum`` members."""
    expected = f"a set of {enum.__name__} members"

    def check(instance: object, attribute: Attribute[Any], value: object) -> None:
        if not isinstance(value, frozenset) or not all(isinstance(m, enum) for m in value):
            fail(instance, attribute, value, expected)

    return check


def custom_fields(instance: object, attribute: Attribute[Any], value: object) -> None:
    """Accept a deeply frozen mapping of CRM field names to JSON-like values."""
    expected = "a mapping of CRM field names to JSON-like values"
    if isinstance(value, FrozenMap):
        return
    if isinstance(value, Mapping):
        try:
            freeze_json(value)
        except TypeError as exc:
            fail(instance, attribute, value, f"{expected} ({exc})")
    fail(instance, attribute, value, expected)


def flags(instance: object, attribute: Attribute[Any], value: object) -> None:
    """Accept a frozen mapping of checklist item names to ``True``/``False``."""
    if not isinstance(value, FrozenMap) or not all(
        type(key) is str and key and type(done) is bool for key, done in value.items()
    ):
        fail(instance, attribute, value, "a mapping of checklist item names to True/False")


def tuple_of(cls: type[Any], what: str) -> Validator:
    """Accept a tuple whose every item is a ``cls``; the error names the bad item's index."""

    def check(instance: object, attribute: Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            fail(instance, attribute, value, f"an iterable of {cls.__name__}")
        # Each class met once (C speed for a million deals); only a stranger is looked for.
        if all(issubclass(kind, cls) for kind in set(map(type, value))):
            return
        for index, item in enumerate(value):
            if not isinstance(item, cls):
                fail(instance, f"{attribute.name}[{index}]", item, f"a {cls.__name__} ({what})")

    return check


_ID = "(type({0}) is str and {0} != '' and not {0}.isspace())"
ACCEPTS.update(
    {
        entity_id: _ID,
        optional_entity_id: "({0} is None or " + _ID + ")",
        text: _ID,
        optional_text: "({0} is None or " + _ID + ")",
        any_text: "type({0}) is str",
        a_date: "{0}.__class__ is date",
        optional_date: "({0} is None or {0}.__class__ is date)",
        non_negative_int: "(type({0}) is int and {0} >= 0)",
        a_bool: "type({0}) is bool",
        custom_fields: "{0} is EMPTY",
    }
)
ACCEPTS_NAMESPACE.update({"date": date, "EMPTY": EMPTY})
