import pickle
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerdomain import FrozenMap
from partnerdomain.model import freeze_json, thaw_json

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=5)
    | st.decimals(allow_nan=False, allow_infinity=False),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


class TestFrozenMap:
    def test_behaves_like_a_read_only_dict(self):
        m = FrozenMap({"a": 1, "b": 2})
        assert m["a"] == 1
        assert list(m) == ["a", "b"]
        assert m == {"a": 1, "b": 2}
        assert len(m) == 2
        assert "a" in m
        with pytest.raises(TypeError):
            m["c"] = 3  # type: ignore[index]
        with pytest.raises(AttributeError):
            m._data = {}  # type: ignore[misc]

    def test_hashes_by_content(self):
        assert hash(FrozenMap({"a": 1, "b": 2})) == hash(FrozenMap({"b": 2, "a": 1}))

    def test_later_changes_to_the_source_do_not_show(self):
        source = {"a": 1}
        m = FrozenMap(source)
        source["a"] = 2
        assert m["a"] == 1

    @given(st.dictionaries(st.text(max_size=3), st.integers(), max_size=5), st.text(max_size=3))
    def test_reads_like_the_dict_it_was_made_from(self, source, key):
        m = FrozenMap(source)
        assert m.get(key) == source.get(key)
        assert m.get(key, "none") == source.get(key, "none")
        assert m.get(key, default="none") == source.get(key, "none")  # as Mapping.get allows
        assert list(m.keys()) == list(source.keys())
        assert list(m.values()) == list(source.values())
        assert list(m.items()) == list(source.items())
        assert m.items() == source.items()
        assert m.keys() == source.keys()

    def test_its_views_cannot_change_it(self):
        m = FrozenMap({"a": 1})
        view = m.items()
        assert not hasattr(view, "__setitem__")
        with pytest.raises(TypeError):
            view.mapping["a"] = 2  # type: ignore[index]
        assert m == {"a": 1}

    def test_pickles(self):
        m = FrozenMap({"a": (1, 2)})
        assert pickle.loads(pickle.dumps(m)) == m


class TestFreezing:
    @given(JSON)
    def test_freeze_then_thaw_gives_back_the_value(self, value):
        assert thaw_json(freeze_json(value)) == value

    @given(JSON)
    def test_frozen_values_hash_and_freezing_again_changes_nothing(self, value):
        frozen = freeze_json(value)
        hash(frozen)
        assert freeze_json(frozen) == frozen

    def test_refuses_what_json_cannot_hold(self):
        with pytest.raises(TypeError, match="set"):
            freeze_json({"a": {1, 2}})
        with pytest.raises(TypeError, match="keys must be strings"):
            freeze_json({1: "a"})

    def test_decimals_stay_exact(self):
        assert freeze_json({"x": Decimal("0.1")}) == {"x": Decimal("0.1")}
