"""What rules look at: the kinds of fact, the transition proposal, and the fact schemas.

A rule applies to one kind of fact: a partner, an opportunity, a whole portfolio, or a
proposed lifecycle transition. Declarative rules see a fact through its *schema*: a
fixed, typed, documented list of named values (``partner_type``, ``revenue``, ...).
Most come from the entity itself; a few need more than the entity (a partner's revenue
needs its deals) and come from the read-only ``context`` the caller passes to
:meth:`~partnerdomain.rules.RuleSet.evaluate`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Final, TypeAlias

import attrs

from partnerdomain.model import Commitment, Money, Opportunity, Partner, Portfolio

__all__ = [
    "FACT_SCHEMAS",
    "Fact",
    "FactField",
    "FactKind",
    "FactType",
    "MissingFactError",
    "TransitionProposal",
    "fact_id",
    "kind_of",
]


class FactKind(StrEnum):
    """The kinds of fact a rule can apply to."""

    PARTNER = "partner"
    OPPORTUNITY = "opportunity"
    PORTFOLIO = "portfolio"
    TRANSITION = "transition"


def _freeze_context(value: Mapping[str, object]) -> Mapping[str, object]:
    return MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class TransitionProposal:
    """A lifecycle move that is about to happen: the fact a transition rule looks at.

    Args:
        entity: The partner, opportunity or commitment *before* the move.
        event: The lifecycle event, e.g. ``"activate"`` or ``"win"``.
        source: The value of the stage it is in now.
        target: The value of the stage it would move to.
        at: The day of the move.
        by: Who asks for it, if known.
        context: The extra keyword context given to the lifecycle (read-only).
    """

    entity: Partner | Opportunity | Commitment
    event: str
    source: str
    target: str
    at: date
    by: str | None = None
    context: Mapping[str, object] = attrs.field(factory=dict, converter=_freeze_context, eq=False)

    @property
    def entity_kind(self) -> str:
        """The kind of entity that moves: ``"partner"``, ``"opportunity"`` or ``"commitment"``."""
        return _ENTITY_KINDS.get(type(self.entity), type(self.entity).__name__.lower())


_ENTITY_KINDS: Final = {
    Partner: "partner",
    Opportunity: "opportunity",
    Commitment: "commitment",
}

#: Anything a rule can be evaluated on.
Fact: TypeAlias = Partner | Opportunity | Portfolio | TransitionProposal

_KINDS: Final[dict[type, FactKind]] = {
    Partner: FactKind.PARTNER,
    Opportunity: FactKind.OPPORTUNITY,
    Portfolio: FactKind.PORTFOLIO,
    TransitionProposal: FactKind.TRANSITION,
}


def kind_of(fact: object) -> FactKind | None:
    """Return the kind of ``fact``, or ``None`` if no rule can look at it."""
    kind = _KINDS.get(type(fact))
    if kind is None:
        for cls, candidate in _KINDS.items():
            if isinstance(fact, cls):
                return candidate
    return kind


def fact_id(fact: object) -> str | None:
    """Return the id a fact is known by (the moved entity's for a transition)."""
    if isinstance(fact, TransitionProposal):
        return fact.entity.id
    value = getattr(fact, "id", None)
    return value if isinstance(value, str) else None


class FactType(StrEnum):
    """The value types of the declarative language, as the schemas use them."""

    STRING = "string"
    NUMBER = "number"
    BOOLEAN = "boolean"
    STRINGS = "list of strings"


class MissingFactError(LookupError):
    """A named fact a rule needs was not provided (e.g. ``revenue`` not in the context)."""

    def __init__(self, name: str, how: str) -> None:
        """Build the error from the fact's name and how to provide it."""
        self.name = name
        msg = f"the rule needs the fact {name!r}, which was not provided: {how}"
        super().__init__(msg)


Getter: TypeAlias = Callable[[object, Mapping[str, object]], object]


@attrs.frozen(kw_only=True)
class FactField:
    """One named value a declarative rule may use.

    Args:
        name: The name used in expressions.
        type: Its value type.
        nullable: Whether it may be ``null`` (use ``??`` to give a default).
        doc: What it means, in words.
        source: ``"entity"`` when read from the fact itself, ``"context"`` when read from
            the ``context`` passed to ``evaluate``.
        choices: The values it can take, when they are a fixed vocabulary (a comparison
            with any other string literal is rejected when the rule is loaded).
        get: Reads the value from the fact and the context.
        attribute: The fact's attribute that holds the value, when it is read as it is
            (lets compiled rules read it without a function call).
    """

    name: str
    type: FactType
    nullable: bool
    doc: str
    source: str
    choices: frozenset[str] | None
    get: Getter = attrs.field(eq=False, repr=False)
    attribute: str | None = None


def _number(value: object) -> object:
    if isinstance(value, Money):
        return value.amount
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float):
        msg = f"expected a number or Money, got {value!r}"
        raise TypeError(msg)
    return value


def _attr(name: str) -> Getter:
    def get(fact: object, _context: Mapping[str, object]) -> object:
        return getattr(fact, name)

    return get


