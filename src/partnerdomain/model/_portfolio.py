"""Portfolio: an immutable, referentially intact snapshot of a partner program."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping  # noqa: TC003 - attrs reads them
from datetime import date
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from partnerdomain.exceptions import (
    DanglingReference,
    DuplicateId,
    ReferentialIntegrityError,
    UnknownIdError,
)
from partnerdomain.model import _validate as v
from partnerdomain.model._activity import Activity
from partnerdomain.model._commitment import Commitment
from partnerdomain.model._finance import Invoice, MdfPayment
from partnerdomain.model._money import ISO_4217_CURRENCIES, Money
from partnerdomain.model._opportunity import Opportunity
from partnerdomain.model._partner import Partner
from partnerdomain.model._people import AccountExecutive, PartnerManager

if TYPE_CHECKING:
    from collections.abc import Set as AbstractSet

    from attrs import Attribute

__all__ = ["Portfolio"]

T = TypeVar("T")
_EMPTY: tuple[Any, ...] = ()
_ID = attrgetter("id")
_CURRENCY = attrgetter("amount.currency")


# One named converter per collection, so mypy's attrs plugin types each argument.
def _as_partners(value: Iterable[Partner]) -> tuple[Partner, ...]:
    return v.as_tuple(value)


def _as_managers(value: Iterable[PartnerManager]) -> tuple[PartnerManager, ...]:
    return v.as_tuple(value)


def _as_account_executives(value: Iterable[AccountExecutive]) -> tuple[AccountExecutive, ...]:
    return v.as_tuple(value)


def _as_opportunities(value: Iterable[Opportunity]) -> tuple[Opportunity, ...]:
    return v.as_tuple(value)


def _as_activities(value: Iterable[Activity]) -> tuple[Activity, ...]:
    return v.as_tuple(value)


def _as_commitments(value: Iterable[Commitment]) -> tuple[Commitment, ...]:
    return v.as_tuple(value)


def _as_invoices(value: Iterable[Invoice]) -> tuple[Invoice, ...]:
    return v.as_tuple(value)


def _as_mdf_payments(value: Iterable[MdfPayment]) -> tuple[MdfPayment, ...]:
    return v.as_tuple(value)


def _check_currency(instance: Portfolio, attribute: Attribute[str], value: object) -> None:
    if type(value) is not str or value not in ISO_4217_CURRENCIES:
        v.fail(instance, attribute, value, "an ISO 4217 currency code such as 'EUR'")


def _group(items: tuple[T, ...], key: Callable[[T], str | None]) -> dict[str, tuple[T, ...]]:
    groups: dict[str, list[T]] = {}
    for item in items:
        k = key(item)
        if k is not None:
            groups.setdefault(k, []).append(item)
    return {k: tuple(g) for k, g in groups.items()}


# Caches a pickle leaves out: they are rebuilt on first use, and what other modules
# derive (their private classes) must not end up in users' saved files.
_NOT_PICKLED = frozenset({"_by_partner", "_derived"})


@attrs.frozen(kw_only=True)
class Portfolio:
    """Every partner, person, deal, activity and promise of a program, as of one day.

    A portfolio is checked as a whole when it is built: ids are unique per kind, every
    reference points to an entity that exists, and every amount is in the reporting
    currency. A :class:`~partnerdomain.exceptions.ReferentialIntegrityError` lists
    every problem found, not only the first.

    >>> from datetime import date
    >>> p = Portfolio(as_of=date(2026, 9, 30), currency="EUR")
    >>> len(p.partners)
    0

    Args:
        as_of: The day the snapshot describes; time-dependent answers use it.
        currency: The reporting currency (ISO 4217); every amount must be in it.
        partners: The partners.
        managers: The partner team (partner managers, success managers, ...).
        account_executives: The account executives.
        opportunities: The deals.
        activities: The logged activities.
        commitments: The promises made to partners.
        invoices: The invoices to partners.
        mdf_payments: The market development fund payments.
    """

    as_of: date = attrs.field(validator=v.a_date)
    currency: str = attrs.field(validator=_check_currency)
    partners: tuple[Partner, ...] = attrs.field(
        default=_EMPTY, converter=_as_partners, validator=v.tuple_of(Partner, "partner")
    )
    managers: tuple[PartnerManager, ...] = attrs.field(
        default=_EMPTY,
        converter=_as_managers,
        validator=v.tuple_of(PartnerManager, "member of the partner team"),
    )
    account_executives: tuple[AccountExecutive, ...] = attrs.field(
        default=_EMPTY,
        converter=_as_account_executives,
        validator=v.tuple_of(AccountExecutive, "account executive"),
    )
    opportunities: tuple[Opportunity, ...] = attrs.field(
        default=_EMPTY,
        converter=_as_opportunities,
        validator=v.tuple_of(Opportunity, "opportunity"),
    )
    activities: tuple[Activity, ...] = attrs.field(
        default=_EMPTY, converter=_as_activities, validator=v.tuple_of(Activity, "activity")
    )
    commitments: tuple[Commitment, ...] = attrs.field(
        default=_EMPTY, converter=_as_commitments, validator=v.tuple_of(Commitment, "commitment")
    )
    invoices: tuple[Invoice, ...] = attrs.field(
        default=_EMPTY, converter=_as_invoices, validator=v.tuple_of(Invoice, "invoice")
    )
    mdf_payments: tuple[MdfPayment, ...] = attrs.field(
        default=_EMPTY,
        converter=_as_mdf_payments,
        validator=v.tuple_of(MdfPayment, "market development fund payment"),
    )

    # Indexes, built once on construction; not part of equality or the repr.
    _partners_by_id: dict[str, Partner] = attrs.field(init=False, eq=False, repr=False)
    _managers_by_id: dict[str, PartnerManager] = attrs.field(init=False, eq=False, repr=False)
    _aes_by_id: dict[str, AccountExecutive] = attrs.field(init=False, eq=False, repr=False)
    _opportunities_by_id: dict[str, Opportunity] = attrs.field(init=False, eq=False, repr=False)
    _by_partner: dict[str, dict[str, tuple[Any, ...]]] = attrs.field(
        init=False, eq=False, repr=False
    )
    # What other modules derive from the portfolio (see derived()), kept with it.
    _derived: dict[str, Any] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        """Check the portfolio as a whole and build its indexes."""
        duplicates: list[DuplicateId] = []
        partners = self._index("partner", self.partners, duplicates)
        managers = self._index("manager", self.managers, duplicates)
        aes = self._index("account executive", self.account_executives, duplicates)
        opportunities = self._index("opportunity", self.opportunities, duplicates)
        for kind, items in (
            ("activity", self.activities),
            ("commitment", self.commitments),
            ("invoice", self.invoices),
            ("mdf payment", self.mdf_payments),
        ):
            self._index(kind, items, duplicates)
        # The quick checks look at each distinct value once; only when they find a
        # problem does the detailed walk name every record that has it.
        dangling = (
            []
            if self._references_resolve(partners, managers, aes, opportunities)
            else self._dangling(partners, managers, aes, opportunities)
        )
        currency_problems = [] if self._one_currency() else self._currency_problems()
        if duplicates or dangling or currency_problems:
            raise ReferentialIntegrityError(dangling, duplicates, currency_problems)
        object.__setattr__(self, "_partners_by_id", partners)
        object.__setattr__(self, "_managers_by_id", managers)
        object.__setattr__(self, "_aes_by_id", aes)
        object.__setattr__(self, "_opportunities_by_id", opportunities)
        object.__setattr__(self, "_by_partner", {})
        object.__setattr__(self, "_derived", {})

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the portfolio's data and indexes, not what was derived from it."""
        return {
            a.name: getattr(self, a.name)
            for a in attrs.fields(Portfolio)
            if a.name not in _NOT_PICKLED
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore a pickled portfolio; what is derived from it is derived again."""
        for name, value in state.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_by_partner", {})
        object.__setattr__(self, "_derived", {})

    @staticmethod
    def _index(kind: str, items: tuple[T, ...], duplicates: list[DuplicateId]) -> dict[str, T]:
        index = dict(zip(map(_ID, items), items, strict=True))  # C speed: a million deals
        if len(index) != len(items):
            counts = Counter(item.id for item in items)  # type: ignore[attr-defined]
            duplicates.extend(
                DuplicateId(kind=kind, id=i, count=n) for i, n in sorted(counts.items()) if n > 1
            )
        return index

    def _references_resolve(
        self,
        partners: Mapping[str, Partner],
        managers: Mapping[str, PartnerManager],
        aes: Mapping[str, AccountExecutive],
        opportunities: Mapping[str, Opportunity],
    ) -> bool:
        """Say whether every reference :meth:`_dangling` checks points at something."""
        people = managers.keys() | aes.keys()

        def ids(items: Iterable[object], name: str) -> set[str | None]:
            return set(map(attrgetter(name), items))  # C speed: a million deals

        in_partners = (m for p in self.partners for m in p.managers.values())
        checks: tuple[tuple[set[str | None], AbstractSet[str]], ...] = (
            (set(in_partners), managers.keys()),
            (ids(self.opportunities, "partner_id"), partners.keys()),
            (ids(self.opportunities, "account_executive_id"), aes.keys()),
            (ids(self.opportunities, "partner_manager_id"), managers.keys()),
            (ids(self.activities, "actor_id"), people),
            (ids(self.activities, "partner_id"), partners.keys()),
            (ids(self.activities, "opportunity_id"), opportunities.keys()),
            (ids(self.commitments, "partner_id"), partners.keys()),
            (ids(self.commitments, "owner_id"), people),
            (ids(self.invoices, "partner_id"), partners.keys()),
            (ids(self.mdf_payments, "partner_id"), partners.keys()),
        )
        for referenced, known in checks:
            referenced.discard(None)
            if not referenced <= known:
                return False
        return True

    def _one_currency(self) -> bool:
        """Say whether every amount is in the portfolio's currency."""
        currencies = set(map(_CURRENCY, self.opportunities))
        currencies.update(
            ae.quota.currency for ae in self.account_executives if ae.quota is not None
        )
        currencies.update(i.amount.currency for i in self.invoices)
        currencies.update(m.amount.currency for m in self.mdf_payments)
        return currencies <= {self.currency}

    def _dangling(  # noqa: C901 - one plain loop per kind of entity reads best
        self,
        partners: Mapping[str, Partner],
        managers: Mapping[str, PartnerManager],
        aes: Mapping[str, AccountExecutive],
        opportunities: Mapping[str, Opportunity],
    ) -> list[DanglingReference]:
        found: list[DanglingReference] = []

        def check(  # noqa: PLR0913, PLR0917 - a reference has six parts
            source_kind: str,
            source_id: str,
            field: str,
            target_kind: str,
            target_id: str | None,
            targets: Mapping[str, object] | tuple[Mapping[str, object], ...],
        ) -> None:
            if target_id is None:
                return
            pools = targets if isinstance(targets, tuple) else (targets,)
            if not any(target_id in pool for pool in pools):
                found.append(
                    DanglingReference(
                        source_kind=source_kind,
                        source_id=source_id,
                        field=field,
                        target_kind=target_kind,
                        target_id=target_id,
                    )
                )

        for partner in self.partners:
            for role, manager_id in partner.managers.items():
                check(
                    "partner",
                    partner.id,
                    f"managers[{role.value}]",
                    "manager",
                    manager_id,
                    managers,
                )
        for opp in self.opportunities:
            check("opportunity", opp.id, "partner_id", "partner", opp.partner_id, partners)
            check(
                "opportunity",
                opp.id,
                "account_executive_id",
                "account executive",
                opp.account_executive_id,
                aes,
            )
            check(
                "opportunity",
                opp.id,
                "partner_manager_id",
                "manager",
                opp.partner_manager_id,
                managers,
            )
        people = (managers, aes)
        for act in self.activities:
            check(
                "activity", act.id, "actor_id", "manager or account executive", act.actor_id, people
            )
            check("activity", act.id, "partner_id", "partner", act.partner_id, partners)
            check(
                "activity",
                act.id,
                "opportunity_id",
                "opportunity",
                act.opportunity_id,
                opportunities,
            )
        for com in self.commitments:
            check("commitment", com.id, "partner_id", "partner", com.partner_id, partners)
            check(
                "commitment",
                com.id,
                "owner_id",
                "manager or account executive",
                com.owner_id,
                people,
            )
        for inv in self.invoices:
            check("invoice", inv.id, "partner_id", "partner", inv.partner_id, partners)
        for mdf in self.mdf_payments:
            check("mdf payment", mdf.id, "partner_id", "partner", mdf.partner_id, partners)
        return found

    def _currency_problems(self) -> list[str]:
        currency = self.currency
        problems: list[str] = []

        def check(kind: str, item_id: str, field: str, money: Money | None) -> None:
            if money is not None and money.currency != currency:
                problems.append(
                    f"{kind} {item_id!r}: {field} is in {money.currency}, not the portfolio's "
                    f"{currency}; convert it first with Money.convert({currency!r}, rate)"
                )

        for opp in self.opportunities:
            check("opportunity", opp.id, "amount", opp.amount)
        for ae in self.account_executives:
            check("account executive", ae.id, "quota", ae.quota)
        for inv in self.invoices:
            check("invoice", inv.id, "amount", inv.amount)
        for mdf in self.mdf_payments:
            check("mdf payment", mdf.id, "amount", mdf.amount)
        return problems

    # -- lookups by id ----------------------------------------------------------------

    def partner(self, partner_id: str) -> Partner:
        """Return the partner with ``partner_id``.

        Raises:
            UnknownIdError: If there is none.
        """
        try:
            return self._partners_by_id[partner_id]
        except KeyError:
            raise UnknownIdError("partner", partner_id) from None

    def manager(self, manager_id: str) -> PartnerManager:
        """Return the member of the partner team with ``manager_id``.

        Raises:
            UnknownIdError: If there is none.
        """
        try:
            return self._managers_by_id[manager_id]
        except KeyError:
            raise UnknownIdError("manager", manager_id) from None

    def account_executive(self, account_executive_id: str) -> AccountExecutive:
        """Return the account executive with ``account_executive_id``.

        Raises:
            UnknownIdError: If there is none.
        """
        try:
            return self._aes_by_id[account_executive_id]
        except KeyError:
            raise UnknownIdError("account executive", account_executive_id) from None

    def opportunity(self, opportunity_id: str) -> Opportunity:
        """Return the opportunity with ``opportunity_id``.

        Raises:
            UnknownIdError: If there is none.
        """
        try:
            return self._opportunities_by_id[opportunity_id]
        except KeyError:
            raise UnknownIdError("opportunity", opportunity_id) from None

    def has_partner(self, partner_id: str) -> bool:
        """Say whether a partner with ``partner_id`` is in the portfolio."""
        return partner_id in self._partners_by_id

    # -- lookups by partner -----------------------------------------------------------

    def _for_partner(self, kind: str, partner_id: str) -> tuple[Any, ...]:
        # Built on first use per kind, so a portfolio that never asks pays nothing.
        index = self._by_partner.get(kind)
        if index is None:
            items: tuple[Any, ...] = getattr(self, kind)
            index = _group(items, lambda item: item.partner_id)
            self._by_partner[kind] = index
        return index.get(partner_id, ())

    def opportunities_for(self, partner_id: str) -> tuple[Opportunity, ...]:
        """Return the partner's opportunities, in portfolio order (empty if none)."""
        return self._for_partner("opportunities", partner_id)

    def activities_for(self, partner_id: str) -> tuple[Activity, ...]:
        """Return the activities logged against the partner, in portfolio order."""
        return self._for_partner("activities", partner_id)

    def commitments_for(self, partner_id: str) -> tuple[Commitment, ...]:
        """Return the promises made to the partner, in portfolio order."""
        return self._for_partner("commitments", partner_id)

    def invoices_for(self, partner_id: str) -> tuple[Invoice, ...]:
        """Return the partner's invoices, in portfolio order."""
        return self._for_partner("invoices", partner_id)

    def mdf_payments_for(self, partner_id: str) -> tuple[MdfPayment, ...]:
        """Return the partner's market development fund payments, in portfolio order."""
        return self._for_partner("mdf_payments", partner_id)

    def partners_managed_by(self, manager_id: str) -> tuple[Partner, ...]:
        """Return the partners that have ``manager_id`` among their assigned managers."""
        index = self._by_partner.get("_managed_by")
        if index is None:
            groups: dict[str, list[Partner]] = {}
            for partner in self.partners:
                for mid in dict.fromkeys(partner.managers.values()):
                    groups.setdefault(mid, []).append(partner)
            index = {k: tuple(g) for k, g in groups.items()}
            self._by_partner["_managed_by"] = index
        return index.get(manager_id, ())


def derived(portfolio: Portfolio, key: str, build: Callable[[Portfolio], T]) -> T:
    """Return what ``build`` derives from ``portfolio``: built on first use, kept with it.

    A portfolio never changes, so what is derived from it never goes stale; it lives
    and goes with the portfolio, and a new portfolio (``attrs.evolve`` included) starts
    with none. ``key`` names the derivation; two modules must not share one.
    """
    cache: dict[str, Any] = portfolio._derived  # noqa: SLF001 - the portfolio's own cache
    if key in cache:
        kept: T = cache[key]
        return kept
    value = cache[key] = build(portfolio)
    return value
