"""The benchmark scripts import the application lazily (after Django is set
up), so a renamed function breaks ``make bench`` without breaking any test;
this checks that every name they import from ``caredesk`` exists."""

from __future__ import annotations

import ast
import importlib
import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _caredesk_imports() -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    for path in sorted(BENCH.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("caredesk"):
                found.extend((path.relative_to(BENCH).as_posix(), node.module or "", a.name) for a in node.names)
    return found


def test_the_bench_scripts_import_something() -> None:
    assert len(_caredesk_imports()) > 5


@pytest.mark.django_db
@pytest.mark.parametrize(("script", "module", "name"), _caredesk_imports())
def test_bench_script_imports_exist(script: str, module: str, name: str) -> None:
    mod = importlib.import_module(module)
    assert hasattr(mod, name) or importlib.util.find_spec(f"{module}.{name}") is not None, (
        f"{script}: {module} has no {name}"
    )
