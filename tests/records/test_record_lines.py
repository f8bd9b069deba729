"""A bad record of a JSON Lines or CSV file is named by the line it starts on."""

import csv
import io
import json
import os
import pickle
import threading
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

    Returns the file's bytes and the line each bad record starts on (the records a
    line's carriage returns split are all on that line).
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
    # Five rows with a cell too many before any record: the file is laid out wrong.
    leading = _leading_rows_with_too_many_cells(text)
    if leading >= 5:
        for on_error in ("raise", "collect"):
            with pytest.raises(RecordError) as raised:
                from_file(Partner, path, on_error=on_error)
            assert (raised.value.line, raised.value.index) == (first[0], None)
            assert "this row has 7: check the delimiter" in str(raised.value)
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


def _leading_rows_with_too_many_cells(text):
    """How many rows of a CSV text have a cell too many before the first that has not."""
    rows = [row for row in csv.reader(io.StringIO(text, newline="")) if row][1:]
    return next((n for n, row in enumerate(rows) if len(row) == 6), len(rows))


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
    assert raised.value.problems == result.rejects[0].problems  # the same words


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "plain"])
@pytest.mark.parametrize(
    "start",
    [
        b"id,name,partner_type\nP-1,Acme,msp\nP-2,Beta,var\nP-3,Gamma,isv\nP-4,Delta,msp\n",
        b'[\n  {\n    "id": "P-1",\n    "name": "Acme"\n  },\n',  # a pretty-printed document
        '{"id": "P-1"}\n'.encode("utf-16") * 5,
    ],
    ids=["csv", "document", "utf16"],
)
def test_a_file_whose_first_lines_hold_no_record_is_refused_whole(tmp_path, fast, start):
    # Not one reject per line: the file is no JSON Lines, whatever follows.
    path = tmp_path / "partners.jsonl"
    path.write_bytes(b"\n" + start + (json_line(GOOD).encode() + b"\n") * 3)
    with pytest.MonkeyPatch.context() as patch:
        if not fast:
            patch.setattr(_loaders, "_fast_json", lambda: None)
        with pytest.raises(RecordError) as raised:
            from_file(Partner, path, on_error="collect")
    assert (raised.value.source, raised.value.line, raised.value.index) == (str(path), 2, None)
    (problem,) = raised.value.problems
    assert problem.expected.startswith(
        "records, but the first 5 lines that are not blank hold none (is the file in the "
        "format its name says?); the first of them: "
    )


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "plain"])
def test_a_few_bad_lines_before_the_first_record_are_rejects(tmp_path, fast):
    # A one-off fault on the first lines is a reject like any other.
    path = tmp_path / "partners.jsonl"
    lines = [b"{oops", b'{"id": "P-\xe9"}', *[json_line(GOOD).encode()] * 3, b"{cut"]
    path.write_bytes(b"\n".join(lines) + b"\n")
    with pytest.MonkeyPatch.context() as patch:
        if not fast:
            patch.setattr(_loaders, "_fast_json", lambda: None)
        result = from_file(Partner, path, on_error="collect")
    assert [(r.index, r.line) for r in result.rejects] == [(0, 1), (1, 2), (5, 6)]
    assert len(result.entities) == 3


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
    assert problem.expected.startswith("UTF-8 text ('utf-8' codec can't decode byte 0xe9")


def test_a_csv_cell_over_csvs_size_limit_is_refused_by_line(tmp_path):
    path = tmp_path / "partners.csv"
    huge = "x" * (csv.field_size_limit() + 1)
    path.write_text(f"{','.join(GOOD)}\nP-1,{huge},msp,active,2026-01-05\n", "utf-8")
    with pytest.raises(RecordError) as raised:
        from_file(Partner, path, on_error="collect")
    assert raised.value.line == 2
    assert raised.value.problems[0].expected == (
        "CSV text from this line on (field larger than field limit (131072): a quote left open?)"
    )


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


