"""Time partner bets (RelativeBands) against a bare ``sorted()`` ranking, in one run.

The baseline is the least any ranking must do: ``sorted(values.items(),
key=itemgetter(1), reverse=True)`` over the same ``{partner_id: Decimal}`` mapping.
``RelativeBands.band`` does that work plus what makes it a policy: it validates every
value, sets ramping partners aside by join date, orders ties by id, computes
competition ranks, cuts the bands without splitting ties, and keeps what each
partner's reasons need (built on request, see ``Bands.placement``).

Figures printed: median seconds of each case and the ratio to the baseline; also the
cost of building every reason of the bottom band, and the cost per partner of
building every placement with its reasons.

Run: ``python benchmarks/bench_bands.py [--n 1000000] [--repeat 5]``
"""

import argparse
import random
import statistics
import time
from datetime import date, timedelta
from decimal import Decimal
from operator import itemgetter

from partnerdomain.model import Quarter
from partnerdomain.policies import PerformanceBand, RelativeBands

QUARTER = Quarter(2026, 3)


def make_inputs(n: int, seed: int = 6) -> tuple[dict[str, Decimal], dict[str, date]]:
    """Pareto-shaped revenue (30% of partners sold nothing) and join dates (5% new)."""
    rnd = random.Random(seed)
    values = {}
    joined = {}
    for i in range(n):
        pid = f"P-{i:07d}"
        sold = rnd.random() > 0.3
        values[pid] = Decimal(int(rnd.paretovariate(1.16) * 1000)) if sold else Decimal(0)
        new = rnd.random() < 0.05
        joined[pid] = (
            date(2026, 4, 1) + timedelta(days=rnd.randint(0, 150))
            if new
            else (date(2022, 1, 1) + timedelta(days=rnd.randint(0, 1000)))
        )
    return values, joined


def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000, help="partners (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per case (default 5)")
    args = parser.parse_args()
    values, joined = make_inputs(args.n)
    policy = RelativeBands()

    baseline = median_seconds(
        lambda: sorted(values.items(), key=itemgetter(1), reverse=True), args.repeat
    )
    bands_only = median_seconds(lambda: policy.band(values, QUARTER), args.repeat)
    bands_graced = median_seconds(
        lambda: policy.band(values, QUARTER, joined_on=joined), args.repeat
    )
    bands = policy.band(values, QUARTER, joined_on=joined)

    def bottom_reasons():
        bands_ = policy.band(values, QUARTER, joined_on=joined)
        return [bands_.placement(p) for p in bands_.members(PerformanceBand.BOTTOM)]

    with_bottom = median_seconds(bottom_reasons, args.repeat)
    sample = bands.partner_ids[: min(20_000, len(bands.partner_ids))]
    bands.placement(sample[0])  # the first lookup builds the id -> position index once
    start = time.perf_counter()
    for pid in sample:
        bands.placement(pid)
    per_placement = (time.perf_counter() - start) / max(len(sample), 1)

    print(f"partners: {args.n:,}  (runs per case: {args.repeat}, medians)")
    print(f"counts: { {b.value: c for b, c in bands.counts.items()} }")
    print(f"concentration (top band's share of revenue): {float(bands.concentration or 0):.3f}")
    rows = [
        ("baseline: sorted(values.items(), key=itemgetter(1))", baseline),
        ("RelativeBands.band(values)", bands_only),
        ("RelativeBands.band(values, joined_on=...) (grace period)", bands_graced),
        ("... plus every bottom partner's placement and reasons", with_bottom),
    ]
    for name, seconds in rows:
        print(f"{name:<62} {seconds:8.3f} s   x{seconds / baseline:5.2f}")
    print(
        f"one placement with its reasons, built on request: {per_placement * 1e6:.1f} us "
        f"(every partner: {per_placement * args.n:.1f} s)"
    )


if __name__ == "__main__":
    main()
