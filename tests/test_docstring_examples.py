"""The examples in the library's docstrings run, and print what they say."""

import doctest
import importlib
import pkgutil

import pytest

import partnerdomain

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def modules_with_examples():
    finder = doctest.DocTestFinder()
    for info in pkgutil.walk_packages(partnerdomain.__path__, "partnerdomain."):
        if info.name.endswith("__main__"):  # importing it runs the command line
            continue
        module = importlib.import_module(info.name)
        if any(test.examples for test in finder.find(module)):
            yield info.name


@pytest.mark.parametrize("name", list(modules_with_examples()))
def test_the_docstring_examples_of_a_module_hold(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=FLAGS, report=False)
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
