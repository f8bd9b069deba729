"""What a rule decides: flags, overrides, vetoes and recommendations, with provenance.

A rule returns *outcomes* (:func:`flag`, :func:`override`, :func:`veto`,
:func:`recommend`): what it decided and the facts it used. The rule set turns each
outcome into a :class:`Decision` by adding who decided (the rule's id and priority, the
plugin it came from) and about what (the kind and id of the fact). A rule cannot claim
to be another rule: the provenance is always the engine's.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final

import attrs

from partnerdomain.exceptions import ValidationError

__all__ = [
    "Decision",
    "DecisionKind",
    "Outcome",
    "PluginInfo",
    "Severity",
    "flag",
    "override",
    "recommend",
    "veto",
]


class DecisionKind(StrEnum):
    """The kinds of decision a rule can make."""

    FLAG = "flag"
    """Something a person should look at, with a severity and a message."""
    OVERRIDE = "override"
    """Replace a policy's answer for a target (``"band"``, ``"tier"``, ...) by a value."""
    VETO = "veto"
    """Refuse a proposed lifecycle transition, with a reason."""
    RECOMMEND = "recommend"
    """Suggest an action, with a reason."""


class Severity(StrEnum):
    """How urgent a flag is."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@attrs.frozen(kw_only=True)
class PluginInfo:
    """Where a plugin's rules came from: its entry point and installed distribution.

    Args:
        name: The entry-point name (what ``load_plugins`` is asked to enable).
        distribution: The name of the installed distribution that provides it.
        version: That distribution's version.
    """

    name: str
    distribution: str
    version: str

    def __str__(self) -> str:
        """Return ``"distribution version"``."""
        return f"{self.distribution} {self.version}"


def _freeze_facts(value: object) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise ValidationError("Outcome", "facts", value, "a mapping of fact name to value")
    for key in value:
        if not isinstance(key, str):
            raise ValidationError("Outcome", "facts", key, "fact names that are strings")
    return MappingProxyType({k: _plain(v) for k, v in value.items()})


def _plain(value: object) -> object:
    """Return a string enum member's plain value, anything else as it is."""
    enum_value = getattr(value, "value", None)
    if isinstance(enum_value, str) and isinstance(value, str):
        return enum_value
    return value


_EMPTY: Final[Mapping[str, object]] = MappingProxyType({})


@attrs.frozen(kw_only=True)
class Outcome:
    """What a rule decided, before the rule set stamps who decided it.

    Build one with :func:`flag`, :func:`override`, :func:`veto` or :func:`recommend`.
    """

    kind: DecisionKind
    facts: Mapping[str, object] = attrs.field(default=_EMPTY, converter=_freeze_facts, eq=False)
    severity: Severity | None = None
    message: str | None = None
    target: str | None = None
    value: object = None
    reason: str | None = None
    action: str | None = None


