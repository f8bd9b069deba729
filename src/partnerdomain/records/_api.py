"""from_record, from_records, to_record: the records layer's entry points."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

import attrs

from partnerdomain.exceptions import RecordError, RecordProblem
from partnerdomain.records._converter import forget_memos
from partnerdomain.records._profiles import GENERIC, Profile, get_profile

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from partnerdomain.records._plan import Plan

__all__ = ["ImportResult", "Reject", "from_record", "from_records", "to_record", "to_records"]

T = TypeVar("T")


@attrs.frozen(kw_only=True)
class Reject:
    """A record that did not become an entity, kept with every reason why.

    Attributes:
        index: Its position in the input (0-based).
        record: The record itself, exactly as it was given.
        error: The error that lists every problem of the record.
        line: The line its file has it on (counted from 1), when it was read from a
            JSON Lines or CSV file by :func:`~partnerdomain.records.from_file` (or
            :func:`~partnerdomain.records.load_portfolio`); blank lines, a CSV header
            and cells that span lines make it differ from ``index``.
    """

    index: int
    record: object
    error: RecordError
    line: int | None = None

    @property
    def problems(self) -> tuple[RecordProblem, ...]:
        """Every problem of the record."""
        return self.error.problems


@attrs.frozen(slots=True)
class UnreadRecord:
    """What a file holds where it has no record it can give (internal).

    A JSON Lines line that is not JSON (or not UTF-8), a CSV row with more cells than
    the header or that csv cannot read: read in collect mode, it is a reject like any
    bad record, and the read goes on.

    Attributes:
        given: What the file has there (the line's text or bytes, a row's cells, or
            ``None`` for a row csv cannot read).
        problem: Why it is no record.
        fields: What could be read of it by name, if anything (for its id).
    """

    given: object
    problem: RecordProblem
    fields: Mapping[str, object] | None = None


@attrs.frozen(kw_only=True)
class ImportResult(Generic[T]):
    """The entities built from a batch of records, and the records rejected.

    ``len(entities) + len(rejects)`` is always the number of records given.

    Attributes:
        entities: The entities, in input order.
        rejects: The records that could not be read, in input order (always empty
            with ``on_error="raise"``).
    """

    entities: tuple[T, ...]
    rejects: tuple[Reject, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether every record became an entity."""
        return not self.rejects


def _plan(entity_type: type[Any], profile: Profile | str) -> Plan:
    return get_profile(profile).mapping(entity_type).plan(entity_type)


def from_record(
    entity_type: type[T],
    record: Mapping[str, Any],
    *,
    profile: Profile | str = GENERIC,
    index: int | None = None,
) -> T:
    """Build one entity from one CRM record.

    >>> from partnerdomain import Partner
    >>> p = from_record(Partner, {"Id": "001A", "Name": "Acme IT", "Type": "Value Added Reseller",
    ...     "Partner_Stage__c": "Active", "Partner_Stage_Since__c": "2026-01-05",
    ...     "Rating": "Hot"}, profile="salesforce")
    >>> p.partner_type, p.custom_fields["Rating"]
    (<PartnerType.VAR: 'var'>, 'Hot')

    Args:
        entity_type: The entity to build: ``Partner``, ``Opportunity``, ...
            ``PartnerManager`` builds a ``PartnerSuccessManager`` when the record's
            role says so.
        record: The CRM record (for HubSpot, the whole object with ``properties``).
        profile: A :class:`Profile` or a built-in profile's name.
        index: The record's position in its input, for the error message.

    Returns:
        The entity. Fields the mapping does not know are in its ``custom_fields``.

    Raises:
        RecordError: Listing every problem of the record.
    """
    try:
        return _plan(entity_type, profile).read(record, index)  # type: ignore[no-any-return]
    finally:
        forget_memos()  # the memos hold nothing once the read is over


def from_records(
    entity_type: type[T],
    records: Iterable[Mapping[str, Any]],
    *,
    profile: Profile | str = GENERIC,
    on_error: Literal["raise", "collect"] = "raise",
) -> ImportResult[T]:
    """Build entities from CRM records, read one at a time (any iterable, even a stream).

    Args:
        entity_type: The entity to build for every record.
        records: The records.
        profile: A :class:`Profile` or a built-in profile's name.
        on_error: ``"raise"`` stops at the first bad record with its
            :class:`RecordError`; ``"collect"`` keeps going, and returns each bad record
            as a :class:`Reject` beside the good entities.

    Returns:
        The entities and, in collect mode, the rejects.

    Raises:
        RecordError: In raise mode, for the first bad record (listing all its problems).
    """
    batch = Batch(entity_type, profile, on_error)
    try:
        batch.read_all(records)
    finally:
        forget_memos()  # the memos hold nothing once the read is over
    return batch.result()


