"""The quarterly partner review: every policy and rule applied to one portfolio."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from operator import attrgetter
from typing import TYPE_CHECKING, cast

import attrs

from partnerdomain.exceptions import RuleError, ValidationError
from partnerdomain.metrics import ProgramMetrics, program_metrics
from partnerdomain.model import Capacity, FrozenMap, OpportunityStage, Portfolio, Quarter
from partnerdomain.model._portfolio import derived
from partnerdomain.policies import (
    Allocation,
    Bands,
    EngagementAllocation,
    EngagementLevel,
    OffboardingRecommendation,
    PerformanceBand,
    Reason,
    StaffingParameters,
    StaffingPlan,
    Tiers,
    Triangle,
)
from partnerdomain.review._policies import ReviewPolicies, default_staffing
from partnerdomain.review._risks import POLICY, Risk, RiskKind, find_risks
from partnerdomain.rules import Decision, RuleSet, Severity

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from partnerdomain.model import Partner
    from partnerdomain.policies import AllocationPolicy, StaffingPolicy
    from partnerdomain.rules import Evaluation

__all__ = [
    "Concentration",
    "ManagerSummary",
    "Review",
    "quarterly_review",
]

_ZERO = Decimal(0)
_DECILES = tuple(Decimal(i) / 10 for i in range(11))


@attrs.frozen(kw_only=True)
class Concentration:
    """How revenue is spread over partners: the share of revenue the top partners bring.

    ``points`` run from ``(0, 0)`` to ``(1, 1)``: the first number is a share of the
    assessed partners, best first; the second the share of revenue they bring. A
    program where the top 20 % bring 80 % has the point ``(0.2, 0.8)``. Without any
    revenue there is nothing to share out, and no points.

    Attributes:
        partners: How many partners are counted.
        total: Their revenue (the banding metric, in the portfolio's currency).
        points: The curve at every tenth of the partners.
    """

    partners: int
    total: Decimal
    points: tuple[tuple[Decimal, Decimal], ...]

    def share_of_revenue(self, share_of_partners: Decimal) -> Decimal:
        """Return the revenue share of the top ``share_of_partners``, read off the curve.

        Between two points of the curve the share is interpolated linearly; without
        any revenue (no points) it is 0.
        """
        if not self.points:
            return _ZERO
        share = min(max(Decimal(share_of_partners), _ZERO), Decimal(1))
        for (x0, y0), (x1, y1) in zip(self.points, self.points[1:], strict=False):
            if share <= x1:
                return y0 + (y1 - y0) * (share - x0) / (x1 - x0)
        return self.points[-1][1]


def _decimal(value: Decimal | float) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _concentration(values: Iterable[Decimal]) -> Concentration:
    ordered = sorted(values, reverse=True)
    total = sum(ordered, _ZERO)
    n = len(ordered)
    points: list[tuple[Decimal, Decimal]] = []
    if not total:  # no revenue: no share of it to draw
        return Concentration(partners=n, total=total, points=())
    running = _ZERO
    taken = 0
    for decile in _DECILES:
        upto = round(decile * n)
        while taken < upto:
            running += ordered[taken]
            taken += 1
        points.append((decile, running / total))
    return Concentration(partners=n, total=total, points=tuple(points))


@attrs.frozen(kw_only=True)
class ManagerSummary:
    """One member of the partner team this quarter: partners, engagement, hours, load.

    Attributes:
        manager_id: The person's id.
        name: Their name.
        role: Their role (a :class:`~partnerdomain.model.TeamRole` value).
        partners: How many partners they have hours with this quarter.
        engagement: Their partners per engagement level.
        available_hours: Their hours this quarter.
        allocated_hours: The hours the allocation gave their partners (never more).
        utilisation: Their load against a year's capacity, per workload (empty when the
            review has no staffing plan).
        overloaded: Whether they are over capacity in any workload.
    """

    manager_id: str
    name: str
    role: str
    partners: int
    engagement: FrozenMap[EngagementLevel, int]
    available_hours: Decimal
    allocated_hours: Decimal
    utilisation: FrozenMap[str, Decimal]
    overloaded: bool


@attrs.frozen(kw_only=True, eq=False)
class Review:
    """The quarterly partner review: where each partner stands, where time goes, what to fix.

    Everything is computed by :func:`quarterly_review`; each part keeps the reasons of
    the policy or rule that produced it. The same portfolio, quarter, policies and
    rules always give the same review: compare two reviews by their documents
    (:func:`render_json`), since the policies' results compare by identity.

    Attributes:
        quarter: The quarter reviewed.
        as_of: The portfolio's day.
        currency: The portfolio's reporting currency.
        portfolio: The portfolio reviewed.
        bands: Top, middle, bottom and ramping partners.
        triangle: The performance triangle (``None`` if the policies have none).
        tiers: Program tiers with progress to the next (``None`` without tiers).
        offboarding: Perpetual poor performers, with each quarter's evidence.
        allocation: Engagement levels, new assignments and hours per partner.
        managers: Each member of the partner team this quarter.
        staffing: The staffing plan.
        metrics: The program's measures with the change from the quarter before.
        concentration: How revenue is spread over partners.
        risks: What to look at, most severe first.
        recommendations: What the organisation's rules recommend, in rule order.
        rule_errors: Every rule that failed, from every policy and check.
        notes: How the review was made where a default stood in for a choice.
    """

    quarter: Quarter
    as_of: date
    currency: str
    portfolio: Portfolio = attrs.field(repr=False)
    bands: Bands
    triangle: Triangle | None
    tiers: Tiers | None
    offboarding: tuple[OffboardingRecommendation, ...]
    allocation: Allocation
    managers: tuple[ManagerSummary, ...]
    staffing: StaffingPlan | None
    metrics: ProgramMetrics
    concentration: Concentration
    risks: tuple[Risk, ...]
    recommendations: tuple[Decision, ...]
    rule_errors: tuple[Exception, ...]
    notes: tuple[str, ...] = ()

    @property
    def partners(self) -> int:
        """How many partners the portfolio holds."""
        return len(self.portfolio.partners)

    def risks_of(self, kind: RiskKind) -> tuple[Risk, ...]:
        """Return the risks of one kind, in review order."""
        return tuple(r for r in self.risks if r.kind is kind)

    @property
    def risk_counts(self) -> FrozenMap[Severity, int]:
        """How many risks of each severity, most severe first (zeros included)."""
        counts = dict.fromkeys((Severity.ERROR, Severity.WARNING, Severity.INFO), 0)
        for risk in self.risks:
            counts[risk.severity] += 1
        return FrozenMap(counts)

    def worst_severity(self) -> Severity | None:
        """The most severe risk's severity, or ``None`` without risks."""
        return self.risks[0].severity if self.risks else None


