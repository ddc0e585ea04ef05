"""The house plan (ARCHITECTURE.md): stages import downwards only, no module imports in a circle, and
computing tables never loads plotly.

The import graph is read from the source (every ``import`` and ``from ... import``, also those inside
functions), so a circle hidden in a function body is found too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

LIB = Path(__file__).resolve().parents[1] / "lib" / "presslens"

# the layers, lowest first: a module may import its own layer's packages and lower layers, never higher ones
LAYERS = [
    {"errors", "io", "paths", "text", "labels", "style", "lazy"},
    {"display"},
    {"ingest"},
    {"entities"},
    {"figures", "sentiment", "reuse"},
    {"build"},
    {"report", "cli", "story"},
]
# the stable old import paths, kept as re-export modules for notebooks, tests and users (no code of their own)
FACADES = {"corpus", "segment", "metadata", "tables", "charts", "framing", "htmlexport", "engine", "pipeline"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(LIB.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every presslens module that the file at ``path`` imports, resolved to full dotted names."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # imports under ``if TYPE_CHECKING:`` are read by type checkers only, never run
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("presslens"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.startswith("presslens"):
                module = node.module
            else:
                continue
            found.add(module)
            found.update(f"{module}.{a.name}" for a in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in LIB.rglob("*.py")}
    return {name: {m for m in _imports(path) if m in files and m != name} for name, path in files.items()}


def _layer(module: str) -> int | None:
    top = module.split(".")[1] if module.count(".") else ""
    for rank, names in enumerate(LAYERS):
        if top in names:
            return rank
    return None


def test_the_graph_is_read_from_the_source():
    graph = _graph()
    assert "presslens.ingest.corpus" in graph["presslens.ingest.tables"]
    assert "presslens.text.vader" in graph["presslens.sentiment"]
    assert len(graph) > 60


def test_no_module_imports_in_a_circle():
    graph = _graph()
    # a package's __init__ importing its own submodules is how a facade works; the submodules must not need it back
    state: dict[str, int] = {}
    circles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if nxt.startswith(node + "."):
                continue  # a package importing its own submodule
            if state.get(nxt) == 1:
                circles.append(stack[stack.index(nxt):] + [nxt] if nxt in stack else [node, nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert circles == []


def test_stages_import_downwards_only():
    wrong = []
    for module, targets in _graph().items():
        here = _layer(module)
        if here is None:
            continue
        for target in targets:
            there = _layer(target)
            if there is not None and there > here:
                wrong.append(f"{module} -> {target}")
    assert wrong == []


def test_stage_code_reaches_other_stages_by_their_own_paths_not_the_old_re_export_modules():
    old = {f"presslens.{f}" for f in FACADES}
    wrong = [
        f"{module} -> {target}"
        for module, targets in _graph().items()
        if module.split(".")[-1] not in FACADES or module.count(".") > 1
        for target in targets
        if target in old and not module.startswith(target)
    ]
    assert wrong == []


def test_the_re_export_modules_hold_no_code():
    """Imports, names and docstrings only (and the PEP 562 ``__getattr__``/``__dir__`` that load charts late)."""
    for name in FACADES:
        tree = ast.parse((LIB / f"{name}.py").read_text(encoding="utf-8"))
        code = [
            getattr(n, "name", type(n).__name__)
            for n in tree.body
            if not isinstance(n, (ast.Import, ast.ImportFrom, ast.Expr, ast.Assign))
            and not (isinstance(n, ast.FunctionDef) and n.name in ("__getattr__", "__dir__"))
        ]
        assert code == [], name


def test_every_module_imports_and_computing_tables_loads_no_plotly():
    """One fresh interpreter imports the engine and every stage (no plotly, no IPython), then every module.

    """
    probe = (
        "import importlib, sys\n"
        "from presslens.build import engine, pipeline, registry\n"
        "import presslens.ingest, presslens.entities, presslens.figures, presslens.sentiment, presslens.reuse\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('plotly', 'IPython')))\n"
        "for m in sys.argv[1:]:\n"
        "    importlib.import_module(m)\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", probe, *sorted(_graph())], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[]", "ok"]


def test_each_module_imports_alone():
    """Each module imported with no other presslens module loaded before it: none needs another imported first.

    One interpreter for all of them (a fresh one per module cost minutes): before each
    import every ``presslens`` module is dropped from ``sys.modules``, so the module and
    everything it needs of presslens are imported anew; third-party packages stay loaded,
    which cannot hide an import-order dependency inside presslens.
    """
    probe = (
        "import importlib, sys, traceback\n"
        "failures = []\n"
        "for module in sys.argv[1:]:\n"
        "    for name in [n for n in sys.modules if n == 'presslens' or n.startswith('presslens.')]:\n"
        "        del sys.modules[name]\n"
        "    try:\n"
        "        importlib.import_module(module)\n"
        "    except BaseException as exc:\n"
        "        failures.append(f'{module}: {exc.__class__.__name__}: {exc}')\n"
        "print('\\n'.join(failures) or 'ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", probe, *sorted(_graph())], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
