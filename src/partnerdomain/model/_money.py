"""Money: an exact decimal amount in one ISO 4217 currency."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

import attrs

from partnerdomain.exceptions import CurrencyMismatchError, ValidationError
from partnerdomain.model._validate import fail

if TYPE_CHECKING:
    from collections.abc import Iterable

    from attrs import Attribute

__all__ = ["ISO_4217_CURRENCIES", "Money"]

#: Active ISO 4217 currency codes (plus the precious metals and test code ``XTS``).
ISO_4217_CURRENCIES: frozenset[str] = frozenset(
    [
        "AED",
        "AFN",
        "ALL",
        "AMD",
        "ANG",
        "AOA",
        "ARS",
        "AUD",
        "AWG",
        "AZN",
        "BAM",
        "BBD",
        "BDT",
        "BGN",
        "BHD",
        "BIF",
        "BMD",
        "BND",
        "BOB",
        "BOV",
        "BRL",
        "BSD",
        "BTN",
        "BWP",
        "BYN",
        "BZD",
        "CAD",
        "CDF",
        "CHE",
        "CHF",
        "CHW",
        "CLF",
        "CLP",
        "CNY",
        "COP",
        "COU",
        "CRC",
        "CUC",
        "CUP",
        "CVE",
        "CZK",
        "DJF",
        "DKK",
        "DOP",
        "DZD",
        "EGP",
        "ERN",
        "ETB",
        "EUR",
        "FJD",
        "FKP",
        "GBP",
        "GEL",
        "GHS",
        "GIP",
        "GMD",
        "GNF",
        "GTQ",
        "GYD",
        "HKD",
        "HNL",
        "HTG",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "IQD",
        "IRR",
        "ISK",
        "JMD",
        "JOD",
        "JPY",
        "KES",
        "KGS",
        "KHR",
        "KMF",
        "KPW",
        "KRW",
        "KWD",
        "KYD",
        "KZT",
        "LAK",
        "LBP",
        "LKR",
        "LRD",
        "LSL",
        "LYD",
        "MAD",
        "MDL",
        "MGA",
        "MKD",
        "MMK",
        "MNT",
        "MOP",
        "MRU",
        "MUR",
        "MVR",
        "MWK",
        "MXN",
        "MXV",
        "MYR",
        "MZN",
        "NAD",
        "NGN",
        "NIO",
        "NOK",
        "NPR",
        "NZD",
        "OMR",
        "PAB",
        "PEN",
        "PGK",
        "PHP",
        "PKR",
        "PLN",
        "PYG",
        "QAR",
        "RON",
        "RSD",
        "RUB",
        "RWF",
        "SAR",
        "SBD",
        "SCR",
        "SDG",
        "SEK",
        "SGD",
        "SHP",
        "SLE",
        "SLL",
        "SOS",
        "SRD",
        "SSP",
        "STN",
        "SVC",
        "SYP",
        "SZL",
        "THB",
        "TJS",
        "TMT",
        "TND",
        "TOP",
        "TRY",
        "TTD",
        "TWD",
        "TZS",
        "UAH",
        "UGX",
        "USD",
        "USN",
        "UYI",
        "UYU",
        "UYW",
        "UZS",
        "VED",
        "VES",
        "VND",
        "VUV",
        "WST",
        "XAF",
        "XAG",
        "XAU",
        "XBA",
        "XBB",
        "XBC",
        "XBD",
        "XCD",
        "XCG",
        "XDR",
        "XOF",
        "XPD",
        "XPF",
        "XPT",
        "XSU",
        "XTS",
        "XUA",
        "YER",
        "ZAR",
        "ZMW",
        "ZWG",
        "ZWL",
    ]
)


def _to_decimal(value: object) -> Decimal:  # noqa: RET503 - fail() never returns
    # bool is an int subclass; True is not an amount of money.
    if isinstance(value, Decimal):
        return value
    if type(value) is int:
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            fail("Money", "amount", value, "a decimal number such as '1234.50'")
    if isinstance(value, float):
        fail(
            "Money",
            "amount",
            value,
            f"a Decimal, an int or a decimal string such as Decimal({str(value)!r}); never a "
            "float, because binary floats cannot hold most cents exactly",
        )
    fail("Money", "amount", value, "a Decimal, an int or a decimal string")


def _check_amount(instance: Money, attribute: Attribute[Decimal], value: Decimal) -> None:
    if not value.is_finite():
        fail(instance, attribute, value, "a finite amount (not NaN or infinity)")


def _check_currency(instance: Money, attribute: Attribute[str], value: object) -> None:
    if type(value) is not str or value not in ISO_4217_CURRENCIES:
        fail(instance, attribute, value, "an ISO 4217 currency code such as 'EUR' or 'USD'")


def _factor(value: object, operation: str) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if type(value) is int:
        return Decimal(value)
    msg = f"Money {operation} needs an int or a Decimal, got {value!r}"
    raise TypeError(msg)


@attrs.frozen(order=False)
class Money:
    """An exact amount of money in one currency.

    Amounts are :class:`~decimal.Decimal`; a ``float`` is refused because binary
    floats cannot hold most cents exactly. Adding, subtracting and comparing work only
    within one currency and raise :class:`~partnerdomain.exceptions.CurrencyMismatchError`
    otherwise; converting between currencies takes an explicit rate.

    >>> Money("1200.50", "EUR") + Money(300, "EUR")
    Money(amount=Decimal('1500.50'), currency='EUR')

    Args:
        amount: The amount: a ``Decimal``, an ``int`` or a decimal string.
        currency: An ISO 4217 code such as ``"EUR"``.
    """

    amount: Decimal = attrs.field(converter=_to_decimal, validator=_check_amount)
    currency: str = attrs.field(validator=_check_currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Return nothing, in ``currency``."""
        return cls(Decimal(0), currency)

    @classmethod
    def total(cls, amounts: Iterable[Money], currency: str) -> Money:
        """Add up ``amounts``, all in ``currency``; an empty iterable gives zero.

        Raises:
            CurrencyMismatchError: If an amount is in another currency.
        """
        total = Decimal(0)
        for money in amounts:
            if money.currency != currency:
                raise CurrencyMismatchError("total", currency, money.currency)
            total += money.amount
        return cls(total, currency)

    def _same(self, other: Money, operation: str) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatchError(operation, self.currency, other.currency)

    def __add__(self, other: Money) -> Money:
        """Add two amounts in the same currency."""
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "+")
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        """Subtract two amounts in the same currency."""
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "-")
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        """Scale by an ``int`` or a ``Decimal`` (never a float)."""
        return Money(self.amount * _factor(factor, "*"), self.currency)

    __rmul__ = __mul__

    def __truediv__(self, divisor: Decimal | int) -> Money:
        """Divide by an ``int`` or a ``Decimal`` (never a float).

        Raises:
            ZeroDivisionError: If ``divisor`` is zero, saying which amount it was.
        """
        factor = _factor(divisor, "/")
        if not factor:
            msg = f"cannot divide {self.amount} {self.currency} by zero"
            raise ZeroDivisionError(msg)
        return Money(self.amount / factor, self.currency)

    def __neg__(self) -> Money:
        """Return the same amount with the opposite sign."""
        return Money(-self.amount, self.currency)

    def __abs__(self) -> Money:
        """Return the amount without its sign."""
        return Money(abs(self.amount), self.currency)

    def __bool__(self) -> bool:
        """Say whether the amount is not zero."""
        return bool(self.amount)

    def __lt__(self, other: Money) -> bool:
        """Compare within one currency."""
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "<")
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        """Compare within one currency."""
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "<=")
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        """Compare within one currency."""
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, ">")
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        """Compare within one currency."""
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, ">=")
        return self.amount >= other.amount

    def convert(self, currency: str, rate: Decimal | int | str) -> Money:
        """Return this amount in ``currency``, at ``rate`` units of it per unit of ours.

        >>> Money(100, "EUR").convert("USD", "1.08")
        Money(amount=Decimal('108.00'), currency='USD')

        Raises:
            ValidationError: If ``rate`` is not a positive decimal or is a float.
        """
        if isinstance(rate, float) or type(rate) is bool:
            raise ValidationError("Money.convert", "rate", rate, "a Decimal, int or string")
        factor = _to_decimal(rate)
        if not factor.is_finite() or factor <= 0:
            raise ValidationError("Money.convert", "rate", rate, "a positive exchange rate")
        return Money(self.amount * factor, currency)

    def rounded(self, places: int = 2) -> Money:
        """Return the amount rounded half-even to ``places`` decimal places."""
        return Money(round(self.amount, places), self.currency)

    def __str__(self) -> str:
        """Format like ``1,234.50 EUR``."""
        return f"{self.amount:,} {self.currency}"

    def __format__(self, spec: str) -> str:
        """Format the amount with ``spec`` (e.g. ``",.2f"``) followed by the currency."""
        if not spec:
            return str(self)
        return f"{format(self.amount, spec)} {self.currency}"
