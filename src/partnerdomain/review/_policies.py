"""What a review applies: the policies, the risk thresholds, and their defaults."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from partnerdomain.exceptions import ValidationError
from partnerdomain.metrics import trailing_won_revenue
from partnerdomain.model import FrozenMap, Money, PartnerStage, PartnerType, TeamRole
from partnerdomain.policies import (
    AllocationPolicy,
    EngagementAllocation,
    EvolvingMatrix,
    PerformanceTriangle,
    PerpetualPoorPerformers,
    RelativeBands,
    StaffingParameters,
    StaffingPolicy,
    ThresholdTiers,
    Tier,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from partnerdomain.model import Portfolio, Quarter

__all__ = [
    "DEFAULT_ROLE_COSTS",
    "DEFAULT_TIERS",
    "ReviewPolicies",
    "RiskThresholds",
    "default_staffing",
]

#: The program tiers a review uses unless told otherwise: revenue over the last four
#: quarters and certified engineers.
DEFAULT_TIERS = ThresholdTiers(
    tiers=[
        Tier("Registered"),
        Tier("Silver", requires={"revenue": 50_000}),
        Tier("Gold", requires={"revenue": 200_000, "certifications": 2}),
        Tier("Platinum", requires={"revenue": 600_000, "certifications": 4}),
    ]
)

#: Illustrative fully loaded yearly cost per role, in units of the portfolio's currency,
#: used when no staffing policy is given. Pass your own figures for a real plan.
DEFAULT_ROLE_COSTS: FrozenMap[TeamRole, Decimal] = FrozenMap(
    {
        TeamRole.PARTNER_MANAGER: Decimal(120_000),
        TeamRole.RECRUITER: Decimal(110_000),
        TeamRole.PARTNER_SUCCESS_MANAGER: Decimal(100_000),
        TeamRole.PARTNER_ACCOUNT_MANAGER: Decimal(130_000),
        TeamRole.ALLIANCE_MANAGER: Decimal(150_000),
        TeamRole.CHANNEL_SUPPORT: Decimal(70_000),
        TeamRole.EXECUTIVE_SPONSOR: Decimal(60_000),
    }
)

# Revenue a typical partner of a type brings in a year, when the portfolio has no
# established partner of that type to learn it from.
_FALLBACK_REVENUE = Decimal(30_000)


def _positive_int(name: str) -> Callable[[Any, Any, Any], None]:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if type(value) is not int or value < 1:
            raise ValidationError("RiskThresholds", name, value, "a positive whole number")

    return check


def _amount(value: Decimal | int | str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise ValidationError(
            "RiskThresholds", "large_deal", value, "a Decimal, int or decimal string (no float)"
        )
    try:
        amount = Decimal(value)
    except ArithmeticError:
        raise ValidationError("RiskThresholds", "large_deal", value, "a decimal amount") from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError("RiskThresholds", "large_deal", value, "an amount of zero or more")
    return amount


@attrs.frozen(kw_only=True)
class RiskThresholds:
    """When the review calls something a risk.

    >>> RiskThresholds(large_deal=250_000).large_deal
    Decimal('250000')

    Args:
        large_deal: An open partner deal of at least this amount (in the portfolio's
            currency) with no partner manager on it is a risk.
        onboarding_days: A partner onboarding for longer than this many days is stuck.
        overdue_error_days: A promise overdue by more than this many days is an error,
            not a warning.
    """

    large_deal: Decimal = attrs.field(default=Decimal(100_000), converter=_amount)
    onboarding_days: int = attrs.field(default=90, validator=_positive_int("onboarding_days"))
    overdue_error_days: int = attrs.field(default=30, validator=_positive_int("overdue_error_days"))


def _check_instance(kind: type, expected: str) -> Callable[[Any, Any, Any], None]:
    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and not isinstance(value, kind):
            raise ValidationError("ReviewPolicies", attribute.name, value, expected)

    return check


def _check_count(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (type(value) is not int or value < 0):
        raise ValidationError("ReviewPolicies", attribute.name, value, "an int >= 0 or None")


@attrs.frozen(kw_only=True)
class ReviewPolicies:
    """The policies a quarterly review applies; every one has a default.

    >>> ReviewPolicies(triangle=None).triangle is None
    True

    Args:
        bands: Top, middle, bottom and ramping partners.
        triangle: The performance triangle; ``None`` for a program without one.
        triangle_at: Partners in the program from which the triangle is applied; by
            default (``None``) the staffing policy's leadership stage
            (``StaffingParameters.leadership_at``, 250 unless set): the triangle
            belongs to programs of hundreds of partners or more. A smaller program is
            reviewed without it, so that its middle performers get full engagement,
            and the review notes it; 0 applies the triangle at any size.
        tiers: Program tiers with progress; ``None`` for a program without tiers.
        perpetual: Who has been a bottom performer for too long.
        allocation: Engagement levels, new assignments and hours per manager.
        staffing: The staffing policy; ``None`` builds :class:`EvolvingMatrix` with
            :data:`DEFAULT_ROLE_COSTS` and each partner type's revenue as observed in
            the portfolio (see :func:`default_staffing`); the review notes it.
        risks: When something is a risk.
        available_hours: Hours each manager has this quarter, by id (the allocation's
            default for managers not named).
    """

    bands: RelativeBands = attrs.field(
        factory=RelativeBands, validator=_check_instance(RelativeBands, "a RelativeBands")
    )
    triangle: PerformanceTriangle | None = attrs.field(
        factory=PerformanceTriangle,
        validator=_check_instance(PerformanceTriangle, "a PerformanceTriangle or None"),
    )
    triangle_at: int | None = attrs.field(default=None, validator=_check_count)
    tiers: ThresholdTiers | None = attrs.field(
        default=DEFAULT_TIERS, validator=_check_instance(ThresholdTiers, "ThresholdTiers or None")
    )
    perpetual: PerpetualPoorPerformers = attrs.field(
        factory=PerpetualPoorPerformers,
        validator=_check_instance(PerpetualPoorPerformers, "a PerpetualPoorPerformers"),
    )
    allocation: AllocationPolicy = attrs.field(factory=EngagementAllocation)
    staffing: StaffingPolicy | None = None
    risks: RiskThresholds = attrs.field(
        factory=RiskThresholds, validator=_check_instance(RiskThresholds, "RiskThresholds")
    )
    available_hours: FrozenMap[str, Decimal | int] = attrs.field(
        factory=FrozenMap, converter=FrozenMap
    )


def default_staffing(portfolio: Portfolio, quarter: Quarter) -> tuple[EvolvingMatrix, str]:
    """Build the staffing policy a review uses when none is given, and say how.

    Role costs are :data:`DEFAULT_ROLE_COSTS` in the portfolio's currency; the yearly
    revenue of a typical partner of each type is the median partner-sourced revenue of
    the type's active partners over the four quarters ending with ``quarter`` (a
    fallback of 30,000 for a type without active partners).

    Returns:
        The policy and a one-line note for the review.
    """
    currency = portfolio.currency
    revenue = trailing_won_revenue(portfolio, quarter)
    by_type: dict[PartnerType, list[Decimal]] = {}
    for partner in portfolio.partners:
        if partner.stage is PartnerStage.ACTIVE:
            by_type.setdefault(partner.partner_type, []).append(revenue[partner.id])
    typical: dict[PartnerType, Money] = {}
    for kind in PartnerType:
        values = sorted(by_type.get(kind, []))
        median = values[len(values) // 2] if values else _FALLBACK_REVENUE
        typical[kind] = Money(max(median, Decimal(1)), currency)
    parameters = StaffingParameters(
        cost={role: Money(cost, currency) for role, cost in DEFAULT_ROLE_COSTS.items()},
        revenue=typical,
    )
    note = (
        "staffing: illustrative role costs (DEFAULT_ROLE_COSTS) and each partner type's "
        "median revenue observed over the last four quarters; pass "
        "ReviewPolicies(staffing=EvolvingMatrix(...)) with your own figures"
    )
    return EvolvingMatrix(parameters=parameters), note
