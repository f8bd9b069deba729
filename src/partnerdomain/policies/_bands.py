"""Partner bets: top, middle and bottom performers, and the partners still ramping."""

from __future__ import annotations

import functools
import operator
from datetime import date
from decimal import Decimal
from enum import StrEnum
from itertools import compress, filterfalse, repeat
from typing import TYPE_CHECKING, NamedTuple, cast

import attrs

from partnerdomain.exceptions import ValidationError
from partnerdomain.model import FrozenMap, Partner, PartnerStage, Portfolio, Quarter
from partnerdomain.policies._metric import (
    PARTNER_SOURCED_REVENUE,
    Metric,
    MetricFunction,
    Number,
    as_metric,
    check_values,
)
from partnerdomain.policies._overrides import RuleEvaluator, apply_override
from partnerdomain.policies._parameters import check_quarter, count, share
from partnerdomain.policies._ranking import Ranking, rank, shared_by_tie, tie_reason
from partnerdomain.policies._reasons import Placement, Reason, show_number

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterator, Mapping

__all__ = ["IN_PROGRAM", "Bands", "PerformanceBand", "RelativeBands"]

#: The stages of partners that have signed and not yet left: the ones policies assess.
IN_PROGRAM: frozenset[PartnerStage] = frozenset(s for s in PartnerStage if s.is_in_program)
_RAMPING_STAGES = frozenset({PartnerStage.ONBOARDING, PartnerStage.ENABLEMENT})


class PerformanceBand(StrEnum):
    """Where a partner's results place it among its peers this quarter."""

    TOP = "top"
    """The few partners that deliver most of the results."""
    MIDDLE = "middle"
    """The bulk of partners: the best bet for a partner manager's time."""
    BOTTOM = "bottom"
    """Established partners delivering the least."""
    RAMPING = "ramping"
    """New partners, not yet ranked against established ones (grace period)."""


_ORDER = (PerformanceBand.TOP, PerformanceBand.MIDDLE, PerformanceBand.BOTTOM)


class _Ramp(NamedTuple):
    value: Number
    joined_on: date | None
    stage: PartnerStage | None
    in_grace: bool


