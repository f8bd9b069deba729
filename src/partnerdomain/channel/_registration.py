"""Deal registration: finding conflicting registrations and deciding who keeps the deal.

The rule is "first registered within a protection window wins". A registration
protects its customer account for ``protection_days`` days from the day it was
registered; any other registration of the same account that falls inside that window
loses to it. A registration that arrives after the window has expired (or after the
protected deal was lost) starts a new window of its own. Rejected registrations
never protect anything.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

import attrs

from partnerdomain.channel._accounts import normalise_account_name, normalise_domain
from partnerdomain.channel._check import fail
from partnerdomain.channel._reasons import Reason
from partnerdomain.exceptions import UnknownIdError
from partnerdomain.model import DealSource, Opportunity, OpportunityStage, Partner

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "Conflict",
    "IgnoredRegistration",
    "RegistrationDecision",
    "RegistrationPolicy",
    "RegistrationReview",
    "RegistrationStatus",
    "TieBreak",
]


class TieBreak(StrEnum):
    """How two registrations of one account made on the same day are told apart.

    The criteria apply in the order the policy lists them; when all are equal, the
    registration with the smaller opportunity id wins (arbitrary but stable, and said
    so in the reasons).
    """

    PARTNER_SOURCED_FIRST = "partner_sourced_first"
    """A partner-sourced registration beats a partner-influenced one."""
    LONGEST_PARTNERSHIP = "longest_partnership"
    """The partner that joined the program first wins (unknown join dates come last)."""


class RegistrationStatus(StrEnum):
    """What the policy decided about one registration."""

    CLEAR = "clear"
    """No other registration of the same account conflicts with it."""
    WINS = "wins"
    """It conflicts with later registrations and keeps the deal."""
    LOSES = "loses"
    """It fell inside another registration's protection window: to be rejected if it is
    still open (a deal already won or lost keeps its stage; its reasons say so)."""


@attrs.frozen(kw_only=True)
class RegistrationDecision:
    """The decision about one registration, with its reasons.

    Args:
        opportunity: The registration (an opportunity with a partner).
        status: Clear, wins or loses.
        account: The normalised account key the registration was matched on.
        winner_id: The id of the registration that keeps the deal (its own id unless
            it loses).
        protected_until: The last day the winning registration is protected.
        reasons: Why, in machine-readable form.
    """

    opportunity: Opportunity
    status: RegistrationStatus
    account: str
    winner_id: str
    protected_until: date
    reasons: tuple[Reason, ...]

    @property
    def id(self) -> str:
        """The id of the registration decided on."""
        return self.opportunity.id

    def explain(self) -> str:
        """Explain the decision in words the registering partner may be shown.

        The text names no other partner: a losing partner learns when the earlier
        registration was made and how long it is protected, never by whom.
        """
        return " ".join(reason.message for reason in self.reasons)


@attrs.frozen(kw_only=True)
class Conflict:
    """Registrations of one account inside one protection window: one winner, the rest lose.

    Args:
        account: The normalised account key they share.
        winner: The decision about the registration that keeps the deal.
        losers: The decisions about the registrations that lose, oldest first.
    """

    account: str
    winner: RegistrationDecision
    losers: tuple[RegistrationDecision, ...]

    @property
    def registrations(self) -> tuple[RegistrationDecision, ...]:
        """The winner followed by the losers."""
        return (self.winner, *self.losers)


@attrs.frozen(kw_only=True)
class IgnoredRegistration:
    """An opportunity the policy did not judge, and why (nothing is dropped silently).

    Args:
        opportunity: The opportunity.
        reason: Why it was left out (a direct deal, already rejected, no account).
    """

    opportunity: Opportunity
    reason: Reason


@attrs.frozen(kw_only=True)
class RegistrationReview:
    """The outcome of :meth:`RegistrationPolicy.review`.

    Args:
        decisions: One decision per judged registration, in the order given.
        conflicts: Every conflict found, by account and date.
        ignored: The opportunities not judged, each with its reason.
    """

    decisions: tuple[RegistrationDecision, ...]
    conflicts: tuple[Conflict, ...]
    ignored: tuple[IgnoredRegistration, ...]

    @property
    def losers(self) -> tuple[RegistrationDecision, ...]:
        """The registrations to reject, in the order given."""
        return tuple(d for d in self.decisions if d.status is RegistrationStatus.LOSES)

    def decision_for(self, opportunity_id: str) -> RegistrationDecision:
        """Return the decision about the registration with ``opportunity_id``.

        Raises:
            UnknownIdError: If no judged registration has that id (a ``KeyError``).
        """
        for decision in self.decisions:
            if decision.id == opportunity_id:
                return decision
        raise UnknownIdError("registration", opportunity_id)


def _positive_days(_instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if type(value) is not int or value < 1:
        fail("RegistrationPolicy", attribute.name, value, "a whole number of days, 1 or more")


def _tie_breaks(
    _instance: object, attribute: attrs.Attribute[tuple[TieBreak, ...]], value: object
) -> None:
    if not isinstance(value, tuple) or not all(isinstance(t, TieBreak) for t in value):
        fail("RegistrationPolicy", attribute.name, value, "a sequence of TieBreak members")
    if len(set(value)) != len(value):
        fail("RegistrationPolicy", attribute.name, value, "each TieBreak at most once")


def _flag(_instance: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if type(value) is not bool:
        fail("RegistrationPolicy", attribute.name, value, "True or False")


@attrs.frozen(kw_only=True)
class _Entry:
    opportunity: Opportunity
    position: int
    keys: tuple[str, ...]


class _Accounts:
    """Union-find over registrations that share a domain or an account name."""

    def __init__(self, count: int) -> None:
        self.parent = list(range(count))

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@attrs.frozen(kw_only=True)
class RegistrationPolicy:
    """Finds conflicting deal registrations and decides which one keeps the deal.

    Two registrations conflict when they are for the same customer account (the same
    normalised web domain, or the same normalised account name) and the later one
    was registered while the earlier one was still protected. The first registration
    wins; its protection runs for ``protection_days`` days, the day of registration
    included, and ends early on the day the protected deal is lost. Registrations of
    one account on the same day are ordered by ``tie_breaks``, then by opportunity id.

    Args:
        protection_days: How many days a registration protects its account.
        match_domains: Whether registrations with the same normalised domain match.
        match_names: Whether registrations with the same normalised account name match.
        tie_breaks: The criteria that order same-day registrations, in order.
    """

    protection_days: int = attrs.field(default=90, validator=_positive_days)
    match_domains: bool = attrs.field(default=True, validator=_flag)
    match_names: bool = attrs.field(default=True, validator=_flag)
    tie_breaks: tuple[TieBreak, ...] = attrs.field(
        default=(TieBreak.PARTNER_SOURCED_FIRST, TieBreak.LONGEST_PARTNERSHIP),
        converter=tuple,
        validator=_tie_breaks,
    )

    def review(
        self,
        registrations: Iterable[Opportunity],
        *,
        partners: Iterable[Partner] | Mapping[str, Partner] = (),
    ) -> RegistrationReview:
        """Judge every registration: clear, wins or loses, each with its reasons.

        Args:
            registrations: The opportunities to check against each other. Direct
                deals, rejected registrations and registrations without an account
                domain or name are returned as ignored, with the reason.
            partners: The partners, needed only for the ``LONGEST_PARTNERSHIP`` tie
                break (a partner not given counts as having joined last).

        Returns:
            The decisions, the conflicts and the ignored opportunities.

        Raises:
            ValidationError: If two registrations share an id.
        """
        by_id = _partner_index(partners)
        entries: list[_Entry] = []
        ignored: list[IgnoredRegistration] = []
        seen: set[str] = set()
        for opportunity in registrations:
            if opportunity.id in seen:
                fail("RegistrationPolicy.review", "registrations", opportunity.id, "unique ids")
            seen.add(opportunity.id)
            reason = self._ignore_reason(opportunity)
            if reason is not None:
                ignored.append(IgnoredRegistration(opportunity=opportunity, reason=reason))
                continue
            entries.append(
                _Entry(opportunity=opportunity, position=len(entries), keys=self._keys(opportunity))
            )
        accounts = _Accounts(len(entries))
        first_with_key: dict[str, int] = {}
        for entry in entries:
            for key in entry.keys:
                accounts.union(entry.position, first_with_key.setdefault(key, entry.position))
        groups: defaultdict[int, list[_Entry]] = defaultdict(list)
        for entry in entries:
            groups[accounts.find(entry.position)].append(entry)

        decisions: dict[int, RegistrationDecision] = {}
        conflicts: list[Conflict] = []
        for group in groups.values():
            self._sweep(group, by_id, decisions, conflicts)
        conflicts.sort(key=lambda c: (c.winner.opportunity.registered_on, c.account, c.winner.id))
        return RegistrationReview(
            decisions=tuple(decisions[e.position] for e in entries),
            conflicts=tuple(conflicts),
            ignored=tuple(ignored),
        )

    # -- the pieces of review -----------------------------------------------------------

    def _ignore_reason(self, opportunity: Opportunity) -> Reason | None:
        if opportunity.partner_id is None:
            return Reason(
                code="registration.direct_deal",
                message=f"{opportunity.id} is a direct deal: no partner registered it.",
                facts={"opportunity_id": opportunity.id},
            )
        if opportunity.stage is OpportunityStage.REJECTED:
            return Reason(
                code="registration.already_rejected",
                message=f"{opportunity.id} is already rejected and protects nothing.",
                facts={"opportunity_id": opportunity.id},
            )
        if not self._keys(opportunity):
            return Reason(
                code="registration.no_account",
                message=(
                    f"{opportunity.id} names no customer account "
                    f"({self._matched_fields()}), so it cannot be matched with others."
                ),
                facts={"opportunity_id": opportunity.id},
            )
        return None

    def _matched_fields(self) -> str:
        fields = []
        if self.match_domains:
            fields.append("account_domain")
        if self.match_names:
            fields.append("account_name")
        return " or ".join(fields) or "matching is switched off"

    def _keys(self, opportunity: Opportunity) -> tuple[str, ...]:
        keys = []
        if self.match_domains and (domain := normalise_domain(opportunity.account_domain)):
            keys.append(f"domain:{domain}")
        if self.match_names and (name := normalise_account_name(opportunity.account_name)):
            keys.append(f"name:{name}")
        return tuple(keys)

    def _tie_key(self, entry: _Entry, partners: Mapping[str, Partner]) -> tuple[object, ...]:
        key: list[object] = []
        for tie in self.tie_breaks:
            if tie is TieBreak.PARTNER_SOURCED_FIRST:
                key.append(0 if entry.opportunity.source is DealSource.PARTNER_SOURCED else 1)
            else:
                partner = partners.get(entry.opportunity.partner_id or "")
                joined = partner.joined_on if partner is not None else None
                key.append(joined or date.max)
        key.append(entry.opportunity.id)
        return tuple(key)

    def _protected_until(self, opportunity: Opportunity) -> date:
        last = opportunity.registered_on + timedelta(days=self.protection_days - 1)
        if opportunity.stage is OpportunityStage.LOST:
            # The window closes the day before the loss: a new registration that day is free.
            last = min(last, opportunity.stage_since - timedelta(days=1))
        return max(last, opportunity.registered_on - timedelta(days=1))

    def _sweep(
        self,
        group: list[_Entry],
        partners: Mapping[str, Partner],
        decisions: dict[int, RegistrationDecision],
        conflicts: list[Conflict],
    ) -> None:
        account = _display_account(group)
        ordered = sorted(
            group, key=lambda e: (e.opportunity.registered_on, self._tie_key(e, partners))
        )
        holder: _Entry | None = None
        until = date.min
        losers: list[tuple[int, RegistrationDecision]] = []

        def close_window() -> None:
            if holder is None:
                return
            status = RegistrationStatus.WINS if losers else RegistrationStatus.CLEAR
            winner = RegistrationDecision(
                opportunity=holder.opportunity,
                status=status,
                account=account,
                winner_id=holder.opportunity.id,
                protected_until=until,
                reasons=(_winner_reason(holder.opportunity, account, until, len(losers)),),
            )
            decisions[holder.position] = winner
            decisions.update(losers)
            if losers:
                beaten = tuple(loser for _, loser in losers)
                conflicts.append(Conflict(account=account, winner=winner, losers=beaten))

        for entry in ordered:
            registered = entry.opportunity.registered_on
            if holder is not None and registered <= until:
                reasons = [_loser_reason(entry.opportunity, holder.opportunity, account, until)]
                if registered == holder.opportunity.registered_on:
                    reasons.append(self._tie_reason(entry, holder, partners))
                if entry.opportunity.stage in _CLOSED:
                    reasons.append(_closed_reason(entry.opportunity))
                decision = RegistrationDecision(
                    opportunity=entry.opportunity,
                    status=RegistrationStatus.LOSES,
                    account=account,
                    winner_id=holder.opportunity.id,
                    protected_until=until,
                    reasons=tuple(reasons),
                )
                losers.append((entry.position, decision))
                continue
            close_window()
            holder, until, losers = entry, self._protected_until(entry.opportunity), []
        close_window()

    def _tie_reason(self, loser: _Entry, winner: _Entry, partners: Mapping[str, Partner]) -> Reason:
        loser_key = self._tie_key(loser, partners)
        winner_key = self._tie_key(winner, partners)
        criteria = [*(t.value for t in self.tie_breaks), "lowest_opportunity_id"]
        decided_by = next(
            (c for c, a, b in zip(criteria, winner_key, loser_key, strict=True) if a != b),
            "lowest_opportunity_id",
        )
        words = {
            TieBreak.PARTNER_SOURCED_FIRST.value: (
                "a registration the partner sourced goes before one it only influenced"
            ),
            TieBreak.LONGEST_PARTNERSHIP.value: (
                "the partner that joined the program first goes first"
            ),
            "lowest_opportunity_id": (
                "nothing else told them apart, so the registration with the lower "
                "opportunity id goes first"
            ),
        }
        return Reason(
            code="registration.same_day_tie",
            message=f"Both were registered on the same day; {words[decided_by]}.",
            facts={"decided_by": decided_by, "tie_breaks": criteria},
        )


def _partner_index(partners: Iterable[Partner] | Mapping[str, Partner]) -> dict[str, Partner]:
    if isinstance(partners, Mapping):
        return dict(partners)
    return {partner.id: partner for partner in partners}


def _display_account(group: list[_Entry]) -> str:
    keys = sorted({key for entry in group for key in entry.keys})
    domains = [k.removeprefix("domain:") for k in keys if k.startswith("domain:")]
    return (domains or [k.removeprefix("name:") for k in keys])[0]


def _winner_reason(opportunity: Opportunity, account: str, until: date, beaten: int) -> Reason:
    registered = opportunity.registered_on.isoformat()
    if beaten:
        later = "registration was" if beaten == 1 else "registrations were"
        message = (
            f"This registration of {account} on {registered} was the first; it is protected "
            f"until {until.isoformat()}, so it keeps the deal and {beaten} later {later} "
            "rejected."
        )
        code = "registration.first_wins"
    else:
        message = (
            f"No other registration of {account} falls inside this registration's protection "
            f"window ({registered} to {until.isoformat()})."
        )
        code = "registration.no_conflict"
    return Reason(
        code=code,
        message=message,
        facts={
            "opportunity_id": opportunity.id,
            "account": account,
            "registered_on": registered,
            "protected_until": until.isoformat(),
            "later_registrations": beaten,
        },
    )


_CLOSED = frozenset({OpportunityStage.WON, OpportunityStage.LOST})


def _closed_reason(opportunity: Opportunity) -> Reason:
    # A win counts on its close date (as the metrics count it); a loss on the day the
    # deal was marked lost, the day its own protection ended (see _protected_until).
    day = opportunity.stage_since
    if opportunity.stage is OpportunityStage.WON and opportunity.close_date is not None:
        day = opportunity.close_date
    stage, since = opportunity.stage.value, day.isoformat()
    return Reason(
        code="registration.already_closed",
        message=(
            f"This deal was already {stage} on {since}, so it is not rejected: a closed deal "
            "keeps its stage, and the conflict is for the partner team to settle."
        ),
        facts={"opportunity_id": opportunity.id, "stage": stage, "closed_on": since},
    )


def _loser_reason(
    opportunity: Opportunity, winner: Opportunity, account: str, until: date
) -> Reason:
    # A closed deal is not rejected (see _closed_reason): it loses the conflict only.
    verdict = "loses the conflict" if opportunity.stage in _CLOSED else "is rejected"
    facts: dict[str, object] = {
        "opportunity_id": opportunity.id,
        "account": account,
        "registered_on": opportunity.registered_on.isoformat(),
        "earlier_registered_on": winner.registered_on.isoformat(),
        "protected_until": until.isoformat(),
    }
    if opportunity.partner_id == winner.partner_id:
        return Reason(
            code="registration.duplicate",
            message=(
                f"You had already registered {account} on {winner.registered_on.isoformat()}; "
                f"that registration stays protected until {until.isoformat()}, so this "
                f"duplicate {verdict}."
            ),
            facts=facts,
        )
    days = (opportunity.registered_on - winner.registered_on).days
    when = "on the same day as" if days == 0 else f"{days} day(s) after"
    return Reason(
        code="registration.within_protection",
        message=(
            f"Your registration of {account} on {opportunity.registered_on.isoformat()} came "
            f"{when} another partner's registration of the same customer, which is protected "
            f"until {until.isoformat()}; the first registration within the protection window "
            f"keeps the deal, so yours {verdict}."
        ),
        facts={**facts, "days_after": days},
    )
