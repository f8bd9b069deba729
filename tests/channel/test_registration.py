from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerdomain import (
    DealSource,
    Money,
    Opportunity,
    OpportunityStage,
    Partner,
    PartnerStage,
    PartnerType,
)
from partnerdomain.channel import (
    RegistrationPolicy,
    RegistrationStatus,
    TieBreak,
    normalise_account_name,
    normalise_domain,
    reject_losers,
)
from partnerdomain.exceptions import UnknownIdError, ValidationError

DAY0 = date(2026, 1, 1)


def registration(
    id_,
    partner,
    day,
    *,
    domain=None,
    name=None,
    source=DealSource.PARTNER_SOURCED,
    stage=OpportunityStage.REGISTERED,
    stage_since=None,
):
    return Opportunity(
        id=id_,
        source=source,
        amount=Money(1000, "EUR"),
        stage=stage,
        stage_since=stage_since or day,
        registered_on=day,
        partner_id=partner,
        account_domain=domain,
        account_name=name,
    )


@st.composite
def registrations(draw):
    count = draw(st.integers(0, 25))
    out = []
    for index in range(count):
        day = DAY0 + timedelta(days=draw(st.integers(0, 300)))
        stage = draw(
            st.sampled_from(
                [
                    OpportunityStage.REGISTERED,
                    OpportunityStage.QUALIFIED,
                    OpportunityStage.WON,
                    OpportunityStage.LOST,
                    OpportunityStage.REJECTED,
                ]
            )
        )
        source = draw(st.sampled_from(list(DealSource)))
        partner = None if source is DealSource.DIRECT else draw(st.sampled_from(["P1", "P2", "P3"]))
        out.append(
            registration(
                f"O{index}",
                partner,
                day,
                domain=draw(
                    st.none() | st.sampled_from(["acme.com", "https://www.ACME.com/", "globex.io"])
                ),
                name=draw(st.none() | st.sampled_from(["Acme Inc.", "Globex", "Initech"])),
                source=source,
                stage=stage,
                stage_since=day + timedelta(days=draw(st.integers(0, 120))),
            )
        )
    return out


policies = st.builds(
    RegistrationPolicy,
    protection_days=st.integers(1, 180),
    tie_breaks=st.permutations(list(TieBreak)).flatmap(
        lambda p: st.integers(0, len(p)).map(lambda n: p[:n])
    ),
)


class TestConflictProperties:
    @given(registrations(), policies)
    def test_exactly_one_registration_wins_each_conflict(self, opportunities, policy):
        review = policy.review(opportunities)
        for conflict in review.conflicts:
            assert conflict.winner.status is RegistrationStatus.WINS
            assert conflict.losers
            assert all(loser.status is RegistrationStatus.LOSES for loser in conflict.losers)
            assert {loser.winner_id for loser in conflict.losers} == {conflict.winner.id}
            ids = [d.id for d in conflict.registrations]
            assert len(ids) == len(set(ids))
        in_conflicts = [d.id for c in review.conflicts for d in c.registrations]
        assert len(in_conflicts) == len(set(in_conflicts))
        winners = {d.id for d in review.decisions if d.status is RegistrationStatus.WINS}
        assert winners == {c.winner.id for c in review.conflicts}

    @given(registrations(), policies)
    def test_every_opportunity_is_decided_or_ignored_with_a_reason(self, opportunities, policy):
        review = policy.review(opportunities)
        decided = [d.id for d in review.decisions]
        ignored = [i.opportunity.id for i in review.ignored]
        assert sorted(decided + ignored) == sorted(o.id for o in opportunities)
        assert all(d.reasons and d.explain() for d in review.decisions)

    @given(registrations(), policies)
    def test_a_loser_was_registered_inside_the_winners_window(self, opportunities, policy):
        review = policy.review(opportunities)
        for loser in review.losers:
            winner = review.decision_for(loser.winner_id)
            assert winner.opportunity.registered_on <= loser.opportunity.registered_on
            assert loser.opportunity.registered_on <= winner.protected_until
            assert loser.protected_until == winner.protected_until

    @given(registrations(), policies, st.randoms(use_true_random=False))
    def test_the_order_registrations_come_in_does_not_matter(self, opportunities, policy, rnd):
        shuffled = list(opportunities)
        rnd.shuffle(shuffled)
        first = {d.id: (d.status, d.winner_id) for d in policy.review(opportunities).decisions}
        second = {d.id: (d.status, d.winner_id) for d in policy.review(shuffled).decisions}
        assert first == second

    @given(registrations(), policies)
    def test_only_an_open_loser_is_told_it_is_rejected(self, opportunities, policy):
        closed = {OpportunityStage.WON, OpportunityStage.LOST}
        for loser in policy.review(opportunities).losers:
            codes = [r.code for r in loser.reasons]
            is_closed = loser.opportunity.stage in closed
            assert ("registration.already_closed" in codes) is is_closed
            assert ("is rejected" in loser.explain()) is not is_closed

    @given(registrations())
    def test_a_losers_explanation_never_names_another_partner(self, opportunities):
        review = RegistrationPolicy().review(opportunities)
        for loser in review.losers:
            others = {"P1", "P2", "P3"} - {loser.opportunity.partner_id}
            assert not any(other in loser.explain() for other in others)


