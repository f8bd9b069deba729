"""Numbers in the review's documents: exact text, at most four decimal places."""

from decimal import Decimal, localcontext

from hypothesis import given
from hypothesis import strategies as st

from partnerdomain.review._data import _number

FOUR_PLACES = Decimal("0.0001")


def reference(value):
    """The rule written plainly: by the exponent, never by looking at the text."""
    if not value.is_finite():
        return str(value)
    exponent = value.as_tuple().exponent
    with localcontext(prec=200):  # digits enough for every value drawn below
        if exponent < -4:
            value = value.quantize(FOUR_PLACES)
        elif exponent > 0:
            value = value.quantize(Decimal(1))
    return str(value)


@given(
    st.decimals(min_value=-(10**12), max_value=10**12)
    | st.decimals(places=6, min_value=-(10**12), max_value=10**12)
    | st.sampled_from([Decimal("1E+3"), Decimal("-0.00001"), Decimal("0E-7"), Decimal("-0")])
    | st.sampled_from([Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
    # Past the default context's 28 digits: amounts built in code, and their totals.
    | st.decimals(min_value=-(10**120), max_value=10**120, allow_nan=False, places=6)
    | st.sampled_from([Decimal("1E+30"), Decimal("-1.5E+40"), Decimal("123456789E+25")])
)
def test_a_number_is_written_as_the_plain_rule_says(value):
    assert _number(value) == reference(value)
