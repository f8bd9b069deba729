import pickle
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerdomain import Money
from partnerdomain.exceptions import CurrencyMismatchError, PartnerDomainError, ValidationError
from partnerdomain.testing import money

CURRENCIES = st.sampled_from(["EUR", "USD", "GBP", "JPY", "CHF"])


class TestConstruction:
    def test_accepts_decimal_int_and_decimal_string(self):
        assert Money(Decimal("1.50"), "EUR") == Money("1.50", "EUR") == Money("1.5", "EUR")
        assert Money(3, "USD").amount == Decimal(3)

    @given(st.floats(allow_nan=False, allow_infinity=False))
    def test_refuses_every_float_and_says_why(self, value):
        with pytest.raises(ValidationError, match="never a float"):
            Money(value, "EUR")  # type: ignore[arg-type]

    @pytest.mark.parametrize("value", [True, None, "abc", "1,00", [1], "NaN", "Infinity"])
    def test_refuses_non_amounts_with_the_field_named(self, value):
        with pytest.raises(ValidationError) as info:
            Money(value, "EUR")  # type: ignore[arg-type]
        assert info.value.entity == "Money"
        assert info.value.field == "amount"

    @pytest.mark.parametrize("code", ["eur", "EURO", "XXXX", "", None, "ABC"])
    def test_refuses_unknown_currency_codes(self, code):
        with pytest.raises(ValidationError, match="ISO 4217"):
            Money(1, code)  # type: ignore[arg-type]

    def test_errors_share_one_root(self):
        with pytest.raises(PartnerDomainError):
            Money(1, "???")

    def test_is_immutable(self):
        m = Money(1, "EUR")
        with pytest.raises(AttributeError):
            m.amount = Decimal(2)  # type: ignore[misc]

    def test_equal_amounts_hash_alike_whatever_their_trailing_zeros(self):
        assert hash(Money("1.0", "EUR")) == hash(Money("1.00", "EUR"))

    def test_pickles(self):
        m = Money("12.34", "EUR")
        assert pickle.loads(pickle.dumps(m)) == m


class TestLaws:
    @given(money(CURRENCIES), money(CURRENCIES))
    def test_addition_commutes_within_a_currency(self, a, b):
        if a.currency == b.currency:
            assert a + b == b + a

    @given(
        CURRENCIES,
        st.lists(
            st.decimals(places=2, min_value=-(10**9), max_value=10**9), min_size=3, max_size=3
        ),
    )
    def test_addition_associates_within_a_currency(self, currency, amounts):
        a, b, c = (Money(x, currency) for x in amounts)
        assert (a + b) + c == a + (b + c)

    @given(money("EUR"))
    def test_zero_is_the_identity_and_negation_the_inverse(self, a):
        assert a + Money.zero("EUR") == a
        assert a + (-a) == Money.zero("EUR")
        assert a - a == Money.zero("EUR")

    @given(money(CURRENCIES), money(CURRENCIES))
    def test_mixing_currencies_is_always_rejected(self, a, b):
        if a.currency == b.currency:
            return
        for op in (
            lambda: a + b,
            lambda: a - b,
            lambda: a < b,
            lambda: a <= b,
            lambda: a > b,
            lambda: a >= b,
        ):
            with pytest.raises(CurrencyMismatchError) as info:
                op()
            assert {info.value.left, info.value.right} == {a.currency, b.currency}

    @given(money(CURRENCIES), money(CURRENCIES))
    def test_different_currencies_are_never_equal(self, a, b):
        if a.currency != b.currency:
            assert a != b

    @given(st.lists(money("EUR"), max_size=8))
    def test_total_equals_repeated_addition(self, amounts):
        expected = Money.zero("EUR")
        for a in amounts:
            expected = expected + a
        assert Money.total(amounts, "EUR") == expected

    @given(money("EUR"), money("EUR"))
    def test_order_agrees_with_the_amounts(self, a, b):
        assert (a < b) == (a.amount < b.amount)
        assert (a <= b) == (a.amount <= b.amount)


class TestOperations:
    def test_multiplies_and_divides_by_exact_factors_only(self):
        m = Money("10.00", "EUR")
        assert m * 3 == Money("30.00", "EUR")
        assert Decimal("0.5") * m == Money("5.000", "EUR")
        assert m / 4 == Money("2.5", "EUR")
        with pytest.raises(TypeError, match="int or a Decimal"):
            m * 1.5  # type: ignore[operator]

    @pytest.mark.parametrize("zero", [0, Decimal(0), Decimal("-0.00")])
    def test_dividing_by_zero_says_which_amount(self, zero):
        with pytest.raises(ZeroDivisionError, match=r"cannot divide 10\.00 EUR by zero"):
            Money("10.00", "EUR") / zero

    def test_total_refuses_a_foreign_currency(self):
        with pytest.raises(CurrencyMismatchError):
            Money.total([Money(1, "EUR"), Money(1, "USD")], "EUR")

    def test_converts_only_at_an_explicit_positive_rate(self):
        assert Money(100, "EUR").convert("USD", "1.08") == Money("108", "USD")
        with pytest.raises(ValidationError, match="positive"):
            Money(100, "EUR").convert("USD", 0)
        with pytest.raises(ValidationError):
            Money(100, "EUR").convert("USD", 1.08)  # type: ignore[arg-type]

    def test_rounds_half_even(self):
        assert Money("2.345", "EUR").rounded() == Money("2.34", "EUR")
        assert Money("2.355", "EUR").rounded() == Money("2.36", "EUR")

    def test_formats_with_grouping_and_currency(self):
        assert str(Money("1234567.5", "EUR")) == "1,234,567.5 EUR"
        assert f"{Money('1234.5', 'USD'):,.2f}" == "1,234.50 USD"
