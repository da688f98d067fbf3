"""The stacked-hourglass mask network of the thesis (Keras original ported to PyTorch, NCHW).

Shapes: input magnitude ``[nb_samples, 1, nb_bins=769, nb_frames]`` -> mask of the same shape.
``nb_frames`` must be a multiple of ``2**levels`` (64 for the thesis' 6 levels; 128 works too).
The DC row (bin 0) is cropped before the network (768 = 12 * 2**6 rows) and padded back with a
mask value of 0, as the thesis did.

Each conv is "same"-padded and followed by ReLU, then BatchNorm, then Dropout (the thesis order).
"""

from __future__ import annotations

from dataclasses import dataclass, asdict, field, fields
from typing import Any, Callable, Dict, List, Mapping, Tuple, Union

import torch
from torch import nn, Tensor
import torch.nn.functional as F

# Added to the chunk peak before dividing, so silence stays finite (0 / 1e-8 = 0).
NORM_EPS = 1e-8


@dataclass
class HourglassConfig:
    """Architecture hyper-parameters; serialised into ``model.json["architecture"]``.

    Defaults are the thesis configuration (7,713,857 trainable parameters).
    ``bn_momentum`` is PyTorch's (Keras 0.99 == torch 0.01); ``bn_eps`` as Keras (1e-3).
    ``freq_downsample`` > 1 makes the first conv stride that many bins (a cheap live stem); the
    features are upsampled back (nearest) before the final 1x1 convs.
    ``input_power`` < 1 compresses the normalised magnitude (``x**p``) before the first conv, so
    quiet harmonics and high bins are not lost next to the chunk peak (1.0 = the thesis).
    ``full_res_head`` > 0 adds a 3x3 conv of that many filters at full resolution, fed the
    upsampled features and the (compressed) input magnitude itself, before the 1x1 convs: with a
    ``freq_downsample`` stem the mask can then follow single bins (harmonics of low notes are a few
    bins apart) while the hourglass runs at the coarse resolution. 0 = the thesis' plain head.
    """

    initial_filters: Tuple[int, ...] = (64, 128, 128, 128, 256)
    initial_kernels: Tuple[int, ...] = (7, 3, 3, 3, 3)
    hourglass_filters: int = 192
    levels: int = 6
    stacks: int = 1
    end_filters: Tuple[int, int] = (256, 256)
    dropout: float = 0.2
    batch_norm: bool = True
    bn_momentum: float = 0.01
    bn_eps: float = 1e-3
    freq_downsample: int = 1
    nb_bins: int = 769
    input_power: float = 1.0
    full_res_head: int = 0

    def __post_init__(self) -> None:
        self.initial_filters = tuple(int(v) for v in self.initial_filters)
        self.initial_kernels = tuple(int(v) for v in self.initial_kernels)
        self.end_filters = tuple(int(v) for v in self.end_filters)  # type: ignore[assignment]
        if len(self.initial_filters) == 0 or len(self.initial_filters) != len(self.initial_kernels):
            raise ValueError("initial_filters and initial_kernels must be non-empty and of equal length")
        if any(k % 2 == 0 for k in self.initial_kernels):
            raise ValueError("initial_kernels must be odd ('same' padding)")
        if len(self.end_filters) != 2:
            raise ValueError("end_filters must have two entries (3x3 conv, 1x1 conv)")
        if not 0.0 < self.input_power <= 1.0:
            raise ValueError("input_power must be in (0, 1]")
        if self.full_res_head < 0:
            raise ValueError("full_res_head must be >= 0")
        if self.levels < 1 or self.stacks < 1 or self.hourglass_filters < 1:
            raise ValueError("levels, stacks and hourglass_filters must be >= 1")
        rows = (self.nb_bins - 1) // self.freq_downsample
        if (self.nb_bins - 1) % self.freq_downsample or rows % (2 ** self.levels):
            raise ValueError(
                f"nb_bins-1={self.nb_bins - 1} / freq_downsample={self.freq_downsample} must be divisible by 2**levels={2 ** self.levels}"
            )

    @property
    def frame_multiple(self) -> int:
        """``nb_frames`` must be a multiple of this."""
        return 2 ** self.levels

    def to_json(self) -> Dict[str, Any]:
        d: Dict[str, Any] = {"type": "hourglass", **asdict(self)}  # the model.type networks.py reads
        for k in ("initial_filters", "initial_kernels", "end_filters"):
            d[k] = list(d[k])
        return d

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> "HourglassConfig":
        """Rebuild from a dict (model.json ``architecture`` or a training config); unknown keys ignored."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


def normalise_chunk(magnitude: Tensor) -> Tuple[Tensor, Tensor]:
    """Divide each item by its max over (bins, frames).

    ``magnitude``: ``[nb_samples, 1, nb_bins, nb_frames]`` linear magnitude (non-negative).
    Returns ``(normalised, peak)`` with ``peak`` ``[nb_samples, 1, 1, 1]`` (before the epsilon).
    Used by both training (input and target are divided by the same peak) and the exported model.
    """
    peak = torch.amax(magnitude, dim=(1, 2, 3), keepdim=True)
    return magnitude / (peak + NORM_EPS), peak


class ConvBlock(nn.Sequential):
    """conv (same) -> [ReLU] -> [BN] -> [Dropout]; ``[N, C_in, H, W] -> [N, C_out, H/stride_h, W]``."""

    def __init__(
        self,
        in_ch: int,
        out_ch: int,
        kernel: int,
        cfg: HourglassConfig,
        relu: bool = True,
        bn: bool = True,
        drop: bool = True,
        stride: Tuple[int, int] = (1, 1),
    ) -> None:
        layers: List[nn.Module] = [nn.Conv2d(in_ch, out_ch, kernel, stride=stride, padding=kernel // 2)]
        if relu:
            layers.append(nn.ReLU(inplace=True))
        if bn and cfg.batch_norm:
            layers.append(nn.BatchNorm2d(out_ch, eps=cfg.bn_eps, momentum=cfg.bn_momentum))
        if drop and cfg.dropout > 0:
            layers.append(nn.Dropout(cfg.dropout))
        super().__init__(*layers)


class Hourglass(nn.Module):
    """One recursive hourglass level (Newell et al. as in the thesis).

    ``[N, in_ch, H, W] -> [N, f, H, W]``; H and W must be divisible by ``2**depth``.
    up1 = conv(x); low = conv(pool(x)) -> recursion (deepest: one extra conv) -> conv; out = up1 + up(low).
    """

    def __init__(self, depth: int, in_ch: int, cfg: HourglassConfig) -> None:
        super().__init__()
        f = cfg.hourglass_filters
        self.up1 = ConvBlock(in_ch, f, 3, cfg)
        self.low1 = ConvBlock(in_ch, f, 3, cfg)
        self.low2: nn.Module = Hourglass(depth - 1, f, cfg) if depth > 1 else ConvBlock(f, f, 3, cfg)
        self.low3 = ConvBlock(f, f, 3, cfg)

    def forward(self, x: Tensor) -> Tensor:
        up1 = self.up1(x)
        low = self.low1(F.max_pool2d(x, 2))
        low = self.low3(self.low2(low))
        return up1 + F.interpolate(low, scale_factor=2.0, mode="nearest")


class HourglassNet(nn.Module):
    """Mask network. ``forward``: ``[nb_samples, 1, nb_bins, nb_frames]`` (normalised magnitude)
    -> unclipped mask ``[nb_samples, 1, nb_bins, nb_frames]`` (DC row 0). ``forward_all`` returns
    one such mask per stack (intermediate supervision when ``stacks > 1``, Park et al.)."""

    def __init__(self, cfg: HourglassConfig = HourglassConfig()) -> None:
        super().__init__()
        self.cfg = cfg
        layers: List[nn.Module] = []
        in_ch = 1
        for i, (ch, k) in enumerate(zip(cfg.initial_filters, cfg.initial_kernels)):
            stride = (cfg.freq_downsample, 1) if i == 0 else (1, 1)
            layers.append(ConvBlock(in_ch, ch, k, cfg, stride=stride))
            in_ch = ch
        self.initial = nn.Sequential(*layers)
        stem_ch = in_ch
        e3, e1 = cfg.end_filters
        self.hourglasses = nn.ModuleList()
        self.end3 = nn.ModuleList()
        self.head = nn.ModuleList()
        self.end1 = nn.ModuleList()
        self.out = nn.ModuleList()
        self.merge_features = nn.ModuleList()
        self.merge_masks = nn.ModuleList()
        for s in range(cfg.stacks):
            self.hourglasses.append(Hourglass(cfg.levels, stem_ch, cfg))
            self.end3.append(ConvBlock(cfg.hourglass_filters, e3, 3, cfg))
            head_ch = e3
            if cfg.full_res_head > 0:
                self.head.append(ConvBlock(e3 + 1, cfg.full_res_head, 3, cfg))
                head_ch = cfg.full_res_head
            self.end1.append(ConvBlock(head_ch, e1, 1, cfg, bn=False))
            self.out.append(nn.Conv2d(e1, 1, 1))
            if s < cfg.stacks - 1:
                # Park et al.: features and prediction projected back onto the next stack's input.
                self.merge_features.append(nn.Conv2d(e1, stem_ch, 1))
                self.merge_masks.append(nn.Conv2d(1, stem_ch, 1))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Keras defaults: Glorot-uniform kernels, zero biases."""
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def _upsample_freq(self, x: Tensor) -> Tensor:
        if self.cfg.freq_downsample == 1:
            return x
        return F.interpolate(x, scale_factor=(float(self.cfg.freq_downsample), 1.0), mode="nearest")

    def forward_all(self, x: Tensor) -> List[Tensor]:
        """``x``: ``[nb_samples, 1, nb_bins, nb_frames]`` -> list (one per stack) of masks, same shape."""
        if not torch.jit.is_tracing():
            if x.shape[2] != self.cfg.nb_bins:
                raise ValueError(f"expected {self.cfg.nb_bins} bins, got {x.shape[2]}")
            if x.shape[3] % self.cfg.frame_multiple:
                raise ValueError(f"nb_frames={x.shape[3]} must be a multiple of {self.cfg.frame_multiple}")
        x = x[:, :, 1:, :]  # crop the DC row: 768 rows
        if self.cfg.input_power != 1.0:
            x = torch.clamp(x, min=0.0) ** self.cfg.input_power
        h = self.initial(x)
        outputs: List[Tensor] = []
        for s in range(self.cfg.stacks):
            feats = self.end3[s](self.hourglasses[s](h))
            if self.cfg.freq_downsample > 1:
                feats = self._upsample_freq(feats)
            if self.cfg.full_res_head > 0:
                feats = self.head[s](torch.cat([feats, x], dim=1))
            feats = self.end1[s](feats)
            mask = self.out[s](feats)
            # DC row back with mask 0 (cat, not F.pad: the exported Pad loses the static output shape).
            outputs.append(torch.cat([torch.zeros_like(mask[:, :, :1, :]), mask], dim=2))
            if s < self.cfg.stacks - 1:
                if self.cfg.freq_downsample > 1:
                    feats = F.avg_pool2d(feats, (self.cfg.freq_downsample, 1))
                    mask = F.avg_pool2d(mask, (self.cfg.freq_downsample, 1))
                h = h + self.merge_features[s](feats) + self.merge_masks[s](mask)
        return outputs

    def forward(self, x: Tensor, all_stacks: bool = False) -> Union[Tensor, List[Tensor]]:
        """The last stack's mask; every stack's with ``all_stacks`` (training through DDP, which calls forward)."""
        masks = self.forward_all(x)
        return masks if all_stacks else masks[-1]


