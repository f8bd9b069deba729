"""A bad record of a JSON Lines or CSV file is named by the line it starts on."""

import csv
import io
import json
import pickle
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerdomain import Partner
from partnerdomain.records import RecordError, _loaders, from_file, load_portfolio

GOOD = {"id": "P-1", "name": "Acme", "partner_type": "msp", "stage": "active"}
GOOD |= {"stage_since": "2026-01-05"}
BAD = GOOD | {"partner_type": "plumber"}


@st.composite
def starts_per_line(draw):
    """How many records start on each line of a file, and the spans a reader notes."""
    counts = draw(st.lists(st.sampled_from([0, 1, 1, 1, 2, 3]), max_size=40))
    notes, number = [], 1
    while number <= len(counts):
        count = counts[number - 1]
        if count == 0:  # a run of lines that start none, noted as one span or line by line
            end = number
            while end < len(counts) and counts[end] == 0:
                end += 1
            if draw(st.booleans()):
                notes.append((number, end - number + 1, 0))
            else:
                notes += [(line, 1, 0) for line in range(number, end + 1)]
            number = end + 1
            continue
        if count > 1:
            notes.append((number, 1, count))
        number += 1
    return counts, notes


@given(starts_per_line())
def test_each_record_is_placed_on_the_line_it_starts_on(case):
    counts, notes = case
    lines = _loaders._Lines()
    for note in notes:
        lines.note(*note)
    expected = [line for line, count in enumerate(counts, start=1) for _ in range(count)]
    # Past the last line noted or counted, every line starts one record.
    expected += range(len(counts) + 1, len(counts) + 4)
    assert [lines.line_of(index) for index in range(len(expected))] == expected


def json_line(record):
    return json.dumps(record)


@st.composite
def json_lines_files(draw):
    """A JSON Lines file of good and bad partners, with blank and CR-split lines.

    Returns the file's bytes and the line each bad record starts on.
    """
    parts, bad_lines = [], []
    for number in range(1, draw(st.integers(1, 12)) + 1):
        kind = draw(st.sampled_from(["good", "bad", "blank", "split"]))
        ending = draw(st.sampled_from(["\n", "\r\n"]))
        if kind == "blank":
            parts.append(draw(st.sampled_from(["", " ", "\t"])) + ending)
            continue
        records = draw(st.lists(st.booleans(), min_size=2, max_size=3)) if kind == "split" else []
        records = records or [kind == "bad"]
        bad_lines += [number for bad in records if bad]
        parts.append("\r".join(json_line(BAD if bad else GOOD) for bad in records) + ending)
    return "".join(parts).encode(), bad_lines


@settings(max_examples=60, deadline=None)
@given(file=json_lines_files(), bom=st.booleans())
@pytest.mark.parametrize("fast", [True, False], ids=["fast", "plain"])
def test_a_bad_json_lines_record_is_named_by_its_line(tmp_path_factory, file, bom, fast):
    text, bad_lines = file
    path = tmp_path_factory.mktemp("lines") / "partners.jsonl"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text)
    with pytest.MonkeyPatch.context() as patch:
        if not fast:
            patch.setattr(_loaders, "_fast_json", lambda: None)
        result = from_file(Partner, path, on_error="collect")
        assert [reject.line for reject in result.rejects] == bad_lines
        assert [reject.error.line for reject in result.rejects] == bad_lines
        assert {reject.error.source for reject in result.rejects} <= {str(path)}
        if bad_lines:
            with pytest.raises(RecordError) as raised:
                from_file(Partner, path)
            assert (raised.value.line, raised.value.source) == (bad_lines[0], str(path))
            assert f"line {bad_lines[0]}" in str(raised.value)


CELLS = st.sampled_from(["", "plain", "two\nlines", "three\r\nlines\r\n", "old\rmac", "a, b"])


@st.composite
def csv_files(draw):
    """A CSV file of good and bad partners, with blank lines and cells that span lines.

    Bad rows have a bad value, or a cell too many. Returns the file's text, and per bad
    row the line it starts on and whether it had a cell too many.
    """
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=ending, quoting=csv.QUOTE_ALL)
    writer.writerow([*GOOD, "notes"])
    line, bad_rows = 2, []
    for _ in range(draw(st.integers(0, 10))):
        blanks = draw(st.integers(0, 2))
        out.write(ending * blanks)
        line += blanks
        kind, notes = draw(st.sampled_from(["good", "bad", "extra"])), draw(CELLS)
        cells = [*(BAD if kind == "bad" else GOOD).values(), notes]
        if kind != "good":
            bad_rows.append((line, kind == "extra"))
        writer.writerow([*cells, notes] if kind == "extra" else cells)
        line += 1 + _loaders._line_breaks(notes) * (2 if kind == "extra" else 1)
    return out.getvalue(), bad_rows


