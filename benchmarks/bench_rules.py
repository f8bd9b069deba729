"""Benchmark: a declarative rule against an equivalent hand-written lambda.

The rule ``revenue > 100000 and partner_type == "reseller"`` is evaluated over N partners
(default 1,000,000) four ways, in one process:

1. the hand-written baseline
   ``lambda p, c: c["revenue"] > 100000 and p.partner_type == "reseller"``;
2. the declarative condition compiled to closures (what ``RuleSet.evaluate`` runs), and
   the same through the public ``Condition.__call__``;
3. the whole ``RuleSet.evaluate`` path, with the declarative rule and with an equivalent
   ``@rule`` Python function (the engine's own overhead is the same for both);
4. rule-engine's own evaluation (``rule_engine.Rule.matches``), on a sample.

Partners and contexts are drawn from a pool of distinct objects (at most 10,000) and
repeated to N, so the benchmark measures evaluation, not object construction. Prints the
median of --repeat runs and the ratio to the lambda.

Run: .venv/bin/python benchmarks/bench_rules.py [--n 1000000] [--repeat 5] [--sample 100000]
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import time
from datetime import date

import rule_engine

from partnerdomain import Partner, PartnerStage, PartnerType
from partnerdomain.rules import FactKind, RuleSet, override, parse_condition, parse_rules, rule

EXPRESSION = 'revenue > 100000 and partner_type == "reseller"'
RULES = f"""
[[rules]]
id = "big-reseller-is-top"
applies_to = "partner"
when = '{EXPRESSION}'
override = {{ target = "band", value = "top", reason = "big resellers are top performers" }}
"""


def pool(n: int, seed: int = 7) -> tuple[list[Partner], list[dict[str, object]]]:
    rng = random.Random(seed)
    distinct = min(n, 10_000)
    types = list(PartnerType)
    base_partners = [
        Partner(
            id=f"P-{i}",
            name=f"Partner {i}",
            partner_type=rng.choice(types),
            stage=PartnerStage.ACTIVE,
            stage_since=date(2026, 1, 1),
        )
        for i in range(distinct)
    ]
    base_contexts: list[dict[str, object]] = [
        {"revenue": rng.randrange(0, 300_000)} for _ in range(distinct)
    ]
    partners = [base_partners[i % distinct] for i in range(n)]
    contexts = [base_contexts[i % distinct] for i in range(n)]
    return partners, contexts


def timed(repeat: int, run) -> tuple[float, object]:
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def count_matches(test, partners, contexts) -> int:
    hits = 0
    for p, c in zip(partners, contexts, strict=True):
        if test(p, c):
            hits += 1
    return hits


def count_overrides(rules: RuleSet, partners, contexts) -> int:
    hits = 0
    evaluate = rules.evaluate
    for p, c in zip(partners, contexts, strict=True):
        if evaluate(p, context=c).overrides:
            hits += 1
    return hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="partners (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement")
    parser.add_argument(
        "--sample", type=int, default=100_000, help="partners for rule-engine's own evaluation"
    )
    args = parser.parse_args()
    partners, contexts = pool(args.n)

    baseline = lambda p, c: c["revenue"] > 100000 and p.partner_type == "reseller"  # noqa: E731
    condition = parse_condition(EXPRESSION, applies_to="partner")
    closure = condition.test  # the compiled predicate, as the rule set runs it
    declarative = parse_rules(RULES)

    @rule("big-reseller-is-top", applies_to=FactKind.PARTNER)
    def python_rule(partner, context):
        if context["revenue"] > 100000 and partner.partner_type == "reseller":
            return override("band", "top", reason="big resellers are top performers")
        return None

    hand_written = RuleSet([python_rule])

    n = args.n
    print(f"N = {n:,} partners, median of {args.repeat} runs")
    print(f"python {platform.python_version()} on {platform.machine()} ({platform.system()})")
    t_lambda, hits = timed(args.repeat, lambda: count_matches(baseline, partners, contexts))
    rows = [("hand-written lambda (baseline)", t_lambda, n, hits)]
    t, h = timed(args.repeat, lambda: count_matches(closure, partners, contexts))
    rows.append(("declarative, Condition.test (closures)", t, n, h))
    t, h = timed(args.repeat, lambda: count_matches(condition, partners, contexts))
    rows.append(("declarative, Condition.__call__", t, n, h))
    t_full_py, h = timed(args.repeat, lambda: count_overrides(hand_written, partners, contexts))
    rows.append(("RuleSet.evaluate, @rule function", t_full_py, n, h))
    t_full_decl, h = timed(args.repeat, lambda: count_overrides(declarative, partners, contexts))
    rows.append(("RuleSet.evaluate, declarative rule", t_full_decl, n, h))

    sample = min(args.sample, n)
    d = rule_engine.DataType
    context = rule_engine.Context(
        type_resolver=rule_engine.type_resolver_from_dict(
            {"revenue": d.FLOAT, "partner_type": d.STRING}
        )
    )
    engine_rule = rule_engine.Rule(EXPRESSION, context=context)
    things = [
        {"revenue": c["revenue"], "partner_type": p.partner_type.value}
        for p, c in zip(partners[:sample], contexts[:sample], strict=True)
    ]
    t_engine, h = timed(max(1, args.repeat // 2), lambda: sum(map(engine_rule.matches, things)))
    t_lambda_sample = t_lambda * sample / n

    print()
    print(f"{'way':40} {'median s':>10} {'ns/partner':>11} {'x lambda':>9} {'matches':>9}")
    for name, seconds, count, matched in rows:
        per = seconds / count * 1e9
        ratio = seconds / t_lambda
        print(f"{name:40} {seconds:10.3f} {per:11.0f} {ratio:9.2f} {matched:9,}")
    per = t_engine / sample * 1e9
    print(
        f"{'rule-engine Rule.matches (sample)':40} {t_engine:10.3f} {per:11.0f} "
        f"{t_engine / t_lambda_sample:9.2f} {h:9,}  (N = {sample:,}; facts prebuilt as dicts)"
    )
    print()
    print(
        f"whole evaluate path: declarative / @rule = {t_full_decl / t_full_py:.2f} "
        "(the engine's overhead is shared)"
    )


if __name__ == "__main__":
    main()
