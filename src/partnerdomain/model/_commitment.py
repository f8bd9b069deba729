"""Commitment: a promise made to a partner, and when it is due."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import attrs

from partnerdomain.model import _validate as v
from partnerdomain.model._enums import CommitmentStatus
from partnerdomain.model._frozenmap import EMPTY, FrozenJSON, FrozenMap

if TYPE_CHECKING:
    from attrs import Attribute

__all__ = ["Commitment"]


def _check_resolved_on(
    instance: Commitment, attribute: Attribute[date | None], value: object
) -> None:
    v.optional_date(instance, attribute, value)
    if value is not None and instance.status is CommitmentStatus.OPEN:
        v.fail(instance, attribute, value, "None while the commitment is open")


@attrs.frozen(kw_only=True)
class Commitment:
    """A promise to a partner: what, to whom, by whom, due when, and whether it was kept.

    >>> from datetime import date
    >>> c = Commitment(id="C-1", partner_id="P-1", owner_id="M-1",
    ...                description="Joint webinar", due_on=date(2026, 3, 31))
    >>> c.is_overdue(date(2026, 4, 1)), c.is_overdue(date(2026, 3, 31))
    (True, False)

    Args:
        id: The commitment's id.
        partner_id: The partner it was made to.
        owner_id: The manager who made it and must keep it.
        description: What was promised.
        due_on: The day it is due.
        status: Open, delivered or cancelled.
        made_on: The day it was made, if known.
        resolved_on: The day it was delivered or cancelled; ``None`` while open.
        custom_fields: CRM fields the model does not know, kept as loaded.
    """

    id: str = attrs.field(validator=v.entity_id)
    partner_id: str = attrs.field(validator=v.entity_id)
    owner_id: str = attrs.field(validator=v.entity_id)
    description: str = attrs.field(validator=v.text)
    due_on: date = attrs.field(validator=v.a_date)
    status: CommitmentStatus = attrs.field(
        default=CommitmentStatus.OPEN, validator=v.member_of(CommitmentStatus)
    )
    made_on: date | None = attrs.field(default=None, validator=v.optional_date)
    resolved_on: date | None = attrs.field(default=None, validator=_check_resolved_on)
    custom_fields: FrozenMap[str, FrozenJSON] = attrs.field(
        default=EMPTY, converter=v.as_custom_fields, validator=v.custom_fields
    )

    def is_overdue(self, as_of: date) -> bool:
        """Say whether the promise is still open after its due day, as of ``as_of``."""
        return self.status is CommitmentStatus.OPEN and as_of > self.due_on
