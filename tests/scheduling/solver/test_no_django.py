"""The solver package must stay a pure library (DESIGN.md, "The solvers")."""

from __future__ import annotations

import ast
from pathlib import Path

import caredesk.scheduling.solver as solver_pkg


def test_no_django_import_in_solver() -> None:
    root = Path(solver_pkg.__file__).parent
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n == "django" or n.startswith("django.") for n in names), f"{path.name} imports {names}"
