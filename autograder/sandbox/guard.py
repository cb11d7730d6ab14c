"""The re-check's runtime guard: what an exercise may not use, enforced where the answer runs.

Each answer cell's exercise has a *policy*: dotted names it may not use (from the
course's policy table, translated by ``autograder.sandbox.guard_policy``). The
re-check runs the answers of one policy in a worker forked from a zygote that was
started with that policy, and this module makes the policy hold in that process, in
a way the answer cells cannot switch off or route around:

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

import os
import sys
from pathlib import Path
from typing import Any

from autograder.sandbox.guard_policy import Policy, module_location, under

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
#: The policy ``install`` guarded this process with (read before any student code runs).
INSTALLED: Policy | None = None
#: The custom audit events that name the exercise in the guard's messages and lock the guard.
EXERCISE_EVENT = "in5400.guard.exercise"
LOCK_EVENT = "in5400.guard.lock"
EXTEND_EVENT = "in5400.guard.extend"


# --------------------------------------------------------------------------- files


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


def _file_checks(forbidden: list, locked: list, error: type):
    """The hook's file tests, bound like the hook (built-ins captured at creation time):
    ``forbidden_file(path, writing)`` and ``for_writing(mode, flags)``. ``forbidden`` and
    ``locked`` are the hook's own state, shared, never copied."""
    exact_type, stat = type, os.stat
    proc_device = os.stat("/proc").st_dev if os.path.isdir("/proc") else -1
    writes = os.O_WRONLY | os.O_RDWR

    def forbidden_file(path: Any, writing: bool = False) -> bool:
        kind = exact_type(path)
        if kind is int:
            return False  # an already open file descriptor
        if kind is not str and kind is not bytes:
            if not locked[0]:
                return False  # the trusted set-up (preload, setup code) opens what it likes
            raise error(f"the re-check opens files by str or bytes path only, not {kind.__name__}")
        try:
            info = stat(path)
        except (OSError, ValueError):
            return False  # nothing there (yet): creating a new file is fine
        if writing and info.st_dev == proc_device:
            return True  # e.g. /proc/self/mem: the process's own memory
        return (info.st_dev, info.st_ino) in forbidden[2]

    def for_writing(mode: Any, flags: Any) -> bool:
        if exact_type(mode) is str:
            return "w" in mode or "a" in mode or "+" in mode or "x" in mode
        return exact_type(flags) is int and bool(flags & writes)

    return forbidden_file, for_writing


def _make_hook(
    modules: tuple[str, ...], files: frozenset[tuple[int, int]], error: type, message: Any
):
    """The audit hook. Everything it uses is bound here, from built-ins, at creation time.

    ``message(name, exercise)`` words a refusal; whatever it does, the event is refused.
    Its state changes only through its own events, and only one way: ``EXTEND_EVENT`` adds
    to what is forbidden, ``LOCK_EVENT`` locks; ``EXERCISE_EVENT`` changes the wording.
    """
    str_copy, exact_type, refused_events = str.__str__, type, REFUSED_EVENTS
    make_tuple, make_frozenset, make_int = tuple, frozenset, int
    exercise = ["this exercise"]  # the wording of the messages
    locked = [False]  # set once, by LOCK_EVENT: the preload and the setup code ran before
    forbidden = [modules, make_tuple(m + "." for m in modules), files]
    forbidden_file, for_writing = _file_checks(forbidden, locked, error)

    def refuse(name: str) -> BaseException:
        return error(message(name, exercise[0]))

    def forbidden_module(name: Any) -> bool:
        if exact_type(name) is not str:
            name = str_copy(name)  # a str subclass cannot lie through its methods
        return name in forbidden[0] or name.startswith(forbidden[1])

    def hook(event: str, args: tuple) -> None:
        if event == "import":
            if forbidden_module(args[0]):
                raise refuse(str_copy(args[0]))
            if exact_type(args[1]) is str and forbidden_file(args[1]):
                raise refuse(str_copy(args[0]))
        elif event == "open":
            if forbidden_file(args[0], for_writing(args[1], args[2])):
                shown = str_copy(args[0]) if exact_type(args[0]) is str else repr(args[0])
                raise refuse(f"opening {shown}")
        elif event == "exec":
            name = args[0].co_filename
            if forbidden[2] and exact_type(name) is str and forbidden_file(name):
                raise refuse(name)
        elif event in refused_events:
            if locked[0]:
                raise error(f"{event} is not available in the re-check of {exercise[0]}")
        elif event == EXERCISE_EVENT:
            exercise[0] = str_copy(args[0])
        elif event == LOCK_EVENT:
            locked[0] = True
        elif event == EXTEND_EVENT:
            added = make_tuple(str_copy(m) for m in args[0])
            pairs = make_frozenset((make_int(d), make_int(i)) for d, i in args[1])
            forbidden[0] = forbidden[0] + added
            forbidden[1] = forbidden[1] + make_tuple(m + "." for m in added)
            forbidden[2] = forbidden[2] | pairs

    return hook


