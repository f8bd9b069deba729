from datetime import UTC, datetime
from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerdomain import PartnerStage
from partnerdomain.demo import DemoSpec, generate_portfolio
from partnerdomain.exceptions import ValidationError


@pytest.fixture(scope="module")
def demo():
    return generate_portfolio()


def test_the_same_spec_gives_the_same_portfolio():
    spec = DemoSpec(partners=60, seed=11)
    assert generate_portfolio(spec) == generate_portfolio(spec)


def test_another_seed_gives_another_portfolio():
    assert generate_portfolio(DemoSpec(partners=60, seed=1)) != generate_portfolio(
        DemoSpec(partners=60, seed=2)
    )


def test_the_default_demo_has_the_documented_shape(demo):
    assert len(demo.partners) == 300
    assert len(demo.managers) == 10
    assert 2000 <= len(demo.opportunities) <= 5000
    stages = {p.stage for p in demo.partners}
    assert {PartnerStage.ACTIVE, PartnerStage.ONBOARDING, PartnerStage.OFFBOARDED} <= stages
    assert len({p.partner_type for p in demo.partners}) == 7


def test_revenue_is_pareto_shaped(demo):
    won: dict[str, Decimal] = {}
    for o in demo.opportunities:
        if o.is_won:
            won[o.partner_id] = won.get(o.partner_id, Decimal(0)) + o.amount.amount
    revenue = sorted(
        (won.get(p.id, Decimal(0)) for p in demo.partners if p.stage.is_in_program), reverse=True
    )
    top = revenue[: round(len(revenue) * 0.15)]
    share = sum(top) / sum(revenue)
    assert Decimal("0.6") <= share <= Decimal("0.9")


@settings(max_examples=10)
@given(st.integers(1, 80), st.integers(4, 14), st.integers(0, 10**6))
def test_any_spec_makes_an_intact_portfolio(partners, managers, seed):
    portfolio = generate_portfolio(DemoSpec(partners=partners, managers=managers, seed=seed))
    assert attrs.evolve(portfolio) == portfolio
    assert len(portfolio.partners) == partners


def test_a_spec_is_validated():
    with pytest.raises(ValueError, match="managers"):
        DemoSpec(managers=2)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("as_of", "2026-09-30"),
        ("as_of", datetime(2026, 9, 30, tzinfo=UTC)),
        ("currency", "euro"),
        ("currency", ["EUR"]),
        ("seed", "2026"),
        ("deals_per_partner", 0),
        ("deals_per_partner", float("nan")),
        ("deals_per_partner", "2"),
        ("deals_per_partner", 1e9),
    ],
)
def test_every_field_of_the_spec_is_checked_by_name(field, value):
    with pytest.raises(ValidationError, match=field):
        DemoSpec(**{field: value})
