import io
import json
import re
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import attrs
import pytest
from _schema_check import problems
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerdomain import (
    Commitment,
    Money,
    Opportunity,
    OpportunityStage,
    Partner,
    PartnerManager,
    PartnerStage,
    PartnerType,
    Portfolio,
    Quarter,
)
from partnerdomain.demo import DemoSpec, generate_portfolio
from partnerdomain.exceptions import ValidationError
from partnerdomain.model import Capacity, DealSource, TeamRole
from partnerdomain.policies import EngagementLevel, PerformanceBand, RelativeBands
from partnerdomain.review import (
    SCHEMA_VERSION,
    ReviewPolicies,
    RiskKind,
    RiskThresholds,
    quarterly_review,
    render_json,
    render_markdown,
    render_table,
    review_data,
    review_schema,
    write_json,
)
from partnerdomain.review._data import _compact_encoder, reason_data
from partnerdomain.review._policies import default_staffing
from partnerdomain.review._review import latest_recorded
from partnerdomain.review._view import sections
from partnerdomain.rules import RuleSet, Severity, flag, parse_rules, recommend, rule
from partnerdomain.testing import portfolios

Q3 = Quarter(2026, 3)
AS_OF = date(2026, 9, 30)


@pytest.fixture(scope="module")
def demo():
    return generate_portfolio()


@pytest.fixture(scope="module")
def demo_review(demo):
    return quarterly_review(demo, Q3)


def check_schema(data):
    found = list(problems(data, review_schema()))
    assert found == []


