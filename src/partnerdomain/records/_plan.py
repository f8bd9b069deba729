"""Compiled readers and writers: one per mapping and entity type.

Each plan has two ways to read a record. The *detailed* path is the specification:
it decodes every slot with the converter's hooks, collects every problem, runs every
attribute validator of the entity, and only then builds it. The *fast* path is Python
source generated for the mapping (as cattrs generates its own structuring code): the
same hooks, inlined, with no bookkeeping. It runs first; on any failure the detailed
path runs instead and either explains every problem or builds the entity. Writing
works the same way: generated code first, the converter's ``unstructure`` and the
detailed rules when the fast path cannot decide.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from types import MemberDescriptorType
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs

from partnerdomain.exceptions import RecordError, RecordProblem, ValidationError
from partnerdomain.model import (
    Capacity,
    FrozenMap,
    Money,
    PartnerManager,
    PartnerSuccessManager,
    TeamRole,
    freeze_json,
    thaw_json,
)
from partnerdomain.model import _validate as validators
from partnerdomain.model._frozenmap import EMPTY
from partnerdomain.records import _converter as c
from partnerdomain.records._schema import attribute_types

if TYPE_CHECKING:
    from collections.abc import Callable
    from enum import Enum

    from partnerdomain.records._mapping import RecordMapping
    from partnerdomain.records._schema import Slot

    #: Decode a JSON line into a struct, and read the entity from that struct.
    LineReader: TypeAlias = tuple[Callable[[bytes], Any], Callable[[Any], Any]]

__all__ = ["Plan"]

_MISSING: Any = object()
_LIST_KINDS = ("codes", "enum_set")
# The currency an amount is checked in when its own is missing or refused (ISO 4217's
# code for tests), so that the amount's problems are listed too. A problem is listed
# then, so no entity is ever built with it.
_STAND_IN = "XTS"
_ZERO = Decimal(0)


_LINE_READERS_KEPT = 8  # line readers kept per plan, for files with different custom fields
_LINE_READERS_LOCK = threading.Lock()


@attrs.frozen
class _Struct:
    """A line reader's struct: its class, field names by CRM name, and custom fields'."""

    cls: type[Any]
    fields: Mapping[str, str]
    extra: Mapping[str, str]
    unset: object


class _Slow(Exception):  # noqa: N818 - a signal, never seen outside this module
    """The fast path gives up; the detailed path decides."""


def _members(vocabulary: Mapping[str, Enum], values: object) -> frozenset[Any]:
    return frozenset(vocabulary[v] for v in c.strings(values))


# The quick forms a decoded day, or a reference id from the checked-id memo, always
# passes (when its default does too).
_DATE_FORMS = frozenset(
    {validators.ACCEPTS[validators.a_date], validators.ACCEPTS[validators.optional_date]}
)
_ID_FORMS = frozenset(
    validators.ACCEPTS[check]
    for check in (
        validators.entity_id,
        validators.optional_entity_id,
        validators.text,
        validators.optional_text,
    )
)


def _always_accepted(
    quick: str, sure: tuple[frozenset[str] | None, tuple[object, ...]] | None
) -> bool:
    """Whether the quick form ``quick`` accepts whatever the reader can produce."""
    if sure is None:
        return False
    forms, samples = sure
    if forms is not None and quick not in forms:
        return False
    test = quick.format("value")
    space = dict(validators.ACCEPTS_NAMESPACE)
    return all(eval(test, space, {"value": sample}) for sample in samples)  # noqa: S307 - our own forms


class Plan:
    """The compiled reader and writer of one entity type under one mapping."""

    def __init__(self, mapping: RecordMapping, target: type[Any]) -> None:
        """Prepare names, vocabularies and the generated fast paths."""
        self.mapping = mapping
        self.target = target
        self.entity_name = target.__name__
        self.slots = mapping.slots
        self.names = {s.key: mapping.crm_name(s.key) for s in self.slots}
        self.known = frozenset(self.names.values())
        self.by_attr: dict[str, list[Slot]] = {}
        for slot in self.slots:
            self.by_attr.setdefault(slot.attr, []).append(slot)
        self.read_vocab: dict[str, dict[str, Enum]] = {}
        self.write_vocab: dict[str, dict[Enum, str]] = {}
        for slot in self.slots:
            if slot.enum is None:
                continue
            given: Mapping[str, Enum] = mapping.vocabularies.get(slot.key, {})
            labels = {m: m.value for m in slot.enum}
            labels.update({m: label for label, m in given.items()})
            self.write_vocab[slot.key] = labels
            self.read_vocab[slot.key] = {label: m for m, label in labels.items()}
        self.fields = {a.name: a for a in attrs.fields(target)}
        self.id_name = self.names.get("id", "id")
        self.read_fast = self._compile_reader()
        self.write_fast = self._compile_writer()
        self._line_readers: dict[tuple[str, ...], LineReader] = {}

    def line_reader(self, keys: Iterable[str] = ()) -> LineReader | None:
        """Decode one JSON line straight into the fields a file's records hold, and read those.

        With the ``fast`` extra (msgspec), a line is decoded into a struct of the
        fields this plan reads, each as the JSON value it holds (``Decimal`` for a
        number with a fraction, as everywhere), or ``None`` when absent or null, as
        ``dict.get`` gives them to :attr:`read_fast`; that skips building a dict and
        looking up each key in it. ``keys`` are the fields of the file's first record:
        those the mapping does not know are the file's custom fields, which the struct
        holds too (a custom field absent from a line is left out of its entity's
        ``custom_fields``, and those present are kept in the order of ``keys``, whatever
        their order on the line: JSON objects have none). A line
        holding any other field is refused by the decoder, and so is any line that is
        not one JSON object: the caller reads those as dicts. The second function is
        the fast reader of a struct; it raises like :attr:`read_fast` and builds the
        same entity.

        ``None`` without msgspec, and for mappings whose records nest their fields
        (HubSpot's ``properties``) or hold text only (CSV).
        """
        if self.mapping.properties is not None or self.mapping.textual:
            return None
        custom = () if self.mapping.unknown == "forbid" else tuple(dict.fromkeys(keys))
        custom = tuple(name for name in custom if name not in self.known)
        with _LINE_READERS_LOCK:  # plans are shared: one thread at a time changes the cache
            made = self._line_readers.get(custom)
            if made is None:
                try:
                    made = self._make_line_reader(custom)
                except ImportError:
                    return None
                if len(self._line_readers) >= _LINE_READERS_KEPT:  # the oldest goes
                    del self._line_readers[next(iter(self._line_readers))]
                self._line_readers[custom] = made
        return made

    def _make_line_reader(self, custom: tuple[str, ...]) -> LineReader:
        import msgspec  # noqa: PLC0415 - the optional ``fast`` extra

        fields = {name: f"f{n}" for n, name in enumerate(sorted(self.known))}
        extra = {name: f"c{n}" for n, name in enumerate(custom)}
        record = msgspec.defstruct(
            f"{self.entity_name}Record",
            [(field, Any, None) for field in fields.values()]
            + [(field, Any, msgspec.UNSET) for field in extra.values()],
            rename={field: name for name, field in (fields | extra).items()},
            forbid_unknown_fields=True,
            gc=False,  # decoded JSON holds no cycles, and each struct lives for one read
        )
        decode = msgspec.json.Decoder(record, float_hook=c.memo_number).decode
        return decode, self._compile_reader(_Struct(record, fields, extra, msgspec.UNSET))

    # -- helpers shared by both paths ---------------------------------------------------

    def _absent(self, value: object, kind: str = "text") -> bool:
        # In text, "" is an absent value, except for lists, where it is the empty list.
        if value is None or value is _MISSING:
            return True
        return self.mapping.textual and value == "" and kind not in _LIST_KINDS

    def _expected_labels(self, key: str) -> str:
        return "one of " + ", ".join(repr(label) for label in self.read_vocab[key])

    def _render_day(self, key: str, value: date) -> str:
        if key in self.mapping.timestamps:
            return value.isoformat() + self.mapping.timestamp_suffix
        return value.isoformat()

    def _decode(self, slot: Slot, raw: object) -> object:  # noqa: C901, PLR0911 - one branch per kind
        """Decode one present CRM value into the slot's model value, or raise Refused."""
        m = self.mapping
        kind = slot.kind
        if kind in ("text", "manager", "currency"):
            return c.CONVERTER.structure(raw, str)
        if kind in ("int", "capacity"):
            return c.CONVERTER.structure(c.integer_text(raw) if m.textual else raw, int)
        if kind == "date":
            if slot.key in m.timestamps:
                return c.stamp_day(raw)
            return c.CONVERTER.structure(raw, date)
        if kind == "amount":
            return c.CONVERTER.structure(raw, Decimal)
        if kind == "enum":
            vocabulary = self.read_vocab[slot.key]
            if raw.__class__ is str and raw in vocabulary:
                return vocabulary[raw]
            raise c.Refused(self._expected_labels(slot.key))
        if kind == "codes":
            return c.CONVERTER.structure(
                c.split_text(raw) if m.multi_select else raw, tuple[str, ...]
            )
        if kind == "enum_set":
            values = c.strings(c.split_text(raw) if m.multi_select else raw)
            vocabulary = self.read_vocab[slot.key]
            unknown = [v for v in values if v not in vocabulary]
            if unknown:
                expected = f"a list of {self._expected_labels(slot.key)}"
                raise c.Refused(expected)
            return frozenset(vocabulary[v] for v in values)
        # flags: the onboarding checklist
        return c.flags(c.parse_json_text(raw) if m.json_objects else raw)

    def _flatten(self, record: object, problems: list[RecordProblem]) -> dict[str, Any]:
        if not isinstance(record, Mapping):
            problems.append(RecordProblem(field="*", value=record, expected="an object"))
            return {}
        container = self.mapping.properties
        if container is None:
            return dict(record)
        inner = record.get(container)
        if not isinstance(inner, Mapping):
            problems.append(
                RecordProblem(field=container, value=inner, expected="an object of fields")
            )
            inner = {}
        flat = dict(inner)
        for key, value in record.items():
            if key == container:
                continue
            if key in flat:
                expected = f"the field either beside or inside {container!r}, not both"
                problems.append(RecordProblem(field=key, value=value, expected=expected))
            flat[key] = value
        return flat

    # -- reading ------------------------------------------------------------------------

    def read(self, record: object, index: int | None = None) -> Any:  # noqa: ANN401
        """Build the entity from ``record``, or raise RecordError listing every problem."""
        try:
            return self.read_fast(record)
        except Exception:  # noqa: BLE001 - any failure hands over to the detailed path
            return self.read_detailed(record, index)

    def read_detailed(self, record: object, index: int | None = None) -> Any:  # noqa: ANN401, C901, PLR0912, PLR0915
        """Read ``record`` the slow, thorough way (the specification of :meth:`read`)."""
        problems: list[RecordProblem] = []
        flat = self._flatten(record, problems)
        if not isinstance(record, Mapping):
            raise RecordError(self.entity_name, problems, index)
        m = self.mapping
        values: dict[str, Any] = {}
        extras: dict[str, Any] = {}
        seen: set[str] = set()
        for slot in self.slots:
            name = self.names[slot.key]
            raw = flat.get(name, _MISSING)
            if self._absent(raw, slot.kind):
                continue
            seen.add(slot.attr)
            try:
                values[slot.key] = self._decode(slot, raw)
            except c.Refused as exc:
                problems.append(RecordProblem(field=name, value=raw, expected=exc.expected))
                continue
            except Exception as exc:  # noqa: BLE001 - cattrs may wrap a refusal
                problems.append(RecordProblem(field=name, value=raw, expected=str(exc)))
                continue
            if slot.key in m.timestamps and raw != self._render_day(slot.key, values[slot.key]):
                extras[name] = raw
        kwargs: dict[str, Any] = {}
        for attr, slots in self.by_attr.items():
            first = slots[0]
            if first.kind == "amount":
                self._compose_money(attr, slots, values, flat, kwargs, extras, problems)
            elif first.kind == "manager":
                kwargs[attr] = {
                    TeamRole(str(s.sub)): values[s.key] for s in slots if s.key in values
                }
            elif first.kind == "capacity":
                parts = {s.sub: values[s.key] for s in slots if s.key in values}
                try:
                    kwargs[attr] = Capacity(**parts)  # type: ignore[arg-type]
                except ValidationError as exc:
                    name = self.names[f"{attr}.{exc.field}"]
                    problems.append(
                        RecordProblem(field=name, value=exc.value, expected=exc.expected)
                    )
            elif first.key in values:
                kwargs[attr] = values[first.key]
            elif attr in m.defaults:
                kwargs[attr] = m.defaults[attr]
            elif first.required and attr not in seen:
                problems.append(
                    RecordProblem(
                        field=self.names[first.key], value=None, expected="a value (required)"
                    )
                )
        for key, value in flat.items():
            if key in self.known:
                continue
            if m.unknown == "forbid":
                problems.append(
                    RecordProblem(
                        field=key,
                        value=value,
                        expected="no such field (unknown fields are forbidden)",
                    )
                )
            extras[key] = value
        frozen: dict[str, Any] = {}
        for key, value in extras.items():
            try:
                frozen[key] = freeze_json(value)
            except TypeError as exc:
                problems.append(
                    RecordProblem(field=key, value=value, expected=f"a JSON-like value ({exc})")
                )
        kwargs["custom_fields"] = FrozenMap(frozen)
        cls = self._class_for(kwargs.get("role"))
        record_id = flat.get(self.id_name)
        record_id = record_id if record_id.__class__ is str else None
        problems.extend(self._validate(cls, kwargs, flat, seen))
        if problems:
            raise RecordError(self.entity_name, problems, index, record_id)
        try:
            return cls(**kwargs)
        except (ValidationError, TypeError, ValueError) as exc:
            problem = RecordProblem(field="*", value=None, expected=str(exc))
            raise RecordError(self.entity_name, [problem], index, record_id) from None

    def _compose_money(  # noqa: PLR0913, PLR0917 - the parts of one composite attribute
        self,
        attr: str,
        slots: list[Slot],
        values: dict[str, Any],
        flat: dict[str, Any],
        kwargs: dict[str, Any],
        extras: dict[str, Any],
        problems: list[RecordProblem],
    ) -> None:
        """Build an amount's ``Money``, listing every problem of its amount and currency.

        The amount and the currency are each checked even when the other is refused.
        """
        amount_slot, currency_slot = slots
        amount_name = self.names[amount_slot.key]
        currency_name = self.names[currency_slot.key]
        amount = values.get(amount_slot.key, _MISSING)
        if amount is _MISSING and self._absent(flat.get(amount_name, _MISSING)):
            raw_currency = flat.get(currency_name, _MISSING)
            if attr in self.mapping.defaults:
                kwargs[attr] = self.mapping.defaults[attr]
            elif amount_slot.required:
                problems.append(
                    RecordProblem(field=amount_name, value=None, expected="an amount (required)")
                )
                if not self._absent(raw_currency):  # the record is refused: check it too
                    self._currency(currency_slot, values, flat, problems)
                return
            if not self._absent(raw_currency):
                extras[currency_name] = raw_currency  # a currency with no amount: keep it
            return
        currency = self._currency(currency_slot, values, flat, problems)
        if amount is _MISSING:
            return  # an amount that could not be read: its own problem is listed
        try:
            kwargs[attr] = Money(amount, currency)
        except ValidationError as exc:  # the currency is checked: the amount is refused
            problems.append(
                RecordProblem(field=amount_name, value=exc.value, expected=exc.expected)
            )

    def _currency(
        self,
        slot: Slot,
        values: dict[str, Any],
        flat: dict[str, Any],
        problems: list[RecordProblem],
    ) -> str:
        """An amount's currency, checked; :data:`_STAND_IN` if it is missing or refused."""
        name = self.names[slot.key]
        currency = values.get(slot.key, self.mapping.default_currency)
        if currency is None:
            if slot.key in values or self._absent(flat.get(name, _MISSING)):
                # (A present currency that could not be read has its own problem listed.)
                problems.append(
                    RecordProblem(
                        field=name,
                        value=None,
                        expected="an ISO 4217 currency code (or a mapping with a default_currency)",
                    )
                )
            return _STAND_IN
        try:
            Money(_ZERO, currency)
        except ValidationError as exc:
            problems.append(RecordProblem(field=name, value=exc.value, expected=exc.expected))
            return _STAND_IN
        return str(currency)

    def _class_for(self, role: object) -> type[Any]:
        if self.target is PartnerManager and role is TeamRole.PARTNER_SUCCESS_MANAGER:
            return PartnerSuccessManager
        return self.target

    def _validate(
        self, cls: type[Any], kwargs: dict[str, Any], flat: dict[str, Any], seen: set[str]
    ) -> list[RecordProblem]:
        """Run every attribute validator on a half-built instance; collect every refusal.

        Attributes whose value could not be read are left unset and not validated; a
        validator that looks at one of them (a rule across fields) is skipped.
        """
        instance = object.__new__(cls)
        fields = attrs.fields(cls)
        checked = []
        for field in fields:
            if field.name in kwargs:
                value = kwargs[field.name]
                if field.converter is not None:
                    value = field.converter(value)
            elif field.name in seen or field.default is attrs.NOTHING:
                continue  # unreadable or missing: its problem is listed already
            elif isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
                value = field.default.factory()
            else:
                value = field.default
            object.__setattr__(instance, field.name, value)
            checked.append(field)
        problems = []
        for field in checked:
            if field.validator is None:
                continue
            try:
                field.validator(instance, field, getattr(instance, field.name))
            except AttributeError:
                continue
            except ValidationError as exc:
                slot = self.by_attr.get(field.name, [None])[0]
                name = "custom_fields" if slot is None else self.names[slot.key]
                raw = flat.get(name, getattr(instance, field.name))
                problems.append(RecordProblem(field=name, value=raw, expected=exc.expected))
        return problems

    # -- writing ------------------------------------------------------------------------

    def write(self, entity: Any) -> dict[str, Any]:  # noqa: ANN401
        """Return the CRM record of ``entity``, or raise RecordError if it cannot be written."""
        try:
            return self.write_fast(entity)
        except Exception:  # noqa: BLE001 - any failure hands over to the detailed path
            return self.write_detailed(entity)

    def write_detailed(self, entity: Any) -> dict[str, Any]:  # noqa: ANN401, C901
        """Write ``entity`` the slow, thorough way (the specification of :meth:`write`)."""
        if not isinstance(entity, self.target):
            problem = RecordProblem(field="*", value=entity, expected=f"a {self.entity_name}")
            raise RecordError(self.entity_name, [problem])
        m = self.mapping
        canonical = {
            attr: None if value is None else c.CONVERTER.unstructure(value, unstructure_as=tp)
            for attr, tp in attribute_types(self.target).items()
            for value in (getattr(entity, attr),)
        }
        custom: dict[str, Any] = canonical.pop("custom_fields") or {}
        out: dict[str, Any] = {}
        orphan_currencies: set[str] = set()
        for slot in self.slots:
            name = self.names[slot.key]
            value = canonical[slot.attr]
            if value is not None and (slot.sub is not None or slot.kind == "amount"):
                value = value.get(slot.sub or "amount")
            if slot.kind == "currency" and canonical[slot.attr] is None:
                orphan_currencies.add(name)
            if value is None:
                if m.write_nulls:
                    out[name] = None
                continue
            out[name] = self._encode(slot, value, custom)
        problems = []
        stamped = {self.names[key] for key in m.timestamps}
        for key, value in custom.items():
            if key in stamped:
                continue  # the day's own field: its kept timestamp was used, or the day changed
            if key in out and key not in orphan_currencies:
                problems.append(
                    RecordProblem(
                        field=key,
                        value=value,
                        expected="a custom field name the mapping does not use for a model field",
                    )
                )
            out[key] = value
        if problems:
            record_id = getattr(entity, "id", None)
            raise RecordError(self.entity_name, problems, None, record_id)
        return self._nest(out)

    def _encode(self, slot: Slot, value: Any, custom: dict[str, Any]) -> Any:  # noqa: ANN401, C901, PLR0911
        m = self.mapping
        kind = slot.kind
        if kind in ("int", "capacity"):
            return str(value) if m.textual else value
        if kind == "date":
            if slot.key in m.timestamps:
                name = self.names[slot.key]
                kept = custom.get(name)
                try:
                    if kept is not None and c.stamp_day(kept).isoformat() == value:
                        return kept
                except c.Refused:
                    pass
                return value + m.timestamp_suffix
            return value
        if kind == "enum":
            member = slot.enum(value)  # type: ignore[misc]
            return self.write_vocab[slot.key][member]
        if kind == "enum_set":
            vocabulary = self.write_vocab[slot.key]
            labels = [vocabulary[slot.enum(v)] for v in value]  # type: ignore[misc]
            return c.join_text(labels) if m.multi_select else labels
        if kind == "codes":
            return c.join_text(value) if m.multi_select else value
        if kind == "flags":
            return c.json_text(value) if m.json_objects else value
        if kind == "amount":
            return value if m.amounts_as_text else Decimal(value)
        return value

    def _nest(self, out: dict[str, Any]) -> dict[str, Any]:
        container = self.mapping.properties
        if container is None:
            return out
        top = self.mapping.top_level
        record = {k: v for k, v in out.items() if k in top}
        record[container] = {k: v for k, v in out.items() if k not in top}
        return record

    # -- code generation ----------------------------------------------------------------

    def _compile_reader(  # noqa: C901, PLR0912, PLR0915
        self, struct: _Struct | None = None
    ) -> Callable[[Any], Any]:
        """Generate the fast reader of a record dict, or of a ``struct`` (its fields by name)."""
        m = self.mapping
        ns: dict[str, Any] = {
            "_Slow": _Slow,
            "c": c,
            "Money": Money,
            "Capacity": Capacity,
            "FrozenMap": FrozenMap,
            # The model's own empty mapping: its converter passes it through untouched.
            "EMPTY": EMPTY,
            "DAYS": c._DAYS.get,  # noqa: SLF001 - the converter's memos, read inline
            "STAMP_DAYS": c._STAMP_DAYS.get,  # noqa: SLF001
            "MONEY": c._MONEY.get,  # noqa: SLF001
            "MONEY_OF": c._MONEY_OF.get,  # noqa: SLF001
            "TEXTS": c._TEXTS.get,  # noqa: SLF001
            "intern": sys.intern,
            "IDS": c._IDS.get,  # noqa: SLF001
            "KNOWN": self.known,
            "_members": _members,
        }
        lines = ["def read(r):"]
        put = lines.append

        def fallbacks(name: str | None) -> tuple[object, ...]:
            return () if name is None else (ns[name],)

        def get(name: str) -> str:
            return f"g({name!r})" if struct is None else f"r.{struct.fields[name]}"

        container = m.properties
        if struct is not None:
            ns["S"] = struct.cls
            put("    if r.__class__ is not S: raise _Slow")
        elif container is None:
            put("    if r.__class__ is not dict: raise _Slow")
        else:
            put(f"    p = r[{container!r}]")
            put("    if p.__class__ is not dict: raise _Slow")
            put("    f = dict(p)")
            put("    for k, v in r.items():")
            put(f"        if k == {container!r}: continue")
            put("        if k in f: raise _Slow")
            put("        f[k] = v")
            put("    r = f")
        if struct is None:
            put("    g = r.get")
        absent = "v is None or v == ''" if m.textual else "v is None"
        args: list[str] = []
        # What a variable can hold when the reader's own decoding already guarantees
        # it: the quick forms (ACCEPTS) it may skip, and sample values to try them on.
        sure: dict[str, tuple[frozenset[str] | None, tuple[object, ...]]] = {}
        for n, (attr, slots) in enumerate(self.by_attr.items()):
            var = f"a{n}"
            first = slots[0]
            field = self.fields[attr]
            if attr in m.defaults:
                ns[f"D{n}"] = m.defaults[attr]
                fallback = f"D{n}"
            elif field.default is attrs.NOTHING:
                fallback = None
            else:
                default = field.default
                if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                    default = default.factory()
                ns[f"D{n}"] = default
                fallback = f"D{n}"
            kind = first.kind
            if kind == "amount":
                amount_name = self.names[slots[0].key]
                currency_name = self.names[slots[1].key]
                ns[f"C{n}"] = m.default_currency
                put(f"    v = {get(currency_name)}")
                put(f"    if {absent}:")
                put(f"        cur = C{n}")
                put("        cur_absent = True")
                put("    else:")
                put("        cur = v")
                put("        cur_absent = False")
                put(f"    v = {get(amount_name)}")
                put(f"    if {absent}:")
                put("        if not cur_absent: raise _Slow")
                put(f"        {var} = {fallback}" if fallback else "        raise _Slow")
                put("    else:")
                # "is None", not "or": Money has a __bool__ (zero is false) to call.
                put(
                    f"        {var} = MONEY((v, cur)) if v.__class__ is str"
                    " else MONEY_OF((id(v), cur))"
                )
                put(f"        if {var} is None: {var} = c.memo_money(v, cur)")
            elif kind == "manager":
                put(f"    {var} = {{}}")
                for slot in slots:
                    ns[f"R_{slot.sub}"] = TeamRole(str(slot.sub))
                    put(f"    v = {get(self.names[slot.key])}")
                    keep = "intern(v) if v.__class__ is str else v"  # ids repeat: one copy
                    put(f"    if not ({absent}): {var}[R_{slot.sub}] = {keep}")
            elif kind == "capacity":
                parts = []
                for slot in slots:
                    put(f"    v = {get(self.names[slot.key])}")
                    decode = "c.integer(c.integer_text(v))" if m.textual else "c.integer(v)"
                    put(f"    p_{slot.sub} = 0 if ({absent}) else {decode}")
                    parts.append(f"{slot.sub}=p_{slot.sub}")
                put(f"    {var} = Capacity({', '.join(parts)})")
            else:
                name = self.names[first.key]
                put(f"    v = {get(name)}")
                put(f"    if {'v is None' if kind in _LIST_KINDS else absent}:")
                put(f"        {var} = {fallback}" if fallback else "        raise _Slow")
                put("    else:")
                if kind == "text" and attr != "id" and attr.endswith("_id"):
                    # A reference repeats on many records: checked once, one copy kept.
                    put(f"        {var} = IDS(v) or c.memo_id(v)")
                    sure[attr] = (_ID_FORMS, ("X-1", *fallbacks(fallback)))
                elif first.key in m.timestamps:
                    # Read back only if it is written back the same: its day + SUFFIX.
                    ns["SUFFIX"] = m.timestamp_suffix
                    ns["WHOLE_DAYS"] = c.whole_day_stamps(m.timestamp_suffix).get
                    put(f"        {var} = WHOLE_DAYS(v)")
                    put(f"        if {var} is None:")
                    put(f"            {var} = {self._decode_expr(first, n, ns)}")
                    put(f"            if v != {var}.isoformat() + SUFFIX: raise _Slow")
                    put(f"            c.memo_whole_day_stamp(SUFFIX, v, {var})")
                    sure[attr] = (_DATE_FORMS, (date(2000, 1, 1), *fallbacks(fallback)))
                else:
                    put(f"        {var} = {self._decode_expr(first, n, ns)}")
                    if kind == "date":
                        sure[attr] = (_DATE_FORMS, (date(2000, 1, 1), *fallbacks(fallback)))
                    elif kind == "enum":  # every value it can take: any quick form may go
                        sure[attr] = (
                            None,
                            (*self.read_vocab[first.key].values(), *fallbacks(fallback)),
                        )
            args.append(f"{attr}={var}")
        if struct is not None:  # its decoder refused any field it does not know
            put("    cf = {}")
            ns["UNSET"] = struct.unset
            for name, field in struct.extra.items():
                put(f"    v = r.{field}")
                put(f"    if v is not UNSET: cf[{name!r}] = v")
            put("    if not cf: cf = EMPTY")
        else:
            put("    if KNOWN.issuperset(r):")
            put("        cf = EMPTY")
            put("    else:")
            if m.unknown == "forbid":
                put("        raise _Slow")
            else:
                put("        cf = {k: v for k, v in r.items() if k not in KNOWN}")
        args.append("custom_fields=cf")
        if self.target is PartnerManager:
            ns["PM"] = PartnerManager
            ns["PSM"] = PartnerSuccessManager
            ns["PSM_ROLE"] = TeamRole.PARTNER_SUCCESS_MANAGER
            role_var = f"a{list(self.by_attr).index('role')}"
            put(f"    cls = PSM if {role_var} is PSM_ROLE else PM")
            put(f"    return cls({', '.join(args)})")
        else:
            ns["cls"] = self.target
            self._construct(dict(arg.split("=", 1) for arg in args), ns, put, sure)
        source = "\n".join(lines)
        exec(compile(source, f"<partnerdomain.records reader {self.entity_name}>", "exec"), ns)  # noqa: S102 - our own generated code
        return ns["read"]  # type: ignore[no-any-return]

    def _construct(
        self,
        values: dict[str, str],
        ns: dict[str, Any],
        put: Callable[[str], None],
        sure: Mapping[str, tuple[frozenset[str] | None, tuple[object, ...]]],
    ) -> None:
        """Generate the entity's construction from the read ``values`` (attribute: variable).

        What the entity's ``__init__`` does, in the same order (convert, set every
        field, then validate every field), without its per-call overhead: each field is
        set through its slot, and each validator whose quick form (``ACCEPTS``) accepts
        the value is not called. A validator that refuses raises its ValidationError,
        which hands the record to the detailed path.

        ``sure`` names the values the reader's decoding already guarantees (a member
        looked up in a vocabulary, a decoded day, a checked reference id): where the
        quick form is one that guarantee covers and it accepts every sample, the test
        is not even generated.
        """
        cls = self.target
        fields = attrs.fields(cls)
        slots = [getattr(cls, f.name, None) for f in fields]
        if (
            hasattr(cls, "__attrs_post_init__")
            or {f.name for f in fields} != values.keys()
            or not all(isinstance(slot, MemberDescriptorType) for slot in slots)
        ):
            put(f"    return cls({', '.join(f'{k}={v}' for k, v in values.items())})")
            return
        ns.update(validators.ACCEPTS_NAMESPACE)
        ns["NEW"] = object.__new__
        put("    o = NEW(cls)")
        for n, field in enumerate(fields):
            value = values[field.name]
            if field.converter is not None:
                ns[f"CONVERT{n}"] = field.converter
                if value == "cf":  # the usual custom fields: none, passed through as they are
                    put(f"    if cf is not EMPTY: cf = CONVERT{n}(cf)")
                else:
                    put(f"    {value} = CONVERT{n}({value})")
            ns[f"SET{n}"] = slots[n].__set__  # type: ignore[union-attr]
            put(f"    SET{n}(o, {value})")
        for n, field in enumerate(fields):
            check = field.validator
            if check is None:
                continue
            value = values[field.name]
            ns[f"CHECK{n}"], ns[f"FIELD{n}"] = check, field
            call = f"CHECK{n}(o, FIELD{n}, {value})"
            quick = validators.ACCEPTS.get(check)
            if quick and field.converter is None and _always_accepted(quick, sure.get(field.name)):
                continue
            put(f"    if not ({quick.format(value)}): {call}" if quick else f"    {call}")
        put("    return o")

    def _decode_expr(self, slot: Slot, n: int, ns: dict[str, Any]) -> str:  # noqa: PLR0911
        m = self.mapping
        kind = slot.kind
        if kind == "text":
            return "v"  # the entity's validators refuse anything but a string
        if kind == "int":
            return (
                "c.integer(c.integer_text(v))"
                if m.textual
                else "v if v.__class__ is int else c.integer(v)"
            )
        if kind == "date":
            if slot.key in m.timestamps:
                return "STAMP_DAYS(v) or c.memo_stamp_day(v)"
            return "DAYS(v) or c.memo_day(v)"
        if kind == "enum":
            ns[f"V{n}"] = self.read_vocab[slot.key]
            return f"V{n}[v]"
        if kind == "enum_set":
            ns[f"V{n}"] = self.read_vocab[slot.key]
            return f"_members(V{n}, c.split_text(v))" if m.multi_select else f"_members(V{n}, v)"
        if kind == "codes":
            # A list is copied as it is: the entity's validator refuses any bad item.
            # Texts repeat ("en;de" on many records): each is split once, and shared.
            return (
                "TEXTS((c.strings_text, v)) or c.memo_text(c.strings_text, v)"
                if m.multi_select
                else "tuple(v) if v.__class__ is list else c.strings(v)"
            )
        # flags
        if m.json_objects:
            return "TEXTS((c.flags_json_text, v)) or c.memo_text(c.flags_json_text, v)"
        return "c.flags(v)"

    def _compile_writer(self) -> Callable[[Any], dict[str, Any]]:  # noqa: C901, PLR0912, PLR0915
        m = self.mapping
        ns: dict[str, Any] = {"_Slow": _Slow, "c": c, "thaw": thaw_json, "cls": self.target}
        always: list[str] = []  # "name": expression, for values that are never None
        lines: list[str] = []  # statements for the values that may be None
        put = lines.append
        nulls = m.write_nulls
        for n, slot in enumerate(self.slots):
            name = self.names[slot.key]
            kind = slot.kind
            attr = f"e.{slot.attr}"
            if kind == "amount":
                currency = self.names[slot.attr + ".currency"]
                amount = "v.amount" if not m.amounts_as_text else "str(v.amount)"
                if self.fields[slot.attr].default is attrs.NOTHING:
                    put(f"    v = {attr}")
                    put(f"    r[{name!r}] = {amount}")
                    put(f"    r[{currency!r}] = v.currency")
                    continue
                put(f"    v = {attr}")
                put("    if v is not None:")
                put(f"        r[{name!r}] = {amount}")
                put(f"        r[{currency!r}] = v.currency")
                if nulls:
                    put("    else:")
                    put(f"        r[{name!r}] = None")
                    put(f"        r[{currency!r}] = None")
                continue
            if kind == "currency":
                continue
            if kind == "manager":
                if nulls:
                    if slot.sub == TeamRole.PARTNER_MANAGER.value:
                        put(f"    ms = {attr}.to_dict()")
                    ns[f"R{n}"] = TeamRole(str(slot.sub))
                    put(f"    r[{name!r}] = ms.get(R{n})")
                elif slot.sub == TeamRole.PARTNER_MANAGER.value:
                    roles = {
                        TeamRole(str(s.sub)): self.names[s.key] for s in self.by_attr[slot.attr]
                    }
                    ns["ROLES"] = roles
                    put(f"    for k, v in {attr}.to_dict().items():")
                    put("        r[ROLES[k]] = v")
                continue
            if kind == "capacity":
                expr = f"str({attr}.{slot.sub})" if m.textual else f"{attr}.{slot.sub}"
                always.append(f"{name!r}: {expr}")
                continue
            if kind in {"text", "manager"}:
                expr = "{v}"
            elif kind == "int":
                expr = "str({v})" if m.textual else "{v}"
            elif kind == "date":
                if slot.key in m.timestamps:
                    ns["SUFFIX"] = m.timestamp_suffix
                    expr = "{v}.isoformat() + SUFFIX"
                else:
                    expr = "{v}.isoformat()"
            elif kind == "enum":
                ns[f"W{n}"] = self.write_vocab[slot.key]
                expr = f"W{n}[{{v}}]"
            elif kind == "enum_set":
                ns[f"W{n}"] = self.write_vocab[slot.key]
                expr = f"[W{n}[x] for x in sorted({{v}})]"
                if m.multi_select:
                    expr = f"';'.join({expr})"
            elif kind == "codes":
                expr = "';'.join({v})" if m.multi_select else "list({v})"
            else:  # flags
                expr = "c.json_text({v}.to_dict())" if m.json_objects else "{v}.to_dict()"
            if self.fields[slot.attr].default is None:
                put(f"    v = {attr}")
                put("    if v is not None:")
                put(f"        r[{name!r}] = {expr.format(v='v')}")
                if nulls:
                    put(f"    else: r[{name!r}] = None")
            else:
                always.append(f"{name!r}: {expr.format(v=attr)}")
        put("    cf = e.custom_fields")
        put("    if cf:")
        put("        for k, v in cf.to_dict().items():")
        put("            if k in r: raise _Slow")
        put("            r[k] = thaw(v)")
        if m.properties is not None:
            ns["TOP"] = m.top_level
            put("    out = {k: v for k, v in r.items() if k in TOP}")
            put(f"    out[{m.properties!r}] = {{k: v for k, v in r.items() if k not in TOP}}")
            put("    return out")
        else:
            put("    return r")
        head = [
            "def write(e):",
            "    if e.__class__ is not cls: raise _Slow",
            "    r = {" + ", ".join(always) + "}",
        ]
        source = "\n".join(head + lines)
        code = compile(source, f"<partnerdomain.records writer {self.entity_name}>", "exec")
        exec(code, ns)  # noqa: S102 - our own generated code
        return ns["write"]  # type: ignore[no-any-return]
