"""The ``partnerdomain`` command line.

Commands arrive with the issues that build them; until then the command prints its
help and the version, and exits 0.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of the ``partnerdomain`` command."""
    from partnerdomain import __version__  # noqa: PLC0415 - keep the CLI's import light

    parser = argparse.ArgumentParser(
        prog="partnerdomain",
        description=(
            "Model and review SaaS partner programs: partners, lifecycles, tiering, "
            "staffing and organisation rules."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code.

    Args:
        argv: The arguments, without the program name; ``sys.argv[1:]`` by default.

    Returns:
        0 on success.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stdout)
    return 0
