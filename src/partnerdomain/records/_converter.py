"""The one cattrs converter of the records layer, and its strict primitive hooks.

The converter turns the library's *canonical* record values (JSON-like: strings,
``int``, ``Decimal``, lists, objects, ISO dates) into model values and back. It is
strict: nothing is guessed. ``"false"`` never becomes ``True``, ``None`` never becomes
``"None"``, a float never becomes money. Each hook is also a plain function the
generated fast paths of :mod:`._plan` call directly, so the fast path and the detailed
path accept exactly the same values.
"""

from __future__ import annotations

import json
import math
import re
import sys
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any, get_args, get_origin

import cattrs

from partnerdomain.model import Capacity, FrozenMap, Money, freeze_json, thaw_json

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["CONVERTER", "Refused"]


class Refused(ValueError):  # noqa: N818 - an internal signal, caught by the records layer
    """A value does not have the shape a field needs; ``expected`` says which shape."""

    def __init__(self, expected: str) -> None:
        """Remember what was expected."""
        self.expected = expected
        super().__init__(f"expected {expected}")


_STAMP = re.compile(
    r"(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})", re.ASCII
)
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)


def text(value: object) -> str:
    """Accept a ``str`` and nothing else (``None`` is not ``"None"``)."""
    if value.__class__ is not str:
        raise Refused("a string")
    return value


def integer(value: object) -> int:
    """Accept an ``int`` (not a ``bool``) or a ``Decimal`` with no fractional part.

    CRMs such as Salesforce return whole-number fields as ``3.0``; that is still 3.
    """
    if value.__class__ is int:
        return value
    if value.__class__ is Decimal and value.is_finite() and value == value.to_integral_value():
        return int(value)
    raise Refused("a whole number")


def integer_text(value: object) -> object:
    """Turn a string of digits into an ``int``; leave anything else for :func:`integer`."""
    if value.__class__ is str and _INTEGER.fullmatch(value):
        return int(value)
    return value


def boolean(value: object) -> bool:
    """Accept ``True`` or ``False`` only (not ``1``, not ``"false"``)."""
    if value.__class__ is not bool:
        raise Refused("true or false")
    return value


#: Amounts in records are below this in size: a quintillion. A million such amounts add
#: up exactly in Python's default decimal context (28 digits), with cents to spare.
AMOUNT_LIMIT = Decimal(10) ** 18
_TOO_LARGE = "an amount below 10^18 in size (1,000,000,000,000,000,000)"


def amount(value: object) -> Decimal:
    """Accept an exact amount: a finite ``Decimal``, an ``int`` or a decimal string.

    A ``float`` is refused: it cannot hold most cents exactly. Load JSON with
    ``json.load(f, parse_float=Decimal)``, or pass ``Decimal(str(x))`` yourself. So is
    an amount of :data:`AMOUNT_LIMIT` or more in size: no deal is that large, and
    totals of such amounts would no longer be exact.
    """
    cls = value.__class__
    number: Decimal | None = None
    if cls is Decimal:
        if value.is_finite():  # type: ignore[attr-defined]
            number = value  # type: ignore[assignment]
    elif cls is int:
        number = Decimal(value)  # type: ignore[arg-type]
    elif cls is str:
        if _DECIMAL.fullmatch(value):  # type: ignore[call-overload]
            number = Decimal(value)  # type: ignore[arg-type]
    elif cls is float:
        if not math.isfinite(value):  # type: ignore[arg-type]
            raise Refused("a finite decimal amount such as 1234.50 (NaN and infinity are not)")
        msg = (
            "an exact decimal amount, never a float (load JSON with parse_float=Decimal, "
            f"or pass Decimal({str(value)!r}))"
        )
        raise Refused(msg)
    if number is None:
        raise Refused("a decimal amount such as 1234.50")
    if -AMOUNT_LIMIT < number < AMOUNT_LIMIT:
        return number
    raise Refused(_TOO_LARGE)


def day(value: object) -> date:
    """Accept an ISO calendar day, ``"YYYY-MM-DD"`` (a ``date`` itself is accepted too)."""
    if value.__class__ is str:
        # "YYYY-MM-DD" only: fromisoformat also takes "20260331" and week dates.
        if len(value) == 10 and value[4] == "-" and value[7] == "-" and value[5] != "W":
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
    elif value.__class__ is date:
        return value
    raise Refused("a date such as '2026-03-31'")


