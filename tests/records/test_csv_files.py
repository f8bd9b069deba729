from datetime import date

import pytest

from partnerdomain.exceptions import RecordError
from partnerdomain.records import load_portfolio, read_records

HEADER = b"id,name,partner_type,stage,stage_since\n"
ROW = b"P-1,Acme,msp,active,2026-01-01\n"


def load(path):
    return load_portfolio(as_of=date(2026, 9, 30), currency="EUR", partners=path)


def test_a_byte_order_mark_is_not_part_of_the_first_column(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + HEADER + ROW)
    assert load(path).partners[0].id == "P-1"


def test_a_row_with_more_cells_than_the_header_is_refused_not_trimmed(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_bytes(HEADER + ROW.replace(b"\n", b",surplus\n"))
    with pytest.raises(RecordError, match=r"(?s)line 2\) has 1 problem.*\(this row has 6") as info:
        load(path)
    assert (info.value.problems[0].value, info.value.line) == (["surplus"], 2)


def test_a_repeated_column_is_refused_because_it_would_hide_a_value(tmp_path):
    path = tmp_path / "repeated.csv"
    path.write_bytes(
        b"id,name,name,partner_type,stage,stage_since\nP-1,A,B,msp,active,2026-01-01\n"
    )
    with pytest.raises(RecordError, match="naming each column once"):
        list(read_records(path))


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_text_that_is_not_utf8_is_a_record_error_naming_the_file(tmp_path, suffix):
    path = tmp_path / f"latin1{suffix}"
    text = '{"name": "Acmé"}\n' if suffix == ".jsonl" else "P-1,Acmé,msp,active,2026-01-01\n"
    path.write_bytes((b"" if suffix == ".jsonl" else HEADER) + text.encode("latin-1"))
    with pytest.raises(RecordError, match="UTF-8") as info:
        list(read_records(path))
    assert str(path) in str(info.value)
