"""An ensemble package: several trained networks whose masks are averaged inside one graph.

Two networks that err differently can average to a mask better than either: session 18's
recurrent guitar gained on the real recordings where the hourglass lost, and lost on the held-out
family where the hourglass held. Each member keeps its own calibrated mask power (its
``ExportWrapper``); the engine sees one ordinary model package, whose cost is the members' sum.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Dict, List, Sequence

import torch
from torch import Tensor, nn

from .model import ExportWrapper


@dataclass(frozen=True)
class EnsembleMember:
    """What ``model.json`` records of one member: its network (``to_json`` plus
    ``trainable_params``), its mask power, and where it came from."""

    architecture: Dict[str, Any]
    mask_power: float
    checkpoint: str
    steps: int


@dataclass(frozen=True)
class EnsembleConfig:
    """The ``architecture`` of an ensemble package (``type: ensemble``)."""

    members: List[EnsembleMember]

    def to_json(self) -> Dict[str, Any]:
        return {"type": "ensemble", "members": [asdict(m) for m in self.members]}


class EnsembleWrapper(nn.Module):
    """Raw magnitude in, the mean of the members' clipped (and powered) masks out: still in [0, 1],
    and still zero on silent chunks, since every member zeroes them."""

    def __init__(self, members: Sequence[ExportWrapper]) -> None:
        super().__init__()
        if len(members) < 2:
            raise ValueError(f"an ensemble needs at least 2 members, got {len(members)}")
        self.members = nn.ModuleList(members)

    def forward(self, magnitude: Tensor) -> Tensor:
        masks = [member(magnitude) for member in self.members]
        return torch.stack(masks, dim=0).mean(dim=0)
