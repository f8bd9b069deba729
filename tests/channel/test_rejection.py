from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from partnerdomain import DealSource, Money, Opportunity, OpportunityStage
from partnerdomain.channel import RegistrationPolicy, reject_losers
from partnerdomain.exceptions import ReasonKind
from partnerdomain.rules import RuleSet, rule, veto

DAY0 = date(2026, 1, 1)


def registration(id_, partner, day, *, stage=OpportunityStage.REGISTERED, domain="acme.com"):
    return Opportunity(
        id=id_,
        source=DealSource.PARTNER_SOURCED,
        amount=Money(1000, "EUR"),
        stage=stage,
        stage_since=day,
        registered_on=day,
        partner_id=partner,
        account_domain=domain,
    )


OPEN = [
    OpportunityStage.REGISTERED,
    OpportunityStage.REGISTERED,
    OpportunityStage.QUALIFIED,
    OpportunityStage.PROPOSAL,
]


@given(
    st.lists(
        st.tuples(st.integers(0, 60), st.sampled_from(OPEN), st.sampled_from(["a.com", "b.com"])),
        max_size=12,
    )
)
def test_every_loser_is_rejected_or_reported_and_winners_are_untouched(rows):
    regs = [
        registration(f"O-{i}", f"P-{i}", DAY0 + timedelta(days=d), stage=stage, domain=domain)
        for i, (d, stage, domain) in enumerate(rows)
    ]
    review = RegistrationPolicy().review(regs)
    outcome = reject_losers(review, at=DAY0 + timedelta(days=90))
    handled = [r.decision.id for r in outcome.rejected] + [r.decision.id for r in outcome.refused]
    assert sorted(handled) == sorted(d.id for d in review.losers)
    for item in outcome.rejected:
        assert item.opportunity.stage is OpportunityStage.REJECTED
        assert item.decision.opportunity.stage is OpportunityStage.REGISTERED
        assert item.event.target == OpportunityStage.REJECTED
    for item in outcome.refused:
        assert item.decision.opportunity.stage is not OpportunityStage.REGISTERED
        assert any(r.kind is ReasonKind.NOT_ALLOWED for r in item.error.reasons)
    winners = {c.winner.id for c in review.conflicts}
    assert winners.isdisjoint(outcome.opportunities)


def test_a_rule_can_veto_a_rejection_and_the_loser_is_reported():
    @rule("keep-strategic", applies_to="transition")
    def keep(proposal):
        if proposal.event == "reject" and proposal.entity.partner_id == "P-2":
            return veto("strategic partners are reviewed by hand")
        return None

    review = RegistrationPolicy().review(
        [registration("O-1", "P-1", DAY0), registration("O-2", "P-2", DAY0 + timedelta(days=3))]
    )
    outcome = reject_losers(review, at=DAY0 + timedelta(days=5), rules=RuleSet([keep]))
    assert outcome.rejected == ()
    (refused,) = outcome.refused
    assert refused.decision.id == "O-2"
    assert "strategic partners are reviewed by hand" in str(refused.error)


def test_rules_see_the_winner_and_the_explanation():
    seen = {}

    @rule("look", applies_to="transition")
    def look(proposal):
        seen.update(proposal.context)

    review = RegistrationPolicy().review(
        [registration("O-1", "P-1", DAY0), registration("O-2", "P-2", DAY0 + timedelta(days=3))]
    )
    reject_losers(review, at=DAY0 + timedelta(days=5), rules=RuleSet([look]))
    assert seen["winner_id"] == "O-1"
    assert "protected until" in seen["registration_reason"]
