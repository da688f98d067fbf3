"""Training losses on normalised magnitudes.

All inputs are ``[nb_samples, 1, nb_bins, nb_frames]``; ``mix`` and ``target`` are divided by the
chunk peak of ``mix`` first (``model.normalise_chunk``), as the thesis did. The thesis *summed*
``|target - mask * mix|`` over batch x bins x frames; we take the *mean* (identical optimum, a
learning rate that does not depend on batch or chunk size; with Adam only epsilon differs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import torch
from torch import Tensor

from .data import Batch
from .model import normalise_chunk


KINDS = ("l1", "l1-compressed", "psa-sdr", "l1-psa")
PHASE_KINDS = ("psa-sdr", "l1-psa")  # need the complex mix and target
# Targets more than 30 dB under the mix count as silence: the SDR of an empty crop rewards a zero
# estimate instead of dividing by zero.
SDR_FLOOR = 1e-3


@dataclass
class LossConfig:
    """``kind``: ``"l1"`` (thesis), ``"l1-compressed"`` (``|x|**power`` on estimate and target) or
    ``"psa-sdr"`` (phase-aware: the SDR of ``mask * mix`` against the complex target, per item;
    the error counts what the mix phase gets wrong, as the metric does) or ``"l1-psa"`` (L1 on
    magnitudes, as ``l1``, towards the truncated phase-sensitive target
    ``clip(|T| cos(angle T - angle X), 0, |X|)`` of Erdogan et al. 2015: its ideal mask is the
    PSM, whose bound is above the IRM's, where ``l1`` learns the IRM);
    ``rest_weight``: weight of the same loss on the rest, ``(1 - mask) * mix`` vs ``rest``;
    ``frames``: ``"all"``, ``"right:<n>"`` (only the last n frames) or ``"right:<n>:<w>"`` (the
    others weighted w): the live engine outputs the right edge of its window, so train for it."""

    kind: str = "l1"
    power: float = 0.3
    rest_weight: float = 0.0
    frames: str = "all"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"loss kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        parse_frames(self.frames, 64)  # validates the syntax


_RIGHT = re.compile(r"^right:(\d+)(?::([0-9.]+))?$")


def parse_frames(spec: str, nb_frames: int) -> Tensor:
    """Frame weights ``[nb_frames]`` summing to ``nb_frames`` (so losses keep their scale)."""
    if spec == "all":
        return torch.ones(nb_frames)
    m = _RIGHT.match(spec)
    if not m:
        raise ValueError(f"loss frames must be 'all', 'right:<n>' or 'right:<n>:<w>', got {spec!r}")
    n = int(m.group(1))
    floor = float(m.group(2)) if m.group(2) else 0.0
    if not 1 <= n <= nb_frames:
        raise ValueError(f"loss frames right:{n} needs 1 <= n <= {nb_frames}")
    w = torch.full((nb_frames,), floor)
    w[nb_frames - n :] = 1.0
    return w * (nb_frames / w.sum())


def _compress(x: Tensor, power: float) -> Tensor:
    # +1e-4 keeps the gradient of |x|**0.3 finite at 0 (magnitudes are normalised to peak 1).
    return (x.abs() + 1e-4) ** power


def _weighted_l1(est: Tensor, ref: Tensor, weights: Tensor) -> Tensor:
    return ((est - ref).abs() * weights).mean()


def phase_sensitive_target(mix_c: Tensor, target_c: Tensor, mix: Tensor) -> Tensor:
    """``|T| cos(angle T - angle X) = Re(T conj(X)) / |X|``, clipped to ``[0, |X|]`` so that
    ``target / mix`` is the PSM that ``eval --oracle-mask psm`` scores."""
    proj = (target_c * mix_c.conj()).real / (mix_c.abs() + 1e-8)
    return torch.minimum(proj.clamp(min=0.0), mix)


def _negative_sdr(est: Tensor, ref: Tensor, mix: Tensor, weights: Tensor) -> Tensor:
    """Mean over items of −SDR/10 (complex ``[N, 1, bins, frames]``; frame-weighted energies)."""
    energy = lambda x: ((x.real**2 + x.imag**2) * weights).sum(dim=(1, 2, 3))  # noqa: E731
    floor = SDR_FLOOR * energy(mix) + 1e-8
    return -torch.log10((energy(ref) + floor) / (energy(est - ref) + floor)).mean()


def separation_loss(masks: Sequence[Tensor], mix: Tensor, target: Tensor, rest: Tensor, cfg: LossConfig, mix_c: Optional[Tensor] = None, target_c: Optional[Tensor] = None) -> Tensor:
    """Mean over stacks of the configured loss. ``masks``: unclipped network outputs (one per
    stack), ``mix``/``target``/``rest``: normalised magnitudes, all ``[N, 1, bins, frames]``;
    ``mix_c``/``target_c``: the same normalised as complex STFTs (needed by ``PHASE_KINDS``)."""
    weights = parse_frames(cfg.frames, mix.shape[-1]).to(mix.device, mix.dtype)
    if cfg.kind in PHASE_KINDS and (mix_c is None or target_c is None):
        raise ValueError(f"loss {cfg.kind} needs the complex mix and target")
    if cfg.kind == "l1-psa":
        target = phase_sensitive_target(mix_c, target_c, mix)
        rest = mix - target
    f = (lambda x: _compress(x, cfg.power)) if cfg.kind == "l1-compressed" else (lambda x: x)

    def one(mask: Tensor) -> Tensor:
        if cfg.kind == "psa-sdr":
            # Clipped as the shipped model clips it: a phase-aware optimum leaves [0, 1] (Re(T/X)).
            est_c = mask.clamp(0.0, 1.0) * mix_c
            loss = _negative_sdr(est_c, target_c, mix_c, weights)
            if cfg.rest_weight:
                loss = loss + cfg.rest_weight * _negative_sdr(mix_c - est_c, mix_c - target_c, mix_c, weights)
            return loss
        est = mask * mix
        loss = _weighted_l1(f(est), f(target), weights)
        if cfg.rest_weight:
            loss = loss + cfg.rest_weight * _weighted_l1(f(mix - est), f(rest), weights)
        return loss

    return torch.stack([one(mask) for mask in masks]).mean()


def batch_loss(masks_of: Callable[[Tensor], Sequence[Tensor]], batch: Batch, cfg: LossConfig, device: torch.device) -> Tensor:
    """The loss of one batch, for training and validation alike: the mix normalised by its chunk
    peak, target and rest (and the complex STFTs, only when the loss uses them) by the same peak,
    as the thesis. ``masks_of``: normalised mix -> the network's masks (one per stack)."""
    mix, peak = normalise_chunk(batch.mix.to(device))
    scale = peak + 1e-8
    phase = cfg.kind in PHASE_KINDS and batch.mix_c is not None and batch.target_c is not None
    return separation_loss(
        masks_of(mix), mix, batch.target.to(device) / scale, batch.rest.to(device) / scale, cfg,
        batch.mix_c.to(device) / scale if phase else None, batch.target_c.to(device) / scale if phase else None,
    )
