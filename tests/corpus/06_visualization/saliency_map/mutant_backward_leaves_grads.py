"""Calls backward() and leaves the accumulated gradients in the parameters' .grad."""


def saliency_map(model, image, target):
    model.eval()
    x = image.detach().unsqueeze(0).clone().requires_grad_(True)
    model(x)[0, target].backward()
    return x.grad[0].abs().amax(dim=0).numpy()
