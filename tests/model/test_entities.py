from datetime import date, datetime

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerdomain import (
    AccountExecutive,
    Activity,
    ActivityKind,
    Capacity,
    Commitment,
    CommitmentStatus,
    DealSource,
    FrozenMap,
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
    TeamRole,
)
from partnerdomain.exceptions import ValidationError
from partnerdomain.testing import (
    account_executives,
    activities,
    commitments,
    invoices,
    mdf_payments,
    opportunities,
    partner_managers,
    partner_success_managers,
    partners,
)

DAY = date(2026, 3, 1)
ALL_ENTITIES = st.one_of(
    partners(),
    partner_managers(),
    partner_success_managers(),
    account_executives(),
    opportunities(),
    activities(),
    commitments(),
    invoices(),
    mdf_payments(),
)


def a_partner(**changes):
    fields = {
        "id": "P-1",
        "name": "Acme",
        "partner_type": PartnerType.MSP,
        "stage": PartnerStage.ACTIVE,
        "stage_since": DAY,
    }
    return Partner(**(fields | changes))


def a_deal(**changes):
    fields = {
        "id": "O-1",
        "partner_id": "P-1",
        "source": DealSource.PARTNER_SOURCED,
        "amount": Money(1000, "EUR"),
        "stage": OpportunityStage.QUALIFIED,
        "stage_since": DAY,
        "registered_on": DAY,
    }
    return Opportunity(**(fields | changes))


class TestEveryEntity:
    @given(ALL_ENTITIES)
    def test_strategies_make_only_valid_entities_that_rebuild_equal(self, entity):
        rebuilt = attrs.evolve(entity)
        assert rebuilt == entity
        assert hash(rebuilt) == hash(entity)

    @given(ALL_ENTITIES)
    def test_entities_are_frozen(self, entity):
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            entity.id = "other"

    @given(ALL_ENTITIES)
    def test_fields_are_keyword_only(self, entity):
        with pytest.raises(TypeError):
            type(entity)(*attrs.astuple(entity, recurse=False))

    @given(ALL_ENTITIES, st.sampled_from(["", "   ", None, 7]))
    def test_a_blank_or_non_string_id_is_rejected_naming_the_field(self, entity, bad):
        with pytest.raises(ValidationError) as info:
            attrs.evolve(entity, id=bad)
        assert info.value.field == "id"
        assert info.value.entity == type(entity).__name__

    @given(ALL_ENTITIES)
    def test_custom_fields_are_deeply_frozen(self, entity):
        frozen = attrs.evolve(entity, custom_fields={"Tags__c": ["a", {"b": [1]}]})
        assert frozen.custom_fields == {"Tags__c": ("a", FrozenMap({"b": (1,)}))}
        hash(frozen)


class TestPartner:
    def test_unknown_crm_fields_are_kept(self):
        p = a_partner(custom_fields={"Partner_Level__c": "Gold", "Score__c": 7})
        assert p.custom_fields["Partner_Level__c"] == "Gold"

    def test_a_string_where_an_enum_belongs_is_rejected_with_the_choices(self):
        with pytest.raises(ValidationError, match="'msp'") as info:
            a_partner(partner_type="msp")
        assert info.value.field == "partner_type"

    def test_a_datetime_is_not_a_day(self):
        with pytest.raises(ValidationError, match="not a datetime"):
            a_partner(stage_since=datetime(2026, 1, 1, 12, 0))  # noqa: DTZ001

    @pytest.mark.parametrize("bad", ["en", 5, [""], ["en", 3]])
    def test_languages_must_be_a_sequence_of_codes(self, bad):
        with pytest.raises(ValidationError) as info:
            a_partner(languages=bad)
        assert info.value.field == "languages"

    def test_languages_become_a_tuple(self):
        assert a_partner(languages=["en", "de"]).languages == ("en", "de")

    @pytest.mark.parametrize("bad", [-1, 1.0, True, "3"])
    def test_certifications_must_be_a_non_negative_int(self, bad):
        with pytest.raises(ValidationError, match="non-negative integer"):
            a_partner(certifications=bad)

    def test_managers_map_roles_to_ids(self):
        p = a_partner(managers={TeamRole.PARTNER_SUCCESS_MANAGER: "M-2"})
        assert p.manager_for(TeamRole.PARTNER_SUCCESS_MANAGER) == "M-2"
        assert p.manager_for(TeamRole.RECRUITER) is None
        with pytest.raises(ValidationError, match="TeamRole"):
            a_partner(managers={"psm": "M-2"})

    def test_onboarding_is_complete_only_when_every_item_is_done(self):
        assert not a_partner().onboarding_complete
        assert not a_partner(
            onboarding_checklist={"portal": True, "training": False}
        ).onboarding_complete
        done = a_partner(onboarding_checklist={"portal": True, "training": True})
        assert done.onboarding_complete
        assert done.onboarding_progress == 1.0
        with pytest.raises(ValidationError):
            a_partner(onboarding_checklist={"portal": "yes"})


