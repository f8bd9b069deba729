"""Profiles: one RecordMapping per entity type, for one CRM; the built-in three."""

from __future__ import annotations

from typing import Any

import attrs

from partnerdomain.exceptions import ValidationError
from partnerdomain.model import (
    AccountExecutive,
    Activity,
    ActivityKind,
    CommitmentStatus,
    DealSource,
    ExitReason,
    FrozenMap,
    Invoice,
    MdfPayment,
    Opportunity,
    OpportunityStage,
    Partner,
    PartnerManager,
    PartnerStage,
    PartnerSuccessManager,
    PartnerType,
    RiskLevel,
    TeamRole,
)
from partnerdomain.model import Commitment as _Commitment
from partnerdomain.records._mapping import HUBSPOT_TOP_LEVEL, RecordMapping
from partnerdomain.records._schema import ENTITY_TYPES

__all__ = ["GENERIC", "HUBSPOT", "PROFILES", "SALESFORCE", "Profile", "get_profile"]

_KINDS = tuple(t for t in ENTITY_TYPES if t is not PartnerSuccessManager)


def _as_mappings(value: Any) -> FrozenMap[type[Any], RecordMapping]:  # noqa: ANN401
    if isinstance(value, FrozenMap):
        return value
    items = value.values() if isinstance(value, dict) else value
    return FrozenMap({m.entity: m for m in items})


def _check_mappings(
    _instance: Profile, _attribute: attrs.Attribute[Any], value: FrozenMap[type[Any], RecordMapping]
) -> None:
    missing = [t.__name__ for t in _KINDS if t not in value]
    if missing or not all(isinstance(m, RecordMapping) for m in value.values()):
        raise ValidationError("Profile", "mappings", missing, "one RecordMapping per entity type")


@attrs.frozen(kw_only=True)
class Profile:
    """How one CRM stores every entity type: one :class:`RecordMapping` per type.

    Args:
        name: The profile's name, e.g. ``"salesforce"``.
        mappings: One mapping per entity type (``PartnerManager``'s also serves
            ``PartnerSuccessManager``).
        envelope: The key of the record list in the CRM's JSON answers (``"records"``
            for SOQL results, ``"results"`` for HubSpot), for the file loaders.
    """

    name: str
    mappings: FrozenMap[type[Any], RecordMapping] = attrs.field(
        converter=_as_mappings, validator=_check_mappings
    )
    envelope: str | None = None

    def mapping(self, entity_type: type[Any]) -> RecordMapping:
        """Return the mapping of ``entity_type``.

        Raises:
            ValidationError: If the type is not an entity of the model.
        """
        key = PartnerManager if entity_type is PartnerSuccessManager else entity_type
        found = self.mappings.get(key)
        if found is None:
            names = ", ".join(t.__name__ for t in ENTITY_TYPES)
            raise ValidationError("Profile", "entity_type", entity_type, f"one of {names}")
        return found

    def replace(self, *mappings: RecordMapping) -> Profile:
        """Return a copy of the profile with ``mappings`` in place of those of their types."""
        merged = dict(self.mappings)
        merged.update({m.entity: m for m in mappings})
        return attrs.evolve(self, mappings=FrozenMap(merged))

    def with_default_currency(self, currency: str) -> Profile:
        """Return a copy whose amounts without a currency field are in ``currency``.

        For single-currency CRMs (a Salesforce org without multi-currency returns no
        ``CurrencyIsoCode``), or HubSpot portals that leave ``deal_currency_code`` empty.
        """
        return attrs.evolve(
            self,
            mappings=FrozenMap(
                {t: m.extend(default_currency=currency) for t, m in self.mappings.items()}
            ),
        )

    def as_text(self) -> Profile:
        """Return a copy that reads and writes every value as text, as CSV files hold them.

        Whole numbers are digit strings, lists ``;``-separated, the onboarding checklist
        JSON text, amounts decimal strings; an empty string is an absent value. Records
        are flat, one column per field: fields a CRM's API nests (HubSpot's
        ``properties``) are columns of their own, under their internal names.
        """
        changes: dict[str, Any] = {
            "textual": True,
            "multi_select": True,
            "json_objects": True,
            "amounts_as_text": True,
            "write_nulls": False,
            "properties": None,
        }
        return attrs.evolve(
            self,
            name=self.name if self.name.endswith("-text") else f"{self.name}-text",
            mappings=FrozenMap({t: m.extend(**changes) for t, m in self.mappings.items()}),
        )


def _label(member: Any) -> str:  # noqa: ANN401 - any enum member
    return str(member.value).replace("_", " ").title()


def _labels(enum: Any, **overrides: str) -> dict[str, Any]:  # noqa: ANN401
    labels = {m.name: _label(m) for m in enum}
    labels.update(overrides)
    return {label: enum[name] for name, label in labels.items()}


# -- generic: the library's own names, amounts as strings, JSON lists and objects ---------

