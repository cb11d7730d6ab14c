"""The resolver's state and how it records: where a name is used, dynamic accesses, and
the definitions a cell reaches. ``Statements``, ``Expressions`` and ``Calls`` build on it
(each reads one kind of node and calls the others' ``block``/``expr``/``call``)."""

from __future__ import annotations

import ast

from autograder.grading.resolve.rules import SPECIAL, SYS_MODULES, dynamic_name
from autograder.grading.resolve.values import (
    NOTHING,
    Code,
    Definition,
    Ext,
    Finding,
    Findings,
    Namespace,
    Scope,
    Values,
    join,
    namespace_name,
)


class Walker:
    """What the resolver knows while it reads: the definitions met so far, the notebook's
    module scope, and where it records (``sink``: the findings of the answer cell being
    read, ``None`` while reading setup cells or taking a second look; ``reached``: the
    definitions that cell reaches)."""

    def __init__(self) -> None:
        self.definitions: list[Definition] = []
        self.module = Scope()
        self.sink: Findings | None = None
        self.reached: list[int] | None = None
        self.cell = ""
        self.place = ""

    def where(self, node: ast.AST) -> str:
        line = f"line {getattr(node, 'lineno', '?')}"
        return f"{line} {self.place}" if self.place else line

    def use(self, name: str, node: ast.AST) -> None:
        if self.sink is not None:
            self.sink.uses.append(Finding(name, self.where(node)))
            if dynamic_name(name):
                self.dynamic(f"reaches {name}", node)

    def dynamic(self, what: str, node: ast.AST) -> None:
        if self.sink is not None:
            self.sink.dynamic.append(Finding(what, self.where(node)))

    def note(self, values: Values, node: ast.AST, callee: bool = False) -> None:
        """The code names these values (a use of every outside name among them)."""
        for atom in values:
            if isinstance(atom, Ext):
                if atom.name in SPECIAL and not callee:
                    self.dynamic(f"passes {atom.name.removeprefix('builtins.')} around", node)
                self.use(atom.name, node)
            elif isinstance(atom, Code) and self.reached is not None:
                self.reached.append(atom.index)
            elif isinstance(atom, Namespace):
                self.dynamic(f"uses {namespace_name(atom)} as a whole", node)

    def entries(self, spaces: list[Namespace], key: str) -> Values:
        """The entry ``key`` of these namespaces (globals(), vars(m), sys.modules)."""
        values = NOTHING
        for space in spaces:
            if space.of == "":
                values |= self.module.lookup(key) or NOTHING
            elif space.of == SYS_MODULES:
                values |= {Ext(key)}
            else:
                values |= {Ext(join(space.of, key))}
        return values
