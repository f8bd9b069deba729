"""The invariants of the records layer, as hypothesis properties, for every profile."""

from datetime import time

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from partnerdomain import (
    AccountExecutive,
    Activity,
    Commitment,
    Opportunity,
    Partner,
    PartnerManager,
    PartnerSuccessManager,
)
from partnerdomain.model import Invoice, MdfPayment, thaw_json
from partnerdomain.records import (
    GENERIC,
    HUBSPOT,
    SALESFORCE,
    RecordError,
    from_record,
    from_records,
    to_record,
)
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

PROFILES = [
    GENERIC,
    SALESFORCE,
    HUBSPOT,
    GENERIC.as_text(),
    SALESFORCE.with_default_currency("EUR"),
]
PROFILE_IDS = [p.name for p in PROFILES[:3]] + ["generic-text", "salesforce-eur"]

STRATEGIES = {
    Partner: partners(),
    PartnerManager: partner_managers(),
    PartnerSuccessManager: partner_success_managers(),
    AccountExecutive: account_executives(),
    Opportunity: opportunities(),
    Activity: activities(),
    Commitment: commitments(),
    Invoice: invoices(),
    MdfPayment: mdf_payments(),
}
ANY_ENTITY = st.one_of(*STRATEGIES.values())

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=True)
    | st.decimals(allow_nan=False, places=2, min_value=-(10**6), max_value=10**6)
    | st.text(max_size=12)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def plan_of(entity, profile):
    return profile.mapping(type(entity)).plan(type(entity))


def collides(entity, profile):
    """Whether a custom field takes a name the profile maps to a model field."""
    return bool(set(entity.custom_fields) & plan_of(entity, profile).known)


@pytest.mark.parametrize("profile", PROFILES, ids=PROFILE_IDS)
@given(entity=ANY_ENTITY)
def test_every_entity_survives_a_round_trip_through_its_record(profile, entity):
    assume(not collides(entity, profile))
    record = to_record(entity, profile=profile)
    back = from_record(type(entity), record, profile=profile)
    assert back == entity
    assert type(back) is type(entity)


@pytest.mark.parametrize("profile", PROFILES, ids=PROFILE_IDS)
@given(entity=ANY_ENTITY)
def test_generated_fast_paths_agree_with_the_detailed_paths(profile, entity):
    assume(not collides(entity, profile))
    plan = plan_of(entity, profile)
    record = plan.write(entity)
    assert record == plan.write_detailed(entity)
    assert plan.read_detailed(record) == plan.read(record) == entity


def well_formed_records(profile):
    """CRM records as the CRM writes them: every mapped field, unknown fields, real timestamps."""

    @st.composite
    def build(draw):
        entity = draw(ANY_ENTITY)
        plan = plan_of(entity, profile)
        assume(not collides(entity, profile))
        record = to_record(entity, profile=profile)
        mapping = profile.mapping(type(entity))
        flat = {**record.pop("properties", {}), **record} if mapping.properties else record
        flat = {k: v for k, v in flat.items() if k in plan.known}  # drop the entity's own extras
        extras = draw(
            st.dictionaries(
                st.from_regex(r"\A[a-z][a-z_]{0,10}\Z|\A[A-Z][A-Za-z]{0,8}__c\Z"),
                JSON_VALUES,
                max_size=4,
            )
        )
        extras = {k: v for k, v in extras.items() if k not in plan.known and k != "properties"}
        flat.update(extras)
        for key in profile.mapping(type(entity)).timestamps:
            name = plan.names[key]
            if flat.get(name) is not None:
                day = flat[name][:10]
                moment = draw(st.times()).replace(microsecond=0) or time()
                flat[name] = f"{day}T{moment.isoformat()}{'Z' if profile is HUBSPOT else '+0000'}"
        if profile.mapping(type(entity)).properties:
            top = profile.mapping(type(entity)).top_level
            record = {k: v for k, v in flat.items() if k in top}
            record["properties"] = {k: v for k, v in flat.items() if k not in top}
        return type(entity), record

    return build()


@pytest.mark.parametrize(
    "profile", [GENERIC, SALESFORCE, HUBSPOT], ids=["generic", "salesforce", "hubspot"]
)
@given(data=st.data())
def test_well_formed_crm_records_are_written_back_exactly_as_read(profile, data):
    entity_type, record = data.draw(well_formed_records(profile))
    entity = from_record(entity_type, record, profile=profile)
    assert to_record(entity, profile=profile) == record


@pytest.mark.parametrize(
    "profile", [GENERIC, SALESFORCE, HUBSPOT], ids=["generic", "salesforce", "hubspot"]
)
@given(
    entity_type=st.sampled_from(list(STRATEGIES)),
    record=st.dictionaries(st.text(max_size=12), JSON_VALUES, max_size=8) | JSON_VALUES,
    data=st.data(),
)
def test_arbitrary_json_either_becomes_a_valid_entity_or_raises_a_record_error(
    profile, entity_type, record, data
):
    if isinstance(record, dict):
        plan = profile.mapping(entity_type).plan(entity_type)
        names = sorted(plan.known)
        extra = data.draw(st.dictionaries(st.sampled_from(names), JSON_VALUES, max_size=len(names)))
        record = {**record, **extra}
    outcome = read_or_error(entity_type, record, profile)
    if isinstance(outcome, RecordError):
        assert str(outcome)
        assert outcome.problems
        if isinstance(record, dict) and profile.mapping(entity_type).properties is None:
            # A value given but refused is named for what is wrong with it, not missed.
            missed = {p.field for p in outcome.problems if p.expected.endswith("(required)")}
            assert all(record.get(field) is None for field in missed), outcome
    else:
        assert isinstance(outcome, entity_type)
        attrs.validate(outcome)  # the generated readers skip no check of the entity's own
        assert attrs.evolve(outcome) == outcome  # and the entity's __init__ accepts it too


