"""Strings the grader can compute without running code: literals, names holding one
known string, ``+``, f-strings, literal slices, ``"".join([...])`` and pure ``str``
methods (``"CONV".lower()``), so that ``getattr(m, "con" + "v2d")`` resolves."""

from __future__ import annotations

import ast
from collections.abc import Callable

from autograder.grading.resolve.syntax import literal_index
from autograder.grading.resolve.values import NOTHING, Scope, Text

#: ``str`` methods the grader evaluates on literal strings to follow a computed name.
STRING_METHODS = frozenset(
    {
        "format",
        "replace",
        "lower",
        "upper",
        "strip",
        "lstrip",
        "rstrip",
        "removeprefix",
        "removesuffix",
        "capitalize",
        "casefold",
        "swapcase",
        "title",
    }
)


def string(node: ast.expr, scope: Scope) -> str | None:
    """The one string ``node`` evaluates to, when the grader can tell without running it."""
    handler = _HANDLERS.get(type(node))
    return handler(node, scope) if handler is not None else None


def _constant(node: ast.Constant, scope: Scope) -> str | None:
    return node.value if isinstance(node.value, str) else None


def _name(node: ast.Name, scope: Scope) -> str | None:
    values = scope.lookup(node.id) or NOTHING
    texts = {a.value for a in values if isinstance(a, Text)}
    return texts.pop() if len(texts) == 1 and len(values) == 1 else None


def _sum(node: ast.BinOp, scope: Scope) -> str | None:
    if not isinstance(node.op, ast.Add):
        return None
    left, right = string(node.left, scope), string(node.right, scope)
    return left + right if left is not None and right is not None else None


def _f_string(node: ast.JoinedStr, scope: Scope) -> str | None:
    parts = []
    for value in node.values:
        part = (
            string(value.value, scope)
            if isinstance(value, ast.FormattedValue)
            else string(value, scope)
        )
        if part is None:
            return None
        parts.append(part)
    return "".join(parts)


def _slice(node: ast.Subscript, scope: Scope) -> str | None:
    if not isinstance(node.slice, ast.Slice | ast.Constant):
        return None
    text = string(node.value, scope)
    bounds = literal_index(node.slice)
    return text[bounds] if text is not None and bounds is not None else None


def _method(node: ast.Call, scope: Scope) -> str | None:
    if not isinstance(node.func, ast.Attribute):
        return None
    text = string(node.func.value, scope)
    if text is None or node.keywords:
        return None
    if node.func.attr == "join" and len(node.args) == 1:
        items = node.args[0]
        if isinstance(items, ast.List | ast.Tuple):
            parts = [string(item, scope) for item in items.elts]
            return None if None in parts else text.join(parts)  # type: ignore[arg-type]
        return None
    if node.func.attr in STRING_METHODS:
        arguments = [string(arg, scope) for arg in node.args]
        if None in arguments:
            return None
        return getattr(str, node.func.attr)(text, *arguments)
    return None


_HANDLERS: dict[type[ast.AST], Callable[..., str | None]] = {
    ast.Constant: _constant,
    ast.Name: _name,
    ast.BinOp: _sum,
    ast.JoinedStr: _f_string,
    ast.Subscript: _slice,
    ast.Call: _method,
}
