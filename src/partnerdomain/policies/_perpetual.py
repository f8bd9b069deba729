"""Perpetual poor performers: bottom quarter after quarter, past any grace period."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from partnerdomain.exceptions import ValidationError
from partnerdomain.model import FrozenMap, Quarter
from partnerdomain.policies._bands import Bands, PerformanceBand
from partnerdomain.policies._parameters import count
from partnerdomain.policies._reasons import Reason

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["OffboardingRecommendation", "PerpetualPoorPerformers"]


@attrs.frozen(kw_only=True)
class OffboardingRecommendation:
    """A recommendation to take a partner out of the program, with the evidence.

    Attributes:
        partner_id: The partner.
        quarters: The consecutive quarters it spent in the bottom band, oldest first.
        reasons: The recommendation, then each quarter's ranking as evidence.
    """

    partner_id: str
    quarters: tuple[Quarter, ...]
    reasons: tuple[Reason, ...]

    def explain(self) -> str:
        """Return every reason on its own line."""
        return "\n".join(str(r) for r in self.reasons)


def _quarters(value: int) -> int:
    return count("PerpetualPoorPerformers", "quarters", value, minimum=1)


@attrs.frozen(kw_only=True)
class PerpetualPoorPerformers:
    """Find partners that have been bottom performers for too long.

    A partner in the bottom band in each of the last ``quarters`` consecutive quarters
    (four by default) gets a recommendation to offboard. Ramping partners are never
    bottom, so the grace period is respected by construction; a quarter missing from
    the history breaks the streak.

    Args:
        quarters: Consecutive bottom quarters that make a perpetual poor performer.

    Raises:
        ValidationError: If ``quarters`` is not a positive integer.
    """

    quarters: int = attrs.field(default=4, converter=_quarters)

    @property
    def name(self) -> str:
        """The policy's name, as reasons show it."""
        return "PerpetualPoorPerformers"

    def find(self, history: Iterable[Bands]) -> tuple[OffboardingRecommendation, ...]:
        """Return a recommendation for every perpetual poor performer, by partner id.

        Args:
            history: The bands of past quarters, in any order, the latest included;
                each quarter at most once.

        Returns:
            One recommendation per partner bottom in each of the last ``quarters``
            quarters up to the latest one in ``history``.

        Raises:
            ValidationError: If ``history`` holds something other than Bands, or one
                quarter twice.
        """
        by_quarter: dict[Quarter, Bands] = {}
        for bands in history:
            if not isinstance(bands, Bands):
                raise ValidationError(self.name, "history", bands, "Bands results")
            if bands.quarter in by_quarter:
                raise ValidationError(self.name, "history", bands.quarter, "each quarter once")
            by_quarter[bands.quarter] = bands
        if not by_quarter:
            return ()
        latest = max(by_quarter)
        streak = [latest.shift(-k) for k in range(self.quarters - 1, -1, -1)]
        if not all(q in by_quarter for q in streak):
            return ()
        suspects = set(by_quarter[latest].members(PerformanceBand.BOTTOM))
        for quarter in streak[:-1]:
            suspects &= set(by_quarter[quarter].members(PerformanceBand.BOTTOM))
        found = []
        parameters = FrozenMap({"quarters": self.quarters})
        for partner_id in sorted(suspects):
            evidence = tuple(
                r
                for quarter in streak
                for r in by_quarter[quarter].placement(partner_id).reasons
                if r.code in {"ranked", "override", "override_agrees"}
            )
            text = (
                f"bottom performer in each of the last {self.quarters} quarters "
                f"({streak[0]} to {latest}), past any grace period: recommend offboarding"
            )
            summary = Reason(
                code="perpetual_poor_performer",
                policy=self.name,
                quarter=latest,
                text=text,
                facts={"quarters": tuple(streak), "parameters": parameters},
            )
            found.append(
                OffboardingRecommendation(
                    partner_id=partner_id, quarters=tuple(streak), reasons=(summary, *evidence)
                )
            )
        return tuple(found)
