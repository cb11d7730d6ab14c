"""The re-check's runtime guard holds against the ways an answer cell could get around it.

Each escape runs in a fresh interpreter guarded like a re-check worker for a numpy
exercise (torch and ``in5400lib.conv`` forbidden, the shipped weights unreadable),
after the same preload as the zygote's. An escape passes the test only when it
raises and never gets hold of the forbidden code.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from autograder.sandbox.guard_policy import Policy, module_location, policy_of

POLICY = Policy(modules=("in5400lib.conv", "torch"), folders=("in5400lib/weights",))

PRELUDE = """
import json, sys
from autograder.sandbox.guard import Policy, install, lock, name_exercise
install(Policy.from_json(json.loads(sys.argv[1])))
import importlib, os, numpy as np
import in5400lib, in5400lib.testing
name_exercise("conv2d")
lock()
CONV = os.path.join(os.path.dirname(in5400lib.__file__), "conv.py")
WEIGHTS = os.path.join(os.path.dirname(in5400lib.__file__), "weights", "cifar10_cnn.pt")
"""

#: name -> code that must raise (and must not reach torch or in5400lib.conv).
ESCAPES = {
    "import statement": "import torch",
    "from import": "from torch.nn import functional",
    "__import__": "__import__('torch')",
    "importlib": "importlib.import_module('torch.nn.functional')",
    "importlib internals": "importlib._bootstrap._find_and_load('torch', __import__)",
    "sys.modules lookup": "sys.modules['torch']",
    "library module": "from in5400lib import conv",
    "library internals": "importlib._bootstrap._find_and_load('in5400lib.conv', __import__)",
    "library by file": """
        import importlib.util
        spec = importlib.util.spec_from_file_location('mine', CONV)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    """,
    "library source read": "exec(open(CONV).read())",
    "library through a symlink": """
        os.symlink(CONV, 'innocent.py')
        open('innocent.py').read()
    """,
    "library through a relative path": """
        os.chdir(os.path.dirname(CONV))
        open('./../in5400lib/conv.py').read()
    """,
    "shipped weights": "open(WEIGHTS, 'rb').read(10)",
    "shipped weights by os.open": "os.read(os.open(WEIGHTS, os.O_RDONLY), 10)",
    "gc walk": "import gc; gc.get_objects()",
    "gc referrers": "import gc; gc.get_referrers(sys)",
    "ctypes python api": "import ctypes; ctypes.pythonapi.PyImport_ImportModule(b'torch')",
    "ctypes dlopen": "import ctypes; ctypes.CDLL('libc.so.6')",
    "ctypes memory": "import ctypes; ctypes.string_at(id(sys), 8)",
    "another process": "import subprocess; subprocess.run([sys.executable, '-c', 'import torch'])",
    "fork": "os.fork()",
    "system": "os.system('true')",
    "thread": "import threading; threading.Thread(target=lambda: None).start()",
    "socket (the zygote listens on one)": "import socket; socket.socket(socket.AF_UNIX)",
    "hand-made code object": "(lambda: 0).__code__.replace(co_consts=(1,))",
    "marshal": "import marshal; marshal.loads(marshal.dumps(1))",
    "own memory": "open('/proc/self/mem', 'r+b')",
    "str subclass with lying methods": """
        class Name(str):
            def startswith(self, *args): return False
            def __eq__(self, other): return False
            def __hash__(self): return 0
            def split(self, *args): return ['numpy']
        __import__(Name('torch'))
    """,
    "path object that changes its mind": """
        class Sly:
            calls = 0
            def __fspath__(self):
                Sly.calls += 1
                return 'x.txt' if Sly.calls == 1 else CONV
        open(Sly()).read()
    """,
    "patched guard module": """
        import autograder.sandbox.guard as guard
        guard.REFUSED_EVENTS = frozenset()
        guard.forbidden_files = lambda policy: frozenset()
        guard.install(Policy())
        import torch
    """,
    "patched builtins and os": """
        import builtins, posixpath
        builtins.type = lambda value: str
        builtins.isinstance = lambda *args: True
        os.stat = lambda *args, **kwargs: os.stat_result((0,) * 10)
        posixpath.realpath = lambda path, **kwargs: '/nowhere'
        open(CONV).read()
    """,
    "patched refusal message": """
        in5400lib.testing.refusal.__code__ = (lambda name, exercise: None).__code__
        in5400lib.testing.ForbiddenCallError = ImportError
        import torch
    """,
    "a second audit hook": "sys.addaudithook(lambda *args: None); import torch",
}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, str]:
    """Run every escape in its own guarded interpreter (two at a time); report how it ended."""
    script = PRELUDE + textwrap.dedent(
        """
        source = sys.argv[2]
        try:
            exec(compile(source, "<answer>", "exec"), {**globals()})
            outcome = "escaped"
        except BaseException as error:
            outcome = f"{type(error).__name__}: {error}"
        leaked = [m for m in sys.modules if m.split(".")[0] == "torch" or m == "in5400lib.conv"]
        print(json.dumps("escaped: " + " ".join(leaked) if leaked else outcome))
        """
    )
    policy = json.dumps(POLICY.to_json())
    results: dict[str, str] = {}
    names = list(ESCAPES)
    for start in range(0, len(names), 2):
        running = {
            name: subprocess.Popen(
                [sys.executable, "-c", script, policy, textwrap.dedent(ESCAPES[name])],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=tmp_path_factory.mktemp("answer"),  # the escapes write files here
            )
            for name in names[start : start + 2]
        }
        for name, process in running.items():
            out, err = process.communicate(timeout=120)
            results[name] = json.loads(out.strip().splitlines()[-1]) if out.strip() else err
    return results


@pytest.mark.parametrize("escape", list(ESCAPES))
def test_the_escape_is_refused(outcomes, escape):
    assert not outcomes[escape].startswith("escaped"), outcomes[escape]


def test_refusals_name_the_exercise_with_forbid_torchs_message(outcomes):
    assert outcomes["import statement"] == (
        "ForbiddenCallError: torch is not allowed in conv2d: write it with numpy "
        "(the point is to build it yourself)"
    )
    assert "in5400lib.conv is not allowed in conv2d" in outcomes["library module"]


def test_honest_numpy_code_still_works(tmp_path):
    code = PRELUDE + textwrap.dedent(
        """
        from numpy.lib.stride_tricks import sliding_window_view
        x = np.arange(20.0).reshape(4, 5)
        windows = sliding_window_view(x, (2, 2))
        out = np.einsum("ijkl,kl->ij", windows, np.ones((2, 2)))
        acc = np.zeros(3); np.add.at(acc, [0, 0, 2], 1.0)
        import math, itertools, functools, collections, dataclasses
        Point = collections.namedtuple("Point", "x y")
        with open("notes.txt", "w") as handle:
            handle.write("own files are fine")
        by_loops = sum(x[i : i + 2, j : j + 2].sum() for i in range(3) for j in range(4))
        print(out.sum() == by_loops, acc.tolist(), Point(1, 2), open("notes.txt").read())
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", code, json.dumps(POLICY.to_json())],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split()[0] == "True"


