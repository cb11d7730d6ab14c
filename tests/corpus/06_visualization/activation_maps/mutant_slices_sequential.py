"""Runs the model's children in order up to the layer: only right for plain nn.Sequential stacks."""
import torch


def activation_maps(model, layer, x):
    with torch.no_grad():
        for child in model.children():
            x = child(x)
            if child is layer:
                break
    return x.detach()
