"""Statements: what assignments, imports, definitions, loops, ``with``, ``try`` and
``match`` bind in a scope, and the bodies of functions, lambdas and classes."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import ClassVar

from autograder.grading.resolve.base import Walker
from autograder.grading.resolve.rules import DYNAMIC_ATTRIBUTES
from autograder.grading.resolve.strings import string
from autograder.grading.resolve.syntax import local_names, own_nodes, pairs
from autograder.grading.resolve.values import (
    NOTHING,
    Code,
    Definition,
    Ext,
    Namespace,
    Scope,
    Values,
    attribute,
    join,
    namespace_name,
)


class Statements(Walker):
    """Reads statements (``expr`` comes from ``Expressions``)."""

    def block(self, statements: list[ast.stmt], scope: Scope, top: bool) -> None:
        for statement in statements:
            self.statement(statement, scope, top)

    def statement(self, node: ast.stmt, scope: Scope, top: bool) -> None:
        handler = self.STATEMENTS.get(type(node), Statements.other)
        handler(self, node, scope, top)

    def assign_statement(self, node: ast.Assign, scope: Scope, top: bool) -> None:
        self.assign(node.targets, node.value, scope, top)

    def annotated(self, node: ast.AnnAssign, scope: Scope, top: bool) -> None:
        if node.value is not None:
            self.assign([node.target], node.value, scope, top)

    def augmented(self, node: ast.AugAssign, scope: Scope, top: bool) -> None:
        values = self.expr(node.value, scope)
        if isinstance(node.target, ast.Name):
            scope.bind(node.target.id, values, replace=False)
        else:
            self.store(node.target, values, scope, top=False)

    def import_statement(self, node: ast.Import, scope: Scope, top: bool) -> None:
        for alias in node.names:
            if alias.asname:
                scope.bind(alias.asname, frozenset({Ext(alias.name)}), top)
            else:
                root = alias.name.split(".")[0]
                scope.bind(root, frozenset({Ext(root)}), top)

    def import_from(self, node: ast.ImportFrom, scope: Scope, top: bool) -> None:
        if node.level or not node.module:
            return
        for alias in node.names:
            if alias.name == "*":
                self.use(node.module, node)
                self.dynamic(f"imports everything from {node.module}", node)
                continue
            name = f"{node.module}.{alias.name}"
            self.use(name, node)
            scope.bind(alias.asname or alias.name, frozenset({Ext(name)}), top)

    def function(self, node: ast.FunctionDef, scope: Scope, top: bool) -> None:
        for expression in [*node.decorator_list, *node.args.defaults]:
            self.expr(expression, scope)
        for default in node.args.kw_defaults:
            if default is not None:
                self.expr(default, scope)
        scope.bind(node.name, self.define(node, node.name, scope), top)

    def class_statement(self, node: ast.ClassDef, scope: Scope, top: bool) -> None:
        for expression in [*node.decorator_list, *node.bases]:
            self.expr(expression, scope)
        for keyword in node.keywords:
            self.expr(keyword.value, scope)
        scope.bind(node.name, self.define(node, node.name, scope), top)

    def declaration(self, node: ast.Global, scope: Scope, top: bool) -> None:
        pass  # collected before the body runs (see ``body``)

    def loop(self, node: ast.For, scope: Scope, top: bool) -> None:
        self.store(node.target, self.expr(node.iter, scope), scope, top=False)
        self.block(node.body + node.orelse, scope, top=False)

    def with_statement(self, node: ast.With, scope: Scope, top: bool) -> None:
        for item in node.items:
            values = self.expr(item.context_expr, scope)
            if item.optional_vars is not None:
                self.store(item.optional_vars, values, scope, top=False)
        self.block(node.body, scope, top=False)

    def delete(self, node: ast.Delete, scope: Scope, top: bool) -> None:
        for target in node.targets:
            self.store(target, NOTHING, scope, top=False)

    def try_statement(self, node: ast.Try, scope: Scope, top: bool) -> None:
        self.block(node.body, scope, top=False)
        for handler in node.handlers:
            if handler.type is not None:
                self.expr(handler.type, scope)
            if handler.name:
                scope.bind(handler.name, NOTHING, replace=False)
            self.block(handler.body, scope, top=False)
        self.block(node.orelse + node.finalbody, scope, top=False)

    def match(self, node: ast.Match, scope: Scope, top: bool) -> None:
        self.expr(node.subject, scope)
        for case in node.cases:
            if case.guard is not None:
                self.expr(case.guard, scope)
            self.block(case.body, scope, top=False)

    def other(self, node: ast.stmt, scope: Scope, top: bool) -> None:
        """Expr, Return, If, While, Raise, Assert, Pass, ...: their expressions and blocks."""
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.expr(child, scope)
        for name in ("body", "orelse"):
            self.block(getattr(node, name, []) or [], scope, top=False)

    STATEMENTS: ClassVar[dict[type[ast.AST], Callable[..., None]]] = {
        ast.Assign: assign_statement,
        ast.AnnAssign: annotated,
        ast.AugAssign: augmented,
        ast.Import: import_statement,
        ast.ImportFrom: import_from,
        ast.FunctionDef: function,
        ast.AsyncFunctionDef: function,
        ast.ClassDef: class_statement,
        ast.Global: declaration,
        ast.Nonlocal: declaration,
        ast.For: loop,
        ast.AsyncFor: loop,
        ast.With: with_statement,
        ast.AsyncWith: with_statement,
        ast.Delete: delete,
        ast.Try: try_statement,
        ast.TryStar: try_statement,
        ast.Match: match,
    }

    def assign(self, targets: list[ast.expr], value: ast.expr, scope: Scope, top: bool) -> None:
        values = self.expr(value, scope)
        for target in targets:
            paired = pairs(target, value)
            if paired:
                for sub_target, sub_value in paired:
                    self.store(sub_target, self.expr(sub_value, scope, record=False), scope, top)
            else:
                self.store(target, values, scope, top)

    def store(self, target: ast.expr, values: Values, scope: Scope, top: bool) -> None:
        """Bind ``values`` to an assignment target (a name, or something it patches)."""
        if isinstance(target, ast.Name):
            scope.bind(target.id, values, replace=top)
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self.store(element, values, scope, top=False)
        elif isinstance(target, ast.Starred):
            self.store(target.value, values, scope, top=False)
        elif isinstance(target, ast.Attribute):
            base = self.expr(target.value, scope, chained=True)
            if target.attr in DYNAMIC_ATTRIBUTES:
                self.dynamic(f"sets {target.attr}", target)
            self.note(attribute(base, target.attr), target)  # patching it names it
        elif isinstance(target, ast.Subscript):
            self.store_item(target, values, scope)

    def store_item(self, target: ast.Subscript, values: Values, scope: Scope) -> None:
        """``namespace[key] = values``: globals() binds, other namespaces are patched."""
        base = self.expr(target.value, scope, chained=True)
        key = string(target.slice, scope)
        for atom in base:
            if not isinstance(atom, Namespace):
                continue
            if key is None:
                self.dynamic(f"sets a computed key of {namespace_name(atom)}", target)
            elif atom.of == "":
                self.module.bind(key, values, replace=False)
            else:
                self.use(join(atom.of, key), target)
        if not any(isinstance(atom, Namespace) for atom in base):
            self.expr(target.slice, scope)

    def body(self, node: ast.AST, parent: Scope) -> None:
        """Run through a function's, lambda's or class's body in its own scope."""
        sink, reached = self.sink, self.reached
        scope = Scope(parent)
        if not isinstance(node, ast.ClassDef):
            for statement in own_nodes(node):
                if isinstance(statement, ast.Global):
                    scope.globals.update(statement.names)
                elif isinstance(statement, ast.Nonlocal):
                    scope.nonlocals.update(statement.names)
        for name in local_names(node) - scope.globals - scope.nonlocals:
            scope.names[name] = NOTHING
        # A first pass without recording settles what the locals hold (a name used in a
        # loop before the line that binds it); the second records what the body names.
        for recording in (False, True):
            self.sink, self.reached = (sink, reached) if recording else (None, None)
            if isinstance(node, ast.Lambda):
                self.expr(node.body, scope)
            else:
                self.block(node.body, scope, top=False)
        self.sink, self.reached = sink, reached

    def define(self, node: ast.AST, name: str, scope: Scope) -> Values:
        """A definition met in code: at module level it is walked when reached, inside a
        reached body it is walked at once (it is part of that body)."""
        if scope.parent is None:
            self.definitions.append(Definition(node, self.cell, name))
            return frozenset({Code(len(self.definitions) - 1)})
        self.body(node, scope)
        return NOTHING