@settings(max_examples=60, deadline=None)
@given(file=csv_files())
def test_a_bad_csv_record_is_named_by_the_line_it_starts_on(tmp_path_factory, file):
    text, bad_rows = file
    path = tmp_path_factory.mktemp("rows") / "partners.csv"
    path.write_bytes(text.encode())
    result = from_file(Partner, path, on_error="collect")
    assert [reject.line for reject in result.rejects] == [line for line, _ in bad_rows]
    too_many = [len(r.record) == 7 for r in result.rejects if isinstance(r.record, list)]
    assert too_many == [True for _, extra in bad_rows if extra]  # the row's cells, all of them
    if bad_rows:
        with pytest.raises(RecordError) as raised:
            from_file(Partner, path)
        line, extra = bad_rows[0]
        if extra:  # the file's error, which names the line the row ends on
            assert raised.value.line is None
            assert "cells per row, as in the header" in str(raised.value)
        else:
            assert raised.value.line == line


def test_load_portfolio_names_the_line_and_a_pickled_error_keeps_it(tmp_path):
    path = tmp_path / "partners.jsonl"
    path.write_text(f"{json_line(GOOD)}\n\n{json_line(BAD | {'id': 'P-2'})}\n", "utf-8")
    with pytest.raises(RecordError) as raised:
        load_portfolio(as_of=date(2026, 9, 30), currency="EUR", partners=path)
    error = raised.value
    assert (error.index, error.line, error.record_id) == (1, 3, "P-2")
    assert f"(in {path}, record 1, line 3, id 'P-2')" in str(error)
    again = pickle.loads(pickle.dumps(error))
    assert (again.line, again.source, str(again)) == (3, str(path), str(error))


def test_records_from_a_json_document_or_an_iterable_have_no_line(tmp_path):
    path = tmp_path / "partners.json"
    path.write_text(json.dumps([GOOD, BAD]), "utf-8")
    (reject,) = from_file(Partner, path, on_error="collect").rejects
    assert (reject.index, reject.line, reject.error.line) == (1, None, None)
    assert reject.error.source == str(path)


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "plain"])
def test_in_collect_mode_a_line_that_is_no_record_is_a_reject_and_the_read_goes_on(tmp_path, fast):
    good = json_line(GOOD).encode()
    path = tmp_path / "partners.jsonl"
    lines = [good, b'{"id": "P-2", oops}', b"", b'{"id": "P-\xff"}', good]
    lines += [good + b"\r{cut", good]
    path.write_bytes(b"\n".join(lines) + b"\n")
    with pytest.MonkeyPatch.context() as patch:
        if not fast:
            patch.setattr(_loaders, "_fast_json", lambda: None)
        result = from_file(Partner, path, on_error="collect")
        with pytest.raises(RecordError) as raised:  # raise mode: the file's error, as ever
            from_file(Partner, path)
    # Every non-blank line is a record or a reject; a CR-split line's parts are each one.
    assert len(result.entities) + len(result.rejects) == 7
    assert [(r.index, r.line) for r in result.rejects] == [(1, 2), (2, 4), (5, 6)]
    assert [r.record for r in result.rejects] == [
        '{"id": "P-2", oops}',
        b'{"id": "P-\xff"}',
        "{cut",
    ]
    expected = [p.expected for r in result.rejects for p in r.problems]
    assert expected[0] == (
        "a JSON record on line 2 (Expecting property name enclosed in double quotes at column 15)"
    )
    assert expected[1].startswith("UTF-8 text on line 4 ('utf-8' codec can't decode byte 0xff")
    assert expected[2] == (
        "a JSON record on line 6, part 2 between carriage returns "
        "(Expecting property name enclosed in double quotes at column 2)"
    )
    assert {r.error.source for r in result.rejects} == {str(path)}
    assert raised.value.problems == result.rejects[0].problems
    assert raised.value.source == str(path)
