"""The review laid out as sections of text and tables, shared by the renderers.

Markdown and the terminal show the same sections with the same numbers; only the
drawing differs. Lists longer than ``limit`` are cut, saying how many were left out.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from partnerdomain.policies import EngagementLevel, PerformanceBand, TriangleSegment
from partnerdomain.review._data import tier_counts

if TYPE_CHECKING:
    from collections.abc import Sequence

    from partnerdomain.metrics import QuarterOverQuarter
    from partnerdomain.policies import TierPlacement
    from partnerdomain.review._review import Review

__all__ = ["Section", "Table", "amount", "percent", "sections"]


@attrs.frozen(kw_only=True)
class Table:
    """Columns, rows of text, and which columns are numbers (aligned right)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: frozenset[int] = frozenset()
    more: int = 0
    """Rows left out by the limit."""
    caption: str | None = None
    """A line that says what the table shows, written just before it."""


@attrs.frozen(kw_only=True)
class Section:
    """A titled part of the review: lines of text, then tables."""

    key: str
    title: str
    lines: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()


def amount(value: Decimal | None, places: int = 0) -> str:
    """Format an amount with thousands separators (``-`` when undefined)."""
    if value is None:
        return "-"
    if not value.is_finite():
        return "unbounded" if value > 0 else "-unbounded"
    return f"{value:,.{places}f}"


def percent(value: Decimal | None, places: int = 1) -> str:
    """Format a ratio as a percentage (``-`` when undefined)."""
    if value is None:
        return "-"
    if not value.is_finite():
        return "unbounded"
    return f"{value * 100:.{places}f}%"


def _manager_rows(review: Review) -> list[tuple[str, ...]]:
    """One row per manager: partners (new ones counted), hours, share to middle, load."""
    allocation, bands = review.allocation, review.bands
    new_per_manager = Counter(a.manager_id for a in allocation.assignments)
    rows: list[tuple[str, ...]] = []
    for m in review.managers:
        peak = max(m.utilisation.values(), default=None)
        middle = sum(
            (
                hours
                for pid, hours in allocation.hours_of(m.manager_id).items()
                if pid in bands and bands.band_of(pid) is PerformanceBand.MIDDLE
            ),
            Decimal(0),
        )
        available = amount(m.available_hours)
        shown = (
            f"{amount(m.allocated_hours)} of {available}"
            if m.available_hours - m.allocated_hours >= 1
            else available
        )
        rows.append(
            (
                m.manager_id,
                m.name,
                m.role,
                (
                    f"{m.partners} ({new_per_manager[m.manager_id]} new)"
                    if m.manager_id in new_per_manager
                    else str(m.partners)
                ),
                shown,
                percent(middle / m.allocated_hours, 0) if m.allocated_hours else "-",
                percent(peak, 0),
            )
        )
    return rows


def _level_rows(review: Review) -> list[tuple[str, ...]]:
    """Per engagement level in use: partners, hours, hours per partner with a manager."""
    partners = Counter(p.value for p in review.allocation.engagements.values())
    hours: dict[EngagementLevel, Decimal] = {}
    managed: dict[EngagementLevel, set[str]] = {}
    for entry in review.allocation.hours:
        hours[entry.level] = hours.get(entry.level, Decimal(0)) + entry.hours
        managed.setdefault(entry.level, set()).add(entry.partner_id)
    return [
        (
            level.value,
            str(partners[level]),
            amount(hours.get(level, Decimal(0)), 2),
            amount(hours[level] / len(managed[level]), 1) if level in managed else "-",
        )
        for level in EngagementLevel
        if partners[level]
    ]


def _signed(text: str) -> str:
    return text if text.startswith(("-", "+")) or text in {"0", "0.0%", "0.00"} else f"+{text}"