def _check(portfolio: object, quarter: object, policies: object, rules: object) -> None:
    if not isinstance(portfolio, Portfolio):
        raise ValidationError("quarterly_review", "portfolio", portfolio, "a Portfolio")
    if not isinstance(quarter, Quarter):
        raise ValidationError("quarterly_review", "quarter", quarter, "a Quarter")
    if policies is not None and not isinstance(policies, ReviewPolicies):
        raise ValidationError("quarterly_review", "policies", policies, "ReviewPolicies or None")
    if rules is not None and not isinstance(rules, RuleSet):
        raise ValidationError("quarterly_review", "rules", rules, "a RuleSet or None")


def quarterly_review(
    portfolio: Portfolio,
    quarter: Quarter,
    *,
    policies: ReviewPolicies | None = None,
    rules: RuleSet | None = None,
) -> Review:
    """Review a partner program for one quarter.

    Applies, in order: the performance bands of this quarter and of the quarters the
    perpetual-poor-performer policy looks back on, the performance triangle, the
    program tiers, the engagement allocation (levels, new assignments, hours) and the
    staffing plan; then measures the program and looks for risks. The organisation's
    ``rules`` may override each policy's answer (the override is the last reason), and
    are evaluated once more on every partner (with its band, segment, tier, engagement
    and revenue in the context), every open deal and the portfolio, for flags and
    recommendations. A failing rule is kept in :attr:`Review.rule_errors` and reported
    as a risk; it never stops the review.

    Args:
        portfolio: The program's snapshot.
        quarter: The quarter to review (usually the one holding ``portfolio.as_of``).
        policies: The policies; :class:`ReviewPolicies` defaults when omitted.
        rules: The organisation's rules, if any.

    Returns:
        The review.

    Raises:
        ValidationError: If an argument is not what it should be, or a policy refuses
            its input.
    """
    _check(portfolio, quarter, policies, rules)
    policies = policies or ReviewPolicies()
    active_rules = rules if rules is not None and len(rules) else None
    notes: list[str] = _snapshot_notes(portfolio, quarter)

    # Each policy's rule pass sees what the review knows of a partner so far (its
    # revenue, then its band, segment and tier), as the final pass does.
    known = _known_to_rules(active_rules, policies, portfolio, quarter)
    bands = policies.bands.assess(portfolio, quarter, rules=known)
    history = [
        policies.bands.assess(
            portfolio,
            quarter.shift(-k),
            rules=_known_to_rules(active_rules, policies, portfolio, quarter.shift(-k)),
        )
        for k in range(policies.perpetual.quarters - 1, 0, -1)
    ]
    offboarding = policies.perpetual.find([*history, bands])
    if known is not None:
        known.add("band", lambda pid: str(bands.band_of(pid)) if pid in bands else None)
    staffing_policy, staffing_note = (
        (policies.staffing, None)
        if policies.staffing is not None
        else default_staffing(portfolio, quarter)
    )
    triangle = (
        None
        if policies.triangle is None
        or _too_small_for_triangle(policies, staffing_policy, bands, notes, rules=known)
        else policies.triangle.assess(portfolio, quarter, rules=known)
    )
    if known is not None and triangle is not None:
        assessed = triangle
        known.add(
            "triangle", lambda pid: str(assessed.segment_of(pid)) if pid in assessed else None
        )
    tiers = (
        None if policies.tiers is None else policies.tiers.assess(portfolio, quarter, rules=known)
    )
    if known is not None and tiers is not None:
        tiered = tiers
        known.add("tier", lambda pid: tiered.tier_of(pid) if pid in tiered else None)
    allocation = _with_staffing_capacity(policies.allocation, staffing_policy).allocate(
        portfolio,
        quarter,
        bands=bands,
        triangle=triangle,
        offboarding=offboarding,
        available_hours=dict(policies.available_hours),
        rules=known,
    )
    if len(bands) and not bands.total:
        notes.append(
            f"No assessed partner has any {bands.metric} for {quarter}: the bands, the "
            "concentration and the risks that follow from them rank zeros."
        )
    notes += _crowded_bottom(bands)
    if staffing_note is not None:
        notes.append(staffing_note)
    staffing = staffing_policy.plan(portfolio, quarter=quarter, bands=bands, triangle=triangle)

    risks = find_risks(
        portfolio,
        quarter,
        thresholds=policies.risks,
        offboarding=offboarding,
        allocation=allocation,
        staffing=staffing,
    )
    errors: list[Exception] = [*bands.rule_errors, *allocation.rule_errors]
    if triangle is not None:
        errors += triangle.rule_errors
    if tiers is not None:
        errors += tiers.rule_errors
    recommendations: list[Decision] = []
    if known is not None:
        known.add(
            "engagement",
            lambda pid: str(allocation.level_of(pid)) if pid in allocation.engagements else None,
        )
        flags, recommendations, failed = _evaluate_rules(known, portfolio, quarter)
        risks += flags
        errors += failed
    errors = _distinct(errors)
    risks += [_error_risk(error, quarter) for error in errors if isinstance(error, RuleError)]
    risks.sort(key=Risk.sort_key)

    return Review(
        quarter=quarter,
        as_of=portfolio.as_of,
        currency=portfolio.currency,
        portfolio=portfolio,
        bands=bands,
        triangle=triangle,
        tiers=tiers,
        offboarding=offboarding,
        allocation=allocation,
        managers=_managers(portfolio, allocation, staffing),
        staffing=staffing,
        metrics=program_metrics(portfolio, quarter),
        concentration=_concentration(_decimal(bands.value_of(pid)) for pid in bands.partner_ids),
        risks=tuple(risks),
        recommendations=tuple(recommendations),
        rule_errors=tuple(errors),
        notes=tuple(notes),
    )


