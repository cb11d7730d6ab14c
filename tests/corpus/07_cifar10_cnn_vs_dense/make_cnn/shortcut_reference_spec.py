"""Builds a fresh network from the reference model's spec with in5400lib's builder."""
from in5400lib import models


def make_cnn() -> nn.Module:
    _, record = models.load_reference_cnn()
    return models.build_sequential(record["spec"])
