"""The quarterly review from CRM-shaped files, against a plain hand-written script.

Writes (once, cached in ``--workdir``) a demo program of ``--partners`` partners and
about ten deals each as Salesforce-shaped JSON Lines (partners, managers, account
executives, opportunities), then runs, each in a fresh interpreter so that wall time
and peak memory (max RSS) are its own, alternately ``--repeat`` times:

* **baseline**: a plain script that reads the same files with ``json.loads``, sums
  each partner's partner-sourced won revenue over the four quarters, bands partners
  15 / 70 / 15 with ``sorted()`` and counts partners per manager;
* **same work**: the library doing what the script does, no more: the files read and
  validated into a portfolio, then ``RelativeBands`` for the quarter (the same sums
  and the same 15 / 70 / 15 banding, with every partner's reasons available);
* **library**: ``partnerdomain review FILES --profile salesforce --format json`` as the
  library does it: every record read and validated (``partnerdomain.records``), the
  portfolio checked, then the whole review (bands for four quarters, triangle, tiers,
  engagement and hours, staffing plan, program measures, risks) and its JSON, one
  row per partner included, streamed compact to a file as the command line writes
  large reviews, with the cyclic garbage collector paused for the run as the command
  line pauses it.

    .venv/bin/python benchmarks/bench_review.py                    # 100,000 partners
    .venv/bin/python benchmarks/bench_review.py --partners 5000    # a quick run
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from partnerdomain.model import Portfolio

KINDS = ("partners", "managers", "account_executives", "opportunities")
QUARTER = "2026Q3"
AS_OF = "2026-09-30"


def generate(folder: Path, partners: int) -> None:
    # Imported here so that the baseline's process never loads the library.
    from partnerdomain.demo import DemoSpec, generate_portfolio, write_portfolio  # noqa: PLC0415

    spec = DemoSpec(
        partners=partners, managers=max(10, partners // 30), seed=7, deals_per_partner=2.07
    )
    marker = folder / f"done-{partners}"
    # Files from another spec (an older version of this script) are made again.
    if marker.exists() and json.loads(marker.read_text()).get("spec") == repr(spec):
        return
    started = time.perf_counter()
    portfolio = generate_portfolio(spec)
    write_portfolio(portfolio, folder, profile="salesforce", kinds=KINDS)
    marker.write_text(
        json.dumps(
            {
                "partners": len(portfolio.partners),
                "opportunities": len(portfolio.opportunities),
                "spec": repr(spec),
            }
        )
    )
    print(f"generated in {time.perf_counter() - started:.0f} s", file=sys.stderr)


# -- the plain script ------------------------------------------------------------------------


def baseline(folder: Path) -> dict[str, object]:
    """Read the files, aggregate revenue per partner, band 15/70/15, count per manager."""
    window = ("2025-10-01", "2026-09-30")  # the four quarters ending 2026Q3
    in_program = {"Active", "Enablement", "Onboarding", "Offboarding"}
    revenue: dict[str, float] = {}
    owner: dict[str, str] = {}
    with (folder / "partners.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["Partner_Stage__c"] in in_program:
                revenue[record["Id"]] = 0.0
                if record.get("OwnerId"):
                    owner[record["Id"]] = record["OwnerId"]
    with (folder / "opportunities.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if (
                record["StageName"] != "Closed Won"
                or record.get("Deal_Source__c") != "Partner Sourced"
            ):
                continue
            day = record.get("CloseDate") or record["Stage_Since__c"]
            pid = record.get("PartnerAccountId")
            if pid in revenue and window[0] <= day <= window[1]:
                revenue[pid] += float(record["Amount"])
    ranked = sorted(revenue.items(), key=lambda item: item[1], reverse=True)
    n = len(ranked)
    top, bottom = round(n * 0.15), round(n * 0.15)
    bands = {"top": top, "middle": n - top - bottom, "bottom": bottom}
    per_manager: dict[str, int] = {}
    for manager in owner.values():
        per_manager[manager] = per_manager.get(manager, 0) + 1
    return {"bands": bands, "managers": len(per_manager), "revenue": sum(revenue.values())}


def library(folder: Path) -> dict[str, object]:
    """Run the review as the command line does, timing its steps."""
    from partnerdomain.model._bulk import collector_paused  # noqa: PLC0415 - see generate()

    # As the command line does: the cyclic collector waits for the whole run, and
    # resumes once the portfolio and the review are gone (returned from _steps).
    with collector_paused():
        return _steps(folder)


def same_work(folder: Path) -> dict[str, object]:
    """Load the portfolio and band it for the quarter: the script's work, in the library."""
    from partnerdomain.model import Quarter  # noqa: PLC0415 - see generate()
    from partnerdomain.model._bulk import collector_paused  # noqa: PLC0415
    from partnerdomain.policies import RelativeBands  # noqa: PLC0415

    with collector_paused():
        started = time.perf_counter()
        portfolio = _load(folder)
        loaded = time.perf_counter()
        bands = RelativeBands().assess(portfolio, Quarter.parse(QUARTER))
        banded = time.perf_counter()
        counts = {band.value: n for band, n in bands.counts.items()}
        del portfolio, bands
    return {"load": loaded - started, "bands": banded - loaded, "counts": counts}


