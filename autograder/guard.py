"""The re-check's runtime guard: what an exercise may not use, enforced where the answer runs.

Each answer cell's exercise has a *policy*: dotted names it may not use (from the
course's policy table, see ``policy_for``). The re-check runs the answers of one
policy in a worker forked from a zygote that was started with that policy, and
this module makes the policy hold in that process, in a way the answer cells
cannot switch off or route around:

* ``install`` adds a Python audit hook (``sys.addaudithook``) *before* anything
  else is imported. Audit hooks cannot be removed, and the interpreter calls them
  for every import (the ``import`` statement, ``__import__``, ``importlib``,
  extension modules), every file opened (``open``, ``os.open``, ``io.open_code``),
  every code object executed, and for ``ctypes``, ``gc`` walks, new processes,
  threads and sockets.
* A forbidden module is never imported in that process: the zygote's preload
  skips it (its import raises), so no other module, setup-cell global or
  ``sys.modules`` entry can hand it over; importing it in any spelling raises
  ``ForbiddenCallError`` with the message of ``in5400lib.testing.forbid_torch``,
  and so does opening, or executing code from, any file of it (compared by inode,
  so relative paths, symlinks and hard links make no difference). A policy entry
  with a slash (``in5400lib/weights``) forbids the files under that folder of the
  package.
* Once the worker has run the course's setup code (``lock``), what could switch
  the hook off or read around it is refused: ``ctypes`` calls, ``gc`` walks
  (``get_objects``/``get_referrers``/``get_referents``), building code objects
  or unmarshalling them, new processes (``subprocess``, ``os.fork``/``exec``/
  ``system``), threads and sockets (the zygotes listen on one). The hook keeps
  its state in closure variables that no Python code can name, and calls only
  built-in functions captured when it was made, so patching ``builtins``,
  ``os.path``, ``importlib`` or this module changes nothing.
* A policy entry that names a module *attribute* (``in5400lib.models.load_reference_cnn``),
  whose module the exercise needs otherwise, is replaced by a refusing stub in its
  module, in every loaded module that imported it and in the notebook namespace
  (``scrub_attributes``), before the answer cells run.

In the notebook kernel ``forbid_torch`` stays what it is there: a friendly hint
with the same message; the grade comes from the re-check.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Audit events refused in a guarded worker: ways to switch the hook off, to find objects the
#: worker does not hand out, or to get the forbidden code from another process.
REFUSED_EVENTS = frozenset(
    {
        "ctypes.dlopen",
        "ctypes.dlsym",
        "ctypes.dlsym/handle",
        "ctypes.call_function",
        "ctypes.cdata",
        "ctypes.cdata/buffer",
        "ctypes.addressof",
        "ctypes.string_at",
        "ctypes.wstring_at",
        "gc.get_objects",
        "gc.get_referrers",
        "gc.get_referents",
        "code.__new__",
        "marshal.load",
        "marshal.loads",
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "os.fork",
        "os.forkpty",
        "pty.spawn",
        "_thread.start_new_thread",
        "socket.__new__",
        "socket.connect",
        "socket.bind",
        "sys.remote_exec",
    }
)
#: The custom audit events that name the exercise in the guard's messages and lock the guard.
EXERCISE_EVENT = "in5400.guard.exercise"
LOCK_EVENT = "in5400.guard.lock"


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
    """Sort a policy table's dotted names into modules, attributes and folders (imports nothing)."""
    modules, attributes, folders = set(), set(), set()
    for name in names:
        if "/" in name:
            folders.add(name.strip("/"))
        elif module_location(name) is not None or module_location(name.split(".")[0]) is None:
            modules.add(name)  # a module, or a package that is not installed (nothing to find)
        else:
            parent = name.rpartition(".")[0]
            if any(parent == m or parent.startswith(m + ".") for m in modules):
                continue
            attributes.add(name)
    attributes = {a for a in attributes if not _under(a, modules)}
    return Policy(tuple(sorted(modules)), tuple(sorted(attributes)), tuple(sorted(folders)))


def _under(name: str, modules: Iterable[str]) -> bool:
    return any(name == m or name.startswith(m + ".") for m in modules)


def policy_for(notebook: str) -> dict[str, Policy]:
    """``{answer grade_id: Policy}`` for a notebook, from the course's policy table.

    Grade ids the table does not restrict are left out; without a table, nothing is.
    """
    try:
        from autograder.grading.policy import forbidden_names
    except ImportError:
        try:
            from autograder.policy import forbidden_names
        except ImportError:
            return {}
    table = forbidden_names(notebook)
    return {grade_id: policy_of(names) for grade_id, names in table.items() if names}


# --------------------------------------------------------------------------- files


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


def forbidden_files(policy: Policy) -> frozenset[tuple[int, int]]:
    """``(device, inode)`` of every file and folder the policy forbids (sources, caches, data)."""
    roots: list[Path] = []
    for name in policy.modules:
        location = module_location(name)
        if location is None:
            continue
        roots.append(location)
        if location.is_file():  # a single-file module: its compiled copies too
            roots += location.parent.glob(f"__pycache__/{location.stem}.*")
    for folder in policy.folders:
        package, _, rest = folder.partition("/")
        location = module_location(package)
        if location is not None and location.is_dir():
            roots.append(location / rest)
    found: set[tuple[int, int]] = set()
    for root in roots:
        try:
            info = root.stat()
        except OSError:
            continue
        found.add((info.st_dev, info.st_ino))
        if root.is_dir():
            _add_tree(str(root), info.st_dev, found)
    return frozenset(found)


