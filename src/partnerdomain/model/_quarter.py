"""Quarter: one fiscal quarter, with a configurable fiscal-year start month."""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

from partnerdomain.exceptions import ValidationError
from partnerdomain.model._validate import fail

if TYPE_CHECKING:
    from collections.abc import Iterator

    from attrs import Attribute

__all__ = ["Quarter"]

_PATTERN = re.compile(r"^\s*(?:FY)?(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)


def _check_year(instance: Quarter, attribute: Attribute[int], value: object) -> None:
    if type(value) is not int or not 1 <= value <= 9999:
        fail(instance, attribute, value, "a year from 1 to 9999")


def _check_quarter(instance: Quarter, attribute: Attribute[int], value: object) -> None:
    if type(value) is not int or not 1 <= value <= 4:
        fail(instance, attribute, value, "a quarter number from 1 to 4")


def _check_month(instance: Quarter, attribute: Attribute[int], value: object) -> None:
    if type(value) is not int or not 1 <= value <= 12:
        fail(instance, attribute, value, "a month number from 1 to 12")


@attrs.frozen(order=False)
class Quarter:
    """A fiscal quarter such as ``2026Q3``.

    A fiscal year starts on the first day of ``fiscal_start_month`` and is named for
    the calendar year in which it *ends* (the usual convention: with a February start,
    fiscal 2027 runs from 1 February 2026 to 31 January 2027). With the default
    January start, fiscal and calendar years coincide.

    >>> q = Quarter.parse("2026Q3")
    >>> q.first_day, q.last_day
    (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))
    >>> str(q.next()), str(q.previous())
    ('2026Q4', '2026Q2')

    Quarters of different fiscal calendars are never compared or mixed.

    Args:
        year: The fiscal year.
        quarter: 1 to 4.
        fiscal_start_month: The month (1-12) the fiscal year starts in; default January.
    """

    year: int = attrs.field(validator=_check_year)
    quarter: int = attrs.field(validator=_check_quarter)
    fiscal_start_month: int = attrs.field(default=1, validator=_check_month, kw_only=True)

    # -- construction -----------------------------------------------------------------

    @classmethod
    def from_date(cls, day: date, *, fiscal_start_month: int = 1) -> Quarter:
        """Return the quarter that contains ``day`` (a ``datetime`` counts by its date).

        Raises:
            ValidationError: If ``day`` is not a date (a string is not parsed: use
                ``date.fromisoformat``), or ``fiscal_start_month`` is not 1 to 12.
        """
        if not isinstance(day, date):
            fail("Quarter", "day", day, "a datetime.date (a string is not parsed)")
        if type(fiscal_start_month) is not int or not 1 <= fiscal_start_month <= 12:
            fail("Quarter", "fiscal_start_month", fiscal_start_month, "a month number from 1 to 12")
        months = day.year * 12 + day.month - 1 - (fiscal_start_month - 1)
        started_in, offset = divmod(months, 12)
        year = started_in + (0 if fiscal_start_month == 1 else 1)
        return cls(year, offset // 3 + 1, fiscal_start_month=fiscal_start_month)

    @classmethod
    def parse(cls, text: str, *, fiscal_start_month: int = 1) -> Quarter:
        """Parse ``"2026Q3"`` (also ``"2026-Q3"``, ``"FY2026Q3"``, any case).

        Raises:
            ValidationError: If ``text`` is not a quarter.
        """
        match = _PATTERN.match(text) if isinstance(text, str) else None  # type: ignore[redundant-expr]
        if match is None:
            raise ValidationError("Quarter", "text", text, "a quarter such as '2026Q3'")
        return cls(int(match[1]), int(match[2]), fiscal_start_month=fiscal_start_month)

    # -- arithmetic -------------------------------------------------------------------

    @property
    def index(self) -> int:
        """A running number: consecutive quarters have consecutive indexes."""
        return self.year * 4 + self.quarter - 1

    def _from_index(self, index: int) -> Quarter:
        year, q = divmod(index, 4)
        return Quarter(year, q + 1, fiscal_start_month=self.fiscal_start_month)

    def shift(self, quarters: int) -> Quarter:
        """Return the quarter ``quarters`` after this one (before it, if negative)."""
        return self._from_index(self.index + quarters)

    def next(self) -> Quarter:
        """Return the following quarter."""
        return self.shift(1)

    def previous(self) -> Quarter:
        """Return the preceding quarter."""
        return self.shift(-1)

    def trailing(self, count: int) -> tuple[Quarter, ...]:
        """Return the ``count`` quarters ending with this one, oldest first.

        >>> [str(q) for q in Quarter.parse("2026Q2").trailing(4)]
        ['2025Q3', '2025Q4', '2026Q1', '2026Q2']

        Raises:
            ValidationError: If ``count`` is not a positive integer.
        """
        if type(count) is not int or count < 1:
            raise ValidationError("Quarter.trailing", "count", count, "a positive integer")
        return tuple(self._from_index(i) for i in range(self.index - count + 1, self.index + 1))

    def until(self, last: Quarter) -> Iterator[Quarter]:
        """Iterate from this quarter to ``last``, both included (nothing if ``last`` is earlier)."""
        self._same_calendar(last, "until")
        for index in range(self.index, last.index + 1):
            yield self._from_index(index)

    def quarters_since(self, other: Quarter) -> int:
        """Return how many quarters ``other`` lies before this one (negative if after)."""
        self._same_calendar(other, "-")
        return self.index - other.index

    # -- calendar ---------------------------------------------------------------------

    @property
    def first_day(self) -> date:
        """The first calendar day of the quarter."""
        start_year = self.year if self.fiscal_start_month == 1 else self.year - 1
        months = start_year * 12 + (self.fiscal_start_month - 1) + 3 * (self.quarter - 1)
        return date(months // 12, months % 12 + 1, 1)

    @property
    def last_day(self) -> date:
        """The last calendar day of the quarter."""
        # From the quarter's own last month (not the next quarter's first day, which
        # does not exist after 9999Q4).
        start_year = self.year if self.fiscal_start_month == 1 else self.year - 1
        months = start_year * 12 + (self.fiscal_start_month - 1) + 3 * (self.quarter - 1) + 2
        year, month = divmod(months, 12)
        return date(year, month + 1, monthrange(year, month + 1)[1])

    def __contains__(self, day: object) -> bool:
        """Say whether the calendar day ``day`` falls in this quarter."""
        if not isinstance(day, date):
            return False
        return self.first_day <= day <= self.last_day

    # -- comparison -------------------------------------------------------------------

    def _same_calendar(self, other: Quarter, operation: str) -> None:
        if other.fiscal_start_month != self.fiscal_start_month:
            expected = (
                f"{self.fiscal_start_month}, the fiscal calendar of {self} ({operation!r} never "
                "mixes quarters of fiscal years that start in different months)"
            )
            raise ValidationError(
                "Quarter", "fiscal_start_month", other.fiscal_start_month, expected
            )

    def _compare(self, other: Any, operation: str) -> int | None:  # noqa: ANN401
        if not isinstance(other, Quarter):
            return None
        self._same_calendar(other, operation)
        return self.index - other.index

    def __lt__(self, other: Quarter) -> bool:
        """Order quarters of one fiscal calendar in time."""
        diff = self._compare(other, "<")
        return NotImplemented if diff is None else diff < 0

    def __le__(self, other: Quarter) -> bool:
        """Order quarters of one fiscal calendar in time."""
        diff = self._compare(other, "<=")
        return NotImplemented if diff is None else diff <= 0

    def __gt__(self, other: Quarter) -> bool:
        """Order quarters of one fiscal calendar in time."""
        diff = self._compare(other, ">")
        return NotImplemented if diff is None else diff > 0

    def __ge__(self, other: Quarter) -> bool:
        """Order quarters of one fiscal calendar in time."""
        diff = self._compare(other, ">=")
        return NotImplemented if diff is None else diff >= 0

    def __str__(self) -> str:
        """Format like ``2026Q3``."""
        return f"{self.year:04d}Q{self.quarter}"
