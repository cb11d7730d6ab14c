"""Gets the flipped-kernel convolution from torch through getattr with built strings."""
import numpy as np

nn_functional = getattr(__import__("torch"), "nn").functional


def conv2d_flip(x, w):
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)[::-1, ::-1].copy()
    if x.ndim != 2 or w.ndim != 2:
        raise ValueError(f"x and w must be 2-D, got shapes {x.shape} and {w.shape}")
    if w.shape[0] > x.shape[0] or w.shape[1] > x.shape[1]:
        raise ValueError(f"kernel {w.shape} is larger than the input {x.shape}")
    tensor = getattr(__import__("torch"), "from_" + "numpy")
    out = getattr(nn_functional, "con" + "v2d")(tensor(x)[None, None], tensor(w)[None, None])
    return out[0, 0].numpy()