def test_a_pipe_of_csv_that_is_not_utf8_is_refused_without_a_second_open(tmp_path):
    # The bad line is found by reading again, which a pipe cannot: it is not opened again.
    pipe = tmp_path / "partners.csv"
    os.mkfifo(pipe)

    def write():
        with pipe.open("wb") as out:
            out.write(f"{','.join(GOOD)}\nP-1,Caf\xe9,msp,active,2026-01-05\n".encode("latin-1"))

    caught: list[RecordError] = []

    def read_it():
        try:
            from_file(Partner, pipe, on_error="collect")
        except RecordError as error:
            caught.append(error)

    threads = [threading.Thread(target=f, daemon=True) for f in (write, read_it)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)  # a second open of the pipe would wait for ever
    (error,) = caught
    assert (error.line, error.problems[0].expected) == (None, "UTF-8 text")


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "plain"])
@pytest.mark.parametrize("size", [1, 1000], ids=["small", "over-64-KiB"])
def test_a_file_of_old_mac_line_ends_then_line_feeds_gives_every_record(tmp_path, fast, size):
    # Two exports joined: carriage returns first, line feeds later. Every line is a line.
    mac = "\r".join(json_line(GOOD | {"id": f"P-{n}"}) for n in range(1, 4)) + "\r"
    mac *= size
    unix = "\n".join(json_line(BAD if n == 5 else GOOD) for n in range(4, 7)) + "\n"
    path = tmp_path / "partners.jsonl"
    path.write_bytes((mac + unix).encode())
    with pytest.MonkeyPatch.context() as patch:
        if not fast:
            patch.setattr(_loaders, "_fast_json", lambda: None)
        result = from_file(Partner, path, on_error="collect")
    # Over 64 KiB of carriage returns, the file reads as old Mac text, every line end
    # counted; under it, by its line feeds (the first line holds the first 3 records).
    line = 3 * size + 2 if size > 1 else 2
    assert (len(result.entities), [r.line for r in result.rejects]) == (3 * size + 2, [line])


@pytest.mark.parametrize(
    ("text", "line", "said"),
    [
        ('"id,name\nP-1,A\n' + "x" * 140_000, 1, "field larger than field limit"),
        ('"id,name\nP-1,A\nP-2,B\n', 1, "unexpected end of data"),
        (f'{",".join(GOOD)}\nP-1,A,msp,active,2026-01-05\nP-2,"B,msp\n' + "y" * 140_000, 3, ""),
        (f'{",".join(GOOD)}\nP-1,A,msp,active,2026-01-05\nP-2,"B,msp\nP-3,C\n', 3, "end of data"),
    ],
    ids=["header", "short-header", "row", "short-row"],
)
def test_a_quote_left_open_in_csv_is_refused_from_the_line_it_opens(tmp_path, text, line, said):
    # However little follows it: no row is swallowed into one cell without a word.
    path = tmp_path / "partners.csv"
    path.write_text(text, "utf-8")
    with pytest.raises(RecordError) as raised:
        from_file(Partner, path, on_error="collect")
    assert raised.value.line == line
    (problem,) = raised.value.problems
    assert problem.expected.startswith("CSV text from this line on (")
    assert said in problem.expected
    assert problem.expected.endswith(": a quote left open?)")


@pytest.mark.parametrize(
    ("document", "said"),
    [
        ("[" * 5000 + "]" * 5000, "valid JSON (nested too deeply to read)"),
        ('[{"id": ' + "9" * 5000 + "}]", "valid JSON (a number of more than 4300 digits)"),
    ],
    ids=["deep", "digits"],
)
def test_json_documents_json_cannot_read_say_why(tmp_path, document, said):
    path = tmp_path / "partners.json"
    path.write_text(document, "utf-8")
    with pytest.raises(RecordError) as raised:
        from_file(Partner, path)
    assert raised.value.problems[0].expected == said


@pytest.mark.parametrize("before", ["   ", ",,,,", '"",,'])
def test_blank_looking_lines_before_a_csv_header_are_skipped(tmp_path, before):
    path = tmp_path / "partners.csv"
    path.write_text(f"{before}\n{','.join(GOOD)}\n{','.join(BAD.values())}\n", "utf-8")
    (reject,) = from_file(Partner, path, on_error="collect").rejects
    assert reject.line == 3


def test_a_csv_column_without_a_name_is_named_by_its_place(tmp_path):
    # A comma at the end of every line makes a column without a name: its values stay.
    path = tmp_path / "partners.csv"
    path.write_text(
        f"{','.join(GOOD)},\n{','.join(GOOD.values())},\nP-2,B,msp,active,2026-01-05,x\n"
    )
    first, second = from_file(Partner, path).entities
    assert (dict(first.custom_fields), dict(second.custom_fields)) == (
        {"(column 6)": ""},
        {"(column 6)": "x"},
    )


def test_a_csv_header_naming_a_column_twice_is_refused_by_line_and_name(tmp_path):
    path = tmp_path / "partners.csv"
    path.write_text(f"\n{','.join(GOOD)},name\n{','.join(GOOD.values())},x\n", "utf-8")
    with pytest.raises(RecordError) as raised:
        from_file(Partner, path)
    assert (raised.value.line, raised.value.problems[0].value) == (2, ["name"])


