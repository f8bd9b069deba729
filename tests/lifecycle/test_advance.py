import pickle
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import attrs
import pytest
from _lifecycle_helpers import DAY, deal, invoice, mdf, partner, promise
from hypothesis import given
from hypothesis import strategies as st
from statemachine import StateChart

from partnerdomain.exceptions import PartnerDomainError, ValidationError
from partnerdomain.lifecycle import (
    ReasonKind,
    TransitionEvent,
    TransitionRejected,
    advance,
    allowed_events,
)
from partnerdomain.lifecycle._compiled import TABLES
from partnerdomain.model import (
    CommitmentStatus,
    ExitReason,
    Money,
    OpportunityStage,
    Partner,
    PartnerStage,
    Portfolio,
    RiskLevel,
)
from partnerdomain.rules import RuleSet, flag, rule, veto
from partnerdomain.testing import commitments, opportunities, partners

ALL_EVENTS = [*sorted({e for table in TABLES.values() for e in table.events}), "fly"]


def rejection(entity, event, **kwargs):
    kwargs.setdefault("at", DAY)
    with pytest.raises(TransitionRejected) as caught:
        advance(entity, event, **kwargs)
    return caught.value


class TestPartnerMoves:
    def test_a_move_returns_the_new_partner_and_the_event_that_records_it(self):
        before = partner(PartnerStage.PROSPECT)
        moved, event = advance(before, "recruit", at=DAY, by="M-7")
        assert (moved.stage, moved.stage_since) == (PartnerStage.RECRUITING, DAY)
        assert event == TransitionEvent(
            entity_kind="partner",
            entity_id="P-1",
            event="recruit",
            source=PartnerStage.PROSPECT,
            target=PartnerStage.RECRUITING,
            at=DAY,
            by="M-7",
        )
        assert before.stage is PartnerStage.PROSPECT

    def test_signing_needs_a_signed_contract_and_a_risk_assessment_and_says_both(self):
        error = rejection(partner(PartnerStage.CONTRACTING), "sign")
        assert error.codes == ("contract_not_signed", "risk_not_assessed")
        assert [r.guard for r in error.reasons] == ["contract_signed", "risk_assessed"]
        assert all(r.kind is ReasonKind.GUARD_FAILED for r in error.reasons)
        assert (error.source, error.target) == ("contracting", "onboarding")

    def test_signing_records_the_contract_date_and_risk_level_given_with_the_move(self):
        result = advance(
            partner(PartnerStage.CONTRACTING),
            "sign",
            at=DAY,
            contract_signed_on=date(2026, 3, 1),
            risk_level="medium",
        )
        assert result.entity.stage is PartnerStage.ONBOARDING
        assert result.entity.contract_signed_on == date(2026, 3, 1)
        assert result.entity.risk_level is RiskLevel.MEDIUM
        assert [r.code for r in result.event.reasons] == ["contract_signed", "risk_assessed"]
        assert all(r.kind is ReasonKind.GUARD_HELD for r in result.event.reasons)

    def test_a_contract_signed_after_the_move_does_not_count(self):
        late = partner(
            PartnerStage.CONTRACTING,
            contract_signed_on=DAY + timedelta(days=1),
            risk_level=RiskLevel.LOW,
        )
        assert rejection(late, "sign").codes == ("contract_signed_later",)

    def test_enablement_needs_every_onboarding_item_done_and_names_the_open_ones(self):
        onboarding = partner(
            PartnerStage.ONBOARDING,
            onboarding_checklist={"portal": True, "training": False, "demo": False},
        )
        error = rejection(onboarding, "enable")
        assert error.codes == ("onboarding_incomplete",)
        assert error.reasons[0].facts["open_items"] == ("training", "demo")
        assert rejection(partner(PartnerStage.ONBOARDING), "enable").codes == (
            "onboarding_checklist_empty",
        )
        done = attrs.evolve(onboarding, onboarding_checklist={"portal": True})
        assert advance(done, "enable", at=DAY).entity.stage is PartnerStage.ENABLEMENT

    def test_offboarding_completes_only_when_clear_and_lists_every_reason(self):
        leaving = partner(PartnerStage.OFFBOARDING)
        error = rejection(
            leaving,
            "complete_offboarding",
            invoices=[invoice("I-1"), invoice("I-2", paid_on=date(2026, 2, 1))],
            mdf_payments=[mdf("F-1"), mdf("F-2", proof_on=date(2026, 2, 1))],
        )
        assert error.codes == ("invoice_outstanding", "mdf_without_proof", "exit_reason_missing")
        assert error.reasons[0].facts["invoice_id"] == "I-1"
        assert error.reasons[1].facts["payment_id"] == "F-1"

    def test_offboarding_fails_closed_when_the_financial_records_are_not_given(self):
        leaving = partner(PartnerStage.OFFBOARDING, exit_reason=ExitReason.CAPACITY)
        assert rejection(leaving, "complete_offboarding").codes == (
            "invoices_not_given",
            "mdf_payments_not_given",
        )

    def test_a_clear_partner_with_an_exit_reason_is_offboarded(self):
        leaving = partner(PartnerStage.OFFBOARDING)
        other_partners_debt = invoice("I-9", partner_id="P-2")
        moved, event = advance(
            leaving,
            "complete_offboarding",
            at=DAY,
            exit_reason="no_value",
            invoices=[invoice(paid_on=date(2026, 2, 1)), other_partners_debt],
            mdf_payments=[mdf(proof_on=date(2026, 2, 1))],
        )
        assert moved.stage is PartnerStage.OFFBOARDED
        assert moved.exit_reason is ExitReason.NO_VALUE
        assert [r.guard for r in event.reasons] == ["financially_clear", "exit_reason_recorded"]

    def test_the_portfolio_can_supply_the_financial_records(self):
        leaving = partner(PartnerStage.OFFBOARDING, exit_reason=ExitReason.STRATEGY_CHANGE)
        owing = Portfolio(as_of=DAY, currency="EUR", partners=[leaving], invoices=[invoice()])
        assert rejection(leaving, "complete_offboarding", portfolio=owing).codes == (
            "invoice_outstanding",
        )
        clear = Portfolio(as_of=DAY, currency="EUR", partners=[leaving])
        moved = advance(leaving, "complete_offboarding", at=DAY, portfolio=clear).entity
        assert moved.stage is PartnerStage.OFFBOARDED

    def test_an_exit_reason_outside_the_vocabulary_is_a_clear_error(self):
        with pytest.raises(ValidationError, match="no_value"):
            advance(partner(PartnerStage.ACTIVE), "offboard", at=DAY, exit_reason="bored")

    def test_a_value_the_event_does_not_record_is_an_error_not_silently_dropped(self):
        with pytest.raises(ValidationError, match="records nothing"):
            advance(partner(), "recruit", at=DAY, exit_reason=ExitReason.OTHER)

    def test_a_move_dated_before_the_stage_began_is_refused(self):
        error = rejection(partner(), "recruit", at=date(2026, 1, 4))
        assert error.codes == ("before_stage_since",)
        assert error.reasons[0].kind is ReasonKind.OUT_OF_ORDER


