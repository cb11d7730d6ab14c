"""The per-exercise policy: what an answer names, resolved from its source on the grader's side."""

from pathlib import Path
from textwrap import dedent

import nbformat
import pytest

from autograder.course import available_notebooks, solutions_dir
from autograder.grading.policy import (
    Exercises,
    Judgement,
    Rule,
    apply_verdicts,
    check_notebook,
    exercises,
    load_policy,
    parse_policy,
    police_results,
)
from autograder.grading.resolve import analyse
from autograder.grading.results import Result

CORPUS = Path(__file__).parent / "corpus"
POLICY = load_policy(solutions_dir())

NUMPY_SETUP = dedent(
    """
    import numpy as np

    from in5400lib.testing import check_close, forbid_torch
    %matplotlib inline
    """
)
TORCH_SETUP = (
    "import numpy as np\nimport torch\nimport torch.nn.functional as F\nfrom torch import nn\n\n"
    "def torch_conv2d(x, w, stride=1, padding=0, groups=1):\n"
    "    out = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), stride=stride, groups=groups)\n"
    "    return out.numpy()\n"
)
#: The honest answers of two other cells that the tested cell may call.
OWN = [
    ("output_size", "def output_size(n, f, p=0, s=1, d=1):\n    return (n - f + 2 * p) // s + 1\n"),
    (
        "zero_pad",
        "def zero_pad(x, p):\n    return np.pad(x, [(0, 0)] * (x.ndim - 2) + [(p, p)] * 2)\n",
    ),
]


def violations(source, notebook="02_padding_stride", grade_id="conv2d", setup=NUMPY_SETUP, own=OWN):
    """The violation messages of ``source`` as the answer cell ``grade_id``."""
    cells = Exercises([setup], [*own, (grade_id, source)], {}, {})
    return check_notebook(POLICY, notebook, cells)[grade_id].violations


def review(source, setup=NUMPY_SETUP):
    cells = Exercises([setup], [*OWN, ("conv2d", source)], {}, {})
    return check_notebook(POLICY, "02_padding_stride", cells)["conv2d"].review


def uses(source, setup=NUMPY_SETUP):
    """The qualified names the answer cell ``conv2d`` reaches."""
    found = analyse([setup], [*OWN, ("conv2d", source)])["conv2d"]
    return {finding.what for finding in found.uses}


def body(*lines):
    """An answer cell: the given module-level lines, then ``def conv2d`` returning the last one."""
    *top, result = lines
    return "\n".join(
        [*top, "", "def conv2d(x, w, b=None, stride=1, padding=0):", f"    return {result}", ""]
    )


# --------------------------------------------------------------------------- refused spellings

