"""The errors partnerdomain raises, under one root.

Catch :class:`PartnerDomainError` to handle every error of the library at once, or a
subclass to handle one kind. Each error carries the facts that explain it as
attributes (what was wrong, with what value, what was expected), so that a caller can
report it without parsing the message.

This module imports nothing else of the package: every layer may raise these errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from datetime import date

__all__ = [
    "CurrencyMismatchError",
    "DanglingReference",
    "DuplicateId",
    "PartnerDomainError",
    "PluginError",
    "ReasonKind",
    "ReferentialIntegrityError",
    "RuleError",
    "RuleLoadError",
    "TransitionReason",
    "TransitionRejected",
    "UnknownIdError",
    "ValidationError",
]


class PartnerDomainError(Exception):
    """The root of every error partnerdomain raises."""


class ValidationError(PartnerDomainError, ValueError):
    """A value, or an object under construction, broke a rule of the domain model.

    Attributes:
        entity: The name of the type being built, e.g. ``"Partner"``.
        field: The field that holds the offending value, e.g. ``"certifications"``.
        value: The offending value itself.
        expected: What the field accepts, in words.
    """

    def __init__(self, entity: str, field: str, value: object, expected: str) -> None:
        """Build the error from what was wrong, with what value and what was expected."""
        self.entity = entity
        self.field = field
        self.value = value
        self.expected = expected
        msg = f"{entity}.{field}: expected {expected}, got {value!r}"
        super().__init__(msg)

    def __reduce__(self) -> tuple[type[ValidationError], tuple[str, str, object, str]]:
        """Pickle with the constructor's arguments, so errors survive process pools."""
        return (type(self), (self.entity, self.field, self.value, self.expected))


class CurrencyMismatchError(PartnerDomainError, ValueError):
    """Two amounts of money in different currencies were combined or compared.

    Attributes:
        operation: What was attempted, e.g. ``"+"`` or ``"<"``.
        left: The currency of the left operand.
        right: The currency of the right operand.
    """

    def __init__(self, operation: str, left: str, right: str) -> None:
        """Build the error from the operation and the two currencies."""
        self.operation = operation
        self.left = left
        self.right = right
        msg = (
            f"cannot apply {operation!r} to {left} and {right}: amounts in different "
            f"currencies never mix; convert one first with Money.convert(currency, rate)"
        )
        super().__init__(msg)

    def __reduce__(self) -> tuple[type[CurrencyMismatchError], tuple[str, str, str]]:
        """Pickle with the constructor's arguments."""
        return (type(self), (self.operation, self.left, self.right))


class UnknownIdError(PartnerDomainError, KeyError):
    """A lookup by id found nothing.

    Attributes:
        kind: The kind of entity looked up, e.g. ``"partner"``.
        id: The id that was not found.
    """

    def __init__(self, kind: str, id: str) -> None:  # noqa: A002 - "id" is the domain's word
        """Build the error from the kind of entity and the missing id."""
        self.kind = kind
        self.id = id
        super().__init__(kind, id)

    def __str__(self) -> str:
        """Say which id of which kind is unknown."""
        return f"no {self.kind} with id {self.id!r}"

    def __reduce__(self) -> tuple[type[UnknownIdError], tuple[str, str]]:
        """Pickle with the constructor's arguments."""
        return (type(self), (self.kind, self.id))


@attrs.frozen(kw_only=True)
class DanglingReference:
    """One reference from an entity to an id that does not exist.

    Attributes:
        source_kind: The kind of entity holding the reference, e.g. ``"opportunity"``.
        source_id: The id of that entity.
        field: The field holding the reference, e.g. ``"partner_id"``.
        target_kind: The kind of entity the reference should point to.
        target_id: The id that was not found.
    """

    source_kind: str
    source_id: str
    field: str
    target_kind: str
    target_id: str

    def __str__(self) -> str:
        """Describe the reference in one line."""
        return (
            f"{self.source_kind} {self.source_id!r}: {self.field} refers to "
            f"{self.target_kind} {self.target_id!r}, which is not in the portfolio"
        )


@attrs.frozen(kw_only=True)
class DuplicateId:
    """An id used by more than one entity of the same kind.

    Attributes:
        kind: The kind of entity, e.g. ``"partner"``.
        id: The repeated id.
        count: How many entities use it.
    """

    kind: str
    id: str
    count: int

    def __str__(self) -> str:
        """Describe the duplicate in one line."""
        return f"{self.kind} id {self.id!r} is used {self.count} times"


