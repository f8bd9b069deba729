"""Run the Python examples in README.md and docs/*.md as tests (with Sybil).

Fenced ``python`` blocks run in order, sharing one namespace per file; blocks written
as ``>>>`` sessions are checked like doctests, so their printed output must match.
``console`` blocks (shell commands) are not run.
"""

from doctest import ELLIPSIS, NORMALIZE_WHITESPACE

from sybil import Sybil
from sybil.parsers.markdown import CodeBlockParser, PythonCodeBlockParser, SkipParser

pytest_collect_file = Sybil(
    parsers=[
        SkipParser(),
        PythonCodeBlockParser(doctest_optionflags=ELLIPSIS | NORMALIZE_WHITESPACE),
        CodeBlockParser(language="console", evaluator=lambda _example: None),
    ],
    patterns=["README.md", "docs/*.md"],
).pytest()
