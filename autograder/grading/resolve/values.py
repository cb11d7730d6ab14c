"""The values the resolver tracks (outside names, cell definitions, known strings,
namespaces, attribute getters), what it records (findings) and the scopes names live in."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from autograder.grading.resolve.rules import SYS_MODULES


@dataclass(frozen=True)
class Ext:
    """Something outside the notebook, by qualified name (a module, a function, an attribute)."""

    name: str


@dataclass(frozen=True)
class Code:
    """A function, lambda or class defined in a cell (index into the analysis's definitions)."""

    index: int


@dataclass(frozen=True)
class Text:
    """A string the grader knows."""

    value: str


@dataclass(frozen=True)
class Namespace:
    """A mapping of names: ``globals()`` (``of=""``), ``vars(m)``/``m.__dict__``, sys.modules."""

    of: str


@dataclass(frozen=True)
class Getter:
    """``operator.attrgetter(path)``."""

    path: str


Atom = Ext | Code | Text | Namespace | Getter
Values = frozenset[Atom]
NOTHING: Values = frozenset()


@dataclass(frozen=True)
class Definition:
    node: ast.AST  # FunctionDef, AsyncFunctionDef, Lambda or ClassDef
    cell: str  # grade id of the answer cell, or "" for a setup cell
    name: str


@dataclass(frozen=True)
class Finding:
    """A name an answer reaches, or a dynamic access, and where."""

    what: str  # a qualified name, or a description of the dynamic access
    where: str


@dataclass
class Findings:
    """What one answer cell reaches."""

    uses: list[Finding] = field(default_factory=list)
    dynamic: list[Finding] = field(default_factory=list)


class Scope:
    """Names and the values they may hold; ``parent`` is the enclosing scope."""

    def __init__(self, parent: Scope | None = None) -> None:
        self.names: dict[str, Values] = {}
        self.parent = parent
        self.globals: set[str] = set()  # declared ``global``: bound in the module
        self.nonlocals: set[str] = set()  # declared ``nonlocal``: bound in an enclosing body

    def lookup(self, name: str) -> Values | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return None

    def module(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope

    def owner(self, name: str) -> Scope:
        """The enclosing scope that holds ``name`` (the parent if none does)."""
        scope = self.parent or self
        while name not in scope.names and scope.parent is not None:
            scope = scope.parent
        return scope

    def bind(self, name: str, values: Values, replace: bool) -> None:
        target = self
        if name in self.globals:
            target = self.module()
        elif name in self.nonlocals:
            target = self.owner(name)
        if replace and target is self:
            target.names[name] = values
        else:
            target.names[name] = target.names.get(name, NOTHING) | values


def attribute(values: Values, name: str) -> Values:
    """The values of ``value.name`` for every outside value (``sys.modules``, ``m.__dict__``
    become namespaces)."""
    out: set[Atom] = set()
    for atom in values:
        if isinstance(atom, Ext):
            if name == "modules" and atom.name.split(".")[-1] == "sys":
                out.add(Namespace(SYS_MODULES))
            elif name == "__dict__":
                out.add(Namespace(atom.name))
            else:
                out.add(Ext(join(atom.name, name)))
    return frozenset(out)


def has_ext(values: Values) -> bool:
    return any(isinstance(atom, Ext) for atom in values)


def join(base: str, name: str) -> str:
    return f"{base}.{name}"


def namespace_name(space: Namespace) -> str:
    return {"": "globals()", SYS_MODULES: "sys.modules"}.get(space.of, f"vars({space.of})")
