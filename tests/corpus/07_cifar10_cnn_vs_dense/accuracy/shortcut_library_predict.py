"""Gets the logits from in5400lib.training.predict (imported under another name)."""
from in5400lib.training import predict as logits_of


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    model.eval()
    logits = logits_of(model, [(x, y)])
    return (logits.argmax(dim=1) == y).float().mean().item()