class TestTheDemoReview:
    def test_the_same_input_gives_the_same_documents(self, demo, demo_review):
        again = quarterly_review(demo, Q3)
        assert again.risks == demo_review.risks
        assert render_json(again) == render_json(demo_review)
        assert render_markdown(again) == render_markdown(demo_review)

    def test_the_json_document_follows_its_shipped_schema(self, demo_review):
        data = json.loads(render_json(demo_review))
        assert data["schema_version"] == SCHEMA_VERSION
        check_schema(data)
        assert len(data["partners"]) == demo_review.partners
        check_schema(json.loads(render_json(demo_review, partners=False)))

    def test_each_policys_parameters_are_listed_once_not_in_every_reason(self, demo_review):
        data = json.loads(render_json(demo_review))
        assert {"RelativeBands", "PerformanceTriangle", "ThresholdTiers"} <= set(data["policies"])
        assert data["policies"]["RelativeBands"]["top"] == "0.15"
        facts = [r["facts"] for p in data["partners"] for r in p["reasons"]]
        assert facts
        assert not any("parameters" in f for f in facts)
        # Reasons rendered on their own still carry everything.
        reason = demo_review.bands.placement(demo_review.bands.partner_ids[0]).reasons[0]
        assert "parameters" in reason_data(reason)["facts"]

    def test_the_streamed_document_is_the_rendered_one(self, demo_review):
        for indent in (None, 2, 4):
            stream = io.StringIO()
            write_json(demo_review, stream, indent=indent)
            assert stream.getvalue() == render_json(demo_review, indent=indent)
            assert json.loads(stream.getvalue()) == review_data(demo_review)

    def test_every_part_the_issue_asks_for_is_there_with_reasons(self, demo_review):
        review = demo_review
        assert review.bands.counts[PerformanceBand.TOP] > 0
        assert review.triangle is not None
        assert review.tiers is not None
        assert len(review.managers) == 10
        assert review.staffing is not None
        kinds = {risk.kind for risk in review.risks}
        assert {
            RiskKind.PERPETUAL_POOR_PERFORMER,
            RiskKind.OVERDUE_COMMITMENT,
            RiskKind.UNCOVERED_LARGE_DEAL,
            RiskKind.OVERLOADED_MANAGER,
        } <= kinds
        assert all(risk.reasons for risk in review.risks)
        assert [r.sort_key() for r in review.risks] == sorted(r.sort_key() for r in review.risks)

    def test_a_partner_left_unassigned_on_purpose_is_not_an_unassigned_risk(self, demo_review):
        disengaged = {
            u.partner_id for u in demo_review.allocation.unplaced if u.code == "disengaged"
        }
        assert disengaged, "the demo has perpetual poor performers"
        unassigned = {r.subject_id for r in demo_review.risks_of(RiskKind.UNASSIGNED_PARTNER)}
        poor = {r.subject_id for r in demo_review.risks_of(RiskKind.PERPETUAL_POOR_PERFORMER)}
        assert not disengaged & unassigned
        leaving = {p.id for p in demo_review.portfolio.partners if p.stage.value == "offboarding"}
        assert disengaged <= poor | leaving

    def test_tiers_are_counted_in_the_ladders_order_highest_first(self, demo_review):
        counts = review_data(demo_review, partners=False)["summary"]["tiers"]
        assert list(counts) == ["Platinum", "Gold", "Silver", "Registered"]

    def test_an_overload_without_capacity_is_called_unbounded_not_infinity(self, demo_review):
        texts = [r.reasons[0].text for r in demo_review.risks_of(RiskKind.OVERLOADED_MANAGER)]
        assert any("unbounded" in text for text in texts)
        assert not any("Infinity" in text for text in texts)

    def test_no_manager_is_given_more_hours_than_they_have(self, demo_review):
        for manager in demo_review.managers:
            assert manager.allocated_hours <= manager.available_hours

    def test_the_manager_table_says_how_many_of_its_partners_are_new(self, demo_review):
        section = next(s for s in sections(demo_review, limit=0) if s.key == "managers")
        rows = {row[0]: row for row in section.tables[0].rows}
        new: dict[str, int] = {}
        for assignment in demo_review.allocation.assignments:
            new[assignment.manager_id] = new.get(assignment.manager_id, 0) + 1
        assert new  # the demo has unmanaged partners to assign
        for manager in demo_review.managers:
            shown = rows[manager.manager_id][3]
            if manager.manager_id in new:
                assert shown == f"{manager.partners} ({new[manager.manager_id]} new)"
            else:
                assert shown == str(manager.partners)
        assert any("before them" in line for line in section.lines)

    def test_the_manager_table_says_how_much_of_each_managers_time_goes_to_the_middle(
        self, demo_review
    ):
        section = next(s for s in sections(demo_review, limit=0) if s.key == "managers")
        managers, levels = section.tables[0], section.tables[1]
        assert managers.columns[4:6] == ("Hours", "To middle")
        bands, allocation = demo_review.bands, demo_review.allocation
        for row in managers.rows:
            hours = allocation.hours_of(row[0])
            middle = sum(
                (h for pid, h in hours.items() if bands.band_of(pid) is PerformanceBand.MIDDLE),
                Decimal(0),
            )
            total = sum(hours.values(), Decimal(0))
            assert row[5] == (f"{middle / total * 100:.0f}%" if total else "-")
        # The levels table accounts for every assessed partner and every hour given.
        assert levels.columns == ("Engagement level", "Partners", "Hours", "Hours per partner")
        assert sum(int(row[1]) for row in levels.rows) == len(allocation.engagements)
        given = sum((h.hours for h in allocation.hours), Decimal(0))
        assert sum(Decimal(row[2].replace(",", "")) for row in levels.rows) == given

    def test_at_120_columns_no_role_name_is_cut_across_lines(self, demo_review):
        text = render_table(demo_review, width=120)
        section = text[text.index("Actions Precede Results") :]
        roles = {c.contributor_id: c.role for c in demo_review.metrics.contributors}
        rows = [line for line in section.splitlines() if line and line.split()[0] in roles]
        assert len(rows) == 10
        assert all(roles[line.split()[0]] in line for line in rows)

    def test_the_markdown_report_draws_the_concentration_chart(self, demo_review):
        text = render_markdown(demo_review)
        assert "```mermaid\nxychart-beta" in text
        for title in ("## Program measures", "## Staffing plan", "## Risks", "## Partner bets"):
            assert title in text

    def test_the_terminal_tables_show_every_section(self, demo_review):
        text = render_table(demo_review, width=140)
        for title in ("Program measures", "Revenue concentration", "Engagement and hours"):
            assert title in text
        assert "\x1b[" not in text