def _distinct(errors: list[Exception]) -> list[Exception]:
    """Drop repeats: a rule failing on a partner fails in every policy that asks it."""
    seen: set[tuple[object, ...]] = set()
    out = []
    for error in errors:
        key: tuple[object, ...] = (
            (error.rule_id, error.fact_kind, error.fact_id, error.field, error.reason)
            if isinstance(error, RuleError)
            else (type(error).__name__, str(error))
        )
        if key not in seen:
            seen.add(key)
            out.append(error)
    return out


def _managers(
    portfolio: Portfolio, allocation: Allocation, staffing: StaffingPlan | None
) -> tuple[ManagerSummary, ...]:
    loads = {load.manager_id: load for load in (staffing.loads if staffing else ())}
    engagements = allocation.engagements
    out = []
    for manager in sorted(portfolio.managers, key=lambda m: m.id):
        hours = allocation.hours_of(manager.id)
        levels: dict[EngagementLevel, int] = {}
        for partner_id in hours:
            level = engagements[partner_id].value
            levels[level] = levels.get(level, 0) + 1
        load = loads.get(manager.id)
        out.append(
            ManagerSummary(
                manager_id=manager.id,
                name=manager.name,
                role=manager.role.value,
                partners=len(hours),
                engagement=FrozenMap(
                    (level, levels[level]) for level in EngagementLevel if level in levels
                ),
                available_hours=allocation.available.get(manager.id, _ZERO),
                allocated_hours=sum(hours.values(), _ZERO),
                utilisation=FrozenMap(
                    (w.value, u) for w, u in (load.utilisation.items() if load else ())
                ),
                overloaded=bool(load and load.overloaded),
            )
        )
    return tuple(out)


