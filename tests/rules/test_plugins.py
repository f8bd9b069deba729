"""Rule plugins: discovered through entry points, enabled only by name, errors that name them.

The example plugin under examples/partnerdomain-rules-example must be installed in the
environment (``pip install -e examples/partnerdomain-rules-example``), as a user would
install a plugin; the other plugins here are distributions installed into a temporary
directory on ``sys.path`` for the test.
"""

import textwrap
from importlib.metadata import version

import pytest
from _rules_helpers import DAY, make_deal, make_partner

from partnerdomain import PartnerType
from partnerdomain.exceptions import PluginError
from partnerdomain.rules import (
    ENTRY_POINT_GROUP,
    PluginInfo,
    RuleSet,
    TransitionProposal,
    available_plugins,
    load_plugins,
)

EXAMPLE = PluginInfo(
    name="example",
    distribution="partnerdomain-rules-example",
    version=version("partnerdomain-rules-example"),
)

MODULE = """
from partnerdomain.rules import RuleSet, flag, rule

@rule("extra-flag", applies_to="partner", priority=3)
def extra_flag(partner):
    return flag("extra looked")

def rules():
    return RuleSet([extra_flag])

def failing():
    raise RuntimeError("the plugin's factory is broken")

def clash():
    @rule("gold-needs-two-certified", applies_to="partner")
    def same_id(partner):
        return None
    return [same_id]

NOT_RULES = 42
"""

ENTRY_POINTS = """
[partnerdomain.rules]
extra = extra_rules_mod:rules
failing = extra_rules_mod:failing
not-rules = extra_rules_mod:NOT_RULES
missing-module = no_such_module_anywhere:rules
clash = extra_rules_mod:clash
"""


@pytest.fixture
def extra_plugins(tmp_path, monkeypatch):
    """Install a distribution 'extra-rules 0.3' with several plugins into a temp dir."""
    (tmp_path / "extra_rules_mod.py").write_text(textwrap.dedent(MODULE), encoding="utf-8")
    info = tmp_path / "extra_rules-0.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: extra-rules\nVersion: 0.3\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(ENTRY_POINTS, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(__import__("sys").modules, "extra_rules_mod", raising=False)
    return tmp_path


class TestTheExamplePlugin:
    def test_it_is_discovered_through_its_entry_point_but_not_enabled(self):
        assert ENTRY_POINT_GROUP == "partnerdomain.rules"
        assert EXAMPLE in available_plugins()
        assert load_plugins([]) == RuleSet()

    def test_enabling_it_loads_its_python_and_toml_rules_with_its_version(self):
        rules = load_plugins(["example"])
        assert set(rules.ids) == {
            "gold-needs-two-certified",
            "big-deal-keeps-partner-manager",
            "dach-msp-german-psm",
            "no-win-without-partner-manager",
        }
        assert rules.plugins == (EXAMPLE,)
        assert all(rules.plugin_of(rule_id) == EXAMPLE for rule_id in rules.ids)

    def test_its_rules_decide_about_partners_deals_and_moves(self):
        rules = load_plugins("example")
        partner = make_partner(partner_type=PartnerType.MSP, region="DACH")
        evaluation = rules.evaluate(partner)
        assert [d.rule_id for d in evaluation.decisions] == [
            "dach-msp-german-psm",
            "gold-needs-two-certified",
        ]
        assert all(d.plugin == EXAMPLE for d in evaluation.decisions)
        assert rules.evaluate(make_deal()).recommendations[0].action == "assign_partner_manager"
        proposal = TransitionProposal(
            entity=make_deal(), event="win", source="negotiation", target="won", at=DAY
        )
        (vetoed,) = rules.evaluate(proposal).vetoes
        assert vetoed.plugin == EXAMPLE


@pytest.mark.usefixtures("extra_plugins")
class TestAllowListAndErrors:
    def test_an_installed_plugin_is_loaded_only_when_named(self):
        names = {p.name for p in available_plugins()}
        assert {"extra", "failing", "not-rules", "example"} <= names
        assert "extra-flag" not in load_plugins(["example"])
        rules = load_plugins(["example", "extra"])
        assert "extra-flag" in rules
        assert rules.plugin_of("extra-flag") == PluginInfo(
            name="extra", distribution="extra-rules", version="0.3"
        )

    @pytest.mark.parametrize("names", [["example", "extra"], ["extra", "example", "extra"]])
    def test_the_order_plugins_are_enabled_in_does_not_matter(self, names):
        rules = load_plugins(names)
        assert rules == load_plugins(sorted(names))
        assert rules.evaluate(make_partner()) == load_plugins(["extra", "example"]).evaluate(
            make_partner()
        )

    def test_a_plugin_that_is_not_installed_is_named_in_the_error(self):
        with pytest.raises(PluginError, match="is not installed") as caught:
            load_plugins(["example", "acme-rules"])
        assert caught.value.name == "acme-rules"
        assert "example" in caught.value.reason

    @pytest.mark.parametrize(
        ("name", "reason"),
        [
            ("failing", "its factory failing failed: RuntimeError: the plugin's factory is broken"),
            ("not-rules", "its entry point gives 42"),
            ("missing-module", "cannot be loaded from 'no_such_module_anywhere:rules'"),
        ],
    )
    def test_a_broken_plugin_is_named_with_its_distribution(self, name, reason):
        with pytest.raises(PluginError) as caught:
            load_plugins([name])
        error = caught.value
        assert (error.name, error.distribution, error.version) == (name, "extra-rules", "0.3")
        assert reason in error.reason
        assert f"rule plugin {name!r} (from extra-rules 0.3)" in str(error)

    def test_two_plugins_with_one_rule_id_are_an_error_naming_both(self):
        with pytest.raises(PluginError, match="clash with another enabled plugin") as caught:
            load_plugins(["example", "clash"])
        assert "plugin example" in str(caught.value)
        assert "plugin clash" in str(caught.value)

    def test_a_plugin_name_must_be_a_string(self):
        with pytest.raises(PluginError, match="entry-point name"):
            load_plugins([None])
