"""JSON files read the same, exactly, whether or not msgspec (the ``fast`` extra) is there."""

from decimal import Decimal

import pytest
from _json_text import to_json
from hypothesis import given
from hypothesis import strategies as st

from partnerdomain.exceptions import RecordError
from partnerdomain.records import _loaders, read_records


def test_the_fast_reader_is_installed_with_the_test_extra():
    # Both paths are tested below: this one must really be the fast one.
    assert _loaders._fast_json() is not None


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)  # past 64 bits too
    | st.sampled_from([2**64 + 10**18 + 1, 19999999999999999999, -(2**63) - 1])  # the edges
    | st.decimals(allow_nan=False, allow_infinity=False, places=3)
    | st.decimals(allow_nan=False, allow_infinity=False)  # exponents too: 1E+5, 1.2E-7
    | st.text(alphabet=st.characters(exclude_categories=["Cs"]))  # \u2028 and friends included
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
RECORDS = st.lists(st.dictionaries(st.text(max_size=8), JSON, max_size=6), max_size=6)


def write(path, records, *, ending="\n", bom=False):
    text = "".join(to_json(r) + ending for r in records)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))


def read_both(path, monkeypatch):
    fast = list(read_records(path))
    with monkeypatch.context() as patch:
        patch.setattr(_loaders, "_fast_json", lambda: None)
        plain = list(read_records(path))
    return fast, plain


def refused_on_both(path, monkeypatch):
    """The errors reading ``path`` raises with and without msgspec: they must be alike."""
    messages = []
    for fast in (_loaders._fast_json, lambda: None):
        with monkeypatch.context() as patch:
            patch.setattr(_loaders, "_fast_json", fast)
            with pytest.raises(RecordError) as info:
                list(read_records(path))
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    return messages[0]


@given(records=RECORDS, ending=st.sampled_from(["\n", "\r\n", "\r"]), bom=st.booleans())
def test_both_readers_give_the_same_exact_records(tmp_path_factory, records, ending, bom):
    path = tmp_path_factory.mktemp("lines") / "records.jsonl"
    write(path, records, ending=ending, bom=bom)
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, plain = read_both(path, monkeypatch)
    assert fast == plain == records
    assert [repr(r) for r in fast] == [repr(r) for r in plain]  # Decimal("1.10") stays 1.10


@given(records=RECORDS, envelope=st.sampled_from([None, "records", "results"]), bom=st.booleans())
def test_both_readers_give_the_same_json_document(tmp_path_factory, records, envelope, bom):
    path = tmp_path_factory.mktemp("document") / "records.json"
    listed = "[" + ", ".join(to_json(r) for r in records) + "]"
    text = listed if envelope is None else f'{{"done": true, "{envelope}": {listed}}}'
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        if bom:  # json refuses a byte-order mark in a document; so must the fast reader
            for fast in (_loaders._fast_json, lambda: None):
                monkeypatch.setattr(_loaders, "_fast_json", fast)
                with pytest.raises(RecordError, match="valid JSON"):
                    list(read_records(path))
            return
        fast, plain = read_both(path, monkeypatch)
    assert fast == plain == records
    assert [repr(r) for r in fast] == [repr(r) for r in plain]


def test_a_number_with_a_fraction_is_the_exact_decimal_of_its_text(tmp_path, monkeypatch):
    path = tmp_path / "deals.jsonl"
    path.write_text('{"Id": "O-1", "Amount": 1234.10, "Count": 3}\n', encoding="utf-8")
    fast, plain = read_both(path, monkeypatch)
    assert fast == plain == [{"Id": "O-1", "Amount": Decimal("1234.10"), "Count": 3}]
    assert str(fast[0]["Amount"]) == "1234.10"


CUT = "a JSON record (Expecting value at column 6)"  # placed within its line


@pytest.mark.parametrize(
    ("bad", "said"),
    [
        (b"{not json}\n", "a JSON record (Expecting property name"),
        (b'{"a": 1} {"b": 2}\n', "a JSON record (Extra data at column 10)"),
        (b"[1, 2\n", "a JSON record (Expecting ',' delimiter"),
        (b'{"a":\n', CUT),  # a record cut short, whatever ends its line
        (b'{"a":\r\n', CUT),
        (b'{"a":', CUT),
        # A carriage return in a string is no line break: the line's own problem is told.
        (b'{"a": "x\ry"}\r\n', "a JSON record (Invalid control character at column 9)"),
        (b'{"a": 1}\r{"b":\r\n', "(part 2 between carriage returns: Expecting value"),
    ],
)
def test_a_bad_line_is_named_by_its_number_on_both_paths(tmp_path, monkeypatch, bad, said):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"a": 1}\n\n' + bad)
    message = refused_on_both(path, monkeypatch)
    assert "(line 3) has 1 problem(s)" in message
    assert said in message
    assert str(path) in message


def test_load_portfolio_names_the_file_of_a_bad_record(tmp_path):
    import pickle
    from datetime import date

    from partnerdomain.records import load_portfolio

    path = tmp_path / "partners.jsonl"
    path.write_text('{"id": "P-1", "name": " ", "partner_type": "msp"}\n', encoding="utf-8")
    with pytest.raises(RecordError) as info:
        load_portfolio(as_of=date(2026, 9, 30), currency="EUR", partners=path)
    error = info.value
    assert error.source == str(path)
    assert str(error).startswith(f"Partner record (in {path}, index 0")
    assert pickle.loads(pickle.dumps(error)).source == str(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b'{"a": 1,\r"b": 2}\n{"c": 3}\n', [{"a": 1, "b": 2}, {"c": 3}]),  # CR: whitespace
        (b'{"a": 1}\r{"b": 2}\r\n', [{"a": 1}, {"b": 2}]),  # CR: between records
        (b'{"a": 1}\r\r\n\r{"b": 2}\r', [{"a": 1}, {"b": 2}]),  # blank lines of CRs
        (b'{"s": "a\xe2\x80\xa8b"}\n', [{"s": "a\u2028b"}]),  # not a line break in JSON Lines
    ],
)
def test_a_line_ends_at_a_line_feed_on_both_paths(tmp_path, monkeypatch, text, expected):
    path = tmp_path / "records.jsonl"
    path.write_bytes(text)
    fast, plain = read_both(path, monkeypatch)
    assert fast == plain == expected


def test_bad_utf8_is_named_by_line_and_position_on_both_paths(tmp_path, monkeypatch):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"a": 1}\n' * 3000 + b'{"name": "Caf\xe9"}\n')
    message = refused_on_both(path, monkeypatch)
    assert "(line 3001) has 1 problem(s)" in message
    assert "UTF-8 text ('utf-8' codec can't decode byte 0xe9 in position 13" in message
    assert 'got \'{"name": "Caf\ufffd"}\'' in message  # the text around the byte
