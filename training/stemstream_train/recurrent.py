"""A recurrent mask network (open-unmix's layout, Stöter et al. 2019), as an alternative to the
hourglass: the same contract (normalised magnitude ``[nb_samples, 1, 769, nb_frames]`` -> mask of
the same shape, DC row 0), so the trainer, export, engine and evaluation treat both alike.

Why: the hourglass reuses a few weights over every bin (convolutions), which costs compute at each
of 768 x 64 positions. A frame-wise encoder -> LSTM -> decoder spends its parameters on dense maps
over the whole spectrum, with time context from the LSTM, for a fraction of the operations
(training/README.md measures whether that fits better per CPU hour).

Per frame: ``x**input_power`` (768 bins) -> linear -> BN -> tanh (``hidden``) -> ``layers`` of
(B)LSTM -> [encoder, LSTM] concatenated -> linear -> BN -> ReLU -> linear -> BN -> sigmoid (768).
Bidirectional sees the whole 64-frame window, as the hourglass does; the live engine keeps the
right edge of it either way.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Dict, List, Mapping, Union

import torch
from torch import Tensor, nn


@dataclass
class RecurrentConfig:
    """Hyper-parameters; serialised into ``model.json["architecture"]`` with ``type: recurrent``.
    ``hidden``: encoder width and LSTM output width (each direction ``hidden / 2`` when
    bidirectional); ``bn_momentum`` as PyTorch counts it."""

    hidden: int = 256
    layers: int = 3
    bidirectional: bool = True
    dropout: float = 0.0
    input_power: float = 0.3
    nb_bins: int = 769
    bn_momentum: float = 0.01
    bn_eps: float = 1e-3

    def __post_init__(self) -> None:
        if self.hidden < 2 or (self.bidirectional and self.hidden % 2):
            raise ValueError("hidden must be >= 2 (and even when bidirectional)")
        if self.layers < 1:
            raise ValueError("layers must be >= 1")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError("dropout must be in [0, 1)")
        if not 0.0 < self.input_power <= 1.0:
            raise ValueError("input_power must be in (0, 1]")

    @property
    def frame_multiple(self) -> int:
        """Any number of frames works (no pooling)."""
        return 1

    def to_json(self) -> Dict[str, Any]:
        return {"type": "recurrent", **asdict(self)}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> "RecurrentConfig":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


class _FrameNorm(nn.BatchNorm1d):
    """BatchNorm over the feature axis of ``[frames, nb_samples, features]``."""

    def forward(self, x: Tensor) -> Tensor:  # type: ignore[override]
        t, n, c = x.shape
        return super().forward(x.reshape(t * n, c)).reshape(t, n, c)


class RecurrentMaskNet(nn.Module):
    """``forward``: ``[nb_samples, 1, nb_bins, nb_frames]`` (normalised magnitude) -> mask in
    (0, 1) of the same shape, DC row 0. One output (no stacks); ``all_stacks`` returns it in a list."""

    def __init__(self, cfg: RecurrentConfig = RecurrentConfig()) -> None:
        super().__init__()
        self.cfg = cfg
        bins, h = cfg.nb_bins - 1, cfg.hidden
        bn = lambda c: _FrameNorm(c, eps=cfg.bn_eps, momentum=cfg.bn_momentum)  # noqa: E731
        self.encode = nn.Linear(bins, h, bias=False)
        self.encode_bn = bn(h)
        self.lstm = nn.LSTM(
            input_size=h,
            hidden_size=h // 2 if cfg.bidirectional else h,
            num_layers=cfg.layers,
            bidirectional=cfg.bidirectional,
            dropout=cfg.dropout if cfg.layers > 1 else 0.0,
        )
        self.decode1 = nn.Linear(2 * h, h, bias=False)
        self.decode1_bn = bn(h)
        self.decode2 = nn.Linear(h, bins, bias=False)
        self.decode2_bn = bn(bins)

    def forward_all(self, x: Tensor) -> List[Tensor]:
        """The mask in a list (the hourglass returns one per stack)."""
        if not torch.jit.is_tracing() and x.shape[2] != self.cfg.nb_bins:
            raise ValueError(f"expected {self.cfg.nb_bins} bins, got {x.shape[2]}")
        x = x[:, 0, 1:, :]  # crop the DC row: [N, 768, T]
        if self.cfg.input_power != 1.0:
            x = torch.clamp(x, min=0.0) ** self.cfg.input_power
        x = x.permute(2, 0, 1)  # [T, N, 768]: the LSTM's sequence-first layout
        h = torch.tanh(self.encode_bn(self.encode(x)))
        y, _ = self.lstm(h)
        y = torch.relu(self.decode1_bn(self.decode1(torch.cat([h, y], dim=-1))))
        mask = torch.sigmoid(self.decode2_bn(self.decode2(y))).permute(1, 2, 0).unsqueeze(1)  # [N, 1, 768, T]
        return [torch.cat([torch.zeros_like(mask[:, :, :1, :]), mask], dim=2)]

    def forward(self, x: Tensor, all_stacks: bool = False) -> Union[Tensor, List[Tensor]]:
        masks = self.forward_all(x)
        return masks if all_stacks else masks[0]