GENERIC = Profile(name="generic", mappings=[RecordMapping(entity=t) for t in _KINDS])

# -- Salesforce: records as a SOQL query returns them -------------------------------------

_SF_ROLES = _labels(
    TeamRole,
    PARTNER_MANAGER="Partner Manager",
    RECRUITER="Partner Recruiter",
    PARTNER_SUCCESS_MANAGER="Partner Success Manager",
)
_SF_TYPES = _labels(
    PartnerType,
    RESELLER="Reseller",
    VAR="Value Added Reseller",
    MSP="Managed Service Provider",
    ISV="Independent Software Vendor",
)
_SF_COMMON: dict[str, Any] = {
    "multi_select": True,
    "json_objects": True,
    "amounts_as_text": False,
    "write_nulls": True,
    "timestamp_suffix": "T00:00:00.000+0000",
}


def _sf(entity: type[Any], crm_object: str, fields: dict[str, str], **more: Any) -> RecordMapping:  # noqa: ANN401
    return RecordMapping(entity=entity, crm_object=crm_object, fields=fields, **_SF_COMMON, **more)


_SF_MANAGER_FIELDS = {
    "managers.partner_manager": "OwnerId",
    "managers.recruiter": "Partner_Recruiter__c",
    "managers.partner_account_manager": "Partner_Account_Manager__c",
    "managers.partner_success_manager": "Partner_Success_Manager__c",
    "managers.alliance_manager": "Alliance_Manager__c",
    "managers.channel_support": "Channel_Support__c",
    "managers.executive_sponsor": "Executive_Sponsor__c",
}

SALESFORCE = Profile(
    name="salesforce",
    envelope="records",
    mappings=[
        _sf(
            Partner,
            "Account",
            {
                "id": "Id",
                "name": "Name",
                "partner_type": "Type",
                "stage": "Partner_Stage__c",
                "stage_since": "Partner_Stage_Since__c",
                "tier": "Partner_Tier__c",
                "country": "BillingCountry",
                "region": "Sales_Region__c",
                "languages": "Languages__c",
                "joined_on": "Partner_Since__c",
                "certifications": "Certified_Engineers__c",
                "onboarding_checklist": "Onboarding_Checklist__c",
                "contract_signed_on": "Contract_Signed_On__c",
                "risk_level": "Risk_Level__c",
                "exit_reason": "Exit_Reason__c",
                **_SF_MANAGER_FIELDS,
            },
            vocabularies={
                "partner_type": _SF_TYPES,
                "stage": _labels(PartnerStage),
                "risk_level": _labels(RiskLevel),
                "exit_reason": _labels(ExitReason),
            },
        ),
        _sf(
            PartnerManager,
            "User",
            {
                "id": "Id",
                "name": "Name",
                "role": "Partner_Role__c",
                "competencies": "Partner_Competencies__c",
                "languages": "Languages__c",
                "regions": "Regions__c",
                "capacity.recruit": "Recruit_Capacity__c",
                "capacity.ramp": "Ramp_Capacity__c",
                "capacity.manage": "Manage_Capacity__c",
            },
            vocabularies={"role": _SF_ROLES, "competencies": _SF_TYPES},
        ),
        _sf(
            AccountExecutive,
            "User",
            {
                "id": "Id",
                "name": "Name",
                "quota": "Quarterly_Quota__c",
                "quota.currency": "CurrencyIsoCode",
                "regions": "Regions__c",
            },
        ),
        _sf(
            Opportunity,
            "Opportunity",
            {
                "id": "Id",
                "name": "Name",
                "source": "Deal_Source__c",
                "amount": "Amount",
                "amount.currency": "CurrencyIsoCode",
                "stage": "StageName",
                "stage_since": "Stage_Since__c",
                "registered_on": "CreatedDate",
                "partner_id": "PartnerAccountId",
                "close_date": "CloseDate",
                "account_executive_id": "OwnerId",
                "partner_manager_id": "Partner_Manager__c",
                "account_name": "Account_Name__c",
                "account_domain": "Account_Domain__c",
                "loss_reason": "Loss_Reason__c",
            },
            vocabularies={
                "source": _labels(DealSource),
                "stage": _labels(
                    OpportunityStage,
                    REGISTERED="Prospecting",
                    QUALIFIED="Qualification",
                    PROPOSAL="Proposal/Price Quote",
                    NEGOTIATION="Negotiation/Review",
                    WON="Closed Won",
                    LOST="Closed Lost",
                    REJECTED="Registration Rejected",
                ),
            },
            timestamps={"registered_on"},
        ),
        _sf(
            Activity,
            "Task",
            {
                "id": "Id",
                "actor_id": "OwnerId",
                "kind": "Type",
                "occurred_on": "ActivityDate",
                "partner_id": "AccountId",
                "opportunity_id": "WhatId",
                "note": "Description",
            },
            vocabularies={"kind": _labels(ActivityKind, CO_SELLING="Co-Selling")},
        ),
        _sf(
            _Commitment,
            "Partner_Commitment__c",
            {
                "id": "Id",
                "partner_id": "Partner_Account__c",
                "owner_id": "OwnerId",
                "description": "Description__c",
                "due_on": "Due_Date__c",
                "status": "Status__c",
                "made_on": "Made_On__c",
                "resolved_on": "Resolved_On__c",
            },
            vocabularies={"status": _labels(CommitmentStatus)},
        ),
        _sf(
            Invoice,
            "Partner_Invoice__c",
            {
                "id": "Id",
                "partner_id": "Partner_Account__c",
                "amount": "Amount__c",
                "amount.currency": "CurrencyIsoCode",
                "issued_on": "Issued_On__c",
                "due_on": "Due_Date__c",
                "paid_on": "Paid_On__c",
            },
        ),
        _sf(
            MdfPayment,
            "MDF_Payment__c",
            {
                "id": "Id",
                "partner_id": "Partner_Account__c",
                "amount": "Amount__c",
                "amount.currency": "CurrencyIsoCode",
                "purpose": "Purpose__c",
                "paid_on": "Paid_On__c",
                "proof_delivered_on": "Proof_Delivered_On__c",
            },
        ),
    ],
)

