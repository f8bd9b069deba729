"""The record shape of each entity: one *slot* per CRM field an entity reads or writes.

Most attributes are one slot. Composite attributes spread over several flat CRM fields,
the way CRMs store them: money is an amount and a currency, ``Partner.managers`` is one
id field per role, ``PartnerManager.capacity`` is three numbers.
"""

from __future__ import annotations

import sys
import typing
from datetime import date
from enum import Enum
from types import NoneType, UnionType
from typing import Any, get_args, get_origin

import attrs

from partnerdomain.model import (
    AccountExecutive,
    Activity,
    Capacity,
    Commitment,
    FrozenMap,
    Invoice,
    MdfPayment,
    Money,
    Opportunity,
    Partner,
    PartnerManager,
    PartnerSuccessManager,
    TeamRole,
)

__all__ = ["ENTITY_TYPES", "Slot", "attribute_types", "slots_of"]

#: Every entity type the records layer reads and writes.
ENTITY_TYPES: tuple[type[Any], ...] = (
    Partner,
    PartnerManager,
    PartnerSuccessManager,
    AccountExecutive,
    Opportunity,
    Activity,
    Commitment,
    Invoice,
    MdfPayment,
)

_CAPACITY_PARTS = ("recruit", "ramp", "manage")


@attrs.frozen(kw_only=True)
class Slot:
    """One flat CRM field of an entity.

    Attributes:
        key: The slot's name in a mapping, e.g. ``"stage"``, ``"amount.currency"``,
            ``"managers.partner_manager"``, ``"capacity.ramp"``.
        attr: The entity attribute it feeds.
        kind: How its value is read: ``text``, ``int``, ``date``, ``enum``, ``codes``,
            ``enum_set``, ``flags``, ``amount``, ``currency``, ``manager``, ``capacity``.
        sub: The part of a composite attribute (currency code, role value, capacity part).
        enum: The enumeration of an ``enum`` or ``enum_set`` slot.
        required: Whether the entity cannot be built without it.
        generic_name: The field's name in the generic profile.
    """

    key: str
    attr: str
    kind: str
    sub: str | None = None
    enum: type[Enum] | None = None
    required: bool = False
    generic_name: str


def _strip_none(tp: Any) -> tuple[Any, bool]:  # noqa: ANN401 - a type expression
    if get_origin(tp) in (UnionType, typing.Union):
        args = [a for a in get_args(tp) if a is not NoneType]
        return (args[0] if len(args) == 1 else tp), True
    return tp, False


def _attribute_types(cls: type[Any]) -> dict[str, Any]:
    """Resolve each attribute's annotation (without None), custom fields as plain JSON."""
    namespace = vars(sys.modules[cls.__module__])
    types: dict[str, Any] = {}
    for field in attrs.fields(cls):
        if field.name == "custom_fields":
            types[field.name] = FrozenMap[str, Any]
            continue
        annotation = field.type
        if isinstance(annotation, str):
            annotation = eval(annotation, dict(namespace))  # noqa: S307 - the model's own annotations
        types[field.name] = _strip_none(annotation)[0]
    return types


def _slots(cls: type[Any]) -> tuple[Slot, ...]:  # noqa: C901 - one branch per kind of attribute
    types = _attribute_types(cls)
    out: list[Slot] = []
    for field in attrs.fields(cls):
        name = field.name
        if name == "custom_fields":
            continue
        tp = types[name]
        required = field.default is attrs.NOTHING
        origin = get_origin(tp)
        if tp is Money:
            currency_name = "currency" if name == "amount" else f"{name}_currency"
            out.append(
                Slot(key=name, attr=name, kind="amount", required=required, generic_name=name)
            )
            out.append(
                Slot(
                    key=f"{name}.currency",
                    attr=name,
                    kind="currency",
                    sub="currency",
                    generic_name=currency_name,
                )
            )
        elif tp is Capacity:
            out.extend(
                Slot(
                    key=f"{name}.{part}",
                    attr=name,
                    kind="capacity",
                    sub=part,
                    generic_name=f"{name}_{part}",
                )
                for part in _CAPACITY_PARTS
            )
        elif origin is FrozenMap and get_args(tp)[0] is TeamRole:
            out.extend(
                Slot(
                    key=f"{name}.{role.value}",
                    attr=name,
                    kind="manager",
                    sub=role.value,
                    generic_name=f"{role.value}_id",
                )
                for role in TeamRole
            )
        elif origin is FrozenMap:
            out.append(Slot(key=name, attr=name, kind="flags", generic_name=name))
        elif origin is tuple:
            out.append(Slot(key=name, attr=name, kind="codes", generic_name=name))
        elif origin is frozenset:
            (item,) = get_args(tp)
            out.append(Slot(key=name, attr=name, kind="enum_set", enum=item, generic_name=name))
        elif isinstance(tp, type) and issubclass(tp, Enum):
            out.append(
                Slot(
                    key=name, attr=name, kind="enum", enum=tp, required=required, generic_name=name
                )
            )
        elif tp is date:
            out.append(Slot(key=name, attr=name, kind="date", required=required, generic_name=name))
        elif tp is int:
            out.append(Slot(key=name, attr=name, kind="int", required=required, generic_name=name))
        else:
            out.append(Slot(key=name, attr=name, kind="text", required=required, generic_name=name))
    return tuple(out)


_SLOTS: dict[type[Any], tuple[Slot, ...]] = {cls: _slots(cls) for cls in ENTITY_TYPES}
_TYPES: dict[type[Any], dict[str, Any]] = {cls: _attribute_types(cls) for cls in ENTITY_TYPES}


def attribute_types(cls: type[Any]) -> dict[str, Any]:
    """Return each attribute's type (``None`` left out of optional ones)."""
    return _TYPES[cls]


def slots_of(cls: type[Any]) -> tuple[Slot, ...]:
    """Return the slots of an entity type, in attribute order."""
    return _SLOTS[cls]
