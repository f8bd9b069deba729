"""The review as plain data: the JSON document (schema version 1) and its schema."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal
from enum import Enum
from importlib.resources import files
from typing import TYPE_CHECKING, Any, TextIO

from partnerdomain.model import FrozenMap, Money, Quarter
from partnerdomain.review._review import check_rendering

if TYPE_CHECKING:
    from partnerdomain.metrics import ContributorQuarter, QuarterOverQuarter
    from partnerdomain.policies import Reason, Tiers
    from partnerdomain.review._review import Review
    from partnerdomain.review._risks import Risk

__all__ = [
    "SCHEMA_ID",
    "SCHEMA_VERSION",
    "render_json",
    "review_data",
    "review_schema",
    "write_json",
]

#: The version of the JSON document :func:`render_json` writes. The major number
#: changes when a field is removed or changes meaning; the minor when one is added.
SCHEMA_VERSION = "1.0"
#: The ``$id`` of the JSON Schema of the document. The schema ships in the package
#: (:func:`review_schema`) and is not published at a web address, so its id is a URN
#: rather than a URL that would lead nowhere.
SCHEMA_ID = "urn:partnerdomain:schema:review:1"
_SCHEMA_FILE = "review-1.schema.json"
_PLACES = Decimal("0.0001")
# Quantizing needs every digit of the result: the default context's 28 would refuse a
# large amount (quantize raises rather than round the integer part).
_WIDE = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)


def _check(where: str, review: object, indent: int | None = 0) -> None:
    if indent is None:
        check_rendering(where, review)
    else:
        check_rendering(where, review, indent=indent)


def review_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of the review document, as shipped."""
    text = files("partnerdomain.review").joinpath(_SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _number(value: Decimal) -> str:
    """A decimal as exact text; more than four places are rounded to four."""
    text = str(value)
    point = text.find(".")
    if "E" not in text and (point < 0 or len(text) - point <= 5):
        return text  # the usual case: at most four places, no exponent
    if not value.is_finite():
        return str(value)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:
        value = value.quantize(_PLACES, context=_WIDE)
    elif isinstance(exponent, int) and exponent > 0:
        value = value.quantize(Decimal(1), context=_WIDE)
    return str(value)


def plain(value: object) -> object:
    """Turn a fact into JSON-ready data: decimals as text, days ISO, enums by value."""
    if value.__class__ in _AS_IS:
        return value
    convert = _BY_TYPE.get(value.__class__)
    if convert is not None:
        return convert(value)
    return _plain_other(value)


def _plain_other(value: object) -> object:  # noqa: PLR0911 - one branch per kind of value
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, (date, Quarter)):
        return value.isoformat() if isinstance(value, date) else str(value)
    if isinstance(value, Money):
        return _money(value)
    if isinstance(value, Mapping):
        return _mapping(value)
    if isinstance(value, (set, frozenset)):
        return _set(value)
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if isinstance(value, float):
        return _number(Decimal(repr(value)))
    return str(value)


def _same(value: object) -> object:
    return value


def _money(value: Money) -> dict[str, object]:
    return {"amount": _number(value.amount), "currency": value.currency}


def _mapping(value: Mapping[Any, Any]) -> dict[str, object]:
    return {str(plain(k)): plain(v) for k, v in value.items()}


def _set(value: set[Any] | frozenset[Any]) -> list[object]:
    return sorted((plain(v) for v in value), key=str)


# The exact types a review's facts hold, converted without a chain of isinstance checks
# (an enum, or a subclass of any of these, takes the slower path above).
_BY_TYPE: dict[type[Any], Callable[[Any], object]] = {
    str: _same,
    int: _same,
    bool: _same,
    type(None): _same,
    Decimal: _number,
    date: date.isoformat,
    Quarter: str,
    Money: _money,
    dict: _mapping,
    FrozenMap: _mapping,
    tuple: lambda value: [plain(v) for v in value],
    list: lambda value: [plain(v) for v in value],
    frozenset: _set,
    set: _set,
}


# Facts JSON takes as they are, and the other single values (no containers), by type.
_AS_IS: frozenset[type[Any]] = frozenset({str, int, bool, type(None)})
_SCALARS: dict[type[Any], Callable[[Any], object]] = {
    cls: convert
    for cls, convert in _BY_TYPE.items()
    if cls not in _AS_IS and cls not in {dict, FrozenMap, tuple, list, frozenset, set}
}