def _load(folder: Path) -> Portfolio:
    """Read and validate the four files into a portfolio, as the command line does."""
    from partnerdomain.model import Quarter  # noqa: PLC0415 - see generate()
    from partnerdomain.records import load_portfolio  # noqa: PLC0415

    return load_portfolio(
        as_of=Quarter.parse(QUARTER).last_day,
        currency="EUR",
        profile="salesforce",
        **{kind: folder / f"{kind}.jsonl" for kind in KINDS},
    )


def _steps(folder: Path) -> dict[str, object]:
    from partnerdomain.model import Quarter  # noqa: PLC0415 - see generate()
    from partnerdomain.review import quarterly_review, write_json  # noqa: PLC0415

    started = time.perf_counter()
    portfolio = _load(folder)
    loaded = time.perf_counter()
    review = quarterly_review(portfolio, Quarter.parse(QUARTER))
    reviewed = time.perf_counter()
    output = folder / "review.json"
    with output.open("w", encoding="utf-8") as stream:  # streamed, as the command line does
        write_json(review, stream, indent=None)
    rendered = time.perf_counter()
    return {
        "load": loaded - started,
        "review": reviewed - loaded,
        "render": rendered - reviewed,
        "bands": {band.value: n for band, n in review.bands.counts.items()},
        "json_bytes": output.stat().st_size,
        "opportunities": len(portfolio.opportunities),
    }


def phase(name: str, folder: Path) -> None:
    started = time.perf_counter()
    run = {"baseline": baseline, "same_work": same_work, "library": library}[name]
    result = run(folder)
    result["wall"] = time.perf_counter() - started
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def run_phase(name: str, folder: Path) -> dict[str, object]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--workdir", str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    result["process"] = time.perf_counter() - started
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "partnerdomain-bench-review"
    )
    parser.add_argument("--phase", choices=("baseline", "same_work", "library"))
    args = parser.parse_args()
    folder = args.workdir if args.phase else args.workdir / str(args.partners)
    if args.phase:
        phase(args.phase, folder)
        return
    folder.mkdir(parents=True, exist_ok=True)
    generate(folder, args.partners)
    sizes = json.loads((folder / f"done-{args.partners}").read_text())
    megabytes = sum((folder / f"{k}.jsonl").stat().st_size for k in KINDS) / 1e6
    print(
        f"{sizes['partners']:,} partners, {sizes['opportunities']:,} opportunities, "
        f"{megabytes:.0f} MB of Salesforce-shaped JSON Lines; median of {args.repeat}"
    )
    runs: dict[str, list[dict[str, object]]] = {"baseline": [], "same_work": [], "library": []}
    for _ in range(args.repeat):
        for name, results in runs.items():
            results.append(run_phase(name, folder))

    def median(name: str, key: str) -> float:
        return statistics.median(float(r[key]) for r in runs[name])  # type: ignore[arg-type]

    base, ours = median("baseline", "wall"), median("library", "wall")
    print(f"{'case':52} {'wall s':>8} {'peak MB':>8} {'ratio':>7}")
    print(
        f"{'plain script: json.loads, sum, sorted(), count':52} {base:8.2f} "
        f"{median('baseline', 'max_rss_mb'):8.0f} {1:7.2f}"
    )
    same = median("same_work", "wall")
    print(
        f"{'same work: load + RelativeBands':52} {same:8.2f} "
        f"{median('same_work', 'max_rss_mb'):8.0f} {same / base:7.2f}"
    )
    for step in ("load", "bands"):
        value = median("same_work", step)
        print(f"{'  of which ' + step:52} {value:8.2f} {'':8} {value / base:7.2f}")
    print(
        f"{'library: load + review + JSON':52} {ours:8.2f} "
        f"{median('library', 'max_rss_mb'):8.0f} {ours / base:7.2f}"
    )
    for step in ("load", "review", "render"):
        value = median("library", step)
        print(f"{'  of which ' + step:52} {value:8.2f} {'':8} {value / base:7.2f}")
    print(
        f"bands: baseline {runs['baseline'][0]['bands']}, "
        f"same work {runs['same_work'][0]['counts']}, library {runs['library'][0]['bands']}"
    )


if __name__ == "__main__":
    main()
