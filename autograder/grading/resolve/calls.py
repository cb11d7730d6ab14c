"""Calls: the special functions the resolver follows when their arguments are strings it
can compute (``getattr``/``setattr``/``delattr``, ``__import__``/``import_module``,
``eval``/``exec``/``compile``, ``globals()``/``vars()``, ``operator.attrgetter``,
``namespace.get(...)``), and dynamic access when they are not."""

from __future__ import annotations

import ast

from autograder.grading.resolve.base import Walker
from autograder.grading.resolve.rules import (
    ATTRGETTER,
    DELATTR,
    DYNAMIC_ATTRIBUTES,
    EXECUTORS,
    GETATTR,
    IMPORTERS,
    NAMESPACES,
    SETATTR,
)
from autograder.grading.resolve.strings import string
from autograder.grading.resolve.values import (
    NOTHING,
    Ext,
    Getter,
    Namespace,
    Scope,
    Text,
    Values,
    attribute,
)

ACCESSORS = frozenset({GETATTR, SETATTR, DELATTR})


class Calls(Walker):
    """Reads calls (``expr`` comes from ``Expressions``, ``block`` from ``Statements``)."""

    def call(self, node: ast.Call, scope: Scope, chained: bool) -> Values:
        function = self.expr(node.func, scope, callee=True)
        names = {atom.name for atom in function if isinstance(atom, Ext)}
        args = node.args
        consumed, result = self.special(node, names, scope, chained)
        getters = [atom for atom in function if isinstance(atom, Getter)]
        if getters and args:
            consumed = 1
            result = self.apply_getters(getters, node, scope, chained, result)
        entry = self.namespace_get(node, scope)
        if entry and not chained:
            self.note(entry, node)
        result |= entry
        for argument in args[consumed:]:
            self.expr(argument, scope)
        for keyword in node.keywords:
            self.expr(keyword.value, scope)
        text = string(node, scope)
        if text is not None:
            result |= {Text(text)}
        if chained or not result:
            return result
        self.note(frozenset(a for a in result if isinstance(a, Namespace)), node)
        return result

    def special(
        self, node: ast.Call, names: set[str], scope: Scope, chained: bool
    ) -> tuple[int, Values]:
        """A call of a special function: how many arguments it read, and its values."""
        args = node.args
        if names & ACCESSORS and len(args) >= 2:
            return 2, self.accessor(node, names, scope, chained)
        if names & IMPORTERS and args:
            return 1, self.importer(node, names, scope)
        if names & EXECUTORS and args:
            return 1, self.executor(node, scope)
        if names & NAMESPACES:
            if args:
                base = self.expr(args[0], scope, chained=True)
                return 1, frozenset(Namespace(a.name) for a in base if isinstance(a, Ext))
            return 0, frozenset({Namespace("")})
        if ATTRGETTER in names and args:
            return 1, self.attrgetter(node, scope)
        return 0, NOTHING

    def accessor(self, node: ast.Call, names: set[str], scope: Scope, chained: bool) -> Values:
        """``getattr``/``setattr``/``delattr(value, name, ...)``."""
        args = node.args
        base = self.expr(args[0], scope, chained=True)
        name = string(args[1], scope)
        verb = next(iter(names & ACCESSORS)).removeprefix("builtins.")
        if name is None:
            self.note(base, node)
            self.expr(args[1], scope)
            self.dynamic(f"{verb} with a computed attribute name", node)
            return NOTHING
        if name in DYNAMIC_ATTRIBUTES:
            self.dynamic(f"{verb} of {name}", node)
        result = attribute(base, name)
        if verb != "getattr" or not chained:
            self.note(result, node)
        return result

    def importer(self, node: ast.Call, names: set[str], scope: Scope) -> Values:
        """``__import__(name)`` (the top package unless ``fromlist``), ``import_module(name)``."""
        args = node.args
        module = string(args[0], scope)
        if module is None:
            self.expr(args[0], scope)
            self.dynamic("imports a module by a computed name", node)
            return NOTHING
        from_list = any(k.arg == "fromlist" for k in node.keywords) or len(args) >= 4
        whole = "builtins.__import__" not in names or from_list
        return frozenset({Ext(module if whole else module.split(".")[0])})

    def executor(self, node: ast.Call, scope: Scope) -> Values:
        """``eval``/``exec``/``compile`` of a string."""
        source = string(node.args[0], scope)
        if source is None:
            self.expr(node.args[0], scope)
            self.dynamic("runs code built at run time (eval/exec/compile)", node)
            return NOTHING
        return self.run_text(source, scope, node)

    def attrgetter(self, node: ast.Call, scope: Scope) -> Values:
        """``operator.attrgetter(path)``: a getter, followed when it is called."""
        path = string(node.args[0], scope)
        if path is None:
            self.expr(node.args[0], scope)
            self.dynamic("attrgetter with a computed name", node)
            return NOTHING
        return frozenset({Getter(path)})

    def apply_getters(
        self, getters: list[Getter], node: ast.Call, scope: Scope, chained: bool, result: Values
    ) -> Values:
        """``attrgetter(path)(value)``: ``result`` with the attributes the getters reach."""
        base = self.expr(node.args[0], scope, chained=True)
        for getter in getters:
            values = base
            for part in getter.path.split("."):
                values = attribute(values, part)
            result |= values
        if not chained:
            self.note(result, node)
        return result

    def namespace_get(self, node: ast.Call, scope: Scope) -> Values:
        """``namespace.get("name")``: the named entry of globals(), vars(m) or sys.modules."""
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "get" and node.args):
            return NOTHING
        base = self.expr(func.value, scope, chained=True, record=False)
        spaces = [atom for atom in base if isinstance(atom, Namespace)]
        if not spaces:
            return NOTHING
        key = string(node.args[0], scope)
        if key is None:
            self.dynamic("looks up a computed name", node)
            return NOTHING
        return self.entries(spaces, key)

    def run_text(self, source: str, scope: Scope, node: ast.AST) -> Values:
        """``eval``/``exec``/``compile`` of a string the grader knows: read it as code here."""
        try:
            tree = ast.parse(source, mode="eval")
        except SyntaxError:
            try:
                module = ast.parse(source)
            except SyntaxError:
                return NOTHING
            for statement in ast.walk(module):
                if hasattr(statement, "lineno"):
                    ast.copy_location(statement, node)
            self.block(module.body, scope, top=False)
            return NOTHING
        for child in ast.walk(tree):
            if hasattr(child, "lineno"):
                ast.copy_location(child, node)
        return self.expr(tree.body, scope)
