"""Whole-track masks by overlapping chunks (what the engine does offline), and a quick SDR.

Chunks of ``chunk`` frames every ``step`` frames on a grid that starts ``chunk - step`` frames
before the track (zero padded at both ends), so every frame is covered by ``chunk / step`` chunks;
their clipped masks are averaged with the weights ``sin^2(pi (i + 1/2) / chunk)`` of the engine's
``engine/separator/mask-stitcher.ts`` (a constant-gain cross-fade at step chunk/2), so validation
numbers describe what the engine outputs. Each chunk is normalised alone (inside ``ExportWrapper``).
"""

from __future__ import annotations

from typing import Dict

import torch
from torch import Tensor

from .model import ExportWrapper
from .networks import MaskNet


def chunk_weights(chunk: int) -> Tensor:
    """``[chunk]`` cross-fade weights ``sin^2(pi (i + 1/2) / chunk)``, all > 0 (as the engine)."""
    i = torch.arange(chunk, dtype=torch.float64)
    return (torch.sin(torch.pi * (i + 0.5) / chunk) ** 2).to(torch.float32)


@torch.no_grad()
def chunked_mask(net: MaskNet, mix_mag: Tensor, chunk: int = 64, step: int = 32, batch: int = 8, mask_power: float = 1.0) -> Tensor:
    """``mix_mag``: ``[nb_bins, nb_frames]`` raw magnitude -> mask ``[nb_bins, nb_frames]`` in [0, 1]
    (each chunk's mask raised to ``mask_power`` before stitching, as the exported graph does).

    Runs ``net`` in eval mode and restores its previous mode.
    """
    if chunk % step:
        raise ValueError("chunk must be a multiple of step")
    was_training = net.training
    net.eval()
    wrapper = ExportWrapper(net, mask_power)
    nb_bins, nb_frames = mix_mag.shape
    left = chunk - step
    right = left + (-nb_frames) % step
    padded = torch.zeros(nb_bins, left + nb_frames + right, device=mix_mag.device, dtype=torch.float32)
    padded[:, left : left + nb_frames] = mix_mag
    starts = list(range(0, padded.shape[1] - chunk + 1, step))
    acc = torch.zeros_like(padded)
    count = torch.zeros(padded.shape[1], device=padded.device)
    weights = chunk_weights(chunk).to(padded.device)
    for i in range(0, len(starts), batch):
        group = starts[i : i + batch]
        x = torch.stack([padded[:, s : s + chunk] for s in group]).unsqueeze(1)
        masks = wrapper(x)[:, 0]
        for s, m in zip(group, masks):
            acc[:, s : s + chunk] += m * weights
            count[s : s + chunk] += weights
    net.train(was_training)
    return (acc / count)[:, left : left + nb_frames]


def sdr(reference: Tensor, estimate: Tensor, eps: float = 1e-9) -> float:
    """Plain SDR in dB, ``10 log10(|s|^2 / |s - s_hat|^2)`` over ``[nb_timesteps]`` (not bss_eval:
    no allowed distortion filter, so it reads lower than mir_eval's SDR; for tracking training)."""
    num = float((reference**2).sum()) + eps
    den = float(((reference - estimate) ** 2).sum()) + eps
    return 10.0 * torch.log10(torch.tensor(num / den)).item()


def separate_spectrogram(net: MaskNet, mix: Tensor, chunk: int = 64, step: int = 32) -> Dict[str, Tensor]:
    """``mix``: complex ``[nb_bins, nb_frames]`` -> complex ``instrument`` (mask * mix, mix phase)
    and ``rest`` (mix - instrument), same shape."""
    mask = chunked_mask(net, mix.abs().to(torch.float32), chunk, step)
    inst = mask.to(mix.dtype) * mix
    return {"instrument": inst, "rest": mix - inst, "mask": mask}