def partner(pid, **extra):
    fields = {
        "id": pid,
        "name": f"Partner {pid}",
        "partner_type": PartnerType.RESELLER,
        "stage": PartnerStage.ACTIVE,
        "stage_since": date(2024, 1, 1),
        "joined_on": date(2024, 1, 1),
        "managers": {TeamRole.PARTNER_MANAGER: "M-1"},
    }
    return Partner(**{**fields, **extra})


@pytest.fixture(scope="module")
def small():
    return Portfolio(
        as_of=AS_OF,
        currency="EUR",
        managers=[PartnerManager(id="M-1", name="Dana")],
        partners=[
            partner("P-1"),
            partner("P-2"),
            partner(
                "P-3",
                stage=PartnerStage.ONBOARDING,
                stage_since=AS_OF - timedelta(days=120),
                joined_on=AS_OF - timedelta(days=120),
                onboarding_checklist={"portal": True, "training": False},
            ),
        ],
        opportunities=[
            Opportunity(
                id="O-1",
                source=DealSource.PARTNER_SOURCED,
                amount=Money(250_000, "EUR"),
                stage=OpportunityStage.NEGOTIATION,
                stage_since=date(2026, 9, 1),
                registered_on=date(2026, 7, 1),
                partner_id="P-1",
            ),
            Opportunity(
                id="O-2",
                source=DealSource.PARTNER_SOURCED,
                amount=Money(40_000, "EUR"),
                stage=OpportunityStage.WON,
                stage_since=date(2026, 8, 1),
                registered_on=date(2026, 7, 1),
                partner_id="P-2",
            ),
        ],
        commitments=[
            Commitment(
                id="C-1",
                partner_id="P-2",
                owner_id="M-1",
                description="Joint webinar",
                due_on=AS_OF - timedelta(days=45),
            ),
            Commitment(
                id="C-2",
                partner_id="P-1",
                owner_id="M-1",
                description="Demo environment",
                due_on=AS_OF - timedelta(days=3),
            ),
        ],
    )


class TestRisks:
    def test_each_risk_of_a_small_program_is_found_with_its_numbers(self, small):
        review = quarterly_review(small, Q3)
        found = {(r.kind, r.subject_id): r for r in review.risks}
        late = found[RiskKind.OVERDUE_COMMITMENT, "C-1"]
        assert late.severity is Severity.ERROR
        assert late.reasons[0].facts["days_overdue"] == 45
        assert found[RiskKind.OVERDUE_COMMITMENT, "C-2"].severity is Severity.WARNING
        deal = found[RiskKind.UNCOVERED_LARGE_DEAL, "O-1"]
        assert deal.partner_id == "P-1"
        assert deal.reasons[0].facts["threshold"] == Decimal(100_000)
        stuck = found[RiskKind.STUCK_IN_ONBOARDING, "P-3"]
        assert stuck.reasons[0].facts["open_items"] == ("training",)
        assert review.risks[0].severity is Severity.ERROR

    def test_thresholds_decide_what_is_a_risk(self, small):
        lenient = ReviewPolicies(
            risks=RiskThresholds(large_deal=300_000, onboarding_days=150, overdue_error_days=60)
        )
        review = quarterly_review(small, Q3, policies=lenient)
        kinds = {r.kind for r in review.risks}
        assert RiskKind.UNCOVERED_LARGE_DEAL not in kinds
        assert RiskKind.STUCK_IN_ONBOARDING not in kinds
        assert review.risks_of(RiskKind.OVERDUE_COMMITMENT)[0].severity is Severity.WARNING

    def test_bad_thresholds_are_refused_naming_the_field(self):
        with pytest.raises(ValidationError, match="onboarding_days"):
            RiskThresholds(onboarding_days=0)
        with pytest.raises(ValidationError, match="large_deal"):
            RiskThresholds(large_deal=1.5)


