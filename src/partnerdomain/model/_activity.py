"""Activity: one logged action, the input of Actions Precede Results."""

from __future__ import annotations

from datetime import date

import attrs

from partnerdomain.model import _validate as v
from partnerdomain.model._enums import ActivityKind
from partnerdomain.model._frozenmap import EMPTY, FrozenJSON, FrozenMap

__all__ = ["Activity"]


@attrs.frozen(kw_only=True)
class Activity:
    """Who did what, with which partner or deal, on which day.

    Actions Precede Results: comparing the activities each contributor logs (partner
    managers and account executives alike) with their pipeline and wins shows whose
    cycles go to the right places.

    Args:
        id: The activity's id.
        actor_id: The partner manager or account executive who did it.
        kind: What it was.
        occurred_on: The day it happened.
        partner_id: The partner it concerned, if any.
        opportunity_id: The deal it concerned, if any.
        note: A free-text note.
        custom_fields: CRM fields the model does not know, kept as loaded.
    """

    id: str = attrs.field(validator=v.entity_id)
    actor_id: str = attrs.field(validator=v.entity_id)
    kind: ActivityKind = attrs.field(validator=v.member_of(ActivityKind))
    occurred_on: date = attrs.field(validator=v.a_date)
    partner_id: str | None = attrs.field(default=None, validator=v.optional_entity_id)
    opportunity_id: str | None = attrs.field(default=None, validator=v.optional_entity_id)
    note: str = attrs.field(default="", validator=v.any_text)
    custom_fields: FrozenMap[str, FrozenJSON] = attrs.field(
        default=EMPTY, converter=v.as_custom_fields, validator=v.custom_fields
    )
