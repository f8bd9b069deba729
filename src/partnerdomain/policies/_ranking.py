"""Rank once, cut into bands by share, never split a tie.

The hot path of the relative policies: one sort of positions by key, a C-speed scan
for equal neighbours (ties), competition ranks, then the band boundaries moved off any
tie group they would cut. Everything here works on plain lists so that a million
partners cost little more than one ``sorted()``.
"""

from __future__ import annotations

import operator
from bisect import bisect_right
from decimal import ROUND_HALF_UP, Decimal
from itertools import accumulate, compress, repeat
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, cast

from partnerdomain.policies._reasons import Reason

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from partnerdomain.model import Quarter

__all__ = ["Ranking", "rank", "shared_by_tie", "target_counts", "tie_reason"]

K = TypeVar("K")

#: Where a tie group cut by a band boundary goes: to the band above or the band below.
TieRule = Literal["up", "down"]


def target_counts(shares: Sequence[Decimal], n: int, rest: int) -> tuple[int, ...]:
    """Turn shares (summing to one) into band sizes summing to ``n``.

    Each band's size is its share of ``n`` rounded half up, except band number
    ``rest``, which takes what is left; a band never gets more than remains.
    """
    counts = [0] * len(shares)
    left = n
    for band, share in enumerate(shares):
        if band != rest:
            size = min(left, int((share * n).to_integral_value(ROUND_HALF_UP)))
            counts[band] = size
            left -= size
    counts[rest] = left
    return tuple(counts)


class Ranking(Generic[K]):
    """Partners in rank order (best first), with competition ranks and band boundaries.

    Attributes:
        ids: Partner ids, best first; ties ordered by id.
        keys: Their ranking keys, in the same order.
        ranks: Competition ranks ("1224"): tied partners share the best rank.
        starts: The position where each band after the first begins.
        targets: The band sizes the shares asked for, before ties were resolved.
    """

    __slots__ = ("_index", "ids", "keys", "ranks", "starts", "targets")

    def __init__(
        self,
        ids: list[str],
        keys: list[K],
        ranks: list[int],
        starts: tuple[int, ...],
        targets: tuple[int, ...],
    ) -> None:
        """Hold a finished ranking; build one with :func:`rank`."""
        self.ids = ids
        self.keys = keys
        self.ranks = ranks
        self.starts = starts
        self.targets = targets
        self._index: dict[str, int] | None = None

    def __len__(self) -> int:
        """Return how many partners were ranked."""
        return len(self.ids)

    def position(self, partner_id: str) -> int | None:
        """Return the partner's position (0 is the best), or None if it was not ranked."""
        if self._index is None:
            self._index = dict(zip(self.ids, range(len(self.ids)), strict=True))
        return self._index.get(partner_id)

    def band_at(self, position: int) -> int:
        """Return the number of the band (0 is the best) holding ``position``."""
        return bisect_right(self.starts, position)

    def span(self, band: int) -> tuple[int, int]:
        """Return the positions ``[start, end)`` of band number ``band``."""
        start = 0 if band == 0 else self.starts[band - 1]
        end = self.starts[band] if band < len(self.starts) else len(self.ids)
        return start, end

    def tie_group(self, position: int) -> tuple[int, int]:
        """Return the positions ``[start, end)`` of the partners tied with ``position``."""
        rank_ = self.ranks[position]
        return rank_ - 1, bisect_right(self.ranks, rank_)

    def is_tied(self, position: int) -> bool:
        """Say whether another partner shares this position's key (and so its rank)."""
        start, end = self.tie_group(position)
        return end - start > 1

    def tie_across(self, position: int) -> tuple[int, int, int] | None:
        """Say whether the partner's tie group spans a band's target boundary.

        A group may span more than one; the last (lowest) one it spans is named, since
        that is the boundary whose rule placed the group.

        Returns:
            ``(boundary, tie_size, target_position)``: the number of the boundary (0
            is the one after the first band), how many partners are tied, and where
            the shares alone would have cut; None if no boundary falls inside the group.
        """
        start, end = self.tie_group(position)
        if end - start < 2:
            return None
        found = None
        cut = 0
        for boundary, size in enumerate(self.targets[:-1]):
            cut += size
            if start < cut < end:
                found = (boundary, end - start, cut)
        return found


def _written(key: object) -> object:
    """A ranking key as reasons write it: its type and its text (for each part of a tuple)."""
    if key.__class__ is tuple:
        return tuple((part.__class__, str(part)) for part in cast("tuple[object, ...]", key))
    return (key.__class__, str(key))