class _Shared:
    """What one document converts once: policies' parameters, and shared mappings.

    Every reason of a policy run carries the same ``parameters`` mapping in its facts.
    The document lists each policy's parameters once, under ``policies``, and leaves
    them out of the reasons' facts; should one policy name ever come with two
    different parameter sets, the reasons whose set differs keep theirs.
    """

    def __init__(self) -> None:
        self.policies: dict[str, object] = {}
        self._seen: dict[int, tuple[object, object]] = {}
        self._parameters: dict[str, object] = {}
        self._quarters: dict[Quarter, str] = {}

    def text_of(self, quarter: Quarter) -> str:
        """A quarter as text (a document's reasons name a handful of quarters)."""
        text = self._quarters.get(quarter)
        if text is None:
            text = self._quarters[quarter] = str(quarter)
        return text

    def converted(self, value: Mapping[str, object]) -> object:
        # The cache holds the mapping itself, so its id cannot be reused while it lives.
        cached = self._seen.get(id(value))
        if cached is None or cached[0] is not value:
            cached = (value, plain(value))
            self._seen[id(value)] = cached
        return cached[1]

    def hoisted(self, policy: str, parameters: object) -> bool:
        """Say whether ``parameters`` are the ones listed for ``policy`` (listing them)."""
        known = self._parameters.get(policy)
        if known is parameters:
            return True
        if not isinstance(parameters, Mapping):
            return False
        if known is None:
            self._parameters[policy] = parameters
            self.policies[policy] = self.converted(parameters)
            return True
        # Another object: listed already only if it reads the same, to the last digit.
        return self.converted(parameters) == self.policies[policy]


def _facts(facts: Mapping[str, object], policy: str, shared: _Shared | None) -> object:
    if shared is None:
        return plain(facts)
    out: dict[str, object] = {}
    as_is, scalars = _AS_IS, _SCALARS
    for key, value in facts.items():
        cls = value.__class__
        if cls in as_is:  # the usual fact: text, a count, a flag
            out[key] = value
            continue
        convert = scalars.get(cls)
        if convert is not None:  # a number, a day, a quarter, an amount
            out[key] = convert(value)
        elif key == "parameters" and shared.hoisted(policy, value):
            continue
        elif isinstance(value, Mapping) and len(value) > 3:
            out[key] = shared.converted(value)
        else:
            out[key] = plain(value)
    return out