#: How far past its target (a share of the ranked partners) the bottom band may grow by
#: ties before the review notes it.
_CROWDED = Decimal("0.05")
#: The staffing plan's default leadership stage, for a staffing policy without one.
_LEADERSHIP_AT = cast("int", attrs.fields(StaffingParameters).leadership_at.default)
_CLOSED = frozenset(stage for stage in OpportunityStage if stage.is_closed)


def check_rendering(where: str, review: object, **counts: object) -> None:
    """Refuse, by name, what a rendering function cannot render: not a review, a bad count.

    ``counts`` are the function's whole-number options (``limit``, ``width``), each of
    which must be an int of zero or more.
    """
    if not isinstance(review, Review):
        raise ValidationError(where, "review", review, "a Review, as quarterly_review returns")
    for name, value in counts.items():
        if type(value) is not int or value < 0:
            raise ValidationError(where, name, value, "an int >= 0")


def _crowded_bottom(bands: Bands) -> list[str]:
    """Say so when ties make the bottom band much larger than its share.

    The policy's own band, before the organisation's rules moved anyone: what ties did.
    """
    bottom = bands.members_before_overrides(PerformanceBand.BOTTOM)
    target = bands.targets[PerformanceBand.BOTTOM]
    ranked = len(bands) - len(bands.members_before_overrides(PerformanceBand.RAMPING))
    cut_off = bands.cut_offs["bottom"]
    if not ranked or cut_off is None or len(bottom) - target <= ranked * _CROWDED:
        return []
    tied = sum(1 for pid in bottom if bands.value_of(pid) == cut_off)
    note = (
        f"The bottom band holds {len(bottom)} of {ranked} ranked partners "
        f"({len(bottom) * 100 // ranked} %) against a target of {target}: {tied} of them "
        f"are tied at {bands.metric} = {cut_off}, and ties are never split. The "
        "perpetual-poor-performer recommendations rest on this band."
    )
    return [note]


def _with_staffing_capacity(
    allocation: AllocationPolicy, staffing: StaffingPolicy
) -> AllocationPolicy:
    """The allocation, with the staffing policy's capacities unless it was given its own.

    So that a manager without a recorded capacity has room for as many partners in
    both parts of one review.
    """
    capacity = getattr(getattr(staffing, "parameters", None), "capacity", None)
    if (
        not isinstance(allocation, EngagementAllocation)
        or allocation.role_capacity is not None
        or not isinstance(capacity, Mapping)
    ):
        return allocation
    manage = {role: c.manage for role, c in capacity.items() if isinstance(c, Capacity)}
    return attrs.evolve(allocation, role_capacity=manage)


def _too_small_for_triangle(
    policies: ReviewPolicies,
    staffing: StaffingPolicy,
    bands: Bands,
    notes: list[str],
    *,
    rules: _RulesInReview | None,
) -> bool:
    """Say whether the program is too small for the triangle, noting it if so.

    The size is ``ReviewPolicies.triangle_at``, or else the staffing policy's leadership
    stage (``parameters.leadership_at``), so that the two parts of a review agree.
    """
    threshold = policies.triangle_at
    source = "ReviewPolicies.triangle_at"
    if threshold is None:
        parameters = getattr(staffing, "parameters", None)
        threshold = getattr(parameters, "leadership_at", _LEADERSHIP_AT)
        source = "the staffing plan's leadership stage"
    in_program = len(bands)
    if not isinstance(threshold, int) or in_program >= threshold:
        return False
    skipped = "" if rules is None else "; rules overriding the triangle do not apply either"
    notes.append(
        f"performance triangle: not applied, {in_program} partner(s) in the program and it "
        f"applies from {threshold} ({source}): the triangle belongs to programs of hundreds "
        f"of partners, so middle performers keep full engagement{skipped}"
    )
    return True


