"""The cyclic garbage collector waits during bulk steps and is always restored."""

import gc
from datetime import date

import pytest

from partnerdomain import Portfolio, Quarter
from partnerdomain.model._bulk import collector_paused
from partnerdomain.policies import RelativeBands
from partnerdomain.review import ReviewPolicies, quarterly_review


@pytest.fixture
def collector():
    was_enabled = gc.isenabled()
    yield
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.usefixtures("collector")
class TestCollectorPaused:
    def test_the_collector_waits_inside_and_resumes_after(self):
        gc.enable()
        with collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled()

    def test_a_collector_paused_by_the_caller_stays_paused(self):
        gc.disable()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()

    def test_the_collector_resumes_after_an_error(self):
        gc.enable()
        with pytest.raises(RuntimeError), collector_paused():
            raise RuntimeError
        assert gc.isenabled()

    def test_a_review_runs_with_the_collector_paused_and_restores_it(self):
        seen: list[bool] = []

        def spy(portfolio, _quarter):
            seen.append(gc.isenabled())
            return {p.id: 0 for p in portfolio.partners}

        gc.enable()
        policies = ReviewPolicies(bands=RelativeBands(metric=spy))
        quarterly_review(
            Portfolio(as_of=date(2026, 9, 30), currency="EUR"), Quarter(2026, 3), policies=policies
        )
        assert seen
        assert not any(seen)
        assert gc.isenabled()
