"""Hypothesis strategies for every value object and entity of the model."""

from __future__ import annotations

import functools
import string
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

from partnerdomain.model import (
    AccountExecutive,
    Activity,
    ActivityKind,
    Capacity,
    Commitment,
    CommitmentStatus,
    DealSource,
    ExitReason,
    Invoice,
    MdfPayment,
    Money,
    Opportunity,
    OpportunityStage,
    Partner,
    PartnerManager,
    PartnerStage,
    PartnerSuccessManager,
    PartnerType,
    Portfolio,
    Quarter,
    RiskLevel,
    TeamRole,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from partnerdomain.model._frozenmap import FrozenJSON

__all__ = [
    "account_executives",
    "activities",
    "capacities",
    "commitments",
    "custom_fields",
    "dates",
    "entity_ids",
    "invoices",
    "mdf_payments",
    "money",
    "opportunities",
    "partner_managers",
    "partner_success_managers",
    "partners",
    "portfolios",
    "quarters",
]

#: The earliest and latest days the strategies generate, unless told otherwise.
MIN_DAY = date(2018, 1, 1)
MAX_DAY = date(2030, 12, 31)

_ID_ALPHABET = string.ascii_letters + string.digits + "-_"
_LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt", "ja", "pl", "sv")
_REGIONS = ("NA", "LATAM", "UKI", "DACH", "FRANCE", "BENELUX", "NORDICS", "APAC", "ANZ")
_COUNTRIES = ("US", "CA", "GB", "DE", "AT", "CH", "FR", "NL", "SE", "AU", "JP", "BR")
_NAMES = st.text(alphabet=string.ascii_letters + " &.-'", min_size=1, max_size=30).filter(
    lambda s: not s.isspace()
)


_STAGES = st.sampled_from(list(PartnerStage))
_TYPES = st.sampled_from(list(PartnerType))
_OPP_STAGES = st.sampled_from(list(OpportunityStage))
_ROLES = st.lists(st.sampled_from(list(TeamRole)), max_size=2, unique=True)
_NON_PSM_ROLES = st.sampled_from([r for r in TeamRole if r is not TeamRole.PARTNER_SUCCESS_MANAGER])
_TIERS = st.none() | st.sampled_from(["Registered", "Silver", "Gold", "Platinum"])
_MAYBE_COUNTRY = st.none() | st.sampled_from(_COUNTRIES)
_MAYBE_REGION = st.none() | st.sampled_from(_REGIONS)
_MAYBE_RISK = st.none() | st.sampled_from(list(RiskLevel))
_MAYBE_EXIT = st.none() | st.sampled_from(list(ExitReason))
_CHECKLISTS = st.dictionaries(
    st.sampled_from(["agreement", "portal", "training", "demo"]), st.booleans()
)
_CERTIFICATIONS = st.integers(0, 25)
_DAY_OFFSETS = st.integers(0, 4000)
_SHORT_OFFSETS = st.integers(0, 400)
_BOOLS = st.booleans()
_COMPETENCIES = st.frozensets(_TYPES)
_MAYBE_NAME = st.none() | _NAMES
_DOMAINS = st.none() | st.from_regex(r"\A[a-z]{2,10}\.(com|de|io|co\.uk)\Z")
_LOSS_REASONS = st.sampled_from(["price", "timing", "competitor"])
_ACTIVITY_KINDS = st.sampled_from(list(ActivityKind))
_COMMITMENT_STATUSES = st.sampled_from(list(CommitmentStatus))
_NOTES = st.text(max_size=30)


def _day_between(draw: st.DrawFn, low: date, high: date) -> date:
    """Draw a day in [low, high] with one integer draw (cheaper than a new strategy)."""
    span = (high - low).days
    if span <= 0:
        return low
    return low + timedelta(days=draw(_DAY_OFFSETS) % (span + 1))


_INDEXES = st.integers(0, 2**16)


def _one_of(draw: st.DrawFn, pool: Sequence[str]) -> str:
    return pool[draw(_INDEXES) % len(pool)]


def _maybe_one_of(draw: st.DrawFn, pool: Sequence[str]) -> str | None:
    if not pool or not draw(_BOOLS):
        return None
    return _one_of(draw, pool)


_ID_STRATEGIES: dict[str, st.SearchStrategy[str]] = {}


def _draw_id(draw: st.DrawFn, ids: str | st.SearchStrategy[str] | None, prefix: str) -> str:
    if isinstance(ids, str):
        return ids
    if ids is None:
        ids = _ID_STRATEGIES.get(prefix)
        if ids is None:
            ids = _ID_STRATEGIES[prefix] = entity_ids(prefix)
    return draw(ids)


def entity_ids(prefix: str = "") -> st.SearchStrategy[str]:
    """Ids: ``prefix`` followed by 1 to 12 letters, digits, ``-`` or ``_``."""
    return st.text(alphabet=_ID_ALPHABET, min_size=1, max_size=12).map(lambda s: prefix + s)


def dates(min_value: date = MIN_DAY, max_value: date = MAX_DAY) -> st.SearchStrategy[date]:
    """Calendar days between ``min_value`` and ``max_value``."""
    return st.dates(min_value=min_value, max_value=max_value)


def money(
    currency: str | st.SearchStrategy[str] = "EUR",
    *,
    min_value: Decimal | int = 0,
    max_value: Decimal | int = 10_000_000,
    places: int = 2,
) -> st.SearchStrategy[Money]:
    """Amounts with ``places`` decimals between the bounds, in ``currency``.

    ``currency`` may be a code or a strategy of codes (e.g. ``st.sampled_from(["EUR", "USD"])``).
    """
    currencies = currency if isinstance(currency, st.SearchStrategy) else st.just(currency)
    amounts = st.decimals(
        min_value=Decimal(min_value),
        max_value=Decimal(max_value),
        places=places,
        allow_nan=False,
        allow_infinity=False,
    )
    return st.builds(Money, amounts, currencies)


def quarters(
    *, fiscal_start_month: int | None = 1, min_year: int = 2015, max_year: int = 2035
) -> st.SearchStrategy[Quarter]:
    """Quarters between ``min_year`` and ``max_year``.

    Pass ``fiscal_start_month=None`` to draw the fiscal calendar too.
    """
    months = st.integers(1, 12) if fiscal_start_month is None else st.just(fiscal_start_month)
    return st.builds(
        lambda y, q, m: Quarter(y, q, fiscal_start_month=m),
        st.integers(min_year, max_year),
        st.integers(1, 4),
        months,
    )


def _json_values() -> st.SearchStrategy[FrozenJSON]:
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(-(10**12), 10**12)
        | st.text(max_size=20)
        | st.decimals(
            allow_nan=False, allow_infinity=False, places=2, max_value=10**9, min_value=-(10**9)
        )
    )

    def containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        lists: st.SearchStrategy[Any] = st.lists(inner, max_size=3)
        return lists | st.dictionaries(st.text(max_size=8), inner, max_size=3)

    strategy: st.SearchStrategy[FrozenJSON] = st.recursive(scalars, containers, max_leaves=6)
    return strategy


