"""Loaders: records from JSON, JSON Lines and CSV files, and whole portfolios."""

from __future__ import annotations

import codecs
import contextlib
import csv
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from partnerdomain.exceptions import RecordError, RecordProblem
from partnerdomain.model import (
    AccountExecutive,
    Activity,
    Commitment,
    Invoice,
    MdfPayment,
    Opportunity,
    Partner,
    PartnerManager,
    Portfolio,
)
from partnerdomain.records._api import from_records
from partnerdomain.records._profiles import GENERIC, Profile, get_profile

if TYPE_CHECKING:
    from datetime import date

__all__ = ["Source", "load_portfolio", "read_records"]

#: A file (path) of records, or the records themselves.
Source = str | os.PathLike[str] | Iterable[Mapping[str, Any]]

_JSON_LINES = (".jsonl", ".ndjson")
_MISSING: Any = object()


def _is_path(source: object) -> bool:
    return isinstance(source, (str, os.PathLike))


def read_records(
    path: str | os.PathLike[str], *, envelope: str | None = None
) -> Iterator[dict[str, Any]]:
    """Read the records of a JSON, JSON Lines or CSV file, by its suffix.

    * ``.jsonl`` / ``.ndjson``: one record per line, read one line at a time.
    * ``.csv``: a header row, then one record per row, read one row at a time; empty
      cells are absent values (an empty list for list fields), and every value is a
      string.
    * ``.json``: a list of records, or an object holding it under ``envelope`` (a
      SOQL answer's ``"records"``, a HubSpot page's ``"results"``). The whole document
      is parsed at once: for exports too large for memory, use JSON Lines.

    JSON numbers become ``int`` or the exact ``Decimal`` of their text, never a float.

    Raises:
        RecordError: If the file is not valid JSON or holds no list of records.
        OSError: If the file cannot be read.
    """
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix in _JSON_LINES:
        return _json_lines(file)
    if suffix == ".csv":
        return _csv_rows(file)
    return _json_document(file, envelope)


def _bad_file(file: Path, value: object, expected: str) -> RecordError:
    return RecordError(str(file), [RecordProblem(field="*", value=value, expected=expected)])


# One decoder for every line: json.loads(..., parse_float=Decimal) would build a new one
# per call, which costs more than decoding a short record.
_DECODE = json.JSONDecoder(parse_float=Decimal).decode


def _fast_json() -> Callable[[bytes], Any] | None:
    """Return msgspec's JSON decoder if the ``fast`` extra is installed, else ``None``.

    It reads UTF-8 bytes straight into the same values as :data:`_DECODE`: a number
    with a fraction or an exponent becomes the exact ``Decimal`` of its text, an
    integer of any size an ``int``.
    """
    try:
        import msgspec  # noqa: PLC0415 - optional, imported when a JSON file is read
    except ImportError:
        return None
    return msgspec.json.Decoder(float_hook=Decimal).decode


def _json_lines(file: Path) -> Iterator[dict[str, Any]]:
    fast = _fast_json()
    if fast is None:
        yield from _json_text_lines(file)
        return
    # The fast decoder reads bytes several times as fast as json reads text. A line it
    # refuses (a lone surrogate, two records on one line, a lone carriage return) is
    # read again by json, which reads it as the fallback reads every line, or names
    # the problem.
    with file.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            line = raw[3:] if number == 1 and raw.startswith(codecs.BOM_UTF8) else raw
            try:
                record = fast(line)
            except ValueError:  # msgspec.DecodeError and UnicodeDecodeError
                if line.isspace() or not line:
                    continue
            else:
                yield record
                continue
            # Text mode would split at a lone carriage return too; so does this.
            for part in line.splitlines():
                try:
                    text = part.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise _bad_file(file, None, f"UTF-8 text ({exc})") from None
                yield from _decode_line(file, number, text)


def _json_text_lines(file: Path) -> Iterator[dict[str, Any]]:
    try:
        with file.open(encoding="utf-8-sig") as lines:
            for number, line in enumerate(lines, start=1):
                yield from _decode_line(file, number, line)
    except UnicodeDecodeError as exc:
        raise _bad_file(file, None, f"UTF-8 text ({exc})") from None


def _decode_line(file: Path, number: int, line: str) -> Iterator[dict[str, Any]]:
    if not line.strip():
        return
    try:
        yield _DECODE(line)
    except ValueError as exc:
        raise _bad_file(file, line[:80], f"a JSON record on line {number} ({exc})") from None