REFUSED = {
    "library import alias": (
        body("from in5400lib.conv import conv2d as fast", "fast(x, w)"),
        "in5400lib.conv.conv2d",
    ),
    "library rebinds the graded name": (
        "from in5400lib.conv import conv2d\n",
        "in5400lib.conv.conv2d",
    ),
    "library module alias": (
        body("import in5400lib.conv as c", "c.conv2d(x, w)"),
        "in5400lib.conv.conv2d",
    ),
    "library full chain": (
        body("import in5400lib.conv", "in5400lib.conv.conv2d(x, w)"),
        "in5400lib.conv.conv2d",
    ),
    "library name bound by assignment": (
        body("from in5400lib import conv", "c = conv.conv2d", "c(x, w)"),
        "in5400lib.conv.conv2d",
    ),
    "torch functional": (
        body("import torch", "torch.nn.functional.conv2d(x, w)"),
        "torch.nn.functional.conv2d",
    ),
    "torch functional alias": (
        body("import torch.nn.functional as F", "F.conv2d(x, w)"),
        "torch.nn.functional.conv2d",
    ),
    "torch module assigned": (
        body("import torch", "F = torch.nn.functional", "F.conv2d(x, w)"),
        "torch.nn.functional.conv2d",
    ),
    "torch top level": (body("import torch", "torch.conv2d(x, w)"), "torch.conv2d"),
    "torch._C._nn": (
        body("import torch", "torch._C._nn.im2col(x, [2, 2], [1, 1], [0, 0], [1, 1])"),
        "torch._C._nn.im2col",
    ),
    "torch.ops.aten": (
        body(
            "from torch import ops",
            "ops.aten.convolution(x, w, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1)",
        ),
        "torch.ops.aten.convolution",
    ),
    "F.unfold": (
        body("from torch.nn import functional as nnf", "nnf.unfold(x, 3)"),
        "torch.nn.functional.unfold",
    ),
    "scipy.signal": (
        body("import scipy.signal", "scipy.signal.correlate2d(x, w)"),
        "scipy.signal.correlate2d",
    ),
    "scipy.ndimage": (
        body("from scipy import ndimage as nd", "nd.correlate(x, w)"),
        "scipy.ndimage.correlate",
    ),
    "getattr with literals": (
        body("import torch", "getattr(getattr(torch, 'nn'), 'functional').conv2d(x, w)"),
        "torch.nn.functional.conv2d",
    ),
    "getattr with a built string": (
        body("import torch", "getattr(torch.nn.functional, 'con' + 'v2d')(x, w)"),
        "torch.nn.functional.conv2d",
    ),
    "getattr with a joined and reversed string": (
        body(
            "import torch",
            "name = ''.join(['d2', 'vnoc'])[::-1]",
            "getattr(torch.nn.functional, name)(x, w)",
        ),
        "torch.nn.functional.conv2d",
    ),
    "getattr with an f-string": (
        body("import torch", "kind = 'conv'", "getattr(torch, f'{kind}2d')(x, w)"),
        "torch.conv2d",
    ),
    "__import__ with fromlist": (
        body("__import__('torch.nn.functional', fromlist=['conv2d']).conv2d(x, w)"),
        "torch.nn.functional.conv2d",
    ),
    "__import__ of the root": (
        body("__import__('torch').nn.functional.conv2d(x, w)"),
        "torch.nn.functional.conv2d",
    ),
    "importlib.import_module": (
        body("import importlib", "importlib.import_module('in5400lib.conv').conv2d(x, w)"),
        "in5400lib.conv.conv2d",
    ),
    "import_module imported by name": (
        body("from importlib import import_module as load", "load('in5400lib.conv').conv2d(x, w)"),
        "in5400lib.conv.conv2d",
    ),
    "operator.attrgetter": (
        body("import operator, torch", "operator.attrgetter('nn.functional.conv2d')(torch)(x, w)"),
        "torch.nn.functional.conv2d",
    ),
    "eval of a literal": (
        body("import torch", "eval('torch.nn.functional.conv2d')(x, w)"),
        "torch.nn.functional.conv2d",
    ),
    "exec of a literal import": (
        body("exec('from in5400lib.conv import conv2d as fast')", "fast(x, w)"),
        "in5400lib.conv.conv2d",
    ),
    "sys.modules with a literal key": (
        body("import sys", "sys.modules['in5400lib.conv'].conv2d(x, w)"),
        "in5400lib.conv.conv2d",
    ),
    "sys.modules.get": (
        body("import sys", "sys.modules.get('torch').conv2d(x, w)"),
        "torch.conv2d",
    ),
    "os.sys.modules": (body("import os", "os.sys.modules['torch'].conv2d(x, w)"), "torch.conv2d"),
    "globals() with a literal key": (
        body("import torch.nn.functional as nnf", "globals()['nnf'].conv2d(x, w)"),
        "torch.nn.functional.conv2d",
    ),
    "vars of a module": (
        body("import torch", "vars(torch.nn.functional)['conv2d'](x, w)"),
        "torch.nn.functional.conv2d",
    ),
    "a module's __dict__": (
        body("import torch", "torch.nn.functional.__dict__['conv2d'](x, w)"),
        "torch.nn.functional.conv2d",
    ),
    "tuple unpacking": (
        body("import torch", "a, fast = 1, torch.nn.functional.conv2d", "fast(x, w)"),
        "torch.nn.functional.conv2d",
    ),
    "a container": (
        body("import torch", "kernels = [torch.conv2d]", "kernels[0](x, w)"),
        "torch.conv2d",
    ),
    "a lambda": ("import torch\nconv2d = lambda x, w, **kw: torch.conv2d(x, w)\n", "torch.conv2d"),
    "a default argument": (
        "import torch\n\ndef conv2d(x, w, b=None, stride=1, padding=0, f=torch.conv2d):\n"
        "    return f(x, w)\n",
        "torch.conv2d",
    ),
    "an import inside the function": (
        "def conv2d(x, w, b=None, stride=1, padding=0):\n"
        "    from torch import conv2d as c\n    return c(x, w)\n",
        "torch.conv2d",
    ),
    "a local used before the line that binds it": (
        "import torch\n\ndef conv2d(x, w, b=None, stride=1, padding=0):\n"
        "    for step in range(2):\n        if step:\n            return f(x, w)\n"
        "        f = torch.conv2d\n",
        "torch.conv2d",
    ),
    "a helper in the same cell": (
        "import torch\n\ndef _fast(x, w):\n    return torch.conv2d(x, w)\n\n"
        "def conv2d(x, w, b=None, stride=1, padding=0):\n    return _fast(x, w)\n",
        "torch.conv2d",
    ),
    "a closure bound through nonlocal": (
        dedent(
            """
            import torch

            def conv2d(x, w, b=None, stride=1, padding=0):
                f = None

                def pick():
                    nonlocal f
                    f = torch.conv2d

                pick()
                return f(x, w)
            """
        ),
        "torch.conv2d",
    ),
    "a global bound inside a function": (
        dedent(
            """
            import in5400lib.conv

            def _load():
                global fast
                fast = in5400lib.conv.conv2d

            def conv2d(x, w, b=None, stride=1, padding=0):
                _load()
                return fast(x, w)
            """
        ),
        "in5400lib.conv.conv2d",
    ),
    "a class with __call__": (
        "import torch\n\nclass _Conv:\n    def __call__(self, x, w):\n"
        "        return torch.conv2d(x, w)\n\nconv2d = _Conv()\n",
        "torch.conv2d",
    ),
    "the guard switched off": (
        body("import in5400lib.testing as t", "t.FORBIDDEN_TORCH = ()", "0"),
        "in5400lib.testing.FORBIDDEN_TORCH",
    ),
    "the guard's counter patched by setattr": (
        body("import in5400lib.testing", "setattr(in5400lib.testing, '_forbid_depth', -9)", "0"),
        "in5400lib.testing._forbid_depth",
    ),
    "a torch function patched back": (
        body("import torch", "torch.nn.functional.conv2d = torch.conv2d", "0"),
        "torch.nn.functional.conv2d",
    ),
}


