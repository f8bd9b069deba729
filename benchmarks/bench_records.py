"""Import and export of partner records against hand-written loops, in one process.

Import: ``from_records(Partner, records)`` (strict, with full error reporting on the
detailed path) against a hand-written dict-to-attrs loop that builds the same
partners with no error reporting. Export: ``to_records(partners)`` against a
hand-written attrs-to-dict loop that writes the same records. Both use the generic
profile (about 12 fields per record); the Salesforce profile is measured too. From a
JSON Lines file: ``from_file(Partner, path)`` against ``json.loads`` per line and the
same hand-written loop, and against ``from_records(Partner, read_records(path))``.

    .venv/bin/python benchmarks/bench_records.py            # 1,000,000 records
    .venv/bin/python benchmarks/bench_records.py --n 100000 # a quick run
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from partnerdomain import Partner, PartnerStage, PartnerType, TeamRole
from partnerdomain.records import (
    SALESFORCE,
    from_file,
    from_records,
    read_records,
    to_record,
    to_records,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

TYPES = list(PartnerType)
STAGES = list(PartnerStage)
REGIONS = ["DACH", "NA", "UKI", "NORDICS", None]


def make_records(n: int) -> list[dict[str, object]]:
    start = date(2020, 1, 1)
    records = []
    for i in range(n):
        record: dict[str, object] = {
            "id": f"P-{i}",
            "name": f"Partner {i}",
            "partner_type": TYPES[i % len(TYPES)].value,
            "stage": STAGES[i % len(STAGES)].value,
            "stage_since": (start + timedelta(days=i % 2000)).isoformat(),
            "tier": "Gold" if i % 3 == 0 else "Silver",
            "country": "DE",
            "languages": ["de", "en"] if i % 2 else ["en"],
            "joined_on": (start + timedelta(days=i % 1000)).isoformat(),
            "partner_manager_id": f"M-{i % 50}",
            "certifications": i % 7,
        }
        region = REGIONS[i % len(REGIONS)]
        if region is not None:
            record["region"] = region
        records.append(record)
    return records


def hand_import(records: Iterable[dict[str, object]]) -> list[Partner]:
    out = []
    append = out.append
    for r in records:
        joined = r.get("joined_on")
        manager = r.get("partner_manager_id")
        append(
            Partner(
                id=r["id"],
                name=r["name"],
                partner_type=PartnerType(r["partner_type"]),
                stage=PartnerStage(r["stage"]),
                stage_since=date.fromisoformat(r["stage_since"]),
                tier=r.get("tier"),
                country=r.get("country"),
                region=r.get("region"),
                languages=tuple(r.get("languages", ())),
                joined_on=date.fromisoformat(joined) if joined is not None else None,
                managers={TeamRole.PARTNER_MANAGER: manager} if manager is not None else {},
                certifications=r.get("certifications", 0),
            )
        )
    return out


def hand_export(partners: list[Partner]) -> list[dict[str, object]]:
    out = []
    append = out.append
    pm = TeamRole.PARTNER_MANAGER
    for p in partners:
        r: dict[str, object] = {
            "id": p.id,
            "name": p.name,
            "partner_type": p.partner_type.value,
            "stage": p.stage.value,
            "stage_since": p.stage_since.isoformat(),
            "languages": list(p.languages),
            "certifications": p.certifications,
            "onboarding_checklist": dict(p.onboarding_checklist),
        }
        if p.tier is not None:
            r["tier"] = p.tier
        if p.country is not None:
            r["country"] = p.country
        if p.region is not None:
            r["region"] = p.region
        if p.joined_on is not None:
            r["joined_on"] = p.joined_on.isoformat()
        manager = p.managers.get(pm)
        if manager is not None:
            r["partner_manager_id"] = manager
        append(r)
    return out


def hand_file_import(path: Path) -> list[Partner]:
    with path.open(encoding="utf-8") as lines:
        return hand_import(json.loads(line) for line in lines)


def write_lines(path: Path, records: Iterable[dict[str, object]]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(r) + "\n" for r in records)
    return path


def timed(fn, arg, repeat):
    times = []
    result = None
    for _ in range(repeat):
        result = None
        gc.collect()
        gc.disable()
        start = time.perf_counter()
        result = fn(arg)
        times.append(time.perf_counter() - start)
        gc.enable()
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="records (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    args = parser.parse_args()
    records = make_records(args.n)

    hand_in, expected = timed(hand_import, records, args.repeat)
    ours_in, partners = timed(lambda rs: from_records(Partner, rs).entities, records, args.repeat)
    assert list(partners) == expected
    partners = list(partners)
    del expected

    hand_out, hand_records = timed(hand_export, partners, args.repeat)
    ours_out, our_records = timed(to_records, partners, args.repeat)
    assert our_records == hand_records
    del hand_records, our_records

    sf_records = [to_record(p, profile=SALESFORCE) for p in partners]
    sf_in, _ = timed(
        lambda rs: from_records(Partner, rs, profile=SALESFORCE).entities, sf_records, args.repeat
    )
    sf_out, _ = timed(lambda ps: to_records(ps, profile=SALESFORCE), partners, args.repeat)

    with tempfile.TemporaryDirectory() as folder:
        generic_file = write_lines(Path(folder) / "generic.jsonl", records)
        sf_file = write_lines(Path(folder) / "salesforce.jsonl", sf_records)
        del sf_records
        hand_file, expected = timed(hand_file_import, generic_file, args.repeat)
        file_in, from_disk = timed(
            lambda f: from_file(Partner, f).entities, generic_file, args.repeat
        )
        assert list(from_disk) == expected
        del expected, from_disk
        dicts_in, _ = timed(
            lambda f: from_records(Partner, read_records(f)).entities, generic_file, args.repeat
        )
        sf_file_in, _ = timed(
            lambda f: from_file(Partner, f, profile=SALESFORCE).entities, sf_file, args.repeat
        )

    n = args.n
    print(f"{n:,} partner records, median of {args.repeat} runs")
    rows = [
        ("import: hand-written loop", hand_in, None),
        ("import: from_records (generic)", ours_in, ours_in / hand_in),
        ("import: from_records (salesforce)", sf_in, sf_in / hand_in),
        ("export: hand-written loop", hand_out, None),
        ("export: to_records (generic)", ours_out, ours_out / hand_out),
        ("export: to_records (salesforce)", sf_out, sf_out / hand_out),
        ("file: json.loads + hand-written loop", hand_file, None),
        ("file: from_file (generic)", file_in, file_in / hand_file),
        ("file: from_records(read_records())", dicts_in, dicts_in / hand_file),
        ("file: from_file (salesforce)", sf_file_in, sf_file_in / hand_file),
    ]
    for what, seconds, ratio in rows:
        per = seconds / n * 1e6
        shown = "" if ratio is None else f"  {ratio:.2f}x"
        print(f"  {what:<38} {seconds:8.3f} s  {per:6.2f} us/record{shown}")


if __name__ == "__main__":
    main()
