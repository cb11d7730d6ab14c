"""Takes the input gradient from in5400lib.visualize's guided backpropagation."""


def saliency_map(model, image, target):
    grad = guided_backprop(model, image, target)
    return grad.abs().amax(dim=0).numpy()