@pytest.mark.parametrize("source, name", REFUSED.values(), ids=REFUSED.keys())
def test_refused_spellings_are_resolved(source, name):
    found = violations(source)
    assert any(m.startswith("conv2d: uses ") and f" {name} (" in m for m in found), found


def test_message_names_the_function_the_name_and_why():
    (message,) = violations(body("from in5400lib.conv import conv2d as fast", "fast(x, w)"))[:1]
    assert message == (
        "conv2d: uses in5400lib.conv.conv2d (line 1), which the exercise asks you to write yourself"
    )


def test_refused_names_are_listed_together_by_reason():
    source = body(
        "import torch, in5400lib.conv",
        "torch.a(torch.b(torch.c(torch.d(torch.e(in5400lib.conv.conv2d(x, w))))))",
    )
    assert violations(source) == [
        "conv2d: uses torch.a (line 4 in conv2d), torch.b (line 4 in conv2d), torch.c (line 4 in"
        " conv2d) and 2 more, which this numpy exercise asks you to do without",
        "conv2d: uses in5400lib.conv.conv2d (line 4 in conv2d), which the exercise asks you to"
        " write yourself",
    ]


def test_setup_names_are_resolved():
    # 05's setup imports torch as F; the answer cell uses it without importing anything
    found = violations(
        "def depthwise_conv2d(x, w, stride=1, padding=0):\n"
        "    return F.conv2d(x, w, groups=x.shape[1])\n",
        notebook="05_separable_conv",
        grade_id="depthwise_conv2d",
        setup=TORCH_SETUP,
        own=[],
    )
    assert any("uses torch.nn.functional.conv2d (line 2 in depthwise_conv2d)" in m for m in found)


def test_functions_of_setup_cells_are_followed():
    found = violations(
        "def depthwise_conv2d(x, w, stride=1, padding=0):\n"
        "    return torch_conv2d(x, w, groups=3)\n",
        notebook="05_separable_conv",
        grade_id="depthwise_conv2d",
        setup=TORCH_SETUP,
        own=[],
    )
    assert any(
        "torch.nn.functional.conv2d (line 7 in torch_conv2d, a setup cell)" in m for m in found
    )


def test_names_bound_in_another_answer_cell_are_resolved():
    own = [
        (
            "zero_pad",
            "from in5400lib import conv\nfast = conv.conv2d\n\ndef zero_pad(x, p):\n    return x\n",
        )
    ]
    found = violations(body("fast(x, w)"), own=own)
    assert any("uses in5400lib.conv.conv2d (line 3 in conv2d)" in m for m in found)


