"""The README's quickstart as a script: build a small portfolio and read it back.

Run it with ``python examples/quickstart.py``.
"""

from datetime import date

from partnerdomain import (
    DealSource,
    Money,
    Opportunity,
    OpportunityStage,
    Partner,
    PartnerManager,
    PartnerStage,
    PartnerType,
    Portfolio,
    Quarter,
    TeamRole,
)


def main() -> None:
    manager = PartnerManager(id="M-1", name="Dana Whitfield", languages=["en", "de"])
    partners = [
        Partner(
            id="P-1",
            name="Acme IT Services",
            partner_type=PartnerType.MSP,
            stage=PartnerStage.ACTIVE,
            stage_since=date(2026, 2, 1),
            joined_on=date(2025, 9, 15),
            managers={TeamRole.PARTNER_MANAGER: "M-1"},
        ),
        Partner(
            id="P-2",
            name="Northwind Consulting",
            partner_type=PartnerType.SYSTEM_INTEGRATOR,
            stage=PartnerStage.ONBOARDING,
            stage_since=date(2026, 8, 20),
            joined_on=date(2026, 8, 20),
            managers={TeamRole.PARTNER_MANAGER: "M-1"},
            onboarding_checklist={"agreement": True, "portal": True, "training": False},
        ),
    ]
    deals = [
        Opportunity(
            id="O-1",
            partner_id="P-1",
            source=DealSource.PARTNER_SOURCED,
            amount=Money("48000.00", "EUR"),
            stage=OpportunityStage.WON,
            stage_since=date(2026, 8, 12),
            registered_on=date(2026, 5, 4),
            close_date=date(2026, 8, 12),
        ),
        Opportunity(
            id="O-2",
            partner_id="P-1",
            source=DealSource.PARTNER_SOURCED,
            amount=Money("125000.00", "EUR"),
            stage=OpportunityStage.NEGOTIATION,
            stage_since=date(2026, 9, 1),
            registered_on=date(2026, 7, 2),
        ),
    ]
    portfolio = Portfolio(
        as_of=date(2026, 9, 30),
        currency="EUR",
        partners=partners,
        managers=[manager],
        opportunities=deals,
    )

    quarter = Quarter.from_date(portfolio.as_of)
    print(f"Portfolio as of {portfolio.as_of} ({quarter}), {len(portfolio.partners)} partners")
    for partner in portfolio.partners:
        opportunities = portfolio.opportunities_for(partner.id)
        won = Money.total(
            (o.amount for o in opportunities if o.is_won and o.close_date in quarter), "EUR"
        )
        pipeline = Money.total((o.amount for o in opportunities if o.is_open), "EUR")
        print(
            f"- {partner.name} ({partner.partner_type}, {partner.stage}): "
            f"won {won} in {quarter}, open pipeline {pipeline}, "
            f"onboarding {partner.onboarding_progress:.0%} done"
        )
    managed = portfolio.partners_managed_by("M-1")
    print(f"{manager.name} manages {len(managed)} partners")


if __name__ == "__main__":
    main()
