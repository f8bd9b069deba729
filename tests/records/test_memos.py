"""The readers remember repeated days and amounts; that must never change what is read."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerdomain import Opportunity
from partnerdomain.exceptions import RecordError
from partnerdomain.records import SALESFORCE, from_records, to_records
from partnerdomain.records import _converter as converter

RECORD = {
    "Id": "O-1",
    "Deal_Source__c": "Partner Sourced",
    "StageName": "Closed Won",
    "Stage_Since__c": "2026-01-11",
    "CreatedDate": "2025-09-06T00:00:00.000+0000",
    "Amount": "7300",
    "CurrencyIsoCode": "EUR",
    "PartnerAccountId": "P-1",
    "CloseDate": "2026-01-11",
}


@given(st.lists(st.decimals(min_value=0, max_value=10**6, places=2), min_size=1, max_size=30))
def test_amounts_written_differently_keep_their_own_text(amounts):
    # "7300" and "7300.00" are equal amounts but are written back as they were read.
    texts = [str(a) for a in amounts] + [f"{a:.3f}" for a in amounts]
    records = [{**RECORD, "Id": f"O-{i}", "Amount": t} for i, t in enumerate(texts)]
    deals = from_records(Opportunity, records, profile=SALESFORCE).entities
    assert [d.amount.amount for d in deals] == [Decimal(t) for t in texts]
    assert [str(r["Amount"]) for r in to_records(deals, profile=SALESFORCE)] == texts


def test_repeated_values_are_shared_and_the_memos_stay_bounded(monkeypatch):
    monkeypatch.setattr(converter, "_MEMO_LIMIT", 8)
    for memo in (converter._DAYS, converter._STAMP_DAYS, converter._MONEY, converter._TEXTS):
        memo.clear()  # earlier reads filled them; a memo only forgets, it never misleads
    days = [f"2026-01-{d:02d}" for d in range(1, 29)]
    records = [
        {**RECORD, "Id": f"O-{i}", "Stage_Since__c": day, "CloseDate": day, "Amount": str(i)}
        for i, day in enumerate(days * 2)
    ]
    deals = from_records(Opportunity, records, profile=SALESFORCE).entities
    assert [d.close_date.isoformat() for d in deals] == days * 2
    assert deals[0].stage_since is deals[0].close_date  # one object per distinct day
    assert len(converter._DAYS) <= 8
    assert len(converter._MONEY) <= 8
    assert len(converter._STAMP_DAYS) <= 8
    assert len(converter._TEXTS) <= 8


def test_the_memos_are_empty_once_a_read_is_over_even_a_failed_one():
    memos = (
        converter._DAYS,
        converter._STAMP_DAYS,
        converter._MONEY,
        converter._TEXTS,
        converter._IDS,
    )
    from_records(Opportunity, [RECORD, {**RECORD, "Id": "O-2"}], profile=SALESFORCE)
    assert not any(memos)
    with pytest.raises(RecordError):
        from_records(Opportunity, [RECORD, {**RECORD, "Amount": "-1"}], profile=SALESFORCE)
    assert not any(memos)


def test_a_reference_id_is_checked_once_and_one_copy_is_kept(monkeypatch):
    monkeypatch.setattr(converter, "_MEMO_LIMIT", 4)
    # Distinct str objects with the same text, as a JSON decoder gives them.
    ids = ["".join(["P-", str(i % 6)]) for i in range(30)]
    records = [{**RECORD, "Id": f"O-{i}", "PartnerAccountId": pid} for i, pid in enumerate(ids)]
    deals = from_records(Opportunity, records, profile=SALESFORCE).entities
    assert [d.partner_id for d in deals] == ids
    assert deals[0].partner_id is deals[6].partner_id


@pytest.mark.parametrize("bad", ["", "   ", 7, ["P-1"]])
def test_a_bad_reference_id_is_still_named_by_the_detailed_path(bad):
    record = {**RECORD, "OwnerId": bad}
    result = from_records(
        Opportunity, [RECORD, record, RECORD], profile=SALESFORCE, on_error="collect"
    )
    assert len(result.entities) == 2
    (reject,) = result.rejects
    assert reject.index == 1
    assert "OwnerId" in str(reject.error) or "account_executive_id" in str(reject.error)
