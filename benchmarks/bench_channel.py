"""Time lead distribution and registration review against hand-written baselines.

* distribution: ``LeadDistributionPolicy.distribute`` (eligibility with reasons, exact
  integer draw, per-lead seeded generator, ledger entries) against a bare loop that
  filters eligible partners and calls ``random.choices`` with float weights (no
  reasons, no ledger, no capacity);
* registrations: ``RegistrationPolicy.review`` against a bare loop that keeps the
  first registration per normalised domain within the window.

Each figure is the median of several runs in this process.

Run: ``python benchmarks/bench_channel.py [--leads 20000] [--partners 200] [--runs 5]``
"""

import argparse
import random
import statistics
import time
from datetime import date, timedelta

from partnerdomain import (
    DealSource,
    Money,
    Opportunity,
    OpportunityStage,
    Partner,
    PartnerStage,
    PartnerType,
)
from partnerdomain.channel import (
    Lead,
    LeadDistributionPolicy,
    RegistrationPolicy,
    TierWeights,
    normalise_domain,
)

REGIONS = ["DACH", "NORDICS", "UKI", "FRANCE"]
TIERS = {"Gold": 3, "Silver": 2, "Registered": 1}


def build(leads: int, partners: int):
    rnd = random.Random(1)
    pool = [
        Partner(
            id=f"P{i:05d}",
            name=f"P{i}",
            partner_type=rnd.choice([PartnerType.MSP, PartnerType.VAR]),
            stage=PartnerStage.ACTIVE,
            stage_since=date(2025, 1, 1),
            tier=rnd.choice(list(TIERS)),
            region=rnd.choice(REGIONS),
            languages=["en"],
        )
        for i in range(partners)
    ]
    batch = [
        Lead(id=f"L{i:07d}", received_on=date(2026, 4, 1), region=rnd.choice(REGIONS))
        for i in range(leads)
    ]
    regs = [
        Opportunity(
            id=f"O{i:07d}",
            source=DealSource.PARTNER_SOURCED,
            amount=Money(1000, "EUR"),
            stage=OpportunityStage.REGISTERED,
            stage_since=date(2026, 1, 1),
            registered_on=date(2026, 1, 1) + timedelta(days=rnd.randrange(365)),
            partner_id=rnd.choice(pool).id,
            account_domain=f"https://www.customer{rnd.randrange(leads // 3 + 1)}.com/",
        )
        for i in range(leads)
    ]
    return pool, batch, regs


def baseline_distribute(batch, pool):
    rng = random.Random(7)
    out = {}
    for lead in batch:
        eligible = [p for p in pool if p.region == lead.region and p.stage is PartnerStage.ACTIVE]
        if eligible:
            out[lead.id] = rng.choices(eligible, weights=[float(TIERS[p.tier]) for p in eligible])[
                0
            ].id
    return out


def baseline_review(regs, days=90):
    holders = {}
    losers = []
    for opp in sorted(regs, key=lambda o: (o.registered_on, o.id)):
        key = normalise_domain(opp.account_domain)
        held = holders.get(key)
        if held is not None and (opp.registered_on - held.registered_on).days < days:
            losers.append(opp.id)
        else:
            holders[key] = opp
    return losers


def median(fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=20000)
    parser.add_argument("--partners", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    pool, batch, regs = build(args.leads, args.partners)
    policy = LeadDistributionPolicy(weighting=TierWeights(TIERS))
    ours = median(lambda: policy.distribute(batch, pool, on=date(2026, 4, 2), seed=7), args.runs)
    base = median(lambda: baseline_distribute(batch, pool), args.runs)
    print(f"distribute {args.leads} leads over {args.partners} partners:")
    print(
        f"  partnerdomain {ours * 1000:9.1f} ms   baseline {base * 1000:9.1f} ms"
        f"   ratio {ours / base:5.2f}x"
    )
    reg = RegistrationPolicy()
    ours = median(lambda: reg.review(regs), args.runs)
    base = median(lambda: baseline_review(regs), args.runs)
    assert len(baseline_review(regs)) == len(reg.review(regs).losers)
    print(f"review {args.leads} registrations:")
    print(
        f"  partnerdomain {ours * 1000:9.1f} ms   baseline {base * 1000:9.1f} ms"
        f"   ratio {ours / base:5.2f}x"
    )


if __name__ == "__main__":
    main()