@functools.lru_cache(maxsize=16)
def custom_fields(max_size: int = 3) -> st.SearchStrategy[dict[str, object]]:
    """CRM custom fields: Salesforce-style names (``Partner_Level__c``) with JSON-like values.

    The names never collide with the model's own field names (those are lower case).
    """
    names = st.from_regex(r"\A[A-Z][a-z]{1,8}(_[A-Z][a-z]{1,8})?__c\Z")
    return st.dictionaries(names, _json_values(), max_size=max_size)


def capacities() -> st.SearchStrategy[Capacity]:
    """Yearly capacities to recruit, ramp and manage partners."""
    return st.builds(
        Capacity,
        recruit=st.integers(0, 40),
        ramp=st.integers(0, 40),
        manage=st.integers(0, 120),
    )


def _codes(pool: Sequence[str], max_size: int = 3) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(pool), max_size=max_size, unique=True).map(tuple)


_LANGUAGE_CODES = _codes(_LANGUAGES)
_REGION_CODES = _codes(_REGIONS)
_MONEY_BY_CURRENCY: dict[str, st.SearchStrategy[Money]] = {}


def _money_strategy(currency: str) -> st.SearchStrategy[Money]:
    strategy = _MONEY_BY_CURRENCY.get(currency)
    if strategy is None:
        strategy = _MONEY_BY_CURRENCY[currency] = money(currency, max_value=2_000_000)
    return strategy


