"""Helpers for the notebooks' public and hidden tests.

Every check raises ``AssertionError`` with a message written for a student:
what was expected, what came back, and where to look. They are plain
functions, so a test cell reads like a list of facts::

    out = corr2d(x, w)
    check_shape(out, (2, 2), hint="check the output-size formula H - F_h + 1")
    check_close(out, [[27, 33], [28, 27]])

``forbid_torch()`` is a context manager that makes torch's convolution and
pooling functions raise while a numpy exercise runs, so an answer cannot
quietly call the library it is meant to re-implement.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

__all__ = [
    "rel_error",
    "check_type",
    "check_shape",
    "check_close",
    "check_equal",
    "check_raises",
    "forbid_torch",
    "forbidding",
    "ForbiddenCallError",
    "refusal",
]


def rel_error(x: Any, y: Any) -> float:
    """Largest relative error between two arrays: max |x - y| / max(1e-8, |x| + |y|)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.shape != y.shape:
        raise ValueError(f"rel_error needs equal shapes, got {x.shape} and {y.shape}")
    if x.size == 0:
        return 0.0
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def _with_hint(message: str, hint: str | None) -> str:
    return f"{message}: {hint}" if hint else message


def check_type(value: Any, expected: type | tuple[type, ...], name: str = "the result") -> None:
    """Assert ``isinstance(value, expected)`` with a message naming both types."""
    if not isinstance(value, expected):
        names = (
            " or ".join(t.__name__ for t in expected)
            if isinstance(expected, tuple)
            else expected.__name__
        )
        raise AssertionError(f"{name} should be a {names}, got {type(value).__name__}")


def check_shape(value: Any, expected: Sequence[int], hint: str | None = None) -> None:
    """Assert that ``value`` is an array (or array-like) of shape ``expected``."""
    if not hasattr(value, "shape"):
        raise AssertionError(
            f"expected an array of shape {tuple(expected)}, got {type(value).__name__}"
            " (did the function return anything?)"
        )
    shape = tuple(int(n) for n in value.shape)
    if shape != tuple(expected):
        raise AssertionError(_with_hint(f"expected shape {tuple(expected)}, got {shape}", hint))


def check_close(
    value: Any,
    expected: Any,
    hint: str | None = None,
    rtol: float = 1e-6,
    atol: float = 1e-8,
) -> None:
    """Assert that ``value`` matches ``expected`` elementwise (shape first, then values).

    The message reports the first mismatching index, both values and the
    largest relative error, e.g. ``at index (0, 1): expected 33.0, got 31.0``.
    """
    expected = np.asarray(expected, dtype=np.float64)
    if value is None:
        raise AssertionError("got None: did the function forget to return its result?")
    check_shape(np.asarray(value), expected.shape, hint)
    got = np.asarray(value, dtype=np.float64)
    bad = ~np.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=False)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        where = f" at index {index}" if index else ""
        message = (
            f"{int(bad.sum())} of {bad.size} values differ{where}: "
            f"expected {expected[index]:.6g}, got {got[index]:.6g} "
            f"(relative error {rel_error(got, expected):.2e})"
        )
        raise AssertionError(_with_hint(message, hint))


def check_equal(
    value: Any, expected: Any, name: str = "the result", hint: str | None = None
) -> None:
    """Assert ``value == expected`` for plain values (ints, tuples, lists of ints)."""
    if isinstance(value, np.generic):
        value = value.item()
    bool_for_number = type(value) is bool and not isinstance(expected, bool)
    if bool_for_number or not _plain_equal(value, expected):
        raise AssertionError(_with_hint(f"{name}: expected {expected!r}, got {value!r}", hint))


def _plain_equal(value: Any, expected: Any) -> bool:
    """Equality that an object with a rigged ``__eq__`` cannot satisfy."""
    if isinstance(expected, bool):
        return type(value) is bool and value is expected
    if isinstance(expected, int):
        return isinstance(value, int | np.integer) and int(value) == expected
    if isinstance(expected, float):
        return isinstance(value, int | float | np.number) and float(value) == expected
    if isinstance(expected, str):
        return isinstance(value, str) and str.__eq__(value, expected) is True
    if isinstance(expected, list | tuple):
        return (
            isinstance(value, list | tuple)
            and len(value) == len(expected)
            and all(_plain_equal(v, e) for v, e in zip(value, expected, strict=True))
        )
    raise TypeError(f"check_equal compares ints, floats, strings and sequences, not {expected!r}")


