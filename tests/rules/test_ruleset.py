"""The rule set: order, isolation, conflicts, immutability, and the interface others use."""

import contextlib
from types import MappingProxyType

import attrs
import pytest
from _rules_helpers import DAY, make_deal, make_partner
from hypothesis import given
from hypothesis import strategies as st

from partnerdomain import Opportunity
from partnerdomain.exceptions import PartnerDomainError, RuleError, ValidationError
from partnerdomain.model import Portfolio
from partnerdomain.rules import (
    DecisionKind,
    FactKind,
    PluginInfo,
    RuleSet,
    Severity,
    TransitionProposal,
    flag,
    override,
    recommend,
    rule,
    veto,
)
from partnerdomain.testing import partners


def overriding(rule_id, target, value, priority=0):
    @rule(rule_id, applies_to="partner", priority=priority)
    def check(_partner):
        return override(target, value, reason=f"{rule_id} says so")

    return check


def flagging(rule_id, priority=0):
    @rule(rule_id, applies_to="partner", priority=priority)
    def check(partner):
        return flag(f"{rule_id} looked", facts={"id": partner.id})

    return check


def raising(rule_id, priority=0):
    @rule(rule_id, applies_to="partner", priority=priority)
    def check(partner):
        return {"x": 1}["missing"] if partner else None

    return check


class TestTheInterfaceOthersUse:
    def test_an_empty_rule_set_decides_nothing(self):
        for rules in (RuleSet(), RuleSet.empty(), RuleSet([])):
            evaluation = rules.evaluate(make_partner())
            assert evaluation.decisions == ()
            assert evaluation.errors == ()
            assert evaluation.override_for("band") is None

    def test_a_decision_names_its_rule_plugin_and_facts_and_explains_itself(self):
        rules = RuleSet([flagging("looks")])
        decision = rules.evaluate(make_partner()).flags[0]
        assert decision.kind is DecisionKind.FLAG
        assert decision.kind == "flag"
        assert decision.rule_id == "looks"
        assert decision.plugin is None
        assert decision.facts == {"id": "P-1"}
        assert decision.severity is Severity.WARNING
        assert str(decision) == "partner P-1: rule looks flags warning: looks looked"

    def test_rules_of_a_plugin_carry_its_distribution_and_version(self):
        info = PluginInfo(name="acme", distribution="acme-rules", version="2.1")
        rules = RuleSet([flagging("looks")], plugin=info)
        decision = rules.evaluate(make_partner()).decisions[0]
        assert decision.plugin == info
        assert str(decision.plugin) == "acme-rules 2.1"
        assert "(acme-rules 2.1)" in str(decision)

    def test_policies_read_the_winning_override_and_the_context(self):
        @rule("bottom-with-two-certs-is-middle", applies_to="partner")
        def lift(partner, context):
            if context.get("band") == "bottom" and partner.certifications >= 2:
                return override("band", "middle", reason="certified partners get ramp help")
            return None

        rules = RuleSet([lift])
        partner = make_partner(certifications=2)
        winner = rules.evaluate(partner, context={"band": "bottom"}).override_for("band")
        assert winner is not None
        assert (winner.value, winner.rule_id) == ("middle", "bottom-with-two-certs-is-middle")
        assert rules.evaluate(partner, context={"band": "top"}).override_for("band") is None

    def test_a_veto_of_a_transition_is_read_by_the_lifecycle(self):
        @rule("big-deals-need-pm", applies_to="transition")
        def needs_pm(proposal):
            deal = proposal.entity
            if proposal.target == "won" and deal.partner_manager_id is None:
                return veto("deals over 250k need the partner manager")
            return None

        proposal = TransitionProposal(
            entity=make_deal(), event="win", source="negotiation", target="won", at=DAY
        )
        evaluation = RuleSet([needs_pm]).evaluate(proposal)
        assert [v.reason for v in evaluation.vetoes] == ["deals over 250k need the partner manager"]
        assert evaluation.fact_kind == "transition"
        assert evaluation.fact_id == "O-1"
        assert not evaluation.ok

    def test_only_the_rules_for_the_kind_of_fact_run(self):
        seen = []

        @rule("on-deals", applies_to=Opportunity)
        def on_deals(deal):
            seen.append(deal.id)

        @rule("on-portfolios", applies_to=FactKind.PORTFOLIO)
        def on_portfolios(portfolio):
            return recommend("review", reason=f"{len(portfolio.partners)} partners")

        rules = RuleSet([on_deals, on_portfolios])
        rules.evaluate(make_partner())
        assert seen == []
        rules.evaluate(make_deal())
        assert seen == ["O-1"]
        evaluation = rules.evaluate(Portfolio(as_of=DAY, currency="EUR"))
        assert [d.action for d in evaluation.recommendations] == ["review"]
        assert evaluation.fact_id is None

    def test_rule_error_is_a_library_error_with_the_rule_and_the_fact(self):
        evaluation = RuleSet([raising("boom")]).evaluate(make_partner())
        (error,) = evaluation.errors
        assert isinstance(error, PartnerDomainError)
        assert (error.rule_id, error.fact_kind, error.fact_id) == ("boom", "partner", "P-1")
        assert isinstance(error.__cause__, KeyError)
        assert "rule 'boom' failed on partner 'P-1'" in str(error)


