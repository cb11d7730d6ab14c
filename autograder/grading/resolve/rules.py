"""Which names and attributes lead past a static reading, and the special functions
(``getattr``, importers, ``eval``/``exec``, namespaces) the resolver follows instead."""

from __future__ import annotations

import builtins

BUILTIN_NAMES = frozenset(dir(builtins))

#: Attributes that lead past any static reading (frames, globals, the class graph).
DYNAMIC_ATTRIBUTES = frozenset(
    {
        "__dict__",
        "__globals__",
        "__builtins__",
        "__subclasses__",
        "__code__",
        "__closure__",
        "__getattribute__",
        "__import__",
        "__loader__",
        "__spec__",
        "__self__",
        "__func__",
        "__wrapped__",
        "__mro__",
        "__bases__",
        "__base__",
        "f_globals",
        "f_locals",
        "f_back",
        "f_builtins",
        "gi_frame",
        "tb_frame",
        "cr_frame",
    }
)
#: Modules and functions that can reach anything (callers of the special functions below
#: with literal arguments are resolved instead).
DYNAMIC_PREFIXES = (
    "sys._getframe",
    "sys.settrace",
    "sys.setprofile",
    "sys.meta_path",
    "sys.path_hooks",
    "gc",
    "ctypes",
    "inspect",
    "importlib",
    "runpy",
    "pkgutil",
    "marshal",
    "types",
    "code",
    "codeop",
    "subprocess",
    "os.system",
    "os.popen",
    "os.exec",
    "os.spawn",
)
#: A module reached as an attribute of another (``os.sys``) is a way around the imports.
DYNAMIC_COMPONENTS = frozenset({"sys", "builtins", "__builtins__"})
DYNAMIC_NAMES = frozenset({"__builtins__", "get_ipython"})

GETATTR, SETATTR, DELATTR = "builtins.getattr", "builtins.setattr", "builtins.delattr"
IMPORTERS = frozenset({"builtins.__import__", "importlib.import_module", "importlib.__import__"})
EXECUTORS = frozenset({"builtins.eval", "builtins.exec", "builtins.compile"})
NAMESPACES = frozenset({"builtins.globals", "builtins.locals", "builtins.vars"})
ATTRGETTER = "operator.attrgetter"
SPECIAL = frozenset({GETATTR, SETATTR, DELATTR, ATTRGETTER, *IMPORTERS, *EXECUTORS, *NAMESPACES})
SYS_MODULES = "sys.modules"


def under(name: str, prefix: str) -> bool:
    """Whether the qualified ``name`` is ``prefix`` or lies below it (whole components)."""
    return name == prefix or name.startswith(prefix + ".")


def dynamic_name(name: str) -> bool:
    """Whether reaching ``name`` is a way around a static reading (``os.sys``, ``gc``...)."""
    if name in SPECIAL:
        return False
    parts = name.split(".")
    if any(part in DYNAMIC_COMPONENTS for part in parts[1:]):
        return True
    return any(under(name, prefix) for prefix in DYNAMIC_PREFIXES)
