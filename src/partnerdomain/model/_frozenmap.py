"""An immutable, hashable mapping, and the deep freezing of JSON-like values."""

from __future__ import annotations

from collections.abc import Callable, ItemsView, Iterator, KeysView, Mapping, ValuesView
from decimal import Decimal
from typing import TypeAlias, TypeVar, Union, overload

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")

#: A frozen JSON-like value, as kept in an entity's custom fields.
# A real Union (not a string), so typing.get_type_hints() and cattrs resolve the
# entities' annotations in modules that never import Decimal themselves.
FrozenJSON: TypeAlias = Union[
    bool, int, float, str, Decimal, tuple["FrozenJSON", ...], "FrozenMap[str, FrozenJSON]", None
]


class FrozenMap(Mapping[K, V]):
    """A read-only mapping that can be hashed and compared like a dict.

    Entities are frozen, so the mappings they hold must be too: a ``FrozenMap`` has
    no method that changes it. It compares equal to any mapping with the same items
    and keeps the order its items were given in.
    """

    __slots__ = ("_data", "_hash")

    _data: dict[K, V]
    _hash: int | None

    @overload
    def __init__(self) -> None: ...
    @overload
    def __init__(self, items: Mapping[K, V]) -> None: ...
    @overload
    def __init__(self, items: Iterator[tuple[K, V]] | list[tuple[K, V]]) -> None: ...
    def __init__(self, items: object = ()) -> None:
        """Copy the given mapping or pairs; later changes to them do not show here."""
        _set_data(self, dict(items))  # type: ignore[call-overload]
        _set_hash(self, None)

    def __getitem__(self, key: K) -> V:
        """Return the value stored under ``key``."""
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        """Iterate over the keys in their original order."""
        return iter(self._data)

    def __len__(self) -> int:
        """Return the number of items."""
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        """Say whether ``key`` is present."""
        return key in self._data

    # The mixins of Mapping would go through __getitem__ and views of self; the
    # dict's own methods and (read-only) views are several times as fast.
    @overload
    def get(self, key: K, /) -> V | None: ...
    @overload
    def get(self, key: K, /, default: V | T) -> V | T: ...
    def get(self, key: K, /, default: object = None) -> object:
        """Return the value stored under ``key``, or ``default``."""
        return self._data.get(key, default)

    def keys(self) -> KeysView[K]:
        """A read-only view of the keys, in their original order."""
        return self._data.keys()

    def values(self) -> ValuesView[V]:
        """A read-only view of the values, in their original order."""
        return self._data.values()

    def items(self) -> ItemsView[K, V]:
        """A read-only view of the (key, value) pairs, in their original order."""
        return self._data.items()

    def __hash__(self) -> int:
        """Hash by content; raises ``TypeError`` if a value is not hashable."""
        if self._hash is None:
            object.__setattr__(self, "_hash", hash(frozenset(self._data.items())))
        assert self._hash is not None  # noqa: S101 - set just above; narrows the type
        return self._hash

    def __eq__(self, other: object) -> bool:
        """Compare equal to any mapping with the same items."""
        if isinstance(other, FrozenMap):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __setattr__(self, name: str, value: object) -> None:
        """Refuse every attribute change: the mapping is frozen."""
        msg = "FrozenMap is immutable"
        raise AttributeError(msg)

    def __repr__(self) -> str:
        """Show the items like a dict."""
        return f"FrozenMap({self._data!r})"

    def __reduce__(self) -> tuple[type[FrozenMap[K, V]], tuple[dict[K, V]]]:
        """Pickle by content."""
        return (type(self), (self._data,))

    def to_dict(self) -> dict[K, V]:
        """Return a new, mutable ``dict`` with the same items (not deep)."""
        return dict(self._data)


# The slots' own setters: __setattr__ refuses every change once a map exists.
_set_data: Callable[[object, object], None] = FrozenMap.__dict__["_data"].__set__
_set_hash: Callable[[object, object], None] = FrozenMap.__dict__["_hash"].__set__
_new = object.__new__


def frozen_copy(data: dict[K, V]) -> FrozenMap[K, V]:
    """``FrozenMap(data)`` for a plain dict, without the call through ``__init__``.

    For the library's hot paths (a review builds a few mappings per partner).
    """
    frozen: FrozenMap[K, V] = _new(FrozenMap)
    _set_data(frozen, data.copy())
    _set_hash(frozen, None)
    return frozen


def _adopt(data: dict[K, V]) -> FrozenMap[K, V]:
    """A FrozenMap of ``data`` itself, not a copy: for a dict no one else holds."""
    frozen: FrozenMap[K, V] = _new(FrozenMap)
    _set_data(frozen, data)
    _set_hash(frozen, None)
    return frozen


# The exact classes of JSON's scalars (and Decimal, for exact numbers), kept as they are.
_SCALARS = frozenset({str, int, bool, float, Decimal, type(None)})


def freeze_json(value: object) -> FrozenJSON:
    """Return a deeply frozen copy of a JSON-like value.

    Lists and tuples become tuples, mappings become :class:`FrozenMap`; scalars are
    kept as they are. Raises ``TypeError`` for anything else, and for mapping keys
    that are not strings.
    """
    # Decoded JSON first: plain dicts and lists of plain scalars, without the
    # abstract-class checks (which also take subclasses, below).
    if value.__class__ in _SCALARS:
        return value  # type: ignore[return-value]
    if type(value) is dict:
        out: dict[str, FrozenJSON] = {}
        for key, item in value.items():
            if key.__class__ is not str:
                return _freeze(value)  # a str subclass is a key too; anything else is named
            # A scalar's class is one of _SCALARS: it is kept, as freeze_json would.
            out[key] = item if item.__class__ in _SCALARS else freeze_json(item)  # type: ignore[assignment]
        return _adopt(out)
    if type(value) is list:
        return tuple(item if item.__class__ in _SCALARS else freeze_json(item) for item in value)  # type: ignore[misc]
    return _freeze(value)


def _freeze(value: object) -> FrozenJSON:
    if value is None or isinstance(value, (bool, int, float, str, Decimal)):
        return value
    if isinstance(value, FrozenMap) and all(
        isinstance(k, str) and _is_frozen(v) for k, v in value.items()
    ):
        return value
    if isinstance(value, Mapping):
        out: dict[str, FrozenJSON] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                msg = f"mapping keys must be strings, got {key!r}"
                raise TypeError(msg)
            out[key] = freeze_json(item)
        return FrozenMap(out)
    if isinstance(value, (list, tuple)):
        return tuple(freeze_json(item) for item in value)
    msg = f"{type(value).__name__} is not a JSON-like value"
    raise TypeError(msg)


def _is_frozen(value: object) -> bool:
    if value is None or isinstance(value, (bool, int, float, str, Decimal)):
        return True
    if isinstance(value, tuple):
        return all(_is_frozen(v) for v in value)
    if isinstance(value, FrozenMap):
        return all(isinstance(k, str) and _is_frozen(v) for k, v in value.items())
    return False


def thaw_json(value: FrozenJSON) -> object:
    """Return a mutable, JSON-ready copy of a frozen value (tuples become lists)."""
    if isinstance(value, FrozenMap):
        return {k: thaw_json(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw_json(v) for v in value]
    return value


#: The empty frozen mapping, shared as the default of every ``custom_fields``.
EMPTY: FrozenMap[str, FrozenJSON] = FrozenMap()