class TestOrder:
    def test_rules_run_by_priority_then_id_whatever_order_they_were_given_in(self):
        given_rules = [flagging("b", 1), flagging("a", 1), flagging("z", 0), flagging("c", -3)]
        rules = RuleSet(given_rules)
        assert rules.ids == ("c", "z", "a", "b")
        assert [d.rule_id for d in rules.evaluate(make_partner()).decisions] == list(rules.ids)

    def test_two_rules_with_one_id_are_refused_when_the_set_is_built(self):
        with pytest.raises(ValidationError, match="unique rule ids") as caught:
            RuleSet([flagging("same"), flagging("same", priority=4)])
        assert "'same'" in str(caught.value)

    def test_combining_rule_sets_keeps_ids_unique(self):
        combined = RuleSet([flagging("a")]) | RuleSet([flagging("b")])
        assert combined.ids == ("a", "b")
        with pytest.raises(ValidationError):
            _ = combined | RuleSet([flagging("a")])

    @given(
        st.permutations(
            [
                flagging("f1", 2),
                flagging("f2", 0),
                overriding("o1", "band", "top", 1),
                overriding("o2", "band", "middle", 1),
                overriding("o3", "tier", "Gold", 5),
                raising("r1", 3),
            ]
        ),
        partners(),
    )
    def test_results_do_not_depend_on_the_order_rules_were_given_in(self, ordering, partner):
        reference = RuleSet(sorted(ordering, key=lambda r: r.id)).evaluate(partner)
        evaluation = RuleSet(ordering).evaluate(partner)
        assert evaluation == reference
        assert [str(e) for e in evaluation.errors] == [str(e) for e in reference.errors]


class TestIsolation:
    @given(
        st.lists(
            st.tuples(st.integers(-3, 3), st.sampled_from(["top", "middle", "bottom"])),
            max_size=6,
        ),
        st.integers(-3, 3),
        partners(),
    )
    def test_a_rule_that_raises_never_changes_another_rules_decisions(
        self, specs, bad_priority, partner
    ):
        good = [overriding(f"o{i}", "band", v, p) for i, (p, v) in enumerate(specs)]
        good.append(flagging("f", 0))
        alone = RuleSet(good).evaluate(partner)
        with_bad = RuleSet([*good, raising("bad", bad_priority)]).evaluate(partner)
        assert with_bad.decisions == alone.decisions
        assert with_bad.overrides == alone.overrides
        assert with_bad.ambiguities == alone.ambiguities
        assert [e.rule_id for e in with_bad.errors] == ["bad"]

    def test_a_rule_that_fails_half_way_through_its_outcomes_contributes_none(self):
        @rule("half", applies_to="partner")
        def half(_partner):
            yield flag("first")
            msg = "second failed"
            raise RuntimeError(msg)

        evaluation = RuleSet([half, flagging("other")]).evaluate(make_partner())
        assert [d.rule_id for d in evaluation.decisions] == ["other"]
        assert evaluation.errors[0].reason == "RuntimeError: second failed"

    def test_raise_mode_raises_a_rule_error_from_the_original(self):
        rules = RuleSet([flagging("a"), raising("boom")])
        with pytest.raises(RuleError) as caught:
            rules.evaluate(make_partner(), on_error="raise")
        assert caught.value.rule_id == "boom"
        assert isinstance(caught.value.__cause__, KeyError)

    @pytest.mark.parametrize(
        ("returned", "expected"),
        [
            ("a string", "returned 'a string'"),
            (42, "returned 42"),
            ([flag("fine"), "not an outcome"], "returned 'not an outcome'"),
            ({"kind": "flag"}, "returned {'kind': 'flag'}"),
        ],
    )
    def test_a_rule_that_returns_something_else_than_outcomes_is_an_error(self, returned, expected):
        @rule("odd", applies_to="partner")
        def odd(_partner):
            return returned

        (error,) = RuleSet([odd]).evaluate(make_partner()).errors
        assert expected in error.reason

    def test_a_veto_of_something_that_is_not_a_transition_is_an_error(self):
        @rule("veto-partner", applies_to="partner")
        def veto_partner(_partner):
            return veto("no")

        (error,) = RuleSet([veto_partner]).evaluate(make_partner()).errors
        assert "only transitions can be vetoed" in error.reason

    def test_rules_cannot_change_the_fact_or_the_callers_context(self):
        @rule("meddler", applies_to="partner")
        def meddler(partner, context):
            with contextlib.suppress(attrs.exceptions.FrozenInstanceError):
                partner.tier = "Platinum"
            context["band"] = "top"

        context = {"band": "bottom"}
        partner = make_partner()
        (error,) = RuleSet([meddler]).evaluate(partner, context=context).errors
        assert "TypeError" in error.reason
        assert context == {"band": "bottom"}
        assert partner.tier == "Gold"

    def test_the_context_a_rule_sees_is_read_only(self):
        seen = []

        @rule("peek", applies_to="partner")
        def peek(_partner, context):
            seen.append(context)

        RuleSet([peek]).evaluate(make_partner(), context={"band": "top"})
        assert isinstance(seen[0], MappingProxyType)


