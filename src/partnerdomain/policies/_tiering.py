"""The tiering protocol: what every policy that places partners offers."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from partnerdomain.model import FrozenMap, Portfolio, Quarter
    from partnerdomain.policies._overrides import RuleEvaluator
    from partnerdomain.policies._reasons import Reason

__all__ = ["Placed", "TieringPolicy", "TieringResult"]


class Placed(Protocol):
    """One partner's place: what it got, and why."""

    @property
    def partner_id(self) -> str:
        """The partner."""
        ...

    @property
    def value(self) -> object:
        """The band, segment or tier it got."""
        ...

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """Every step that led there; rule overrides come last."""
        ...


class TieringResult(Protocol):
    """The result of a tiering policy for one quarter."""

    @property
    def quarter(self) -> Quarter:
        """The quarter assessed."""
        ...

    @property
    def policy(self) -> str:
        """The policy's name."""
        ...

    @functools.cached_property
    def parameters(self) -> FrozenMap[str, object]:
        """The policy's parameters."""
        ...

    @property
    def partner_ids(self) -> tuple[str, ...]:
        """Every assessed partner."""
        ...

    def placement(self, partner_id: str, /) -> Placed:
        """Return one partner's place and reasons."""
        ...

    def __len__(self) -> int:
        """Return how many partners were assessed."""
        ...

    def __contains__(self, partner_id: object, /) -> bool:
        """Say whether the partner was assessed."""
        ...


class TieringPolicy(Protocol):
    """Place every partner of a portfolio for a quarter, explaining each place.

    :class:`RelativeBands`, :class:`PerformanceTriangle` and :class:`ThresholdTiers`
    are the defaults; any object with this shape can take their place. Policies are
    pure: the same portfolio, quarter and rules give the same result.
    """

    @property
    def name(self) -> str:
        """The policy's name, as reasons show it."""
        ...

    @functools.cached_property
    def parameters(self) -> FrozenMap[str, object]:
        """The policy's parameters, as reasons report them."""
        ...

    def assess(
        self, portfolio: Portfolio, quarter: Quarter, /, *, rules: RuleEvaluator | None = None
    ) -> TieringResult:
        """Place the portfolio's partners for ``quarter``, then apply rule overrides."""
        ...