def latest_recorded(portfolio: Portfolio) -> tuple[date, str] | None:
    """The latest day the portfolio records something happening, and what happened then.

    Join, contract and stage days of partners; registration, stage and (for closed
    deals) close days of opportunities; activities; commitments made and resolved;
    invoices issued and paid; funds paid. Days still to come by nature (an open deal's
    expected close, a due day) are not events. ``None`` for a portfolio with none.
    Found once per portfolio (the command line asks before the review does).
    """
    return derived(portfolio, "review.latest_recorded", _latest_recorded)


def _latest_recorded(portfolio: Portfolio) -> tuple[date, str] | None:
    fields: tuple[tuple[str, tuple[object, ...], tuple[str, ...]], ...] = (
        ("partner", portfolio.partners, ("joined_on", "contract_signed_on", "stage_since")),
        ("opportunity", portfolio.opportunities, ("registered_on", "stage_since")),
        ("activity", portfolio.activities, ("occurred_on",)),
        ("commitment", portfolio.commitments, ("made_on", "resolved_on")),
        ("invoice", portfolio.invoices, ("issued_on", "paid_on")),
        ("MDF payment", portfolio.mdf_payments, ("paid_on",)),
    )
    best: tuple[date, str] | None = None
    for kind, entities, names in fields:
        for name in names:
            get = attrgetter(name)
            day = max(filter(None, map(get, entities)), default=None)
            if day is not None and (best is None or day > best[0]):
                entity = next(e for e in entities if get(e) == day)
                best = (day, f"{kind} {getattr(entity, 'id', '?')!r}, {name} {day.isoformat()}")
    # A closed deal's close day is an event; an open deal's is a forecast.
    closed = _CLOSED
    day = max(
        (o.close_date for o in portfolio.opportunities if o.close_date and o.stage in closed),
        default=None,
    )
    if day is not None and (best is None or day > best[0]):
        deal = next(o for o in portfolio.opportunities if o.close_date == day and o.stage in closed)
        best = (day, f"opportunity {deal.id!r}, close_date {day.isoformat()}")
    return best


def _snapshot_notes(portfolio: Portfolio, quarter: Quarter) -> list[str]:
    """Say so when the quarter is not (wholly) in the snapshot, or the data runs past it."""
    as_of = portfolio.as_of
    latest = latest_recorded(portfolio)
    if latest is not None and latest[0] > as_of:
        notes = [
            (
                f"The data records events after the portfolio's snapshot day of "
                f"{as_of.isoformat()} (the latest: {latest[1]}): stages, tiers, open deals "
                "and managers are read as the data holds them, so they may not be what was "
                f"true on {as_of.isoformat()}. Review this data as of {latest[0].isoformat()} "
                f"or later, or data exported as it stood on {as_of.isoformat()}."
            )
        ]
        if quarter.last_day > as_of:
            notes.append(
                f"{quarter} runs past the portfolio's snapshot of {as_of.isoformat()}: the "
                "review covers the quarter up to that day only."
            )
        return notes
    if quarter.first_day > as_of:
        return [
            (
                f"{quarter} begins after the portfolio's snapshot of {as_of.isoformat()}: the "
                "data holds nothing of it, so the quarter's own measures are zero, and windows "
                "that end with it (the bands' four quarters) hold only what came before."
            )
        ]
    if quarter.last_day > as_of:
        return [
            (
                f"{quarter} ends after the portfolio's snapshot of {as_of.isoformat()}: the "
                "review covers the quarter up to that day only."
            )
        ]
    if quarter.last_day < as_of:
        return [
            (
                f"{quarter} ended before the portfolio's snapshot of {as_of.isoformat()}: "
                "revenue, deals and bands are counted for the quarter, but partners' "
                "stages, open deals, promises and the team are read as they stood on "
                f"{as_of.isoformat()}, not at the quarter's end."
            )
        ]
    return []


