"""STFT / ISTFT front end with the engine's framing (open-unmix's ``transforms.py`` pattern).

Framing is librosa's default and must match ``engine/dsp`` exactly: 22050 Hz mono, n_fft 1536,
hop 384, periodic Hann window, centred frames with reflect padding of n_fft/2 on both sides.
``make_filterbanks`` builds the matched pair so both always share one window.
"""

from __future__ import annotations

from dataclasses import dataclass, asdict
from typing import Optional, Tuple

import torch
from torch import nn, Tensor


@dataclass(frozen=True)
class SignalConfig:
    """Signal parameters written verbatim into ``model.json`` under ``signal``."""

    sample_rate: int = 22050
    n_fft: int = 1536
    hop_length: int = 384
    chunk_frames: int = 64

    @property
    def nb_bins(self) -> int:
        return self.n_fft // 2 + 1

    def to_json(self) -> dict:
        d = asdict(self)
        d.update(
            window="hann-periodic",
            center=True,
            pad_mode="reflect",
            nb_bins=self.nb_bins,
            channels="mono-downmix",
        )
        # Key order as in the documented schema (only cosmetic).
        order = ["sample_rate", "n_fft", "hop_length", "window", "center", "pad_mode", "chunk_frames", "nb_bins", "channels"]
        return {k: d[k] for k in order}


class STFT(nn.Module):
    """Complex STFT.

    Input: audio ``[..., nb_timesteps]`` float.
    Output: complex ``[..., nb_bins, nb_frames]`` with ``nb_frames = nb_timesteps // hop + 1``.
    """

    def __init__(self, window: Tensor, n_fft: int, hop_length: int) -> None:
        super().__init__()
        self.window = nn.Parameter(window, requires_grad=False)
        self.n_fft = n_fft
        self.hop_length = hop_length

    def forward(self, x: Tensor) -> Tensor:
        shape = x.shape
        x = x.reshape(-1, shape[-1])
        spec = torch.stft(
            x,
            n_fft=self.n_fft,
            hop_length=self.hop_length,
            window=self.window.to(x.dtype),
            center=True,
            pad_mode="reflect",
            normalized=False,
            onesided=True,
            return_complex=True,
        )
        return spec.reshape(shape[:-1] + spec.shape[-2:])


class ISTFT(nn.Module):
    """Inverse of :class:`STFT` (overlap-add with window-square normalisation).

    Input: complex ``[..., nb_bins, nb_frames]``; ``length`` trims/pads to ``nb_timesteps``.
    Output: audio ``[..., nb_timesteps]``.
    """

    def __init__(self, window: Tensor, n_fft: int, hop_length: int) -> None:
        super().__init__()
        self.window = nn.Parameter(window, requires_grad=False)
        self.n_fft = n_fft
        self.hop_length = hop_length

    def forward(self, spec: Tensor, length: Optional[int] = None) -> Tensor:
        shape = spec.shape
        spec = spec.reshape(-1, shape[-2], shape[-1])
        real_dtype = torch.float64 if spec.dtype == torch.complex128 else torch.float32
        y = torch.istft(
            spec,
            n_fft=self.n_fft,
            hop_length=self.hop_length,
            window=self.window.to(real_dtype),
            center=True,
            normalized=False,
            onesided=True,
            length=length,
        )
        return y.reshape(shape[:-2] + y.shape[-1:])


def make_filterbanks(signal: SignalConfig = SignalConfig()) -> Tuple[STFT, ISTFT]:
    """The matched (STFT, ISTFT) pair sharing one periodic Hann window of ``signal.n_fft``."""
    window = torch.hann_window(signal.n_fft, periodic=True, dtype=torch.float64)
    return STFT(window.clone(), signal.n_fft, signal.hop_length), ISTFT(window.clone(), signal.n_fft, signal.hop_length)


def magnitude(spec: Tensor) -> Tensor:
    """``|spec|`` as float32, same shape (``[..., nb_bins, nb_frames]``)."""
    return spec.abs().to(torch.float32)