def _add_tree(folder: str, device: int, found: set[tuple[int, int]]) -> None:
    """Add the inodes under ``folder`` (read from the directory entries: no stat per file)."""
    with os.scandir(folder) as entries:
        for entry in entries:
            found.add((device, entry.inode()))
            if entry.is_dir(follow_symlinks=False):
                _add_tree(entry.path, device, found)


# --------------------------------------------------------------------------- the hook


def _make_hook(
    modules: tuple[str, ...], files: frozenset[tuple[int, int]], error: type, message: Any
):
    """The audit hook. Everything it uses is bound here, from built-ins, at creation time.

    ``message(name, exercise)`` words a refusal; whatever it does, the event is refused.
    """
    str_copy, exact_type, stat, refused_events = str.__str__, type, os.stat, REFUSED_EVENTS
    proc_device = os.stat("/proc").st_dev if os.path.isdir("/proc") else -1
    writes = os.O_WRONLY | os.O_RDWR
    exercise = ["this exercise"]  # the wording of the messages
    locked = [False]  # set once, by LOCK_EVENT: the preload and the setup code ran before
    dotted = tuple(m + "." for m in modules)

    def refuse(name: str) -> BaseException:
        return error(message(name, exercise[0]))

    def forbidden_module(name: Any) -> bool:
        if exact_type(name) is not str:
            name = str_copy(name)  # a str subclass cannot lie through its methods
        return name in modules or name.startswith(dotted)

    def forbidden_file(path: Any, writing: bool = False) -> bool:
        kind = exact_type(path)
        if kind is int:
            return False  # an already open file descriptor
        if kind is not str and kind is not bytes:
            raise error(f"the re-check opens files by str or bytes path only, not {kind.__name__}")
        try:
            info = stat(path)
        except (OSError, ValueError):
            return False  # nothing there (yet): creating a new file is fine
        if writing and info.st_dev == proc_device:
            return True  # e.g. /proc/self/mem: the process's own memory
        return (info.st_dev, info.st_ino) in files

    def for_writing(mode: Any, flags: Any) -> bool:
        if exact_type(mode) is str:
            return "w" in mode or "a" in mode or "+" in mode or "x" in mode
        return exact_type(flags) is int and bool(flags & writes)

    def hook(event: str, args: tuple) -> None:
        if event == "import":
            if forbidden_module(args[0]):
                raise refuse(str_copy(args[0]))
            if exact_type(args[1]) is str and forbidden_file(args[1]):
                raise refuse(str_copy(args[0]))
        elif event == "open":
            if forbidden_file(args[0], for_writing(args[1], args[2])):
                raise refuse(
                    f"opening {str_copy(args[0]) if exact_type(args[0]) is str else args[0]!r}"
                )
        elif event == "exec":
            code = args[0]
            if files and exact_type(code.co_filename) is str and forbidden_file(code.co_filename):
                raise refuse(code.co_filename)
        elif event in refused_events:
            if locked[0]:
                raise error(f"{event} is not available in the re-check of {exercise[0]}")
        elif event == EXERCISE_EVENT:
            exercise[0] = str_copy(args[0])
        elif event == LOCK_EVENT:
            locked[0] = True

    return hook


def install(policy: Policy, error: type[BaseException] | None = None) -> None:
    """Guard this process for ``policy`` (for good: an audit hook cannot be removed).

    Call it before importing anything the policy might forbid: the zygote calls it
    first thing, then preloads what the policy allows.
    """
    from in5400lib.testing import ForbiddenCallError, refusal

    files = forbidden_files(policy)
    hook = _make_hook(tuple(policy.modules), files, error or ForbiddenCallError, refusal)
    sys.addaudithook(hook)


def loaded(policy: Policy) -> list[str]:
    """Forbidden modules this process has imported (there must be none once it is guarded)."""
    return [name for name in sys.modules if _under(name, policy.modules)]


def lock() -> None:
    """From now on refuse the escape routes (``REFUSED_EVENTS``): the worker calls this after
    the course's setup code, before the first answer cell. There is no way back."""
    sys.audit(LOCK_EVENT)


def name_exercise(exercise: str) -> None:
    """Name the exercise in the guard's messages (``depthwise_conv2d and pointwise_conv2d``)."""
    sys.audit(EXERCISE_EVENT, exercise)


def scrub_attributes(policy: Policy, namespace: dict[str, Any], exercise: str) -> None:
    """Replace each forbidden attribute by a refusing stub wherever a loaded module or the
    notebook namespace holds it (run after the setup code, before the answer cells)."""
    from in5400lib.testing import ForbiddenCallError, refusal

    for dotted in policy.attributes:
        module_name, _, attribute = dotted.rpartition(".")
        module = sys.modules.get(module_name)
        if module is None or not hasattr(module, attribute):
            continue
        original = getattr(module, attribute)
        message = refusal(dotted, exercise)

        def stub(*args: Any, _message: str = message, **kwargs: Any) -> Any:
            raise ForbiddenCallError(_message)

        holders = [getattr(m, "__dict__", None) for m in list(sys.modules.values())]
        for holder in [*(h for h in holders if isinstance(h, dict)), namespace]:
            for key, value in list(holder.items()):
                if value is original:
                    holder[key] = stub