def test_blank_csv_rows_wider_than_the_header_hold_no_record(tmp_path):
    path = tmp_path / "partners.csv"
    blank = [",,,,,,,", " , , , , , , "] * 3
    path.write_text("\n".join([",".join(GOOD), *blank, ",".join(GOOD.values())]) + "\n")
    result = from_file(Partner, path, on_error="collect")
    assert (len(result.entities), result.rejects) == (1, ())


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "plain"])
def test_a_line_carriage_returns_split_gives_its_records_whatever_part_is_bad(tmp_path, fast):
    # Four lines of garbage, then a line whose parts are garbage and a record: its
    # record is kept (the line holds one, so it is no fifth line without a record).
    good = json_line(GOOD)
    lines = ["g1", "g2", "g3", "g4", f"g5\r{{cut\r{good}", good]
    path = tmp_path / "partners.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.MonkeyPatch.context() as patch:
        if not fast:
            patch.setattr(_loaders, "_fast_json", lambda: None)
        result = from_file(Partner, path, on_error="collect")
    assert len(result.entities) == 2
    assert [(r.line, r.record) for r in result.rejects] == [
        (1, "g1"),
        (2, "g2"),
        (3, "g3"),
        (4, "g4"),
        (5, "g5"),
        (5, "{cut"),
    ]


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "plain"])
@pytest.mark.parametrize("before", [0, 1], ids=["first-line", "second-line"])
def test_raise_mode_stops_at_the_first_bad_record_of_a_split_line(tmp_path, fast, before):
    path = tmp_path / "partners.jsonl"
    path.write_text(
        f"{json_line(GOOD)}\n" * before + f"{json_line(BAD)}\r{json_line(GOOD)}\r{{oops\n"
    )
    with pytest.MonkeyPatch.context() as patch:
        if not fast:
            patch.setattr(_loaders, "_fast_json", lambda: None)
        with pytest.raises(RecordError) as raised:
            from_file(Partner, path)
    assert (raised.value.index, raised.value.line) == (before, before + 1)
    assert [p.field for p in raised.value.problems] == ["partner_type"]


@pytest.mark.parametrize("blank_lines", [0, 2])
def test_a_csv_cell_with_text_after_its_closing_quote_is_refused_not_changed(tmp_path, blank_lines):
    # Its row is a reject (csv reads on from the next line); raise mode stops at it.
    path = tmp_path / "partners.csv"
    rows = [",".join(GOOD), *[""] * blank_lines, 'P-1,"Acme" IT,msp,active,2026-01-05']
    rows.append(",".join(GOOD.values()))
    path.write_text("\n".join(rows) + "\n", "utf-8")
    result = from_file(Partner, path, on_error="collect")
    (reject,) = result.rejects
    line = 2 + blank_lines
    assert (reject.line, reject.record, len(result.entities)) == (line, None, 1)
    assert reject.problems[0].expected == (
        "CSV text (',' expected after '\"': a quote inside a quoted cell is written twice, \"\")"
    )
    with pytest.raises(RecordError) as raised:
        from_file(Partner, path)
    assert (raised.value.line, raised.value.problems) == (line, reject.problems)


def test_a_quote_left_open_after_blank_lines_names_the_line_it_opens(tmp_path):
    path = tmp_path / "partners.csv"
    rows = [",".join(GOOD), ",".join(GOOD.values()), "", "", 'P-2,"Acme,msp', "P-3,x"]
    path.write_text("\n".join(rows) + "\n", "utf-8")
    with pytest.raises(RecordError) as raised:
        from_file(Partner, path, on_error="collect")
    assert raised.value.line == 5


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "plain"])
def test_a_split_line_whose_bad_part_is_not_utf8_keeps_its_records(tmp_path, fast):
    good = json_line(GOOD).encode()
    path = tmp_path / "partners.jsonl"
    path.write_bytes(good + b"\r" + good + b'\r{"id": "P-\xff"}\n' + good + b"\n")
    with pytest.MonkeyPatch.context() as patch:
        if not fast:
            patch.setattr(_loaders, "_fast_json", lambda: None)
        result = from_file(Partner, path, on_error="collect")
    assert len(result.entities) == 3
    (reject,) = result.rejects
    assert (reject.index, reject.line, reject.record) == (2, 1, b'{"id": "P-\xff"}')
    assert reject.problems[0].expected.startswith("UTF-8 text (part 3 between carriage returns: ")


def test_a_quote_left_open_mid_file_names_the_lines_it_made_one_row(tmp_path):
    path = tmp_path / "partners.csv"
    rows = [",".join(GOOD), 'P-2,"Acme,msp', "P-3,B,msp,active,2026-01-05"]
    rows += ['P-4,"Gamma",msp,active,2026-01-05', "P-5,D,msp,active,2026-01-05"]
    path.write_text("\n".join(rows) + "\n", "utf-8")
    result = from_file(Partner, path, on_error="collect")
    (reject,) = result.rejects
    assert ([p.id for p in result.entities], reject.line) == (["P-5"], 2)
    assert reject.problems[0].expected == (
        "CSV text (',' expected after '\"', on line 4: a quote left open made one row of "
        "these lines?)"
    )
