"""The guard's policies: what an exercise may not use, in the terms the guard enforces.

A ``Policy`` lists the modules, module attributes and package data folders one group of
answer cells may not use. ``runtime_policy`` translates a rule of the course's policy
table (``deny`` prefixes with ``allow`` exceptions, ``autograder.grading.policy``) into
what the runtime guard (``autograder.sandbox.guard``) can enforce, and ``zygote_part``
says which part a zygote must hold before it preloads anything. Modules are found with
``module_location``, without importing them.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Policy:
    """What a group of answer cells may not use.

    ``modules``: dotted module names (``torch``, ``in5400lib.conv``), each with its
    submodules; ``attributes``: ``module.attribute`` names to replace by a refusing
    stub; ``folders``: ``package/folder`` paths whose files may not be opened.
    """

    modules: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()
    folders: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.modules or self.attributes or self.folders)

    def to_json(self) -> dict[str, list[str]]:
        return {
            "modules": list(self.modules),
            "attributes": list(self.attributes),
            "folders": list(self.folders),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Iterable[str]]) -> Policy:
        return cls(
            *(tuple(sorted(set(data.get(k, ())))) for k in ("modules", "attributes", "folders"))
        )


def policy_of(names: Iterable[str]) -> Policy:
    """A policy that forbids ``names``: modules, ``package/folder`` paths and module attributes
    (a name inside a forbidden module adds nothing). Imports nothing."""
    return runtime_policy(list(names), [])


def runtime_policy(deny: Iterable[str], allow: Iterable[str] = ()) -> Policy:
    """What the runtime guard can enforce of a policy table's rule (``deny`` prefixes, ``allow``
    exceptions below them; the static checker enforces the whole rule):

    * a denied module with nothing allowed below it is forbidden, unless the worker itself
      needs it (``RUNTIME_EXEMPT``: ``os``, ``numpy``, ``in5400lib.testing``...);
    * a denied package with allowed names below it (``in5400lib``, allowing
      ``in5400lib.models.Residual``) is split: its submodules are judged one by one, its
      data folders are forbidden, and in a module with allowed names the functions and
      classes it defines are scrubbed, except the allowed ones;
    * a denied attribute of a course module (``in5400lib.plotting.show_filters``) is scrubbed;
    * a denied submodule that its preloaded package imports itself (``torch.serialization``)
      cannot be forbidden without the package: the functions it defines are scrubbed.
    """
    allow = list(allow)
    modules: set[str] = set()
    attributes: set[str] = set()
    folders: set[str] = set()

    def judge(name: str) -> None:
        if under(name, RUNTIME_EXEMPT):
            return
        inside = [a for a in allow if a == name or a.startswith(name + ".")]
        inside += [e for e in RUNTIME_EXEMPT if e.startswith(name + ".")]  # split the package
        location = module_location(name)
        if location is None and module_location(name.split(".")[0]) is not None:
            if name.split(".")[0] in COURSE_PACKAGES and name not in allow:
                attributes.add(name)  # an attribute of a course module
            return
        if not inside and loaded_with_root(name):
            attributes.update(_own_definitions(name, [], functions_only=True))
        elif not inside:
            modules.add(name)
        elif location is not None and location.is_dir():
            for entry in sorted(location.iterdir()):
                if entry.suffix == ".py" and entry.stem != "__init__":
                    judge(f"{name}.{entry.stem}")
                elif entry.is_dir() and (entry / "__init__.py").exists():
                    judge(f"{name}.{entry.name}")
                elif entry.is_dir() and not entry.name.startswith(("_", ".")):
                    folders.add(f"{name.replace('.', '/')}/{entry.name}")
        else:
            attributes.update(_own_definitions(name, inside))

    for name in deny:
        if "/" in name:
            folders.add(name.strip("/"))
        else:
            judge(name)
    attributes = {a for a in attributes if not under(a, tuple(modules))}
    return Policy(tuple(sorted(modules)), tuple(sorted(attributes)), tuple(sorted(folders)))


#: Modules a zygote must not preload for a policy that forbids them (the rest is added in the
#: forked worker, ``extend``): zygotes are shared by the policies with the same such modules.
PRELOADED_ROOTS = ("torch", "matplotlib", "ipykernel", "scipy")


def zygote_part(policy: Policy) -> Policy:
    """The part of ``policy`` its zygote must hold from the start: the modules it would
    preload (the rest is forbidden in the forked worker). Policies with the same part share
    a zygote; ``torch.utils.model_zoo`` needs no zygote of its own."""
    preloaded = preloaded_modules()

    def preloads(module: str) -> bool:
        return module in preloaded if preloaded else module.split(".")[0] in PRELOADED_ROOTS

    return Policy(tuple(m for m in policy.modules if preloads(m)))


def zygote_key(policy: Policy) -> str:
    """The zygote a worker with ``policy`` is forked from: its ``zygote_part`` as JSON
    ("" for the unguarded zygote)."""
    part = zygote_part(policy)
    return json.dumps(part.to_json()) if part else ""


#: Modules a re-check worker needs (or has loaded before any policy applies): never forbidden
#: at runtime; the static checker still refuses what the policy table says.
RUNTIME_EXEMPT = (
    "builtins", "os", "io", "sys", "pathlib", "numpy", "pickle", "marshal", "json", "importlib",
    "ctypes", "types", "inspect", "in5400lib.testing",
)  # fmt: skip
#: Packages whose attributes the runtime guard scrubs (the course's own library).
COURSE_PACKAGES = ("in5400lib",)


def loaded_with_root(name: str) -> bool:
    """Whether ``name`` is a submodule that a zygote's preload imports with its package
    (``torch.serialization``, ``torch.jit``): forbidding it would forbid the package."""
    return name.split(".")[0] != name and name in preloaded_modules()


_preloaded: frozenset[str] | None = None


def preloaded_modules() -> frozenset[str]:
    """Every module a zygote's preload imports: as this process's first unguarded zygote
    reported it (``use_preloaded``), else found once in a fresh interpreter, so that it does
    not depend on what this process happens to have imported (empty if that fails). Never
    kept on disk: a submission's kernel, running as the grader's user, could rewrite such a
    file and change what the guard refuses for later students."""
    global _preloaded
    if _preloaded is None:
        _preloaded = _fresh_interpreter_modules()
    return _preloaded


def use_preloaded(modules: frozenset[str]) -> None:
    """Take ``modules``, what an unguarded zygote imported before its first fork, as
    ``preloaded_modules()``, unless this process already has that list."""
    global _preloaded
    if _preloaded is None:
        _preloaded = modules


def _fresh_interpreter_modules() -> frozenset[str]:
    import subprocess  # here: it imports ``threading``, which a guarded worker must not have

    code = (
        "import json, sys\n"
        "from autograder.sandbox.preload import preload\n"
        "preload()\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    try:
        run = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=600, check=True
        )
        return frozenset(json.loads(run.stdout.splitlines()[-1]))
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return frozenset()


def _own_definitions(
    module_name: str, allowed: list[str], functions_only: bool = False
) -> set[str]:
    """``module.name`` of the functions (and classes, unless ``functions_only``) that
    ``module_name`` defines, except ``allowed``."""
    import importlib
    import inspect

    try:
        module = importlib.import_module(module_name)
    except Exception:  # noqa: BLE001 - not importable here: nothing to scrub
        return set()
    names = set()
    for key, value in vars(module).items():
        qualified = f"{module_name}.{key}"
        defined_here = getattr(value, "__module__", None) == module_name
        kind = inspect.isfunction(value) or (inspect.isclass(value) and not functions_only)
        if not key.startswith("_") and kind and defined_here and qualified not in allowed:
            names.add(qualified)
    return names


def under(name: str, modules: Iterable[str]) -> bool:
    return any(name == m or name.startswith(m + ".") for m in modules)


def module_location(name: str) -> Path | None:
    """The file or package folder of module ``name``, found without importing anything."""
    top, *rest = name.split(".")
    try:
        spec = importlib.util.find_spec(top)  # a top-level name: nothing is imported
    except (ImportError, ValueError):
        return None
    for depth in range(len(rest)):
        locations = spec.submodule_search_locations if spec is not None else None
        if not locations:
            return None
        qualified = ".".join([top, *rest[: depth + 1]])
        spec = importlib.machinery.PathFinder.find_spec(qualified, list(locations))
    if spec is None or spec.origin in (None, "built-in", "frozen"):
        return None
    locations = spec.submodule_search_locations
    return Path(next(iter(locations))) if locations else Path(spec.origin)
