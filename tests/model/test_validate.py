"""The quick acceptance forms of the validators never accept what a validator refuses."""

from datetime import UTC, date, datetime
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerdomain.exceptions import ValidationError
from partnerdomain.model import DealSource, Money, OpportunityStage, PartnerStage, TeamRole
from partnerdomain.model import _opportunity as opportunity
from partnerdomain.model import _validate as v
from partnerdomain.model._frozenmap import EMPTY, FrozenMap


@attrs.define
class Holder:
    value: object = None


FIELD = attrs.fields(Holder).value

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=3),
    st.text(max_size=4),
    st.sampled_from(["", " ", "\t", "x", " x "]),
    st.dates(),
    st.datetimes(),
    st.decimals(allow_nan=False, max_value=3, min_value=-3),
    st.sampled_from([EMPTY, FrozenMap({"a": 1}), {}, {"a": 1}, (), [], b"x"]),
    st.sampled_from([*DealSource, *OpportunityStage, *PartnerStage, *TeamRole]),
    st.sampled_from([m.value for m in DealSource]),
    st.builds(Money, st.decimals(allow_nan=False, allow_infinity=False, places=2), st.just("EUR")),
    st.sampled_from([Money(Decimal("-0.00"), "EUR"), Money(Decimal("-0"), "EUR")]),
)


def accepts(validator, value):
    try:
        validator(Holder(), FIELD, value)
    except ValidationError:
        return False
    return True


def quick(validator, value):
    """Evaluate the validator's quick form on ``value``, as the generated readers do."""
    expression = v.ACCEPTS[validator].format("value")
    return eval(expression, dict(v.ACCEPTS_NAMESPACE), {"value": value})  # noqa: S307 - our own constant expressions


@pytest.mark.parametrize("validator", list(v.ACCEPTS), ids=lambda f: f.__name__)
@given(value=VALUES)
def test_a_quick_form_accepts_only_what_its_validator_accepts(validator, value):
    if quick(validator, value):
        assert accepts(validator, value)


def test_the_quick_forms_accept_the_common_values():
    # They exist to save the call on good values: each must accept its usual case.
    usual = {
        v.entity_id: "P-1",
        v.optional_entity_id: None,
        v.text: "Acme",
        v.optional_text: "Acme",
        v.any_text: "",
        v.a_date: date(2026, 1, 1),
        v.optional_date: None,
        v.non_negative_int: 0,
        v.a_bool: False,
        v.custom_fields: EMPTY,
        opportunity._check_amount: Money(Decimal("1500.50"), "EUR"),
        opportunity._check_partner: "P-1",
    }
    assert all(quick(validator, value) for validator, value in usual.items())
    enums = [v.member_of(kind) for kind in (DealSource, OpportunityStage, TeamRole)]
    assert quick(enums[0], DealSource.DIRECT)
    assert not quick(enums[0], "direct")
    assert not quick(enums[1], DealSource.DIRECT)
    assert (
        v.ACCEPTS.keys() - set(usual) - {check for check in v.ACCEPTS if check.__name__ == "check"}
        == set()
    )
    assert not quick(v.a_date, datetime(2026, 1, 1, tzinfo=UTC))


@given(member=st.sampled_from([*DealSource, *OpportunityStage, *PartnerStage, *TeamRole]))
def test_a_members_value_as_text_is_refused_with_the_member_it_names(member):
    enum = type(member)
    with pytest.raises(ValidationError) as info:
        v.member_of(enum)(Holder(), FIELD, str(member.value))
    message = str(info.value)
    assert f"{enum.__name__}.{member.name}" in message
    assert f"{enum.__name__}({member.value!r})" in message
    assert "not its value as text" in message


def test_an_unknown_value_is_refused_with_every_member_named():
    with pytest.raises(ValidationError) as info:
        v.member_of(DealSource)(Holder(), FIELD, "nonsense")
    assert all(f"DealSource.{m.name}" in str(info.value) for m in DealSource)
