"""``from_file`` reads a file as ``from_records(read_records(...))`` does, line reader or not."""

import functools
import json
import os
import threading
from decimal import Decimal

import attrs
import pytest
from _json_text import to_json
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from partnerdomain import Opportunity, Partner, PartnerManager
from partnerdomain.model import thaw_json
from partnerdomain.records import (
    GENERIC,
    HUBSPOT,
    SALESFORCE,
    RecordError,
    _loaders,
    from_file,
    from_records,
    get_profile,
    read_records,
    to_record,
)
from partnerdomain.records._api import Batch, UnreadRecord
from partnerdomain.testing import opportunities, partner_managers, partners

ENTITIES = {Opportunity: opportunities(), Partner: partners(), PartnerManager: partner_managers()}
PROFILES = (GENERIC, SALESFORCE, HUBSPOT)

ODD_VALUES = st.none() | st.booleans() | st.integers() | st.text(max_size=4) | st.just([1, "x"])
ODD_VALUES |= st.decimals(allow_nan=False, allow_infinity=False, places=2)


@st.composite
def spoilt_lines(draw, entity_type, profile):
    """Lines of records written from entities, some of them changed or replaced."""
    lines = []
    for entity in draw(st.lists(ENTITIES[entity_type], max_size=6)):
        record = to_record(entity, profile=profile)
        change = draw(
            st.sampled_from(["none", "none", "custom", "null", "drop", "odd", "line", "blank"])
        )
        key = draw(st.sampled_from(sorted(record)))
        if change == "custom":
            record["Custom__c"] = draw(ODD_VALUES)
        elif change == "null":
            record[key] = None
        elif change == "drop":
            del record[key]
        elif change == "odd":
            record[key] = draw(ODD_VALUES)
        elif change == "blank":
            lines.append(draw(st.sampled_from(["", "  ", "\t"])))
        elif change == "line":  # not a record, or not JSON: the file is refused
            lines.append(draw(st.sampled_from(["[1, 2]", '"text"', "{not json}", "{} {}"])))
        lines.append(to_json(record))
    return lines


def outcome(read):
    """What a read gives: its entities and rejects, or the error it raises."""
    try:
        result = read()
    except RecordError as error:
        return ("error", str(error), error.problems, error.index, error.line)
    rejects = [(r.index, r.line, r.record, r.problems, str(r.error)) for r in result.rejects]
    return ("read", result.entities, rejects)


def one_by_one(path, lines):
    """A file's records read one line at a time: a line that is no record is unread.

    Each line is read alone, at its place (the lines before it blank), so that its
    error names its line. (Five such lines before any record refuse the file whole:
    the property leaves that to its own tests.)
    """
    started, leading = False, 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        alone = path.with_name(f"line-{number}.jsonl")
        alone.write_text("\n" * (number - 1) + line, "utf-8")
        try:
            yield from read_records(alone)
        except RecordError as error:
            if not started:
                leading += 1
                assume(leading < 5)
            yield UnreadRecord(line, *error.problems)
        else:
            started = True


def reference(entity_type, path, profile, on_error, lines):
    """The same file read record by record, as from_file promises to read it.

    ``lines`` are the file's lines: from_file adds to each error the file and the
    line its record starts on (blank lines start none). In collect mode, a line that
    is no record is a reject, and the read goes on.
    """
    if on_error == "collect":
        records = one_by_one(path, lines)
    else:
        records = read_records(path, envelope=profile.envelope)
    starts = [number for number, line in enumerate(lines, start=1) if line.strip()]

    def placed(error):
        line = None if error.index is None else starts[error.index]
        return error.in_source(str(path), line)

    def read():
        try:
            result = from_records(entity_type, records, profile=profile, on_error=on_error)
        except RecordError as error:
            raise error if error.source else placed(error) from None
        rejects = [
            attrs.evolve(r, error=placed(r.error), line=starts[r.index]) for r in result.rejects
        ]
        return attrs.evolve(result, rejects=tuple(rejects))

    return outcome(read)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
@pytest.mark.parametrize("entity_type", list(ENTITIES))
@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_from_file_reads_any_json_lines_file_as_its_records_read_one_by_one(
    tmp_path_factory, data, entity_type, profile
):
    lines = data.draw(spoilt_lines(entity_type, profile))
    bom = data.draw(st.booleans())
    path = tmp_path_factory.mktemp("lines") / "records.jsonl"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + "\n".join(lines).encode())
    for on_error in ("raise", "collect"):
        expected = reference(entity_type, path, profile, on_error, lines)
        read = functools.partial(from_file, entity_type, path, profile=profile, on_error=on_error)
        assert outcome(read) == expected
        with pytest.MonkeyPatch.context() as patch:  # without the fast extra
            patch.setattr(_loaders, "_fast_json", lambda: None)
            assert outcome(read) == expected