def test_helpers_hidden_in_another_graded_function_are_followed():
    # the forbidden call hides in zero_pad behind an extra argument; conv2d loses its points too
    own = [
        (
            "zero_pad",
            "import torch\n\ndef zero_pad(x, p, w=None):\n"
            "    return torch.conv2d(x, w) if w is not None else x\n",
        )
    ]
    found = violations(body("zero_pad(x, 0, w)"), own=own)
    assert any("torch.conv2d (line 4 in zero_pad, answer cell zero_pad)" in m for m in found)


def test_a_shadowed_setup_name_is_not_the_setup_value():
    # 05's setup binds F to torch.nn.functional; a local F (a filter size) is a number
    source = (
        "import numpy as np\n\ndef depthwise_conv2d(x, w, stride=1, padding=0):\n"
        "    F = w.shape[2]\n    pick = lambda F: F + 1\n"
        "    return np.zeros((F, pick(F))) + sum(F for F in range(F))\n"
    )
    found = violations(
        source, notebook="05_separable_conv", grade_id="depthwise_conv2d", setup=TORCH_SETUP, own=[]
    )
    assert found == []


def test_an_allowed_name_does_not_open_what_lies_behind_it():
    source = (
        "from in5400lib.models import Residual\n\ndef make_cnn():\n"
        "    load = Residual.__init__.__globals__['load_reference_cnn']\n    return load()[0]\n"
    )
    cells = Exercises([TORCH_SETUP], [("make_cnn", source)], {}, {})
    verdict = check_notebook(POLICY, "07_cifar10_cnn_vs_dense", cells)["make_cnn"]
    assert any("Residual.__init__.__globals__" in m for m in verdict.violations)
    assert any("__globals__" in m for m in verdict.review)


# --------------------------------------------------------------------------- honest code

HONEST = {
    "sliding_window_view and einsum": body(
        "import numpy as np",
        "from numpy.lib.stride_tricks import sliding_window_view",
        "np.einsum('nchwij,fcij->nfhw', sliding_window_view(x, (2, 2), axis=(2, 3)), w)",
    ),
    "np.lib.stride_tricks by attribute": body(
        "import numpy as np", "np.lib.stride_tricks.as_strided(x, (1,), (8,))"
    ),
    "np.add.at": body("import numpy as np", "np.add.at(np.zeros(3), [0, 0], 1.0)"),
    "loops and a helper": dedent(
        """
        import numpy as np

        def _window(x, i, j, f_h, f_w):
            return x[:, :, i : i + f_h, j : j + f_w]

        def conv2d(x, w, b=None, stride=1, padding=0):
            x = zero_pad(x, padding)
            h = output_size(x.shape[2], w.shape[2], s=stride)
            out = np.zeros((x.shape[0], w.shape[0], h, h))
            for i in range(h):
                for j in range(h):
                    window = _window(x, i, j, *w.shape[2:])
                    out[:, :, i, j] = np.einsum("nchw,fchw->nf", window, w)
            return out
        """
    ),
    "a debug picture": body("from in5400lib.plotting import show_matrices", "show_matrices([x])"),
    "a torch annotation-free numpy answer with a name like torch's": body(
        "import numpy as np", "conv = np.convolve", "conv(x, w)"
    ),
}


@pytest.mark.parametrize("source", HONEST.values(), ids=HONEST.keys())
def test_honest_code_is_not_flagged(source):
    assert violations(source) == []
    assert review(source) == []


def test_make_cnn_may_use_residual_and_torch():
    source = (
        "def make_cnn():\n    def block(c_in, c_out):\n"
        "        return [nn.Conv2d(c_in, c_out, 3, padding=1), nn.BatchNorm2d(c_out), nn.ReLU()]\n"
        "    return nn.Sequential(*block(3, 8), Residual(*block(8, 8)), nn.Conv2d(8, 10, 1),\n"
        "                         nn.AdaptiveAvgPool2d(1), nn.Flatten())\n"
    )
    setup = TORCH_SETUP + "from in5400lib.models import Residual, load_reference_cnn\n"
    cells = Exercises([setup], [("make_cnn", source)], {}, {})
    verdict = check_notebook(POLICY, "07_cifar10_cnn_vs_dense", cells)["make_cnn"]
    assert verdict.violations == [] and verdict.review == []