def _text(what: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("Outcome", what, value, "a non-empty string")
    return value


def flag(
    message: str,
    *,
    severity: Severity | str = Severity.WARNING,
    facts: Mapping[str, object] = _EMPTY,
) -> Outcome:
    """Flag something for a person to look at.

    Args:
        message: What is wrong, in one line.
        severity: ``"info"``, ``"warning"`` (the default) or ``"error"``.
        facts: The fact names and values the rule looked at.

    Raises:
        ValidationError: If the message is empty or the severity unknown.
    """
    try:
        level = Severity(severity)
    except ValueError:
        expected = f"one of {[s.value for s in Severity]}"
        raise ValidationError("flag", "severity", severity, expected) from None
    return Outcome(
        kind=DecisionKind.FLAG, severity=level, message=_text("message", message), facts=facts
    )


def override(
    target: str, value: object, *, reason: str, facts: Mapping[str, object] = _EMPTY
) -> Outcome:
    """Replace a policy's answer for ``target`` by ``value``.

    Args:
        target: What to override: ``"band"``, ``"triangle"``, ``"tier"``, ``"engagement"``
            or any target your own code reads.
        value: The new value, e.g. ``"top"`` for the target ``"band"``.
        reason: Why, in one line.
        facts: The fact names and values the rule looked at.

    Raises:
        ValueError: If the target or reason is empty.
    """
    return Outcome(
        kind=DecisionKind.OVERRIDE,
        target=_text("target", target),
        value=_plain(value),
        reason=_text("reason", reason),
        facts=facts,
    )


def veto(reason: str, *, facts: Mapping[str, object] = _EMPTY) -> Outcome:
    """Refuse the proposed transition the rule looks at.

    Args:
        reason: Why the move must not happen, in one line.
        facts: The fact names and values the rule looked at.

    Raises:
        ValueError: If the reason is empty.
    """
    return Outcome(kind=DecisionKind.VETO, reason=_text("reason", reason), facts=facts)


def recommend(action: str, *, reason: str, facts: Mapping[str, object] = _EMPTY) -> Outcome:
    """Suggest an action.

    Args:
        action: What to do, e.g. ``"assign_german_speaking_psm"``.
        reason: Why, in one line.
        facts: The fact names and values the rule looked at.

    Raises:
        ValueError: If the action or reason is empty.
    """
    return Outcome(
        kind=DecisionKind.RECOMMEND,
        action=_text("action", action),
        reason=_text("reason", reason),
        facts=facts,
    )


@attrs.frozen(kw_only=True)
class Decision:
    """One decision of one rule about one fact, with everything that explains it.

    Attributes:
        kind: Flag, override, veto or recommend.
        rule_id: The id of the rule that decided.
        priority: That rule's priority (larger wins conflicts).
        plugin: The plugin the rule came from, or ``None`` for rules not from a plugin.
        fact_kind: The kind of fact decided about (``"partner"``, ...).
        fact_id: The id of that fact (``None`` for a portfolio).
        facts: The fact names and values the rule used.
        severity: For a flag, how urgent it is.
        message: For a flag, what is wrong.
        target: For an override, what it overrides (``"band"``, ``"tier"``, ...).
        value: For an override, the new value.
        reason: For an override, veto or recommendation, why.
        action: For a recommendation, what to do.
    """

    kind: DecisionKind
    rule_id: str
    priority: int
    plugin: PluginInfo | None
    fact_kind: str
    fact_id: str | None
    facts: Mapping[str, object] = attrs.field(default=_EMPTY, eq=False)
    severity: Severity | None = None
    message: str | None = None
    target: str | None = None
    value: object = None
    reason: str | None = None
    action: str | None = None

    @classmethod
    def from_outcome(  # noqa: PLR0913 - provenance has this many parts
        cls,
        outcome: Outcome,
        *,
        rule_id: str,
        priority: int,
        plugin: PluginInfo | None,
        fact_kind: str,
        fact_id: str | None,
    ) -> Decision:
        """Stamp an outcome with the rule and fact it belongs to."""
        return cls(
            kind=outcome.kind,
            rule_id=rule_id,
            priority=priority,
            plugin=plugin,
            fact_kind=fact_kind,
            fact_id=fact_id,
            facts=outcome.facts,
            severity=outcome.severity,
            message=outcome.message,
            target=outcome.target,
            value=outcome.value,
            reason=outcome.reason,
            action=outcome.action,
        )

    def __str__(self) -> str:
        """Explain the decision in one line."""
        about = self.fact_kind if self.fact_id is None else f"{self.fact_kind} {self.fact_id}"
        if self.kind is DecisionKind.FLAG:
            what = f"flags {self.severity}: {self.message}"
        elif self.kind is DecisionKind.OVERRIDE:
            what = f"sets {self.target} to {self.value!r}: {self.reason}"
        elif self.kind is DecisionKind.VETO:
            what = f"vetoes the move: {self.reason}"
        else:
            what = f"recommends {self.action}: {self.reason}"
        source = "" if self.plugin is None else f" ({self.plugin})"
        return f"{about}: rule {self.rule_id}{source} {what}"