@given(records=st.lists(opportunities(), min_size=1, max_size=5))
def test_custom_fields_survive_the_line_reader(tmp_path_factory, records):
    # The line reader refuses a line with a field it does not know; the line is read as
    # a dict, and its custom field kept. So is every later line.
    path = tmp_path_factory.mktemp("custom") / "deals.jsonl"
    written = [to_record(o, profile=SALESFORCE) for o in records]
    written[-1]["Region__c"] = "EMEA"
    path.write_text("".join(to_json(r) + "\n" for r in written))
    read = from_file(Opportunity, path, profile=SALESFORCE).entities
    assert read[-1].custom_fields["Region__c"] == "EMEA"
    assert [attrs_of(o) for o in read[:-1]] == [attrs_of(o) for o in records[:-1]]


@given(records=st.lists(opportunities(), min_size=1, max_size=5), data=st.data())
def test_the_first_records_custom_fields_are_read_by_the_line_reader(
    tmp_path_factory, records, data
):
    # Custom fields the first record has are part of the file's line reader: absent
    # from a later line, they are absent from its entity; null, they are kept as null.
    path = tmp_path_factory.mktemp("custom") / "deals.jsonl"
    written = [to_record(o, profile=SALESFORCE) for o in records]
    for record in written:
        record.update(data.draw(st.fixed_dictionaries({}, optional={"A__c": ODD_VALUES})))
        record.update(data.draw(st.fixed_dictionaries({}, optional={"B__c": ODD_VALUES})))
    written[0].update(A__c=1, B__c=None)
    path.write_text("".join(to_json(r) + "\n" for r in written))
    read = from_file(Opportunity, path, profile=SALESFORCE).entities
    known = SALESFORCE.mapping(Opportunity).plan(Opportunity).known
    expected = [{k: v for k, v in r.items() if k not in known} for r in written]
    assert [thaw_json(o.custom_fields) for o in read] == expected


def attrs_of(opportunity):
    return to_record(opportunity, profile=SALESFORCE)


def test_a_clean_file_is_read_without_dicts(tmp_path, monkeypatch):
    # The speed of large loads rests on this: after the first record, which chooses the
    # line reader, no line of a clean file becomes a dict.
    path = tmp_path / "deals.jsonl"
    record = {
        "Id": "006A",
        "StageName": "Closed Won",
        "Stage_Since__c": "2026-05-04",
        "CreatedDate": "2026-02-01T00:00:00.000+0000",
        "Deal_Source__c": "Partner Sourced",
        "Amount": "48000.10",
        "CurrencyIsoCode": "EUR",
        "PartnerAccountId": "001A",
    }
    lines = (json.dumps({**record, "Id": f"006A{n}", "X__c": n}) for n in range(3))
    path.write_text("\n".join(lines) + "\n\n")
    as_dicts = []
    decoded_lines = _loaders._decoded_lines

    def counted(*args):
        for record in decoded_lines(*args):
            as_dicts.append(record["Id"])
            yield record

    monkeypatch.setattr(_loaders, "_decoded_lines", counted)
    deals = from_file(Opportunity, path, profile="salesforce").entities
    assert as_dicts == ["006A0"]
    assert [d.id for d in deals] == ["006A0", "006A1", "006A2"]
    assert deals[0].amount.amount == Decimal("48000.10")
    assert [d.custom_fields["X__c"] for d in deals] == [0, 1, 2]


@pytest.mark.parametrize("profile", [HUBSPOT, SALESFORCE.as_text(), GENERIC.as_text()])
def test_nested_and_text_records_have_no_line_reader(profile):
    plan = get_profile(profile).mapping(Opportunity).plan(Opportunity)
    assert plan.line_reader() is None


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "plain"])
def test_progress_counts_the_records_read(tmp_path, monkeypatch, fast):
    if not fast:
        monkeypatch.setattr(_loaders, "_fast_json", lambda: None)
    monkeypatch.setattr(Batch, "every", 2)
    record = {"name": "Acme", "partner_type": "msp", "stage": "active", "stage_since": "2026-01-05"}
    lines = [json.dumps({**record, "id": f"P-{n}"}) for n in range(5)]
    path = tmp_path / "partners.jsonl"
    cases = {
        "\n".join(lines): [0, 2, 4, 5],
        "\n\n\n" + "\n".join(lines) + "\n\n": [0, 2, 4, 5],  # blank lines count for nothing
        lines[0] + "\n" + lines[1] + "\r" + "\n".join(lines[2:]): [0, 2, 4, 5],  # a lone CR
        "": [0],
    }
    for text, expected in cases.items():
        path.write_text(text, newline="")
        seen: list[int] = []
        from_file(Partner, path, progress=seen.append)
        assert seen == expected, text
    document = tmp_path / "partners.json"
    document.write_text("[" + ", ".join(lines) + "]")
    seen = []
    from_file(Partner, document, progress=seen.append)
    assert seen == [0, 2, 4, 5]


