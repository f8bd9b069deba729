"""Run the Python examples in README.md and docs/*.md as tests (with Sybil).

Fenced ``python`` blocks run in order, sharing one namespace per file; ``>>>``
examples are checked like doctests. A ```` ```text ```` block that follows a
``python`` block and starts with "This prints:" is not checked by Sybil; examples that
print use doctest form instead when their output matters.
"""

from doctest import ELLIPSIS, NORMALIZE_WHITESPACE

from sybil import Sybil
from sybil.parsers.markdown import CodeBlockParser, DocTestParser, PythonCodeBlockParser

pytest_collect_file = Sybil(
    parsers=[
        DocTestParser(optionflags=ELLIPSIS | NORMALIZE_WHITESPACE),
        PythonCodeBlockParser(doctest_optionflags=ELLIPSIS | NORMALIZE_WHITESPACE),
        CodeBlockParser(language="console", evaluator=lambda example: None),
    ],
    patterns=["README.md", "docs/*.md"],
).pytest()
