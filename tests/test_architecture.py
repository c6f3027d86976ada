"""Structural rules from DESIGN.md that a test can hold."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_never_imports_prefect():
    offenders = [
        p.name for p in (ROOT / "newsmon").rglob("*.py") if "prefect" in imported_modules(p)
    ]
    assert offenders == []


def test_only_clean_imports_trafilatura():
    users = sorted(
        p.name for p in (ROOT / "newsmon").rglob("*.py") if "trafilatura" in imported_modules(p)
    )
    assert users == ["clean.py"]


def test_task_and_flow_decorators_live_in_flows_only():
    for path in (ROOT / "newsmon").rglob("*.py"):
        text = path.read_text()
        assert "@task" not in text and "@flow" not in text, path.name