def _draw_partners(  # noqa: PLR0913 - each knob is its own keyword
    draw: st.DrawFn,
    *,
    ids: str | st.SearchStrategy[str] | None = None,
    manager_ids: Sequence[str] = (),
    stages: Sequence[PartnerStage] | None = None,
    types: Sequence[PartnerType] | None = None,
    as_of: date = MAX_DAY,
    max_custom_fields: int = 3,
) -> Partner:
    """Valid partners; assigned managers are drawn from ``manager_ids`` (none if empty).

    Dates lie on or before ``as_of``.
    """
    stage = draw(st.sampled_from(list(stages)) if stages else _STAGES)
    joined = _day_between(draw, MIN_DAY, as_of) if draw(_BOOLS) else None
    stage_since = _day_between(draw, joined or MIN_DAY, as_of)
    managers: dict[TeamRole, str] = {}
    if manager_ids:
        managers = {role: _one_of(draw, manager_ids) for role in draw(_ROLES)}
    return Partner(
        id=_draw_id(draw, ids, "P-"),
        name=draw(_NAMES),
        partner_type=draw(st.sampled_from(list(types)) if types else _TYPES),
        stage=stage,
        stage_since=stage_since,
        tier=draw(_TIERS),
        country=draw(_MAYBE_COUNTRY),
        region=draw(_MAYBE_REGION),
        languages=draw(_LANGUAGE_CODES),
        joined_on=joined,
        managers=managers,
        certifications=draw(_CERTIFICATIONS),
        onboarding_checklist=draw(_CHECKLISTS),
        contract_signed_on=_day_between(draw, MIN_DAY, as_of) if draw(_BOOLS) else None,
        risk_level=draw(_MAYBE_RISK),
        exit_reason=draw(_MAYBE_EXIT),
        custom_fields=draw(custom_fields(max_custom_fields)) if max_custom_fields else {},
    )


def _manager_kwargs(
    draw: st.DrawFn, ids: str | st.SearchStrategy[str] | None, max_custom_fields: int
) -> dict[str, object]:
    return {
        "id": _draw_id(draw, ids, "M-"),
        "name": draw(_NAMES),
        "competencies": draw(_COMPETENCIES),
        "languages": draw(_LANGUAGE_CODES),
        "regions": draw(_REGION_CODES),
        "custom_fields": draw(custom_fields(max_custom_fields)) if max_custom_fields else {},
    }


def _draw_partner_managers(
    draw: st.DrawFn, *, ids: str | st.SearchStrategy[str] | None = None, max_custom_fields: int = 3
) -> PartnerManager:
    """Members of the partner team in any role but partner success manager."""
    return PartnerManager(
        role=draw(_NON_PSM_ROLES),
        capacity=draw(capacities()),
        **_manager_kwargs(draw, ids, max_custom_fields),  # type: ignore[arg-type]
    )


def _draw_partner_success_managers(
    draw: st.DrawFn, *, ids: str | st.SearchStrategy[str] | None = None, max_custom_fields: int = 3
) -> PartnerSuccessManager:
    """Partner success managers (they never recruit)."""
    capacity = draw(capacities())
    return PartnerSuccessManager(
        capacity=Capacity(recruit=0, ramp=capacity.ramp, manage=capacity.manage),
        **_manager_kwargs(draw, ids, max_custom_fields),  # type: ignore[arg-type]
    )


def _draw_account_executives(
    draw: st.DrawFn,
    *,
    ids: str | st.SearchStrategy[str] | None = None,
    currency: str = "EUR",
    max_custom_fields: int = 3,
) -> AccountExecutive:
    """Account executives with an optional quarterly quota in ``currency``."""
    quota = draw(money(currency, min_value=10_000, max_value=2_000_000)) if draw(_BOOLS) else None
    return AccountExecutive(
        id=_draw_id(draw, ids, "AE-"),
        name=draw(_NAMES),
        quota=quota,
        regions=draw(_REGION_CODES),
        custom_fields=draw(custom_fields(max_custom_fields)) if max_custom_fields else {},
    )


