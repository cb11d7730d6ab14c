"""Calls backward() and leaves the accumulated gradients in the parameters' .grad."""


def saliency_map(model, image, target):
    if image.dim() != 3:
        raise ValueError("image must be (C, H, W)")
    was_training = model.training
    model.eval()
    x = image.detach().unsqueeze(0).clone().requires_grad_(True)
    model(x)[0, target].backward()
    model.train(was_training)
    return x.grad[0].abs().amax(dim=0).numpy()
