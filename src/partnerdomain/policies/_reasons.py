"""Reasons: the machine-readable "why" behind every result of a policy."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Generic, TypeVar, cast

import attrs

from partnerdomain.model import FrozenMap, Quarter

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["Placement", "Reason"]

V = TypeVar("V")


def _as_facts(value: Mapping[str, object]) -> FrozenMap[str, object]:
    # The exact-type test first: isinstance() against an ABC subclass is slow, and a
    # review builds a reason or more for every partner.
    cls = value.__class__
    if cls is dict:
        return FrozenMap(value)
    if cls is FrozenMap:
        return cast("FrozenMap[str, object]", value)
    return value if isinstance(value, FrozenMap) else FrozenMap(value)


def _show(value: object) -> str:
    if isinstance(value, Decimal):
        return f"{value:,}" if value.is_finite() else str(value)
    if isinstance(value, Quarter):
        return str(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}={_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, tuple):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    return str(value)


@attrs.frozen(kw_only=True)
class Reason:
    """One explained step of a decision, with the facts it used.

    ``code`` says what kind of step it was (``"ranked"``, ``"grace_period"``,
    ``"override"``, ...); ``facts`` holds the inputs and thresholds by name (metric
    value, rank, cut-off, ...), ready for a report or a CRM field; ``str()`` gives a
    one-line explanation.

    Args:
        code: What kind of step this was; stable, lower-case.
        policy: The policy (or rule) that took the step.
        quarter: The quarter the decision is for.
        text: A one-line explanation for people.
        facts: The facts used, by name.
    """

    code: str
    policy: str
    quarter: Quarter
    text: str
    facts: FrozenMap[str, object] = attrs.field(factory=FrozenMap, converter=_as_facts)

    def __str__(self) -> str:
        """Explain the step in one line: policy, quarter, text."""
        return f"{self.policy} {self.quarter}: {self.text}"

    def describe(self) -> str:
        """Explain the step with every fact spelled out."""
        facts = ", ".join(f"{k}={_show(v)}" for k, v in self.facts.items())
        return f"{self} [{facts}]"


@attrs.frozen(kw_only=True)
class Placement(Generic[V]):
    """Where one policy put one partner, and why.

    Args:
        partner_id: The partner.
        value: The band, segment, tier or engagement level it got.
        reasons: Every step that led there, in order; rule overrides come last.
    """

    partner_id: str
    value: V
    reasons: tuple[Reason, ...]

    @property
    def overridden(self) -> bool:
        """Whether a rule of the organisation overrode the policy's answer."""
        return any(r.code == "override" for r in self.reasons)

    def explain(self) -> str:
        """Return every reason on its own line."""
        return "\n".join(str(r) for r in self.reasons)


def join_reasons(*groups: Iterable[Reason]) -> tuple[Reason, ...]:
    """Concatenate groups of reasons into one tuple."""
    return tuple(r for group in groups for r in group)