# Memos for the generated readers. A CRM export repeats the same days, amounts and
# reference ids over and over: parsing each distinct value once is faster, and sharing
# the (immutable) results keeps a million loaded deals small. Each memo is emptied when
# it reaches its limit, and when a bulk read ends (forget_memos), so nothing read
# stays in them between calls.
_MEMO_LIMIT = 1 << 16
_DAYS: dict[str, date] = {}
_STAMP_DAYS: dict[str, date] = {}
_MONEY: dict[tuple[str, str], Money] = {}
# Amounts that came as JSON numbers, by the identity of their shared Decimal (see
# memo_number): Decimal("5.0") and Decimal("5.00") are equal keys, but two objects. An
# entry's Money holds its Decimal, so no other object can take that id while it lives.
_MONEY_OF: dict[tuple[int, str], Money] = {}
_NUMBERS: dict[str, Decimal] = {}
_TEXTS: dict[tuple[Callable[[object], object], str], object] = {}
_IDS: dict[str, str] = {}
# Per suffix: the timestamps written exactly as their day and that suffix, so that they
# are written back the same ("2026-03-31" + "T00:00:00.000+0000").
_WHOLE_DAY_STAMPS: dict[str, dict[str, date]] = {}


def forget_memos() -> None:
    """Empty the memos: a bulk read calls this when it ends, so none outlives it."""
    _DAYS.clear()
    _STAMP_DAYS.clear()
    _MONEY.clear()
    _MONEY_OF.clear()
    _NUMBERS.clear()
    _TEXTS.clear()
    _IDS.clear()
    for memo in _WHOLE_DAY_STAMPS.values():
        memo.clear()


def whole_day_stamps(suffix: str) -> dict[str, date]:
    """The memo of timestamps that are a day followed by ``suffix`` exactly."""
    return _WHOLE_DAY_STAMPS.setdefault(suffix, {})


def memo_whole_day_stamp(suffix: str, value: str, result: date) -> None:
    """Remember that ``value`` is ``result``'s day followed by ``suffix`` exactly."""
    memo = whole_day_stamps(suffix)
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[value] = result


def memo_id(value: object) -> str:
    """A reference id, checked and interned once per distinct text, remembered in ``_IDS``.

    The generated readers look in ``_IDS`` first: an id found there is a non-blank
    string, one shared copy of it. Anything else is refused (the detailed path then
    names the problem).
    """
    if value.__class__ is not str or not value or value.isspace():
        raise Refused("a non-empty string id")
    if len(_IDS) >= _MEMO_LIMIT:
        _IDS.clear()
    result = _IDS[value] = sys.intern(value)
    return result


def memo_day(value: object) -> date:
    """:func:`day`, remembered: the generated readers look in ``_DAYS`` first."""
    result = day(value)
    if value.__class__ is str:
        if len(_DAYS) >= _MEMO_LIMIT:
            _DAYS.clear()
        _DAYS[value] = result
    return result


def memo_stamp_day(value: object) -> date:
    """:func:`stamp_day`, remembered in ``_STAMP_DAYS``."""
    result = stamp_day(value)
    if len(_STAMP_DAYS) >= _MEMO_LIMIT:
        _STAMP_DAYS.clear()
    _STAMP_DAYS[value] = result  # type: ignore[index]  # stamp_day accepts strings only
    return result


def memo_text(decode: Callable[[object], object], value: object) -> object:
    """``decode(value)``, remembered in ``_TEXTS`` for a text value.

    The result must be immutable, since it is shared: a checklist's ``FrozenMap``, a
    tuple of codes.
    """
    result = decode(value)
    if value.__class__ is str:
        if len(_TEXTS) >= _MEMO_LIMIT:
            _TEXTS.clear()
        _TEXTS[decode, value] = result
    return result


def memo_number(text: str) -> Decimal:
    """The ``Decimal`` of a JSON number's text, one shared object per text.

    A JSON decoder's float hook in bulk reads: a CRM export repeats the same amounts,
    and one object per text lets :func:`memo_money` remember them exactly.
    """
    number = _NUMBERS.get(text)
    if number is None:
        if len(_NUMBERS) >= _MEMO_LIMIT:
            _NUMBERS.clear()
        number = _NUMBERS[text] = Decimal(text)
    return number