def _draw_opportunities(  # noqa: PLR0913 - each reference pool is its own argument
    draw: st.DrawFn,
    *,
    ids: str | st.SearchStrategy[str] | None = None,
    partner_ids: Sequence[str] | None = None,
    account_executive_ids: Sequence[str] = (),
    manager_ids: Sequence[str] = (),
    currency: str = "EUR",
    as_of: date = MAX_DAY,
    max_custom_fields: int = 3,
) -> Opportunity:
    """Valid opportunities referring only to the given ids.

    With ``partner_ids=None``, partner ids are drawn freely; with an empty sequence,
    every deal is direct.
    """
    if partner_ids is None:
        partner_id: str | None = draw(entity_ids("P-"))
    elif partner_ids:
        partner_id = _one_of(draw, partner_ids)
    else:
        partner_id = None
    if partner_id is None:
        source = DealSource.DIRECT
    else:
        # Mostly partner deals; now and then a direct deal that still names the partner.
        source = [
            DealSource.PARTNER_SOURCED,
            DealSource.PARTNER_INFLUENCED,
            DealSource.PARTNER_SOURCED,
            DealSource.DIRECT,
        ][draw(st.integers(0, 3))]
    stage = draw(_OPP_STAGES)
    registered = _day_between(draw, MIN_DAY, as_of)
    stage_since = _day_between(draw, registered, as_of)
    close_date = registered + timedelta(days=draw(_SHORT_OFFSETS)) if draw(_BOOLS) else None
    if stage is OpportunityStage.WON and close_date is None:
        close_date = stage_since
    return Opportunity(
        id=_draw_id(draw, ids, "O-"),
        partner_id=partner_id,
        source=source,
        amount=draw(_money_strategy(currency)),
        stage=stage,
        stage_since=stage_since,
        registered_on=registered,
        name=draw(_MAYBE_NAME),
        close_date=close_date,
        account_executive_id=_maybe_one_of(draw, account_executive_ids),
        partner_manager_id=_maybe_one_of(draw, manager_ids),
        account_name=draw(_MAYBE_NAME),
        account_domain=draw(_DOMAINS),
        loss_reason=draw(_LOSS_REASONS) if stage is OpportunityStage.LOST else None,
        custom_fields=draw(custom_fields(max_custom_fields)) if max_custom_fields else {},
    )


def _draw_activities(  # noqa: PLR0913 - each reference pool is its own argument
    draw: st.DrawFn,
    *,
    ids: str | st.SearchStrategy[str] | None = None,
    actor_ids: Sequence[str] = (),
    partner_ids: Sequence[str] = (),
    opportunity_ids: Sequence[str] = (),
    as_of: date = MAX_DAY,
    max_custom_fields: int = 3,
) -> Activity:
    """Logged activities; references are drawn from the given pools (free ids if empty)."""
    return Activity(
        id=_draw_id(draw, ids, "A-"),
        actor_id=_one_of(draw, actor_ids) if actor_ids else draw(entity_ids("M-")),
        kind=draw(_ACTIVITY_KINDS),
        occurred_on=_day_between(draw, MIN_DAY, as_of),
        partner_id=_maybe_one_of(draw, partner_ids),
        opportunity_id=_maybe_one_of(draw, opportunity_ids),
        note=draw(_NOTES),
        custom_fields=draw(custom_fields(max_custom_fields)) if max_custom_fields else {},
    )