def test_policy_names_are_sorted_into_modules_attributes_and_folders():
    policy = policy_of(
        [
            "torch",
            "torch.nn.functional.conv2d",
            "in5400lib.models.load_reference_cnn",
            "in5400lib/weights",
            "in5400lib.conv",
        ]  # fmt: skip
    )
    assert policy == Policy(
        modules=("in5400lib.conv", "torch"),
        attributes=("in5400lib.models.load_reference_cnn",),
        folders=("in5400lib/weights",),
    )
    assert module_location("in5400lib.conv").name == "conv.py"
    assert module_location("torch").is_dir()


def test_a_saved_model_policy_keeps_torch_and_scrubs_its_loaders():
    """torch imports torch.serialization itself: forbidding the module would forbid torch,
    so its functions (torch.load among them) are scrubbed; what torch does not import
    (torch.utils.model_zoo) stays forbidden and needs no zygote of its own."""
    from autograder.grading.recheck import policy_for
    from autograder.sandbox.guard_policy import zygote_part

    policy = policy_for("07_cifar10_cnn_vs_dense")["make_cnn"]
    assert "torch.serialization.load" in policy.attributes
    assert "torch.utils.model_zoo" in policy.modules
    assert not [m for m in policy.modules if m in ("torch", "torch.serialization", "torch.jit")]
    assert zygote_part(policy) == Policy()
    assert zygote_part(policy_for("02_padding_stride")["conv2d"]).modules == ("torch",)
