"""Loaders: records from JSON, JSON Lines and CSV files, and whole portfolios."""

from __future__ import annotations

import bisect
import codecs
import contextlib
import csv
import functools
import io
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, TypeVar

import attrs

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
from partnerdomain.records._api import Batch, ImportResult, UnreadRecord, from_records
from partnerdomain.records._converter import forget_memos, memo_number
from partnerdomain.records._profiles import GENERIC, Profile, get_profile

if TYPE_CHECKING:
    import _csv
    from datetime import date

    from partnerdomain.records._plan import LineReader

__all__ = ["Source", "from_file", "load_portfolio", "read_records"]

T = TypeVar("T")

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
    return _read(Path(path), envelope)


def _read(
    file: Path, envelope: str | None, *, shared: bool = False, lines: _Lines | None = None
) -> Iterator[Any]:
    """:func:`read_records`; ``shared``: a ``.json`` document's numbers as :func:`memo_number`.

    ``lines`` notes where the records of a JSON Lines or CSV file start, and whether a
    line that holds no record is given as an :class:`UnreadRecord` (never without it).
    """
    suffix = file.suffix.lower()
    if suffix in _JSON_LINES:
        return _json_lines(file, lines)
    if suffix == ".csv":
        return _csv_rows(file, lines)
    return _json_document(file, envelope, shared=shared)


def _bad_file(file: Path, value: object, expected: str, line: int | None = None) -> RecordError:
    problem = RecordProblem(field="*", value=value, expected=expected)
    return RecordError(str(file), [problem], line=line)


_LEADING = 5  # lines that hold no record, at a file's start, that refuse it whole


class _Lines:
    """The line each record of a text file starts on, counted from 1 (internal).

    Record ``index`` starts on line ``index + 1``, unless lines that start no record
    (blank lines, a CSV header, the later lines of a cell that spans lines) or a line
    that starts several (records that carriage returns split) come before it. Readers
    note only those lines, as they meet them and before they give the records that
    follow, so a read costs nothing more per ordinary line.
    """

    __slots__ = ("_before", "_leading", "_odd", "_shift", "collect")

    def __init__(self, *, collect: bool = False) -> None:
        #: Whether a line that holds no record (not JSON, not UTF-8, too many cells) is
        #: given as an :class:`UnreadRecord`, for a reject, instead of ending the read.
        self.collect = collect
        self._leading: list[_Unread] = []  # such lines before any record
        # (first line, how many lines, how many records start on them): either several
        # lines that start none, or one line that starts any number.
        self._odd: list[tuple[int, int, int]] = []
        self._before: list[int] = []  # per noted span: the records starting before it
        self._shift: list[int] = []  # per noted span: records minus lines, up to its end

    def note(self, line: int, lines: int = 1, records: int = 0) -> None:
        """Note that ``records`` records start on the ``lines`` lines from ``line`` on."""
        shift = self._shift[-1] if self._shift else 0
        self._odd.append((line, lines, records))
        self._before.append(line - 1 + shift)
        self._shift.append(shift + records - lines)

    def unread(self, file: Path, unread: _Unread) -> None:
        """Note a line that holds no record, given as a reject.

        If the first few lines of a file that are not blank hold no record, the file is
        not in the format its name says (a CSV file named ``.jsonl``, a pretty-printed
        JSON document, UTF-16 text, another CSV delimiter): its error is raised then,
        instead of a reject per line.

        Raises:
            RecordError: On the :data:`_LEADING`-th such line before any record.
        """
        leading = self._leading
        if len(leading) < _LEADING and self.line_of(len(leading)) == unread.line:
            leading.append(unread)
            if len(leading) == _LEADING:
                first = leading[0]
                expected = (
                    f"records, but the first {_LEADING} lines that are not blank hold none "
                    "(is the file in the format its name says?); the first of them: "
                    f"{first.what} ({first.detail})"
                )
                raise _bad_file(file, first.value, expected, first.line)

    def line_of(self, index: int) -> int:
        """The line record ``index`` (counted from 0) starts on."""
        span = bisect.bisect_right(self._before, index) - 1
        if span < 0:
            return index + 1
        line, _, records = self._odd[span]
        if index < self._before[span] + records:
            return line  # one of the records a single line starts
        return index + 1 - self._shift[span]


# One decoder for every line: json.loads(..., parse_float=Decimal) would build a new one
# per call, which costs more than decoding a short record.
_DECODE = json.JSONDecoder(parse_float=Decimal).decode


