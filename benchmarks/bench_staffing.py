"""Time the staffing plan and forecast against a hand-written baseline, in one run.

The baseline is the spreadsheet a team would otherwise keep: one pass over the
partners counting weighted partners per lifecycle workload, then
``ceil(load / capacity)`` heads. ``EvolvingMatrix.plan`` does that and what makes it a
plan: segments by structure, band and triangle; each manager's load today; heads that
surely fit whole partners; funding per hire; every partner placed on a person
(keeping who fits, moving the rest) and the loads after the plan, with reasons.

The forecast runs the policy for 12 quarters from a 10,000-partner portfolio.

Run: ``python benchmarks/bench_staffing.py [--n 100000] [--managers 500]
[--forecast-n 10000] [--repeat 5]``
"""

import argparse
import math
import random
import statistics
import time
from datetime import date

from partnerdomain.model import (
    Capacity,
    Money,
    Partner,
    PartnerManager,
    PartnerStage,
    PartnerSuccessManager,
    PartnerType,
    Portfolio,
    Quarter,
    TeamRole,
)
from partnerdomain.policies import (
    STAFFING_CAPACITY,
    STAFFING_WEIGHTS,
    EvolvingMatrix,
    GrowthAssumptions,
    PerformanceBand,
    StaffingParameters,
)

QUARTER = Quarter(2026, 3)
STAGES = [
    (PartnerStage.PROSPECT, 3),
    (PartnerStage.RECRUITING, 3),
    (PartnerStage.ONBOARDING, 5),
    (PartnerStage.ENABLEMENT, 5),
    (PartnerStage.ACTIVE, 80),
    (PartnerStage.OFFBOARDING, 2),
    (PartnerStage.OFFBOARDED, 2),
]
TYPES = [
    (PartnerType.REFERRAL, 30),
    (PartnerType.RESELLER, 30),
    (PartnerType.VAR, 10),
    (PartnerType.MSP, 15),
    (PartnerType.ISV, 7),
    (PartnerType.SYSTEM_INTEGRATOR, 6),
    (PartnerType.STRATEGIC_ALLIANCE, 2),
]


def make_portfolio(
    n: int, managers: int, seed: int = 7, *, scattered: bool = False
) -> tuple[Portfolio, dict[str, str], dict[str, str]]:
    """A leadership-stage program, with bands and the performance triangle.

    The team's roles follow the triangle (recruiters, partner success managers for
    ramping, sponsors, partner account managers, channel support for the long tail) and
    each partner is assigned to someone of the role its work needs, round robin, so the
    plan keeps most assignments. ``scattered`` assigns partners to anyone instead (the
    stress case: most partners move).
    """
    rnd = random.Random(seed)
    shares = [
        (TeamRole.RECRUITER, 5),
        (TeamRole.PARTNER_SUCCESS_MANAGER, 10),
        (TeamRole.EXECUTIVE_SPONSOR, 5),
        (TeamRole.PARTNER_ACCOUNT_MANAGER, 60),
        (TeamRole.CHANNEL_SUPPORT, 20),
    ]
    team = []
    by_role: dict[TeamRole, list[str]] = {}
    for i in range(managers):
        role = (
            shares[i % len(shares)][0]
            if i < len(shares)
            else rnd.choices([r for r, _ in shares], [w for _, w in shares])[0]
        )
        mid = f"M-{i:04d}"
        if role is TeamRole.PARTNER_SUCCESS_MANAGER:
            team.append(PartnerSuccessManager(id=mid, name="Sam"))
        else:
            team.append(PartnerManager(id=mid, name="Dana", role=role))
        by_role.setdefault(role, []).append(mid)
    ids = [m.id for m in team]
    stages = [s for s, _ in STAGES]
    stage_weights = [w for _, w in STAGES]
    types = [t for t, _ in TYPES]
    type_weights = [w for _, w in TYPES]
    segments = ["aggressive_growth", "growth_potential", "limited_growth"]
    role_of_segment = {
        "aggressive_growth": TeamRole.EXECUTIVE_SPONSOR,
        "growth_potential": TeamRole.PARTNER_ACCOUNT_MANAGER,
        "limited_growth": TeamRole.CHANNEL_SUPPORT,
    }
    partners = []
    bands = {}
    triangle = {}
    turn = dict.fromkeys(by_role, 0)
    for i in range(n):
        pid = f"P-{i:07d}"
        stage = rnd.choices(stages, stage_weights)[0]
        segment = rnd.choices(segments, [5, 15, 80])[0]
        if stage in {PartnerStage.PROSPECT, PartnerStage.RECRUITING}:
            role = TeamRole.RECRUITER
        elif stage in {PartnerStage.ONBOARDING, PartnerStage.ENABLEMENT}:
            role = TeamRole.PARTNER_SUCCESS_MANAGER
        else:
            role = role_of_segment[segment]
        pool = by_role[role]
        turn[role] += 1
        manager = rnd.choice(ids) if scattered else pool[turn[role] % len(pool)]
        partners.append(
            Partner(
                id=pid,
                name="Acme",
                partner_type=rnd.choices(types, type_weights)[0],
                stage=stage,
                stage_since=date(2026, 1, 1),
                managers={role: manager},
            )
        )
        bands[pid] = rnd.choice(list(PerformanceBand)).value
        triangle[pid] = segment
    portfolio = Portfolio(as_of=date(2026, 9, 30), currency="EUR", partners=partners, managers=team)
    return portfolio, bands, triangle