R = TypeVar("R")


def shared_by_tie(
    cache: dict[int, tuple[object, R]],
    ranking: Ranking[Any],
    position: int,
    build: Callable[[int], R],
) -> R:
    """Return ``build(position)``, built once per tie group and shared within it.

    Tied partners have equal keys, so they share a rank and a band; their reasons are
    the same too when their keys are also written alike (``Decimal("5")`` equals
    ``Decimal("5.00")`` and ``5``, but a reason shows each as it is). ``cache`` holds,
    by rank, the first result of each tie group with its key as written; a partner
    whose key reads differently gets its own result.
    """
    rank_ = ranking.ranks[position]
    found = cache.get(rank_)
    if found is not None and found[0] == _written(ranking.keys[position]):
        return found[1]
    result = build(position)
    if found is None and ranking.is_tied(position):
        cache[rank_] = (_written(ranking.keys[position]), result)
    return result


def rank(
    ids: list[str],
    keys: list[K],
    shares: Sequence[Decimal],
    ties: Sequence[TieRule],
    rest: int,
) -> Ranking[K]:
    """Rank ``ids`` by ``keys`` (highest first) and cut the ranking into bands by share.

    Args:
        ids: Partner ids.
        keys: One comparable key per id; higher is better.
        shares: The share of partners each band should hold, best band first.
        ties: For each boundary between two bands, where a tie group cut by it goes.
        rest: The band that takes what the others' rounded shares leave.

    Returns:
        The ranking; the ties rule means band sizes can fall short of (or exceed) their
        targets by less than the size of the tie group at each boundary.
    """
    n = len(keys)
    order = sorted(range(n), key=cast("Callable[[int], Any]", keys.__getitem__), reverse=True)
    ranked_keys = list(map(keys.__getitem__, order))
    ranked_ids = list(map(ids.__getitem__, order))
    # Tie groups found at C speed: a group starts where the key differs from the one
    # before; a partner's competition rank is the position of its group's start, plus 1.
    is_new = [True, *map(operator.ne, ranked_keys[1:], ranked_keys[:-1])] if n else []
    ranks = list(accumulate(map(operator.mul, is_new, range(1, n + 1)), max))
    group_starts = list(compress(range(n), is_new))
    group_ends = [*group_starts[1:], n] if n else []
    sizes = map(operator.sub, group_ends, group_starts)
    groups = zip(group_starts, group_ends, strict=True)
    for start, end in compress(groups, map(operator.gt, sizes, repeat(1))):
        ranked_ids[start:end] = sorted(ranked_ids[start:end])
    targets = target_counts(shares, n, rest)
    starts: list[int] = []
    boundary = 0
    for size, rule in zip(targets[:-1], ties, strict=True):
        boundary += size
        cut = boundary
        if 0 < cut < n and ranks[cut] == ranks[cut - 1]:
            group_start = ranks[cut] - 1
            cut = group_start if rule == "down" else bisect_right(ranks, ranks[cut])
        starts.append(max(cut, starts[-1]) if starts else cut)
    return Ranking(ranked_ids, ranked_keys, ranks, tuple(starts), targets)


def tie_reason(  # noqa: PLR0913 - the ranking, the partner, and how the policy words it
    ranking: Ranking[Any],
    position: int,
    *,
    boundaries: Sequence[str],
    unit: str,
    placed: str,
    policy: str,
    quarter: Quarter,
) -> Reason | None:
    """Explain why a tied partner sits below a target boundary, if its tie spans one.

    Args:
        ranking: The ranking.
        position: The partner's position in it.
        boundaries: The name of each boundary, as the policy calls the band above it.
        unit: What the policy's bands are called ("band", "segment"); also the fact's key.
        placed: Where the partner was placed.
        policy: The policy's name.
        quarter: The quarter assessed.
    """
    tie = ranking.tie_across(position)
    if tie is None:
        return None
    boundary, size, target = tie
    name = boundaries[boundary]
    text = (
        f"tied with {size - 1} other partner(s) across the {name} {unit}'s target boundary "
        f"(after {target} partner(s)); ties are never split and go to the lower {unit}, so "
        f"this one is {placed}"
    )
    facts = {"tie_size": size, "boundary": name, "target_position": target, unit: placed}
    return Reason(code="tie_at_boundary", policy=policy, quarter=quarter, text=text, facts=facts)
