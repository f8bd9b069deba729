"""The quarterly partner review: the policies and rules applied to a portfolio, rendered.

:func:`quarterly_review` takes a portfolio and a quarter and returns a :class:`Review`:
performance bands and the triangle, tiers with progress, engagement levels and hours
per manager, the staffing plan, the program's measures against the quarter before,
revenue concentration, and the risks to look at, each with its reasons. Render it
for a terminal (:func:`render_table`, needs the ``cli`` extra), as JSON with a
versioned schema (:func:`render_json`, :func:`write_json` for large reviews,
:func:`review_schema`) or as Markdown with a revenue-concentration chart
(:func:`render_markdown`).
"""

from partnerdomain.review._data import (
    SCHEMA_ID,
    SCHEMA_VERSION,
    render_json,
    review_data,
    review_schema,
    write_json,
)
from partnerdomain.review._markdown import concentration_chart, render_markdown
from partnerdomain.review._policies import (
    DEFAULT_ROLE_COSTS,
    DEFAULT_TIERS,
    ReviewPolicies,
    RiskThresholds,
    default_staffing,
)
from partnerdomain.review._review import Concentration, ManagerSummary, Review, quarterly_review
from partnerdomain.review._risks import Risk, RiskKind
from partnerdomain.review._terminal import MissingExtraError, render_table

__all__ = [
    "DEFAULT_ROLE_COSTS",
    "DEFAULT_TIERS",
    "SCHEMA_ID",
    "SCHEMA_VERSION",
    "Concentration",
    "ManagerSummary",
    "MissingExtraError",
    "Review",
    "ReviewPolicies",
    "Risk",
    "RiskKind",
    "RiskThresholds",
    "concentration_chart",
    "default_staffing",
    "quarterly_review",
    "render_json",
    "render_markdown",
    "render_table",
    "review_data",
    "review_schema",
    "write_json",
]
