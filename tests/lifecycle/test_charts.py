import pytest
from hypothesis import given
from hypothesis import strategies as st
from statemachine import State, StateChart

from partnerdomain.exceptions import ValidationError
from partnerdomain.lifecycle import (
    CommitmentLifecycle,
    OpportunityLifecycle,
    PartnerLifecycle,
    lifecycle_of,
    stage_from_value,
)
from partnerdomain.lifecycle._compiled import TABLES, compile_chart
from partnerdomain.lifecycle._decide import PARTNER
from partnerdomain.model import (
    Commitment,
    CommitmentStatus,
    Opportunity,
    OpportunityStage,
    Partner,
    PartnerStage,
)

CHARTS = [
    (PartnerLifecycle, PartnerStage, Partner),
    (OpportunityLifecycle, OpportunityStage, Opportunity),
    (CommitmentLifecycle, CommitmentStatus, Commitment),
]


def edges(chart):
    return {
        (state.value.value, event.id, transition.target.value.value)
        for state in chart.states_map.values()
        for transition in state.transitions
        for event in transition.events
    }


@pytest.mark.parametrize(("chart", "stages", "entity_type"), CHARTS)
def test_every_stage_is_a_state_of_its_chart_and_every_state_a_stage(chart, stages, entity_type):
    assert set(chart.states_map) == set(stages)
    assert lifecycle_of(entity_type) is chart


@pytest.mark.parametrize(("chart", "stages", "entity_type"), CHARTS)
def test_charts_raise_on_an_event_without_a_transition(chart, stages, entity_type):  # noqa: ARG001
    assert chart.allow_event_without_transition is False
    assert TABLES[entity_type].chart is chart


def test_partner_chart_has_exactly_the_graph_of_the_issue():
    assert edges(PartnerLifecycle) == {
        ("prospect", "recruit", "recruiting"),
        ("recruiting", "offer_contract", "contracting"),
        ("contracting", "sign", "onboarding"),
        ("onboarding", "enable", "enablement"),
        ("enablement", "activate", "active"),
        ("prospect", "decline", "declined"),
        ("recruiting", "decline", "declined"),
        ("contracting", "decline", "declined"),
        ("onboarding", "offboard", "offboarding"),
        ("enablement", "offboard", "offboarding"),
        ("active", "offboard", "offboarding"),
        ("offboarding", "complete_offboarding", "offboarded"),
    }


def test_opportunity_chart_has_exactly_the_graph_of_the_issue():
    open_stages = ("registered", "qualified", "proposal", "negotiation")
    assert edges(OpportunityLifecycle) == {
        ("registered", "qualify", "qualified"),
        ("qualified", "propose", "proposal"),
        ("proposal", "negotiate", "negotiation"),
        ("negotiation", "win", "won"),
        ("registered", "reject", "rejected"),
        *((stage, "lose", "lost") for stage in open_stages),
    }


def test_commitment_chart_goes_from_open_to_delivered_or_cancelled():
    assert edges(CommitmentLifecycle) == {
        ("open", "deliver", "delivered"),
        ("open", "cancel", "cancelled"),
    }


def test_final_states_of_the_charts_are_the_final_stages_of_the_model():
    assert {s.value for s in PartnerLifecycle.final_states} == {
        s for s in PartnerStage if s.is_final
    }
    assert {s.value for s in OpportunityLifecycle.final_states} == {
        s for s in OpportunityStage if s.is_closed
    }
    assert {s.value for s in CommitmentLifecycle.final_states} == {
        CommitmentStatus.DELIVERED,
        CommitmentStatus.CANCELLED,
    }


def test_guards_of_the_issue_are_declared_on_their_transitions():
    def guards(entity_type, stage, event):
        return [g.name for g in TABLES[entity_type].moves[stage][event].guards]

    assert guards(Partner, PartnerStage.CONTRACTING, "sign") == [
        "contract_signed",
        "risk_assessed",
    ]
    assert guards(Partner, PartnerStage.ONBOARDING, "enable") == ["onboarding_complete"]
    assert guards(Partner, PartnerStage.OFFBOARDING, "complete_offboarding") == [
        "financially_clear",
        "exit_reason_recorded",
    ]
    for stage, event in [
        (OpportunityStage.REGISTERED, "qualify"),
        (OpportunityStage.QUALIFIED, "propose"),
        (OpportunityStage.PROPOSAL, "negotiate"),
    ]:
        assert guards(Opportunity, stage, event) == ["account_executive_assigned"]
    assert guards(Opportunity, OpportunityStage.NEGOTIATION, "win") == [
        "account_executive_assigned",
        "amount_positive",
        "close_date_set",
    ]
    for stage in (s for s in OpportunityStage if s.is_open):
        assert guards(Opportunity, stage, "lose") == ["loss_reason_recorded", "close_date_set"]


def test_a_chart_missing_a_stage_does_not_compile():
    class Partial(StateChart):
        prospect = State(initial=True, value=PartnerStage.PROSPECT)
        declined = State(final=True, value=PartnerStage.DECLINED)
        decline = prospect.to(declined)

    with pytest.raises(TypeError, match="stages without a state"):
        compile_chart(Partial, PARTNER)


@pytest.mark.parametrize(("chart", "stages", "entity_type"), CHARTS)
def test_a_stored_stage_value_reads_as_the_stage(chart, stages, entity_type):  # noqa: ARG001
    for member in stages:
        assert stage_from_value(entity_type, member.value) is member
        assert stage_from_value(entity_type, member) is member


@given(st.text(max_size=12).filter(lambda s: s not in set(PartnerStage)))
def test_an_unknown_stored_stage_is_a_clear_error_naming_every_stage(value):
    with pytest.raises(ValidationError) as caught:
        stage_from_value(Partner, value)
    error = caught.value
    assert (error.entity, error.field, error.value) == ("Partner", "stage", value)
    for member in PartnerStage:
        assert member.value in error.expected


def test_an_unknown_stage_cannot_even_be_in_an_entity():
    from _lifecycle_helpers import partner

    with pytest.raises(ValidationError, match="stage"):
        partner(stage="actve")


def test_a_stage_of_a_type_without_a_lifecycle_is_an_error():
    with pytest.raises(ValidationError):
        stage_from_value(str, "active")
    with pytest.raises(ValidationError):
        lifecycle_of(str)
