"""The grader's tree stays readable: every module imports on its own, no import cycles,
the sandbox imports nothing of the grader, no module over 350 lines, no function over 60
lines (see docs/architecture.md)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "autograder"
#: nbgrader's configuration file: executed by traitlets (``get_config``), never imported.
CONFIG = PACKAGE / "nbgrader_plugins" / "config.py"
MAX_MODULE_LINES = 350
MAX_FUNCTION_LINES = 60


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py")) if path != CONFIG}


def imports_of(path: Path) -> tuple[set[str], set[str]]:
    """The modules ``path`` imports anywhere (functions included), and the names it imports
    from them: ``from autograder.sandbox import wire`` gives ``autograder.sandbox`` and
    ``autograder.sandbox.wire`` (which may be a module)."""
    modules, names = set(), set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules, names


def imported_modules(path: Path) -> set[str]:
    """The autograder modules ``path`` imports anywhere (functions included)."""
    modules, names = imports_of(path)
    return {name for name in modules | names if name in MODULES}


def third_party_imports() -> list[str]:
    """The modules of other packages (not the standard library, not the course's) that the
    grader imports."""
    own = {"autograder", "in5400lib"}
    found = set().union(*(imports_of(path)[0] for path in MODULES.values()))
    return sorted(m for m in found if m.split(".")[0] not in sys.stdlib_module_names | own)


def import_graph() -> dict[str, set[str]]:
    return {name: imported_modules(path) - {name} for name, path in MODULES.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of ``graph`` as a list of modules, or ``[]``."""
    state: dict[str, str] = {}  # "open" while on the current path, then "done"
    path: list[str] = []

    def visit(name: str) -> list[str]:
        state[name] = "open"
        path.append(name)
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[name] = "done"
        return []

    for name in sorted(graph):
        if name not in state and (cycle := visit(name)):
            return cycle
    return []


def test_the_graph_sees_imports_inside_functions():
    assert "autograder.grading.pipeline" in import_graph()["autograder.cli"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    cycle = find_cycle(import_graph())
    assert not cycle, "import cycle: " + " -> ".join(cycle)


def test_the_sandbox_imports_nothing_of_the_grader():
    graph = import_graph()
    for name in (n for n in graph if n.startswith("autograder.sandbox")):
        allowed = ("autograder.sandbox", "autograder.settings")
        leaks = {target for target in graph[name] if not target.startswith(allowed)}
        assert not leaks, f"{name} imports {leaks}"


#: Imports each named module in a child forked from one process that has loaded only the
#: other packages' modules the grader imports (``third_party_imports``): each import starts
#: with none of the course's modules loaded. Prints ``{module: traceback or ""}``.
IMPORT_EACH = """
import json, os, sys, traceback
for package in sys.argv[1].split(","):
    __import__(package)
found = {}
for name in sys.argv[2:]:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            __import__(name)
            status = 0
        except BaseException:
            os.write(write, traceback.format_exc()[-2000:].encode())
            status = 1
        os._exit(status)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        error = pipe.read().decode()
    _, status = os.waitpid(pid, 0)
    found[name] = error or ("" if status == 0 else f"exit status {status}")
print(json.dumps(found))
"""


@pytest.fixture(scope="module")
def import_errors() -> dict[str, str]:
    """``{module: traceback or ""}`` for every module, each imported on its own (a fresh
    interpreter per module costs seconds each: mostly the same other packages again)."""
    command = [sys.executable, "-c", IMPORT_EACH, ",".join(third_party_imports())]
    command += sorted(MODULES)
    run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout.splitlines()[-1])


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_imports_on_its_own(name, import_errors):
    assert import_errors[name] == "", import_errors[name]


def test_nbgrader_loads_the_configuration():
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader(CONFIG.name, path=str(CONFIG.parent)).load_config()
    assert config.Autograde.autograde_preprocessors


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_are_short(name):
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{name} has {lines} lines"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_functions_are_short(name):
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{name}: {', '.join(long)}"
