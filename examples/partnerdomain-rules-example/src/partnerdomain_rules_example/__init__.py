"""An example partnerdomain rule plugin: Python rules plus rules declared in TOML."""

from importlib.resources import files

from partnerdomain.rules import RuleSet, load_rules
from partnerdomain_rules_example.rules import (
    big_deal_keeps_partner_manager,
    gold_needs_two_certified,
)

__all__ = ["rules"]


def rules() -> RuleSet:
    """Return every rule of the plugin (the entry point calls this when it is enabled)."""
    python_rules = RuleSet([gold_needs_two_certified, big_deal_keeps_partner_manager])
    return python_rules | load_rules(files(__package__) / "rules.toml")
