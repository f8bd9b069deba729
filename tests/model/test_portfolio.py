import pickle
from datetime import date

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerdomain import Money, Portfolio, Quarter
from partnerdomain.exceptions import ReferentialIntegrityError, UnknownIdError, ValidationError
from partnerdomain.metrics import won_revenue
from partnerdomain.testing import portfolios

AS_OF = date(2026, 9, 30)


def references(portfolio):
    """Every (kind, id, field, target) reference of a portfolio, computed independently."""
    refs = []
    for p in portfolio.partners:
        refs += [("partner", p.id, "managers", m) for m in p.managers.values()]
    for o in portfolio.opportunities:
        refs += [
            ("opportunity", o.id, f, getattr(o, f))
            for f in ("partner_id", "account_executive_id", "partner_manager_id")
        ]
    for a in portfolio.activities:
        refs += [
            ("activity", a.id, f, getattr(a, f))
            for f in ("actor_id", "partner_id", "opportunity_id")
        ]
    for c in portfolio.commitments:
        refs += [("commitment", c.id, f, getattr(c, f)) for f in ("partner_id", "owner_id")]
    refs += [("invoice", i.id, "partner_id", i.partner_id) for i in portfolio.invoices]
    refs += [("mdf payment", m.id, "partner_id", m.partner_id) for m in portfolio.mdf_payments]
    return [r for r in refs if r[3] is not None]


class TestIntegrity:
    @given(portfolios())
    def test_generated_portfolios_are_intact_and_rebuild_equal(self, portfolio):
        assert attrs.evolve(portfolio) == portfolio

    @given(portfolios(min_partners=1, max_opportunities=15), st.data())
    def test_rejects_exactly_the_dangling_references(self, portfolio, data):
        # Remove some partners; the error must list every reference to them, and only those.
        removed = set(
            data.draw(
                st.lists(
                    st.sampled_from([p.id for p in portfolio.partners]), min_size=1, unique=True
                )
            )
        )
        expected = sorted(
            (kind, source_id, target)
            for kind, source_id, field, target in references(portfolio)
            if target in removed and field == "partner_id"
        )
        kept = [p for p in portfolio.partners if p.id not in removed]
        if not expected:
            assert attrs.evolve(portfolio, partners=kept).partners == tuple(kept)
            return
        with pytest.raises(ReferentialIntegrityError) as info:
            attrs.evolve(portfolio, partners=kept)
        found = sorted((d.source_kind, d.source_id, d.target_id) for d in info.value.dangling)
        assert found == expected
        assert all(d.target_kind == "partner" for d in info.value.dangling)

    @given(portfolios(max_managers=4), st.data())
    def test_removing_people_reports_every_reference_to_them(self, portfolio, data):
        people = [m.id for m in portfolio.managers] + [a.id for a in portfolio.account_executives]
        if not people:
            return
        removed = set(data.draw(st.lists(st.sampled_from(people), min_size=1, unique=True)))
        expected = sorted(
            (kind, sid, field.split("[")[0], target)
            for kind, sid, field, target in references(portfolio)
            if target in removed
        )
        managers = [m for m in portfolio.managers if m.id not in removed]
        aes = [a for a in portfolio.account_executives if a.id not in removed]
        if not expected:
            attrs.evolve(portfolio, managers=managers, account_executives=aes)
            return
        with pytest.raises(ReferentialIntegrityError) as info:
            attrs.evolve(portfolio, managers=managers, account_executives=aes)
        found = sorted(
            (d.source_kind, d.source_id, d.field.split("[")[0], d.target_id)
            for d in info.value.dangling
        )
        assert found == expected

    @given(portfolios(), st.data())
    def test_removing_deals_reports_every_activity_logged_against_them(self, portfolio, data):
        ids = [o.id for o in portfolio.opportunities]
        removed = set(data.draw(st.lists(st.sampled_from(ids), unique=True))) if ids else set()
        expected = sorted(
            (kind, sid, target)
            for kind, sid, field, target in references(portfolio)
            if field == "opportunity_id" and target in removed
        )
        kept = [o for o in portfolio.opportunities if o.id not in removed]
        if not expected:
            assert attrs.evolve(portfolio, opportunities=kept).opportunities == tuple(kept)
            return
        with pytest.raises(ReferentialIntegrityError) as info:
            attrs.evolve(portfolio, opportunities=kept)
        found = sorted((d.source_kind, d.source_id, d.target_id) for d in info.value.dangling)
        assert found == expected

    @given(portfolios(min_partners=1))
    def test_duplicate_ids_are_reported(self, portfolio):
        twice = (*portfolio.partners, portfolio.partners[0])
        with pytest.raises(ReferentialIntegrityError) as info:
            attrs.evolve(portfolio, partners=twice)
        assert [(d.kind, d.id, d.count) for d in info.value.duplicates] == [
            ("partner", portfolio.partners[0].id, 2)
        ]

    @given(portfolios(max_opportunities=5))
    def test_every_amount_must_be_in_the_reporting_currency(self, portfolio):
        if not portfolio.opportunities:
            return
        foreign = attrs.evolve(portfolio.opportunities[0], amount=Money(1, "USD"))
        with pytest.raises(ReferentialIntegrityError, match="USD") as info:
            attrs.evolve(portfolio, opportunities=(foreign, *portfolio.opportunities[1:]))
        assert len(info.value.currency_problems) == 1

    def test_a_zero_quota_in_another_currency_is_still_reported(self):
        from partnerdomain import AccountExecutive

        ae = AccountExecutive(id="AE-1", name="Ann", quota=Money(0, "USD"))
        with pytest.raises(ReferentialIntegrityError, match="quota is in USD"):
            Portfolio(as_of=date(2026, 9, 30), currency="EUR", account_executives=[ae])

    def test_the_error_lists_every_problem_not_only_the_first(self):
        from partnerdomain import DealSource, Opportunity, OpportunityStage

        deals = [
            Opportunity(
                id=f"O-{i}",
                partner_id=f"P-{i}",
                source=DealSource.PARTNER_SOURCED,
                amount=Money(1, "EUR"),
                stage=OpportunityStage.REGISTERED,
                stage_since=AS_OF,
                registered_on=AS_OF,
            )
            for i in range(3)
        ]
        with pytest.raises(ReferentialIntegrityError) as info:
            Portfolio(as_of=AS_OF, currency="EUR", opportunities=deals)
        assert [d.target_id for d in info.value.dangling] == ["P-0", "P-1", "P-2"]
        assert "3 problem(s)" in str(info.value)