class Batch(Generic[T]):
    """A batch read under way: its plan, the entities and rejects so far (internal).

    :meth:`read_all` reads records as they come; a reader with its own way to the
    entities (the line readers) keeps them itself and hands a record to
    :meth:`read_all` when that way gives up.
    """

    every = 5000  # records between two calls of a progress callback

    def __init__(self, entity_type: type[T], profile: Profile | str, on_error: str) -> None:
        """Check ``on_error`` and compile (or reuse) the plan."""
        if on_error not in ("raise", "collect"):
            raise RecordError(
                entity_type.__name__,
                [RecordProblem(field="on_error", value=on_error, expected="'raise' or 'collect'")],
            )
        self.plan = _plan(entity_type, profile)
        self.fast: Callable[[object], T] = self.plan.read_fast
        self.entities: list[T] = []
        self.keep = self.entities.append
        self.rejects: list[Reject] = []
        self.collect = on_error == "collect"

    def read_all(
        self,
        records: Iterable[object],
        progress: Callable[[int], object] | None = None,
        index: int = 0,
    ) -> int:
        """Read records, the first being the ``index``-th; return the index after the last.

        ``progress`` is called with ``index`` before each record whose index is a
        multiple of :attr:`every`.
        """
        fast, keep, slow = self.fast, self.keep, self.slow
        due = self.due(index, progress)
        for record in records:
            if index == due:
                progress(index)  # type: ignore[misc] # due is -1 without progress
                due += self.every
            # The generated fast path first; the detailed path decides when it gives up.
            try:
                keep(fast(record))
                index += 1
                continue
            except Exception:  # noqa: BLE001, S110 - any failure hands over to the detailed path
                pass
            slow(record, index)
            index += 1
        return index

    def due(self, index: int, progress: Callable[[int], object] | None) -> int:
        """The first index from ``index`` on at which progress is reported (-1: never)."""
        return -1 if progress is None else -(-index // self.every) * self.every

    def slow(self, record: object, index: int) -> None:
        """Read a record the fast path gave up on: keep its entity, or its reject."""
        if isinstance(record, UnreadRecord):  # (given only in collect mode)
            record_id = None if record.fields is None else record.fields.get(self.plan.id_name)
            record_id = record_id if record_id.__class__ is str else None
            error = RecordError(self.plan.entity_name, [record.problem], index, record_id)
            self.rejects.append(Reject(index=index, record=record.given, error=error))
            return
        try:
            self.keep(self.plan.read_detailed(record, index))
        except RecordError as exc:
            if not self.collect:
                raise
            self.rejects.append(Reject(index=index, record=record, error=exc))

    def result(self) -> ImportResult[T]:
        """The entities and rejects read so far."""
        return ImportResult(entities=tuple(self.entities), rejects=tuple(self.rejects))


def to_record(entity: object, *, profile: Profile | str = GENERIC) -> dict[str, Any]:
    """Write one entity as a CRM record.

    Custom fields are written back unchanged, beside the mapped fields.

    Args:
        entity: Any entity of the model.
        profile: A :class:`Profile` or a built-in profile's name.

    Returns:
        A new dict, ready for ``json.dumps`` except that amounts are ``Decimal`` in
        profiles that write them as numbers (Salesforce).

    Raises:
        RecordError: If a custom field has the name of a mapped field (the record
            could not be read back the same), or ``entity`` is not an entity.
    """
    return _plan(type(entity), profile).write(entity)


def to_records(entities: Iterable[T], *, profile: Profile | str = GENERIC) -> list[dict[str, Any]]:
    """Write many entities (of any types) as CRM records, in order."""
    resolved = get_profile(profile)
    writers: dict[type[Any], Any] = {}
    out: list[dict[str, Any]] = []
    for entity in entities:
        cls = type(entity)
        write = writers.get(cls)
        if write is None:  # one plan per entity type met
            write = writers[cls] = resolved.mapping(cls).plan(cls).write
        out.append(write(entity))
    return out