class ReferentialIntegrityError(PartnerDomainError, ValueError):
    """A portfolio's entities do not fit together.

    Lists every problem found, not only the first: each dangling reference, each
    duplicated id, and each amount in a currency other than the portfolio's.

    Attributes:
        dangling: Every reference to an id that does not exist.
        duplicates: Every id used by more than one entity of a kind.
        currency_problems: Every amount not in the portfolio's reporting currency, as
            human-readable lines.
    """

    def __init__(
        self,
        dangling: Iterable[DanglingReference] = (),
        duplicates: Iterable[DuplicateId] = (),
        currency_problems: Iterable[str] = (),
    ) -> None:
        """Build the error from every problem found."""
        self.dangling = tuple(dangling)
        self.duplicates = tuple(duplicates)
        self.currency_problems = tuple(currency_problems)
        lines = [str(p) for p in self.duplicates]
        lines += [str(p) for p in self.dangling]
        lines += list(self.currency_problems)
        count = len(lines)
        shown = "\n  ".join(lines[:50])
        more = f"\n  ... and {count - 50} more" if count > 50 else ""
        msg = f"the portfolio is not consistent ({count} problem(s)):\n  {shown}{more}"
        super().__init__(msg)

    def __reduce__(
        self,
    ) -> tuple[
        type[ReferentialIntegrityError],
        tuple[tuple[DanglingReference, ...], tuple[DuplicateId, ...], tuple[str, ...]],
    ]:
        """Pickle with the constructor's arguments."""
        return (type(self), (self.dangling, self.duplicates, self.currency_problems))


class RuleError(PartnerDomainError):
    """An organisation rule failed while it was evaluated, or returned something invalid.

    In ``on_error="collect"`` mode the evaluation keeps it as a result; in
    ``on_error="raise"`` mode it is raised. Either way the other rules' decisions are
    unaffected. The original exception, if any, is the ``__cause__``.

    Attributes:
        rule_id: The id of the rule that failed.
        fact_kind: The kind of fact it was evaluated on (``"partner"``, ``"opportunity"``,
            ``"portfolio"``, ``"transition"``).
        fact_id: The id of that fact (a partner's or deal's id; the moved entity's id
            for a transition; ``None`` for a portfolio).
        reason: What went wrong, in words.
        field: The named fact the rule failed on (e.g. ``"revenue"``), when known.
        plugin: The plugin the rule came from, as ``"distribution version"``, if any.
    """

    def __init__(  # noqa: PLR0913, PLR0917 - an error that explains itself has many parts
        self,
        rule_id: str,
        fact_kind: str,
        fact_id: str | None,
        reason: str,
        field: str | None = None,
        plugin: str | None = None,
    ) -> None:
        """Build the error from the rule, the fact it failed on and the reason."""
        self.rule_id = rule_id
        self.fact_kind = fact_kind
        self.fact_id = fact_id
        self.reason = reason
        self.field = field
        self.plugin = plugin
        on = fact_kind if fact_id is None else f"{fact_kind} {fact_id!r}"
        where = "" if field is None else f" (fact {field!r})"
        source = "" if plugin is None else f" from plugin {plugin}"
        msg = f"rule {rule_id!r}{source} failed on {on}{where}: {reason}"
        super().__init__(msg)

    def __reduce__(
        self,
    ) -> tuple[type[RuleError], tuple[str, str, str | None, str, str | None, str | None]]:
        """Pickle with the constructor's arguments."""
        return (
            type(self),
            (self.rule_id, self.fact_kind, self.fact_id, self.reason, self.field, self.plugin),
        )


class PluginError(PartnerDomainError):
    """A rule plugin could not be found, loaded or used.

    Attributes:
        name: The plugin's entry-point name, as given to ``load_plugins``.
        reason: What went wrong and what to do about it.
        distribution: The distribution that provides it, when known.
        version: That distribution's version, when known.
    """

    def __init__(
        self,
        name: str,
        reason: str,
        distribution: str | None = None,
        version: str | None = None,
    ) -> None:
        """Build the error from the plugin's name and what went wrong."""
        self.name = name
        self.reason = reason
        self.distribution = distribution
        self.version = version
        source = "" if distribution is None else f" (from {distribution} {version or '?'})"
        msg = f"rule plugin {name!r}{source}: {reason}"
        super().__init__(msg)

    def __reduce__(self) -> tuple[type[PluginError], tuple[str, str, str | None, str | None]]:
        """Pickle with the constructor's arguments."""
        return (type(self), (self.name, self.reason, self.distribution, self.version))


