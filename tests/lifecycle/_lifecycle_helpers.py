"""Builders shared by the lifecycle tests."""

from datetime import date
from decimal import Decimal

from partnerdomain.model import (
    Commitment,
    DealSource,
    Invoice,
    MdfPayment,
    Money,
    Opportunity,
    OpportunityStage,
    Partner,
    PartnerStage,
    PartnerType,
)

DAY = date(2026, 3, 2)


def partner(stage=PartnerStage.PROSPECT, **changes):
    fields = {
        "id": "P-1",
        "name": "Acme IT",
        "partner_type": PartnerType.MSP,
        "stage": stage,
        "stage_since": date(2026, 1, 5),
    }
    fields.update(changes)
    return Partner(**fields)


def deal(stage=OpportunityStage.REGISTERED, **changes):
    fields = {
        "id": "O-1",
        "source": DealSource.PARTNER_SOURCED,
        "partner_id": "P-1",
        "amount": Money(Decimal(25000), "EUR"),
        "stage": stage,
        "stage_since": date(2026, 1, 5),
        "registered_on": date(2026, 1, 5),
    }
    fields.update(changes)
    return Opportunity(**fields)


def promise(**changes):
    fields = {
        "id": "C-1",
        "partner_id": "P-1",
        "owner_id": "M-1",
        "description": "Joint webinar",
        "due_on": date(2026, 3, 31),
        "made_on": date(2026, 1, 10),
    }
    fields.update(changes)
    return Commitment(**fields)


def invoice(id_="I-1", paid_on=None, partner_id="P-1"):
    return Invoice(
        id=id_,
        partner_id=partner_id,
        amount=Money(Decimal(1200), "EUR"),
        issued_on=date(2026, 1, 10),
        due_on=date(2026, 2, 10),
        paid_on=paid_on,
    )


def mdf(id_="F-1", proof_on=None, partner_id="P-1"):
    return MdfPayment(
        id=id_,
        partner_id=partner_id,
        amount=Money(Decimal(5000), "EUR"),
        purpose="Webinar series",
        paid_on=date(2026, 1, 20),
        proof_delivered_on=proof_on,
    )