def test_a_named_pipe_is_read_once(tmp_path):
    # The file is opened once: a pipe's records are not spent on a look at the first.
    pipe = tmp_path / "partners.jsonl"
    os.mkfifo(pipe)
    record = {"name": "Acme", "partner_type": "msp", "stage": "active", "stage_since": "2026-01-05"}

    def write():
        with pipe.open("w") as out:
            out.writelines(json.dumps({**record, "id": f"P-{n}"}) + "\n" for n in range(3))

    read: list[str] = []

    def read_it():
        read.extend(p.id for p in from_file(Partner, pipe).entities)

    threads = [threading.Thread(target=f, daemon=True) for f in (write, read_it)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)  # a second open of the pipe would wait for ever
    assert read == ["P-0", "P-1", "P-2"]


def test_a_bad_record_names_its_file(tmp_path):
    path = tmp_path / "partners.csv"
    path.write_text("id,name,partner_type,stage,stage_since\nP-1, ,msp,active,2026-01-05\n")
    with pytest.raises(RecordError) as info:
        from_file(Partner, path)
    assert info.value.source == str(path)
    assert [p.field for p in info.value.problems] == ["name"]
    result = from_file(Partner, path, on_error="collect")
    assert (result.entities, [r.index for r in result.rejects]) == ((), [0])


# JSON numbers that are equal but written differently: each must stay as written.
AMOUNT_TEXTS = ["5", "5.0", "5.00", "50E-1", "0", "0.0", "-0.00", "1e3", "1000", "48000.10"]


@settings(max_examples=40, deadline=None)
@given(amounts=st.lists(st.sampled_from(AMOUNT_TEXTS), min_size=1, max_size=30))
@pytest.mark.parametrize("fast", [True, False], ids=["fast", "plain"])
def test_amounts_sent_as_json_numbers_keep_their_exact_text(tmp_path_factory, amounts, fast):
    # Real SOQL answers send amounts as numbers. The bulk read shares one Money per
    # number's text: 5, 5.0 and 5.00 are equal, yet each deal keeps its own.
    path = tmp_path_factory.mktemp("numbers") / "deals.jsonl"
    line = (
        '{{"Id": "006A{n}", "StageName": "Closed Won", "Stage_Since__c": "2026-05-04", '
        '"CreatedDate": "2026-02-01T00:00:00.000+0000", "Deal_Source__c": "Partner Sourced", '
        '"Amount": {amount}, "CurrencyIsoCode": "EUR", "PartnerAccountId": "001A"}}\n'
    )
    path.write_text("".join(line.format(n=n, amount=a) for n, a in enumerate(amounts)))
    with pytest.MonkeyPatch.context() as patch:
        if not fast:
            patch.setattr(_loaders, "_fast_json", lambda: None)
        deals = from_file(Opportunity, path, profile=SALESFORCE).entities
    expected = [str(Decimal(a)) for a in amounts]
    assert [str(d.amount.amount) for d in deals] == expected


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_a_bulk_read_shares_one_money_per_amount_as_written(tmp_path, suffix):
    # What keeps a million loaded deals small: one Money per distinct amount and
    # currency, as a SOQL answer (.json) or an export (.jsonl) writes it.
    record = (
        '{{"Id": "006A{n}", "StageName": "Closed Won", "Stage_Since__c": "2026-05-04", '
        '"CreatedDate": "2026-02-01T00:00:00.000+0000", "Deal_Source__c": "Partner Sourced", '
        '"Amount": {amount}, "CurrencyIsoCode": "EUR", "PartnerAccountId": "001A"}}'
    )
    amounts = ["13600.0", "13600.00", "13600.0", "13600.00", "13600.0"]
    lines = [record.format(n=n, amount=a) for n, a in enumerate(amounts)]
    path = tmp_path / f"deals{suffix}"
    path.write_text(
        "\n".join(lines) + "\n" if suffix == ".jsonl" else '{"records": [' + ",".join(lines) + "]}"
    )
    deals = from_file(Opportunity, path, profile=SALESFORCE).entities
    assert [str(d.amount.amount) for d in deals] == amounts
    assert len({id(d.amount) for d in deals}) == 2
    assert deals[0].amount is deals[2].amount is deals[4].amount


def test_a_document_in_another_crms_envelope_names_the_envelope_it_holds(tmp_path):
    path = tmp_path / "partners.json"
    path.write_text('{"results": [{"id": "1", "properties": {}}]}', encoding="utf-8")
    with pytest.raises(RecordError) as caught:
        from_file(Partner, path, profile="salesforce")
    message = str(caught.value)
    assert "an object holding one under 'records' (it holds one under 'results'" in message
    assert "is the profile the right one?" in message
