"""The lead ledger: every offer, decline and unassigned lead, kept to answer "why?"."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from enum import StrEnum
from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

from partnerdomain.channel._check import fail, need_date
from partnerdomain.channel._reasons import Reason
from partnerdomain.model import FrozenMap

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "Candidate",
    "LeadLedger",
    "LedgerEntry",
    "LedgerEntryKind",
    "LedgerReport",
    "PartnerLeads",
]


class LedgerEntryKind(StrEnum):
    """What happened to a lead on a day."""

    OFFERED = "offered"
    """The lead was offered to (assigned to) a partner."""
    DECLINED = "declined"
    """The partner gave the lead back; it is never offered to that partner again."""
    UNASSIGNED = "unassigned"
    """No partner could take the lead; the reasons say why."""


@attrs.frozen(kw_only=True)
class Candidate:
    """A partner that could have been offered a lead, with its weight and its chance.

    Args:
        partner_id: The partner.
        weight: Its weight in the draw (zero-weight partners are never candidates).
        share: Its exact chance of being picked: its weight over the total weight.
    """

    partner_id: str
    weight: Fraction
    share: Fraction


@attrs.frozen(kw_only=True)
class LedgerEntry:
    """One event in the life of a lead.

    Args:
        lead_id: The lead.
        on: The day it happened.
        kind: Offered, declined or unassigned.
        partner_id: The partner offered the lead or declining it (``None`` if unassigned).
        candidates: For an offer, every partner that was in the draw; empty otherwise.
        reasons: Why.
    """

    lead_id: str
    on: date
    kind: LedgerEntryKind
    partner_id: str | None = None
    candidates: tuple[Candidate, ...] = ()
    reasons: tuple[Reason, ...] = ()


@attrs.frozen(kw_only=True)
class PartnerLeads:
    """One partner's line in a :class:`LedgerReport`.

    Args:
        partner_id: The partner.
        offered: How many leads it was offered in the period.
        declined: How many of those offers it declined (in the period).
        in_draw: In how many draws it was a candidate.
        expected: How many leads it could expect from those draws (the sum of its
            chances), exactly.
        lead_ids: The leads offered to it, in order.
    """

    partner_id: str
    offered: int
    declined: int
    in_draw: int
    expected: Fraction
    lead_ids: tuple[str, ...]

    @property
    def kept(self) -> int:
        """How many offered leads it did not decline."""
        return self.offered - self.declined

    def explain(self) -> str:
        """Say, in words the partner may be shown, how many leads it got and why."""
        return (
            f"You were in the draw for {self.in_draw} lead(s); with your weight you could "
            f"expect {float(self.expected):.1f}. You were offered {self.offered} and "
            f"declined {self.declined}. Every draw gives each partner a chance equal to its "
            "weight divided by the total weight of the partners that could take the lead."
        )


@attrs.frozen(kw_only=True)
class LedgerReport:
    """How many leads each partner got over a period, and why.

    Args:
        start: The first day of the period (``None``: from the beginning).
        end: The last day of the period (``None``: to the end).
        partners: One line per partner that was offered a lead or was in a draw.
        unassigned: The entries of leads no partner could take, with their reasons.
    """

    start: date | None
    end: date | None
    partners: FrozenMap[str, PartnerLeads]
    unassigned: tuple[LedgerEntry, ...]

    def counts(self) -> FrozenMap[str, int]:
        """Return how many leads each partner was offered in the period."""
        return FrozenMap((pid, line.offered) for pid, line in self.partners.items())


def _as_entries(value: Iterable[LedgerEntry]) -> tuple[LedgerEntry, ...]:
    return tuple(value)


def _entries(
    _instance: object, attribute: attrs.Attribute[tuple[LedgerEntry, ...]], value: object
) -> None:
    if not isinstance(value, tuple) or not all(isinstance(e, LedgerEntry) for e in value):
        fail("LeadLedger", attribute.name, value, "a tuple of LedgerEntry")


@attrs.frozen(kw_only=True)
class LeadLedger:
    """An append-only record of what happened to every lead; immutable, like the model.

    Each change returns a new ledger. The ledger remembers who declined which lead
    (so nobody is offered a lead twice after declining it), how many leads each
    partner holds in a quarter (so capacity holds across runs), and for every offer
    who else was in the draw and with what chance (so "why did they get two leads?"
    has an answer).

    Args:
        entries: The entries, oldest first.
    """

    entries: tuple[LedgerEntry, ...] = attrs.field(
        default=(), converter=_as_entries, validator=_entries
    )

    def extended(self, entries: Iterable[LedgerEntry]) -> LeadLedger:
        """Return a ledger with ``entries`` appended."""
        return LeadLedger(entries=self.entries + tuple(entries))

    def holder(self, lead_id: str) -> str | None:
        """Return the partner currently holding ``lead_id`` (offered, not declined), if any."""
        holder: str | None = None
        for entry in self.entries:
            if entry.lead_id != lead_id:
                continue
            if entry.kind is LedgerEntryKind.OFFERED:
                holder = entry.partner_id
            elif entry.kind is LedgerEntryKind.DECLINED and entry.partner_id == holder:
                holder = None
        return holder

    def decline(
        self, lead_id: str, partner_id: str, *, on: date, note: str | None = None
    ) -> LeadLedger:
        """Record that ``partner_id`` gave back ``lead_id`` on ``on``.

        Args:
            lead_id: The lead.
            partner_id: The partner that holds it and declines it.
            on: The day it declined.
            note: The partner's own reason, if it gave one.

        Returns:
            The new ledger.

        Raises:
            ValidationError: If the partner does not hold the lead.
        """
        need_date("LeadLedger.decline", "on", on)
        if self.holder(lead_id) != partner_id:
            fail(
                "LeadLedger.decline",
                "partner_id",
                partner_id,
                f"the partner holding lead {lead_id!r} ({self.holder(lead_id)!r})",
            )
        message = f"{partner_id} declined lead {lead_id}" + (f": {note}" if note else ".")
        reason = Reason(
            code="lead.declined",
            message=message,
            facts={"lead_id": lead_id, "partner_id": partner_id, "note": note},
        )
        entry = LedgerEntry(
            lead_id=lead_id,
            on=on,
            kind=LedgerEntryKind.DECLINED,
            partner_id=partner_id,
            reasons=(reason,),
        )
        return self.extended((entry,))

    def lead_states(self) -> tuple[dict[str, str], dict[str, set[str]]]:
        """Return, in one pass, each held lead's holder and each lead's decliners."""
        holders: dict[str, str] = {}
        decliners: defaultdict[str, set[str]] = defaultdict(set)
        for entry in self.entries:
            if entry.partner_id is None:
                continue
            if entry.kind is LedgerEntryKind.OFFERED:
                holders[entry.lead_id] = entry.partner_id
            elif entry.kind is LedgerEntryKind.DECLINED:
                decliners[entry.lead_id].add(entry.partner_id)
                if holders.get(entry.lead_id) == entry.partner_id:
                    del holders[entry.lead_id]
        return holders, dict(decliners)

    def declined_by(self, lead_id: str) -> frozenset[str]:
        """Return every partner that ever declined ``lead_id``."""
        return frozenset(
            e.partner_id
            for e in self.entries
            if e.lead_id == lead_id and e.kind is LedgerEntryKind.DECLINED and e.partner_id
        )

    def between(
        self, start: date | None = None, end: date | None = None
    ) -> tuple[LedgerEntry, ...]:
        """Return the entries dated from ``start`` to ``end``, both included."""
        return tuple(
            e
            for e in self.entries
            if (start is None or e.on >= start) and (end is None or e.on <= end)
        )

    def held(self, start: date, end: date) -> Counter[str]:
        """Count, per partner, the leads offered from ``start`` to ``end`` and not declined."""
        offered: dict[str, str] = {}
        for entry in self.entries:
            if entry.partner_id is None:
                continue
            if entry.kind is LedgerEntryKind.OFFERED and start <= entry.on <= end:
                offered[entry.lead_id] = entry.partner_id
            elif (
                entry.kind is LedgerEntryKind.DECLINED
                and offered.get(entry.lead_id) == entry.partner_id
            ):
                del offered[entry.lead_id]
        return Counter(offered.values())

    def report(self, start: date | None = None, end: date | None = None) -> LedgerReport:
        """Say how many leads each partner got from ``start`` to ``end``, and why.

        Args:
            start: The first day (``None``: from the first entry).
            end: The last day (``None``: to the last entry).

        Returns:
            One line per partner (sorted by id) and the unassigned leads.
        """
        offered: defaultdict[str, list[str]] = defaultdict(list)
        declined: Counter[str] = Counter()
        in_draw: Counter[str] = Counter()
        expected: defaultdict[str, Fraction] = defaultdict(Fraction)
        unassigned = []
        for entry in self.between(start, end):
            if entry.kind is LedgerEntryKind.UNASSIGNED:
                unassigned.append(entry)
            elif entry.kind is LedgerEntryKind.DECLINED and entry.partner_id:
                declined[entry.partner_id] += 1
            elif entry.partner_id:
                offered[entry.partner_id].append(entry.lead_id)
                for candidate in entry.candidates:
                    in_draw[candidate.partner_id] += 1
                    expected[candidate.partner_id] += candidate.share
        ids = sorted(set(offered) | set(in_draw) | set(declined))
        lines = FrozenMap(
            (
                pid,
                PartnerLeads(
                    partner_id=pid,
                    offered=len(offered[pid]),
                    declined=declined[pid],
                    in_draw=in_draw[pid],
                    expected=expected[pid],
                    lead_ids=tuple(offered[pid]),
                ),
            )
            for pid in ids
        )
        return LedgerReport(start=start, end=end, partners=lines, unassigned=tuple(unassigned))