def install(policy: Policy, error: type[BaseException] | None = None) -> None:
    """Guard this process for ``policy`` (for good: an audit hook cannot be removed).

    Call it before importing anything the policy might forbid: the zygote calls it
    first thing, then preloads what the policy allows.
    """
    from in5400lib.testing import ForbiddenCallError, refusal

    global INSTALLED
    INSTALLED = policy
    files = forbidden_files(policy)
    hook = _make_hook(tuple(policy.modules), files, error or ForbiddenCallError, refusal)
    sys.addaudithook(hook)


def loaded(policy: Policy) -> list[str]:
    """Forbidden modules this process has imported (there must be none once it is guarded)."""
    return [name for name in sys.modules if under(name, policy.modules)]


def extend(policy: Policy, already: Policy | None = None) -> None:
    """Forbid ``policy`` too, from now on (a forked worker adds its exercise's policy to its
    zygote's; the files of ``already``'s modules are not walked again). Modules the policy
    forbids that this process has loaded are dropped from ``sys.modules`` and their package."""
    already = already or INSTALLED or Policy()
    new_modules = tuple(m for m in policy.modules if not under(m, already.modules))
    fresh = Policy(new_modules, (), policy.folders)
    sys.audit(EXTEND_EVENT, tuple(policy.modules), tuple(forbidden_files(fresh)))
    for name in loaded(policy):
        module = sys.modules.pop(name, None)
        parent, _, child = name.rpartition(".")
        if parent in sys.modules and getattr(sys.modules[parent], child, None) is module:
            delattr(sys.modules[parent], child)


def lock() -> None:
    """From now on refuse the escape routes (``REFUSED_EVENTS``): the worker calls this after
    the course's setup code, before the first answer cell. There is no way back."""
    sys.audit(LOCK_EVENT)


def name_exercise(exercise: str) -> None:
    """Name the exercise in the guard's messages (``depthwise_conv2d and pointwise_conv2d``)."""
    sys.audit(EXERCISE_EVENT, exercise)


def scrub_attributes(policy: Policy, namespace: dict[str, Any], exercise: str) -> None:
    """Replace each forbidden attribute by a refusing stub wherever a loaded module or the
    notebook namespace holds it (run after the setup code, before the answer cells).

    One pass over every module's namespace finds all the holders of all the attributes."""
    from in5400lib.testing import ForbiddenCallError, refusal

    stubs: dict[int, tuple[Any, Any]] = {}  # id(original) -> (original, its stub)
    for dotted in policy.attributes:
        module_name, _, attribute = dotted.rpartition(".")
        module = sys.modules.get(module_name)
        if module is None or not hasattr(module, attribute):
            continue
        original = getattr(module, attribute)
        message = refusal(dotted, exercise)

        def stub(*args: Any, _message: str = message, **kwargs: Any) -> Any:
            raise ForbiddenCallError(_message)

        stubs.setdefault(id(original), (original, stub))
    if not stubs:
        return
    holders = [getattr(m, "__dict__", None) for m in list(sys.modules.values())]
    for holder in [*(h for h in holders if isinstance(h, dict)), namespace]:
        for key, value in list(holder.items()):
            found = stubs.get(id(value))
            if found is not None and found[0] is value:
                holder[key] = found[1]
