"""The house rules of DESIGN.md, checked over the real import graph (transitive imports).

cli | pipeline, present | ingest, versions, stories, facts | store | core: a module imports
only from its own layer's package or from layers below; the stages never reach the store;
nothing but the CLI reaches prefect (the CLI may call flows/); SQL lives in newsmon/store;
no module imports another module's private names.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]

LAYERS = (
    ("cli",),
    ("pipeline", "present"),
    ("ingest", "stories", "facts"),
    ("versions",),  # fingerprints and diffs: a stage the other stages may use
    ("store",),
    ("core",),
)
STAGES = ("ingest", "versions", "stories", "facts")

# Modules whose queries still move into the store (the timeline's, issue 12). Each entry
# must go when its module is clean; a stale entry fails the suite.
PENDING: set[str] = set()


def layer_violations(graph: grimp.ImportGraph, root: str, pending: set[str]) -> list[str]:
    """Return every import of ``root`` that breaks the layering (each with its chain)."""
    problems: list[str] = []
    legacy = {f"{root}.{name}" for name in pending}

    def skip(module: str) -> bool:
        return any(module == m or module.startswith(m + ".") for m in legacy)

    for module in sorted(graph.find_descendants(root)):
        if skip(module) or module == f"{root}.cli":
            continue
        chain = "prefect" in graph.modules and graph.find_shortest_chain(module, "prefect")
        if chain:
            problems.append("reaches prefect: " + " -> ".join(chain))
    layered = [
        {f"{root}.{name}" for name in level if f"{root}.{name}" in graph.modules}
        for level in LAYERS
    ]
    for dependency in graph.find_illegal_dependencies_for_layers(
        layers=[level for level in layered if level]
    ):
        for route in dependency.routes:
            chain = [*route.heads, *route.middle, *route.tails]
            if not any(skip(m) for m in chain):
                problems.append(
                    f"{dependency.importer} may not import {dependency.imported}: "
                    + " -> ".join(sorted(route.heads) + list(route.middle) + sorted(route.tails))
                )
    store = f"{root}.store"
    if store not in graph.modules:
        return problems
    for stage in STAGES:
        package = f"{root}.{stage}"
        if package not in graph.modules:
            continue
        for chain in sorted(graph.find_shortest_chains(package, store, as_packages=True)):
            if not any(skip(m) for m in chain):
                problems.append("a stage reaches the store: " + " -> ".join(chain))
    return problems


def test_the_layers_hold():
    graph = grimp.build_graph("newsmon", "flows", include_external_packages=True)
    assert layer_violations(graph, "newsmon", PENDING) == []


def test_pending_modules_still_exist():
    """A module that moved into its package leaves PENDING too."""
    stale = [
        name
        for name in PENDING
        if not (ROOT / "newsmon" / (name.replace(".", "/") + ".py")).exists()
    ]
    assert stale == []


def _fake_tree(tmp_path: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = tmp_path / "housecheck" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for directory in (tmp_path / "housecheck").rglob("*"):
        if directory.is_dir() and not (directory / "__init__.py").exists():
            (directory / "__init__.py").write_text("")
    (tmp_path / "housecheck" / "__init__.py").write_text("")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {
                "core/clock.py": "import housecheck.core.helper\n",
                "core/helper.py": "import prefect\n",
                "pipeline/tick.py": "from housecheck.core import clock\n",
            },
            "reaches prefect: housecheck.pipeline.tick -> housecheck.core.clock",
            id="transitive-prefect-from-the-core",
        ),
        pytest.param(
            {
                "store/articles.py": "X = 1\n",
                "core/text.py": "Y = 2\n",
                "ingest/feeds.py": "from housecheck.core import text\n",
                "ingest/clean.py": "from housecheck.ingest import feeds\n"
                "from housecheck.store import articles\n",
            },
            "a stage reaches the store: housecheck.ingest.clean -> housecheck.store.articles",
            id="stage-imports-the-store",
        ),
        pytest.param(
            {
                "store/articles.py": "from housecheck.pipeline import tick\n",
                "pipeline/tick.py": "X = 1\n",
            },
            "housecheck.store may not import housecheck.pipeline",
            id="store-imports-upwards",
        ),
    ],
)
def test_the_layer_check_catches(tmp_path, monkeypatch, files, expected):
    _fake_tree(tmp_path, files)
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m.startswith("housecheck")]:
        monkeypatch.delitem(sys.modules, name)
    graph = grimp.build_graph("housecheck", include_external_packages=True)
    problems = layer_violations(graph, "housecheck", set())
    assert any(p.startswith(expected) for p in problems), problems


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_clean_imports_trafilatura():
    users = sorted(
        str(p.relative_to(ROOT / "newsmon"))
        for p in (ROOT / "newsmon").rglob("*.py")
        if "trafilatura" in imported_modules(p)
    )
    assert users == ["ingest/clean.py"]


def test_task_and_flow_decorators_live_in_flows_only():
    for path in (ROOT / "newsmon").rglob("*.py"):
        text = path.read_text()
        assert "@task" not in text and "@flow" not in text, path.name


SQL = re.compile(
    r"\b(SELECT\b.{1,400}?\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
    r"CREATE\s+(TABLE|INDEX)|ALTER\s+TABLE|DROP\s+TABLE|BEGIN\s+IMMEDIATE|PRAGMA\s)",
    re.DOTALL,  # SQL is written in capitals here; prose ("select a card from") is not
)


def sql_strings(path: Path, root: Path = ROOT) -> Iterator[str]:
    """Yield where ``path``'s string literals (docstrings aside) hold SQL, with its first line."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            match = SQL.search(node.value)
            if match:
                first = match.group(0).splitlines()[0]
                yield f"{path.relative_to(root)}:{node.lineno}: {first}"


def test_sql_lives_in_the_store_only():
    outside = [
        hit
        for path in sorted((ROOT / "newsmon").rglob("*.py"))
        if "store" not in path.relative_to(ROOT / "newsmon").parts
        and ".".join(path.relative_to(ROOT / "newsmon").with_suffix("").parts) not in PENDING
        for hit in sql_strings(path)
    ]
    assert outside == []


def test_the_sql_check_sees_sql_over_several_lines(tmp_path):
    module = tmp_path / "leak.py"
    module.write_text(
        'Q = """SELECT url,\n   title FROM articles"""\nA = "select a card from us"\n'
    )
    assert [hit.split(": ", 1)[1] for hit in sql_strings(module, tmp_path)] == ["SELECT url,"]


def private_imports(path: Path) -> Iterator[str]:
    """Yield every ``from x import _name`` (or ``x._name`` attribute use) of another module."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith(("newsmon", "flows", "bench", "tests"))
        ):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    yield f"{path.relative_to(ROOT)}:{node.lineno}: {node.module}.{alias.name}"


def test_no_module_imports_private_names():
    found = [
        hit
        for folder in ("newsmon", "flows", "bench", "tests")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for hit in private_imports(path)
        if not any(f"{name}." in hit.split(": ", 1)[1] for name in PENDING)
    ]
    assert found == []