@rule("big-deal-needs-pm", applies_to="opportunity")
def big_deal_needs_pm(opportunity):
    if opportunity.amount.amount >= 200_000 and opportunity.partner_manager_id is None:
        return flag("deals over 200k need a partner manager", severity="error")
    return None


@rule("resellers-get-portal", applies_to="partner")
def resellers_get_portal(_partner, context):
    if context["revenue"] > 0:
        return recommend(
            "invite_to_advisory_board", reason=f"sold in the year to {context['quarter']}"
        )
    return None


@rule("broken", applies_to="partner")
def broken(partner):
    return partner.no_such_field


class TestRules:
    def test_flags_become_risks_and_recommendations_are_kept(self, small):
        review = quarterly_review(
            small, Q3, rules=RuleSet([big_deal_needs_pm, resellers_get_portal])
        )
        flagged = review.risks_of(RiskKind.RULE_FLAG)
        assert [(r.subject_id, r.partner_id, r.severity) for r in flagged] == [
            ("O-1", "P-1", Severity.ERROR)
        ]
        assert flagged[0].reasons[0].facts["rule_id"] == "big-deal-needs-pm"
        assert {d.rule_id for d in review.recommendations} == {"resellers-get-portal"}
        check_schema(review_data(review))

    def test_a_failing_rule_is_reported_once_per_partner_and_never_stops_the_review(self, small):
        review = quarterly_review(small, Q3, rules=RuleSet([broken]))
        errors = review.risks_of(RiskKind.RULE_ERROR)
        assert sorted(r.subject_id for r in errors) == ["P-1", "P-2", "P-3"]
        assert len(review.rule_errors) == 3
        assert "broken" in render_markdown(review)

    def test_rule_overrides_reach_the_bands(self, small):
        @rule("all-top", applies_to="partner")
        def all_top(_partner):
            from partnerdomain.rules import override

            return override("band", "top", reason="strategic")

        review = quarterly_review(small, Q3, rules=RuleSet([all_top]))
        assert review.bands.band_of("P-2") is PerformanceBand.TOP
        assert review.bands.placement("P-2").reasons[-1].facts["rule_id"] == "all-top"

    def test_a_deals_rules_see_what_the_review_knows_of_its_partner(self, demo):
        rules = parse_rules(
            """
            [[rules]]
            id = "top-partner-big-deal"
            applies_to = "opportunity"
            when = '(band ?? "") == "top" and (engagement ?? "") != "" and amount > 100000'
            flag = { message = "a big deal of a top partner" }
            """,
            source="org.toml",
        )
        review = quarterly_review(demo, Q3, rules=rules)
        assert review.rule_errors == ()
        top = set(review.bands.members(PerformanceBand.TOP))
        expected = {
            o.id
            for o in demo.opportunities
            if o.stage.is_open and o.partner_id in top and o.amount.amount > 100_000
        }
        assert expected
        assert {r.subject_id for r in review.risks_of(RiskKind.RULE_FLAG)} == expected

    def test_each_policys_rules_see_what_the_review_knows_of_the_partner(self, demo):
        # The docs' declarative override uses revenue; the second rule uses the band
        # and tier decided before engagement. Neither may fail for want of a fact.
        rules = parse_rules(
            """
            [[rules]]
            id = "big-reseller-is-top"
            applies_to = "partner"
            when = 'revenue > 100000 and partner_type == "reseller"'
            override = { target = "band", value = "top", reason = "big resellers are top" }

            [[rules]]
            id = "gold-top-deal-support"
            applies_to = "partner"
            when = 'band == "top" and tier == "Gold"'
            override = { target = "engagement", value = "deal_support", reason = "gold and top" }
            """,
            source="org.toml",
        )
        review = quarterly_review(demo, Q3, rules=rules)
        assert review.rule_errors == ()
        plain = quarterly_review(demo, Q3)
        lifted = [
            pid
            for pid in plain.bands.members(PerformanceBand.BOTTOM)
            + plain.bands.members(PerformanceBand.MIDDLE)
            if review.bands.band_of(pid) is PerformanceBand.TOP
        ]
        assert lifted, "some big reseller outside the top band is lifted"
        for pid in lifted:
            facts = review.bands.placement(pid).reasons[-1].facts
            assert facts["rule_id"] == "big-reseller-is-top"
            assert plain.bands.value_of(pid) > 100_000
        supported = [
            pid for pid, level in review.allocation.engagements.items() if level.overridden
        ]
        assert supported
        assert all(review.tiers.tier_of(pid) == "Gold" for pid in supported)