# -- HubSpot: CRM v3 objects, every property a string ------------------------------------

_HS_COMMON: dict[str, Any] = {
    "properties": "properties",
    "top_level": HUBSPOT_TOP_LEVEL,
    "textual": True,
    "multi_select": True,
    "json_objects": True,
    "amounts_as_text": True,
    "timestamp_suffix": "T00:00:00Z",
}


def _hs(entity: type[Any], crm_object: str, fields: dict[str, str], **more: Any) -> RecordMapping:  # noqa: ANN401
    return RecordMapping(entity=entity, crm_object=crm_object, fields=fields, **_HS_COMMON, **more)


HUBSPOT = Profile(
    name="hubspot",
    envelope="results",
    mappings=[
        _hs(
            Partner,
            "companies",
            {
                "stage": "partner_stage",
                "stage_since": "partner_stage_since",
                "tier": "partner_tier",
                "region": "partner_region",
                "languages": "partner_languages",
                "joined_on": "partner_since",
                "certifications": "certified_engineers",
                "managers.partner_manager": "hubspot_owner_id",
                "managers.recruiter": "partner_recruiter_id",
                "managers.partner_account_manager": "partner_account_manager_id",
                "managers.partner_success_manager": "partner_success_manager_id",
                "managers.alliance_manager": "alliance_manager_id",
                "managers.channel_support": "channel_support_id",
                "managers.executive_sponsor": "executive_sponsor_id",
            },
        ),
        _hs(PartnerManager, "partner_managers", {}),
        _hs(AccountExecutive, "account_executives", {"quota.currency": "quota_currency"}),
        _hs(
            Opportunity,
            "deals",
            {
                "name": "dealname",
                "source": "deal_source",
                "amount.currency": "deal_currency_code",
                "stage": "dealstage",
                "stage_since": "deal_stage_since",
                "registered_on": "createdate",
                "partner_id": "partner_company_id",
                "close_date": "closedate",
                "account_executive_id": "hubspot_owner_id",
                "loss_reason": "closed_lost_reason",
            },
            vocabularies={
                "stage": {
                    "appointmentscheduled": OpportunityStage.REGISTERED,
                    "qualifiedtobuy": OpportunityStage.QUALIFIED,
                    "presentationscheduled": OpportunityStage.PROPOSAL,
                    "contractsent": OpportunityStage.NEGOTIATION,
                    "closedwon": OpportunityStage.WON,
                    "closedlost": OpportunityStage.LOST,
                    "registrationrejected": OpportunityStage.REJECTED,
                }
            },
            timestamps={"registered_on", "close_date"},
        ),
        _hs(Activity, "activities", {"actor_id": "hubspot_owner_id"}),
        _hs(_Commitment, "commitments", {"owner_id": "hubspot_owner_id"}),
        _hs(Invoice, "invoices", {"amount.currency": "currency_code"}),
        _hs(MdfPayment, "mdf_payments", {"amount.currency": "currency_code"}),
    ],
)

#: The built-in profiles by name, as the command line's ``--profile`` takes them.
PROFILES: FrozenMap[str, Profile] = FrozenMap({p.name: p for p in (GENERIC, SALESFORCE, HUBSPOT)})


def get_profile(profile: Profile | str) -> Profile:
    """Return a built-in profile by name (``"generic"``, ``"salesforce"``, ``"hubspot"``).

    A :class:`Profile` passed in is returned as it is.

    Raises:
        ValidationError: If no built-in profile has that name.
    """
    if isinstance(profile, Profile):
        return profile
    found = PROFILES.get(profile) if isinstance(profile, str) else None  # type: ignore[redundant-expr]
    if found is None:
        raise ValidationError("records", "profile", profile, f"one of {', '.join(PROFILES)}")
    return found