class TestOverrides:
    def test_the_higher_priority_wins_and_the_loser_is_reported(self):
        rules = RuleSet(
            [overriding("low", "band", "bottom", 1), overriding("high", "band", "top", 9)]
        )
        evaluation = rules.evaluate(make_partner())
        assert evaluation.override_for("band").rule_id == "high"
        assert [d.rule_id for d in evaluation.overridden] == ["low"]
        assert evaluation.ambiguities == ()

    def test_equal_priority_with_different_values_is_ambiguous_never_a_silent_pick(self):
        rules = RuleSet([overriding("a", "band", "top", 3), overriding("b", "band", "bottom", 3)])
        evaluation = rules.evaluate(make_partner())
        assert evaluation.override_for("band") is None
        (ambiguity,) = evaluation.ambiguities
        assert ambiguity.rule_ids == ("a", "b")
        assert "rule a wants 'top', rule b wants 'bottom'" in str(ambiguity)
        assert not evaluation.ok

    def test_equal_priority_with_equal_values_agrees(self):
        rules = RuleSet([overriding("b", "tier", "Gold", 3), overriding("a", "tier", "Gold", 3)])
        evaluation = rules.evaluate(make_partner())
        assert evaluation.override_for("tier").rule_id == "a"
        assert [d.rule_id for d in evaluation.overridden] == ["b"]

    def test_targets_resolve_independently(self):
        rules = RuleSet([overriding("a", "band", "top"), overriding("b", "tier", "Silver")])
        evaluation = rules.evaluate(make_partner())
        assert evaluation.override_for("band").value == "top"
        assert evaluation.override_for("tier").value == "Silver"

    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["band", "tier", "engagement"]),
                st.integers(-2, 2),
                st.sampled_from(["top", "middle", 1, True]),
            ),
            max_size=10,
        )
    )
    def test_overrides_resolve_exactly_as_documented_for_any_set_of_rules(self, specs):
        rules = RuleSet([overriding(f"r{i:02}", t, v, p) for i, (t, p, v) in enumerate(specs)])
        evaluation = rules.evaluate(make_partner())
        every = [d for d in evaluation.decisions if d.kind is DecisionKind.OVERRIDE]
        seen = list(evaluation.overrides) + list(evaluation.overridden)
        seen += [d for a in evaluation.ambiguities for d in a.decisions]
        assert sorted(d.rule_id for d in seen) == sorted(d.rule_id for d in every)
        for target in {t for t, _, _ in specs}:
            mine = [d for d in every if d.target == target]
            top = max(d.priority for d in mine)
            candidates = sorted((d for d in mine if d.priority == top), key=lambda d: d.rule_id)
            values = {(type(d.value), d.value) for d in candidates}
            winner = evaluation.override_for(target)
            if len(values) == 1:
                assert winner == candidates[0]
            else:
                assert winner is None
                (ambiguity,) = [a for a in evaluation.ambiguities if a.target == target]
                assert ambiguity.decisions == tuple(candidates)


