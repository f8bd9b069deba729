import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerdomain import Quarter
from partnerdomain.exceptions import ValidationError
from partnerdomain.testing import dates, quarters

MONTHS = st.integers(1, 12)


class TestLaws:
    @given(quarters(fiscal_start_month=None))
    def test_next_and_previous_are_inverse(self, q):
        assert q.next().previous() == q
        assert q.previous().next() == q

    @given(dates(), MONTHS)
    def test_every_day_lies_in_exactly_its_own_quarter(self, day, month):
        q = Quarter.from_date(day, fiscal_start_month=month)
        assert day in q
        assert day not in q.next()
        assert day not in q.previous()
        assert q.first_day <= day <= q.last_day

    @given(quarters(fiscal_start_month=None))
    def test_quarters_tile_the_calendar(self, q):
        assert q.next().first_day == q.last_day + timedelta(days=1)
        assert Quarter.from_date(q.first_day, fiscal_start_month=q.fiscal_start_month) == q
        assert Quarter.from_date(q.last_day, fiscal_start_month=q.fiscal_start_month) == q

    @given(quarters(fiscal_start_month=None), st.integers(1, 12))
    def test_trailing_windows_are_contiguous_and_end_here(self, q, n):
        window = q.trailing(n)
        assert len(window) == n
        assert window[-1] == q
        for earlier, later in itertools.pairwise(window):
            assert earlier.next() == later
            assert earlier.last_day + timedelta(days=1) == later.first_day

    @given(quarters(fiscal_start_month=None))
    def test_parse_reads_what_str_writes(self, q):
        assert Quarter.parse(str(q), fiscal_start_month=q.fiscal_start_month) == q

    @given(quarters(), st.integers(-40, 40))
    def test_shift_moves_by_whole_quarters(self, q, n):
        assert q.shift(n).quarters_since(q) == n
        assert (q.shift(n) > q) == (n > 0)


class TestCalendar:
    def test_calendar_quarters(self):
        q = Quarter(2026, 1)
        assert (q.first_day, q.last_day) == (date(2026, 1, 1), date(2026, 3, 31))

    def test_the_last_quarter_of_the_calendar_has_a_last_day(self):
        assert Quarter(9999, 4).last_day == date(9999, 12, 31)

    def test_fiscal_year_is_named_for_the_year_it_ends(self):
        # A February fiscal start: fiscal 2027 runs from 1 Feb 2026 to 31 Jan 2027.
        assert Quarter(2027, 1, fiscal_start_month=2).first_day == date(2026, 2, 1)
        assert Quarter(2027, 4, fiscal_start_month=2).last_day == date(2027, 1, 31)
        assert Quarter.from_date(date(2026, 1, 15), fiscal_start_month=2) == Quarter(
            2026, 4, fiscal_start_month=2
        )

    def test_july_fiscal_start(self):
        q = Quarter.from_date(date(2026, 7, 1), fiscal_start_month=7)
        assert (q.year, q.quarter) == (2027, 1)

    def test_until_iterates_inclusively(self):
        assert [str(q) for q in Quarter(2025, 4).until(Quarter(2026, 2))] == [
            "2025Q4",
            "2026Q1",
            "2026Q2",
        ]

    @pytest.mark.parametrize("text", ["2026Q3", "2026-q3", "FY2026Q3", " 2026 Q3 "])
    def test_parses_common_spellings(self, text):
        assert Quarter.parse(text) == Quarter(2026, 3)

    @pytest.mark.parametrize("text", ["2026Q5", "Q3 2026", "2026", "", "26Q1"])
    def test_rejects_what_is_not_a_quarter(self, text):
        with pytest.raises(ValidationError, match="2026Q3"):
            Quarter.parse(text)

    @pytest.mark.parametrize(
        ("args", "field"), [((2026, 0), "quarter"), ((2026, 5), "quarter"), ((0, 1), "year")]
    )
    def test_rejects_invalid_parts_naming_the_field(self, args, field):
        with pytest.raises(ValidationError) as info:
            Quarter(*args)
        assert info.value.field == field

    def test_rejects_a_bad_fiscal_start_month(self):
        with pytest.raises(ValidationError, match="month"):
            Quarter.from_date(date(2026, 1, 1), fiscal_start_month=13)

    def test_never_compares_quarters_of_different_fiscal_calendars(self):
        with pytest.raises(ValidationError, match="fiscal"):
            _ = Quarter(2026, 1) < Quarter(2026, 1, fiscal_start_month=2)

    def test_trailing_needs_a_positive_count(self):
        with pytest.raises(ValidationError):
            Quarter(2026, 1).trailing(0)


@pytest.mark.parametrize("day", ["2026-01-01", None, 20260101])
def test_from_date_refuses_anything_but_a_date_by_name(day):
    with pytest.raises(ValidationError, match="day"):
        Quarter.from_date(day)