def test_a_quarter_past_the_snapshot_or_without_revenue_is_noted(demo):
    later = quarterly_review(demo, Quarter(2030, 1))
    assert any("begins after the portfolio's snapshot of 2026-09-30" in n for n in later.notes)
    assert any("No assessed partner has any" in n for n in later.notes)
    section = next(s for s in sections(later) if s.key == "concentration")
    assert section.tables == ()
    assert "nothing is concentrated" in section.lines[0]
    assert later.concentration.points == ()
    assert later.concentration.share_of_revenue(Decimal("0.2")) == 0
    assert "xychart" not in render_markdown(later)
    assert review_data(later)["concentration"]["points"] == []
    running = quarterly_review(attrs.evolve(demo, as_of=date(2026, 12, 15)), Quarter(2026, 4))
    assert any("ends after the portfolio's snapshot of 2026-12-15" in n for n in running.notes)
    assert not any("snapshot" in n for n in quarterly_review(demo, Q3).notes)


def test_data_recording_events_after_the_snapshot_day_is_noted_with_the_latest(demo):
    earlier = quarterly_review(attrs.evolve(demo, as_of=date(2026, 8, 15)), Q3)
    note, running = [n for n in earlier.notes if "snapshot" in n]
    assert running == (
        "2026Q3 runs past the portfolio's snapshot of 2026-08-15: the review covers the "
        "quarter up to that day only."
    )
    assert note.startswith("The data records events after the portfolio's snapshot day")
    assert "(the latest: opportunity 'O-0000289', registered_on 2026-09-30)" in note
    assert "as of 2026-09-30 or later" in note
    assert "holds nothing" not in note


def _events(portfolio):
    closed = {OpportunityStage.WON, OpportunityStage.LOST, OpportunityStage.REJECTED}
    yield from (d for p in portfolio.partners for d in (p.joined_on, p.contract_signed_on))
    yield from (p.stage_since for p in portfolio.partners)
    for o in portfolio.opportunities:
        yield from (o.registered_on, o.stage_since)
        if o.stage in closed:
            yield o.close_date
    yield from (a.occurred_on for a in portfolio.activities)
    yield from (d for c in portfolio.commitments for d in (c.made_on, c.resolved_on))
    yield from (d for i in portfolio.invoices for d in (i.issued_on, i.paid_on))
    yield from (m.paid_on for m in portfolio.mdf_payments)


@settings(max_examples=60)
@given(portfolios(max_opportunities=12, max_activities=6))
def test_the_latest_recorded_day_is_the_latest_event_of_any_kind(portfolio):
    days = [d for d in _events(portfolio) if d is not None]
    latest = latest_recorded(portfolio)
    if not days:
        assert latest is None
    else:
        assert latest is not None
        assert latest[0] == max(days)
        assert latest[0].isoformat() in latest[1]


def test_policies_are_passed_in_and_replace_the_defaults(small):
    review = quarterly_review(
        small,
        Q3,
        policies=ReviewPolicies(
            bands=RelativeBands(top=Decimal("0.5"), bottom=Decimal("0.2")),
            triangle=None,
            tiers=None,
        ),
    )
    assert review.triangle is None
    assert review.tiers is None
    assert review.bands.parameters["top"] == Decimal("0.5")
    check_schema(review_data(review))