@attrs.frozen(kw_only=True, eq=False)
class Bands:
    """The partner bets of one quarter: each partner's band, rank and reasons.

    Build it with :meth:`RelativeBands.assess` (or :meth:`RelativeBands.band`). The
    ranking is held compactly; a partner's :class:`~partnerdomain.policies.Placement`
    with its reasons is built when asked for, so banding a million partners costs
    little more than sorting them.

    Attributes:
        quarter: The quarter assessed.
        policy: The policy's name.
        parameters: The policy's parameters, as reasons report them.
        metric: The name of the metric ranked by.
        excluded: Partners of the portfolio not assessed (their stage), with why.
        rule_errors: Errors of organisation rules that failed (collected, not raised).
    """

    quarter: Quarter
    policy: str
    parameters: FrozenMap[str, object]
    metric: str
    _ranking: Ranking[Number] = attrs.field(alias="ranking")
    _ramping: FrozenMap[str, _Ramp] = attrs.field(alias="ramping")
    _overrides: FrozenMap[str, tuple[PerformanceBand, tuple[Reason, ...]]] = attrs.field(
        alias="overrides", factory=FrozenMap
    )
    excluded: FrozenMap[str, str] = attrs.field(factory=FrozenMap)
    rule_errors: tuple[Exception, ...] = ()
    _cut_offs: FrozenMap[str, Number | None] = attrs.field(init=False, repr=False)
    # The words for where each ranked band lies: the cut-offs are the same for everyone.
    _where: FrozenMap[PerformanceBand, str] = attrs.field(init=False, repr=False)
    # Each tie group's band and reasons by rank, with its key as written: built once,
    # shared by the partners of the group whose values read the same.
    _tied: dict[int, tuple[object, tuple[PerformanceBand, tuple[Reason, ...]]]] = attrs.field(
        init=False, repr=False, factory=dict
    )

    def __attrs_post_init__(self) -> None:
        """Work out the cut-offs once: every reason quotes them."""
        ranking = self._ranking
        n = len(ranking)
        top_end, bottom_start = ranking.starts
        top = ranking.keys[top_end] if top_end < n else None
        bottom = ranking.keys[bottom_start] if bottom_start < n else None
        object.__setattr__(self, "_cut_offs", FrozenMap({"top": top, "bottom": bottom}))
        above, below = show_number(top), show_number(bottom)
        where = {
            PerformanceBand.TOP: f"more than the top cut-off of {above}",
            PerformanceBand.MIDDLE: (
                f"above the bottom cut-off of {below}, not above the top cut-off of {above}"
            ),
            PerformanceBand.BOTTOM: f"at or below the bottom cut-off of {below}",
        }
        object.__setattr__(self, "_where", FrozenMap(where))

    # -- lookups ----------------------------------------------------------------------

    def __len__(self) -> int:
        """Return how many partners were assessed (ranked and ramping)."""
        return len(self._ranking) + len(self._ramping)

    def __contains__(self, partner_id: object) -> bool:
        """Say whether the partner was assessed."""
        if not isinstance(partner_id, str):
            return False
        return partner_id in self._ramping or self._ranking.position(partner_id) is not None

    def __iter__(self) -> Iterator[Placement[PerformanceBand]]:
        """Iterate over every placement: ranked partners best first, then ramping ones."""
        for partner_id in self.partner_ids:
            yield self.placement(partner_id)

    @property
    def partner_ids(self) -> tuple[str, ...]:
        """Every assessed partner: ranked ones best first (ties by id), then ramping ones."""
        return (*self._ranking.ids, *self._ramping)

    def _position(self, partner_id: str) -> int:
        position = self._ranking.position(partner_id)
        if position is None:
            raise ValidationError("Bands", "partner_id", partner_id, "an assessed partner's id")
        return position

    def band_of(self, partner_id: str) -> PerformanceBand:
        """Return the partner's band (after any rule override).

        Raises:
            ValidationError: If the partner was not assessed.
        """
        override = self._overrides.get(partner_id)
        if override is not None:
            return override[0]
        if partner_id in self._ramping:
            return PerformanceBand.RAMPING
        return _ORDER[self._ranking.band_at(self._position(partner_id))]

    def value_of(self, partner_id: str) -> Number:
        """Return the partner's metric value.

        Raises:
            ValidationError: If the partner was not assessed.
        """
        ramp = self._ramping.get(partner_id)
        if ramp is not None:
            return ramp.value
        return self._ranking.keys[self._position(partner_id)]

    def rank_of(self, partner_id: str) -> int | None:
        """Return the partner's competition rank (1 is best), or None while it is ramping.

        Raises:
            ValidationError: If the partner was not assessed.
        """
        if partner_id in self._ramping:
            return None
        return self._ranking.ranks[self._position(partner_id)]

    def members_before_overrides(self, band: PerformanceBand) -> tuple[str, ...]:
        """Return the partners the policy itself put in ``band``, best first.

        The organisation's rules may have moved some of them (see :meth:`members`).
        """
        if band is PerformanceBand.RAMPING:
            return tuple(self._ramping)
        start, end = self._ranking.span(_ORDER.index(band))
        return tuple(self._ranking.ids[start:end])

    def members(self, band: PerformanceBand) -> tuple[str, ...]:
        """Return the partners in ``band`` (after overrides), best first."""
        base = self.members_before_overrides(band)
        if not self._overrides:
            return base
        kept = [p for p in base if p not in self._overrides]
        moved = [p for p, (b, _) in self._overrides.items() if b is band]
        return tuple(sorted((*kept, *moved), key=self._sort_key))

    def _sort_key(self, partner_id: str) -> tuple[int, str]:
        position = self._ranking.position(partner_id)
        return (len(self._ranking) if position is None else position, partner_id)

    @property
    def counts(self) -> FrozenMap[PerformanceBand, int]:
        """How many partners each band holds (after overrides)."""
        return FrozenMap((band, len(self.members(band))) for band in PerformanceBand)

    @property
    def targets(self) -> FrozenMap[PerformanceBand, int]:
        """How many partners each ranked band should hold by its share, before ties."""
        return FrozenMap(zip(_ORDER, self._ranking.targets, strict=True))

    @property
    def cut_offs(self) -> FrozenMap[str, Number | None]:
        """The thresholds of this quarter's bands, as values of the metric.

        ``"top"``: a partner needs *more* than this to be a top performer (the best
        value outside the top band); ``"bottom"``: a partner with this or less is a
        bottom performer (the best value in the bottom band). ``None`` when the band
        holds every ranked partner or none.
        """
        return self._cut_offs

    @property
    def total(self) -> Number:
        """The metric summed over every assessed partner, ramping ones included."""
        total: Number = sum(self._ranking.keys, 0)
        for ramp in self._ramping.values():
            total += ramp.value  # type: ignore[operator]
        return total

    @property
    def concentration(self) -> Decimal | None:
        """The share of the metric's total the top band delivers (the seeds expect 0.7-0.8).

        ``None`` when the total is not above zero.
        """
        total = self.total
        if total <= 0:
            return None
        top: Number = sum((self.value_of(p) for p in self.members(PerformanceBand.TOP)), 0)
        return Decimal(top) / Decimal(total)

    # -- explanations -----------------------------------------------------------------

    def placement(self, partner_id: str) -> Placement[PerformanceBand]:
        """Return the partner's band with every reason for it.

        Raises:
            ValidationError: If the partner was not assessed.
        """
        if self._ramping and partner_id in self._ramping:
            band = PerformanceBand.RAMPING
            reasons: tuple[Reason, ...] = (self._ramping_reason(self._ramping[partner_id]),)
        else:
            band, reasons = self._ranked_reasons(self._position(partner_id))
        if self._overrides and partner_id in self._overrides:
            band, extra = self._overrides[partner_id]
            reasons += extra
        return Placement(partner_id=partner_id, value=band, reasons=reasons)

    def _ranked_reasons(self, position: int) -> tuple[PerformanceBand, tuple[Reason, ...]]:
        return shared_by_tie(self._tied, self._ranking, position, self._build_ranked_reasons)

    def _build_ranked_reasons(self, position: int) -> tuple[PerformanceBand, tuple[Reason, ...]]:
        ranking = self._ranking
        value = ranking.keys[position]
        rank_ = ranking.ranks[position]
        n = len(ranking)
        band = _ORDER[ranking.band_at(position)]
        name = str(band)  # its value; str() is the quicker way to it for a StrEnum
        cut_offs = self._cut_offs
        facts: dict[str, object] = {
            "metric": self.metric,
            "value": value,
            "rank": rank_,
            "of": n,
            "band": name,
            "top_cut_off": cut_offs["top"],
            "bottom_cut_off": cut_offs["bottom"],
            "parameters": self.parameters,
        }
        text = (
            f"{name}: rank {rank_} of {n} by {self.metric} = {show_number(value)}, "
            f"{self._where[band]}"
        )
        reasons: tuple[Reason, ...] = (self._reason("ranked", text, facts),)
        tie = tie_reason(
            ranking,
            position,
            boundaries=("top", "bottom"),
            unit="band",
            placed=name,
            policy=self.policy,
            quarter=self.quarter,
        )
        if tie is not None:
            reasons += (tie,)
        return band, reasons

    def _reason(self, code: str, text: str, facts: dict[str, object]) -> Reason:
        return Reason(code=code, policy=self.policy, quarter=self.quarter, text=text, facts=facts)

    def _ramping_reason(self, ramp: _Ramp) -> Reason:
        grace = self.parameters["grace_quarters"]
        facts: dict[str, object] = {
            "metric": self.metric,
            "value": ramp.value,
            "joined_on": ramp.joined_on,
            "grace_quarters": grace,
            "band": PerformanceBand.RAMPING.value,
            "parameters": self.parameters,
        }
        if not ramp.in_grace and ramp.stage is not None:
            facts["stage"] = ramp.stage.value
            text = (
                f"ramping: still in {ramp.stage.value}, so not ranked against established "
                f"partners ({self.metric} = {show_number(ramp.value)})"
            )
            return self._reason("enablement_stage", text, facts)
        joined = ramp.joined_on
        assert joined is not None  # noqa: S101 - a ramp has a join date or a ramping stage
        assert isinstance(grace, int)  # noqa: S101 - validated by the policy
        last = Quarter.from_date(joined, fiscal_start_month=self.quarter.fiscal_start_month)
        facts["grace_until"] = last.shift(grace - 1)
        text = (
            f"ramping: joined on {joined.isoformat()}, within the grace period of {grace} "
            f"quarter(s) (until {last.shift(grace - 1)}), so not ranked against established "
            f"partners ({self.metric} = {show_number(ramp.value)})"
        )
        return self._reason("grace_period", text, facts)