def _measure_row(measure: QuarterOverQuarter, currency: str) -> tuple[str, ...]:
    labels = {
        "partner_sourced_revenue": f"Partner-sourced revenue ({currency})",
        "partner_influenced_revenue": f"Partner-influenced revenue ({currency})",
        "win_rate": "Win rate (partner deals)",
        "ramp_time": "Ramp time, join to first win (median days)",
        "onboarding_completion_rate": "Onboarding completion (quarter's new partners)",
        "mdf_return": f"Partner revenue per {currency} 1 of MDF (4 quarters)",
    }
    if measure.unit == "ratio" and measure.name != "mdf_return":
        show = percent
        change = "-" if measure.change is None else _signed(f"{measure.change * 100:.1f} pts")
    elif measure.unit == "days":
        show = amount
        change = "-" if measure.change is None else _signed(amount(measure.change))
    elif measure.name == "mdf_return":

        def show(value: Decimal | None, places: int = 2) -> str:
            return amount(value, places)

        change = "-" if measure.change is None else _signed(amount(measure.change, 2))
    else:
        show = amount
        change = "-" if measure.change is None else _signed(amount(measure.change))
        if measure.relative_change is not None:
            change += f" ({_signed(percent(measure.relative_change))})"
    return (
        labels.get(measure.name, measure.name),
        show(measure.value),
        show(measure.previous),
        change,
    )


def _cut(rows: Sequence[tuple[str, ...]], limit: int) -> tuple[tuple[tuple[str, ...], ...], int]:
    if limit <= 0 or len(rows) <= limit:
        return tuple(rows), 0
    return tuple(rows[:limit]), len(rows) - limit


def _closeness(placement: TierPlacement) -> tuple[int, Decimal, str]:
    progress = placement.progress
    if progress is None:
        return (10**9, Decimal(0), placement.partner_id)
    missing = progress.missing
    share = sum((c.missing / c.required if c.required else Decimal(0) for c in missing), Decimal(0))
    return (len(missing), share, placement.partner_id)


