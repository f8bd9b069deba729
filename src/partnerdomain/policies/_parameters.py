"""Validation of policy parameters: every bad value is refused at construction."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from partnerdomain.exceptions import ValidationError
from partnerdomain.model import Quarter

__all__ = ["check_quarter", "count", "share"]


def share(policy: str, name: str, value: object) -> Decimal:
    """Return ``value`` as a Decimal share from 0 to 1 (``0.15`` is 15%).

    Floats are accepted for convenience and read by their shortest repr (``0.15`` is
    exactly ``Decimal("0.15")``).

    Raises:
        ValidationError: If ``value`` is not a number from 0 to 1.
    """
    expected = "a share from 0 to 1, e.g. Decimal('0.15') for 15%"
    if type(value) is bool or not isinstance(value, (Decimal, int, float, str)):
        raise ValidationError(policy, name, value, expected)
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise ValidationError(policy, name, value, expected) from None
    if not number.is_finite() or not 0 <= number <= 1:
        raise ValidationError(policy, name, value, expected)
    return number


def count(policy: str, name: str, value: object, *, minimum: int = 0) -> int:
    """Return ``value`` if it is an int of at least ``minimum`` (not a bool).

    Raises:
        ValidationError: Otherwise.
    """
    if type(value) is not int or value < minimum:
        raise ValidationError(policy, name, value, f"an integer of at least {minimum}")
    return value


def check_quarter(policy: str, value: object) -> Quarter:
    """Return ``value`` if it is a :class:`~partnerdomain.Quarter`.

    Raises:
        ValidationError: Otherwise (e.g. a date or the string ``"2026Q3"``).
    """
    if not isinstance(value, Quarter):
        expected = "a Quarter, e.g. Quarter(2026, 3) or Quarter.parse('2026Q3')"
        raise ValidationError(policy, "quarter", value, expected)
    return value