def masks_in(precision: str, device: torch.device, net: nn.Module) -> Callable[[Tensor], List[Tensor]]:
    """The network's masks (every stack) with its forward pass in ``precision``. bf16 runs the
    convolutions under autocast and hands float32 masks to the loss, so only the activations lose
    precision; the weights and the optimiser never leave float32."""
    if precision == "fp32":
        return lambda mix: net(mix, all_stacks=True)

    def forward(mix: Tensor) -> List[Tensor]:
        with torch.autocast(device_type=device.type, dtype=torch.bfloat16):
            masks = net(mix, all_stacks=True)
        return [m.float() for m in masks]

    return forward


class ExportWrapper(nn.Module):
    """What ships as ``model.onnx``: raw linear magnitude in, clipped mask out.

    ``magnitude``: ``[nb_samples, 1, 769, nb_frames]`` (not normalised) -> ``mask`` of the same
    shape in [0, 1]. Each item is divided by its own max (``normalise_chunk``); all-silent items get
    mask 0 everywhere (the network's biases would otherwise give a non-zero mask on silence).

    ``mask_power`` (default 1) raises the clipped mask to that power inside the graph: an L1-trained
    mask predicts the median of an uncertain ratio and comes out too small where it is unsure, and
    BSS-eval punishes that attenuation; ``mask_power`` < 1, calibrated on training-family songs
    (training/README.md), lifts it. Zero stays zero and one stays one.
    """

    def __init__(self, net: HourglassNet, mask_power: float = 1.0) -> None:
        super().__init__()
        if not 0.0 < mask_power <= 4.0:
            raise ValueError(f"mask_power must be in (0, 4], got {mask_power}")
        self.net = net
        self.mask_power = float(mask_power)

    def forward(self, magnitude: Tensor) -> Tensor:
        normalised, peak = normalise_chunk(magnitude)
        mask = torch.clamp(self.net(normalised), 0.0, 1.0)
        if self.mask_power != 1.0:
            mask = torch.pow(mask, self.mask_power)
        audible = (peak > NORM_EPS).to(mask.dtype)
        return mask * audible


def count_trainable_params(model: nn.Module) -> int:
    """Trainable parameters (conv weights/biases and BN gamma/beta; not BN running statistics)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