@pytest.mark.parametrize(
    "source, name",
    [
        (
            "def make_cnn():\n    return load_reference_cnn()[0]\n",
            "in5400lib.models.load_reference_cnn",
        ),
        ("def make_cnn():\n    return torch.load('cnn.pt', weights_only=False)\n", "torch.load"),
        ("import pickle\n\ndef make_cnn():\n    return pickle.loads(b'')\n", "pickle.loads"),
        ("def make_cnn():\n    return torch.jit.load('cnn.pt')\n", "torch.jit.load"),
        ("def make_cnn():\n    return open('cnn.pt', 'rb')\n", "builtins.open"),
    ],
)
def test_make_cnn_may_not_load_a_model(source, name):
    setup = TORCH_SETUP + "from in5400lib.models import Residual, load_reference_cnn\n"
    cells = Exercises([setup], [("make_cnn", source)], {}, {})
    found = check_notebook(POLICY, "07_cifar10_cnn_vs_dense", cells)["make_cnn"].violations
    assert any(f" {name} (" in message for message in found), found


# --------------------------------------------------------------------------- dynamic access

DYNAMIC = {
    "getattr with a computed name": (
        body("import numpy as np", "getattr(np, input())(x)"),
        "getattr with a computed",
    ),
    "exec of a built string": (
        body("exec(open('a.py').read())", "0"),
        "runs code built at run time",
    ),
    "eval of a built string": (body("eval(input())"), "runs code built at run time"),
    "sys.modules as a whole": (
        body("import sys", "list(sys.modules.values())"),
        "uses sys.modules as a whole",
    ),
    "sys.modules with a computed key": (
        body("import sys", "sys.modules[input()]"),
        "looks up a computed name",
    ),
    "globals()": (body("globals().update({})"), "uses globals() as a whole"),
    "vars()": (body("vars()"), "uses globals() as a whole"),
    "__builtins__": (body("__builtins__"), "uses __builtins__"),
    "importlib with a computed name": (
        body("import importlib", "importlib.import_module(input())"),
        "imports a module by a computed name",
    ),
    "gc": (body("import gc", "gc.get_objects()"), "reaches gc.get_objects"),
    "ctypes": (body("import ctypes", "ctypes.pythonapi"), "reaches ctypes.pythonapi"),
    "inspect frames": (
        body("import inspect", "inspect.currentframe().f_back.f_globals"),
        "reaches inspect.currentframe",
    ),
    "a function's __globals__": (body("conv2d.__globals__"), "uses .__globals__"),
    "getattr passed around": (
        body("import functools, torch", "functools.reduce(getattr, ['nn'], torch)"),
        "passes getattr around",
    ),
    "the class graph": (body("().__class__.__base__.__subclasses__()"), "uses .__subclasses__"),
}


@pytest.mark.parametrize("source, what", DYNAMIC.values(), ids=DYNAMIC.keys())
def test_dynamic_access_is_reported_for_review(source, what):
    found = review(source)
    assert any(what in message for message in found), found


def test_dynamic_access_alone_is_no_violation():
    assert violations(body("import numpy as np", "getattr(np, input())(x)")) == []


# --------------------------------------------------------------------------- the table


def test_rule_longest_entry_wins_and_deny_wins_ties():
    rule = Rule(
        deny=(("in5400lib", "no"), ("in5400lib.models.load", "no load")),
        allow=("in5400lib.models",),
    )
    assert rule.refusal("in5400lib.conv.conv2d") == "no"
    assert rule.refusal("in5400lib.models.Residual") is None
    assert rule.refusal("in5400lib.models.load") == "no load"
    assert rule.refusal("in5400lib.models._private") == "no"
    assert rule.refusal("numpy.einsum") is None
    assert Rule(deny=(("torch", "a"),), allow=("torch",)).refusal("torch.nn") == "a"
    assert rule.refusal("in5400libx") is None  # a prefix is a whole component


def test_policy_rejects_unknown_groups_and_keys():
    with pytest.raises(ValueError, match="unknown group"):
        parse_policy("[exercises.a]\nb = { deny = ['nope'] }\n")
    with pytest.raises(ValueError, match="unknown keys"):
        parse_policy("[exercises.a]\nb = { denied = [] }\n")


@pytest.mark.parametrize("name", available_notebooks())
def test_every_answer_has_a_rule_and_the_solution_keeps_it(name):
    solution = nbformat.read(solutions_dir() / f"{name}.ipynb", as_version=4)
    cells = exercises(solution)
    assert set(cells.names) <= set(POLICY.rules(name)), "answer cells without a policy entry"
    for grade_id, verdict in check_notebook(POLICY, name, cells).items():
        assert verdict.violations == [] and verdict.review == [], (grade_id, verdict)


