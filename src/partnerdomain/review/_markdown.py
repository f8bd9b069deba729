"""The review as Markdown, with a Mermaid chart of revenue concentration."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from partnerdomain.review._review import check_rendering
from partnerdomain.review._view import Section, Table, sections

if TYPE_CHECKING:
    from partnerdomain.review._review import Review

__all__ = ["concentration_chart", "render_markdown"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(table: Table) -> list[str]:
    if table.caption is not None:
        return [table.caption, "", *_table(attrs.evolve(table, caption=None))]
    if not table.rows:
        return [f"*{table.columns[0]}: none.*", ""]
    align = ["---:" if i in table.numeric else "---" for i in range(len(table.columns))]
    lines = [
        "| " + " | ".join(_cell(c) for c in table.columns) + " |",
        "| " + " | ".join(align) + " |",
    ]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
    if table.more:
        lines.append(f"\n*... and {table.more} more (see the JSON output for all).*")
    lines.append("")
    return lines


def concentration_chart(review: Review) -> str:
    """Return a Mermaid ``xychart-beta`` of the share of revenue by share of partners.

    The line is the review's concentration curve (best partners first); the bars show
    where revenue would be if every partner brought the same. GitHub, GitLab and most
    Markdown viewers with Mermaid draw it; elsewhere it reads as a small table of
    numbers. A review without revenue has no curve, and no chart: an empty string.
    """
    points = review.concentration.points
    if not points:
        return ""
    labels = ", ".join(f'"{x * 100:.0f}%"' for x, _ in points)
    curve = ", ".join(f"{(y * 100).quantize(Decimal('0.1'))}" for _, y in points)
    equal = ", ".join(f"{(x * 100).quantize(Decimal('0.1'))}" for x, _ in points)
    return "\n".join(
        [
            "```mermaid",
            "xychart-beta",
            f'    title "Revenue concentration, {review.quarter}"',
            f'    x-axis "Share of partners, best first" [{labels}]',
            '    y-axis "Share of revenue (%)" 0 --> 100',
            f"    bar [{equal}]",
            f"    line [{curve}]",
            "```",
        ]
    )


def _section(section: Section, review: Review, level: int) -> list[str]:
    lines = [f"{'#' * level} {section.title}", ""]
    for text in section.lines:
        lines += [text, ""]
    if section.key == "concentration" and review.concentration.points:
        lines += [concentration_chart(review), ""]
    for table in section.tables:
        lines += _table(table)
    return lines


def render_markdown(review: Review, *, limit: int = 20) -> str:
    """Render the review as a Markdown report.

    Sections: summary, program measures, revenue concentration (a Mermaid
    ``xychart-beta`` chart and its numbers), partner bets, tiers, engagement and
    hours per manager, the staffing plan, risks, Actions Precede Results, the
    organisation's rules and notes.

    Args:
        review: The review.
        limit: The most rows of any list (0 for no limit); the rest are counted.

    Raises:
        ValidationError: If ``review`` is not a Review or ``limit`` is not an int >= 0.
    """
    check_rendering("render_markdown", review, limit=limit)
    parts = sections(review, limit=limit)
    lines: list[str] = []
    for i, section in enumerate(parts):
        lines += _section(section, review, 1 if i == 0 else 2)
    return "\n".join(lines).rstrip() + "\n"