def memo_money(value: object, currency: str) -> Money:
    """``Money(amount(value), currency)``, remembered for textual and shared amounts.

    A string amount is remembered by its text in ``_MONEY``. Any exact ``Decimal`` is
    remembered by its identity in ``_MONEY_OF``, since ``Decimal("5")`` and
    ``Decimal("5.00")`` are equal keys but must stay distinct amounts, so that a record
    is written back as read: that finds again the shared objects of
    :func:`memo_number` (a Decimal made otherwise, one per record, is simply never
    found again).
    """
    money = Money(amount(value), currency)
    if currency.__class__ is str:
        cls = value.__class__
        if cls is str:
            memo: dict[Any, Money] = _MONEY
            key: tuple[object, str] = (value, currency)
        elif cls is Decimal:
            memo, key = _MONEY_OF, (id(value), currency)
        else:
            return money
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        memo[key] = money
    return money


def stamp(value: object) -> datetime:
    """Accept an ISO timestamp with an offset, e.g. ``2026-03-31T17:04:11.000+0000``."""
    if value.__class__ is str and _STAMP.fullmatch(value):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    if value.__class__ is datetime and value.tzinfo is not None:
        return value
    raise Refused("a timestamp with an offset such as '2026-03-31T17:04:11.000+0000'")


def stamp_day(value: object) -> date:
    """Return the calendar day a timestamp names, as written (in its own offset)."""
    if value.__class__ is str:
        match = _STAMP.fullmatch(value)
        if match is not None:
            stamp(value)
            return date.fromisoformat(match[1])
    raise Refused("a timestamp with an offset such as '2026-03-31T17:04:11.000+0000'")


def strings(value: object) -> tuple[str, ...]:
    """Accept a list (or tuple) of non-empty strings."""
    if value.__class__ in (list, tuple) and all(item.__class__ is str and item for item in value):
        return tuple(value)
    raise Refused("a list of non-empty strings")


def split_text(value: object) -> object:
    """Split a multi-select text ``"en;de"`` into a list; leave anything else alone."""
    if value.__class__ is str:
        return value.split(";") if value else []
    return value


def join_text(values: tuple[str, ...] | list[str]) -> str:
    """Join values the way a multi-select picklist holds them: ``"en;de"``."""
    return ";".join(values)


def flags(value: object) -> FrozenMap[str, bool]:
    """Accept an object of item names to ``true``/``false``."""
    if value.__class__ is dict or isinstance(value, FrozenMap):
        items = value.items()
        if all(k.__class__ is str and k and v.__class__ is bool for k, v in items):
            return FrozenMap(value)
    raise Refused("an object of checklist items to true/false")


_DECODE_JSON = json.JSONDecoder(parse_float=Decimal).decode


def strings_text(value: object) -> tuple[str, ...]:
    """Codes held as a multi-select text, ``"en;de"``, as a tuple of strings."""
    return strings(split_text(value))


def flags_json_text(value: object) -> FrozenMap[str, bool]:
    """A checklist held as JSON text, as a frozen mapping of item names to flags."""
    return flags(parse_json_text(value))


def parse_json_text(value: object) -> object:
    """Parse a JSON text held in a text field; leave anything else (or bad JSON) alone."""
    if value.__class__ is str:
        try:
            return _DECODE_JSON(value)
        except ValueError:
            return value
    return value