class RuleLoadError(PartnerDomainError, ValueError):
    """A file of declarative rules could not be loaded: nothing of it is used.

    Attributes:
        source: The file (or other source) the rules came from.
        rule_id: The id of the offending rule, or ``None`` when the problem is not in
            one rule (unreadable TOML, a missing optional dependency).
        reason: What was wrong and what was expected.
    """

    def __init__(self, source: str, rule_id: str | None, reason: str) -> None:
        """Build the error from the file, the rule and the reason."""
        self.source = source
        self.rule_id = rule_id
        self.reason = reason
        where = source if rule_id is None else f"{source}, rule {rule_id!r}"
        msg = f"{where}: {reason}"
        super().__init__(msg)

    def __reduce__(self) -> tuple[type[RuleLoadError], tuple[str, str | None, str]]:
        """Pickle with the constructor's arguments."""
        return (type(self), (self.source, self.rule_id, self.reason))


_SHOWN = 200  # characters of a problem's value that its text shows


@attrs.frozen(kw_only=True)
class RecordProblem:
    """One thing wrong with one field of a CRM record.

    Attributes:
        field: The field as the CRM names it (e.g. ``"CloseDate"``), not the Python
            attribute; ``"*"`` for a problem of the record as a whole.
        value: The offending value, as found in the record (``None`` when missing).
        expected: What the field accepts, in words.
    """

    field: str
    value: object
    expected: str

    def __str__(self) -> str:
        """Describe the problem in one line; a long value is cut (``value`` keeps it whole)."""
        shown = repr(self.value)
        if len(shown) > _SHOWN:
            shown = f"{shown[:_SHOWN]}... ({len(shown):,} characters in all)"
        return f"{self.field}: expected {self.expected}, got {shown}"


class RecordError(PartnerDomainError, ValueError):
    """A CRM record could not become an entity (or an entity could not become a record).

    Lists every problem of the record, not only the first.

    Attributes:
        entity: The entity type being built or written, e.g. ``"Partner"``.
        problems: Every problem found, one per field.
        index: The record's position in its input (0-based), when known.
        record_id: The record's id as the CRM knows it, when it could be read.
        source: The file the record came from, when it came from one.
        line: The line of ``source`` the record starts on (counted from 1), for JSON
            Lines and CSV files; blank lines, a CSV header and cells that span lines
            make it differ from ``index``.
    """

    def __init__(  # noqa: PLR0913 - the problems, and each way to say where the record was
        self,
        entity: str,
        problems: Iterable[RecordProblem],
        index: int | None = None,
        record_id: str | None = None,
        *,
        source: str | None = None,
        line: int | None = None,
    ) -> None:
        """Build the error from the entity type, the problems and where the record was."""
        self.entity = entity
        self.problems = tuple(problems)
        self.index = index
        self.record_id = record_id
        self.source = source
        self.line = line
        where = [] if source is None else [f"in {source}"]
        if index is not None:
            where.append(f"index {index}")  # 0-based, as in Python; the line is 1-based
        if line is not None:
            where.append(f"line {line}")
        if record_id is not None:
            where.append(f"id {record_id!r}")
        place = f" ({', '.join(where)})" if where else ""
        count = len(self.problems)
        lines = "\n  ".join(str(p) for p in self.problems)
        msg = f"{entity} record{place} has {count} problem(s):\n  {lines}"
        super().__init__(msg)

    def in_source(self, source: str, line: int | None = None) -> RecordError:
        """Return the same error, saying which file (and line) the record came from.

        Without ``line``, the error keeps the line it has.
        """
        line = self.line if line is None else line
        return type(self)(
            self.entity, self.problems, self.index, self.record_id, source=source, line=line
        )

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle with the constructor's arguments."""
        args = (self.entity, self.problems, self.index, self.record_id, self.source, self.line)
        return (_record_error, (type(self), *args))


def _record_error(  # noqa: PLR0913, PLR0917 - RecordError's arguments, for unpickling
    cls: type[RecordError],
    entity: str,
    problems: tuple[RecordProblem, ...],
    index: int | None,
    record_id: str | None,
    source: str | None,
    line: int | None,
) -> RecordError:
    return cls(entity, problems, index, record_id, source=source, line=line)


class ReasonKind(StrEnum):
    """What a lifecycle reason is about: why a move was refused, or why it was allowed."""

    UNKNOWN_EVENT = "unknown_event"
    """The lifecycle has no event of that name."""
    NOT_ALLOWED = "not_allowed"
    """The event exists, but leads nowhere from the current stage (or the stage is final)."""
    OUT_OF_ORDER = "out_of_order"
    """The move is dated before the entity entered its current stage."""
    GUARD_FAILED = "guard_failed"
    """A guard of the transition did not hold."""
    GUARD_HELD = "guard_held"
    """A guard of the transition held (kept on the event of an accepted move)."""
    VETOED = "vetoed"
    """An organisation rule vetoed the move."""
    RULE_FAILED = "rule_failed"
    """An organisation rule could not be checked; the move is refused (fail closed)."""
    RULE_DECISION = "rule_decision"
    """A flag or recommendation a transition rule made on an accepted move."""


