"""A seeded generator of realistic partner portfolios, for the demo and for benchmarks.

The shape follows what partner teams report: many small partners and a few large ones
(revenue drawn from a Pareto distribution, so the top 15 % of partners carry most of
the revenue), a mix of partner types, most partners active, some ramping, a few on
their way out; deals registered over the last quarters, the older ones closed.
The same arguments always give the same portfolio.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from partnerdomain.exceptions import ValidationError
from partnerdomain.model import (
    ISO_4217_CURRENCIES,
    AccountExecutive,
    Activity,
    ActivityKind,
    Capacity,
    Commitment,
    CommitmentStatus,
    DealSource,
    ExitReason,
    Invoice,
    MdfPayment,
    Money,
    Opportunity,
    OpportunityStage,
    Partner,
    PartnerManager,
    PartnerStage,
    PartnerSuccessManager,
    PartnerType,
    Portfolio,
    Quarter,
    RiskLevel,
    TeamRole,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from attrs import Attribute

__all__ = ["DemoSpec", "generate_portfolio"]


def _at_least(minimum: int) -> Callable[[object, Attribute[int], int], None]:
    def check(_instance: object, attribute: Attribute[int], value: int) -> None:
        if type(value) is not int or value < minimum:
            raise ValidationError("DemoSpec", attribute.name, value, f"an integer >= {minimum}")

    return check


def _a_day(_instance: object, attribute: Attribute[date], value: object) -> None:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationError("DemoSpec", attribute.name, value, "a datetime.date")


def _a_currency(_instance: object, attribute: Attribute[str], value: object) -> None:
    if not isinstance(value, str) or value not in ISO_4217_CURRENCIES:
        raise ValidationError("DemoSpec", attribute.name, value, "an ISO 4217 currency code")


def _an_int(_instance: object, attribute: Attribute[int], value: object) -> None:
    if type(value) is not int:
        raise ValidationError("DemoSpec", attribute.name, value, "an integer")


def _a_rate(_instance: object, attribute: Attribute[float], value: object) -> None:
    if (
        type(value) not in (int, float)
        or not math.isfinite(value)  # type: ignore[arg-type]
        or not 0 < value <= _MAX_DEALS_PER_QUARTER  # type: ignore[operator]
    ):
        expected = f"a number of deals above 0 and at most {_MAX_DEALS_PER_QUARTER}"
        raise ValidationError("DemoSpec", attribute.name, value, expected)


_MAX_DEALS_PER_QUARTER = 100


# Share of each partner type in the program.
_TYPE_WEIGHTS: dict[PartnerType, int] = {
    PartnerType.REFERRAL: 26,
    PartnerType.RESELLER: 20,
    PartnerType.VAR: 15,
    PartnerType.MSP: 16,
    PartnerType.ISV: 8,
    PartnerType.SYSTEM_INTEGRATOR: 12,
    PartnerType.STRATEGIC_ALLIANCE: 3,
}
# Typical deal size by partner type, in the reporting currency.
_DEAL_SIZE: dict[PartnerType, int] = {
    PartnerType.REFERRAL: 12_000,
    PartnerType.RESELLER: 25_000,
    PartnerType.VAR: 38_000,
    PartnerType.MSP: 30_000,
    PartnerType.ISV: 45_000,
    PartnerType.SYSTEM_INTEGRATOR: 70_000,
    PartnerType.STRATEGIC_ALLIANCE: 150_000,
}
_REGIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # region: (countries, languages)
    "NA": (("US", "CA"), ("en",)),
    "UKI": (("GB", "IE"), ("en",)),
    "DACH": (("DE", "AT", "CH"), ("de", "en")),
    "FRANCE": (("FR", "BE"), ("fr", "en")),
    "BENELUX": (("NL", "BE", "LU"), ("nl", "en")),
    "NORDICS": (("SE", "DK", "NO", "FI"), ("sv", "en")),
    "APAC": (("AU", "SG", "JP"), ("en", "ja")),
}
_REGION_WEIGHTS = (34, 14, 16, 9, 8, 8, 11)
_NAME_PARTS = (
    (
        "Acme",
        "Northwind",
        "Globex",
        "Initech",
        "Umbrella",
        "Vandelay",
        "Stark",
        "Wayne",
        "Cyberdyne",
        "Tyrell",
        "Soylent",
        "Hooli",
        "Pied",
        "Aperture",
        "Gringotts",
        "Oscorp",
        "Massive",
        "Blue",
        "Silver",
        "Bright",
        "Quantum",
        "Nimbus",
        "Summit",
        "Harbor",
        "Evergreen",
        "Redwood",
        "Atlas",
        "Beacon",
        "Cobalt",
        "Delta",
        "Ember",
        "Falcon",
    ),
    (
        "IT",
        "Systems",
        "Consulting",
        "Cloud",
        "Digital",
        "Networks",
        "Solutions",
        "Labs",
        "Partners",
        "Group",
        "Technologies",
        "Services",
        "Data",
        "Works",
        "Logic",
        "Tech",
    ),
    ("GmbH", "Ltd", "Inc", "AG", "BV", "SAS", "AB", "Pty", "LLC", "Co"),
)
_PEOPLE = (
    "Dana Whitfield",
    "Ravi Menon",
    "Lena Vogt",
    "Sam Okafor",
    "Ines Duarte",
    "Tom Becker",
    "Mia Laurent",
    "Jonas Berg",
    "Priya Nair",
    "Chris Moreau",
    "Eva Lindqvist",
    "Kenji Sato",
    "Olivia Grant",
    "Marco Rossi",
    "Sara Haddad",
    "Ben Carter",
    "Nora Jensen",
    "Luis Ortega",
    "Anna Kowalska",
    "Felix Wagner",
    "Hana Kim",
    "Omar Farouk",
    "Julia Novak",
    "Theo Martin",
)


@attrs.frozen(kw_only=True)
class DemoSpec:
    """What to generate.

    Args:
        partners: How many partners.
        managers: How many members of the partner team (at least 4).
        account_executives: How many account executives.
        quarters: How many quarters of deal history, ending with the quarter of ``as_of``.
        as_of: The day the portfolio describes.
        currency: The reporting currency.
        seed: The random seed; the same spec always gives the same portfolio.
        deals_per_partner: The average number of deals a partner registers per quarter.
    """

    partners: int = attrs.field(default=300, validator=_at_least(1))
    managers: int = attrs.field(default=10, validator=_at_least(4))
    account_executives: int = attrs.field(default=12, validator=_at_least(1))
    quarters: int = attrs.field(default=6, validator=_at_least(1))
    as_of: date = attrs.field(default=date(2026, 9, 30), validator=_a_day)
    currency: str = attrs.field(default="EUR", validator=_a_currency)
    seed: int = attrs.field(default=2026, validator=_an_int)
    deals_per_partner: float = attrs.field(default=2.0, validator=_a_rate)


def generate_portfolio(spec: DemoSpec | None = None) -> Portfolio:
    """Generate a realistic, referentially intact portfolio from ``spec``.

    >>> portfolio = generate_portfolio(DemoSpec(partners=40, seed=7))
    >>> len(portfolio.partners), portfolio.as_of.isoformat()
    (40, '2026-09-30')
    """
    return _Generator(spec or DemoSpec()).portfolio()


class _Generator:
    def __init__(self, spec: DemoSpec) -> None:
        self.spec = spec
        # Demo data, not secrets: a seeded PRNG makes it reproducible.
        self.rng = random.Random(spec.seed)  # noqa: S311
        self.quarter = Quarter.from_date(spec.as_of)
        self.window = self.quarter.trailing(spec.quarters)
        self.start = self.window[0].first_day

    # -- people -------------------------------------------------------------------------

    def managers(self) -> list[PartnerManager]:
        roles = [
            TeamRole.PARTNER_MANAGER,
            TeamRole.PARTNER_SUCCESS_MANAGER,
            TeamRole.RECRUITER,
            TeamRole.PARTNER_MANAGER,
            TeamRole.ALLIANCE_MANAGER,
            TeamRole.PARTNER_SUCCESS_MANAGER,
            TeamRole.PARTNER_ACCOUNT_MANAGER,
            TeamRole.CHANNEL_SUPPORT,
            TeamRole.PARTNER_MANAGER,
            TeamRole.PARTNER_SUCCESS_MANAGER,
        ]
        regions = list(_REGIONS)
        out: list[PartnerManager] = []
        for i in range(self.spec.managers):
            role = roles[i % len(roles)]
            region = regions[i % len(regions)]
            languages = _REGIONS[region][1]
            name = _PEOPLE[i % len(_PEOPLE)]
            common = {
                "id": f"M-{i + 1:03d}",
                "name": name if i < len(_PEOPLE) else f"{name} {i // len(_PEOPLE) + 1}",
                "languages": languages,
                "regions": (region,) if role is not TeamRole.CHANNEL_SUPPORT else (),
            }
            if role is TeamRole.PARTNER_SUCCESS_MANAGER:
                out.append(
                    PartnerSuccessManager(capacity=Capacity(ramp=10, manage=35), **common)  # type: ignore[arg-type]
                )
                continue
            competencies = frozenset(PartnerType)
            capacity = Capacity(recruit=8, ramp=8, manage=30)
            if role is TeamRole.ALLIANCE_MANAGER:
                competencies = frozenset(
                    {PartnerType.STRATEGIC_ALLIANCE, PartnerType.SYSTEM_INTEGRATOR, PartnerType.ISV}
                )
                capacity = Capacity(recruit=2, ramp=3, manage=12)
            elif role is TeamRole.RECRUITER:
                capacity = Capacity(recruit=24, ramp=0, manage=0)
            elif role is TeamRole.CHANNEL_SUPPORT:
                capacity = Capacity(recruit=0, ramp=0, manage=120)
            elif role is TeamRole.PARTNER_ACCOUNT_MANAGER:
                capacity = Capacity(recruit=0, ramp=4, manage=20)
            out.append(
                PartnerManager(role=role, competencies=competencies, capacity=capacity, **common)  # type: ignore[arg-type]
            )
        return out

    def account_executives(self) -> list[AccountExecutive]:
        regions = list(_REGIONS)
        return [
            AccountExecutive(
                id=f"AE-{i + 1:03d}",
                name=_PEOPLE[(i + 10) % len(_PEOPLE)],
                quota=Money(self.rng.choice((300_000, 400_000, 500_000)), self.spec.currency),
                regions=(regions[i % len(regions)],),
            )
            for i in range(self.spec.account_executives)
        ]

    # -- partners -----------------------------------------------------------------------

    def _stage(self, joined: date) -> tuple[PartnerStage, date]:  # noqa: PLR0911 - one return per stage
        as_of = self.spec.as_of
        age = (as_of - joined).days
        roll = self.rng.random()
        if roll < 0.04:
            return PartnerStage.PROSPECT, as_of - timedelta(days=self.rng.randint(5, 60))
        if roll < 0.07:
            return PartnerStage.RECRUITING, as_of - timedelta(days=self.rng.randint(5, 45))
        if roll < 0.09:
            return PartnerStage.CONTRACTING, as_of - timedelta(days=self.rng.randint(5, 30))
        if roll < 0.11:
            return PartnerStage.DECLINED, as_of - timedelta(days=self.rng.randint(30, 400))
        if roll < 0.14:
            return PartnerStage.OFFBOARDED, as_of - timedelta(days=self.rng.randint(30, 300))
        if roll < 0.16:
            return PartnerStage.OFFBOARDING, as_of - timedelta(days=self.rng.randint(5, 60))
        if age < 60:
            return PartnerStage.ONBOARDING, joined
        if age < 150:
            return PartnerStage.ENABLEMENT, joined + timedelta(days=45)
        return PartnerStage.ACTIVE, joined + timedelta(days=120)

    def partners(self, managers: list[PartnerManager]) -> tuple[list[Partner], dict[str, float]]:
        rng = self.rng
        types = list(_TYPE_WEIGHTS)
        regions = list(_REGIONS)
        by_region: dict[str, list[PartnerManager]] = {}
        for m in managers:
            for r in m.regions:
                by_region.setdefault(r, []).append(m)
        success = [m for m in managers if isinstance(m, PartnerSuccessManager)]
        alliance = [m for m in managers if m.role is TeamRole.ALLIANCE_MANAGER]
        out: list[Partner] = []
        strength: dict[str, float] = {}
        for i in range(self.spec.partners):
            pid = f"P-{i + 1:05d}"
            ptype = rng.choices(types, weights=[_TYPE_WEIGHTS[t] for t in types])[0]
            region = rng.choices(regions, weights=_REGION_WEIGHTS)[0]
            countries, languages = _REGIONS[region]
            if rng.random() < 0.08:  # recent recruits, still onboarding or ramping
                joined = self.spec.as_of - timedelta(days=rng.randint(5, 140))
            else:
                joined = self.spec.as_of - timedelta(days=int(rng.triangular(10, 1400, 500)))
            stage, since = self._stage(joined)
            in_program = stage not in {
                PartnerStage.PROSPECT,
                PartnerStage.RECRUITING,
                PartnerStage.CONTRACTING,
                PartnerStage.DECLINED,
            }
            assigned: dict[TeamRole, str] = {}
            if in_program:
                local = [m for m in by_region.get(region, []) if m.is_competent_for(ptype)]
                pool = alliance if ptype is PartnerType.STRATEGIC_ALLIANCE and alliance else local
                if pool and rng.random() < 0.85:
                    owner = rng.choice(pool)
                    assigned[owner.role] = owner.id
                if success and stage in {PartnerStage.ONBOARDING, PartnerStage.ENABLEMENT}:
                    assigned[TeamRole.PARTNER_SUCCESS_MANAGER] = rng.choice(success).id
            checklist_done = stage is not PartnerStage.ONBOARDING or rng.random() < 0.3
            checklist = (
                {
                    "agreement_signed": True,
                    "portal_access": True,
                    "sales_training": checklist_done or rng.random() < 0.5,
                    "technical_certification": checklist_done,
                }
                if in_program
                else {}
            )
            name = (
                f"{rng.choice(_NAME_PARTS[0])} {rng.choice(_NAME_PARTS[1])} "
                f"{rng.choice(_NAME_PARTS[2])}"
            )
            out.append(
                Partner(
                    id=pid,
                    name=name,
                    partner_type=ptype,
                    stage=stage,
                    stage_since=max(since, joined) if in_program else since,
                    tier=rng.choices(
                        ["Registered", "Silver", "Gold", "Platinum"], weights=[50, 30, 15, 5]
                    )[0]
                    if in_program
                    else None,
                    country=rng.choice(countries),
                    region=region,
                    languages=languages,
                    joined_on=joined if in_program else None,
                    managers=assigned,
                    certifications=rng.randint(0, 6) if in_program else 0,
                    onboarding_checklist=checklist,
                    contract_signed_on=joined - timedelta(days=rng.randint(5, 40))
                    if in_program
                    else None,
                    risk_level=rng.choice(list(RiskLevel)) if in_program else None,
                    exit_reason=rng.choice(list(ExitReason))
                    if stage is PartnerStage.OFFBOARDED
                    else None,
                    custom_fields={"Partner_Portal_User__c": rng.random() < 0.7},
                )
            )
            # Pareto-shaped selling strength: a few partners sell most of the revenue.
            strength[pid] = rng.paretovariate(1.3) if in_program else 0.0
        return out, strength

    # -- deals and the rest -------------------------------------------------------------

    def opportunities(
        self,
        partners: list[Partner],
        strength: dict[str, float],
        managers: list[PartnerManager],
        aes: list[AccountExecutive],
    ) -> list[Opportunity]:
        rng = self.rng
        as_of = self.spec.as_of
        out: list[Opportunity] = []
        window_days = (as_of - self.start).days
        mean = sum(strength.values()) / max(1, len(strength))
        for partner in partners:
            s = strength[partner.id]
            if s <= 0:
                continue
            expected = self.spec.deals_per_partner * self.spec.quarters * min(s / mean, 12)
            count = max(0, round(rng.gauss(expected, expected / 3)))
            size = _DEAL_SIZE[partner.partner_type]
            owner = next(iter(partner.managers.values()), None)
            for _ in range(count):
                registered = self.start + timedelta(days=rng.randint(0, window_days))
                if partner.joined_on is not None and registered < partner.joined_on:
                    registered = min(as_of, partner.joined_on + timedelta(days=rng.randint(0, 60)))
                age = (as_of - registered).days
                amount = Decimal(int(rng.lognormvariate(0, 0.6) * size / 100) * 100)
                source = rng.choices(
                    [DealSource.PARTNER_SOURCED, DealSource.PARTNER_INFLUENCED],
                    weights=[70, 30],
                )[0]
                ae = rng.choice(aes)
                if age > 120 or (age > 45 and rng.random() < 0.5):
                    won = rng.random() < 0.32 + min(0.3, s / 40)
                    stage = OpportunityStage.WON if won else OpportunityStage.LOST
                    close = min(as_of, registered + timedelta(days=rng.randint(30, 150)))
                    since = close
                else:
                    stage = rng.choice(
                        [
                            OpportunityStage.REGISTERED,
                            OpportunityStage.QUALIFIED,
                            OpportunityStage.PROPOSAL,
                            OpportunityStage.NEGOTIATION,
                        ]
                    )
                    close = as_of + timedelta(days=rng.randint(10, 120))
                    since = registered + timedelta(days=rng.randint(0, max(0, age)))
                involved = owner if (owner and rng.random() < 0.75) else None
                if stage is not OpportunityStage.REGISTERED or rng.random() < 0.5:
                    ae_id: str | None = ae.id
                else:
                    ae_id = None
                domain = f"{rng.choice(_NAME_PARTS[0]).lower()}{rng.randint(1, 999)}.com"
                account = domain.split(".", maxsplit=1)[0].title()
                out.append(
                    Opportunity(
                        id=f"O-{len(out) + 1:07d}",
                        partner_id=partner.id,
                        source=source,
                        amount=Money(amount, self.spec.currency),
                        stage=stage,
                        stage_since=min(since, as_of),
                        registered_on=registered,
                        name=f"{account} - {partner.partner_type.value}",
                        close_date=close,
                        account_executive_id=ae_id,
                        partner_manager_id=involved,
                        account_name=account,
                        account_domain=domain,
                        loss_reason=rng.choice(["price", "timing", "competitor", "no decision"])
                        if stage is OpportunityStage.LOST
                        else None,
                    )
                )
        del managers  # deals name managers through their partners' assignments
        return out

    def activities(
        self, opportunities: list[Opportunity], managers: list[PartnerManager]
    ) -> list[Activity]:
        rng = self.rng
        kinds = list(ActivityKind)
        out: list[Activity] = []
        for opp in opportunities:
            actors = [a for a in (opp.partner_manager_id, opp.account_executive_id) if a]
            for actor in actors:
                for _ in range(rng.randint(0, 2)):
                    day = opp.registered_on + timedelta(days=rng.randint(0, 60))
                    out.append(
                        Activity(
                            id=f"A-{len(out) + 1:07d}",
                            actor_id=actor,
                            kind=rng.choice(kinds),
                            occurred_on=min(day, self.spec.as_of),
                            partner_id=opp.partner_id,
                            opportunity_id=opp.id,
                        )
                    )
        del managers
        return out

    def commitments(self, partners: list[Partner]) -> list[Commitment]:
        rng = self.rng
        out: list[Commitment] = []
        what = (
            "Joint webinar",
            "Co-marketing plan",
            "Demo environment",
            "Quarterly business review",
            "Pricing exception",
            "Sales training",
            "Case study",
        )
        for partner in partners:
            owner = next(iter(partner.managers.values()), None)
            if owner is None or rng.random() < 0.6:
                continue
            due = self.spec.as_of + timedelta(days=rng.randint(-90, 90))
            status = CommitmentStatus.OPEN
            resolved = None
            if due < self.spec.as_of and rng.random() < 0.7:
                status = CommitmentStatus.DELIVERED
                resolved = due - timedelta(days=rng.randint(0, 10))
            out.append(
                Commitment(
                    id=f"C-{len(out) + 1:05d}",
                    partner_id=partner.id,
                    owner_id=owner,
                    description=rng.choice(what),
                    due_on=due,
                    status=status,
                    # A promise due soon was made before the snapshot day, never after.
                    made_on=min(due - timedelta(days=rng.randint(20, 90)), self.spec.as_of),
                    resolved_on=resolved,
                )
            )
        return out

    def money_owed(self, partners: list[Partner]) -> tuple[list[Invoice], list[MdfPayment]]:
        rng = self.rng
        invoices: list[Invoice] = []
        mdf: list[MdfPayment] = []
        for partner in partners:
            if partner.joined_on is None:
                continue
            if rng.random() < 0.3:
                issued = self.spec.as_of - timedelta(days=rng.randint(10, 200))
                paid = issued + timedelta(days=rng.randint(5, 60))
                invoices.append(
                    Invoice(
                        id=f"INV-{len(invoices) + 1:05d}",
                        partner_id=partner.id,
                        amount=Money(rng.randint(5, 80) * 100, self.spec.currency),
                        issued_on=issued,
                        due_on=issued + timedelta(days=30),
                        paid_on=paid if paid <= self.spec.as_of and rng.random() < 0.8 else None,
                    )
                )
            if rng.random() < 0.12:
                paid_on = self.spec.as_of - timedelta(days=rng.randint(10, 300))
                mdf.append(
                    MdfPayment(
                        id=f"MDF-{len(mdf) + 1:05d}",
                        partner_id=partner.id,
                        amount=Money(rng.randint(10, 100) * 100, self.spec.currency),
                        purpose=rng.choice(
                            ("Trade show", "Webinar series", "Paid search", "Event")
                        ),
                        paid_on=paid_on,
                        proof_delivered_on=paid_on + timedelta(days=rng.randint(10, 60))
                        if rng.random() < 0.75
                        else None,
                    )
                )
        return invoices, mdf

    def portfolio(self) -> Portfolio:
        managers = self.managers()
        aes = self.account_executives()
        partners, strength = self.partners(managers)
        opportunities = self.opportunities(partners, strength, managers, aes)
        invoices, mdf = self.money_owed(partners)
        return Portfolio(
            as_of=self.spec.as_of,
            currency=self.spec.currency,
            partners=partners,
            managers=managers,
            account_executives=aes,
            opportunities=opportunities,
            activities=self.activities(opportunities, managers),
            commitments=self.commitments(partners),
            invoices=invoices,
            mdf_payments=mdf,
        )
