"""Demo data: a seeded generator of realistic partner portfolios, and a bundled demo.

Used by the command line's ``--demo`` and ``demo-data``, by the documentation and by
the benchmarks. The same :class:`DemoSpec` always gives the same portfolio;
:func:`load_demo` reads the one shipped with the package (``DEMO_SPEC``, seed 2026),
and :func:`write_portfolio` writes any portfolio as CRM-shaped record files.
"""

from partnerdomain.demo._files import DEMO_SPEC, ENTITY_FILES, load_demo, write_portfolio
from partnerdomain.demo._generator import DemoSpec, generate_portfolio

__all__ = [
    "DEMO_SPEC",
    "ENTITY_FILES",
    "DemoSpec",
    "generate_portfolio",
    "load_demo",
    "write_portfolio",
]