class TestPeople:
    def test_a_partner_success_manager_is_its_own_type_and_never_recruits(self):
        psm = PartnerSuccessManager(id="M-1", name="Ravi", capacity=Capacity(ramp=5, manage=30))
        assert isinstance(psm, PartnerManager)
        assert psm.role is TeamRole.PARTNER_SUCCESS_MANAGER
        with pytest.raises(ValidationError, match="recruit=0"):
            PartnerSuccessManager(id="M-1", name="Ravi", capacity=Capacity(recruit=1))
        with pytest.raises(ValidationError, match="PARTNER_SUCCESS_MANAGER"):
            PartnerSuccessManager(id="M-1", name="Ravi", role=TeamRole.RECRUITER)

    def test_a_plain_partner_manager_cannot_claim_the_success_manager_role(self):
        with pytest.raises(ValidationError, match="PartnerSuccessManager"):
            PartnerManager(id="M-1", name="Dana", role=TeamRole.PARTNER_SUCCESS_MANAGER)

    def test_a_manager_is_a_generalist_unless_told_otherwise(self):
        generalist = PartnerManager(id="M-1", name="Dana")
        assert all(generalist.is_competent_for(t) for t in PartnerType)
        specialist = PartnerManager(id="M-2", name="Lee", competencies=[PartnerType.MSP])
        assert specialist.competencies == frozenset({PartnerType.MSP})
        assert not specialist.is_competent_for(PartnerType.STRATEGIC_ALLIANCE)

    def test_regions_limit_coverage_only_when_given(self):
        assert PartnerManager(id="M-1", name="Dana").covers_region("DACH")
        assert not PartnerManager(id="M-1", name="Dana", regions=["NA"]).covers_region("DACH")

    @pytest.mark.parametrize("bad", [-1, 2.5])
    def test_capacity_counts_are_non_negative_ints(self, bad):
        with pytest.raises(ValidationError):
            Capacity(manage=bad)

    def test_account_executive_quota_is_money(self):
        assert AccountExecutive(id="AE-1", name="Sam", quota=Money(250_000, "EUR")).quota
        with pytest.raises(ValidationError, match="Money"):
            AccountExecutive(id="AE-1", name="Sam", quota=250_000)


class TestOpportunity:
    def test_only_direct_deals_may_lack_a_partner(self):
        assert a_deal(partner_id=None, source=DealSource.DIRECT).partner_id is None
        with pytest.raises(ValidationError, match="only direct deals"):
            a_deal(partner_id=None)

    def test_amounts_are_money_and_never_negative(self):
        with pytest.raises(ValidationError, match="zero or more"):
            a_deal(amount=Money(-1, "EUR"))
        with pytest.raises(ValidationError, match="Money"):
            a_deal(amount=1000)

    def test_stage_helpers(self):
        assert a_deal().is_open
        assert a_deal(stage=OpportunityStage.WON).is_won
        assert not a_deal(source=DealSource.DIRECT).involves_partner
        assert OpportunityStage.REJECTED.is_closed


class TestPromisesAndMoney:
    def test_a_commitment_is_overdue_only_while_open_after_its_due_day(self):
        c = Commitment(id="C", partner_id="P", owner_id="M", description="QBR", due_on=DAY)
        assert not c.is_overdue(DAY)
        assert c.is_overdue(date(2026, 3, 2))
        delivered = attrs.evolve(c, status=CommitmentStatus.DELIVERED, resolved_on=DAY)
        assert not delivered.is_overdue(date(2027, 1, 1))

    def test_an_open_commitment_has_no_resolution_day(self):
        with pytest.raises(ValidationError, match="open"):
            Commitment(
                id="C", partner_id="P", owner_id="M", description="QBR", due_on=DAY, resolved_on=DAY
            )

    def test_an_invoice_is_outstanding_from_issue_until_paid(self):
        inv = Invoice(id="I", partner_id="P", amount=Money(10, "EUR"), issued_on=DAY, due_on=DAY)
        assert inv.is_outstanding(DAY)
        assert not inv.is_outstanding(date(2026, 2, 1))
        paid = attrs.evolve(inv, paid_on=date(2026, 3, 10))
        assert paid.is_outstanding(date(2026, 3, 9))
        assert not paid.is_outstanding(date(2026, 3, 10))

    def test_mdf_paid_without_proof_blocks(self):
        mdf = MdfPayment(id="F", partner_id="P", amount=Money(5000, "EUR"), paid_on=DAY)
        assert mdf.lacks_proof(DAY)
        assert not attrs.evolve(mdf, proof_delivered_on=DAY).lacks_proof(DAY)
        assert not attrs.evolve(mdf, paid_on=None).lacks_proof(DAY)

    def test_invoices_and_mdf_need_a_positive_amount(self):
        with pytest.raises(ValidationError, match="above zero"):
            Invoice(id="I", partner_id="P", amount=Money(0, "EUR"), issued_on=DAY, due_on=DAY)

    def test_activities_record_who_did_what(self):
        act = Activity(id="A", actor_id="AE-1", kind=ActivityKind.CO_SELLING, occurred_on=DAY)
        assert act.note == ""
        with pytest.raises(ValidationError, match="ActivityKind"):
            Activity(id="A", actor_id="AE-1", kind="call", occurred_on=DAY)


def test_reprs_do_not_depend_on_the_hash_seed():
    import subprocess
    import sys

    code = (
        "from partnerdomain.model import PartnerManager;"
        "print(repr(PartnerManager(id='M-1', name='Ann')))"
    )
    reprs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={"PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in (1, 2, 3)
    }
    assert len(reprs) == 1
