"""Uses backward() on a copy of the image and clears the parameters' gradients afterwards."""


def saliency_map(model, image, target):
    model.eval()
    x = image.detach().clone()[None]
    x.requires_grad = True
    scores = model(x)
    scores[0, target].backward()
    model.zero_grad(set_to_none=True)
    return x.grad.abs().max(dim=1).values[0].numpy()
