"""The compiled path and the python-statemachine engine, driven side by side.

Each step fires a random event with a random context at both ``advance`` (tables
compiled from the charts) and a live machine of the same chart, and checks that they
agree (same accept or reject, same target, same reasons, same new entity) and that the
lifecycle's properties hold.
"""

from datetime import date, timedelta
from decimal import Decimal

import attrs
from _lifecycle_helpers import invoice, mdf
from hypothesis import event as event_note
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from statemachine.exceptions import TransitionNotAllowed

from partnerdomain.exceptions import ValidationError
from partnerdomain.lifecycle import (
    TransitionRejected,
    advance,
    allowed_events,
    machine_for,
)
from partnerdomain.lifecycle._compiled import TABLES
from partnerdomain.model import (
    Commitment,
    ExitReason,
    Money,
    Opportunity,
    Partner,
    PartnerStage,
    RiskLevel,
)
from partnerdomain.rules import RuleSet, flag, veto
from partnerdomain.rules import rule as org_rule
from partnerdomain.testing import commitments, opportunities, partners

START = date(2026, 1, 1)


@org_rule("no-moves-on-the-13th", applies_to="transition")
def no_moves_on_the_13th(proposal):
    if proposal.at.day == 13:
        return veto("no moves are booked on the 13th")
    return None


@org_rule("watch-exits", applies_to="transition")
def watch_exits(proposal):
    if proposal.event == "offboard":
        return flag("a partner starts offboarding")
    return None


RULES = RuleSet([no_moves_on_the_13th, watch_exits])

RECORDED_VALUES = {
    "contract_signed_on": lambda at: st.dates(at - timedelta(days=40), at + timedelta(days=3)),
    "risk_level": lambda _at: st.sampled_from(RiskLevel),
    "exit_reason": lambda _at: st.sampled_from([*ExitReason, "poor_performance", "bored"]),
    "account_executive_id": lambda _at: st.sampled_from(["AE-1", "AE-2"]),
    "amount": lambda _at: st.integers(0, 3).map(lambda n: Money(Decimal(n * 1000), "EUR")),
    "close_date": st.just,
    "loss_reason": lambda _at: st.sampled_from(["budget cut", "went direct"]),
}


def _records(at, partner_id):
    paid = st.one_of(st.none(), st.dates(at - timedelta(days=60), at + timedelta(days=10)))
    bills = st.lists(
        st.builds(
            lambda i, p: invoice(f"I-{i}", paid_on=p, partner_id=partner_id),
            st.integers(0, 9),
            paid,
        ),
        max_size=3,
        unique_by=lambda i: i.id,
    )
    funds = st.lists(
        st.builds(
            lambda i, p: mdf(f"F-{i}", proof_on=p, partner_id=partner_id), st.integers(0, 9), paid
        ),
        max_size=3,
        unique_by=lambda i: i.id,
    )
    return st.fixed_dictionaries({}, optional={"invoices": bills, "mdf_payments": funds})


@st.composite
def contexts(draw, entity, event, at):
    """A context for ``event``: some of the values it records, the records its guards read,
    now and then a value it does not record (an error both paths must raise alike)."""
    table = TABLES[type(entity)]
    records = ()
    for row in table.moves.values():
        if event in row:
            records = row[event].records
    context = {}
    for name in records:
        if draw(st.booleans()):
            context[name] = draw(RECORDED_VALUES[name](at))
    if event == "complete_offboarding":
        context.update(draw(_records(at, entity.id)))
    if table.kind.recordable and draw(st.integers(0, 9)) == 0:
        name = draw(st.sampled_from(sorted(table.kind.recordable)))
        context[name] = draw(RECORDED_VALUES[name](at))
    if draw(st.booleans()):
        context["note"] = "from the quarterly review"
    return context


def clearance_held(partner_before, context, at):
    """Offboarding's conditions, computed independently of the library's guards."""
    if "invoices" not in context or "mdf_payments" not in context:
        return False
    outstanding = [
        i
        for i in context["invoices"]
        if i.issued_on <= at and (i.paid_on is None or i.paid_on > at)
    ]
    unproven = [
        m
        for m in context["mdf_payments"]
        if m.paid_on is not None
        and m.paid_on <= at
        and (m.proof_delivered_on is None or m.proof_delivered_on > at)
    ]
    exit_reason = context.get("exit_reason", partner_before.exit_reason)
    return not outstanding and not unproven and exit_reason is not None


