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
from partnerdomain.exceptions import RecordProblem
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
    first = next(iter(bad_rows), (None, False))
    # A first row with a cell too many says the file is laid out wrong: the read ends.
    if first[1] and first[0] == _first_row_line(text):
        for on_error in ("raise", "collect"):
            with pytest.raises(RecordError) as raised:
                from_file(Partner, path, on_error=on_error)
            assert (raised.value.line, raised.value.index) == (first[0], None)
            assert f"on line {first[0]} (this row has 7;" in str(raised.value)
        return
    result = from_file(Partner, path, on_error="collect")
    assert [reject.line for reject in result.rejects] == [line for line, _ in bad_rows]
    too_many = [r for r in result.rejects if isinstance(r.record, list)]
    assert [len(r.record) for r in too_many] == [7 for _, extra in bad_rows if extra]
    assert {r.error.record_id for r in too_many} <= {"P-1"}  # the id is still named
    if bad_rows:
        with pytest.raises(RecordError) as raised:
            from_file(Partner, path)
        assert raised.value.line == first[0]


def _first_row_line(text):
    """The line the first data row of a CSV text starts on."""
    rows = csv.reader(io.StringIO(text, newline=""))
    next(rows)
    for row in rows:
        if row:
            return rows.line_num - sum(_loaders._line_breaks(cell) for cell in row)
    return None


def test_load_portfolio_names_the_line_and_a_pickled_error_keeps_it(tmp_path):
    path = tmp_path / "partners.jsonl"
    path.write_text(f"{json_line(GOOD)}\n\n{json_line(BAD | {'id': 'P-2'})}\n", "utf-8")
    with pytest.raises(RecordError) as raised:
        load_portfolio(as_of=date(2026, 9, 30), currency="EUR", partners=path)
    error = raised.value
    assert (error.index, error.line, error.record_id) == (1, 3, "P-2")
    assert f"(in {path}, index 1, line 3, id 'P-2')" in str(error)
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
    # A reject names its line itself: rejects alike read alike.
    assert expected == [
        "a JSON record (Expecting property name enclosed in double quotes at column 15)",
        "UTF-8 text ('utf-8' codec can't decode byte 0xff in position 10: invalid start byte)",
        (
            "a JSON record (part 2 between carriage returns: "
            "Expecting property name enclosed in double quotes at column 2)"
        ),
    ]
    assert {r.error.source for r in result.rejects} == {str(path)}
    # Raise mode: the file's error, naming the line in its problem too.
    assert (raised.value.source, raised.value.line, raised.value.index) == (str(path), 2, None)
    assert raised.value.problems[0].expected == (
        "a JSON record on line 2 (Expecting property name enclosed in double quotes at column 15)"
    )


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "plain"])
@pytest.mark.parametrize(
    "first",
    [
        b"id,name,partner_type,stage,stage_since",  # a CSV file named .jsonl
        b"[",  # a JSON document, pretty-printed, named .jsonl
        '{"id": "P-1"}'.encode("utf-16"),  # UTF-16
    ],
    ids=["csv", "document", "utf16"],
)
def test_a_file_whose_first_record_line_is_no_json_is_refused_whole(tmp_path, fast, first):
    # Not one reject per line: the file is no JSON Lines, whatever follows.
    path = tmp_path / "partners.jsonl"
    path.write_bytes(b"\n" + first + b"\n" + json_line(GOOD).encode() + b"\nP-2,x\n")
    with pytest.MonkeyPatch.context() as patch:
        if not fast:
            patch.setattr(_loaders, "_fast_json", lambda: None)
        with pytest.raises(RecordError) as raised:
            from_file(Partner, path, on_error="collect")
    assert (raised.value.source, raised.value.line, raised.value.index) == (str(path), 2, None)
    assert "on line 2 (" in raised.value.problems[0].expected


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "plain"])
def test_old_mac_line_endings_number_the_lines_as_an_editor_does(tmp_path, fast):
    records = [GOOD, GOOD, BAD, GOOD, GOOD, BAD | {"id": "P-6"}]
    text = "\r".join(json_line(record) for record in records[:3])
    text += "\r\r" + "\r".join(json_line(record) for record in records[3:]) + "\r"
    path = tmp_path / "partners.jsonl"
    path.write_bytes(text.encode())
    with pytest.MonkeyPatch.context() as patch:
        if not fast:
            patch.setattr(_loaders, "_fast_json", lambda: None)
        result = from_file(Partner, path, on_error="collect")
    assert [(r.index, r.line) for r in result.rejects] == [(2, 3), (5, 7)]
    assert len(result.entities) == 4