class TestOpportunityMoves:
    def test_qualifying_needs_an_account_executive_which_the_move_may_assign(self):
        assert rejection(deal(), "qualify").codes == ("no_account_executive",)
        moved = advance(deal(), "qualify", at=DAY, account_executive_id="AE-1").entity
        assert (moved.stage, moved.account_executive_id) == (OpportunityStage.QUALIFIED, "AE-1")

    def test_winning_needs_an_amount_above_zero_and_a_close_date(self):
        zero = deal(
            OpportunityStage.NEGOTIATION,
            account_executive_id="AE-1",
            amount=Money(Decimal(0), "EUR"),
        )
        assert rejection(zero, "win").codes == ("amount_not_positive",)
        won = advance(zero, "win", at=DAY, amount=Money(Decimal(9), "EUR"), close_date=DAY)
        assert won.entity.stage is OpportunityStage.WON
        assert won.entity.close_date == DAY

    def test_a_deal_closes_on_the_day_it_is_won_unless_told_otherwise(self):
        # An expected close date left on the deal would book the revenue a quarter late.
        hopeful = deal(
            OpportunityStage.NEGOTIATION, account_executive_id="AE-1", close_date=date(2026, 12, 15)
        )
        assert advance(hopeful, "win", at=DAY).entity.close_date == DAY
        earlier = advance(hopeful, "win", at=DAY, close_date=date(2026, 3, 1)).entity
        assert earlier.close_date == date(2026, 3, 1)

    @pytest.mark.parametrize("close", [date(2026, 3, 3), date(2025, 12, 31)])
    def test_a_close_date_after_the_move_or_before_registration_is_refused(self, close):
        open_deal = deal(OpportunityStage.NEGOTIATION, account_executive_id="AE-1")
        refused = rejection(open_deal, "win", close_date=close)
        assert refused.codes == ("close_date_out_of_range",)
        assert rejection(open_deal, "lose", close_date=close, loss_reason="price").codes == (
            "close_date_out_of_range",
        )

    def test_any_open_deal_can_be_lost_with_a_loss_reason(self):
        for stage in (s for s in OpportunityStage if s.is_open):
            assert rejection(deal(stage), "lose").codes == ("loss_reason_missing",)
            lost = advance(deal(stage), "lose", at=DAY, loss_reason="budget cut").entity
            assert (lost.stage, lost.loss_reason) == (OpportunityStage.LOST, "budget cut")

    def test_only_a_registration_can_be_rejected(self):
        assert advance(deal(), "reject", at=DAY).entity.stage is OpportunityStage.REJECTED
        assert rejection(deal(OpportunityStage.QUALIFIED), "reject").codes == ("not_allowed",)