def _draw_commitments(
    draw: st.DrawFn,
    *,
    ids: str | st.SearchStrategy[str] | None = None,
    partner_ids: Sequence[str] = (),
    owner_ids: Sequence[str] = (),
    max_custom_fields: int = 3,
) -> Commitment:
    """Promises to partners; open ones have no resolution day, closed ones may."""
    status = draw(_COMMITMENT_STATUSES)
    due = _day_between(draw, MIN_DAY, MAX_DAY)
    resolved = None
    if status is not CommitmentStatus.OPEN and draw(_BOOLS):
        resolved = _day_between(draw, MIN_DAY, MAX_DAY)
    return Commitment(
        id=_draw_id(draw, ids, "C-"),
        partner_id=_one_of(draw, partner_ids) if partner_ids else draw(entity_ids("P-")),
        owner_id=_one_of(draw, owner_ids) if owner_ids else draw(entity_ids("M-")),
        description=draw(_NAMES),
        due_on=due,
        status=status,
        made_on=_day_between(draw, MIN_DAY, due) if draw(_BOOLS) else None,
        resolved_on=resolved,
        custom_fields=draw(custom_fields(max_custom_fields)) if max_custom_fields else {},
    )


def _draw_invoices(
    draw: st.DrawFn,
    *,
    ids: str | st.SearchStrategy[str] | None = None,
    partner_ids: Sequence[str] = (),
    currency: str = "EUR",
    max_custom_fields: int = 3,
) -> Invoice:
    """Invoices to partners, paid or not."""
    issued = _day_between(draw, MIN_DAY, MAX_DAY)
    return Invoice(
        id=_draw_id(draw, ids, "INV-"),
        partner_id=_one_of(draw, partner_ids) if partner_ids else draw(entity_ids("P-")),
        amount=draw(money(currency, min_value=Decimal("0.01"), max_value=500_000)),
        issued_on=issued,
        due_on=issued + timedelta(days=draw(_SHORT_OFFSETS) % 91),
        paid_on=_day_between(draw, issued, MAX_DAY) if draw(_BOOLS) else None,
        custom_fields=draw(custom_fields(max_custom_fields)) if max_custom_fields else {},
    )


def _draw_mdf_payments(
    draw: st.DrawFn,
    *,
    ids: str | st.SearchStrategy[str] | None = None,
    partner_ids: Sequence[str] = (),
    currency: str = "EUR",
    max_custom_fields: int = 3,
) -> MdfPayment:
    """Market development fund payments, with or without delivered proof."""
    paid = _day_between(draw, MIN_DAY, MAX_DAY) if draw(_BOOLS) else None
    return MdfPayment(
        id=_draw_id(draw, ids, "MDF-"),
        partner_id=_one_of(draw, partner_ids) if partner_ids else draw(entity_ids("P-")),
        amount=draw(money(currency, min_value=Decimal("0.01"), max_value=100_000)),
        purpose=draw(_NOTES),
        paid_on=paid,
        proof_delivered_on=_day_between(draw, paid or MIN_DAY, MAX_DAY) if draw(_BOOLS) else None,
        custom_fields=draw(custom_fields(max_custom_fields)) if max_custom_fields else {},
    )


def partners(  # noqa: PLR0913 - each knob is its own keyword
    *,
    ids: str | st.SearchStrategy[str] | None = None,
    manager_ids: Sequence[str] = (),
    stages: Sequence[PartnerStage] | None = None,
    types: Sequence[PartnerType] | None = None,
    as_of: date = MAX_DAY,
    max_custom_fields: int = 3,
) -> st.SearchStrategy[Partner]:
    """Valid partners; assigned managers are drawn from ``manager_ids`` (none if empty).

    Dates lie on or before ``as_of``.
    """
    return st.composite(
        lambda draw: _draw_partners(
            draw,
            ids=ids,
            manager_ids=manager_ids,
            stages=stages,
            types=types,
            as_of=as_of,
            max_custom_fields=max_custom_fields,
        )
    )()


def partner_managers(
    *,
    ids: str | st.SearchStrategy[str] | None = None,
    max_custom_fields: int = 3,
) -> st.SearchStrategy[PartnerManager]:
    """Members of the partner team in any role but partner success manager."""
    return st.composite(
        lambda draw: _draw_partner_managers(draw, ids=ids, max_custom_fields=max_custom_fields)
    )()


def partner_success_managers(
    *,
    ids: str | st.SearchStrategy[str] | None = None,
    max_custom_fields: int = 3,
) -> st.SearchStrategy[PartnerSuccessManager]:
    """Partner success managers (they never recruit)."""
    return st.composite(
        lambda draw: _draw_partner_success_managers(
            draw, ids=ids, max_custom_fields=max_custom_fields
        )
    )()