def sections(review: Review, *, limit: int = 10) -> tuple[Section, ...]:  # noqa: PLR0915 - one block per section
    """Lay the review out in sections, each list cut at ``limit`` rows (0: no cut)."""
    out: list[Section] = []
    currency = review.currency
    bands = review.bands
    counts = bands.counts
    out.append(
        Section(
            key="summary",
            title=f"Quarterly partner review {review.quarter}",
            lines=(
                (
                    f"As of {review.as_of.isoformat()}, amounts in {currency}. "
                    f"{review.partners} partner{'' if review.partners == 1 else 's'}, "
                    f"{len(bands)} assessed: "
                    f"{counts[PerformanceBand.TOP]} top, {counts[PerformanceBand.MIDDLE]} middle, "
                    f"{counts[PerformanceBand.BOTTOM]} bottom, "
                    f"{counts[PerformanceBand.RAMPING]} ramping."
                ),
                "Risks: "
                + ", ".join(f"{n} {sev.value}" for sev, n in review.risk_counts.items())
                + ".",
            ),
        )
    )
    out.append(
        Section(
            key="metrics",
            title="Program measures",
            tables=(
                Table(
                    columns=(
                        "Measure",
                        str(review.quarter),
                        str(review.quarter.previous()),
                        "Change",
                    ),
                    rows=tuple(_measure_row(m, currency) for m in review.metrics.measures),
                    numeric=frozenset({1, 2, 3}),
                ),
            ),
        )
    )
    conc = review.concentration
    top10 = conc.share_of_revenue(Decimal("0.1"))
    top20 = conc.share_of_revenue(Decimal("0.2"))
    out.append(
        Section(
            key="concentration",
            title="Revenue concentration",
            lines=(
                (
                    f"Revenue of the last four quarters ({bands.metric}) over {conc.partners} "
                    f"assessed partners, {amount(conc.total)} {currency} in all: the top 10% of "
                    f"partners bring {percent(top10)} of it, the top 20% bring {percent(top20)}, "
                    f"and the top band ({counts[PerformanceBand.TOP]} partners) brings "
                    f"{percent(bands.concentration)}."
                )
                if conc.total
                else (
                    f"No revenue in the last four quarters ({bands.metric}) over "
                    f"{conc.partners} assessed partners: nothing is concentrated."
                ),
            ),
            tables=(
                Table(
                    columns=("Share of partners (best first)", "Share of revenue"),
                    rows=tuple((percent(x, 0), percent(y)) for x, y in conc.points[1:]),
                    numeric=frozenset({0, 1}),
                ),
            )
            if conc.total
            else (),
        )
    )
    bet_rows = [
        (band.value, str(counts[band]), str(bands.targets.get(band, "-")))
        for band in PerformanceBand
    ]
    bet_tables = [
        Table(
            columns=("Band", "Partners", "Target"), rows=tuple(bet_rows), numeric=frozenset({1, 2})
        )
    ]
    if review.triangle is not None:
        tri = review.triangle.counts
        bet_tables.append(
            Table(
                columns=("Triangle segment", "Partners"),
                rows=tuple((seg.value, str(tri.get(seg, 0))) for seg in TriangleSegment),
                numeric=frozenset({1}),
            )
        )
    offboard = [
        (
            rec.partner_id,
            review.portfolio.partner(rec.partner_id).name,
            f"{rec.quarters[0]}-{rec.quarters[-1]}",
        )
        for rec in review.offboarding
    ]
    rows, more = _cut(offboard, limit)
    bet_tables.append(
        Table(
            columns=("Perpetual poor performer (recommend offboarding)", "Name", "Bottom in"),
            rows=rows,
            more=more,
        )
    )
    out.append(Section(key="bets", title="Partner bets", tables=tuple(bet_tables)))

    if review.tiers is not None:
        tiers = review.tiers
        held = tier_counts(tiers)
        close = sorted((p for p in tiers if p.progress is not None), key=_closeness)
        close_rows = [
            (
                p.partner_id,
                p.value or "none",
                p.progress.tier if p.progress else "-",
                "; ".join(
                    f"{c.measure} {amount(c.actual)} of {amount(c.required)}"
                    for c in (p.progress.missing if p.progress else ())
                )
                or "all met",
            )
            for p in close
        ]
        rows, more = _cut(close_rows, limit)
        out.append(
            Section(
                key="tiers",
                title="Program tiers",
                tables=(
                    Table(
                        columns=("Tier", "Partners"),
                        rows=tuple((k, str(v)) for k, v in held.items()),
                        numeric=frozenset({1}),
                    ),
                    Table(
                        columns=("Closest to the next tier", "Tier", "Next", "Missing"),
                        rows=rows,
                        more=more,
                    ),
                ),
            )
        )

    manager_rows = _manager_rows(review)
    rows, more = _cut(manager_rows, limit)
    assigned = [(a.partner_id, a.manager_id, a.role.value) for a in review.allocation.assignments]
    disengaged = sum(1 for item in review.allocation.unplaced if item.on_purpose)
    untaken = len(review.allocation.unplaced) - disengaged
    a_rows, a_more = _cut(assigned, limit)
    out.append(
        Section(
            key="managers",
            title="Engagement and hours per manager",
            lines=(
                (
                    f"{len(review.allocation.assignments)} new assignment(s), "
                    f"{untaken} partner(s) no manager could take, {disengaged} left "
                    "unassigned on purpose (disengaged: being or to be offboarded)."
                ),
                (
                    "Partners (those assessed this quarter) and hours include the new "
                    "assignments; the peak load is each manager's heaviest workload against "
                    "capacity before them, as the staffing plan counts it. Hours: given to "
                    "partners, 'x of y' when an hour or more of the y available is not. To "
                    "middle: the share of those hours that goes to middle performers, the "
                    "partners most worth moving up."
                ),
            ),
            tables=(
                Table(
                    columns=(
                        "Manager",
                        "Name",
                        "Role",
                        "Partners",
                        "Hours",
                        "To middle",
                        "Peak load",
                    ),
                    rows=rows,
                    numeric=frozenset({3, 4, 5, 6}),
                    more=more,
                ),
                Table(
                    columns=("Engagement level", "Partners", "Hours", "Hours per partner"),
                    rows=tuple(_level_rows(review)),
                    numeric=frozenset({1, 2, 3}),
                    caption=(
                        "Per engagement level: its partners, the hours given to them, and the "
                        "hours per partner that has a manager."
                    ),
                ),
                Table(columns=("New assignment", "Manager", "Role"), rows=a_rows, more=a_more),
            ),
        )
    )

    plan = review.staffing
    if plan is not None:
        lines = [
            f"Structure: {plan.structure}; the portfolio calls for: {plan.next_structure}.",
            (
                f"Headcount: {plan.current_headcount} today, {plan.recommended_headcount} "
                f"recommended ({len(plan.funded_hires)} funded hire(s), "
                f"{len(plan.unfunded_hires)} needed but not funded)."
            ),
        ]
        lines += [f"{change.kind}: {change.reasons[0].text}" for change in plan.structure_changes]
        hire_rows = [
            (
                str(h.segment),
                str(h.position),
                "yes" if h.funded else "no",
                amount(h.revenue.amount),
                amount(h.required.amount),
            )
            for h in plan.hires
        ]
        rows, more = _cut(hire_rows, limit)
        out.append(
            Section(
                key="staffing",
                title="Staffing plan",
                lines=tuple(lines),
                tables=(
                    Table(
                        columns=(
                            "Hire",
                            "Position",
                            "Funded",
                            f"Segment revenue ({currency})",
                            f"Required ({currency})",
                        ),
                        rows=rows,
                        numeric=frozenset({1, 3, 4}),
                        more=more,
                    ),
                ),
            )
        )

    kinds: dict[tuple[str, str], int] = {}
    for risk in review.risks:
        key = (risk.kind.value, risk.severity.value)
        kinds[key] = kinds.get(key, 0) + 1
    risk_rows = [
        (r.severity.value, r.kind.value, r.subject_id or "portfolio", r.summary)
        for r in review.risks
    ]
    rows, more = _cut(risk_rows, limit)
    out.append(
        Section(
            key="risks",
            title="Risks",
            tables=(
                Table(
                    columns=("Kind", "Severity", "Count"),
                    rows=tuple((k, s, str(n)) for (k, s), n in kinds.items()),
                    numeric=frozenset({2}),
                ),
                Table(columns=("Severity", "Kind", "Subject", "Why"), rows=rows, more=more),
            ),
        )
    )

    apr_rows = [
        (
            c.contributor_id,
            c.role,
            str(c.current.activities),
            _signed(str(c.activity_change)),
            amount(c.current.pipeline_created),
            str(c.current.won_deals),
            amount(c.current.won_revenue),
            amount(c.current.activities_per_win, 1),
        )
        for c in sorted(
            review.metrics.contributors, key=lambda c: (-c.current.activities, c.contributor_id)
        )
    ]
    rows, more = _cut(apr_rows, limit)
    out.append(
        Section(
            key="apr",
            title="Actions Precede Results",
            lines=(
                (
                    "Activities logged in the quarter and the change from the quarter "
                    "before; pipeline: deals registered in the quarter that the contributor "
                    "is on; won: their deals won in the quarter; per win: activities per "
                    "deal won."
                ),
            ),
            tables=(
                Table(
                    columns=(
                        "Contributor",
                        "Role",
                        "Activities",
                        "Change",
                        f"Pipeline ({currency})",
                        "Won deals",
                        f"Won ({currency})",
                        "Per win",
                    ),
                    rows=rows,
                    numeric=frozenset({2, 3, 4, 5, 6, 7}),
                    more=more,
                ),
            ),
        )
    )

    rule_lines = [
        f"{d.fact_kind} {d.fact_id}: rule {d.rule_id} recommends {d.action}"
        + (f": {d.reason}" if d.reason else "")
        for d in review.recommendations
    ]
    rule_lines += [f"error: {e}" for e in review.rule_errors]
    if rule_lines:
        shown, hidden = _cut([(line,) for line in rule_lines], limit)
        rule_text = tuple(line for (line,) in shown)
        if hidden:
            rule_text += (f"... and {hidden} more",)
        out.append(Section(key="rules", title="Organisation rules", lines=rule_text))
    if review.notes:
        out.append(Section(key="notes", title="Notes", lines=review.notes))
    return tuple(out)