class TestCommitmentMoves:
    def test_delivering_a_promise_resolves_it_on_the_day_and_it_is_no_longer_overdue(self):
        late = promise(due_on=date(2026, 2, 1))
        assert late.is_overdue(DAY)
        kept = advance(late, "deliver", at=DAY).entity
        assert (kept.status, kept.resolved_on) == (CommitmentStatus.DELIVERED, DAY)
        assert not kept.is_overdue(DAY)

    def test_a_cancelled_promise_cannot_be_delivered(self):
        cancelled = advance(promise(), "cancel", at=DAY).entity
        assert allowed_events(cancelled) == ()
        error = rejection(cancelled, "deliver")
        assert error.codes == ("not_allowed",)
        assert "final" in error.reasons[0].message

    def test_a_promise_cannot_be_resolved_before_it_was_made(self):
        assert rejection(promise(), "deliver", at=date(2026, 1, 9)).codes == ("before_made_on",)


class TestRefusals:
    def test_an_unknown_event_is_refused_naming_the_lifecycles_events(self):
        error = rejection(partner(), "fly")
        assert error.codes == ("unknown_event",)
        assert error.target is None
        assert "recruit" in error.reasons[0].message

    def test_an_event_from_the_wrong_stage_says_what_is_possible(self):
        error = rejection(partner(), "activate")
        assert error.reasons[0].kind is ReasonKind.NOT_ALLOWED
        assert error.reasons[0].facts["allowed"] == ("recruit", "decline")

    def test_a_refusal_is_a_library_error_that_survives_pickling(self):
        error = rejection(partner(PartnerStage.CONTRACTING), "sign")
        assert isinstance(error, PartnerDomainError)
        copy = pickle.loads(pickle.dumps(error))
        assert (copy.reasons, copy.codes, str(copy)) == (error.reasons, error.codes, str(error))

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"at": datetime(2026, 3, 2, 9, 0, tzinfo=UTC)}, "at"),
            ({"at": "2026-03-02"}, "at"),
            ({"at": DAY, "by": 7}, "by"),
            ({"at": DAY, "rules": [veto]}, "rules"),
        ],
    )
    def test_bad_arguments_are_clear_errors(self, kwargs, field):
        with pytest.raises(ValidationError) as caught:
            advance(partner(), "recruit", **kwargs)
        assert caught.value.field == field

    def test_an_entity_without_a_lifecycle_is_a_clear_error(self):
        with pytest.raises(ValidationError, match="a Partner, an Opportunity or a Commitment"):
            advance("P-1", "recruit", at=DAY)
        with pytest.raises(ValidationError):
            allowed_events(object())