@functools.cache
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


@functools.cache
def _fast_json_shared() -> Callable[[bytes], Any]:
    """:func:`_fast_json`'s decoder for bulk reads: one shared Decimal per number's text.

    Only for reads that end with ``forget_memos()`` (see :func:`memo_number`).
    """
    import msgspec  # noqa: PLC0415 - optional; called only once _fast_json() found it

    return msgspec.json.Decoder(float_hook=memo_number).decode


def _json_lines(file: Path, lines: _Lines | None = None) -> Iterator[dict[str, Any] | UnreadRecord]:
    with file.open("rb", buffering=_PEEK) as binary:
        yield from _decoded_lines(file, _numbered(binary), _fast_json(), lines)


_PEEK = 1 << 16  # bytes looked at to tell a file's line ends


def _numbered(binary: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """A file's lines, numbered from 1: each ends with a line feed (CR LF included).

    A file whose first 64 KiB hold carriage returns but no line feed has old Mac line
    endings, at least at its start: its lines end with any of CR, LF and CR LF, as an
    editor shows them. (Elsewhere a carriage return can be JSON whitespace inside a
    record, so only line feeds end lines.)
    """
    head = binary.peek(_PEEK)[:_PEEK] if isinstance(binary, io.BufferedReader) else b""
    if b"\r" in head and b"\n" not in head:
        return enumerate(_any_line_ends(binary), start=1)
    return enumerate(binary, start=1)


def _any_line_ends(binary: BinaryIO) -> Iterator[bytes]:
    """A file's lines, each ending with CR, LF or CR LF (as csv and editors count them)."""
    rest = b""
    while chunk := binary.read(_PEEK):
        *done, rest = (rest + chunk).splitlines(keepends=True)
        if rest.endswith(b"\n"):  # complete; a lone CR at the end may be a CR LF's half
            done.append(rest)
            rest = b""
        yield from done
    if rest:
        yield rest


def _decoded_lines(
    file: Path,
    numbered: Iterator[tuple[int, bytes]],
    fast: Callable[[bytes], Any] | None,
    lines: _Lines | None = None,
) -> Iterator[dict[str, Any] | UnreadRecord]:
    """Decode numbered lines of UTF-8 bytes: ``fast`` first.

    A line that holds no record ends the read with the file's error, or is an
    :class:`UnreadRecord` if ``lines`` collects (see :meth:`_Lines.unread`).
    """
    for number, raw in numbered:
        line = raw[3:] if number == 1 and raw.startswith(codecs.BOM_UTF8) else raw
        if fast is None:
            yield from _text_line(file, number, line, lines)
            continue
        try:
            record = fast(line)
        except (ValueError, RecursionError):  # msgspec.DecodeError, UnicodeDecodeError
            yield from _text_line(file, number, line, lines)
        else:
            yield record


def _text_line(
    file: Path, number: int, line: bytes, lines: _Lines | None = None
) -> Iterator[dict[str, Any] | UnreadRecord]:
    """Read one line with json: the plain path, and what the fast decoder refused.

    A carriage return inside a record is JSON whitespace, as it is to the fast
    decoder. A line json cannot read as one record, but whose carriage returns split
    it into parts of which one at least is a record (stray old Mac line endings in a
    file of line feeds), gives each part. Errors name the line (and its part) and the
    column (bad UTF-8: the byte's position in the line), and quote what they refuse.
    """
    if line.isspace() or not line:
        if lines is not None:
            lines.note(number)
        return
    raw = line.rstrip(b"\r\n")  # so that json's columns are the line's
    try:
        record = _DECODE(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError too
        parts = _parts(raw, number) if b"\r" in raw else []
        if any(not isinstance(part, _Unread) for _, part in parts):
            if lines is not None:
                lines.note(number, records=len(parts))
            for given, part in parts:  # in order: raise mode stops at the first bad one
                if isinstance(part, _Unread):
                    yield part.given(file, given, lines, leading=False)
                else:
                    yield part
            return
        given, unread = _unread_text(raw, exc, number)
        yield unread.given(file, given, lines)
        return
    yield record


def _unread_text(
    raw: bytes, exc: Exception, line: int, part: int | None = None
) -> tuple[object, _Unread]:
    """What a reject of ``raw`` (a line, or a part of one) keeps, and why it is no record.

    It keeps the text, or the bytes if they are not UTF-8.
    """
    if isinstance(exc, UnicodeDecodeError):
        return raw, _Unread("UTF-8 text", exc, line, _around(raw, exc), part)
    text = raw.decode()
    return text, _Unread("a JSON record", _problem(exc), line, text[:80], part)


def _parts(raw: bytes, line: int) -> list[tuple[object, Any]]:
    """The parts of a line that carriage returns split, each decoded on its own.

    Each part is paired with its record, or (with its text, or bytes if it is not
    UTF-8) with the :class:`_Unread` that says why it is none, numbered by its place
    between the carriage returns.
    """
    parts: list[tuple[object, Any]] = []
    for number, piece in enumerate(raw.split(b"\r"), start=1):  # no line feed is left
        if piece.isspace() or not piece:
            continue
        try:
            parts.append((None, _DECODE(piece.decode("utf-8"))))
        except (ValueError, RecursionError) as exc:
            parts.append(_unread_text(piece, exc, line, number))
    return parts


@attrs.frozen
class _Unread:
    """Why a line (or a part of it) holds no record, and where."""

    what: str
    detail: object
    line: int
    value: object
    part: int | None = None

    def problem(self) -> RecordProblem:
        """The problem, the same in both modes: an error or a reject names the line."""
        part = "" if self.part is None else f"part {self.part} between carriage returns: "
        return RecordProblem(
            field="*", value=self.value, expected=f"{self.what} ({part}{self.detail})"
        )

    def given(
        self,
        file: Path,
        given: object,
        lines: _Lines | None,
        fields: Mapping[str, object] | None = None,
        *,
        leading: bool = True,
    ) -> UnreadRecord:
        """The :class:`UnreadRecord` of ``given`` (what the file has there), or the error.

        ``fields``: what could be read of it by name (its id). ``leading``: whether it
        may be one of the lines before any record (not so a part of a line that holds
        a record), which :meth:`_Lines.unread` counts.
        """
        if lines is not None and lines.collect:
            if leading:
                lines.unread(file, self)
            return UnreadRecord(given, self.problem(), fields)
        raise RecordError(str(file), [self.problem()], line=self.line)


def _problem(exc: Exception) -> object:
    """What the json module says is wrong, placed by column (a line is one line)."""
    if isinstance(exc, json.JSONDecodeError):
        if exc.pos == 0 and exc.doc.startswith("\ufeff"):
            return "a byte-order mark (U+FEFF) starts the line: were two files joined?"
        return f"{exc.msg.removesuffix(' at')} at column {exc.colno}"
    return _json_problem(exc)


def _json_problem(exc: Exception) -> object:
    """What is wrong with JSON that json and msgspec say in Python's words."""
    if isinstance(exc, RecursionError):
        return "nested too deeply to read"
    if "integer string conversion" in str(exc):
        return f"a number of more than {sys.get_int_max_str_digits()} digits"
    return exc


def _csv_rows(file: Path, lines: _Lines | None = None) -> Iterator[dict[str, Any] | UnreadRecord]:
    """A CSV file's rows as dicts by the header's names (``None`` for a missing cell).

    Blank lines, and rows whose cells are all blank (as spreadsheets leave at the end),
    hold no record; the header is the first row that is not blank. A row csv cannot
    read (text after a closing quote) or with more cells than the header ends the read
    with the file's error, or is an :class:`UnreadRecord` if ``lines`` collects (see
    :meth:`_Lines.unread`). A quote left open to the end of the file ends the read.
    """
    # utf-8-sig: spreadsheet exports often start with a byte-order mark, which would
    # otherwise become part of the first column's name.
    with file.open("rb", buffering=_PEEK) as binary:
        text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
        # strict: a quote left open at the end of the file is an error, not a cell that
        # swallows the rows after it.
        rows = csv.reader(text, strict=True)
        after = 0  # the line the blank rows before the header end on
        try:
            header: list[str] = []
            for row in rows:
                if any(map(str.strip, row)):
                    header = row
                    break
                after = rows.line_num
            # A column without a name (as a comma at the end of every line makes) is
            # named by its place, so that a value in it is kept as a custom field.
            header = [name if name.strip() else f"(column {n})" for n, name in enumerate(header, 1)]
            if lines is not None and rows.line_num:
                lines.note(1, rows.line_num)  # the header, and blank lines before it
            repeated = sorted({name for name in header if header.count(name) > 1})
            if repeated:
                expected = "a header naming each column once (a repeated column hides values)"
                raise _bad_file(file, repeated, expected, after + 1)
            yield from _csv_records(file, rows, header, lines)
        except UnicodeDecodeError:
            raise _not_utf8(file, binary) from None
        except csv.Error as exc:  # in the header (_csv_records places a row's own)
            raise _csv_error(file, exc, after + 1) from None


def _csv_records(
    file: Path, rows: _csv.Reader, header: list[str], lines: _Lines | None
) -> Iterator[dict[str, Any] | UnreadRecord]:
    width = len(header)
    end = rows.line_num  # the line the last row read ends on
    blank = str.strip
    while True:
        after = end
        try:
            cells = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:  # csv goes on with the next line
            end = rows.line_num
            yield _unreadable_row(file, exc, after, end, lines)
            continue
        end = rows.line_num
        if not any(map(blank, cells)):
            if lines is not None:
                lines.note(after + 1, end - after)  # blank: no record
            continue
        start = after + 1
        if end != start:  # cells that span lines
            start = end - sum(map(_line_breaks, cells))
            if lines is not None:
                _note_row(lines, after, start, end)
        row: dict[str, Any] = dict(zip(header, cells, strict=False))
        if len(cells) > width:
            what = f"at most {width} cells per row, as in the header"
            detail = f"this row has {len(cells)}: check the delimiter and the quoting"
            unread = _Unread(what, detail, start, cells[width:])
            yield unread.given(file, cells, lines, fields=row)
            continue
        if len(cells) < width:
            row.update(dict.fromkeys(header[len(cells) :]))
        yield row


def _unreadable_row(
    file: Path, exc: csv.Error, after: int, end: int, lines: _Lines | None
) -> UnreadRecord:
    """A row csv cannot read, from the line after ``after`` to ``end``: a reject.

    csv reads on from the line after ``end``. A quote left open to the end of the file
    ends the read instead.
    """
    if _quote_left_open(exc):
        raise _csv_error(file, exc, after + 1) from None
    detail = f"{exc}: {_DOUBLED}"
    if end > after + 1:  # csv read on past the row's line: a quote it took as opening
        detail = f"{exc}, on line {end}: a quote left open made one row of these lines?"
        if lines is not None:
            lines.note(after + 2, end - after - 1)  # the row's later lines
    return _Unread("CSV text", detail, after + 1, None).given(file, None, lines)


_DOUBLED = 'a quote inside a quoted cell is written twice, ""'


def _quote_left_open(exc: csv.Error) -> bool:
    text = str(exc)
    return "field larger than field limit" in text or "unexpected end of data" in text


def _csv_error(file: Path, exc: csv.Error, line: int) -> RecordError:
    """The error of a CSV file csv cannot read from ``line`` (a row's first) on."""
    if _quote_left_open(exc):
        expected = f"CSV text from this line on ({exc}: a quote left open?)"
    else:
        expected = f"CSV text ({exc}: {_DOUBLED})"
    return _bad_file(file, None, expected, line)


def _not_utf8(file: Path, binary: BinaryIO) -> RecordError:
    """The error of a file that is not UTF-8 text, naming the line and quoting it.

    The line is found by reading the file again from its start, which a pipe cannot.
    """
    if binary.seekable():
        binary.seek(0)
        for number, line in enumerate(_any_line_ends(binary), start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                return _bad_file(file, _around(line, exc), f"UTF-8 text ({exc})", number)
    return _bad_file(file, None, "UTF-8 text")


def _around(line: bytes, exc: UnicodeDecodeError) -> str:
    """The text around a byte that is not UTF-8, to quote (the byte shows as U+FFFD)."""
    return line[max(exc.start - 40, 0) : exc.end + 40].decode("utf-8", "replace").strip()


def _note_row(lines: _Lines, after: int, start: int, end: int) -> None:
    """Note a CSV row that blank lines precede or whose cells span lines."""
    if start > after + 1:
        lines.note(after + 1, start - after - 1)  # blank lines, which csv skips
    if end > start:
        lines.note(start + 1, end - start)  # the row's later lines


def _line_breaks(text: str) -> int:
    """How many lines ``text`` ends: a CR LF, a lone CR and a lone LF end one each."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _json_document(
    file: Path, envelope: str | None, *, shared: bool = False
) -> Iterator[dict[str, Any]]:
    """Read a ``.json`` document's records; ``shared``: one Decimal per number's text."""
    data = file.read_bytes()  # read once: the file may be a pipe
    document: Any = _MISSING
    fast = _fast_json()
    if fast is not None:
        fast = _fast_json_shared() if shared else fast
        # json reads it again, to name the problem
        with contextlib.suppress(ValueError, RecursionError):
            document = fast(data)
    if document is _MISSING:
        try:
            document = json.loads(data.decode("utf-8"), parse_float=Decimal)
        except UnicodeDecodeError as exc:
            raise _bad_file(file, None, f"UTF-8 text ({exc})") from None
        except (ValueError, RecursionError) as exc:
            raise _bad_file(file, None, f"valid JSON ({_json_problem(exc)})") from None
    keys = [envelope] if envelope else ["records", "results"]
    if isinstance(document, dict):
        for key in keys:
            if isinstance(document.get(key), list):
                return iter(document[key])
    if not isinstance(document, list):
        raise _bad_file(file, type(document).__name__, _records_expected(document, keys))
    return iter(document)


def _records_expected(document: object, keys: list[str]) -> str:
    """What a JSON document should have been, and a hint if another envelope is there."""
    expected = f"a list of records, or an object holding one under {' or '.join(map(repr, keys))}"
    if isinstance(document, dict):
        other = [k for k in ("records", "results") if isinstance(document.get(k), list)]
        if other:
            expected += (
                f" (it holds one under {other[0]!r}, as another CRM's files do: "
                "is the profile the right one?)"
            )
    return expected


def from_file(
    entity_type: type[T],
    path: str | os.PathLike[str],
    *,
    profile: Profile | str = GENERIC,
    on_error: Literal["raise", "collect"] = "raise",
    progress: Callable[[int], object] | None = None,
) -> ImportResult[T]:
    r"""Build entities from one file of CRM records: ``.json``, ``.jsonl`` or ``.csv``.

    What :func:`from_records` does with the records of :func:`read_records`, with the
    same results, and faster for large JSON Lines files when the ``fast`` extra is
    installed: a line is decoded straight into the fields the profile reads and the
    custom fields of the file's first record, without a dict. A line with another
    field, or any line that decoder refuses, is read as a dict, and so is the rest of
    the file. The one difference this makes: the custom fields of a line so decoded
    are kept in the order of the first record's (JSON objects have no order, and
    entities compare equal either way). CSV files are read with the profile's text
    variant (:meth:`Profile.as_text`).

    >>> import tempfile
    >>> from pathlib import Path
    >>> from partnerdomain import Opportunity
    >>> folder = tempfile.TemporaryDirectory()
    >>> deals = Path(folder.name) / "deals.jsonl"
    >>> _ = deals.write_text(
    ...     '{"Id": "006A", "StageName": "Closed Won", "Stage_Since__c": "2026-05-04",'
    ...     ' "CreatedDate": "2026-02-01T00:00:00.000+0000", "Deal_Source__c": "Partner Sourced",'
    ...     ' "Amount": 48000.10, "CurrencyIsoCode": "EUR", "PartnerAccountId": "001A"}\n')
    >>> result = from_file(Opportunity, deals, profile="salesforce")
    >>> [(o.id, o.amount.amount) for o in result.entities]
    [('006A', Decimal('48000.10'))]
    >>> folder.cleanup()

    Args:
        entity_type: The entity to build for every record.
        path: The file; its suffix says how to read it.
        profile: A :class:`Profile` or a built-in profile's name.
        on_error: As for :func:`from_records`.
        progress: Called with the number of records read so far, every 5,000 records
            and once at the end (for a progress bar).

    Returns:
        The entities and, in collect mode, the rejects. A reject's error names the
        file (``source``), and in a JSON Lines or CSV file the line the record starts
        on (``line``, also :attr:`~partnerdomain.records.Reject.line`), counting blank
        lines, a CSV header and cells that span lines. In collect mode, a JSON Lines
        line that is not JSON (or not UTF-8) is a reject too, whose record is the
        line's text (its bytes if it is not UTF-8), and so is a CSV row with more
        cells than the header (its record: the row's cells) or that csv cannot read
        (its record: ``None``); the read goes on, unless five such lines come before
        any record (the file is refused whole).

    Raises:
        RecordError: If the file is not valid JSON or holds no list of records, or, in
            raise mode, for the first bad record, named as a reject's is. Also if
            ``on_error`` is neither ``"raise"`` nor ``"collect"`` (with no source).
        OSError: If the file cannot be read.
    """
    file = Path(path)
    resolved = get_profile(profile)
    suffix = file.suffix.lower()
    if suffix == ".csv":
        resolved = resolved.as_text()
    batch = Batch(entity_type, resolved, on_error)
    lines = _Lines(collect=batch.collect) if suffix in _JSON_LINES or suffix == ".csv" else None
    try:
        if suffix in _JSON_LINES and _fast_json() is not None:
            read = _read_json_lines(file, batch, progress, lines)
        else:
            # shared: the memos end with the read
            records = _read(file, resolved.envelope, shared=True, lines=lines)
            try:
                read = batch.read_all(records, progress)
            finally:
                close = getattr(records, "close", None)
                if close is not None:
                    close()  # a file's streaming reader: close the file now, even on an error
    except RecordError as exc:
        if exc.source is not None:
            raise
        raise _placed(exc, path, lines) from None
    finally:
        forget_memos()  # the memos hold nothing once the read is over
    if progress is not None:
        progress(read)
    result = batch.result()
    if not result.rejects:
        return result
    rejects = []
    for reject in result.rejects:
        error = _placed(reject.error, path, lines)
        rejects.append(attrs.evolve(reject, error=error, line=error.line))
    return attrs.evolve(result, rejects=tuple(rejects))


def _placed(error: RecordError, path: str | os.PathLike[str], lines: _Lines | None) -> RecordError:
    """``error`` naming its file, and its record's line when the file has lines."""
    line = None if lines is None or error.index is None else lines.line_of(error.index)
    return error.in_source(os.fspath(path), line)


def _read_json_lines(
    file: Path, batch: Batch[Any], progress: Callable[[int], object] | None, lines: _Lines | None
) -> int:
    """Read JSON Lines with msgspec: through a line reader while it can; return the count.

    The first record, read as a dict, chooses the line reader by its fields. A line
    with a custom field the first record does not have, or one that is no JSON object,
    makes the rest of the file be read as dicts, since what follows is likely alike. A
    line whose fields the line reader refuses is read again as a dict, so that the
    detailed path explains it, and reading goes on.
    """
    fast = _fast_json_shared()
    with file.open("rb", buffering=_PEEK) as binary:  # opened once: it may be a pipe
        numbered = _numbered(binary)
        first: list[dict[str, Any] | UnreadRecord] = []
        index = 0
        for number, raw in numbered:  # up to the first record, past blank and bad lines
            first = []
            for record in _decoded_lines(file, iter([(number, raw)]), fast, lines):
                index = batch.read_all((record,), progress, index)  # in order, as they come
                first.append(record)
            if first and first[-1].__class__ is not UnreadRecord:
                break
        if len(first) == 1 and first[0].__class__ is dict:
            typed = batch.plan.line_reader(first[0].keys())
            if typed is not None:
                index = _read_typed(file, numbered, batch, typed, progress, index, lines=lines)
        return batch.read_all(_decoded_lines(file, numbered, fast, lines), progress, index)


def _read_typed(  # noqa: PLR0913, PLR0917 - the state of one file's read
    file: Path,
    numbered: Iterator[tuple[int, bytes]],
    batch: Batch[Any],
    typed: LineReader,
    progress: Callable[[int], object] | None,
    index: int,
    *,
    lines: _Lines | None,
) -> int:
    """Read lines through a line reader until one makes the rest dicts; return the index."""
    decode, read = typed
    keep = batch.keep
    fast = _fast_json_shared()
    due = batch.due(index, progress)
    for number, line in numbered:  # line 1 is read: no byte-order mark is left to cut
        try:
            struct = decode(line)
        except (ValueError, RecursionError):  # msgspec.DecodeError, UnicodeDecodeError
            if line.isspace() or not line:
                if lines is not None:
                    lines.note(number)
                continue
            rest_as_dicts = True
        else:
            try:
                entity = read(struct)
            except Exception:  # noqa: BLE001 - read again as a dict, below
                rest_as_dicts = False
            else:
                if index == due:
                    progress(index)  # type: ignore[misc] # due is -1 without progress
                    due += batch.every
                keep(entity)
                index += 1
                continue
        one = _decoded_lines(file, iter([(number, line)]), fast, lines)
        index = batch.read_all(one, progress, index)
        if rest_as_dicts:
            break
        due = batch.due(index, progress)
    return index


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
        if _is_path(source):
            read = from_file(entity_type, source, profile=resolved)  # type: ignore[arg-type]
        else:
            read = from_records(entity_type, source, profile=resolved)  # type: ignore[arg-type]
        loaded[name] = read.entities
    return Portfolio(as_of=as_of, currency=currency, **loaded)
