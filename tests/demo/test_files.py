import json

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerdomain.demo import (
    DEMO_SPEC,
    ENTITY_FILES,
    DemoSpec,
    generate_portfolio,
    load_demo,
    write_portfolio,
)
from partnerdomain.exceptions import ValidationError
from partnerdomain.records import load_portfolio


def test_the_shipped_demo_files_equal_a_fresh_generation_from_the_documented_seed():
    assert DEMO_SPEC.seed == 2026
    assert load_demo() == generate_portfolio(DEMO_SPEC)


def test_the_shipped_files_are_exactly_what_the_writer_writes(tmp_path):
    from importlib.resources import files

    write_portfolio(generate_portfolio(DEMO_SPEC), tmp_path)
    shipped = files("partnerdomain.demo").joinpath("data")
    for kind in ENTITY_FILES:
        name = f"{kind}.jsonl"
        assert shipped.joinpath(name).read_text("utf-8") == (tmp_path / name).read_text("utf-8")


@pytest.mark.parametrize("profile", ["generic", "salesforce", "hubspot"])
@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
@settings(max_examples=2, deadline=None)
@given(st.integers(0, 10**6))
def test_written_files_load_back_into_the_same_portfolio(tmp_path_factory, profile, fmt, seed):
    portfolio = generate_portfolio(DemoSpec(partners=12, seed=seed))
    folder = tmp_path_factory.mktemp("demo")
    paths = write_portfolio(portfolio, folder, profile=profile, file_format=fmt)
    loaded = load_portfolio(
        as_of=portfolio.as_of,
        currency=portfolio.currency,
        profile=profile,
        **{path.stem: path for path in paths},
    )
    assert loaded == (_custom_fields_as_text(portfolio) if fmt == "csv" else portfolio)


def _custom_fields_as_text(portfolio):
    """The portfolio as CSV holds it: every value of a field the model does not know is text."""
    changes = {}
    for kind in ("partners", "opportunities"):
        changes[kind] = [
            attrs.evolve(e, custom_fields={k: str(v) for k, v in e.custom_fields.items()})
            for e in getattr(portfolio, kind)
        ]
    return attrs.evolve(portfolio, **changes)


def test_salesforce_json_files_carry_the_soql_envelope(tmp_path):
    portfolio = generate_portfolio(DemoSpec(partners=5, seed=3))
    (path,) = write_portfolio(
        portfolio, tmp_path, profile="salesforce", file_format="json", kinds=["partners"]
    )
    document = json.loads(path.read_text("utf-8"))
    assert len(document["records"]) == 5


def test_an_unknown_format_or_kind_is_refused_by_name(tmp_path):
    portfolio = generate_portfolio(DemoSpec(partners=5, seed=3))
    with pytest.raises(ValidationError, match="file_format"):
        write_portfolio(portfolio, tmp_path, file_format="xml")
    with pytest.raises(ValidationError, match="kinds"):
        write_portfolio(portfolio, tmp_path, kinds=["deals"])