def test_the_triangle_applies_at_scale_and_a_smaller_programs_middle_is_fully_engaged():
    portfolio = generate_portfolio(DemoSpec(partners=120, seed=7))
    review = quarterly_review(portfolio, Q3)
    assert len(review.bands) < 250
    assert review.triangle is None
    assert any("performance triangle: not applied" in n for n in review.notes)
    offboarded = {o.partner_id for o in review.offboarding}
    offboarded |= {p.id for p in portfolio.partners if p.stage is PartnerStage.OFFBOARDING}
    middle = [pid for pid in review.bands.members(PerformanceBand.MIDDLE) if pid not in offboarded]
    assert middle
    assert {review.allocation.level_of(pid) for pid in middle} == {EngagementLevel.FULL_ENGAGEMENT}
    forced = quarterly_review(portfolio, Q3, policies=ReviewPolicies(triangle_at=0))
    assert forced.triangle is not None
    assert not any("performance triangle" in n for n in forced.notes)
    # Without triangle_at, the staffing policy's leadership stage decides.
    staffing, _ = default_staffing(portfolio, Q3)
    earlier = attrs.evolve(staffing, parameters=attrs.evolve(staffing.parameters, leadership_at=50))
    led = quarterly_review(portfolio, Q3, policies=ReviewPolicies(staffing=earlier))
    assert led.triangle is not None
    assert led.staffing is not None
    assert str(led.staffing.next_structure).startswith("leadership")


def test_arguments_of_the_wrong_kind_are_refused_by_name(small):
    with pytest.raises(ValidationError, match="quarter"):
        quarterly_review(small, "2026Q3")
    with pytest.raises(ValidationError, match="rules"):
        quarterly_review(small, Q3, rules=[big_deal_needs_pm])
    with pytest.raises(ValidationError, match="triangle"):
        ReviewPolicies(triangle="yes")
    with pytest.raises(ValidationError, match="triangle_at"):
        ReviewPolicies(triangle_at=-1)


@settings(max_examples=25)
@given(portfolios(max_partners=6, max_opportunities=10, max_activities=4))
def test_any_portfolio_gets_a_review_whose_documents_follow_the_schema(portfolio):
    quarter = Quarter.from_date(portfolio.as_of)
    review = quarterly_review(portfolio, quarter)
    data = review_data(review)
    check_schema(data)
    # The streamed document is the same text, and the same data, as the whole one.
    for indent in (None, 2):
        text = render_json(review, indent=indent)
        separators = (",", ":") if indent is None else None
        assert text == json.dumps(data, indent=indent, ensure_ascii=False, separators=separators)
        stream = io.StringIO()
        write_json(review, stream, indent=indent, partners=False)
        alone = json.loads(stream.getvalue())
        assert alone.keys() == data.keys() - {"partners"}
        assert all(alone[k] == data[k] for k in alone if k != "policies")
        # Without the partners' rows, every policy is listed all the same.
        assert alone["policies"] == data["policies"]
    points = review.concentration.points
    if review.concentration.total:
        assert points[0] == (0, 0)
        assert all(a[1] <= b[1] for a, b in pairwise(points))
        assert points[-1][1] == 1
    else:
        assert points == ()
    for manager in review.managers:
        assert manager.allocated_hours <= manager.available_hours
    assert render_markdown(review).startswith(f"# Quarterly partner review {quarter}")


def _containers_of(inner):
    # A named function, not a lambda: hypothesis reads a lambda's source to check that
    # it recurses, which misleads it when the file changes under a running session.
    return st.lists(inner, max_size=4) | st.dictionaries(
        st.text(alphabet=st.characters(exclude_categories=()), max_size=5), inner, max_size=4
    )


JSON_READY = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.text(alphabet=st.characters(exclude_categories=())),
    _containers_of,
    max_leaves=12,
)


@given(JSON_READY)
def test_the_compact_encoder_writes_what_json_writes(value):
    # With the fast extra, orjson writes the rows of a compact document; whatever it
    # writes must be json's text to the character, and whatever it refuses json writes.
    plain_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    assert _compact_encoder(plain_json)(value) == plain_json(value)


def test_a_one_partner_program_reads_in_the_singular():
    portfolio = Portfolio(
        as_of=AS_OF,
        currency="EUR",
        partners=[
            Partner(
                id="P-1",
                name="Solo",
                partner_type=PartnerType.RESELLER,
                stage=PartnerStage.ACTIVE,
                stage_since=date(2024, 1, 1),
            )
        ],
    )
    assert "1 partner, 1 assessed" in render_markdown(quarterly_review(portfolio, Q3))