class TestResolution:
    def test_first_registration_within_the_window_wins_and_later_one_is_told_why(self):
        review = RegistrationPolicy(protection_days=90).review(
            [
                registration("O-2", "P2", date(2026, 3, 12), domain="acme.com."),
                registration("O-1", "P1", date(2026, 3, 1), domain="https://www.Acme.com/about"),
            ]
        )
        (conflict,) = review.conflicts
        assert conflict.account == "acme.com"
        assert conflict.winner.id == "O-1"
        assert conflict.winner.protected_until == date(2026, 5, 29)
        loser = review.decision_for("O-2")
        assert loser.reasons[0].code == "registration.within_protection"
        assert loser.reasons[0].facts["days_after"] == 11
        assert "11 day(s) after another partner's registration" in loser.explain()
        with pytest.raises(UnknownIdError, match="nope"):
            review.decision_for("nope")

    def test_a_registration_after_the_window_expired_is_clear(self):
        review = RegistrationPolicy(protection_days=30).review(
            [
                registration("O-1", "P1", date(2026, 1, 1), domain="acme.com"),
                registration("O-2", "P2", date(2026, 1, 31), domain="acme.com"),
            ]
        )
        assert review.conflicts == ()
        assert [d.status for d in review.decisions] == [RegistrationStatus.CLEAR] * 2

    def test_the_last_day_of_the_window_is_still_protected(self):
        review = RegistrationPolicy(protection_days=30).review(
            [
                registration("O-1", "P1", date(2026, 1, 1), domain="acme.com"),
                registration("O-2", "P2", date(2026, 1, 30), domain="acme.com"),
            ]
        )
        assert review.decision_for("O-2").status is RegistrationStatus.LOSES

    def test_a_lost_deal_stops_protecting_its_account_on_the_day_it_was_lost(self):
        review = RegistrationPolicy().review(
            [
                registration(
                    "O-1",
                    "P1",
                    date(2026, 1, 1),
                    domain="acme.com",
                    stage=OpportunityStage.LOST,
                    stage_since=date(2026, 2, 1),
                ),
                registration("O-2", "P2", date(2026, 2, 1), domain="acme.com"),
            ]
        )
        assert review.conflicts == ()

    def test_a_rejected_registration_protects_nothing(self):
        review = RegistrationPolicy().review(
            [
                registration(
                    "O-1",
                    "P1",
                    date(2026, 1, 1),
                    domain="acme.com",
                    stage=OpportunityStage.REJECTED,
                ),
                registration("O-2", "P2", date(2026, 1, 5), domain="acme.com"),
            ]
        )
        assert review.ignored[0].reason.code == "registration.already_rejected"
        assert review.decision_for("O-2").status is RegistrationStatus.CLEAR

    def test_a_second_registration_by_the_same_partner_is_a_duplicate(self):
        review = RegistrationPolicy().review(
            [
                registration("O-1", "P1", date(2026, 1, 1), name="Acme Inc."),
                registration("O-2", "P1", date(2026, 1, 9), name="ACME"),
            ]
        )
        assert review.decision_for("O-2").reasons[0].code == "registration.duplicate"

    def test_a_losing_registration_does_not_extend_the_window(self):
        review = RegistrationPolicy(protection_days=30).review(
            [
                registration("O-1", "P1", date(2026, 1, 1), domain="acme.com"),
                registration("O-2", "P2", date(2026, 1, 20), domain="acme.com"),
                registration("O-3", "P3", date(2026, 2, 10), domain="acme.com"),
            ]
        )
        assert review.decision_for("O-2").status is RegistrationStatus.LOSES
        assert review.decision_for("O-3").status is RegistrationStatus.CLEAR

    def test_registrations_sharing_a_domain_or_a_name_are_one_account(self):
        review = RegistrationPolicy().review(
            [
                registration("O-1", "P1", date(2026, 1, 1), domain="acme.com"),
                registration("O-2", "P2", date(2026, 1, 2), domain="acme.com", name="Acme"),
                registration("O-3", "P3", date(2026, 1, 3), name="Acme GmbH"),
            ]
        )
        assert [d.id for d in review.conflicts[0].losers] == ["O-2", "O-3"]

    def test_matching_on_names_can_be_switched_off(self):
        review = RegistrationPolicy(match_names=False).review(
            [
                registration("O-1", "P1", date(2026, 1, 1), name="Acme"),
                registration("O-2", "P2", date(2026, 1, 2), name="Acme"),
            ]
        )
        assert review.conflicts == ()
        assert {i.reason.code for i in review.ignored} == {"registration.no_account"}

    @staticmethod
    def _won_after_acme_was_registered(registered_after, won_after, **extra):
        """O-1 registers acme.com on DAY0; O-2, won, registered it again later."""
        won = registration(
            "O-2",
            "P2",
            DAY0 + timedelta(days=registered_after),
            domain="acme.com",
            stage=OpportunityStage.WON,
            stage_since=DAY0 + timedelta(days=won_after),
        )
        won = attrs.evolve(won, **extra)
        return RegistrationPolicy().review(
            [registration("O-1", "P1", DAY0, domain="acme.com"), won]
        )

    def test_a_won_deal_inside_another_window_loses_the_conflict_but_is_not_rejected(self):
        review = self._won_after_acme_was_registered(11, 60)
        loser = review.decision_for("O-2")
        assert loser.status is RegistrationStatus.LOSES
        assert [r.code for r in loser.reasons] == [
            "registration.within_protection",
            "registration.already_closed",
        ]
        assert loser.reasons[0].message.endswith("so yours loses the conflict.")
        assert loser.reasons[1].facts == {
            "opportunity_id": "O-2",
            "stage": "won",
            "closed_on": "2026-03-02",
        }
        outcome = reject_losers(review, at=DAY0 + timedelta(days=70))
        assert outcome.rejected == ()
        assert [r.decision.id for r in outcome.refused] == ["O-2"]

    def test_a_won_deal_is_said_to_be_won_on_its_close_date(self):
        review = self._won_after_acme_was_registered(3, 40, close_date=DAY0 + timedelta(days=35))
        closed = review.decision_for("O-2").reasons[-1]
        assert closed.facts["closed_on"] == "2026-02-05"
        assert "already won on 2026-02-05" in closed.message


