"""The cyclic garbage collector waits during bulk steps and is always restored."""

import gc
import io
from datetime import date

import pytest

import partnerdomain.review as review_module
from partnerdomain import Partner, Portfolio, Quarter
from partnerdomain.cli import main
from partnerdomain.model._bulk import collector_paused
from partnerdomain.policies import RelativeBands
from partnerdomain.records import from_records
from partnerdomain.review import ReviewPolicies, quarterly_review, write_json


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

    def test_the_library_leaves_the_collector_alone(self):
        # The collector is process-wide: a review running beside other threads must
        # not switch it off for them (or back on behind their backs).
        seen: list[bool] = []

        def spy(portfolio, _quarter):
            seen.append(gc.isenabled())
            return {p.id: 0 for p in portfolio.partners}

        policies = ReviewPolicies(bands=RelativeBands(metric=spy))
        empty = Portfolio(as_of=date(2026, 9, 30), currency="EUR")
        for enabled in (True, False):
            seen.clear()
            (gc.enable if enabled else gc.disable)()
            review = quarterly_review(empty, Quarter(2026, 3), policies=policies)
            write_json(review, io.StringIO(), indent=None)
            from_records(Partner, [], profile="generic")
            assert seen
            assert set(seen) == {enabled}
            assert gc.isenabled() is enabled

    def test_the_command_line_reviews_with_the_collector_paused_and_restores_it(
        self, monkeypatch, capsys
    ):
        seen: list[bool] = []

        def spy(*args, **kwargs):
            seen.append(gc.isenabled())
            return quarterly_review(*args, **kwargs)

        monkeypatch.setattr(review_module, "quarterly_review", spy)
        gc.enable()
        assert main(["review", "--demo", "--format", "json"]) == 0
        assert seen == [False]
        assert gc.isenabled()
        assert capsys.readouterr().out.startswith("{")
