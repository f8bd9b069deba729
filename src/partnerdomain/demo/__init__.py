"""Demo data: a seeded generator of realistic partner portfolios.

Used by the command line's ``--demo`` and ``demo-data``, by the documentation and by
the benchmarks. The same :class:`DemoSpec` always gives the same portfolio.
"""

from partnerdomain.demo._generator import DemoSpec, generate_portfolio

__all__ = ["DemoSpec", "generate_portfolio"]
