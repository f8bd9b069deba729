"""Metrics as policies see them: a name, and a function of a portfolio and a quarter."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TypeAlias

import attrs

from partnerdomain.exceptions import ValidationError
from partnerdomain.metrics import open_pipeline, revenue_growth, trailing_won_revenue
from partnerdomain.model import Portfolio, Quarter

__all__ = [
    "OPEN_PIPELINE",
    "PARTNER_SOURCED_REVENUE",
    "REVENUE_GROWTH",
    "Metric",
    "MetricFunction",
    "Number",
    "as_metric",
    "check_values",
]

#: A metric's value: an exact amount, a count, or a score.
Number: TypeAlias = Decimal | int | float
#: A function giving every partner of a portfolio a value for a quarter.
MetricFunction: TypeAlias = Callable[[Portfolio, Quarter], Mapping[str, Number]]


@attrs.frozen(kw_only=True)
class Metric:
    """A named measure of each partner for a quarter; higher is better.

    Any function ``(portfolio, quarter) -> {partner_id: number}`` can be a metric; the
    name is what reasons and reports show.

    Args:
        name: A short, stable name, e.g. ``"partner_sourced_won_revenue_4q"``.
        compute: The function.
    """

    name: str
    compute: MetricFunction

    def __call__(self, portfolio: Portfolio, quarter: Quarter) -> Mapping[str, Number]:
        """Compute the value of every partner of ``portfolio`` for ``quarter``."""
        return self.compute(portfolio, quarter)


def as_metric(value: Metric | MetricFunction) -> Metric:
    """Wrap a plain function as a :class:`Metric` named after it."""
    if isinstance(value, Metric):
        return value
    if not callable(value):
        raise ValidationError("Metric", "compute", value, "a Metric or a function")
    return Metric(name=getattr(value, "__name__", repr(value)), compute=value)


def _partner_sourced_revenue(portfolio: Portfolio, quarter: Quarter) -> Mapping[str, Number]:
    return trailing_won_revenue(portfolio, quarter, quarters=4)


def _growth(portfolio: Portfolio, quarter: Quarter) -> Mapping[str, Number]:
    return revenue_growth(portfolio, quarter, quarters=4)


def _pipeline(portfolio: Portfolio, quarter: Quarter) -> Mapping[str, Number]:  # noqa: ARG001
    return open_pipeline(portfolio)


#: Partner-sourced won revenue over the four quarters ending with the quarter assessed.
PARTNER_SOURCED_REVENUE = Metric(
    name="partner_sourced_won_revenue_4q", compute=_partner_sourced_revenue
)
#: Year-over-year growth of partner-sourced won revenue (four quarters vs the four before).
REVENUE_GROWTH = Metric(name="revenue_growth_yoy", compute=_growth)
#: The total of each partner's open deals, sourced or influenced, in the snapshot.
OPEN_PIPELINE = Metric(name="open_pipeline", compute=_pipeline)

_NUMBER_TYPES = frozenset({Decimal, int, float})


def check_values(metric: str, values: Mapping[str, object]) -> None:
    """Refuse metric values that cannot be ranked: not numbers, NaN, or Decimal mixed with float.

    Raises:
        ValidationError: Naming the metric, the first bad partner and its value.
    """
    found = set(map(type, values.values()))
    bad_type = found - _NUMBER_TYPES
    mixed = Decimal in found and float in found
    try:
        # NaN is the only value unequal to itself; this runs at C speed.
        has_nan = not all(map(operator.eq, values.values(), values.values()))
    except ArithmeticError:  # a signalling NaN refuses even to be compared
        has_nan = True
    if not (bad_type or mixed or has_nan):
        return
    for partner_id, value in values.items():
        if type(value) in bad_type or _is_nan(value) or (mixed and type(value) is float):
            expected = "a Decimal, int or float that is not NaN"
            if mixed:
                expected += " (one metric never mixes Decimal and float values)"
            where = f"metric {metric!r}"
            raise ValidationError(where, partner_id, value, expected)


def _is_nan(value: object) -> bool:
    if isinstance(value, Decimal):
        return value.is_nan()
    return isinstance(value, float) and math.isnan(value)
