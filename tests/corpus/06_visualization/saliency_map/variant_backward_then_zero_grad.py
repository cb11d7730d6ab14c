"""Uses backward() on a copy of the image and clears the parameters' gradients afterwards."""


def saliency_map(model, image, target):
    if image.dim() != 3:
        raise ValueError("one image (C, H, W) please")
    was_training = model.training
    model.eval()
    x = image.detach().clone()[None]
    x.requires_grad = True
    scores = model(x)
    scores[0, target].backward()
    model.zero_grad(set_to_none=True)
    model.train(was_training)
    return x.grad.abs().max(dim=1).values[0].numpy()