def side_by_side(entity_type, entities, mutations):  # noqa: C901 - one class, many checks
    """Build a RuleBasedStateMachine for the lifecycle of the ``entities`` drawn."""

    class SideBySide(RuleBasedStateMachine):
        @initialize(entity=entities)
        def start(self, entity):
            self.entity = entity
            self.table = TABLES[type(entity)]
            self.machine = machine_for(entity, rules=RULES)
            self.stage_field = self.table.kind.stage_field
            self.last_target = self.stage
            self.today = max(
                getattr(entity, "stage_since", None) or START,
                getattr(entity, "made_on", None) or START,
            )

        @property
        def stage(self):
            return getattr(self.entity, self.stage_field)

        @rule(step=st.integers(-2, 20), data=st.data())
        def fire(self, step, data):
            # Mostly an event the chart allows (to walk deep into the graph), else any.
            allowed = allowed_events(self.entity)
            onward = [
                e
                for e in allowed
                if self.table.moves[self.stage][e].target not in self.table.finals
            ]
            pick = data.draw(st.integers(0, 5))
            if onward and pick > 1:
                event = data.draw(st.sampled_from(onward))
            elif allowed and pick:
                event = data.draw(st.sampled_from(allowed))
            else:
                event = data.draw(st.sampled_from([*TABLES[entity_type].events, "fly"]))
            at = self.today + timedelta(days=step)
            context = data.draw(contexts(self.entity, event, at))
            before = self.entity
            compiled = self._compiled(event, at, context)
            engine = self._engine(event, at, context)
            self._agree(compiled, engine)
            was_final = getattr(before, self.stage_field) in self.table.finals
            chart_refused = isinstance(compiled, TransitionRejected) and compiled.codes[0] in {
                "not_allowed",
                "unknown_event",
            }
            assert (event in allowed_events(before)) is not chart_refused
            if was_final:
                assert chart_refused
            if isinstance(compiled, Exception):
                assert self.machine.model.entity == before
                assert set(self.machine.configuration_values) == {self.stage}
                return
            assert compiled.event.source == self.last_target
            if compiled.event.target is PartnerStage.OFFBOARDED:
                assert clearance_held(before, context, at)
            event_note(f"reached {compiled.event.target}")
            self.entity = compiled.entity
            self.last_target = compiled.event.target
            self.today = max(self.today, at)

        @rule(data=st.data())
        def the_world_changes(self, data):
            change = data.draw(st.sampled_from(mutations))
            changed = change(self.entity)
            self.entity = changed
            self.machine.model.entity = changed

        @invariant()
        def the_machine_holds_the_same_entity_in_the_same_stage(self):
            if hasattr(self, "machine"):
                assert self.machine.model.entity == self.entity
                assert set(self.machine.configuration_values) == {self.stage}

        def _compiled(self, event, at, context):
            try:
                return advance(self.entity, event, at=at, rules=RULES, **context)
            except (TransitionRejected, ValidationError) as error:
                return error

        def _engine(self, event, at, context):
            try:
                self.machine.send(event, at=at, **context)
            except (TransitionRejected, ValidationError, TransitionNotAllowed) as error:
                return error
            return self.machine.model

        def _agree(self, compiled, engine):
            if isinstance(compiled, TransitionRejected):
                if compiled.target is None:
                    assert isinstance(engine, TransitionNotAllowed)
                else:
                    assert isinstance(engine, TransitionRejected)
                    assert (engine.target, engine.reasons) == (compiled.target, compiled.reasons)
            elif isinstance(compiled, ValidationError):
                assert isinstance(engine, ValidationError)
                assert (engine.entity, engine.field) == (compiled.entity, compiled.field)
            else:
                assert not isinstance(engine, Exception), engine
                assert engine.entity == compiled.entity
                assert engine.history[-1] == compiled.event

    return SideBySide


def _complete_checklist(partner):
    return attrs.evolve(partner, onboarding_checklist={"portal": True, "training": True})


def _open_checklist(partner):
    return attrs.evolve(partner, onboarding_checklist={"portal": True, "training": False})


def _sign_contract(partner):
    return attrs.evolve(partner, contract_signed_on=partner.stage_since, risk_level=RiskLevel.LOW)


def _assign(deal):
    return attrs.evolve(deal, account_executive_id="AE-9")


def _unassign(deal):
    return attrs.evolve(deal, account_executive_id=None)


def _no_change(entity):
    return entity


PARTNERS = partners(max_custom_fields=0, as_of=START)
DEALS = opportunities(max_custom_fields=0, as_of=START)
PROMISES = commitments(max_custom_fields=0)

PartnerSideBySide = side_by_side(
    Partner, PARTNERS, [_complete_checklist, _open_checklist, _sign_contract, _no_change]
)
OpportunitySideBySide = side_by_side(Opportunity, DEALS, [_assign, _unassign, _no_change])
CommitmentSideBySide = side_by_side(Commitment, PROMISES, [_no_change])

TestPartnerLifecycleAgreesWithTheEngine = PartnerSideBySide.TestCase
TestOpportunityLifecycleAgreesWithTheEngine = OpportunitySideBySide.TestCase
TestCommitmentLifecycleAgreesWithTheEngine = CommitmentSideBySide.TestCase
