"""Expressions: the values a name, attribute chain, subscript, lambda, walrus or
comprehension may hold, recording the outside names the code reaches on the way."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import ClassVar

from autograder.grading.resolve.base import Walker
from autograder.grading.resolve.rules import BUILTIN_NAMES, DYNAMIC_ATTRIBUTES, DYNAMIC_NAMES
from autograder.grading.resolve.strings import string
from autograder.grading.resolve.values import (
    NOTHING,
    Code,
    Ext,
    Getter,
    Namespace,
    Scope,
    Text,
    Values,
    attribute,
    has_ext,
    namespace_name,
)

Comprehension = ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp


class Expressions(Walker):
    """Reads expressions (``call`` comes from ``Calls``, ``define``/``store`` from
    ``Statements``)."""

    def expr(
        self,
        node: ast.expr,
        scope: Scope,
        chained: bool = False,
        callee: bool = False,
        record: bool = True,
    ) -> Values:
        """The values ``node`` may have; records what it names unless it is the base of a
        longer chain (``chained``) or ``record`` is off (a second look at a sub-expression)."""
        if not record:
            sink, reached = self.sink, self.reached
            self.sink, self.reached = None, None
            try:
                return self.expr(node, scope, chained, callee)
            finally:
                self.sink, self.reached = sink, reached
        handler = self.EXPRESSIONS.get(type(node), Expressions.other)
        return handler(self, node, scope, chained, callee)

    def named(self, node: ast.Name, scope: Scope, chained: bool, callee: bool) -> Values:
        if node.id in DYNAMIC_NAMES:
            self.dynamic(f"uses {node.id}", node)
        values = scope.lookup(node.id)
        if values is None:
            values = (
                frozenset({Ext(f"builtins.{node.id}")}) if node.id in BUILTIN_NAMES else NOTHING
            )
        if not chained:
            self.note(values, node, callee)
        return values

    def attribute_chain(
        self, node: ast.Attribute, scope: Scope, chained: bool, callee: bool
    ) -> Values:
        base = self.expr(node.value, scope, chained=True)
        if node.attr in DYNAMIC_ATTRIBUTES and not (
            node.attr == "__dict__" and chained and has_ext(base)
        ):
            self.dynamic(f"uses .{node.attr}", node)
        if node.attr != "get":
            for space in (atom for atom in base if isinstance(atom, Namespace)):
                self.dynamic(f"uses {namespace_name(space)} as a whole", node)
        values = attribute(base, node.attr)
        if not chained:
            self.note(values, node, callee)
        return values

    def call_expression(self, node: ast.Call, scope: Scope, chained: bool, callee: bool) -> Values:
        return self.call(node, scope, chained)

    def subscript(self, node: ast.Subscript, scope: Scope, chained: bool, callee: bool) -> Values:
        base = self.expr(node.value, scope, chained=True)
        spaces = [atom for atom in base if isinstance(atom, Namespace)]
        values = frozenset(atom for atom in base if isinstance(atom, Ext | Code | Getter))
        if spaces:
            key = string(node.slice, scope)
            if key is None:
                self.expr(node.slice, scope)
                self.dynamic("looks up a computed name", node)
            else:
                values = self.entries(spaces, key)
        else:
            self.expr(node.slice, scope)
        text = string(node, scope)
        if text is not None:
            values |= {Text(text)}
        if not chained:
            self.note(frozenset(a for a in values if isinstance(a, Ext | Code)), node)
        return values

    def constant(self, node: ast.Constant, scope: Scope, chained: bool, callee: bool) -> Values:
        return frozenset({Text(node.value)}) if isinstance(node.value, str) else NOTHING

    def lambda_expression(
        self, node: ast.Lambda, scope: Scope, chained: bool, callee: bool
    ) -> Values:
        for default in node.args.defaults:
            self.expr(default, scope)
        values = self.define(node, "a lambda", scope)
        if not chained:
            self.note(values, node)
        return values

    def walrus(self, node: ast.NamedExpr, scope: Scope, chained: bool, callee: bool) -> Values:
        values = self.expr(node.value, scope)
        scope.bind(node.target.id, values, replace=False)
        return values

    def comprehension(
        self, node: Comprehension, scope: Scope, chained: bool, callee: bool
    ) -> Values:
        inner = Scope(scope)
        inner.globals, inner.nonlocals = scope.globals, scope.nonlocals
        for generator in node.generators:
            self.store(generator.target, self.expr(generator.iter, inner), inner, top=False)
            for condition in generator.ifs:
                self.expr(condition, inner)
        if isinstance(node, ast.DictComp):
            self.expr(node.key, inner)
            return self.expr(node.value, inner)
        return self.expr(node.elt, inner)

    def other(self, node: ast.expr, scope: Scope, chained: bool, callee: bool) -> Values:
        """Operators, containers, f-strings...: the outside values of their parts (not
        of comparisons and unary operators), and the string they compute if known."""
        text = string(node, scope)
        values = NOTHING
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                child_values = self.expr(child, scope)
                if not isinstance(node, ast.Compare | ast.UnaryOp):
                    values |= frozenset(a for a in child_values if not isinstance(a, Text))
        return values | ({Text(text)} if text is not None else set())

    EXPRESSIONS: ClassVar[dict[type[ast.AST], Callable[..., Values]]] = {
        ast.Name: named,
        ast.Attribute: attribute_chain,
        ast.Call: call_expression,
        ast.Subscript: subscript,
        ast.Constant: constant,
        ast.Lambda: lambda_expression,
        ast.NamedExpr: walrus,
        ast.ListComp: comprehension,
        ast.SetComp: comprehension,
        ast.GeneratorExp: comprehension,
        ast.DictComp: comprehension,
    }