_EXTRA = "\x00extra cells"


def _csv_rows(file: Path) -> Iterator[dict[str, Any]]:
    # utf-8-sig: spreadsheet exports often start with a byte-order mark, which would
    # otherwise become part of the first column's name.
    try:
        with file.open(encoding="utf-8-sig", newline="") as rows:
            reader = csv.DictReader(rows, restkey=_EXTRA)
            header = reader.fieldnames or []
            repeated = sorted({name for name in header if header.count(name) > 1})
            if repeated:
                expected = (
                    "a header row naming each column once (a repeated column would hide a value)"
                )
                raise _bad_file(file, repeated, expected)
            for row in reader:
                extra = row.pop(_EXTRA, None)
                if extra:
                    expected = (
                        f"at most {len(header)} cells per row, as in the header (line "
                        f"{reader.line_num} has {len(header) + len(extra)}; check the delimiter "
                        "and the quoting)"
                    )
                    raise _bad_file(file, extra, expected)
                yield row
    except UnicodeDecodeError as exc:
        raise _bad_file(file, None, f"UTF-8 text ({exc})") from None


def _json_document(file: Path, envelope: str | None) -> Iterator[dict[str, Any]]:
    document: Any = _MISSING
    fast = _fast_json()
    if fast is not None:
        with contextlib.suppress(ValueError):  # json reads it again, to name the problem
            document = fast(file.read_bytes())
    if document is _MISSING:
        with file.open(encoding="utf-8") as text:
            try:
                document = json.load(text, parse_float=Decimal)
            except ValueError as exc:
                raise _bad_file(file, None, f"valid JSON ({exc})") from None
    if isinstance(document, dict):
        keys = [envelope] if envelope else ["records", "results"]
        for key in keys:
            if isinstance(document.get(key), list):
                document = document[key]
                break
    if not isinstance(document, list):
        expected = "a list of records, or an object holding one under 'records' or 'results'"
        raise _bad_file(file, type(document).__name__, expected)
    return iter(document)


def _records(source: Source, profile: Profile) -> tuple[Iterable[Mapping[str, Any]], Profile]:
    if _is_path(source):
        path = Path(source)  # type: ignore[arg-type]
        if path.suffix.lower() == ".csv":
            profile = profile.as_text()
        return read_records(path, envelope=profile.envelope), profile
    return source, profile  # type: ignore[return-value]


def load_portfolio(  # noqa: PLR0913 - one source per kind of entity
    *,
    as_of: date,
    currency: str,
    profile: Profile | str = GENERIC,
    partners: Source = (),
    managers: Source = (),
    account_executives: Source = (),
    opportunities: Source = (),
    activities: Source = (),
    commitments: Source = (),
    invoices: Source = (),
    mdf_payments: Source = (),
) -> Portfolio:
    """Load a whole portfolio: each kind of entity from a file or from records.

    Each source is a path (``.json``, ``.jsonl``, ``.csv``; CSV files are read with
    the profile's text variant, see :meth:`Profile.as_text`) or an iterable of
    records. Files are streamed where their format allows, so memory grows with the
    entities kept, not with the files' text. ``managers`` holds partner managers and
    partner success managers alike (the role tells them apart).

    Raises:
        RecordError: For the first bad record, listing all its problems.
        ReferentialIntegrityError: If the entities do not fit together.
    """
    resolved = get_profile(profile)
    kinds: list[tuple[str, type[Any], Source]] = [
        ("partners", Partner, partners),
        ("managers", PartnerManager, managers),
        ("account_executives", AccountExecutive, account_executives),
        ("opportunities", Opportunity, opportunities),
        ("activities", Activity, activities),
        ("commitments", Commitment, commitments),
        ("invoices", Invoice, invoices),
        ("mdf_payments", MdfPayment, mdf_payments),
    ]
    loaded: dict[str, Any] = {}
    for name, entity_type, source in kinds:
        records, used = _records(source, resolved)
        try:
            loaded[name] = from_records(entity_type, records, profile=used).entities
        except RecordError as exc:
            if not _is_path(source) or exc.source is not None:
                raise
            raise exc.in_source(os.fspath(source)) from None  # type: ignore[arg-type]
        finally:
            close = getattr(records, "close", None) if _is_path(source) else None
            if close is not None:
                close()  # a file's streaming reader: close the file now, even on an error
    return Portfolio(as_of=as_of, currency=currency, **loaded)
