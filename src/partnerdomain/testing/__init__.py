"""Hypothesis strategies for partnerdomain's types, for your tests and your plugins' tests.

Every strategy makes only valid objects; :func:`portfolios` makes referentially intact
portfolios whose sizes you bound. This module needs hypothesis (``pip install
"partnerdomain[test]"``) and is versioned like the rest of the public API.

>>> from hypothesis import given
>>> from partnerdomain.testing import partners
>>> @given(partners())
... def test_every_partner_has_a_name(partner):
...     assert partner.name.strip()
>>> test_every_partner_has_a_name()
"""

try:
    import hypothesis  # noqa: F401 - fail early, with advice, when the extra is missing
except ImportError as exc:  # pragma: no cover - exercised only without the test extra
    msg = (
        "partnerdomain.testing needs hypothesis; install it with pip install 'partnerdomain[test]'"
    )
    raise ImportError(msg) from exc

from partnerdomain.testing._strategies import (
    MAX_DAY,
    MIN_DAY,
    account_executives,
    activities,
    capacities,
    commitments,
    custom_fields,
    dates,
    entity_ids,
    invoices,
    mdf_payments,
    money,
    opportunities,
    partner_managers,
    partner_success_managers,
    partners,
    portfolios,
    quarters,
)

__all__ = [
    "MAX_DAY",
    "MIN_DAY",
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