class TestLookups:
    @given(portfolios(min_partners=1))
    def test_lookups_by_partner_return_exactly_that_partners_entities(self, portfolio):
        for partner in portfolio.partners:
            assert portfolio.partner(partner.id) is partner
            assert portfolio.opportunities_for(partner.id) == tuple(
                o for o in portfolio.opportunities if o.partner_id == partner.id
            )
            assert portfolio.commitments_for(partner.id) == tuple(
                c for c in portfolio.commitments if c.partner_id == partner.id
            )
            assert portfolio.invoices_for(partner.id) == tuple(
                i for i in portfolio.invoices if i.partner_id == partner.id
            )
            assert portfolio.mdf_payments_for(partner.id) == tuple(
                m for m in portfolio.mdf_payments if m.partner_id == partner.id
            )
            assert portfolio.activities_for(partner.id) == tuple(
                a for a in portfolio.activities if a.partner_id == partner.id
            )

    @given(portfolios())
    def test_partners_managed_by_follows_the_assignments(self, portfolio):
        for manager in portfolio.managers:
            assert portfolio.partners_managed_by(manager.id) == tuple(
                p for p in portfolio.partners if manager.id in p.managers.values()
            )

    def test_unknown_ids_raise_a_key_error_naming_the_kind(self):
        empty = Portfolio(as_of=AS_OF, currency="EUR")
        with pytest.raises(UnknownIdError, match="no partner with id 'P-9'"):
            empty.partner("P-9")
        with pytest.raises(KeyError):
            empty.opportunity("O-9")
        assert empty.opportunities_for("P-9") == ()
        assert not empty.has_partner("P-9")

    def test_collections_must_hold_the_right_types(self):
        with pytest.raises(ValidationError, match=r"partners\[0\]"):
            Portfolio(as_of=AS_OF, currency="EUR", partners=["P-1"])

    def test_reporting_currency_is_validated(self):
        with pytest.raises(ValidationError, match="ISO 4217"):
            Portfolio(as_of=AS_OF, currency="euro")


@given(portfolios(max_partners=4, max_opportunities=8), st.integers(0, pickle.HIGHEST_PROTOCOL))
def test_a_portfolio_pickles_without_what_was_derived_from_it(portfolio, protocol):
    before = pickle.dumps(portfolio, protocol=protocol)
    won_revenue(portfolio, [Quarter.from_date(portfolio.as_of)])  # derives an index
    portfolio.partners_managed_by("M-none")  # fills a lookup cache
    after = pickle.dumps(portfolio, protocol=protocol)
    assert after == before  # nothing derived is saved, at any protocol
    copy = pickle.loads(after)
    assert copy == portfolio
    assert won_revenue(copy, [Quarter.from_date(copy.as_of)]) == won_revenue(
        portfolio, [Quarter.from_date(portfolio.as_of)]
    )