def check_raises(
    exception: type[BaseException],
    func: Callable[..., Any],
    *args: Any,
    hint: str | None = None,
    **kwargs: Any,
) -> BaseException:
    """Assert that ``func(*args, **kwargs)`` raises ``exception``; return the exception."""
    call = f"{getattr(func, '__name__', 'the function')}({_describe_args(args, kwargs)})"
    try:
        result = func(*args, **kwargs)
    except exception as error:
        return error
    except Exception as error:  # noqa: BLE001 - we report the wrong exception type
        raise AssertionError(
            _with_hint(
                f"{call} raised {type(error).__name__}({error}), expected {exception.__name__}",
                hint,
            )
        ) from None
    raise AssertionError(
        _with_hint(f"{call} should raise {exception.__name__}, but returned {_short(result)}", hint)
    )


def _short(value: Any) -> str:
    if hasattr(value, "shape"):
        return f"an array of shape {tuple(value.shape)}"
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."


def _describe_args(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    parts = [_short(a) if hasattr(a, "shape") else repr(a) for a in args]
    parts += [f"{k}={_short(v) if hasattr(v, 'shape') else repr(v)}" for k, v in kwargs.items()]
    text = ", ".join(parts)
    return text.replace("an array of shape ", "array ")


class ForbiddenCallError(RuntimeError):
    """Raised when an exercise calls a library function it is meant to re-implement."""


def refusal(name: str, exercise: str) -> str:
    """The message for a forbidden call or import, the same in the notebook and in the grader."""
    if name.split(".")[0] in ("torch", "scipy"):
        how = "write it with numpy (the point is to build it yourself)"
        return f"{name} is not allowed in {exercise}: {how}"
    return f"{name} is not allowed in {exercise}: the point is to build it yourself"


#: Functions that ``forbid_torch`` disables, as ``(module, attribute)`` pairs.
FORBIDDEN_TORCH = (
    ("torch", "conv2d"),
    ("torch", "conv1d"),
    ("torch", "max_pool2d"),
    ("torch", "avg_pool2d"),
    ("torch", "conv_transpose2d"),
    ("torch.nn.functional", "conv1d"),
    ("torch.nn.functional", "conv2d"),
    ("torch.nn.functional", "conv_transpose2d"),
    ("torch.nn.functional", "max_pool2d"),
    ("torch.nn.functional", "avg_pool2d"),
    ("torch.nn.functional", "max_pool2d_with_indices"),
    ("torch.nn.functional", "adaptive_max_pool2d"),
    ("torch.nn.functional", "adaptive_avg_pool2d"),
    ("torch.nn.functional", "unfold"),
    ("torch.nn.functional", "fold"),
    ("in5400lib.conv", "conv2d"),
    ("scipy.signal", "correlate2d"),
    ("scipy.signal", "convolve2d"),
    ("scipy.signal", "correlate"),
    ("scipy.signal", "convolve"),
    ("scipy.signal", "fftconvolve"),
    ("scipy.ndimage", "correlate"),
    ("scipy.ndimage", "convolve"),
)


_forbid_depth = 0


def forbidding() -> bool:
    """Whether a ``forbid_torch()`` block is active (the grader passes this on to its sandbox)."""
    return _forbid_depth > 0


@contextlib.contextmanager
def forbid_torch(exercise: str = "this exercise") -> Iterator[None]:
    """Make torch's (and scipy's) convolution and pooling functions raise inside the block.

    Only modules that are already imported are patched (the guard never
    imports torch itself), and every function is restored on exit, also when
    the block raises.
    """
    import sys

    global _forbid_depth
    saved: list[tuple[Any, str, Any]] = []

    def refuse(name: str) -> Callable[..., Any]:
        def refused(*args: Any, **kwargs: Any) -> Any:
            raise ForbiddenCallError(refusal(name, exercise))

        return refused

    try:
        for module_name, attribute in FORBIDDEN_TORCH:
            if module_name.split(".")[0] not in sys.modules:
                continue
            try:
                module = importlib.import_module(module_name)
            except Exception:  # noqa: BLE001 - not installed, or refused: cannot be called then
                continue
            if hasattr(module, attribute):
                saved.append((module, attribute, getattr(module, attribute)))
                setattr(module, attribute, refuse(f"{module_name}.{attribute}"))
        _forbid_depth += 1
        try:
            yield
        finally:
            _forbid_depth -= 1
    finally:
        for module, attribute, original in reversed(saved):
            setattr(module, attribute, original)
