"""The review as plain data: the JSON document (schema version 1) and its schema."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import Enum
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from partnerdomain.model import Money, Quarter

if TYPE_CHECKING:
    from partnerdomain.metrics import ContributorQuarter, QuarterOverQuarter
    from partnerdomain.policies import Reason
    from partnerdomain.review._review import Review
    from partnerdomain.review._risks import Risk

__all__ = ["SCHEMA_ID", "SCHEMA_VERSION", "render_json", "review_data", "review_schema"]

#: The version of the JSON document :func:`render_json` writes. The major number
#: changes when a field is removed or changes meaning; the minor when one is added.
SCHEMA_VERSION = "1.0"
#: The ``$id`` of the JSON Schema of the document (shipped in the package).
SCHEMA_ID = "https://partnerdomain.dev/schemas/review-1.schema.json"
_SCHEMA_FILE = "review-1.schema.json"
_PLACES = Decimal("0.0001")


def review_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of the review document, as shipped."""
    text = files("partnerdomain.review").joinpath(_SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _number(value: Decimal) -> str:
    """A decimal as exact text; more than four places are rounded to four."""
    if not value.is_finite():
        return str(value)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:
        value = value.quantize(_PLACES)
    elif isinstance(exponent, int) and exponent > 0:
        value = value.quantize(Decimal(1))
    return str(value)


def plain(value: object) -> object:  # noqa: PLR0911 - one branch per kind of value
    """Turn a fact into JSON-ready data: decimals as text, days ISO, enums by value."""
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, (date, Quarter)):
        return value.isoformat() if isinstance(value, date) else str(value)
    if isinstance(value, Money):
        return {"amount": _number(value.amount), "currency": value.currency}
    if isinstance(value, Mapping):
        return {str(plain(k)): plain(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((plain(v) for v in value), key=str)
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if isinstance(value, float):
        return _number(Decimal(repr(value)))
    return str(value)


def _facts(facts: Mapping[str, object], shared: dict[int, tuple[object, object]] | None) -> object:
    if shared is None:
        return plain(facts)
    # Policies share one parameters mapping (and other frozen values) across the
    # reasons of every partner: convert each shared mapping once per document. The
    # cache holds the mapping itself, so its id cannot be reused while it lives.
    out: dict[str, object] = {}
    for key, value in facts.items():
        if isinstance(value, Mapping) and len(value) > 3:
            cached = shared.get(id(value))
            if cached is None or cached[0] is not value:
                cached = (value, plain(value))
                shared[id(value)] = cached
            out[key] = cached[1]
        else:
            out[key] = plain(value)
    return out


def reason_data(
    reason: Reason, shared: dict[int, tuple[object, object]] | None = None
) -> dict[str, object]:
    """One reason as data (``shared`` caches converted mappings within one document)."""
    return {
        "code": reason.code,
        "policy": reason.policy,
        "quarter": str(reason.quarter),
        "text": reason.text,
        "facts": _facts(reason.facts, shared),
    }


def _measure(measure: QuarterOverQuarter) -> dict[str, object]:
    return {
        "name": measure.name,
        "unit": measure.unit,
        "value": plain(measure.value),
        "previous": plain(measure.previous),
        "change": plain(measure.change),
    }


def _contributor_quarter(q: ContributorQuarter) -> dict[str, object]:
    return {
        "quarter": str(q.quarter),
        "activities": q.activities,
        "deals_touched": q.deals_touched,
        "pipeline_created": plain(q.pipeline_created),
        "won_deals": q.won_deals,
        "won_revenue": plain(q.won_revenue),
    }


def risk_data(
    risk: Risk, shared: dict[int, tuple[object, object]] | None = None
) -> dict[str, object]:
    """One risk as data."""
    return {
        "kind": risk.kind.value,
        "severity": risk.severity.value,
        "subject_kind": risk.subject_kind,
        "subject_id": risk.subject_id,
        "partner_id": risk.partner_id,
        "summary": risk.summary,
        "reasons": [reason_data(r, shared) for r in risk.reasons],
    }


def _partners(review: Review, shared: dict[int, tuple[object, object]]) -> list[dict[str, object]]:
    bands, triangle, tiers, allocation = (
        review.bands,
        review.triangle,
        review.tiers,
        review.allocation,
    )
    rows = []
    for partner in sorted(review.portfolio.partners, key=lambda p: p.id):
        pid = partner.id
        reasons: list[Reason] = []
        row: dict[str, object] = {
            "id": pid,
            "name": partner.name,
            "partner_type": partner.partner_type.value,
            "stage": partner.stage.value,
            "band": None,
            "rank": None,
            "revenue": None,
            "triangle": None,
            "tier": None,
            "next_tier": None,
            "engagement": None,
            "hours": None,
            "reasons": [],
        }
        if pid in bands:
            placement = bands.placement(pid)
            row["band"] = placement.value.value
            row["rank"] = bands.rank_of(pid)
            row["revenue"] = plain(bands.value_of(pid))
            reasons += placement.reasons
        else:
            row["excluded"] = bands.excluded.get(pid)
        if triangle is not None and pid in triangle:
            segment = triangle.placement(pid)
            row["triangle"] = segment.value.value
            reasons += segment.reasons
        if tiers is not None and pid in tiers:
            tier = tiers.placement(pid)
            row["tier"] = tier.value
            if tier.progress is not None:
                row["next_tier"] = {
                    "tier": tier.progress.tier,
                    "missing": [
                        {
                            "measure": c.measure,
                            "required": plain(c.required),
                            "actual": plain(c.actual),
                            "missing": plain(c.missing),
                        }
                        for c in tier.progress.missing
                    ],
                }
            reasons += tier.reasons
        engagement = allocation.engagements.get(pid)
        if engagement is not None:
            row["engagement"] = engagement.value.value
            row["hours"] = plain(allocation.hours_for(pid))
            reasons += engagement.reasons
        row["reasons"] = [reason_data(r, shared) for r in reasons]
        rows.append(row)
    return rows


def _staffing(review: Review, shared: dict[int, tuple[object, object]]) -> dict[str, object] | None:
    plan = review.staffing
    if plan is None:
        return None
    return {
        "structure": str(plan.structure),
        "next_structure": str(plan.next_structure),
        "current_headcount": plan.current_headcount,
        "recommended_headcount": plan.recommended_headcount,
        "current": {role.value: n for role, n in plan.current.items()},
        "recommended": {str(segment): n for segment, n in plan.recommended.items()},
        "hires": [
            {
                "segment": str(hire.segment),
                "position": hire.position,
                "funded": hire.funded,
                "revenue": plain(hire.revenue),
                "required": plain(hire.required),
                "reasons": [reason_data(r, shared) for r in hire.reasons],
            }
            for hire in plan.hires
        ],
        "structure_changes": [
            {"kind": change.kind, "reasons": [reason_data(r, shared) for r in change.reasons]}
            for change in plan.structure_changes
        ],
        "moves": len(plan.moves),
        "reasons": [reason_data(r, shared) for r in plan.reasons],
    }


def review_data(review: Review, *, partners: bool = True) -> dict[str, object]:
    """Return the review as JSON-ready data, in the shape of schema version 1.

    Amounts, ratios and hours are exact decimal text (more than four decimal places
    are rounded to four); days are ISO dates; quarters look like ``2026Q3``.

    Args:
        review: The review.
        partners: Whether to include one row per partner with its reasons (the
            largest part of the document).
    """
    bands = review.bands
    shared: dict[int, tuple[object, object]] = {}
    data: dict[str, object] = {
        "schema_version": SCHEMA_VERSION,
        "$schema": SCHEMA_ID,
        "quarter": str(review.quarter),
        "as_of": review.as_of.isoformat(),
        "currency": review.currency,
        "summary": {
            "partners": review.partners,
            "assessed": len(bands),
            "bands": {band.value: n for band, n in bands.counts.items()},
            "top_share": plain(bands.concentration),
            "triangle": (
                None
                if review.triangle is None
                else {seg.value: n for seg, n in review.triangle.counts.items()}
            ),
            "tiers": _tier_counts(review),
            "engagement": _engagement_counts(review),
            "risks": {sev.value: n for sev, n in review.risk_counts.items()},
        },
        "metrics": [_measure(m) for m in review.metrics.measures],
        "contributors": [
            {
                "id": c.contributor_id,
                "role": c.role,
                "current": _contributor_quarter(c.current),
                "previous": _contributor_quarter(c.previous),
            }
            for c in review.metrics.contributors
        ],
        "concentration": {
            "partners": review.concentration.partners,
            "total_revenue": plain(review.concentration.total),
            "points": [
                {"partners_share": plain(x), "revenue_share": plain(y)}
                for x, y in review.concentration.points
            ],
        },
        "managers": [
            {
                "id": m.manager_id,
                "name": m.name,
                "role": m.role,
                "partners": m.partners,
                "engagement": {level.value: n for level, n in m.engagement.items()},
                "available_hours": plain(m.available_hours),
                "allocated_hours": plain(m.allocated_hours),
                "utilisation": plain(m.utilisation),
                "overloaded": m.overloaded,
            }
            for m in review.managers
        ],
        "assignments": [
            {
                "partner_id": a.partner_id,
                "manager_id": a.manager_id,
                "role": a.role.value,
                "reasons": [reason_data(r, shared) for r in a.reasons],
            }
            for a in review.allocation.assignments
        ],
        "staffing": _staffing(review, shared),
        "risks": [risk_data(r, shared) for r in review.risks],
        "recommendations": [
            {
                "rule_id": d.rule_id,
                "plugin": None if d.plugin is None else str(d.plugin),
                "subject_kind": d.fact_kind,
                "subject_id": d.fact_id,
                "action": d.action,
                "reason": d.reason,
                "facts": plain(dict(d.facts)),
            }
            for d in review.recommendations
        ],
        "rule_errors": [_error(e) for e in review.rule_errors],
        "notes": list(review.notes),
    }
    if partners:
        data["partners"] = _partners(review, shared)
    return data


def _engagement_counts(review: Review) -> dict[str, int]:
    counts: dict[str, int] = {}
    for placement in review.allocation.engagements.values():
        counts[placement.value.value] = counts.get(placement.value.value, 0) + 1
    return dict(sorted(counts.items()))


def _tier_counts(review: Review) -> dict[str, int] | None:
    if review.tiers is None:
        return None
    counts: dict[str, int] = {}
    for placement in review.tiers:
        name = placement.value or "none"
        counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items()))


def _error(error: Exception) -> dict[str, object]:
    return {
        "rule_id": getattr(error, "rule_id", None),
        "fact_kind": getattr(error, "fact_kind", None),
        "fact_id": getattr(error, "fact_id", None),
        "field": getattr(error, "field", None),
        "message": str(error),
    }


def render_json(review: Review, *, partners: bool = True, indent: int | None = 2) -> str:
    """Render the review as a JSON document of schema version :data:`SCHEMA_VERSION`.

    The document validates against :func:`review_schema`. Keys keep a fixed order and
    lists a deterministic one, so the same review always gives the same text.

    Args:
        review: The review.
        partners: Whether to include one row per partner, with reasons.
        indent: Indentation; ``None`` for one line.
    """
    return json.dumps(review_data(review, partners=partners), indent=indent, ensure_ascii=False)