@pytest.mark.parametrize("profile", PROFILES, ids=PROFILE_IDS)
@given(entity=ANY_ENTITY, data=st.data())
def test_a_spoilt_field_is_caught_by_the_fast_path_whenever_the_detailed_one_catches_it(
    profile, entity, data
):
    # The generated reader skips the tests its own decoding makes needless: with any
    # one mapped field of a good record spoilt, it must still agree with the detailed
    # path (or give up and hand the record over, as `read` does).
    assume(not collides(entity, profile))
    plan = plan_of(entity, profile)
    record = plan.write(entity)
    name = data.draw(st.sampled_from(sorted(plan.known)))
    spoilt = {**record, name: data.draw(JSON_SCALARS | st.sampled_from(["", " ", "X-1"]))}
    try:
        expected = plan.read_detailed(spoilt)
    except RecordError:
        expected = None
    try:
        fast = plan.read_fast(spoilt)
    except Exception:  # noqa: BLE001 - giving up is always allowed
        return
    assert fast == expected


def read_or_error(entity_type, record, profile):
    """Return the entity, or the RecordError; any other exception fails the test."""
    try:
        return from_record(entity_type, record, profile=profile)
    except RecordError as exc:
        return exc


@given(
    good=st.lists(partners(), max_size=5),
    bad=st.lists(
        st.dictionaries(st.text(max_size=6), JSON_VALUES, max_size=4) | JSON_VALUES, max_size=5
    ),
    order=st.randoms(use_true_random=False),
)
def test_collect_mode_accounts_for_every_record(good, bad, order):
    records = [to_record(p) for p in good] + list(bad)
    order.shuffle(records)
    result = from_records(Partner, records, on_error="collect")
    assert len(result.entities) + len(result.rejects) == len(records)
    assert len(result.entities) >= len(good)
    for reject in result.rejects:
        assert records[reject.index] is reject.record
        assert reject.problems


@given(entity=ANY_ENTITY)
def test_custom_fields_come_back_unchanged_in_the_record(entity):
    assume(not collides(entity, SALESFORCE))
    record = to_record(entity, profile=SALESFORCE)
    for name, value in entity.custom_fields.items():
        assert record[name] == thaw_json(value)


MONEY_ENTITIES = st.one_of(opportunities(), invoices(), mdf_payments())
BAD_AMOUNTS = st.sampled_from(["-5", "-0.01", "x", "1e18", "NaN", True, [1]])
NO_CURRENCY = st.sampled_from(["drop", None, "eur", "", "EURO", 978])


@pytest.mark.parametrize("profile", PROFILES[:3], ids=PROFILE_IDS[:3])
@given(entity=MONEY_ENTITIES, data=st.data())
def test_an_amounts_own_problems_are_listed_whatever_its_currency(profile, entity, data):
    # An amount is checked even when its currency is missing or refused: the record's
    # problems are the currency's and the amount's, never only the currency's.
    plan = plan_of(entity, profile)
    money = [slots for slots in plan.by_attr.values() if slots[0].kind == "amount"]
    amount_slot, currency_slot = data.draw(st.sampled_from(money))
    amount, currency = plan.names[amount_slot.key], plan.names[currency_slot.key]
    record = to_record(entity, profile=profile)
    properties = record.get("properties", record)  # HubSpot nests its fields
    assume(properties.get(amount) is not None)  # an optional amount left out
    properties[amount] = data.draw(BAD_AMOUNTS)

    def problems_of(field):
        try:
            from_record(type(entity), record, profile=profile)
        except RecordError as error:
            return [p for p in error.problems if p.field == field]
        return []

    amount_alone = problems_of(amount)
    assert amount_alone  # every amount drawn is bad
    spoilt = data.draw(NO_CURRENCY)
    if spoilt == "drop":
        del properties[currency]
    else:
        properties[currency] = spoilt
    assert problems_of(amount) == amount_alone
    assert problems_of(currency)


@pytest.mark.parametrize("profile", PROFILES[:3], ids=PROFILE_IDS[:3])
@given(entity=MONEY_ENTITIES, data=st.data())
def test_a_currencys_own_problems_are_listed_when_its_required_amount_is_missing(
    profile, entity, data
):
    plan = plan_of(entity, profile)
    money = [s for s in plan.by_attr.values() if s[0].kind == "amount" and s[0].required]
    assume(money)
    amount_slot, currency_slot = data.draw(st.sampled_from(money))
    amount, currency = plan.names[amount_slot.key], plan.names[currency_slot.key]
    record = to_record(entity, profile=profile)
    properties = record.get("properties", record)
    if data.draw(st.booleans()):
        properties.pop(amount, None)
    else:
        properties[amount] = None
    properties[currency] = data.draw(st.sampled_from(["eur", "EURO", 978, "E"]))
    with pytest.raises(RecordError) as raised:
        from_record(type(entity), record, profile=profile)
    fields = [p.field for p in raised.value.problems]
    assert amount in fields
    assert fields.count(currency) == 1