class TestRulesAndTheirOutcomes:
    def test_the_decorated_function_stays_callable(self):
        check = flagging("looks")
        assert check(make_partner()).message == "looks looked"
        assert check.applies_to is FactKind.PARTNER

    @pytest.mark.parametrize("bad_id", ["", " x", "has space", "x" * 200, 7])
    def test_a_rule_id_must_be_a_short_plain_name(self, bad_id):
        with pytest.raises(ValidationError, match=r"rule\.id"):
            rule(bad_id, applies_to="partner")

    def test_a_rule_must_apply_to_a_known_kind_of_fact(self):
        with pytest.raises(ValidationError, match=r"rule\.applies_to: expected one of"):
            rule("x", applies_to="customer")

    def test_outcome_helpers_refuse_empty_text_and_unknown_severities(self):
        with pytest.raises(ValidationError, match=r"flag\.severity: expected one of"):
            flag("x", severity="panic")
        with pytest.raises(ValidationError, match=r"Outcome\.reason: expected a non-empty string"):
            veto("  ")
        with pytest.raises(ValidationError, match=r"Outcome\.target"):
            override("", "top", reason="r")
        with pytest.raises(ValidationError, match=r"Outcome\.facts"):
            flag("x", facts=["not", "a", "mapping"])

    @given(st.one_of(st.none(), st.integers(), st.text(), st.lists(st.integers(), max_size=2)))
    def test_only_a_function_can_become_a_rule(self, value):
        with pytest.raises(ValidationError, match="function"):
            rule("x", applies_to="partner")(value)

    @pytest.mark.parametrize("value", [None, 7, "rules"])
    def test_a_rule_set_is_built_from_an_iterable_of_rules(self, value):
        with pytest.raises(ValidationError, match=r"RuleSet\.rules"):
            RuleSet(value)

    def test_an_object_that_is_not_a_rule_is_refused(self):
        with pytest.raises(ValidationError, match="rules: objects with id"):
            RuleSet([lambda _partner: None])

    def test_evaluating_something_that_is_not_a_fact_is_refused(self):
        with pytest.raises(ValidationError, match="a Partner, an Opportunity"):
            RuleSet().evaluate("P-1")
        with pytest.raises(ValidationError, match="'collect' or 'raise'"):
            RuleSet([flagging("a")]).evaluate(make_partner(), on_error="ignore")

    def test_a_rule_set_is_immutable(self):
        rules = RuleSet([flagging("a")])
        with pytest.raises(AttributeError):
            rules._entries = ()
        assert "a" in rules
        assert rules.get("a") is not None
        assert len(rules) == 1
        assert next(iter(rules)).id == "a"

    def test_a_class_can_be_a_rule(self):
        @attrs.frozen
        class MinimumCertifications:
            id: str = "min-certs"
            priority: int = 0
            applies_to: FactKind = FactKind.PARTNER
            minimum: int = 2

            def check(self, partner, _context):
                if partner.certifications < self.minimum:
                    return flag("too few certified engineers", severity="error")
                return None

        evaluation = RuleSet([MinimumCertifications()]).evaluate(make_partner())
        assert evaluation.flags[0].severity is Severity.ERROR

    def test_a_transition_proposal_freezes_its_context(self):
        context = {"reason": "signed"}
        proposal = TransitionProposal(
            entity=make_partner(),
            event="activate",
            source="enablement",
            target="active",
            at=DAY,
            by="M-1",
            context=context,
        )
        context["reason"] = "changed"
        assert proposal.context == {"reason": "signed"}
        assert proposal.entity_kind == "partner"
        with pytest.raises(TypeError):
            proposal.context["reason"] = "x"


@pytest.mark.parametrize(
    ("revenue", "reason"), [(5, "division by zero"), (0, "zero divided by zero")]
)
def test_a_rule_dividing_by_zero_says_so_in_words(revenue, reason):
    from partnerdomain.rules import parse_rules

    rules = parse_rules(
        '[[rules]]\nid = "per-cert"\napplies_to = "partner"\n'
        'when = "revenue / certifications > 1"\nflag = { message = "m" }\n'
    )
    partner = attrs.evolve(make_partner(), certifications=0)
    (error,) = rules.evaluate(partner, context={"revenue": revenue}).errors
    assert error.reason == reason
    assert "decimal" not in str(error)


def test_a_rule_id_used_twice_names_where_each_rule_comes_from():
    from partnerdomain.rules import parse_rules

    text = (
        '[[rules]]\nid = "dup"\napplies_to = "partner"\nwhen = "true"\nflag = { message = "m" }\n'
    )
    first, second = parse_rules(text, source="a.toml"), parse_rules(text, source="b.toml")
    with pytest.raises(ValidationError, match=r"'dup' \(a.toml and b.toml\)"):
        first | second

    @rule("dup", applies_to="partner")
    def in_code(_partner):
        return None

    with pytest.raises(ValidationError, match=r"a.toml and test_ruleset\..*in_code"):
        first | RuleSet([in_code])


def test_decimal_failures_read_as_what_happened_and_a_rules_own_message_is_kept():
    import decimal

    from partnerdomain.rules._ruleset import describe_failure

    def failure(compute):
        try:
            compute()
        except (ArithmeticError, ValueError) as exc:
            return describe_failure(exc)
        raise AssertionError

    def own():
        raise decimal.InvalidOperation("weird amount on deal O-7")

    assert failure(lambda: decimal.Decimal("n/a")) == "text that is not a number"
    assert failure(own) == "InvalidOperation: weird amount on deal O-7"
    infinite = decimal.Decimal("Infinity")
    assert "infinity minus infinity" in failure(lambda: infinite - infinite)
    # The pure-Python decimal raises the signal itself.
    assert describe_failure(decimal.DivisionUndefined("0 / 0")) == "zero divided by zero"
