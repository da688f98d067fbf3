"""Validation: L1 on fixed crops and a quick whole-track SDR (torch only, no mir_eval)."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence

import numpy as np
import torch

from .data import Batch, Track, unpadded
from .inference import chunked_mask, sdr
from .losses import LossConfig, batch_loss
from .networks import MaskNet
from .transforms import SignalConfig, make_filterbanks


@torch.no_grad()
def crop_loss(net: MaskNet, batches: Sequence[Batch], loss: LossConfig, device: torch.device) -> float:
    """Mean training loss over fixed validation crops (eval mode; the mode is restored)."""
    was = net.training
    net.eval()
    values: List[float] = []
    for b in batches:
        values.append(float(batch_loss(net.forward_all, b, loss, device)))
    net.train(was)
    return float(np.mean(values)) if values else float("nan")


@torch.no_grad()
def track_sdrs(
    net: Optional[MaskNet],
    tracks: Sequence[Track],
    signal: SignalConfig = SignalConfig(),
    max_seconds: float = 30.0,
    device: torch.device = torch.device("cpu"),
    mask_power: float = 1.0,
) -> Dict[str, float]:
    """Median quick SDR (dB) of instrument and rest over ``tracks`` (first ``max_seconds`` each).

    References are the STFT round-tripped stems (as the thesis); estimates use the chunked,
    averaged mask (step 32) with the mix phase. ``net=None`` evaluates the oracle ratio mask
    ``min(|inst| / |mix|, 1)`` instead (an upper bound for any mask model).
    """
    stft, istft = make_filterbanks(signal)
    stft, istft = stft.to(device), istft.to(device)
    inst_sdr: List[float] = []
    rest_sdr: List[float] = []
    limit = int(max_seconds * signal.sample_rate) if max_seconds > 0 else None
    for t in tracks:
        inst, rest = unpadded(t, signal)
        inst, rest = inst[:limit].to(device), rest[:limit].to(device)
        n = inst.shape[-1]
        s_inst, s_rest = stft(inst), stft(rest)
        mix = s_inst + s_rest
        if net is None:
            mask = torch.clamp(s_inst.abs() / (mix.abs() + 1e-8), 0.0, 1.0)
        else:
            mask = chunked_mask(net, mix.abs().to(torch.float32), mask_power=mask_power).to(device)
        est = mask.to(mix.dtype) * mix
        ref_i, ref_r = istft(s_inst, length=n), istft(s_rest, length=n)
        inst_sdr.append(sdr(ref_i, istft(est, length=n)))
        rest_sdr.append(sdr(ref_r, istft(mix - est, length=n)))
    if not inst_sdr:
        return {}
    return {
        "sdr_quick_instrument_median": float(np.median(inst_sdr)),
        "sdr_quick_rest_median": float(np.median(rest_sdr)),
        "tracks": len(inst_sdr),
    }