def _context_number(name: str) -> Getter:
    how = f"pass it in the context, e.g. evaluate(fact, context={{{name!r}: ...}})"

    def get(_fact: object, context: Mapping[str, object]) -> object:
        try:
            value = context[name]
        except KeyError:
            raise MissingFactError(name, how) from None
        if type(value) is int or type(value) is Decimal:
            return value
        return _number(value)

    return get


def _context_text(name: str) -> Getter:
    def get(_fact: object, context: Mapping[str, object]) -> object:
        value = context.get(name)
        if value is None:
            return None
        return str(getattr(value, "value", value))

    return get


def _field(  # noqa: PLR0913 - a schema entry has this many parts
    name: str,
    type_: FactType,
    doc: str,
    *,
    get: Getter | None = None,
    nullable: bool = False,
    source: str = "entity",
    choices: type[StrEnum] | tuple[str, ...] | None = None,
) -> FactField:
    return FactField(
        name=name,
        type=type_,
        nullable=nullable,
        doc=doc,
        source=source,
        choices=None
        if choices is None
        else frozenset(choices)
        if isinstance(choices, tuple)
        else frozenset(m.value for m in choices),
        get=get if get is not None else _attr(name),
        attribute=name if get is None else None,
    )


_S, _N, _B, _L = FactType.STRING, FactType.NUMBER, FactType.BOOLEAN, FactType.STRINGS

# The answers of the policies (partnerdomain.policies sits above the rules, so its enums
# are named here by value; a test keeps the two the same).
BAND_VALUES: Final = ("top", "middle", "bottom", "ramping")
SEGMENT_VALUES: Final = ("aggressive_growth", "growth_potential", "limited_growth")
ENGAGEMENT_VALUES: Final = (
    "executive_access",
    "proactive_account_management",
    "full_engagement",
    "ramp_support",
    "deal_support",
    "light_touch",
    "inside_support",
    "disengage",
)

_CONTEXT_FIELDS: Final = (
    _field(
        "band",
        _S,
        "The performance band a policy computed (context key 'band'), or null.",
        get=_context_text("band"),
        nullable=True,
        source="context",
        choices=BAND_VALUES,
    ),
    _field(
        "triangle",
        _S,
        "The performance-triangle segment a policy computed (context key 'triangle'), or null.",
        get=_context_text("triangle"),
        nullable=True,
        source="context",
        choices=SEGMENT_VALUES,
    ),
    _field(
        "engagement",
        _S,
        "The engagement level a policy computed (context key 'engagement'), or null.",
        get=_context_text("engagement"),
        nullable=True,
        source="context",
        choices=ENGAGEMENT_VALUES,
    ),
    _field(
        "quarter",
        _S,
        "The quarter being decided, e.g. '2026Q3' (context key 'quarter'), or null.",
        get=_context_text("quarter"),
        nullable=True,
        source="context",
    ),
)


def _partner_fields() -> tuple[FactField, ...]:
    from partnerdomain.model import PartnerStage, PartnerType, RiskLevel  # noqa: PLC0415

    return (
        _field("id", _S, "The partner's id."),
        _field("name", _S, "The company name."),
        _field(
            "partner_type",
            _S,
            "The kind of partner, e.g. 'reseller' or 'msp'.",
            choices=PartnerType,
        ),
        _field(
            "stage",
            _S,
            "The lifecycle stage, e.g. 'active'.",
            choices=PartnerStage,
        ),
        _field("tier", _S, "The program tier's name, e.g. 'Gold', or null.", nullable=True),
        _field("country", _S, "The country code, or null.", nullable=True),
        _field("region", _S, "The sales region, e.g. 'DACH', or null.", nullable=True),
        _field("languages", _L, "The languages it works in, e.g. ['en', 'de']."),
        _field("certifications", _N, "How many of its engineers are certified."),
        _field("onboarding_complete", _B, "Whether every onboarding item is done."),
        _field("onboarding_progress", _N, "The share of onboarding items done, 0 to 1."),
        _field(
            "risk_level",
            _S,
            "The pre-contract risk assessment ('low', 'medium', 'high'), or null.",
            nullable=True,
            choices=RiskLevel,
        ),
        _field(
            "has_contract",
            _B,
            "Whether a partner contract was signed.",
            get=lambda p, _c: getattr(p, "contract_signed_on", None) is not None,
        ),
        _field(
            "revenue",
            _N,
            "The partner's revenue in the reporting currency (context key 'revenue': a "
            "number or Money); the caller computes it, e.g. with partnerdomain.metrics. A "
            "rule that uses it fails with a RuleError naming 'revenue' when it is missing.",
            get=_context_number("revenue"),
            source="context",
        ),
        *_CONTEXT_FIELDS,
    )


