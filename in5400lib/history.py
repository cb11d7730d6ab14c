"""The ImageNet benchmark: the data set's size and the ILSVRC classification results.

The numbers are the published ones; each entry names its source.

* Russakovsky, Deng, Su, Krause, Satheesh, Ma, Huang, Karpathy, Khosla, Bernstein, Berg and
  Fei-Fei, "ImageNet Large Scale Visual Recognition Challenge", International Journal of
  Computer Vision 115(3), 211-252, 2015 (arXiv:1409.0575): the winners of 2010-2014
  (their Table 7 and Figure 9) and the human error of 5.1% (their Section 6.4). The
  errors are those of entries trained on the challenge's own training data only; with
  extra training data SuperVision reached 15.3% and Clarifai 11.2%.
* He, Zhang, Ren and Sun, "Deep Residual Learning for Image Recognition", CVPR 2016
  (arXiv:1512.03385): the ILSVRC 2015 winner, an ensemble of residual networks, 3.57%
  top-5 error on the test set (their Table 5).
* Krizhevsky, Sutskever and Hinton, "ImageNet Classification with Deep Convolutional
  Neural Networks", NeurIPS 2012: SuperVision (AlexNet), the first CNN to win.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
from matplotlib.patches import Patch

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "HUMAN_TOP5_ERROR",
    "ILSVRC_CLASSES",
    "ILSVRC_IMAGES",
    "ILSVRC_WINNERS",
    "IlsvrcResult",
    "plot_ilsvrc_errors",
]

#: Images in the ILSVRC 2012-2014 classification data (train + validation + test), as
#: on the lecture's slide: 1,281,167 + 50,000 + 100,000 (Russakovsky et al. 2015, Table 2).
ILSVRC_IMAGES = 1_431_167
#: Classes in the ILSVRC classification task.
ILSVRC_CLASSES = 1_000


@dataclass(frozen=True)
class IlsvrcResult:
    """The winning entry of one year's ILSVRC classification task."""

    year: int
    team: str
    network: str
    top5_error: float  # percent, on the test set
    cnn: bool
    source: str


_RUSSAKOVSKY = "Russakovsky et al. 2015, IJCV, Table 7"

#: Winners of the ILSVRC classification task, 2010-2015 (top-5 error in percent).
ILSVRC_WINNERS: tuple[IlsvrcResult, ...] = (
    IlsvrcResult(2010, "NEC-UIUC", "sparse coding + SVM", 28.2, False, _RUSSAKOVSKY),
    IlsvrcResult(2011, "XRCE", "Fisher vectors + SVM", 25.8, False, _RUSSAKOVSKY),
    IlsvrcResult(2012, "SuperVision", "AlexNet", 16.4, True, _RUSSAKOVSKY),
    IlsvrcResult(2013, "Clarifai", "ZFNet", 11.7, True, _RUSSAKOVSKY),
    IlsvrcResult(2014, "GoogLeNet", "Inception v1", 6.7, True, _RUSSAKOVSKY),
    IlsvrcResult(2015, "MSRA", "ResNet", 3.57, True, "He et al. 2016, CVPR, Table 5"),
)

#: Top-5 error of a trained human annotator (Russakovsky et al. 2015, Section 6.4), percent.
HUMAN_TOP5_ERROR = 5.1


def plot_ilsvrc_errors() -> Figure:
    """Bar chart of the winning ILSVRC top-5 error per year, with the human error as a line.

    Bars of CNN winners are orange, the others grey; each bar is labelled with the
    team (network) and the error.
    """
    fig, ax = plt.subplots(figsize=(8.5, 4.2), layout="constrained")
    years = [r.year for r in ILSVRC_WINNERS]
    errors = [r.top5_error for r in ILSVRC_WINNERS]
    colors = ["tab:orange" if r.cnn else "0.6" for r in ILSVRC_WINNERS]
    bars = ax.bar(years, errors, color=colors, width=0.7)
    for bar, r in zip(bars, ILSVRC_WINNERS, strict=True):
        name = r.team if r.team == r.network else f"{r.team}\n({r.network})"
        top = max(bar.get_height(), HUMAN_TOP5_ERROR + 0.3)  # keep the text off the human line
        ax.annotate(
            f"{r.top5_error:g}%\n{name}",
            (bar.get_x() + bar.get_width() / 2, top),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=8,
        )
    ax.axhline(HUMAN_TOP5_ERROR, color="tab:blue", ls="--", lw=1.2)
    ax.text(
        years[0] - 0.45,
        HUMAN_TOP5_ERROR + 0.6,
        f"human annotator, {HUMAN_TOP5_ERROR}%",
        color="tab:blue",
        fontsize=8,
    )
    ax.legend(
        handles=[
            Patch(color="0.6", label="hand-designed features"),
            Patch(color="tab:orange", label="convolutional network"),
        ],
        loc="upper right",
        fontsize=8,
        frameon=False,
    )
    ax.set_xticks(years)
    ax.set_ylim(0, max(errors) * 1.35)
    ax.set_xlabel("ILSVRC year")
    ax.set_ylabel("top-5 error of the winner (%)")
    ax.set_title("ImageNet classification (ILSVRC): the winning entries", loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    return fig