class TestRules:
    def test_a_vetoing_rule_refuses_the_move_and_is_named(self):
        @rule("no-msp-activation", applies_to="transition")
        def no_msp(proposal):
            if proposal.event == "activate" and proposal.entity.partner_type == "msp":
                return veto("MSPs are activated by the channel board", facts={"type": "msp"})
            return None

        error = rejection(partner(PartnerStage.ENABLEMENT), "activate", rules=RuleSet([no_msp]))
        assert error.codes == ("vetoed",)
        reason = error.reasons[0]
        assert (reason.kind, reason.rule_id) == (ReasonKind.VETOED, "no-msp-activation")
        assert reason.message == "MSPs are activated by the channel board"
        assert reason.facts == {"type": "msp"}

    def test_rules_see_the_proposal_before_the_move_with_the_context(self):
        seen = []

        @rule("spy", applies_to="transition")
        def spy(proposal, context):
            seen.append((proposal, dict(context)))

        before = partner(PartnerStage.ACTIVE)
        advance(before, "offboard", at=DAY, by="M-1", rules=RuleSet([spy]), ticket="T-9")
        proposal, context = seen[0]
        assert proposal.entity is before
        assert (proposal.event, proposal.source, proposal.target) == (
            "offboard",
            "active",
            "offboarding",
        )
        assert (proposal.at, proposal.by, dict(proposal.context)) == (DAY, "M-1", context)
        assert context == {"ticket": "T-9"}

    def test_a_failing_rule_refuses_the_move_fail_closed(self):
        @rule("broken", applies_to="transition")
        def broken(_proposal):
            return 1 / 0

        error = rejection(partner(), "recruit", rules=RuleSet([broken]))
        assert error.codes == ("rule_failed",)
        assert error.reasons[0].rule_id == "broken"
        assert "ZeroDivisionError" in error.reasons[0].message

    def test_vetoes_are_reported_with_the_failed_guards(self):
        @rule("freeze", applies_to="transition")
        def freeze(_proposal):
            return veto("contract freeze until April")

        error = rejection(partner(PartnerStage.CONTRACTING), "sign", rules=RuleSet([freeze]))
        assert error.codes == ("contract_not_signed", "risk_not_assessed", "vetoed")

    def test_flags_on_an_accepted_move_are_kept_on_its_event(self):
        @rule("watch", applies_to="transition")
        def watch(_proposal):
            return flag("a large partner is leaving")

        event = advance(partner(PartnerStage.ACTIVE), "offboard", at=DAY, rules=RuleSet([watch]))
        reason = event.event.reasons[-1]
        assert (reason.kind, reason.code, reason.rule_id) == (
            ReasonKind.RULE_DECISION,
            "flag",
            "watch",
        )

    def test_rules_for_other_facts_do_not_run_on_a_move(self):
        @rule("partner-only", applies_to="partner")
        def partner_only(_partner):
            return 1 / 0

        assert advance(partner(), "recruit", at=DAY, rules=RuleSet([partner_only])).entity


ENTITIES = st.one_of(
    partners(max_custom_fields=0),
    opportunities(max_custom_fields=0),
    commitments(max_custom_fields=0),
)


@given(ENTITIES, st.sampled_from(ALL_EVENTS), st.integers(-5, 400))
def test_allowed_events_are_exactly_the_events_advance_does_not_refuse_as_not_allowed(
    entity, event, days
):
    start = getattr(entity, "stage_since", None) or getattr(entity, "made_on", None) or DAY
    at = start + timedelta(days=days)
    try:
        advance(entity, event, at=at)
    except TransitionRejected as error:
        chart_refused = error.codes[0] in {"not_allowed", "unknown_event"}
    except ValidationError:
        chart_refused = False
    else:
        chart_refused = False
    assert (event in allowed_events(entity)) is not chart_refused


@given(ENTITIES, st.sampled_from(ALL_EVENTS), st.integers(-5, 400))
def test_the_input_entity_is_never_changed(entity, event, days):
    copy = attrs.evolve(entity)
    start = getattr(entity, "stage_since", None) or DAY
    try:
        result = advance(entity, event, at=start + timedelta(days=days))
    except (TransitionRejected, ValidationError):
        result = None
    assert entity == copy
    if result is not None:
        assert result.entity is not entity
        assert result.event.source == getattr(copy, "stage", getattr(copy, "status", None))


@given(partners(max_custom_fields=0))
def test_final_partner_stages_allow_no_event(entity):
    if entity.stage.is_final:
        assert allowed_events(entity) == ()
        for event in TABLES[Partner].events:
            assert rejection(entity, event, at=entity.stage_since).codes == ("not_allowed",)
    else:
        assert allowed_events(entity)


def test_advance_and_allowed_events_build_no_state_machine(monkeypatch):
    built = []
    original = StateChart.__init__

    def counting(self, *args, **kwargs):
        built.append(type(self))
        original(self, *args, **kwargs)

    monkeypatch.setattr(StateChart, "__init__", counting)
    entity = partner()
    for event in ("recruit", "offer_contract"):
        assert event in allowed_events(entity)
        entity = advance(entity, event, at=DAY).entity
    with pytest.raises(TransitionRejected):
        advance(entity, "activate", at=DAY)
    assert built == []


def test_loading_entities_from_records_builds_no_state_machine(monkeypatch):
    from partnerdomain.records import from_record, to_record

    built = []
    original = StateChart.__init__

    def counting(self, *args, **kwargs):
        built.append(type(self))
        original(self, *args, **kwargs)

    monkeypatch.setattr(StateChart, "__init__", counting)
    loaded = from_record(Partner, to_record(partner(PartnerStage.ACTIVE)))
    assert allowed_events(loaded) == ("offboard",)
    assert built == []


def test_a_stored_stage_the_chart_does_not_know_fails_at_load_not_later():
    from partnerdomain.records import RecordError, from_record, to_record

    record = to_record(partner(PartnerStage.ACTIVE))
    stage_key = next(k for k, v in record.items() if v == "active")
    record[stage_key] = "actve"
    with pytest.raises(RecordError, match="actve"):
        from_record(Partner, record)