def _opportunity_fields() -> tuple[FactField, ...]:
    from partnerdomain.model import DealSource, OpportunityStage  # noqa: PLC0415

    return (
        _field("id", _S, "The deal's id."),
        _field("name", _S, "The deal's name, or null.", nullable=True),
        _field(
            "source",
            _S,
            "Who brought it: 'partner_sourced', 'partner_influenced' or 'direct'.",
            choices=DealSource,
        ),
        _field(
            "amount",
            _N,
            "The deal's value (a number; its currency is 'currency').",
            get=lambda o, _c: o.amount.amount,  # type: ignore[attr-defined]
        ),
        _field(
            "currency",
            _S,
            "The currency of the amount, e.g. 'EUR'.",
            get=lambda o, _c: o.amount.currency,  # type: ignore[attr-defined]
        ),
        _field(
            "stage",
            _S,
            "Where it stands in the funnel, e.g. 'proposal' or 'won'.",
            choices=OpportunityStage,
        ),
        _field("is_open", _B, "Whether it is still in the funnel."),
        _field("is_won", _B, "Whether it was won."),
        _field("partner_id", _S, "The partner that brought or helped it, or null.", nullable=True),
        _field(
            "has_partner_manager",
            _B,
            "Whether a partner manager is on the deal.",
            get=lambda o, _c: getattr(o, "partner_manager_id", None) is not None,
        ),
        _field(
            "has_account_executive",
            _B,
            "Whether an account executive owns the deal.",
            get=lambda o, _c: getattr(o, "account_executive_id", None) is not None,
        ),
        _field("account_name", _S, "The customer account, or null.", nullable=True),
        *_CONTEXT_FIELDS,
    )


def _portfolio_fields() -> tuple[FactField, ...]:
    return (
        _field("currency", _S, "The reporting currency."),
        _field(
            "partner_count",
            _N,
            "How many partners it holds.",
            get=lambda p, _c: len(p.partners),  # type: ignore[attr-defined]
        ),
        _field(
            "manager_count",
            _N,
            "How many members the partner team has.",
            get=lambda p, _c: len(p.managers),  # type: ignore[attr-defined]
        ),
        _field(
            "opportunity_count",
            _N,
            "How many deals it holds.",
            get=lambda p, _c: len(p.opportunities),  # type: ignore[attr-defined]
        ),
        _field(
            "open_opportunity_count",
            _N,
            "How many of its deals are still open.",
            get=lambda p, _c: sum(o.is_open for o in p.opportunities),  # type: ignore[attr-defined]
        ),
        _field(
            "quarter",
            _S,
            "The quarter being decided (context key 'quarter'), or null.",
            get=_context_text("quarter"),
            nullable=True,
            source="context",
        ),
    )


def _entity(name: str, kinds: tuple[type, ...]) -> Getter:
    def get(fact: object, _context: Mapping[str, object]) -> object:
        entity = fact.entity  # type: ignore[attr-defined]
        if not isinstance(entity, kinds):
            return None
        value = getattr(entity, name)
        if isinstance(value, Money):
            return value.amount
        return getattr(value, "value", value)

    return get


def _transition_fields() -> tuple[FactField, ...]:
    return (
        _field("event", _S, "The lifecycle event, e.g. 'activate' or 'win'."),
        _field("source", _S, "The stage it is in now."),
        _field("target", _S, "The stage it would move to."),
        _field(
            "entity_kind",
            _S,
            "What moves: 'partner', 'opportunity' or 'commitment'.",
            get=lambda t, _c: t.entity_kind,  # type: ignore[attr-defined]
        ),
        _field(
            "entity_id",
            _S,
            "The id of what moves.",
            get=lambda t, _c: t.entity.id,  # type: ignore[attr-defined]
        ),
        _field("by", _S, "Who asks for the move, or null.", nullable=True),
        _field(
            "partner_type",
            _S,
            "The moving partner's type; null unless a partner moves.",
            get=_entity("partner_type", (Partner,)),
            nullable=True,
        ),
        _field(
            "tier",
            _S,
            "The moving partner's tier; null unless a partner with a tier moves.",
            get=_entity("tier", (Partner,)),
            nullable=True,
        ),
        _field(
            "certifications",
            _N,
            "The moving partner's certified engineers; null unless a partner moves.",
            get=_entity("certifications", (Partner,)),
            nullable=True,
        ),
        _field(
            "onboarding_complete",
            _B,
            "Whether the moving partner finished onboarding; null unless a partner moves.",
            get=_entity("onboarding_complete", (Partner,)),
            nullable=True,
        ),
        _field(
            "amount",
            _N,
            "The moving deal's amount; null unless an opportunity moves.",
            get=_entity("amount", (Opportunity,)),
            nullable=True,
        ),
        _field(
            "has_partner_manager",
            _B,
            "Whether the moving deal has a partner manager; null unless an opportunity moves.",
            get=lambda t, _c: (
                t.entity.partner_manager_id is not None  # type: ignore[attr-defined]
                if isinstance(t.entity, Opportunity)  # type: ignore[attr-defined]
                else None
            ),
            nullable=True,
        ),
    )


#: The named values a declarative rule may use, by kind of fact.
FACT_SCHEMAS: Final[Mapping[FactKind, tuple[FactField, ...]]] = MappingProxyType(
    {
        FactKind.PARTNER: _partner_fields(),
        FactKind.OPPORTUNITY: _opportunity_fields(),
        FactKind.PORTFOLIO: _portfolio_fields(),
        FactKind.TRANSITION: _transition_fields(),
    }
)
