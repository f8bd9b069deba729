"""Demo portfolios as CRM-shaped files: the bundled demo, and larger ones on request.

The bundled demo is ``generate_portfolio(DEMO_SPEC)`` written in the generic record
profile as JSON Lines, one file per kind of entity, in ``partnerdomain/demo/data``.
A test checks that the shipped files equal a fresh generation; regenerate them with
``write_portfolio(generate_portfolio(DEMO_SPEC), "src/partnerdomain/demo/data")``.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from importlib.resources import as_file, files
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from partnerdomain.demo._generator import DemoSpec, generate_portfolio
from partnerdomain.exceptions import ValidationError

if TYPE_CHECKING:
    import os
    from collections.abc import Iterable

    from partnerdomain.model import Portfolio

__all__ = ["DEMO_SPEC", "ENTITY_FILES", "load_demo", "write_portfolio"]

#: The spec of the bundled demo portfolio (seed 2026, 300 partners, 10 managers,
#: six quarters of deals ending 2026Q3, as of 2026-09-30, in EUR).
DEMO_SPEC = DemoSpec()

#: The file name (without suffix) of each kind of entity, in the order written.
ENTITY_FILES: tuple[str, ...] = (
    "partners",
    "managers",
    "account_executives",
    "opportunities",
    "activities",
    "commitments",
    "invoices",
    "mdf_payments",
)

FileFormat = Literal["jsonl", "json", "csv"]


def _default(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    msg = f"cannot write {value!r} to JSON"
    raise TypeError(msg)


def write_portfolio(
    portfolio: Portfolio,
    directory: str | os.PathLike[str],
    *,
    profile: str = "generic",
    file_format: FileFormat = "jsonl",
    kinds: Iterable[str] = ENTITY_FILES,
) -> tuple[Path, ...]:
    """Write a portfolio as CRM-shaped record files, one per kind of entity.

    ``json`` files hold the profile's envelope (``{"records": [...]}`` for
    Salesforce, ``{"results": [...]}`` for HubSpot, a bare list for the generic
    profile); ``jsonl`` holds one record per line; ``csv`` uses the profile's text
    variant. :func:`partnerdomain.records.load_portfolio` reads any of them back.

    Args:
        portfolio: What to write.
        directory: Where; created if missing.
        profile: ``"generic"``, ``"salesforce"`` or ``"hubspot"``.
        file_format: ``"jsonl"``, ``"json"`` or ``"csv"``.
        kinds: Which kinds of entity to write (names of :data:`ENTITY_FILES`).

    Returns:
        The files written, in :data:`ENTITY_FILES` order.

    Raises:
        ValidationError: For an unknown format or kind.
    """
    from partnerdomain.records import get_profile, to_records  # noqa: PLC0415 - cattrs on use

    if file_format not in ("jsonl", "json", "csv"):
        raise ValidationError("write_portfolio", "file_format", file_format, "jsonl, json or csv")
    wanted = tuple(kinds)
    unknown = [k for k in wanted if k not in ENTITY_FILES]
    if unknown:
        raise ValidationError("write_portfolio", "kinds", unknown[0], ", ".join(ENTITY_FILES))
    resolved = get_profile(profile)
    if file_format == "csv":
        resolved = resolved.as_text()
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for kind in ENTITY_FILES:
        if kind not in wanted:
            continue
        records = to_records(getattr(portfolio, kind), profile=resolved)
        path = out / f"{kind}.{file_format}"
        _write(path, records, file_format, resolved.envelope)
        written.append(path)
    return tuple(written)


def _write(
    path: Path, records: list[dict[str, Any]], file_format: FileFormat, envelope: str | None
) -> None:
    if file_format == "csv":
        columns: dict[str, None] = {}
        for record in records:
            columns.update(dict.fromkeys(record))
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(columns))
            writer.writeheader()
            writer.writerows(records)
        return
    with path.open("w", encoding="utf-8") as handle:
        if file_format == "jsonl":
            for record in records:
                handle.write(json.dumps(record, separators=(",", ":"), default=_default))
                handle.write("\n")
            return
        document: object = records if envelope is None else {envelope: records}
        json.dump(document, handle, indent=1, default=_default)
        handle.write("\n")


def load_demo() -> Portfolio:
    """Load the demo portfolio shipped with the package (needs cattrs, a core dependency).

    It equals ``generate_portfolio(DEMO_SPEC)``; reading the files takes a fraction of
    a second.

    >>> portfolio = load_demo()
    >>> len(portfolio.partners), len(portfolio.managers), str(portfolio.as_of)
    (300, 10, '2026-09-30')
    """
    from partnerdomain.records import load_portfolio  # noqa: PLC0415 - cattrs on use

    data = files("partnerdomain.demo").joinpath("data")
    with as_file(data) as folder:
        sources: dict[str, Any] = {kind: folder / f"{kind}.jsonl" for kind in ENTITY_FILES}
        return load_portfolio(as_of=DEMO_SPEC.as_of, currency=DEMO_SPEC.currency, **sources)


def bundled_equals_generated() -> bool:
    """Say whether the shipped demo files equal a fresh generation from :data:`DEMO_SPEC`."""
    return load_demo() == generate_portfolio(DEMO_SPEC)
