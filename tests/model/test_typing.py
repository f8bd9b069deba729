import typing

import pytest

import partnerdomain
from partnerdomain import Portfolio
from partnerdomain.model import FrozenJSON

ENTITIES = [
    getattr(partnerdomain, name)
    for name in partnerdomain.__all__
    if hasattr(getattr(partnerdomain, name), "__attrs_attrs__")
]


@pytest.mark.parametrize("cls", ENTITIES, ids=lambda c: c.__name__)
def test_every_annotation_resolves_at_run_time(cls):
    hints = typing.get_type_hints(cls)
    assert set(hints) >= {a.name for a in cls.__attrs_attrs__ if not a.name.startswith("_")}


def test_portfolio_is_among_the_checked_types():
    assert Portfolio in ENTITIES
    assert FrozenJSON is not None