def json_text(value: object) -> str:
    """Write a JSON-like value as compact JSON text (keys in their order)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


def custom(value: object) -> FrozenMap[str, Any]:
    """Deeply freeze an object of custom fields."""
    try:
        frozen = freeze_json(value)
    except TypeError as exc:
        msg = f"JSON-like values ({exc})"
        raise Refused(msg) from None
    if not isinstance(frozen, FrozenMap):
        raise Refused("an object of custom fields")
    return frozen


def _money(value: object, _: type[Money]) -> Money:
    if value.__class__ is not dict:
        raise Refused("an object with 'amount' and 'currency'")
    return Money(amount(value.get("amount")), text(value.get("currency")))


def _enum_hook(cls: type[Enum]) -> Callable[[object, type[Enum]], Enum]:
    by_value = {m.value: m for m in cls}
    expected = f"one of {', '.join(repr(v) for v in by_value)}"

    def structure(value: object, _: type[Enum]) -> Enum:
        if isinstance(value, cls):
            return value
        if value.__class__ is str and value in by_value:
            return by_value[value]
        raise Refused(expected)

    return structure


def _frozenset_hook(cl: Any, converter: cattrs.Converter) -> Callable[[object, Any], Any]:  # noqa: ANN401
    (item_type,) = get_args(cl)
    item = converter.get_structure_hook(item_type)

    def structure(value: object, _: object) -> frozenset[Any]:
        if value.__class__ not in (list, tuple, set, frozenset):
            raise Refused("a list")
        return frozenset(item(v, item_type) for v in value)

    return structure


def _frozenmap_hook(cl: Any, converter: cattrs.Converter) -> Callable[[object, Any], Any]:  # noqa: ANN401
    key_type, value_type = get_args(cl)
    if value_type is bool:
        return lambda value, _: flags(value)
    if key_type is str and value_type is not str:
        return lambda value, _: custom(value)
    key = converter.get_structure_hook(key_type)
    val = converter.get_structure_hook(value_type)

    def structure(value: object, _: object) -> FrozenMap[Any, Any]:
        if value.__class__ is not dict and not isinstance(value, FrozenMap):
            raise Refused("an object")
        items = value.items()
        return FrozenMap({key(k, key_type): val(v, value_type) for k, v in items})

    return structure


def _unstructure_frozenmap(value: FrozenMap[Any, Any]) -> dict[Any, Any]:
    out = thaw_json(value)
    return {k.value if isinstance(k, Enum) else k: v for k, v in out.items()}  # type: ignore[attr-defined]


def _is_str_tuple(cl: Any) -> bool:  # noqa: ANN401
    return bool(cl == tuple[str, ...])


def _is_frozenset(cl: Any) -> bool:  # noqa: ANN401
    return get_origin(cl) is frozenset


def _is_frozenmap(cl: Any) -> bool:  # noqa: ANN401
    return get_origin(cl) is FrozenMap


def _is_enum(cl: Any) -> bool:  # noqa: ANN401
    return isinstance(cl, type) and issubclass(cl, Enum)


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(detailed_validation=True)
    # Strict primitives: refuse instead of calling str(), int() or bool() on anything.
    converter.register_structure_hook(str, lambda v, _: text(v))
    converter.register_structure_hook(int, lambda v, _: integer(v))
    converter.register_structure_hook(bool, lambda v, _: boolean(v))
    converter.register_structure_hook(Decimal, lambda v, _: amount(v))
    converter.register_structure_hook(date, lambda v, _: day(v))
    converter.register_structure_hook(datetime, lambda v, _: stamp(v))
    converter.register_structure_hook_func(_is_str_tuple, lambda v, _: strings(v))
    converter.register_structure_hook(Money, _money)
    converter.register_structure_hook_factory(_is_enum, _enum_hook)
    converter.register_structure_hook_factory(_is_frozenset, _frozenset_hook)
    converter.register_structure_hook_factory(_is_frozenmap, _frozenmap_hook)
    # Canonical output: exact decimal text, ISO dates, enum values, plain containers.
    converter.register_unstructure_hook(Decimal, str)
    converter.register_unstructure_hook(date, date.isoformat)
    converter.register_unstructure_hook(datetime, datetime.isoformat)
    converter.register_unstructure_hook_factory(_is_enum, lambda _: lambda m: m.value)
    converter.register_unstructure_hook_func(_is_str_tuple, list)
    converter.register_unstructure_hook_factory(
        _is_frozenset, lambda _: lambda s: sorted(m.value for m in s)
    )
    converter.register_unstructure_hook_factory(_is_frozenmap, lambda _: _unstructure_frozenmap)
    converter.register_unstructure_hook(
        Money, lambda m: {"amount": str(m.amount), "currency": m.currency}
    )
    converter.register_unstructure_hook(
        Capacity, lambda c: {"recruit": c.recruit, "ramp": c.ramp, "manage": c.manage}
    )
    return converter


#: The converter of the records layer: canonical values <-> model values, strictly.
CONVERTER: cattrs.Converter = _make_converter()
