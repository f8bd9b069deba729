from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerdomain import DealSource, OpportunityStage, PartnerStage, PartnerType
from partnerdomain.testing import (
    money,
    opportunities,
    partners,
    portfolios,
    quarters,
)

AS_OF = date(2026, 6, 30)


@given(
    partners(
        as_of=AS_OF,
        manager_ids=["M-1", "M-2"],
        stages=[PartnerStage.ACTIVE],
        types=[PartnerType.MSP],
    )
)
def test_partner_strategy_honours_its_bounds(partner):
    assert partner.stage is PartnerStage.ACTIVE
    assert partner.partner_type is PartnerType.MSP
    assert partner.stage_since <= AS_OF
    assert set(partner.managers.values()) <= {"M-1", "M-2"}
    if partner.joined_on is not None:
        assert partner.joined_on <= partner.stage_since


@given(opportunities(partner_ids=[], currency="USD"))
def test_opportunities_without_partners_are_direct(opportunity):
    assert opportunity.source is DealSource.DIRECT
    assert opportunity.partner_id is None
    assert opportunity.amount.currency == "USD"


@given(opportunities())
def test_won_opportunities_have_a_close_date_and_lost_ones_a_reason(opportunity):
    if opportunity.stage is OpportunityStage.WON:
        assert opportunity.close_date is not None
    if opportunity.stage is OpportunityStage.LOST:
        assert opportunity.loss_reason


@given(money("JPY", min_value=5, max_value=10, places=0))
def test_money_strategy_honours_currency_and_bounds(m):
    assert m.currency == "JPY"
    assert 5 <= m.amount <= 10


@given(quarters(fiscal_start_month=None, min_year=2020, max_year=2021))
def test_quarter_strategy_honours_years(q):
    assert 2020 <= q.year <= 2021


@settings(max_examples=20)
@given(st.data())
def test_portfolio_sizes_and_day_follow_the_arguments(data):
    portfolio = data.draw(
        portfolios(min_partners=2, max_partners=3, max_opportunities=4, currency="GBP", as_of=AS_OF)
    )
    assert 2 <= len(portfolio.partners) <= 3
    assert len(portfolio.opportunities) <= 4
    assert portfolio.as_of == AS_OF
    assert all(o.amount.currency == "GBP" for o in portfolio.opportunities)
    assert all(o.registered_on <= AS_OF for o in portfolio.opportunities)


def test_the_testing_module_explains_a_missing_hypothesis(monkeypatch):
    import builtins
    import importlib
    import sys

    real_import = builtins.__import__

    def no_hypothesis(name, *args, **kwargs):
        if name == "hypothesis" or name.startswith("hypothesis."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    saved = {k: v for k, v in sys.modules.items() if k.startswith("partnerdomain.testing")}
    for key in saved:
        monkeypatch.delitem(sys.modules, key)
    monkeypatch.setattr(builtins, "__import__", no_hypothesis)
    with pytest.raises(ImportError, match=r"partnerdomain\[test\]"):
        importlib.import_module("partnerdomain.testing")
    monkeypatch.setattr(builtins, "__import__", real_import)
    for key, module in saved.items():
        monkeypatch.setitem(sys.modules, key, module)
