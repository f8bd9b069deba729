"""Field validators and converters that raise :class:`ValidationError` with the field's name.

attrs' own validators raise ``TypeError`` with attrs' wording; ours name the entity,
the field, the value and what was expected, in the library's error type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import attrs

from partnerdomain.exceptions import ValidationError
from partnerdomain.model._frozenmap import EMPTY, FrozenJSON, FrozenMap, freeze_json

if TYPE_CHECKING:
    from attrs import Attribute

E = TypeVar("E", bound=Enum)
T = TypeVar("T")

Validator = Callable[[Any, "Attribute[Any]", Any], None]


def fail(instance: object, attribute: Attribute[Any] | str, value: object, expected: str) -> NoReturn:
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
    """Accept a member of ``enum``; the error lists the accepted values."""
    expected = f"a {enum.__name__} (one of: {', '.join(repr(m.value) for m in enum)})"

    def check(instance: object, attribute: Attribute[Any], value: object) -> None:
        if not isinstance(value, enum):
            fail(instance, attribute, value, expected)

    return check


def optional_member_of(enum: type[E]) -> Validator:
    """Accept ``None`` or a member of ``enum``."""
    inner = member_of(enum)

    def check(instance: object, attribute: Attribute[Any], value: object) -> None:
        if value is not None:
            inner(instance, attribute, value)

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


def _to_str_tuple(value: object, instance: object, field: Attribute[Any]) -> tuple[str, ...]:
    if isinstance(value, tuple) and all(type(v) is str and v and not v.isspace() for v in value):
        return value
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        fail(instance, field, value, "a list or tuple of non-empty strings")
    items = tuple(value)
    for item in items:
        if type(item) is not str or not item or item.isspace():
            fail(instance, field, value, "a list or tuple of non-empty strings")
    return items


#: Converter for fields holding a sequence of codes (languages, regions, ...).
str_tuple = attrs.Converter(_to_str_tuple, takes_self=True, takes_field=True)  # type: ignore[misc]


def _to_enum_set(enum: type[E]) -> Callable[[object, object, Attribute[Any]], frozenset[E]]:
    expected = f"a set of {enum.__name__} members"

    def convert(value: object, instance: object, field: Attribute[Any]) -> frozenset[E]:
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
            fail(instance, field, value, expected)
        items = frozenset(value)
        for item in items:
            if not isinstance(item, enum):
                fail(instance, field, value, expected)
        return items

    return convert


def enum_set(enum: type[E]) -> Any:  # noqa: ANN401 - an attrs Converter, typed by attrs' plugin
    """Return a converter that turns an iterable of ``enum`` members into a frozenset."""
    return attrs.Converter(_to_enum_set(enum), takes_self=True, takes_field=True)  # type: ignore[misc]


def _to_custom_fields(
    value: object, instance: object, field: Attribute[Any]
) -> FrozenMap[str, FrozenJSON]:
    if value is EMPTY:
        return EMPTY
    if not isinstance(value, Mapping):
        fail(instance, field, value, "a mapping of CRM field names to JSON-like values")
    try:
        frozen = freeze_json(value)
    except TypeError as exc:
        fail(instance, field, value, f"a mapping of CRM field names to JSON-like values ({exc})")
    assert isinstance(frozen, FrozenMap)  # noqa: S101 - a Mapping freezes to a FrozenMap
    return frozen


#: Converter for ``custom_fields``: any mapping of JSON-like values, deeply frozen.
custom_fields = attrs.Converter(_to_custom_fields, takes_self=True, takes_field=True)  # type: ignore[misc]


def _to_flags(value: object, instance: object, field: Attribute[Any]) -> FrozenMap[str, bool]:
    if isinstance(value, FrozenMap) and all(
        type(k) is str and type(v) is bool for k, v in value.items()
    ):
        return value
    expected = "a mapping of checklist item names to True/False"
    if not isinstance(value, Mapping):
        fail(instance, field, value, expected)
    for key, done in value.items():
        if type(key) is not str or not key or type(done) is not bool:
            fail(instance, field, value, expected)
    return FrozenMap(value)


#: Converter for checklists: a mapping of item name to done, frozen.
flags = attrs.Converter(_to_flags, takes_self=True, takes_field=True)  # type: ignore[misc]
