"""Reading cells with ``ast``: parsing past IPython magics, the names a body binds, the
nodes of one scope, paired tuple assignments and literal indices."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

MAGIC = re.compile(r"^[ \t]*[%!].*$", re.MULTILINE)


def without_magics(source: str) -> str:
    """IPython magics and shell escapes become blank lines (line numbers stay)."""
    return MAGIC.sub("", source)


def parse_cell(source: str) -> ast.Module | None:
    try:
        return ast.parse(without_magics(source))
    except (SyntaxError, ValueError):
        return None


def arguments(args: ast.arguments) -> list[str]:
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    every += [a for a in (args.vararg, args.kwarg) if a is not None]
    return [a.arg for a in every]


def own_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a function's or class's body, without those of the scopes nested in it."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        child = stack.pop()
        yield child
        nested = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
        if isinstance(child, nested):
            stack += [*getattr(child, "decorator_list", []), *getattr(child, "bases", [])]
            if not isinstance(child, ast.ClassDef):
                stack += [*child.args.defaults, *(d for d in child.args.kw_defaults if d)]
        else:
            stack += ast.iter_child_nodes(child)


def local_names(node: ast.AST) -> set[str]:
    """The names a function, lambda or class body binds (its locals)."""
    names = set(arguments(node.args)) if not isinstance(node, ast.ClassDef) else set()
    for child in own_nodes(node):
        if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store | ast.Del):
            names.add(child.id)
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(child.name)
        elif isinstance(child, ast.Import | ast.ImportFrom):
            for alias in child.names:
                if alias.name != "*":
                    names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(child, ast.ExceptHandler) and child.name:
            names.add(child.name)
        elif isinstance(child, ast.MatchAs | ast.MatchStar) and child.name:
            names.add(child.name)
    return names


def pairs(target: ast.expr, value: ast.expr) -> list[tuple[ast.expr, ast.expr]]:
    """``a, b = x, y``: the target and value elements side by side (none if shapes differ)."""
    if not (isinstance(target, ast.Tuple | ast.List) and isinstance(value, ast.Tuple | ast.List)):
        return []
    starred = any(isinstance(e, ast.Starred) for e in [*target.elts, *value.elts])
    if starred or len(target.elts) != len(value.elts):
        return []
    return list(zip(target.elts, value.elts, strict=True))


def literal_index(node: ast.expr) -> slice | int | None:
    """The index or slice a subscript writes with integer literals (``[2:-1]``), or None."""

    def number(part: ast.expr | None) -> int | None:
        if part is None:
            return None
        if isinstance(part, ast.Constant) and isinstance(part.value, int):
            return part.value
        if isinstance(part, ast.UnaryOp) and isinstance(part.op, ast.USub):
            inner = number(part.operand)
            return -inner if inner is not None else None
        raise ValueError

    try:
        if isinstance(node, ast.Slice):
            return slice(number(node.lower), number(node.upper), number(node.step))
        return number(node)
    except ValueError:
        return None