def test_blank_lines_before_a_csv_header_are_skipped(tmp_path):
    path = tmp_path / "partners.csv"
    rows = [",".join(GOOD), "", ",".join(GOOD.values()), ",".join(BAD.values())]
    path.write_text("\r\n\r\n" + "\r\n".join(rows) + "\r\n", "utf-8")
    result = from_file(Partner, path, on_error="collect")
    assert (len(result.entities), [r.line for r in result.rejects]) == (1, [6])


def test_csv_rows_whose_cells_are_all_blank_hold_no_record(tmp_path):
    # Spreadsheets leave rows of empty cells at the end of an export.
    path = tmp_path / "partners.csv"
    rows = [",".join(GOOD), ",,,,", "  ", ",".join(BAD.values()), ",,,,", '"",,,,']
    path.write_text("\n".join(rows) + "\n", "utf-8")
    result = from_file(Partner, path, on_error="collect")
    assert ([r.line for r in result.rejects], result.entities) == ([4], ())


def test_csv_that_is_not_utf8_is_refused_naming_the_line_and_quoting_it(tmp_path):
    path = tmp_path / "partners.csv"
    rows = [",".join(GOOD)] + [",".join(GOOD.values())] * 3 + ["P-9,Caf\xe9,msp,active,2026-01-05"]
    path.write_bytes("\n".join(rows).encode("latin-1"))
    with pytest.raises(RecordError) as raised:
        from_file(Partner, path, on_error="collect")
    (problem,) = raised.value.problems
    assert (raised.value.line, problem.value) == (5, "P-9,Caf\ufffd,msp,active,2026-01-05")
    assert problem.expected.startswith("UTF-8 text on line 5 ('utf-8' codec can't decode")


def test_a_csv_cell_over_csvs_size_limit_is_refused_by_line(tmp_path):
    path = tmp_path / "partners.csv"
    huge = "x" * (csv.field_size_limit() + 1)
    path.write_text(f"{','.join(GOOD)}\nP-1,{huge},msp,active,2026-01-05\n", "utf-8")
    with pytest.raises(RecordError) as raised:
        from_file(Partner, path, on_error="collect")
    assert raised.value.line == 2
    assert "CSV text on line 2 (field larger than field limit" in str(raised.value)


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "plain"])
@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("[" * 5000 + "]" * 5000, "a JSON record (nested too deeply to read)"),
        ('{"id": ' + "9" * 5000 + "}", "a JSON record (a number of more than 4300 digits)"),
        (
            "\ufeff" + json_line(GOOD),
            "a JSON record (a byte-order mark (U+FEFF) starts the line: were two files joined?)",
        ),
    ],
    ids=["deep", "digits", "bom"],
)
def test_lines_json_cannot_read_are_rejects_that_say_why(tmp_path, fast, line, said):
    path = tmp_path / "partners.jsonl"
    path.write_text(f"{json_line(GOOD)}\n{line}\n", "utf-8")
    with pytest.MonkeyPatch.context() as patch:
        if not fast:
            patch.setattr(_loaders, "_fast_json", lambda: None)
        (reject,) = from_file(Partner, path, on_error="collect").rejects
    assert (reject.line, reject.problems[0].expected) == (2, said)


def test_a_long_value_is_cut_in_the_message_and_kept_whole():
    huge = ["x" * 10] * 10_000
    error = RecordError("Partner", [RecordProblem(field="name", value=huge, expected="a name")])
    assert len(str(error)) < 400
    assert "... (140,000 characters in all)" in str(error)
    assert error.problems[0].value is huge


def test_in_source_keeps_a_line_it_is_not_given():
    error = RecordError("Partner", [], source="a.csv", line=7)
    assert (error.in_source("b.csv").line, error.in_source("b.csv", 9).line) == (7, 9)
