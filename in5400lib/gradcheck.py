"""Numerical gradient checks for hand-written backward passes (as in cs231n).

A backward pass is easy to get almost right. The check compares it with the
derivative measured directly: nudge one input value by ``+h`` and ``-h``, run the
forward pass twice, and take the centred difference

    d L / d x[i]  ~  (L(x + h e_i) - L(x - h e_i)) / (2 h),

where the scalar ``L = sum(f(x) * dout)`` is what makes ``dout`` the upstream gradient.
The centred difference has an error of order ``h**2``, so with ``h = 1e-5`` in float64 a
correct backward pass agrees to about 1e-8 or better (relative error), and a wrong one
usually shows errors near 1::

    dx_num = numerical_gradient_array(lambda x: f(x, w), x, dout)
    dx, dw = backward(dout, x, w)
    print(f"dx relative error: {rel_error(dx, dx_num):.2e}")

The check costs two forward passes per input value: use it on tiny inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from in5400lib.testing import rel_error

__all__ = ["numerical_gradient_array", "gradient_errors", "rel_error", "GOOD_REL_ERROR"]

#: Relative errors below this count as "the backward pass agrees" in float64.
GOOD_REL_ERROR = 1e-7


def numerical_gradient_array(
    f: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    dout: np.ndarray,
    h: float = 1e-5,
) -> np.ndarray:
    """Centred-difference gradient of ``sum(f(x) * dout)`` with respect to ``x``.

    Args:
        f: a function of one array, ``x`` of any shape, returning an array of the shape of
            ``dout`` (usually a forward pass with every other argument fixed).
        x: the point where the gradient is measured, any shape; float64 is best. It is
            changed during the call (one value at a time) and restored before returning.
        dout: the upstream gradient, shape of ``f(x)``.
        h: the step.

    Returns:
        An array of the shape of ``x``: entry ``i`` is
        ``sum((f(x + h e_i) - f(x - h e_i)) * dout) / (2 h)``.
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError("x must be a float numpy array (it is nudged in place)")
    dout = np.asarray(dout, dtype=np.float64)
    grad = np.zeros(x.shape, dtype=np.float64)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        plus = np.asarray(f(x), dtype=np.float64)
        x[index] = old - h
        minus = np.asarray(f(x), dtype=np.float64)
        x[index] = old
        if plus.shape != dout.shape:
            raise ValueError(f"f(x) has shape {plus.shape} but dout has shape {dout.shape}")
        grad[index] = np.sum((plus - minus) * dout) / (2 * h)
    return grad


def gradient_errors(
    analytic: Mapping[str, np.ndarray],
    numeric: Mapping[str, np.ndarray],
    *,
    verbose: bool = True,
) -> dict[str, float]:
    """Relative error (``rel_error``, as cs231n prints it) of each analytic gradient.

    Args:
        analytic: ``{name: gradient}`` from the backward pass, e.g. ``{"dx": dx, "dw": dw}``.
        numeric: ``{name: gradient}`` from ``numerical_gradient_array``, same names and shapes.
        verbose: print one line per gradient, e.g. ``dx relative error: 3.1e-11 (agrees)``.

    Returns:
        ``{name: relative error}``.
    """
    errors = {}
    for name, grad in analytic.items():
        grad = np.asarray(grad, dtype=np.float64)
        expected = np.asarray(numeric[name], dtype=np.float64)
        if grad.shape != expected.shape:
            raise ValueError(f"{name}: shape {grad.shape}, but the numeric one is {expected.shape}")
        errors[name] = rel_error(grad, expected)
        if verbose:
            verdict = "agrees" if errors[name] < GOOD_REL_ERROR else "WRONG"
            print(f"{name} relative error: {errors[name]:.1e} ({verdict})")
    return errors
