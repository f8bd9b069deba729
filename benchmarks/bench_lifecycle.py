"""Benchmark: lifecycle moves, compiled tables against the engine and a hand-written check.

Moves N partners (default 100,000) from ``enablement`` to ``active`` ("activate"), in
one process, four ways:

1. the hand-written baseline: a dict lookup of (stage, event) and ``attrs.evolve``;
2. :func:`partnerdomain.lifecycle.advance` (compiled table, guards, the new frozen
   partner and its ``TransitionEvent``), without and with a rule set of one transition
   rule;
3. a bare python-statemachine step: one kept machine of a two-state chart with no
   callbacks, sent one event per partner (the engine's floor, with no entity);
4. a live lifecycle machine (``machine_for(partner).send("activate", at=...)``), on a
   sample: building the machine and the step, which is what a machine per call costs.

Also times :func:`allowed_events` per call. Partners come from a pool of at most 10,000
distinct objects, repeated to N. Prints the median of --repeat runs and the ratios.

Run: .venv/bin/python benchmarks/bench_lifecycle.py [--n 100000] [--repeat 5] [--sample 2000]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections.abc import Callable  # noqa: TC003 - used at run time by the annotations tool
from datetime import date

import attrs
from statemachine import State, StateChart

from partnerdomain import Partner, PartnerStage, PartnerType
from partnerdomain.lifecycle import advance, allowed_events, machine_for
from partnerdomain.rules import RuleSet, rule, veto

DAY = date(2026, 3, 2)

# The hand-written baseline: what one would write without a lifecycle library.
_ALLOWED = {
    (PartnerStage.PROSPECT, "recruit"): PartnerStage.RECRUITING,
    (PartnerStage.ENABLEMENT, "activate"): PartnerStage.ACTIVE,
    (PartnerStage.ACTIVE, "offboard"): PartnerStage.OFFBOARDING,
}


def baseline(partner: Partner, event: str, at: date) -> Partner:
    target = _ALLOWED.get((partner.stage, event))
    if target is None:
        msg = f"cannot {event} from {partner.stage}"
        raise ValueError(msg)
    return attrs.evolve(partner, stage=target, stage_since=at)


class Bare(StateChart):  # type: ignore[misc]
    allow_event_without_transition = False
    enablement = State(initial=True)
    active = State()
    toggle = enablement.to(active) | active.to(enablement)


@rule("no-moves-on-sunday", applies_to="transition")
def no_moves_on_sunday(proposal):
    return veto("no moves on Sundays") if proposal.at.isoweekday() == 7 else None


def pool(n: int) -> list[Partner]:
    distinct = [
        Partner(
            id=f"P-{i}",
            name=f"Partner {i}",
            partner_type=PartnerType.RESELLER,
            stage=PartnerStage.ENABLEMENT,
            stage_since=date(2026, 1, 1),
            languages=("en",),
            onboarding_checklist={"portal": True, "training": True},
        )
        for i in range(min(n, 10_000))
    ]
    return (distinct * (n // len(distinct) + 1))[:n]


def median_time(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cases(partners: list[Partner], sample: int) -> list[tuple[str, Callable[[], object], int]]:  # noqa: C901
    rules = RuleSet([no_moves_on_sunday])
    kept = Bare()

    def run_baseline() -> None:
        for p in partners:
            baseline(p, "activate", DAY)

    def run_advance() -> None:
        for p in partners:
            advance(p, "activate", at=DAY)

    def run_advance_rules() -> None:
        for p in partners:
            advance(p, "activate", at=DAY, rules=rules)

    def run_bare_engine() -> None:
        send = kept.send
        for _ in partners:
            send("toggle")

    def run_live_machine() -> None:
        for p in partners[:sample]:
            machine_for(p).send("activate", at=DAY)

    n = len(partners)
    return [
        ("hand-written dict check + attrs.evolve (baseline)", run_baseline, n),
        ("advance(partner, 'activate', at=...)", run_advance, n),
        ("advance(..., rules=RuleSet([one transition rule]))", run_advance_rules, n),
        ("bare python-statemachine step on a kept machine", run_bare_engine, n),
        ("machine_for(partner).send('activate', at=...)", run_live_machine, sample),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sample", type=int, default=2_000)
    args = parser.parse_args()
    n, repeat, sample = args.n, args.repeat, min(args.sample, args.n)
    partners = pool(n)
    assert advance(partners[0], "activate", at=DAY).entity == baseline(partners[0], "activate", DAY)
    print(f"Python {platform.python_version()} on {platform.machine()}, n={n}, repeat={repeat}")
    base = None
    for label, run, count in cases(partners, sample):
        seconds = median_time(run, repeat)
        per_call = seconds / count * 1e6
        if base is None:
            base = per_call
        total = per_call * n / 1e6
        print(
            f"{label:55s} {per_call:8.2f} us/move  {total:7.3f} s per {n:,}  "
            f"{per_call / base:6.2f}x"
        )
    seconds = median_time(lambda: [allowed_events(p) for p in partners], repeat)
    print(f"{'allowed_events(partner)':55s} {seconds / n * 1e9:8.0f} ns/call")


if __name__ == "__main__":
    main()
