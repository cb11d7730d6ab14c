"""Lets torch's autograd route the gradient through an aten max-pool."""
import numpy as np
import torch


def max_pool2d_backward(dout, x, size, stride=None):
    stride = size if stride is None else stride
    x = torch.tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
    out, _ = torch.ops.aten.max_pool2d_with_indices(x, [size, size], [stride, stride])
    out.backward(torch.from_numpy(np.asarray(dout, dtype=np.float64)))
    return x.grad.numpy()
