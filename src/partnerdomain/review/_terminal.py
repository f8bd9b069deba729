"""The review as tables for a terminal, drawn with rich (the ``cli`` extra)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from partnerdomain.review._review import check_rendering
from partnerdomain.review._view import sections

if TYPE_CHECKING:
    from partnerdomain.review._review import Review

__all__ = ["MissingExtraError", "render_table", "require_rich"]


class MissingExtraError(ImportError):
    """An optional dependency of the library is not installed; the message names the extra."""


def require_rich() -> Any:  # noqa: ANN401 - the rich module, typed by rich itself
    """Import rich, or explain which extra installs it.

    Raises:
        MissingExtraError: If rich is not installed.
    """
    try:
        import rich  # noqa: PLC0415 - optional, imported only when a table is drawn
    except ImportError:
        msg = (
            "terminal tables need the 'rich' package: install the cli extra, "
            "e.g. pip install 'partnerdomain[cli]' (or use --format json or markdown)"
        )
        raise MissingExtraError(msg) from None
    return rich


def render_table(review: Review, *, limit: int = 10, width: int = 120, color: bool = False) -> str:
    """Render the review as terminal tables.

    Args:
        review: The review.
        limit: The most rows of any list (0 for no limit); the rest are counted.
        width: The width to lay the tables out in.
        color: Whether to write terminal colour codes.

    Raises:
        MissingExtraError: If rich (the ``cli`` extra) is not installed.
        ValidationError: If ``review`` is not a Review, or ``limit`` or ``width`` is not
            an int >= 0.
    """
    check_rendering("render_table", review, limit=limit, width=width)
    require_rich()
    from rich import box  # noqa: PLC0415 - optional dependency
    from rich.console import Console  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        emoji=False,
    )
    for i, section in enumerate(sections(review, limit=limit)):
        style = "bold reverse" if i == 0 else "bold underline"
        console.print(section.title, style=style, markup=False)
        for line in section.lines:
            console.print(line, markup=False)
        for table in section.tables:
            if table.caption is not None:
                console.print(table.caption, markup=False)
            if not table.rows:
                console.print(f"{table.columns[0]}: none.", markup=False)
                continue
            grid = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
            for index, column in enumerate(table.columns):
                grid.add_column(
                    column, justify="right" if index in table.numeric else "left", overflow="fold"
                )
            for row in table.rows:
                grid.add_row(*row)
            console.print(grid)
            if table.more:
                console.print(f"... and {table.more} more", markup=False)
        console.print()
    return buffer.getvalue()
