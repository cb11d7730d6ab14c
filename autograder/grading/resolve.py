"""What answer cells name: qualified names resolved from their source, without running it.

The grader reads the setup cells and every answer cell with ``ast`` and resolves
the qualified names each answer cell reaches:

* imports and aliases (``import torch.nn.functional as F``, ``from x import y as z``);
* names bound by assignment (``c = conv.conv2d``), attribute chains, containers;
* ``getattr``/``setattr``, ``__import__``, ``importlib.import_module``,
  ``operator.attrgetter``, ``eval``/``exec``/``compile`` with literal strings
  (also strings the grader can compute: ``"con" + "v2d"``, ``"".join([...])``),
  ``globals()[...]``, ``vars(module)[...]``, ``module.__dict__[...]``,
  ``sys.modules[...]`` with literal keys;
* names bound in one answer cell or a setup cell and used in another, and the
  bodies of the functions and classes a graded cell calls or names, wherever
  they are defined (another answer cell, a setup cell, the same cell),
  transitively.

What it cannot resolve is reported as *dynamic access* (``getattr`` with a
computed name, ``exec`` of a built string, ``sys.modules`` or ``globals()`` as a
whole, frame and ``__globals__`` tricks, ``gc``, ``ctypes``, ``inspect``...).
``autograder.grading.policy`` judges the names against the course's policy.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

MAGIC = re.compile(r"^[ \t]*[%!].*$", re.MULTILINE)
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


# --------------------------------------------------------------------------- values


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


# --------------------------------------------------------------------------- the resolver


def without_magics(source: str) -> str:
    """IPython magics and shell escapes become blank lines (line numbers stay)."""
    return MAGIC.sub("", source)


def parse_cell(source: str) -> ast.Module | None:
    try:
        return ast.parse(without_magics(source))
    except (SyntaxError, ValueError):
        return None


class Resolver:
    """Resolves what the answer cells of one notebook reach (see the module's docstring)."""

    def __init__(self, setup: list[str], answers: list[tuple[str, str]]) -> None:
        self.definitions: list[Definition] = []
        self.module = Scope()
        self.findings: dict[str, Findings] = {grade_id: Findings() for grade_id, _ in answers}
        self.roots: dict[str, list[int]] = {grade_id: [] for grade_id, _ in answers}
        self.sink: Findings | None = None
        self.reached: list[int] | None = None
        self.cell = ""
        self.place = ""
        for source in setup:
            tree = parse_cell(source)
            if tree is not None:
                self.cell = ""
                self.block(tree.body, self.module, top=True)
        for grade_id, source in answers:
            tree = parse_cell(source)
            if tree is None:
                continue
            first = len(self.definitions)
            self.cell, self.place = grade_id, ""
            self.sink, self.reached = self.findings[grade_id], self.roots[grade_id]
            self.block(tree.body, self.module, top=True)
            self.sink, self.reached = None, None
            # everything the cell defines is part of its answer
            self.roots[grade_id] += [
                index
                for index in range(first, len(self.definitions))
                if self.definitions[index].cell == grade_id
            ]
        for grade_id in self.findings:
            self.walk(grade_id)

    # -- reaching definitions
    def walk(self, grade_id: str) -> None:
        """Follow every definition the cell reaches; record what their bodies name."""
        seen: set[int] = set()
        queue = list(self.roots[grade_id])
        self.sink, self.reached = self.findings[grade_id], queue
        while queue:
            index = queue.pop()
            if index in seen:
                continue
            seen.add(index)
            definition = self.definitions[index]
            self.cell = grade_id
            if definition.cell == grade_id:
                self.place = f"in {definition.name}" if definition.name else ""
            elif definition.cell:
                self.place = f"in {definition.name}, answer cell {definition.cell}"
            else:
                self.place = f"in {definition.name}, a setup cell"
            self.body(definition.node, self.module)
        self.sink, self.reached = None, None

    def body(self, node: ast.AST, parent: Scope) -> None:
        """Run through a function's, lambda's or class's body in its own scope."""
        sink, reached = self.sink, self.reached
        scope = Scope(parent)
        if not isinstance(node, ast.ClassDef):
            for statement in _own_nodes(node):
                if isinstance(statement, ast.Global):
                    scope.globals.update(statement.names)
                elif isinstance(statement, ast.Nonlocal):
                    scope.nonlocals.update(statement.names)
        for name in _local_names(node) - scope.globals - scope.nonlocals:
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

    # -- recording
    def where(self, node: ast.AST) -> str:
        line = f"line {getattr(node, 'lineno', '?')}"
        return f"{line} {self.place}" if self.place else line

    def use(self, name: str, node: ast.AST) -> None:
        if self.sink is not None:
            self.sink.uses.append(Finding(name, self.where(node)))
            if _dynamic_name(name):
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
                self.dynamic(f"uses {_namespace_name(atom)} as a whole", node)

    # -- statements
    def block(self, statements: list[ast.stmt], scope: Scope, top: bool) -> None:
        for statement in statements:
            self.statement(statement, scope, top)

    def statement(self, node: ast.stmt, scope: Scope, top: bool) -> None:  # noqa: C901
        if isinstance(node, ast.Assign):
            self.assign(node.targets, node.value, scope, top)
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self.assign([node.target], node.value, scope, top)
        elif isinstance(node, ast.AugAssign):
            values = self.expr(node.value, scope)
            if isinstance(node.target, ast.Name):
                scope.bind(node.target.id, values, replace=False)
            else:
                self.store(node.target, values, scope, top=False)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    scope.bind(alias.asname, frozenset({Ext(alias.name)}), top)
                else:
                    root = alias.name.split(".")[0]
                    scope.bind(root, frozenset({Ext(root)}), top)
        elif isinstance(node, ast.ImportFrom):
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
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for expression in [*node.decorator_list, *node.args.defaults]:
                self.expr(expression, scope)
            for default in node.args.kw_defaults:
                if default is not None:
                    self.expr(default, scope)
            scope.bind(node.name, self.define(node, node.name, scope), top)
        elif isinstance(node, ast.ClassDef):
            for expression in [*node.decorator_list, *node.bases]:
                self.expr(expression, scope)
            for keyword in node.keywords:
                self.expr(keyword.value, scope)
            scope.bind(node.name, self.define(node, node.name, scope), top)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            pass  # collected before the body runs (see ``body``)
        elif isinstance(node, ast.For | ast.AsyncFor):
            self.store(node.target, self.expr(node.iter, scope), scope, top=False)
            self.block(node.body + node.orelse, scope, top=False)
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                values = self.expr(item.context_expr, scope)
                if item.optional_vars is not None:
                    self.store(item.optional_vars, values, scope, top=False)
            self.block(node.body, scope, top=False)
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                self.store(target, NOTHING, scope, top=False)
        elif isinstance(node, ast.Try | ast.TryStar):
            self.block(node.body, scope, top=False)
            for handler in node.handlers:
                if handler.type is not None:
                    self.expr(handler.type, scope)
                if handler.name:
                    scope.bind(handler.name, NOTHING, replace=False)
                self.block(handler.body, scope, top=False)
            self.block(node.orelse + node.finalbody, scope, top=False)
        elif isinstance(node, ast.Match):
            self.expr(node.subject, scope)
            for case in node.cases:
                if case.guard is not None:
                    self.expr(case.guard, scope)
                self.block(case.body, scope, top=False)
        else:  # Expr, Return, If, While, Raise, Assert, Pass, ...
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self.expr(child, scope)
            for name in ("body", "orelse"):
                self.block(getattr(node, name, []) or [], scope, top=False)

    def assign(self, targets: list[ast.expr], value: ast.expr, scope: Scope, top: bool) -> None:
        values = self.expr(value, scope)
        for target in targets:
            pairs = _pairs(target, value)
            if pairs:
                for sub_target, sub_value in pairs:
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
            self.note(_attribute(base, target.attr), target)  # patching it names it
        elif isinstance(target, ast.Subscript):
            base = self.expr(target.value, scope, chained=True)
            key = self.string(target.slice, scope)
            for atom in base:
                if not isinstance(atom, Namespace):
                    continue
                if key is None:
                    self.dynamic(f"sets a computed key of {_namespace_name(atom)}", target)
                elif atom.of == "":
                    self.module.bind(key, values, replace=False)
                else:
                    self.use(_join(atom.of, key), target)
            if not any(isinstance(atom, Namespace) for atom in base):
                self.expr(target.slice, scope)

    # -- expressions
    def expr(  # noqa: C901
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
        if isinstance(node, ast.Name):
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
        if isinstance(node, ast.Attribute):
            base = self.expr(node.value, scope, chained=True)
            if node.attr in DYNAMIC_ATTRIBUTES and not (
                node.attr == "__dict__" and chained and _has_ext(base)
            ):
                self.dynamic(f"uses .{node.attr}", node)
            if node.attr != "get":
                for space in (atom for atom in base if isinstance(atom, Namespace)):
                    self.dynamic(f"uses {_namespace_name(space)} as a whole", node)
            values = _attribute(base, node.attr)
            if not chained:
                self.note(values, node, callee)
            return values
        if isinstance(node, ast.Call):
            return self.call(node, scope, chained)
        if isinstance(node, ast.Subscript):
            return self.subscript(node, scope, chained)
        if isinstance(node, ast.Constant):
            return frozenset({Text(node.value)}) if isinstance(node.value, str) else NOTHING
        if isinstance(node, ast.Lambda):
            for default in node.args.defaults:
                self.expr(default, scope)
            values = self.define(node, "a lambda", scope)
            if not chained:
                self.note(values, node)
            return values
        if isinstance(node, ast.NamedExpr):
            values = self.expr(node.value, scope)
            scope.bind(node.target.id, values, replace=False)
            return values
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
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
        text = self.string(node, scope, record=False)
        values = NOTHING
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                child_values = self.expr(child, scope)
                if not isinstance(node, ast.Compare | ast.UnaryOp):
                    values |= frozenset(a for a in child_values if not isinstance(a, Text))
        return values | ({Text(text)} if text is not None else set())

    def call(self, node: ast.Call, scope: Scope, chained: bool) -> Values:  # noqa: C901
        function = self.expr(node.func, scope, callee=True)
        names = {atom.name for atom in function if isinstance(atom, Ext)}
        args, consumed, result = node.args, 0, NOTHING
        if names & {GETATTR, SETATTR, DELATTR} and len(args) >= 2:
            base = self.expr(args[0], scope, chained=True)
            attribute = self.string(args[1], scope)
            consumed = 2
            verb = next(iter(names & {GETATTR, SETATTR, DELATTR})).removeprefix("builtins.")
            if attribute is None:
                self.note(base, node)
                self.expr(args[1], scope)
                self.dynamic(f"{verb} with a computed attribute name", node)
            else:
                if attribute in DYNAMIC_ATTRIBUTES:
                    self.dynamic(f"{verb} of {attribute}", node)
                result = _attribute(base, attribute)
                if verb != "getattr" or not chained:
                    self.note(result, node)
        elif names & IMPORTERS and args:
            module = self.string(args[0], scope)
            consumed = 1
            if module is None:
                self.expr(args[0], scope)
                self.dynamic("imports a module by a computed name", node)
            else:
                from_list = any(k.arg == "fromlist" for k in node.keywords) or len(args) >= 4
                whole = "builtins.__import__" not in names or from_list
                result = frozenset({Ext(module if whole else module.split(".")[0])})
        elif names & EXECUTORS and args:
            source = self.string(args[0], scope)
            consumed = 1
            if source is None:
                self.expr(args[0], scope)
                self.dynamic("runs code built at run time (eval/exec/compile)", node)
            else:
                result = self.run_text(source, scope, node)
        elif names & NAMESPACES:
            if args:
                base = self.expr(args[0], scope, chained=True)
                consumed = 1
                result = frozenset(Namespace(a.name) for a in base if isinstance(a, Ext))
            else:
                result = frozenset({Namespace("")})
        elif ATTRGETTER in names and args:
            path = self.string(args[0], scope)
            consumed = 1
            if path is None:
                self.expr(args[0], scope)
                self.dynamic("attrgetter with a computed name", node)
            else:
                result = frozenset({Getter(path)})
        getters = [atom for atom in function if isinstance(atom, Getter)]
        if getters and args:
            base = self.expr(args[0], scope, chained=True)
            consumed = 1
            for getter in getters:
                values = base
                for part in getter.path.split("."):
                    values = _attribute(values, part)
                result |= values
            if not chained:
                self.note(result, node)
        entry = self.namespace_get(node, scope)
        if entry and not chained:
            self.note(entry, node)
        result |= entry
        for argument in args[consumed:]:
            self.expr(argument, scope)
        for keyword in node.keywords:
            self.expr(keyword.value, scope)
        text = self.string(node, scope, record=False)
        if text is not None:
            result |= {Text(text)}
        if chained or not result:
            return result
        self.note(frozenset(a for a in result if isinstance(a, Namespace)), node)
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
        key = self.string(node.args[0], scope)
        if key is None:
            self.dynamic("looks up a computed name", node)
            return NOTHING
        return self.entries(spaces, key)

    def entries(self, spaces: list[Namespace], key: str) -> Values:
        values = NOTHING
        for space in spaces:
            if space.of == "":
                values |= self.module.lookup(key) or NOTHING
            elif space.of == SYS_MODULES:
                values |= {Ext(key)}
            else:
                values |= {Ext(_join(space.of, key))}
        return values

    def subscript(self, node: ast.Subscript, scope: Scope, chained: bool) -> Values:
        base = self.expr(node.value, scope, chained=True)
        spaces = [atom for atom in base if isinstance(atom, Namespace)]
        values = frozenset(atom for atom in base if isinstance(atom, Ext | Code | Getter))
        if spaces:
            key = self.string(node.slice, scope)
            if key is None:
                self.expr(node.slice, scope)
                self.dynamic("looks up a computed name", node)
            else:
                values = self.entries(spaces, key)
        else:
            self.expr(node.slice, scope)
        text = self.string(node, scope, record=False)
        if text is not None:
            values |= {Text(text)}
        if not chained:
            self.note(frozenset(a for a in values if isinstance(a, Ext | Code)), node)
        return values

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

    # -- strings the grader can compute
    def string(self, node: ast.expr, scope: Scope, record: bool = False) -> str | None:  # noqa: C901
        """The one string ``node`` evaluates to, when the grader can tell without running it."""
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else None
        if isinstance(node, ast.Name):
            values = scope.lookup(node.id) or NOTHING
            texts = {a.value for a in values if isinstance(a, Text)}
            return texts.pop() if len(texts) == 1 and len(values) == 1 else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.string(node.left, scope), self.string(node.right, scope)
            return left + right if left is not None and right is not None else None
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                part = (
                    self.string(value.value, scope)
                    if isinstance(value, ast.FormattedValue)
                    else self.string(value, scope)
                )
                if part is None:
                    return None
                parts.append(part)
            return "".join(parts)
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice | ast.Constant):
            text = self.string(node.value, scope)
            bounds = _literal_index(node.slice)
            return text[bounds] if text is not None and bounds is not None else None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            text = self.string(node.func.value, scope)
            if text is None or node.keywords:
                return None
            if node.func.attr == "join" and len(node.args) == 1:
                items = node.args[0]
                if isinstance(items, ast.List | ast.Tuple):
                    parts = [self.string(item, scope) for item in items.elts]
                    return None if None in parts else text.join(parts)  # type: ignore[arg-type]
                return None
            if node.func.attr in STRING_METHODS:
                arguments = [self.string(arg, scope) for arg in node.args]
                if None in arguments:
                    return None
                return getattr(str, node.func.attr)(text, *arguments)
        return None


def _arguments(args: ast.arguments) -> list[str]:
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    every += [a for a in (args.vararg, args.kwarg) if a is not None]
    return [a.arg for a in every]


def _own_nodes(node: ast.AST) -> Iterator[ast.AST]:
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


def _local_names(node: ast.AST) -> set[str]:
    """The names a function, lambda or class body binds (its locals)."""
    names = set(_arguments(node.args)) if not isinstance(node, ast.ClassDef) else set()
    for child in _own_nodes(node):
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


def _pairs(target: ast.expr, value: ast.expr) -> list[tuple[ast.expr, ast.expr]]:
    """``a, b = x, y``: the target and value elements side by side (none if shapes differ)."""
    if not (isinstance(target, ast.Tuple | ast.List) and isinstance(value, ast.Tuple | ast.List)):
        return []
    starred = any(isinstance(e, ast.Starred) for e in [*target.elts, *value.elts])
    if starred or len(target.elts) != len(value.elts):
        return []
    return list(zip(target.elts, value.elts, strict=True))


def _attribute(values: Values, attribute: str) -> Values:
    out: set[Atom] = set()
    for atom in values:
        if isinstance(atom, Ext):
            if attribute == "modules" and atom.name.split(".")[-1] == "sys":
                out.add(Namespace(SYS_MODULES))
            elif attribute == "__dict__":
                out.add(Namespace(atom.name))
            else:
                out.add(Ext(_join(atom.name, attribute)))
    return frozenset(out)


def _has_ext(values: Values) -> bool:
    return any(isinstance(atom, Ext) for atom in values)


def _join(base: str, attribute: str) -> str:
    return f"{base}.{attribute}"


def _namespace_name(space: Namespace) -> str:
    return {"": "globals()", SYS_MODULES: "sys.modules"}.get(space.of, f"vars({space.of})")


def under(name: str, prefix: str) -> bool:
    """Whether the qualified ``name`` is ``prefix`` or lies below it (whole components)."""
    return name == prefix or name.startswith(prefix + ".")


def _dynamic_name(name: str) -> bool:
    if name in SPECIAL:
        return False
    parts = name.split(".")
    if any(part in DYNAMIC_COMPONENTS for part in parts[1:]):
        return True
    return any(under(name, prefix) for prefix in DYNAMIC_PREFIXES)


def _literal_index(node: ast.expr) -> slice | int | None:
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


def analyse(setup: list[str], answers: list[tuple[str, str]]) -> dict[str, Findings]:
    """What every answer cell reaches: ``{grade_id: Findings}``."""
    return Resolver(setup, answers).findings