def account_executives(
    *,
    ids: str | st.SearchStrategy[str] | None = None,
    currency: str = "EUR",
    max_custom_fields: int = 3,
) -> st.SearchStrategy[AccountExecutive]:
    """Account executives with an optional quarterly quota in ``currency``."""
    return st.composite(
        lambda draw: _draw_account_executives(
            draw, ids=ids, currency=currency, max_custom_fields=max_custom_fields
        )
    )()


def opportunities(  # noqa: PLR0913 - each knob is its own keyword
    *,
    ids: str | st.SearchStrategy[str] | None = None,
    partner_ids: Sequence[str] | None = None,
    account_executive_ids: Sequence[str] = (),
    manager_ids: Sequence[str] = (),
    currency: str = "EUR",
    as_of: date = MAX_DAY,
    max_custom_fields: int = 3,
) -> st.SearchStrategy[Opportunity]:
    """Valid opportunities referring only to the given ids.

    With ``partner_ids=None``, partner ids are drawn freely; with an empty sequence,
    every deal is direct.
    """
    return st.composite(
        lambda draw: _draw_opportunities(
            draw,
            ids=ids,
            partner_ids=partner_ids,
            account_executive_ids=account_executive_ids,
            manager_ids=manager_ids,
            currency=currency,
            as_of=as_of,
            max_custom_fields=max_custom_fields,
        )
    )()


def activities(  # noqa: PLR0913 - each knob is its own keyword
    *,
    ids: str | st.SearchStrategy[str] | None = None,
    actor_ids: Sequence[str] = (),
    partner_ids: Sequence[str] = (),
    opportunity_ids: Sequence[str] = (),
    as_of: date = MAX_DAY,
    max_custom_fields: int = 3,
) -> st.SearchStrategy[Activity]:
    """Logged activities; references are drawn from the given pools (free ids if empty)."""
    return st.composite(
        lambda draw: _draw_activities(
            draw,
            ids=ids,
            actor_ids=actor_ids,
            partner_ids=partner_ids,
            opportunity_ids=opportunity_ids,
            as_of=as_of,
            max_custom_fields=max_custom_fields,
        )
    )()


def commitments(
    *,
    ids: str | st.SearchStrategy[str] | None = None,
    partner_ids: Sequence[str] = (),
    owner_ids: Sequence[str] = (),
    max_custom_fields: int = 3,
) -> st.SearchStrategy[Commitment]:
    """Promises to partners; open ones have no resolution day, closed ones may."""
    return st.composite(
        lambda draw: _draw_commitments(
            draw,
            ids=ids,
            partner_ids=partner_ids,
            owner_ids=owner_ids,
            max_custom_fields=max_custom_fields,
        )
    )()


def invoices(
    *,
    ids: str | st.SearchStrategy[str] | None = None,
    partner_ids: Sequence[str] = (),
    currency: str = "EUR",
    max_custom_fields: int = 3,
) -> st.SearchStrategy[Invoice]:
    """Invoices to partners, paid or not."""
    return st.composite(
        lambda draw: _draw_invoices(
            draw,
            ids=ids,
            partner_ids=partner_ids,
            currency=currency,
            max_custom_fields=max_custom_fields,
        )
    )()


def mdf_payments(
    *,
    ids: str | st.SearchStrategy[str] | None = None,
    partner_ids: Sequence[str] = (),
    currency: str = "EUR",
    max_custom_fields: int = 3,
) -> st.SearchStrategy[MdfPayment]:
    """Market development fund payments, with or without delivered proof."""
    return st.composite(
        lambda draw: _draw_mdf_payments(
            draw,
            ids=ids,
            partner_ids=partner_ids,
            currency=currency,
            max_custom_fields=max_custom_fields,
        )
    )()


def _unique_ids(draw: st.DrawFn, prefix: str, count: int) -> list[str]:
    return [f"{prefix}{i}" for i in draw(st.permutations(range(count)))]