def test_rendering_refuses_what_is_not_a_review_or_a_bad_count_by_name(demo_review):
    with pytest.raises(ValidationError, match=re.escape("render_json.review: expected a Review")):
        render_json("nope")
    with pytest.raises(ValidationError, match=re.escape("review_data.review")):
        review_data({"quarter": "2026Q3"})
    with pytest.raises(
        ValidationError, match=re.escape("render_markdown.limit: expected an int >= 0")
    ):
        render_markdown(demo_review, limit=-1)
    with pytest.raises(ValidationError, match=re.escape("render_table.width")):
        render_table(demo_review, width="wide")
    with pytest.raises(ValidationError, match=re.escape("render_json.indent")):
        render_json(demo_review, indent=-2)
    with pytest.raises(ValidationError, match=re.escape("write_json.review")):
        write_json(None, io.StringIO())


def test_a_bottom_band_crowded_by_ties_is_noted_and_a_plain_one_is_not(demo_review, small):
    (note,) = [n for n in demo_review.notes if n.startswith("The bottom band holds")]
    bottom = demo_review.bands.counts[PerformanceBand.BOTTOM]
    assert f"holds {bottom} of 224 ranked partners" in note
    assert "ties are never split" in note
    assert not any(n.startswith("The bottom band") for n in quarterly_review(small, Q3).notes)


def test_the_crowded_bottom_note_counts_the_policys_band_not_the_rules_moves(demo):
    rules = parse_rules(
        """
        [[rules]]
        id = "resellers-down"
        applies_to = "partner"
        when = 'partner_type == "reseller"'
        override = { target = "band", value = "bottom", reason = "resellers are bottom" }
        """
    )
    review = quarterly_review(demo, Q3, rules=rules)
    policy_bottom = review.bands.members_before_overrides(PerformanceBand.BOTTOM)
    assert len(review.bands.members(PerformanceBand.BOTTOM)) > len(policy_bottom)
    (note,) = [n for n in review.notes if n.startswith("The bottom band holds")]
    assert f"holds {len(policy_bottom)} of 224 ranked partners" in note


def test_a_managers_unrecorded_capacity_is_the_staffing_policys_in_both_parts_of_a_review():
    partners = [
        Partner(
            id=f"P-{i}",
            name="x",
            partner_type=PartnerType.RESELLER,
            stage=PartnerStage.ACTIVE,
            stage_since=date(2026, 8, 1),
            joined_on=date(2026, 8, 1),  # ramping: not disengaged for selling nothing
        )
        for i in range(5)
    ]
    portfolio = Portfolio(
        as_of=AS_OF,
        currency="EUR",
        partners=partners,
        managers=[PartnerManager(id="M-1", name="D")],
    )
    assert len(quarterly_review(portfolio, Q3).allocation.assignments) == 5
    staffing, _ = default_staffing(portfolio, Q3)
    small = attrs.evolve(
        staffing,
        parameters=attrs.evolve(
            staffing.parameters,
            capacity={TeamRole.PARTNER_MANAGER: Capacity(recruit=12, ramp=12, manage=4)},
        ),
    )
    review = quarterly_review(portfolio, Q3, policies=ReviewPolicies(staffing=small))
    assert len(review.allocation.assignments) == 4
    assert [u.code for u in review.allocation.unplaced] == ["no_capacity"]
    (load,) = review.staffing.loads
    assert load.capacity.manage == 4


def test_the_engagement_tables_caption_stands_just_before_it(demo_review):
    lines = render_markdown(demo_review).splitlines()
    at = lines.index("| Engagement level | Partners | Hours | Hours per partner |")
    assert lines[at - 2].startswith("Per engagement level: its partners")
    table = render_table(demo_review, width=200).splitlines()
    caption = next(i for i, line in enumerate(table) if line.startswith("Per engagement level"))
    assert "Engagement level" in table[caption + 1]