def _frozen_facts(value: Mapping[str, object]) -> Mapping[str, object]:
    return MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class TransitionReason:
    """One machine-readable reason why a lifecycle move was refused or allowed.

    Attributes:
        kind: What the reason is about (a guard, a rule, the chart itself).
        code: A stable identifier, e.g. ``"contract_not_signed"`` or ``"invoice_outstanding"``.
        message: The reason in one line, for people.
        guard: The name of the guard that failed or held, if a guard gave the reason.
        rule_id: The id of the organisation rule, if a rule gave the reason.
        facts: The values the reason rests on (e.g. an invoice's id and amount).
    """

    kind: ReasonKind
    code: str
    message: str
    guard: str | None = None
    rule_id: str | None = None
    facts: Mapping[str, object] = attrs.field(factory=dict, converter=_frozen_facts, hash=False)

    def __str__(self) -> str:
        """Describe the reason in one line, naming its guard or rule."""
        source = (
            f"guard {self.guard}"
            if self.guard is not None
            else f"rule {self.rule_id}"
            if self.rule_id is not None
            else self.kind.value
        )
        return f"{source}: {self.message}"

    def __reduce__(
        self,
    ) -> tuple[
        Callable[..., TransitionReason],
        tuple[ReasonKind, str, str, str | None, str | None, dict[str, object]],
    ]:
        """Pickle with plain values (the read-only facts mapping cannot be pickled)."""
        facts = dict(self.facts)
        return (_reason, (self.kind, self.code, self.message, self.guard, self.rule_id, facts))


def _reason(  # noqa: PLR0913, PLR0917 - the positional form pickling needs
    kind: ReasonKind,
    code: str,
    message: str,
    guard: str | None,
    rule_id: str | None,
    facts: dict[str, object],
) -> TransitionReason:
    return TransitionReason(
        kind=kind, code=code, message=message, guard=guard, rule_id=rule_id, facts=facts
    )


class TransitionRejected(PartnerDomainError):  # noqa: N818 - the contract name (DESIGN.md)
    """A lifecycle move was refused; every reason is listed, not only the first.

    Attributes:
        entity_kind: What was to move: ``"partner"``, ``"opportunity"`` or ``"commitment"``.
        entity_id: Its id.
        event: The event that was asked for, e.g. ``"sign"``.
        source: The value of the stage it is in (and stays in).
        target: The value of the stage it would have moved to; ``None`` when the event
            leads nowhere from ``source``.
        at: The day the move was asked for.
        reasons: Every reason it was refused, as :class:`TransitionReason` values: the
            event is unknown or not allowed from this stage, which guards failed and why,
            which rules vetoed it or could not be checked.
    """

    def __init__(  # noqa: PLR0913 - an error that explains itself has many parts
        self,
        *,
        entity_kind: str,
        entity_id: str,
        event: str,
        source: str,
        target: str | None,
        at: date,
        reasons: Iterable[TransitionReason],
    ) -> None:
        """Build the error from the move that was asked for and every reason it was refused."""
        self.entity_kind = entity_kind
        self.entity_id = entity_id
        self.event = event
        self.source = source
        self.target = target
        self.at = at
        self.reasons = tuple(reasons)
        where = (
            f"from {str(source)!r}"
            if target is None
            else f"from {str(source)!r} to {str(target)!r}"
        )
        lines = "\n  ".join(str(r) for r in self.reasons)
        msg = (
            f"cannot {event} {entity_kind} {entity_id!r} {where} on {at.isoformat()} "
            f"({len(self.reasons)} reason(s)):\n  {lines}"
        )
        super().__init__(msg)

    @property
    def codes(self) -> tuple[str, ...]:
        """The reasons' codes, in order (handy for checks and logs)."""
        return tuple(r.code for r in self.reasons)

    def __reduce__(self) -> tuple[Callable[..., TransitionRejected], tuple[object, ...]]:
        """Pickle with the constructor's arguments."""
        return (
            _rejected,
            (
                self.entity_kind,
                self.entity_id,
                self.event,
                self.source,
                self.target,
                self.at,
                self.reasons,
            ),
        )


def _rejected(  # noqa: PLR0913, PLR0917 - the positional form pickling needs
    entity_kind: str,
    entity_id: str,
    event: str,
    source: str,
    target: str | None,
    at: date,
    reasons: tuple[TransitionReason, ...],
) -> TransitionRejected:
    return TransitionRejected(
        entity_kind=entity_kind,
        entity_id=entity_id,
        event=event,
        source=source,
        target=target,
        at=at,
        reasons=reasons,
    )
