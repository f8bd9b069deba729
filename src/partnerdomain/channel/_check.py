"""Small argument checks that raise the library's ValidationError."""

from __future__ import annotations

from datetime import date, datetime
from typing import NoReturn

from partnerdomain.exceptions import ValidationError

__all__ = ["fail", "need_date", "need_non_negative_int"]


def fail(entity: str, field: str, value: object, expected: str) -> NoReturn:
    """Raise a :class:`ValidationError` naming what, with what value, and what was expected."""
    raise ValidationError(entity, field, value, expected)


def need_date(entity: str, field: str, value: object) -> None:
    """Accept a ``datetime.date`` that is not a ``datetime``."""
    if not isinstance(value, date) or isinstance(value, datetime):
        fail(entity, field, value, "a datetime.date (not a datetime, not a string)")


def need_non_negative_int(entity: str, field: str, value: object) -> None:
    """Accept an ``int`` (not a ``bool``) of zero or more."""
    if type(value) is not int or value < 0:
        fail(entity, field, value, "an int of zero or more")
