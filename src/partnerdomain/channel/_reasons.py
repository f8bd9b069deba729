"""Reasons: the machine-readable "why" carried by every channel decision."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from partnerdomain.model import FrozenJSON, FrozenMap, freeze_json

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["Reason"]


def _as_facts(value: Mapping[str, object]) -> FrozenMap[str, FrozenJSON]:
    if isinstance(value, FrozenMap):
        return value
    frozen = freeze_json(dict(value))
    assert isinstance(frozen, FrozenMap)  # noqa: S101 - a dict freezes to a FrozenMap
    return frozen


@attrs.frozen(kw_only=True)
class Reason:
    """One reason behind a decision: a stable code, a sentence, and the facts it used.

    ``code`` is what programs match on (``"lead.capacity_reached"``); ``message`` is
    a sentence a partner manager can read out; ``facts`` holds the inputs and
    thresholds the decision compared, as JSON-like values.

    Args:
        code: A stable, dotted, lower-case identifier of the kind of reason.
        message: The reason in words.
        facts: The inputs and thresholds behind it.
    """

    code: str
    message: str
    facts: FrozenMap[str, FrozenJSON] = attrs.field(factory=FrozenMap, converter=_as_facts)

    def __str__(self) -> str:
        """Return the message."""
        return self.message
