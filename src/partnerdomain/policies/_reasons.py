"""Reasons: the machine-readable "why" behind every result of a policy."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Generic, TypeVar, cast

import attrs

from partnerdomain.model import FrozenMap, Quarter
from partnerdomain.model._frozenmap import EMPTY, frozen_copy

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["Placement", "Reason"]

V = TypeVar("V")


def _as_facts(value: Mapping[str, object]) -> FrozenMap[str, object]:
    # The exact-type test first: isinstance() against an ABC subclass is slow, and a
    # review builds a reason or more for every partner.
    cls = value.__class__
    if cls is dict:
        return frozen_copy(cast("dict[str, object]", value))
    if cls is FrozenMap:
        return cast("FrozenMap[str, object]", value)
    return value if isinstance(value, FrozenMap) else FrozenMap(value)


_PLACES = Decimal("0.0001")


def show_number(value: object) -> str:
    """A number as a reason's text shows it: thousands separated, at most four places.

    The facts keep the exact value; the text rounds a long fraction (a growth ratio of
    28 digits) to four places so that people can read it.
    """
    if isinstance(value, Decimal) and value.is_finite():
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -4:
            with contextlib.suppress(InvalidOperation):  # too many digits to round
                value = value.quantize(_PLACES)
        return f"{value:,}"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _show(value: object) -> str:
    if isinstance(value, Decimal):
        return show_number(value)
    if isinstance(value, Quarter):
        return str(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}={_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, tuple):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    return str(value)


# attrs writes __init__ for every other class; Reason's own sets its slots directly
# (a review builds several reasons per partner, and attrs' frozen __init__ goes through
# object.__setattr__ for each field).
@attrs.frozen(kw_only=True, init=False)
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

    def __init__(
        self,
        *,
        code: str,
        policy: str,
        quarter: Quarter,
        text: str,
        facts: Mapping[str, object] = EMPTY,
    ) -> None:
        """Hold one explained step (see the class's arguments)."""
        _set_code(self, code)
        _set_policy(self, policy)
        _set_quarter(self, quarter)
        _set_text(self, text)
        _set_facts(self, _as_facts(facts))

    def __str__(self) -> str:
        """Explain the step in one line: policy, quarter, text."""
        return f"{self.policy} {self.quarter}: {self.text}"

    def describe(self) -> str:
        """Explain the step with every fact spelled out."""
        facts = ", ".join(f"{k}={_show(v)}" for k, v in self.facts.items())
        return f"{self} [{facts}]"


_set_code, _set_policy, _set_quarter, _set_text, _set_facts = (
    Reason.__dict__[name].__set__ for name in ("code", "policy", "quarter", "text", "facts")
)


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