def baseline(portfolio: Portfolio) -> dict[str, int]:
    """The spreadsheet: weighted partners per workload, divided by a PSM's capacity."""
    recruit = ramp = manage = 0.0
    weights = {t: float(w) for t, w in STAFFING_WEIGHTS.items()}
    for partner in portfolio.partners:
        stage = partner.stage
        weight = weights[partner.partner_type]
        if stage in {PartnerStage.PROSPECT, PartnerStage.RECRUITING, PartnerStage.CONTRACTING}:
            recruit += weight
        elif stage in {PartnerStage.ONBOARDING, PartnerStage.ENABLEMENT}:
            ramp += weight
        elif stage in {PartnerStage.ACTIVE, PartnerStage.OFFBOARDING}:
            manage += weight
    psm = STAFFING_CAPACITY[TeamRole.PARTNER_SUCCESS_MANAGER]
    return {
        "recruiter": math.ceil(recruit / STAFFING_CAPACITY[TeamRole.RECRUITER].recruit),
        "psm": math.ceil(max(ramp / psm.ramp, manage / psm.manage)),
    }


def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000, help="partners in the plan")
    parser.add_argument("--managers", type=int, default=500, help="people on the team")
    parser.add_argument("--forecast-n", type=int, default=10_000, help="partners to forecast")
    parser.add_argument("--quarters", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    # A mature program leans on its portal and inside support: capacities of that scale.
    params = StaffingParameters(
        cost={role: Money(110_000, "EUR") for role in TeamRole},
        revenue={kind: Money(45_000, "EUR") for kind in PartnerType},
        capacity={
            TeamRole.RECRUITER: Capacity(recruit=150),
            TeamRole.PARTNER_SUCCESS_MANAGER: Capacity(ramp=100, manage=200),
            TeamRole.EXECUTIVE_SPONSOR: Capacity(manage=100),
            TeamRole.PARTNER_ACCOUNT_MANAGER: Capacity(manage=150),
            TeamRole.CHANNEL_SUPPORT: Capacity(manage=1500),
        },
    )
    policy = EvolvingMatrix(parameters=params)

    for scattered in (False, True):
        portfolio, bands, triangle = make_portfolio(args.n, args.managers, scattered=scattered)
        base = median_seconds(lambda p=portfolio: baseline(p), args.repeat)

        def run(portfolio=portfolio, bands=bands, triangle=triangle):
            return policy.plan(portfolio, quarter=QUARTER, bands=bands, triangle=triangle)

        plan_time = median_seconds(run, args.repeat)
        plan = run()
        case = "scattered assignments (stress)" if scattered else "assigned by role"
        print(f"plan: {args.n:,} partners, {args.managers} managers, {case}")
        print(f"  structure {plan.structure}")
        print(f"  baseline (count and divide)  {base:8.3f} s")
        print(f"  EvolvingMatrix.plan          {plan_time:8.3f} s   ratio {plan_time / base:5.1f}x")
        print(
            f"  current {plan.current_headcount} -> recommended {plan.recommended_headcount} "
            f"({len(plan.hires)} hires, {len(plan.unfunded_hires)} unfunded, "
            f"{len(plan.moves):,} moves)"
        )

    small, _, _ = make_portfolio(args.forecast_n, max(5, args.managers // 10), seed=8)
    assumptions = GrowthAssumptions(
        recruits_per_quarter={PartnerType.RESELLER: 120, PartnerType.MSP: 60, PartnerType.ISV: 10},
        churn_per_quarter="0.03",
    )
    forecast_time = median_seconds(
        lambda: policy.forecast(small, assumptions, quarter=QUARTER, quarters=args.quarters),
        args.repeat,
    )
    forecast = policy.forecast(small, assumptions, quarter=QUARTER, quarters=args.quarters)
    print(f"forecast: {args.forecast_n:,} partners, {args.quarters} quarters")
    print(f"  EvolvingMatrix.forecast      {forecast_time:8.3f} s")
    print(
        f"  team {forecast.quarters[0].start.headcount} -> {forecast.end.headcount}, "
        f"{len(forecast.hires)} heads needed over the forecast"
    )


if __name__ == "__main__":
    main()