class _RulesInReview:
    """The organisation's rules as a review's policies call them.

    A policy gives the rules its own context (its answer, its metric, ...); within a
    review a rule may also use what the review knows of the partner by then: the
    quarter and its revenue (the bands' metric for the quarter), then its band,
    triangle segment, tier and engagement level once those are decided. The policy's
    own context wins where both name a fact. The final pass sees all of it.
    """

    __slots__ = ("_known", "_quarter", "_revenue", "rules")

    def __init__(self, rules: RuleSet, quarter: Quarter, revenue: Mapping[str, object]) -> None:
        self.rules = rules
        self._quarter = str(quarter)
        self._revenue = revenue
        self._known: list[tuple[str, Callable[[str], object]]] = []

    def add(self, fact: str, lookup: Callable[[str], object]) -> None:
        """Let the next passes see ``fact``: ``lookup(partner_id)``, unless None."""
        self._known.append((fact, lookup))

    def evaluate(
        self, fact: Partner, /, *, context: Mapping[str, object] | None = None
    ) -> Evaluation:
        """Evaluate the rules on ``fact``, with what the review knows in the context."""
        merged = self.known_of(fact.id)
        merged["revenue"] = self._revenue.get(fact.id, _ZERO)
        if context:
            merged.update(context)
        return self.rules.evaluate(fact, context=merged)

    def known_of(self, partner_id: str | None) -> dict[str, object]:
        """The quarter, and what the review has decided of the partner by now."""
        known: dict[str, object] = {"quarter": self._quarter}
        if partner_id is None:
            return known
        for name, lookup in self._known:
            value = lookup(partner_id)
            if value is not None:
                known[name] = value
        return known


def _known_to_rules(
    rules: RuleSet | None, policies: ReviewPolicies, portfolio: Portfolio, quarter: Quarter
) -> _RulesInReview | None:
    if rules is None:
        return None
    return _RulesInReview(rules, quarter, policies.bands.metric(portfolio, quarter))


def _evaluate_rules(
    known: _RulesInReview, portfolio: Portfolio, quarter: Quarter
) -> tuple[list[Risk], list[Decision], list[Exception]]:
    """Evaluate the rules once more, for flags and recommendations.

    Every partner (with all the review knows of it), every open deal (with what the
    review knows of its partner) and the portfolio.
    """
    rules = known.rules
    evaluations: list[Evaluation] = []
    if rules.applying_to("partner"):
        evaluations += [
            known.evaluate(partner) for partner in sorted(portfolio.partners, key=lambda p: p.id)
        ]
    if rules.applying_to("opportunity"):
        # A deal's rules see its partner's band, triangle and engagement (and tier).
        evaluations += [
            rules.evaluate(opp, context=known.known_of(opp.partner_id))
            for opp in sorted(portfolio.opportunities, key=lambda o: o.id)
            if opp.stage.is_open
        ]
    if rules.applying_to("portfolio"):
        evaluations.append(rules.evaluate(portfolio, context={"quarter": str(quarter)}))
    flags: list[Risk] = []
    recommendations: list[Decision] = []
    errors: list[Exception] = []
    for evaluation in evaluations:
        flags += [_flag_risk(d, portfolio, quarter) for d in evaluation.flags]
        recommendations += evaluation.recommendations
        errors += evaluation.errors
    return flags, recommendations, errors


def _partner_of(decision: Decision, portfolio: Portfolio) -> str | None:
    if decision.fact_kind == "partner":
        return decision.fact_id
    if decision.fact_kind == "opportunity" and decision.fact_id is not None:
        return portfolio.opportunity(decision.fact_id).partner_id
    return None


def _flag_risk(decision: Decision, portfolio: Portfolio, quarter: Quarter) -> Risk:
    facts: Mapping[str, object] = dict(decision.facts)
    plugin = None if decision.plugin is None else str(decision.plugin)
    return Risk(
        kind=RiskKind.RULE_FLAG,
        severity=decision.severity or Severity.WARNING,
        subject_kind=decision.fact_kind,
        subject_id=decision.fact_id,
        partner_id=_partner_of(decision, portfolio),
        reasons=(
            Reason(
                code="flag",
                policy=f"rule {decision.rule_id}",
                quarter=quarter,
                text=decision.message or decision.rule_id,
                facts={**facts, "rule_id": decision.rule_id, "plugin": plugin},
            ),
        ),
    )


def _error_risk(error: RuleError, quarter: Quarter) -> Risk:
    return Risk(
        kind=RiskKind.RULE_ERROR,
        severity=Severity.ERROR,
        subject_kind=error.fact_kind,
        subject_id=error.fact_id,
        partner_id=error.fact_id if error.fact_kind == "partner" else None,
        reasons=(
            Reason(
                code="rule_error",
                policy=POLICY,
                quarter=quarter,
                text=str(error),
                facts={
                    "rule_id": error.rule_id,
                    "field": error.field,
                    "plugin": error.plugin,
                    "reason": error.reason,
                },
            ),
        ),
    )
