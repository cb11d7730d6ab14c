"""Loads the shipped checkpoint with torch.load and rebuilds it around Residual blocks."""
from pathlib import Path

import in5400lib


def make_cnn() -> nn.Module:
    path = Path(in5400lib.__file__).parent / "weights" / "cifar10_cnn.pt"
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)

    def build(spec):
        layers = []
        for entry in spec:
            entry = dict(entry)
            kind = entry.pop("type")
            if kind == "Residual":
                layers.append(Residual(*build(entry.pop("layers"))))
            else:
                layers.append(getattr(nn, kind)(**entry))
        return layers

    model = nn.Sequential(*build(checkpoint["spec"]))
    model.load_state_dict(checkpoint["state_dict"])
    return model
