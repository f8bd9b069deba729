"""Perpetual poor performers: bottom for four consecutive quarters past the grace period."""

from datetime import date
from decimal import Decimal

import pytest

from partnerdomain.exceptions import ValidationError
from partnerdomain.model import Quarter
from partnerdomain.policies import PerpetualPoorPerformers, RelativeBands

Q = Quarter(2026, 3)


def bands_of(quarter, joined=None):
    # P-00 sells nothing; the other two bottom places rotate from quarter to quarter.
    values = {f"P-{i:02d}": Decimal(100 + (i + 5 * quarter.index) % 20) for i in range(1, 20)}
    values["P-00"] = Decimal(0)
    return RelativeBands().band(values, quarter, joined_on=joined or {})


def test_four_bottom_quarters_in_a_row_bring_an_offboarding_recommendation_with_evidence():
    history = [bands_of(Q.shift(-k)) for k in range(4)]
    found = PerpetualPoorPerformers().find(history)
    assert [r.partner_id for r in found] == ["P-00"]
    recommendation = found[0]
    assert recommendation.quarters == tuple(Q.shift(k) for k in (-3, -2, -1, 0))
    assert recommendation.reasons[0].code == "perpetual_poor_performer"
    evidence = [r for r in recommendation.reasons if r.code == "ranked"]
    assert [r.quarter for r in evidence] == list(recommendation.quarters)
    assert all(r.facts["value"] == 0 for r in evidence)


def test_three_bottom_quarters_are_not_enough():
    history = [bands_of(Q.shift(-k)) for k in range(3)]
    assert PerpetualPoorPerformers().find(history) == ()


def test_a_missing_quarter_breaks_the_streak():
    history = [bands_of(Q.shift(-k)) for k in (0, 1, 2, 4)]
    assert PerpetualPoorPerformers().find(history) == ()


def test_a_ramping_quarter_breaks_the_streak():
    history = [bands_of(Q.shift(-k)) for k in range(3)]
    history.append(bands_of(Q.shift(-3), joined={"P-00": date(2025, 12, 1)}))
    assert PerpetualPoorPerformers().find(history) == ()


def test_the_history_may_come_in_any_order():
    history = [bands_of(Q.shift(-k)) for k in range(5)]
    assert PerpetualPoorPerformers().find(history) == PerpetualPoorPerformers().find(
        reversed(history)
    )


def test_a_quarter_given_twice_is_refused():
    with pytest.raises(ValidationError, match="each quarter once"):
        PerpetualPoorPerformers().find([bands_of(Q), bands_of(Q)])


def test_the_number_of_quarters_must_be_positive():
    with pytest.raises(ValidationError):
        PerpetualPoorPerformers(quarters=0)