def _joined_since(joined_on: Mapping[str, date | None], start: date) -> set[str]:
    """Return the partners that joined on or after ``start`` (map and compress run in C)."""
    try:
        at_or_after = cast("Callable[[date | None, date], bool]", operator.ge)
        return set(compress(joined_on, map(at_or_after, joined_on.values(), repeat(start))))
    except TypeError:  # some join dates are unknown (None): take the slow, careful path
        return {pid for pid, day in joined_on.items() if day is not None and day >= start}


def _as_metric(value: Metric | MetricFunction) -> Metric:
    return as_metric(value)


def _as_stages(value: Collection[PartnerStage]) -> frozenset[PartnerStage]:
    if isinstance(value, (str, bytes)) or not all(isinstance(s, PartnerStage) for s in value):
        raise ValidationError("RelativeBands", "stages", value, "a set of PartnerStage members")
    return frozenset(value)


def _top(value: Decimal | float | str) -> Decimal:
    return share("RelativeBands", "top", value)


def _bottom(value: Decimal | float | str) -> Decimal:
    return share("RelativeBands", "bottom", value)


def _grace(value: int) -> int:
    return count("RelativeBands", "grace_quarters", value)


@attrs.frozen(kw_only=True)
class RelativeBands:
    """Partner bets: rank partners by a metric and cut them into top, middle and bottom.

    By default the metric is partner-sourced won revenue over the four quarters ending
    with the quarter assessed, and the shares are 15% top, 70% middle, 15% bottom.
    Partners that joined within the grace period (two quarters by default: the quarter
    they joined in and the next), or are still onboarding or in enablement, are
    ``RAMPING``: they are not ranked and never bottom.

    **Ties are never split.** The top band's target is its share of the ranked
    partners, rounded half up, and so is the bottom band's; the middle band's is the
    rest. A group of partners with equal values that a boundary would cut goes to the
    *lower* band: a partner enters a band only by beating everyone below it. So a
    partner is top if its value is more than the top cut-off, and bottom if its value
    is at or below the bottom cut-off (see :attr:`Bands.cut_offs`). Hence the bound:
    the top band holds at most its target and falls short of it by less than the size
    of the tie group at its boundary; the bottom band holds at least its target and
    exceeds it by less than the size of the tie group at its boundary (twenty partners
    that all sold nothing are all bottom performers, not a lucky few middle ones). All
    partners with equal values share a band and a rank (competition ranking: 1, 2, 2, 4).

    Args:
        top: The share of ranked partners in the top band.
        bottom: The share in the bottom band; ``top + bottom`` must not exceed 1.
        grace_quarters: Quarters after joining during which a partner is ramping
            (0 for none).
        metric: What partners are ranked by: a :class:`Metric` or any function
            ``(portfolio, quarter) -> {partner_id: number}``.
        stages: The partner stages assessed; partners in the program by default.

    Raises:
        ValidationError: If a parameter is out of range.
    """

    top: Decimal = attrs.field(default=Decimal("0.15"), converter=_top)
    bottom: Decimal = attrs.field(default=Decimal("0.15"), converter=_bottom)
    grace_quarters: int = attrs.field(default=2, converter=_grace)
    metric: Metric = attrs.field(default=PARTNER_SOURCED_REVENUE, converter=_as_metric)
    stages: frozenset[PartnerStage] = attrs.field(default=IN_PROGRAM, converter=_as_stages)

    def __attrs_post_init__(self) -> None:
        """Check that the shares fit in one."""
        if self.top + self.bottom > 1:
            expected = f"at most {1 - self.top} so that top + bottom <= 1 (top is {self.top})"
            raise ValidationError("RelativeBands", "bottom", self.bottom, expected)

    @property
    def name(self) -> str:
        """The policy's name, as reasons show it."""
        return "RelativeBands"

    @property
    def middle(self) -> Decimal:
        """The share of ranked partners in the middle band."""
        return 1 - self.top - self.bottom

    @functools.cached_property
    def parameters(self) -> FrozenMap[str, object]:
        """The parameters, as reasons report them."""
        return FrozenMap(
            {
                "top": self.top,
                "middle": self.middle,
                "bottom": self.bottom,
                "grace_quarters": self.grace_quarters,
                "metric": self.metric.name,
                "stages": tuple(sorted(s.value for s in self.stages)),
            }
        )

    def grace_start(self, quarter: Quarter) -> date | None:
        """Return the first join day that still counts as ramping in ``quarter``."""
        if self.grace_quarters == 0:
            return None
        return quarter.shift(1 - self.grace_quarters).first_day

    def assess(
        self, portfolio: Portfolio, quarter: Quarter, *, rules: RuleEvaluator | None = None
    ) -> Bands:
        """Band the portfolio's partners for ``quarter``, then apply rule overrides.

        Args:
            portfolio: The snapshot; partners whose stage is not in ``stages`` are
                listed in :attr:`Bands.excluded` with the reason.
            quarter: The quarter assessed (the metric's window ends with it).
            rules: The organisation's rules; a winning override of target ``"band"``
                replaces the policy's band and is reported as the last reason.

        Returns:
            The bands, with reasons.

        Raises:
            ValidationError: If ``quarter`` is not a Quarter, or the metric gives a
                partner no value or a value that cannot be ranked.
        """
        check_quarter(self.name, quarter)
        if not isinstance(portfolio, Portfolio):
            raise ValidationError(self.name, "portfolio", portfolio, "a Portfolio")
        assessed = [p for p in portfolio.partners if p.stage in self.stages]
        excluded = FrozenMap(
            (p.id, f"stage {p.stage.value!r} is not among the assessed stages")
            for p in sorted(portfolio.partners, key=lambda p: p.id)
            if p.stage not in self.stages
        )
        computed = self.metric(portfolio, quarter)
        values: dict[str, Number] = {}
        for partner in assessed:
            if partner.id not in computed:
                where = f"metric {self.metric.name!r}"
                raise ValidationError(where, partner.id, None, "a value for every partner")
            values[partner.id] = computed[partner.id]
        bands = self.band(
            values,
            quarter,
            joined_on={p.id: p.joined_on for p in assessed},
            ramping_stage={p.id: p.stage for p in assessed if p.stage in _RAMPING_STAGES},
        )
        bands = attrs.evolve(bands, excluded=excluded)
        if rules is None:
            return bands
        return _apply_rules(bands, assessed, rules)

    def band(
        self,
        values: Mapping[str, Number],
        quarter: Quarter,
        *,
        joined_on: Mapping[str, date | None] | None = None,
        ramping_stage: Mapping[str, PartnerStage] | None = None,
    ) -> Bands:
        """Band partners by metric values already computed: the policy's pure core.

        Args:
            values: Each partner's metric value.
            quarter: The quarter assessed (for the grace period and the reasons).
            joined_on: Each partner's join day, where known.
            ramping_stage: Partners still onboarding or in enablement, with the stage.

        Returns:
            The bands, with reasons.

        Raises:
            ValidationError: If a value cannot be ranked, or ``joined_on`` or
                ``ramping_stage`` names a partner without a value.
        """
        check_quarter(self.name, quarter)
        check_values(self.metric.name, values)
        joined_on = joined_on or {}
        ramping_stage = ramping_stage or {}
        for name, mapping in (("joined_on", joined_on), ("ramping_stage", ramping_stage)):
            if not mapping.keys() <= values.keys():
                expected = "ids of partners that have a metric value"
                raise ValidationError(
                    self.name, name, min(mapping.keys() - values.keys()), expected
                )
        start = self.grace_start(quarter)
        graced = set() if start is None else _joined_since(joined_on, start)
        graced.update(ramping_stage)
        if graced:
            ids = list(filterfalse(graced.__contains__, values))
            keys = list(map(values.__getitem__, ids))
            ramping = FrozenMap(
                (
                    pid,
                    _Ramp(
                        value=values[pid],
                        joined_on=joined_on.get(pid),
                        stage=ramping_stage.get(pid),
                        in_grace=start is not None and (joined_on.get(pid) or date.min) >= start,
                    ),
                )
                for pid in sorted(graced)
            )
        else:
            ids = list(values)
            keys = list(values.values())
            ramping = FrozenMap()
        ranking = rank(ids, keys, (self.top, self.middle, self.bottom), ("down", "down"), rest=1)
        return Bands(
            quarter=quarter,
            policy=self.name,
            parameters=self.parameters,
            metric=self.metric.name,
            ranking=ranking,
            ramping=ramping,
        )


def _accept_band(value: object) -> PerformanceBand | None:
    try:
        return PerformanceBand(str(value))
    except ValueError:
        return None


def _apply_rules(bands: Bands, partners: list[Partner], rules: RuleEvaluator) -> Bands:
    overrides: dict[str, tuple[PerformanceBand, tuple[Reason, ...]]] = {}
    errors: list[Exception] = []
    for partner in sorted(partners, key=lambda p: p.id):
        current = bands.band_of(partner.id)
        context: dict[str, object] = {
            "band": current.value,
            "quarter": str(bands.quarter),
            "policy": bands.policy,
            "metric": bands.metric,
            "value": bands.value_of(partner.id),
            "rank": bands.rank_of(partner.id),
        }
        band, reasons, failed = apply_override(
            rules,
            partner,
            target="band",
            current=current,
            context=context,
            accept=_accept_band,
            quarter=bands.quarter,
        )
        errors.extend(failed)
        if reasons:
            overrides[partner.id] = (band, reasons)
    return attrs.evolve(bands, overrides=FrozenMap(overrides), rule_errors=tuple(errors))