def reason_data(reason: Reason, shared: _Shared | None = None) -> dict[str, object]:
    """One reason as data.

    Within a document (``shared`` given) the policy's parameters are not repeated in
    the facts: the document lists them once, under ``policies``.
    """
    return {
        "code": reason.code,
        "policy": reason.policy,
        "quarter": str(reason.quarter) if shared is None else shared.text_of(reason.quarter),
        "text": reason.text,
        "facts": _facts(reason.facts, reason.policy, shared),
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


def risk_data(risk: Risk, shared: _Shared | None = None) -> dict[str, object]:
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


def _partner_rows(review: Review, shared: _Shared) -> Iterator[dict[str, object]]:
    bands, triangle, tiers, allocation = (
        review.bands,
        review.triangle,
        review.tiers,
        review.allocation,
    )
    # The enums are StrEnums: str() gives a member's value, quicker than .value.
    for partner in sorted(review.portfolio.partners, key=lambda p: p.id):
        pid = partner.id
        reasons: list[Reason] = []
        row: dict[str, object] = {
            "id": pid,
            "name": partner.name,
            "partner_type": str(partner.partner_type),
            "stage": str(partner.stage),
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
            row["band"] = str(placement.value)
            row["rank"] = bands.rank_of(pid)
            row["revenue"] = plain(bands.value_of(pid))
            reasons += placement.reasons
        else:
            row["excluded"] = bands.excluded.get(pid)
        if triangle is not None and pid in triangle:
            segment = triangle.placement(pid)
            row["triangle"] = str(segment.value)
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
            row["engagement"] = str(engagement.value)
            row["hours"] = plain(allocation.hours_for(pid))
            reasons += engagement.reasons
        row["reasons"] = [reason_data(r, shared) for r in reasons]
        yield row


def _staffing(review: Review, shared: _Shared) -> dict[str, object] | None:
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
    are rounded to four); days are ISO dates; quarters look like ``2026Q3``. Each
    policy's parameters are listed once, under ``policies`` (the last key), rather
    than in the facts of every reason.

    Args:
        review: The review.
        partners: Whether to include one row per partner with its reasons (the
            largest part of the document).
    """
    _check("review_data", review)
    shared = _Shared()
    data = _head(review, shared)
    if partners:
        data["partners"] = list(_partner_rows(review, shared))
    data["policies"] = _policies(review, shared)
    return data


def _policies(review: Review, shared: _Shared) -> dict[str, object]:
    """Every policy's parameters: those the reasons named, then the review's other ones.

    The partners' rows name every policy that placed a partner; a document without
    them lists those policies all the same.
    """
    for result in (review.bands, review.triangle, review.tiers, review.allocation):
        if result is not None:
            shared.hoisted(result.policy, result.parameters)
    return shared.policies


def _head(review: Review, shared: _Shared) -> dict[str, object]:
    """Everything but the partners' rows and the policies' parameters."""
    bands = review.bands
    return {
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


def _engagement_counts(review: Review) -> dict[str, int]:
    counts: dict[str, int] = {}
    for placement in review.allocation.engagements.values():
        counts[placement.value.value] = counts.get(placement.value.value, 0) + 1
    return dict(sorted(counts.items()))


def _tier_counts(review: Review) -> dict[str, int] | None:
    return None if review.tiers is None else tier_counts(review.tiers)


def tier_counts(tiers: Tiers) -> dict[str, int]:
    """How many partners hold each tier, highest tier first, then ``"none"``.

    The ladder's order, as the policy's parameters list it (a tier name unknown to the
    parameters, set by a rule of a custom policy, comes after the ladder's).
    """
    counts: dict[str, int] = {}
    for placement in tiers:
        name = placement.value or "none"
        counts[name] = counts.get(name, 0) + 1
    ladder = tiers.parameters.get("tiers", ())
    order = {
        name: n for n, name in enumerate(reversed(ladder if isinstance(ladder, tuple) else ()))
    }
    last = len(order)
    return dict(
        sorted(
            counts.items(), key=lambda item: (item[0] == "none", order.get(item[0], last), item[0])
        )
    )


def _error(error: Exception) -> dict[str, object]:
    return {
        "rule_id": getattr(error, "rule_id", None),
        "fact_kind": getattr(error, "fact_kind", None),
        "fact_id": getattr(error, "fact_id", None),
        "field": getattr(error, "field", None),
        "message": str(error),
    }


def _compact_encoder(fallback: Callable[[object], str]) -> Callable[[object], str]:
    """Return orjson's encoder if the ``fast`` extra is installed, ``fallback`` behind it.

    For the JSON-ready data of :func:`plain` it writes exactly what ``json`` writes
    with ``separators=(",", ":")`` and ``ensure_ascii=False``, several times faster;
    whatever it refuses (an integer beyond 64 bits, a lone surrogate) ``json`` writes.
    """
    try:
        import orjson  # noqa: PLC0415 - optional, imported when a document is written
    except ImportError:
        return fallback
    fast = orjson.dumps

    def encode(value: object) -> str:
        try:
            return fast(value).decode()
        except TypeError:  # orjson.JSONEncodeError is a TypeError
            return fallback(value)

    return encode


def render_json(review: Review, *, partners: bool = True, indent: int | None = 2) -> str:
    """Render the review as a JSON document of schema version :data:`SCHEMA_VERSION`.

    The document validates against :func:`review_schema`. Keys keep a fixed order and
    lists a deterministic one, so the same review always gives the same text. For a
    large review written to a file, :func:`write_json` gives the same text without
    holding it all in memory.

    Args:
        review: The review.
        partners: Whether to include one row per partner, with reasons.
        indent: Indentation; ``None`` for one line without spaces.
    """
    _check("render_json", review, indent)
    out = io.StringIO()
    write_json(review, out, partners=partners, indent=indent)
    return out.getvalue()


def write_json(
    review: Review, stream: TextIO, *, partners: bool = True, indent: int | None = 2
) -> None:
    """Write the review's JSON document (as :func:`render_json` gives it) to ``stream``.

    The partners' rows are converted and written one at a time, so memory holds one
    row, not the whole document: use this for reviews of many partners.

    Args:
        review: The review.
        stream: A text stream open for writing (a file, ``sys.stdout``, ``StringIO``).
        partners: Whether to include one row per partner, with reasons.
        indent: Indentation; ``None`` for one line without spaces.
    """
    _check("write_json", review, indent)
    # One encoder for every row (json.dumps would make one per call with these options).
    if indent is None:
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        encode_row = _compact_encoder(dumps)
    else:
        dumps = json.JSONEncoder(indent=indent, ensure_ascii=False).encode
        encode_row = dumps
    # One level deeper than the top: how json.dumps would indent a top-level value.
    inner = "" if indent is None else "\n" + " " * indent
    between = "," if indent is None else "," + inner
    colon = ":" if indent is None else ": "

    def nested(value: object, depth: int = 1) -> str:
        text = dumps(value)
        return text if indent is None else text.replace("\n", "\n" + " " * (indent * depth))

    shared = _Shared()
    head = dumps(_head(review, shared))
    stream.write(head[: head.rindex("}")].rstrip())
    if partners:
        if indent is None:
            opening, separator, closing = "[", ",", "]"
        else:
            pad = " " * (2 * indent)
            opening, separator, closing = f"[\n{pad}", f",\n{pad}", f"{inner}]"
        stream.write(f'{between}"partners"{colon}')
        empty = True
        for row in _partner_rows(review, shared):
            stream.write(opening if empty else separator)
            stream.write(encode_row(row) if indent is None else nested(row, 2))
            empty = False
        stream.write("[]" if empty else closing)
    stream.write(f'{between}"policies"{colon}{nested(_policies(review, shared))}')
    stream.write("}" if indent is None else "\n}")