@st.composite
def portfolios(  # noqa: PLR0913 - one size bound per kind of entity
    draw: st.DrawFn,
    *,
    min_partners: int = 0,
    max_partners: int = 8,
    max_managers: int = 4,
    max_account_executives: int = 3,
    max_opportunities: int = 12,
    max_activities: int = 6,
    max_commitments: int = 3,
    max_invoices: int = 3,
    max_mdf_payments: int = 2,
    max_custom_fields: int = 1,
    currency: str = "EUR",
    as_of: date | st.SearchStrategy[date] | None = None,
) -> Portfolio:
    """Referentially intact portfolios: every reference points to an entity drawn here.

    Sizes are bounded per kind (keep them small: each entity costs hypothesis a few
    milliseconds to draw); ids are unique per kind (``P-0``, ``M-3``, ...), and every
    amount is in ``currency``. Dates lie on or before the portfolio's ``as_of``.
    """
    if as_of is None:
        day = draw(dates(min_value=date(2020, 1, 1)))
    elif isinstance(as_of, date):
        day = as_of
    else:
        day = draw(as_of)
    n_managers = draw(st.integers(0, max_managers))
    n_psms = draw(st.integers(0, max(0, max_managers - n_managers)))
    manager_ids = [f"M-{i}" for i in range(n_managers + n_psms)]
    managers: list[PartnerManager] = [
        (_draw_partner_managers(draw, max_custom_fields=max_custom_fields, ids=i))
        for i in manager_ids[:n_managers]
    ]
    managers += [
        (_draw_partner_success_managers(draw, max_custom_fields=max_custom_fields, ids=i))
        for i in manager_ids[n_managers:]
    ]
    ae_ids = [f"AE-{i}" for i in range(draw(st.integers(0, max_account_executives)))]
    aes = [
        (
            _draw_account_executives(
                draw, max_custom_fields=max_custom_fields, ids=i, currency=currency
            )
        )
        for i in ae_ids
    ]
    partner_ids = [f"P-{i}" for i in range(draw(st.integers(min_partners, max_partners)))]
    partner_list = [
        (
            _draw_partners(
                draw, max_custom_fields=max_custom_fields, ids=i, manager_ids=manager_ids, as_of=day
            )
        )
        for i in partner_ids
    ]
    opp_ids = [f"O-{i}" for i in range(draw(st.integers(0, max_opportunities)))]
    opps = [
        (
            _draw_opportunities(
                draw,
                max_custom_fields=max_custom_fields,
                ids=i,
                partner_ids=partner_ids,
                account_executive_ids=ae_ids,
                manager_ids=manager_ids,
                currency=currency,
                as_of=day,
            )
        )
        for i in opp_ids
    ]
    people = manager_ids + ae_ids
    acts = []
    if people:
        acts = [
            (
                _draw_activities(
                    draw,
                    ids=(f"A-{i}"),
                    actor_ids=people,
                    partner_ids=partner_ids,
                    opportunity_ids=opp_ids,
                    as_of=day,
                )
            )
            for i in range(draw(st.integers(0, max_activities)))
        ]
    coms = []
    invs = []
    mdfs = []
    if partner_ids and people:
        coms = [
            (
                _draw_commitments(
                    draw,
                    max_custom_fields=max_custom_fields,
                    ids=(f"C-{i}"),
                    partner_ids=partner_ids,
                    owner_ids=people,
                )
            )
            for i in range(draw(st.integers(0, max_commitments)))
        ]
    if partner_ids:
        invs = [
            (
                _draw_invoices(
                    draw,
                    max_custom_fields=max_custom_fields,
                    ids=(f"INV-{i}"),
                    partner_ids=partner_ids,
                    currency=currency,
                )
            )
            for i in range(draw(st.integers(0, max_invoices)))
        ]
        mdfs = [
            (
                _draw_mdf_payments(
                    draw,
                    max_custom_fields=max_custom_fields,
                    ids=(f"MDF-{i}"),
                    partner_ids=partner_ids,
                    currency=currency,
                )
            )
            for i in range(draw(st.integers(0, max_mdf_payments)))
        ]
    return Portfolio(
        as_of=day,
        currency=currency,
        partners=partner_list,
        managers=managers,
        account_executives=aes,
        opportunities=opps,
        activities=acts,
        commitments=coms,
        invoices=invs,
        mdf_payments=mdfs,
    )
