"""Examples: the built-in profiles on hand-made CRM files, errors, loaders, mappings."""

import json
import pickle
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from partnerdomain import (
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
from partnerdomain.exceptions import PartnerDomainError, ValidationError
from partnerdomain.records import (
    CONVERTER,
    GENERIC,
    HUBSPOT,
    SALESFORCE,
    RecordError,
    RecordMapping,
    from_record,
    from_records,
    get_profile,
    load_portfolio,
    read_records,
    to_record,
    to_records,
)

FIXTURES = Path(__file__).parent / "fixtures"


def soql(name):
    with (FIXTURES / name).open() as f:
        return json.load(f, parse_float=Decimal)


class TestSalesforce:
    def test_soql_accounts_become_partners_with_managers_by_role(self):
        records = soql("salesforce_accounts.json")["records"]
        acme, beta = from_records(Partner, records, profile="salesforce").entities
        assert acme.partner_type is PartnerType.MSP
        assert acme.manager_for(TeamRole.PARTNER_MANAGER) == "005A000001"
        assert acme.manager_for(TeamRole.PARTNER_SUCCESS_MANAGER) == "005A000002"
        assert acme.certifications == 3
        assert acme.languages == ("de", "en")
        assert acme.onboarding_complete
        assert not beta.onboarding_complete
        assert beta.manager_for(TeamRole.RECRUITER) == "005A000003"

    def test_unknown_soql_fields_are_kept_and_written_back_unchanged(self):
        records = soql("salesforce_accounts.json")["records"]
        for record in records:
            partner = from_record(Partner, record, profile=SALESFORCE)
            assert partner.custom_fields["attributes"]["type"] == "Account"
            assert to_record(partner, profile=SALESFORCE) == record

    def test_json_amounts_are_the_exact_decimal_of_their_text(self):
        records = soql("salesforce_opportunities.json")["records"]
        won, open_deal = from_records(Opportunity, records, profile=SALESFORCE).entities
        assert won.amount == Money("48000.10", "EUR")
        assert open_deal.amount.amount == Decimal("0.1")
        assert won.stage is OpportunityStage.WON

    def test_created_date_gives_the_registration_day_and_its_timestamp_survives(self):
        record = soql("salesforce_opportunities.json")["records"][0]
        deal = from_record(Opportunity, record, profile=SALESFORCE)
        assert deal.registered_on == date(2026, 1, 12)
        assert deal.custom_fields["CreatedDate"] == "2026-01-12T08:30:00.000+0000"
        assert to_record(deal, profile=SALESFORCE)["CreatedDate"] == record["CreatedDate"]

    def test_a_record_without_currency_needs_a_default_currency(self):
        record = dict(soql("salesforce_opportunities.json")["records"][0])
        del record["CurrencyIsoCode"]
        with pytest.raises(RecordError, match="CurrencyIsoCode"):
            from_record(Opportunity, record, profile=SALESFORCE)
        deal = from_record(Opportunity, record, profile=SALESFORCE.with_default_currency("USD"))
        assert deal.amount == Money("48000.10", "USD")


class TestHubSpot:
    def test_deals_read_their_string_properties(self):
        (record,) = soql("hubspot_deals.json")["results"]
        deal = from_record(Opportunity, record, profile=HUBSPOT)
        assert deal.amount == Money("12500.00", "USD")
        assert deal.stage is OpportunityStage.WON
        assert deal.close_date == date(2026, 3, 20)
        assert deal.partner_id == "501"
        assert deal.custom_fields["archived"] is False
        assert deal.custom_fields["pipeline"] == "default"

    def test_deals_are_written_back_exactly(self):
        (record,) = soql("hubspot_deals.json")["results"]
        assert (
            to_record(from_record(Opportunity, record, profile=HUBSPOT), profile=HUBSPOT) == record
        )


class TestErrors:
    def test_an_error_lists_every_problem_by_crm_field_name(self):
        record = {
            "Id": "001X",
            "Name": "",
            "Type": "Distributor",
            "Partner_Stage__c": "Active",
            "Partner_Stage_Since__c": "31/03/2026",
            "Certified_Engineers__c": "false",
        }
        with pytest.raises(RecordError) as caught:
            from_record(Partner, record, profile=SALESFORCE, index=7)
        error = caught.value
        assert {p.field for p in error.problems} == {
            "Name",
            "Type",
            "Partner_Stage_Since__c",
            "Certified_Engineers__c",
        }
        assert error.index == 7
        assert error.record_id == "001X"
        assert "index 7, id '001X'" in str(error)
        assert isinstance(error, PartnerDomainError)

    def test_a_float_amount_is_refused_with_advice(self):
        record = to_record(
            from_record(
                Opportunity, soql("salesforce_opportunities.json")["records"][1], profile=SALESFORCE
            ),
            profile=SALESFORCE,
        )
        record["Amount"] = 0.1
        with pytest.raises(RecordError, match="parse_float=Decimal"):
            from_record(Opportunity, record, profile=SALESFORCE)

    @pytest.mark.parametrize(
        ("amount", "said"),
        [
            (float("nan"), "NaN and infinity are not"),
            (float("inf"), "NaN and infinity are not"),
            (10**18, r"below 10\^18"),
            ("-1000000000000000000", r"below 10\^18"),
            (Decimal("1E+30"), r"below 10\^18"),
        ],
    )
    def test_an_amount_no_deal_can_have_is_refused_by_name(self, amount, said):
        record = to_record(
            from_record(
                Opportunity, soql("salesforce_opportunities.json")["records"][1], profile=SALESFORCE
            ),
            profile=SALESFORCE,
        )
        record["Amount"] = amount
        with pytest.raises(RecordError, match=said) as caught:
            from_record(Opportunity, record, profile=SALESFORCE)
        assert [p.field for p in caught.value.problems] == ["Amount"]
        record["Amount"] = largest = Decimal("999999999999999999.99")  # the largest, in cents
        assert from_record(Opportunity, record, profile=SALESFORCE).amount.amount == largest

    def test_record_errors_survive_pickling(self):
        with pytest.raises(RecordError) as caught:
            from_record(Partner, {"id": "P-1"})
        again = pickle.loads(pickle.dumps(caught.value))
        assert again.problems == caught.value.problems
        assert str(again) == str(caught.value)

    def test_raise_mode_stops_at_the_first_bad_record(self):
        with pytest.raises(RecordError) as caught:
            from_records(Partner, [{"id": "P-1"}, {"id": "P-2"}])
        assert caught.value.index == 0

    def test_a_non_object_record_is_a_record_error(self):
        with pytest.raises(RecordError, match="expected an object"):
            from_record(Partner, ["P-1"])  # type: ignore[arg-type]


class TestConverter:
    @pytest.mark.parametrize(
        ("value", "cls"),
        [("false", bool), (None, str), ("3", int), (True, int), (1.5, Decimal), ("2026-3-1", date)],
    )
    def test_primitive_hooks_refuse_rather_than_coerce(self, value, cls):
        with pytest.raises(ValueError, match="expected"):
            CONVERTER.structure(value, cls)

    def test_whole_decimals_are_whole_numbers(self):
        assert CONVERTER.structure(Decimal("3.0"), int) == 3


class TestManagers:
    def test_the_role_decides_between_manager_and_success_manager(self):
        managers = from_records(PartnerManager, read_records(FIXTURES / "managers.json")).entities
        assert type(managers[0]) is PartnerManager
        assert type(managers[1]) is PartnerSuccessManager
        assert managers[1].capacity.manage == 30

    def test_a_success_manager_record_with_another_role_is_refused(self):
        with pytest.raises(RecordError, match="role"):
            from_record(PartnerSuccessManager, {"id": "M-1", "name": "Dana", "role": "recruiter"})


class TestLoaders:
    def test_csv_and_json_lines_give_the_same_partners(self):
        from_csv = from_records(
            Partner, read_records(FIXTURES / "partners.csv"), profile=GENERIC.as_text()
        )
        from_lines = from_records(Partner, read_records(FIXTURES / "partners.jsonl"))
        assert [p.id for p in from_csv.entities] == [p.id for p in from_lines.entities]
        assert from_csv.entities[0].custom_fields["Segment__c"] == "SMB"
        assert from_lines.entities[1].custom_fields["Score__c"] == Decimal("0.1")

    def test_line_and_row_files_are_read_lazily(self):
        assert not isinstance(read_records(FIXTURES / "partners.jsonl"), list)
        assert not isinstance(read_records(FIXTURES / "partners.csv"), list)

    def test_a_portfolio_loads_from_files_of_several_formats(self):
        portfolio = load_portfolio(
            as_of=date(2026, 3, 31),
            currency="EUR",
            partners=FIXTURES / "partners.csv",
            managers=FIXTURES / "managers.json",
        )
        assert len(portfolio.partners) == 2
        assert portfolio.partners_managed_by("M-1")

    def test_invalid_json_is_a_record_error(self, tmp_path):
        bad = tmp_path / "bad.json"
        bad.write_text("{not json")
        with pytest.raises(RecordError, match="valid JSON"):
            list(read_records(bad))


class TestMappings:
    def test_a_custom_mapping_renames_and_labels_in_a_few_lines(self):
        mapping = RecordMapping(
            entity=Partner,
            fields={"id": "partner_no", "partner_type": "kind"},
            vocabularies={"partner_type": {"Value Added Reseller": PartnerType.VAR}},
            defaults={"stage": PartnerStage.ACTIVE},
        )
        profile = GENERIC.replace(mapping)
        record = {
            "partner_no": "7",
            "name": "Acme",
            "kind": "Value Added Reseller",
            "stage_since": "2026-01-01",
        }
        partner = from_record(Partner, record, profile=profile)
        assert partner.partner_type is PartnerType.VAR
        assert to_record(partner, profile=profile)["kind"] == "Value Added Reseller"

    def test_extending_a_built_in_mapping_keeps_the_rest(self):
        mapping = SALESFORCE.mapping(Partner).extend(fields={"tier": "Partner_Level__c"})
        assert mapping.crm_name("tier") == "Partner_Level__c"
        assert mapping.crm_name("name") == "Name"

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"fields": {"nope": "X"}},
            {"fields": {"name": "Id", "id": "Id"}},
            {"vocabularies": {"name": {}}},
            {"default_currency": "EURO"},
            {"timestamps": {"name"}},
        ],
    )
    def test_a_mapping_that_cannot_work_is_refused_when_built(self, kwargs):
        with pytest.raises(ValidationError):
            RecordMapping(entity=Partner, **kwargs)

    def test_forbidding_unknown_fields_reports_each_one(self):
        profile = GENERIC.replace(GENERIC.mapping(Partner).extend(unknown="forbid"))
        record = to_record(
            from_records(Partner, read_records(FIXTURES / "partners.jsonl")).entities[0]
        )
        with pytest.raises(RecordError, match="Segment__c"):
            from_record(Partner, record, profile=profile)

    def test_a_custom_field_named_like_a_mapped_field_cannot_be_written(self):
        partner = from_records(Partner, read_records(FIXTURES / "partners.jsonl")).entities[0]
        clash = Partner(
            **{
                **{
                    a: getattr(partner, a)
                    for a in ("id", "name", "partner_type", "stage", "stage_since")
                },
                "custom_fields": {"Partner_Tier__c": "Gold"},
            }
        )
        with pytest.raises(RecordError, match="Partner_Tier__c"):
            to_record(clash, profile=SALESFORCE)

    def test_profiles_are_found_by_name(self):
        assert get_profile("hubspot") is HUBSPOT
        with pytest.raises(ValidationError):
            get_profile("pipedrive")

    def test_to_records_writes_mixed_entities_in_order(self):
        partners = from_records(Partner, read_records(FIXTURES / "partners.jsonl")).entities
        assert [r["id"] for r in to_records(partners)] == ["P-1", "P-2"]