class TestTies:
    def test_a_sourced_registration_beats_an_influenced_one_of_the_same_day(self):
        review = RegistrationPolicy().review(
            [
                registration(
                    "O-1", "P1", DAY0, domain="acme.com", source=DealSource.PARTNER_INFLUENCED
                ),
                registration("O-2", "P2", DAY0, domain="acme.com"),
            ]
        )
        loser = review.decision_for("O-1")
        assert loser.winner_id == "O-2"
        assert loser.reasons[1].facts["decided_by"] == "partner_sourced_first"

    def test_the_longer_partnership_breaks_a_tie_when_asked_to(self):
        partners = [
            Partner(
                id=pid,
                name=pid,
                partner_type=PartnerType.VAR,
                stage=PartnerStage.ACTIVE,
                stage_since=DAY0,
                joined_on=joined,
            )
            for pid, joined in [("P1", date(2024, 5, 1)), ("P2", date(2021, 5, 1))]
        ]
        review = RegistrationPolicy(tie_breaks=[TieBreak.LONGEST_PARTNERSHIP]).review(
            [
                registration("O-1", "P1", DAY0, domain="acme.com"),
                registration("O-2", "P2", DAY0, domain="acme.com"),
            ],
            partners=partners,
        )
        assert review.conflicts[0].winner.id == "O-2"
        assert review.decision_for("O-1").reasons[1].facts["decided_by"] == "longest_partnership"

    def test_the_opportunity_id_settles_a_tie_nothing_else_settles(self):
        review = RegistrationPolicy(tie_breaks=()).review(
            [
                registration("O-9", "P1", DAY0, domain="acme.com"),
                registration("O-1", "P2", DAY0, domain="acme.com"),
            ]
        )
        assert review.conflicts[0].winner.id == "O-1"
        assert review.decision_for("O-9").reasons[1].facts["decided_by"] == "lowest_opportunity_id"


class TestValidation:
    @pytest.mark.parametrize("days", [0, -3, 1.5, True])
    def test_protection_must_be_a_positive_number_of_days(self, days):
        with pytest.raises(ValidationError, match="protection_days"):
            RegistrationPolicy(protection_days=days)

    def test_duplicate_ids_are_refused(self):
        one = registration("O-1", "P1", DAY0, domain="acme.com")
        with pytest.raises(ValidationError, match="unique ids"):
            RegistrationPolicy().review([one, one])


class TestNormalising:
    @pytest.mark.parametrize(
        "raw",
        [
            "acme.com",
            "ACME.COM",
            "https://www.acme.com/",
            "http://acme.com:8080/x?y#z",
            "acme.com.",
            "bob@Acme.com",
            " www.acme.com ",
        ],
    )
    def test_domains_are_reduced_to_the_bare_host(self, raw):
        assert normalise_domain(raw) == "acme.com"

    @given(st.text())
    def test_normalising_a_domain_is_idempotent(self, text):
        once = normalise_domain(text)
        assert normalise_domain(once) == once

    @given(st.text())
    def test_normalising_a_name_is_idempotent(self, text):
        once = normalise_account_name(text)
        assert normalise_account_name(once) == once

    def test_legal_forms_do_not_tell_accounts_apart(self):
        assert normalise_account_name("Acme, Inc.") == normalise_account_name("ACME") == "acme"