@pytest.mark.parametrize("name", available_notebooks())
def test_every_test_cell_belongs_to_the_answer_it_follows(name):
    solution = nbformat.read(solutions_dir() / f"{name}.ipynb", as_version=4)
    cells = exercises(solution)
    for grade_id, tests in cells.tests.items():
        assert tests, f"{grade_id} has no test cells"
        for test in tests:
            assert test.startswith("test_"), test


def _corpus(kind):
    return list(_corpus_files(kind))


def _corpus_files(kind):
    for path in sorted(CORPUS.glob(f"*/*/{kind}_*.py")):
        yield pytest.param(path, id=f"{path.parts[-3]}/{path.parts[-2]}/{path.stem}")


def _verdict(path):
    notebook, grade_id = path.parts[-3], path.parts[-2]
    solution = nbformat.read(solutions_dir() / f"{notebook}.ipynb", as_version=4)
    cells = exercises(solution)
    answers = [(g, path.read_text() if g == grade_id else s) for g, s in cells.answers]
    cells = Exercises(cells.setup, answers, cells.names, cells.tests)
    return check_notebook(POLICY, notebook, cells)[grade_id], cells.names[grade_id]


@pytest.mark.parametrize("path", _corpus("variant"))
def test_variants_use_nothing_refused(path):
    verdict, _ = _verdict(path)
    assert verdict.violations == []


@pytest.mark.parametrize("path", _corpus("shortcut"))
def test_shortcuts_are_refused_with_the_function_named(path):
    verdict, name = _verdict(path)
    assert verdict.violations, path.read_text()
    assert all(message.startswith(f"{name}: uses ") for message in verdict.violations)


# --------------------------------------------------------------------------- grades


def _result(status="ok"):
    cells = {
        "test_conv2d_shape": [1.0, 1.0],
        "test_conv2d_bias": [1.0, 1.0],
        "test_other": [2.0, 2.0],
    }
    return Result("ada", "02_padding_stride", 4.0, 4.0, status, "", cells)


TESTS = {"conv2d": ["test_conv2d_shape", "test_conv2d_bias"], "other": ["test_other"]}


def test_a_violation_costs_every_test_cell_of_its_exercise_only():
    result = _result()
    verdicts = {
        "conv2d": Judgement(violations=["conv2d: uses x (line 1), why", "conv2d: uses y, a"])
    }
    apply_verdicts(result, verdicts, TESTS)
    assert result.cells == {
        "test_conv2d_shape": [0.0, 1.0],
        "test_conv2d_bias": [0.0, 1.0],
        "test_other": [2.0, 2.0],
    }
    assert result.score == 2.0
    assert result.status == "shortcut"
    assert result.detail == "conv2d: uses x (line 1), why; conv2d: uses y, a"
    assert result.review == []


def test_dynamic_access_is_noted_without_costing_points():
    result = _result()
    apply_verdicts(result, {"other": Judgement(review=["other: uses globals() (line 2)"])}, TESTS)
    assert (result.score, result.status, result.review) == (
        4.0,
        "ok",
        ["other: uses globals() (line 2)"],
    )
    assert "to review" in result.detail


@pytest.mark.parametrize("status, expected", [("tampered", "tampered"), ("timeout", "shortcut")])
def test_tampered_outranks_shortcut(status, expected):
    result = _result(status)
    apply_verdicts(result, {"conv2d": Judgement(violations=["conv2d: uses x"])}, TESTS)
    assert result.status == expected


def test_police_results_reads_the_submitted_notebook(tmp_path):
    solution = nbformat.read(solutions_dir() / "02_padding_stride.ipynb", as_version=4)
    for cell in solution.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "conv2d":
            cell.source = (
                CORPUS / "02_padding_stride/conv2d/shortcut_library_alias.py"
            ).read_text()
    path = tmp_path / "02_padding_stride.ipynb"
    nbformat.write(solution, path)
    info = exercises(nbformat.read(solutions_dir() / "02_padding_stride.ipynb", as_version=4))
    cells = {test: [1.0, 1.0] for tests in info.tests.values() for test in tests}
    result = Result("ada", "02_padding_stride", len(cells), len(cells), "ok", "", cells)
    police_results([result], {("ada", "02_padding_stride"): path}, solutions_dir())
    assert result.status == "shortcut"
    assert result.score == len(cells) - len(info.tests["conv2d"])
    assert result.detail.startswith("conv2d: uses in5400lib.conv.conv2d (line 3)")
