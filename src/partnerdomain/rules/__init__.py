"""Organisation rules as plugins: flag, override, veto and recommend, with reasons.

Write rules as decorated functions (:func:`rule`), declare them in a TOML file whose
conditions are safe, type-checked expressions (:func:`load_rules`, needs the ``rules``
extra), or ship them in an installable plugin (:func:`load_plugins`). Evaluate them on
a partner, an opportunity, a portfolio or a proposed lifecycle transition with
:meth:`RuleSet.evaluate`: every decision names its rule, its plugin and the facts it
used; a rule that fails becomes a :class:`RuleError` and never changes another rule's
decisions. This layer imports only the model and the exceptions.
"""

from partnerdomain.exceptions import PluginError, RuleError, RuleLoadError
from partnerdomain.rules._decision import (
    Decision,
    DecisionKind,
    Outcome,
    PluginInfo,
    Severity,
    flag,
    override,
    recommend,
    veto,
)
from partnerdomain.rules._declarative import (
    MAX_EXPRESSION_LENGTH,
    Condition,
    DeclarativeRule,
    load_rules,
    parse_condition,
    parse_rules,
)
from partnerdomain.rules._evaluation import Ambiguity, Evaluation
from partnerdomain.rules._facts import (
    FACT_SCHEMAS,
    Fact,
    FactField,
    FactKind,
    FactType,
    TransitionProposal,
)
from partnerdomain.rules._plugins import ENTRY_POINT_GROUP, available_plugins, load_plugins
from partnerdomain.rules._rule import FunctionRule, Rule, RuleResult, rule
from partnerdomain.rules._ruleset import RuleSet

__all__ = [
    "ENTRY_POINT_GROUP",
    "FACT_SCHEMAS",
    "MAX_EXPRESSION_LENGTH",
    "Ambiguity",
    "Condition",
    "Decision",
    "DecisionKind",
    "DeclarativeRule",
    "Evaluation",
    "Fact",
    "FactField",
    "FactKind",
    "FactType",
    "FunctionRule",
    "Outcome",
    "PluginError",
    "PluginInfo",
    "Rule",
    "RuleError",
    "RuleLoadError",
    "RuleResult",
    "RuleSet",
    "Severity",
    "TransitionProposal",
    "available_plugins",
    "flag",
    "load_plugins",
    "load_rules",
    "override",
    "parse_condition",
    "parse_rules",
    "recommend",
    "rule",
    "veto",
]
