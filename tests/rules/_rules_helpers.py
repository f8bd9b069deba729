"""Small factories shared by the rules tests."""

from datetime import date

import attrs

from partnerdomain import Money, Opportunity, OpportunityStage, Partner, PartnerStage, PartnerType
from partnerdomain.model import DealSource

DAY = date(2026, 3, 31)


def make_partner(**changes):
    base = Partner(
        id="P-1",
        name="Acme IT",
        partner_type=PartnerType.RESELLER,
        stage=PartnerStage.ACTIVE,
        stage_since=date(2026, 1, 5),
        tier="Gold",
        certifications=1,
    )
    return attrs.evolve(base, **changes)


def make_deal(amount=300_000, **changes):
    base = Opportunity(
        id="O-1",
        source=DealSource.PARTNER_SOURCED,
        partner_id="P-1",
        amount=Money(amount, "EUR"),
        stage=OpportunityStage.NEGOTIATION,
        stage_since=DAY,
        registered_on=DAY,
    )
    return attrs.evolve(base, **changes)
