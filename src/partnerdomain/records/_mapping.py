"""RecordMapping: how one entity type maps to one CRM object."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any, Literal, NoReturn

import attrs

from partnerdomain.exceptions import ValidationError
from partnerdomain.model import (
    ISO_4217_CURRENCIES,
    FrozenMap,
    PartnerManager,
    PartnerSuccessManager,
)
from partnerdomain.records._schema import ENTITY_TYPES, Slot, slots_of

if TYPE_CHECKING:
    from collections.abc import Mapping

    from partnerdomain.records._plan import Plan

__all__ = ["RecordMapping"]

#: The keys of a HubSpot CRM v3 object that sit beside ``properties``.
_HUBSPOT_TOP_LEVEL = frozenset(
    {
        "id",
        "createdAt",
        "updatedAt",
        "archived",
        "archivedAt",
        "associations",
        "propertiesWithHistory",
        "url",
        "objectWriteTraceId",
    }
)


def _frozen_str_map(value: Mapping[str, str]) -> FrozenMap[str, str]:
    return FrozenMap(value)


def _frozen_any_map(value: Mapping[str, Any]) -> FrozenMap[str, Any]:
    return FrozenMap(value)


def _frozen_vocabularies(
    value: Mapping[str, Mapping[str, Enum]],
) -> FrozenMap[str, FrozenMap[str, Enum]]:
    return FrozenMap({k: FrozenMap(v) for k, v in value.items()})


def _frozen_names(value: Any) -> frozenset[str]:  # noqa: ANN401 - any iterable of names
    return frozenset(value)


def _fail(field: str, value: object, expected: str) -> NoReturn:
    raise ValidationError("RecordMapping", field, value, expected)


def _check_entity(
    _instance: RecordMapping, _attribute: attrs.Attribute[Any], value: object
) -> None:
    if value not in ENTITY_TYPES or value is PartnerSuccessManager:
        names = ", ".join(c.__name__ for c in ENTITY_TYPES if c is not PartnerSuccessManager)
        _fail("entity", value, f"one of {names} (partner success managers use PartnerManager's)")


@attrs.frozen(kw_only=True)
class RecordMapping:
    """How one entity type maps to one CRM object: names, vocabularies, defaults, shapes.

    Every entity attribute (or part of one) is a *slot* with a name in the mapping:
    the attribute's name (``"stage"``), or for composite attributes
    ``"amount.currency"``, ``"managers.partner_success_manager"``,
    ``"capacity.ramp"``. A slot not named in ``fields`` keeps its generic CRM name
    (the attribute's name; ``"currency"``, ``"<role>_id"``, ``"capacity_<part>"``).

    >>> from partnerdomain import Partner, PartnerType
    >>> mine = RecordMapping(
    ...     entity=Partner,
    ...     fields={"id": "partner_no", "partner_type": "kind"},
    ...     vocabularies={"partner_type": {"Value Added Reseller": PartnerType.VAR}},
    ... )
    >>> mine.crm_name("partner_type"), mine.crm_name("managers.recruiter")
    ('kind', 'recruiter_id')

    Args:
        entity: The entity type (``Partner``, ``Opportunity``, ...); the mapping of
            ``PartnerManager`` also serves ``PartnerSuccessManager``.
        crm_object: The CRM object's name (e.g. ``"Account"``), for documentation.
        fields: Slot name to CRM field name, for the slots whose names differ.
        vocabularies: Enumerated slot to ``{CRM label: member}``; one label per member.
            Members without a label keep their value as their label.
        defaults: Attribute to the value it takes when the CRM field is absent or null.
        default_currency: The currency of amounts whose record has no currency field.
        timestamps: Date slots whose CRM field holds a timestamp (``CreatedDate``):
            the entity keeps the calendar day as written, and the full text is kept in
            ``custom_fields`` so that it is written back unchanged.
        timestamp_suffix: What export appends to a day for a timestamp slot.
        properties: The key of a nested object holding the fields (HubSpot's
            ``"properties"``); ``None`` for flat records.
        top_level: With ``properties``: field names that sit beside it, not in it.
        textual: Whether the CRM sends every value as a string (HubSpot, CSV files).
        multi_select: Whether lists are ``;``-separated text (Salesforce and HubSpot
            multi-select picklists) rather than JSON lists.
        json_objects: Whether objects (the onboarding checklist) are JSON text.
        amounts_as_text: Whether export writes amounts as strings (``"1200.50"``)
            rather than ``Decimal`` numbers.
        write_nulls: Whether export writes absent values as ``null`` (as SOQL returns
            them) rather than leaving the field out.
        unknown: ``"keep"`` (fields the mapping does not know go to ``custom_fields``)
            or ``"forbid"`` (each one is a problem of the record).
    """

    entity: type[Any] = attrs.field(validator=_check_entity)
    crm_object: str | None = None
    fields: FrozenMap[str, str] = attrs.field(factory=FrozenMap, converter=_frozen_str_map)
    vocabularies: FrozenMap[str, FrozenMap[str, Enum]] = attrs.field(
        factory=FrozenMap, converter=_frozen_vocabularies
    )
    defaults: FrozenMap[str, Any] = attrs.field(factory=FrozenMap, converter=_frozen_any_map)
    default_currency: str | None = None
    timestamps: frozenset[str] = attrs.field(default=frozenset(), converter=_frozen_names)
    timestamp_suffix: str = "T00:00:00.000+0000"
    properties: str | None = None
    top_level: frozenset[str] = attrs.field(default=frozenset({"id"}), converter=_frozen_names)
    textual: bool = False
    multi_select: bool = False
    json_objects: bool = False
    amounts_as_text: bool = True
    write_nulls: bool = False
    unknown: Literal["keep", "forbid"] = "keep"
    _plans: dict[type[Any], Any] = attrs.field(
        init=False, factory=dict, eq=False, repr=False, hash=False
    )

    def __attrs_post_init__(self) -> None:  # noqa: C901, PLR0912 - one check per rule
        """Check the mapping as a whole, so a mistake shows when it is built."""
        slots = {s.key: s for s in self.slots}
        for key, name in self.fields.items():
            if key not in slots:
                _fail("fields", key, f"a slot of {self.entity.__name__}: {', '.join(slots)}")
            if type(name) is not str or not name:
                _fail("fields", name, f"a non-empty CRM field name for {key!r}")
        names: dict[str, str] = {}
        for slot in self.slots:
            name = self.crm_name(slot.key)
            if name in names:
                _fail("fields", name, f"one slot per CRM field ({names[name]!r} and {slot.key!r})")
            if name == self.properties:
                _fail("fields", name, f"a name other than the container {self.properties!r}")
            names[name] = slot.key
        for key, vocabulary in self.vocabularies.items():
            found = slots.get(key)
            if found is None or found.enum is None:
                enums = ", ".join(s.key for s in self.slots if s.enum is not None)
                _fail("vocabularies", key, f"an enumerated slot: {enums}")
            enum = found.enum
            seen: dict[Enum, str] = {}
            for label, member in vocabulary.items():
                if type(label) is not str or not isinstance(member, enum):
                    _fail("vocabularies", {label: member}, f"labels to {enum.__name__} members")
                if member in seen:
                    _fail("vocabularies", label, f"one label per member ({seen[member]!r} too)")
                seen[member] = label
            clashes = [m.value for m in enum if m not in seen and m.value in vocabulary]
            if clashes:
                _fail("vocabularies", clashes, "labels that are not another member's value")
        attributes = {s.attr for s in self.slots}
        for key in self.defaults:
            if key not in attributes:
                _fail("defaults", key, f"an attribute of {self.entity.__name__}")
        for key in self.timestamps:
            if key not in slots or slots[key].kind != "date":
                _fail("timestamps", key, "a date slot")
        if self.default_currency is not None and self.default_currency not in ISO_4217_CURRENCIES:
            _fail("default_currency", self.default_currency, "an ISO 4217 code such as 'USD'")
        if self.unknown not in ("keep", "forbid"):
            _fail("unknown", self.unknown, "'keep' or 'forbid'")

    @property
    def slots(self) -> tuple[Slot, ...]:
        """The entity's slots (see :class:`RecordMapping`)."""
        return slots_of(self.entity)

    def crm_name(self, key: str) -> str:
        """Return the CRM field name of a slot (its generic name unless renamed)."""
        name = self.fields.get(key)
        if name is not None:
            return name
        for slot in self.slots:
            if slot.key == key:
                return slot.generic_name
        msg = f"{self.entity.__name__} has no slot {key!r}"
        raise KeyError(msg)

    def extend(
        self,
        *,
        fields: Mapping[str, str] | None = None,
        vocabularies: Mapping[str, Mapping[str, Enum]] | None = None,
        defaults: Mapping[str, Any] | None = None,
        **changes: Any,  # noqa: ANN401 - any other setting of the mapping
    ) -> RecordMapping:
        """Return a copy with more renames, vocabulary labels and defaults, or new settings.

        ``fields``, ``vocabularies`` and ``defaults`` are merged into this mapping's
        (a vocabulary given for a slot replaces that slot's); other keywords replace
        the setting of the same name.
        """
        merged_vocabularies: dict[str, Mapping[str, Enum]] = dict(self.vocabularies)
        merged_vocabularies.update(vocabularies or {})
        return attrs.evolve(
            self,
            fields={**self.fields, **(fields or {})},
            vocabularies=merged_vocabularies,
            defaults={**self.defaults, **(defaults or {})},
            **changes,
        )

    def plan(self, target: type[Any]) -> Plan:
        """Return the compiled reader and writer of ``target`` for this mapping (cached)."""
        plan = self._plans.get(target)
        if plan is None:
            from partnerdomain.records import _plan  # noqa: PLC0415 - breaks the import cycle

            plan = self._plans[target] = _plan.Plan(self, target)
        return plan

    def accepts(self, target: type[Any]) -> bool:
        """Say whether this mapping reads and writes ``target``."""
        return target is self.entity or (
            self.entity is PartnerManager and target is PartnerSuccessManager
        )


HUBSPOT_TOP_LEVEL = _HUBSPOT_TOP_LEVEL
