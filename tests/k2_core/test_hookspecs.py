"""Meta-tests: every hook spec is documented and exercised by at least one test."""

import inspect
from pathlib import Path

import pytest

from k2_core import hookspecs

SPECS = [
    name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("k2_")
]
TESTS = Path(__file__).resolve().parents[1]


def test_there_are_hooks():
    assert "k2_register_verifiers" in SPECS and "k2_on_completion" in SPECS


@pytest.mark.parametrize("name", SPECS)
def test_spec_documents_when_params_and_return(name):
    doc = inspect.getdoc(getattr(hookspecs, name)) or ""
    assert "Called" in doc, f"{name}: say when it is called"
    for param in inspect.signature(getattr(hookspecs, name)).parameters:
        assert f":param {param}:" in doc, f"{name}: document parameter {param}"
    assert ":return:" in doc, f"{name}: say what to return"


@pytest.mark.parametrize("name", SPECS)
def test_spec_is_exercised_by_a_test(name):
    here = Path(__file__).resolve()
    users = [
        path
        for path in TESTS.rglob("test_*.py")
        if path != here and name in path.read_text(encoding="utf-8")
    ]
    assert users, f"no test exercises hook {name}"
