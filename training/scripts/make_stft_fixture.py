#!/usr/bin/python3
"""Build the STFT parity fixture for the TypeScript DSP core (engine/dsp/stft.test.ts).

Deterministic (seeded). Writes into engine/dsp/fixtures/:
  stft-signal.f32                  0.5 s at 22050 Hz of a linear chirp + white noise, float32 LE
  stft-<nfft>-<hop>-re.f32 / -im.f32  torch.stft of that signal, float32 LE, FRAME-major
                                   ([frame][bin], bin fastest), i.e. the engine's Spectrogram layout
  stft-<nfft>-<hop>-istft.f32      torch.istft(stft, length=len(signal)), float32 LE
  stft-fixture.json                shapes, file names, parameters
torch.stft(center=True, pad_mode='reflect', window=hann_window(n_fft, periodic=True)) is librosa's
framing. Computed in float64 from the float32 signal, then stored as float32.

Usage: /usr/bin/python3 training/scripts/make_stft_fixture.py [--out engine/dsp/fixtures]
"""

from __future__ import annotations

import argparse
import json
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SEED = 20261125
SAMPLE_RATE = 22050
LENGTH = SAMPLE_RATE // 2  # 11025: not a multiple of either hop
CASES = [(1536, 384), (2048, 512)]


def make_signal() -> np.ndarray:
    rng = np.random.default_rng(SEED)
    t = np.arange(LENGTH, dtype=np.float64) / SAMPLE_RATE
    duration = LENGTH / SAMPLE_RATE
    f0, f1 = 110.0, 6000.0
    phase = 2 * np.pi * (f0 * t + 0.5 * (f1 - f0) / duration * t * t)
    x = 0.5 * np.sin(phase) + 0.05 * rng.standard_normal(LENGTH)
    return x.astype(np.float32)


def write_f32(path: str, a: np.ndarray) -> None:
    np.ascontiguousarray(a, dtype="<f4").tofile(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(REPO, "engine", "dsp", "fixtures"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    x32 = make_signal()
    write_f32(os.path.join(args.out, "stft-signal.f32"), x32)
    x = torch.from_numpy(x32.astype(np.float64))

    cases = []
    for n_fft, hop in CASES:
        window = torch.hann_window(n_fft, periodic=True, dtype=torch.float64)
        spec = torch.stft(x, n_fft, hop_length=hop, win_length=n_fft, window=window, center=True,
                          pad_mode="reflect", normalized=False, onesided=True, return_complex=True)
        y = torch.istft(spec, n_fft, hop_length=hop, win_length=n_fft, window=window, center=True,
                        normalized=False, onesided=True, length=LENGTH)
        nb_bins, nb_frames = spec.shape
        frame_major = spec.transpose(0, 1).contiguous().numpy()  # [frame, bin]
        stem = f"stft-{n_fft}-{hop}"
        write_f32(os.path.join(args.out, f"{stem}-re.f32"), frame_major.real)
        write_f32(os.path.join(args.out, f"{stem}-im.f32"), frame_major.imag)
        write_f32(os.path.join(args.out, f"{stem}-istft.f32"), y.numpy())
        cases.append({
            "nFft": n_fft, "hop": hop, "nbBins": int(nb_bins), "nbFrames": int(nb_frames),
            "re": f"{stem}-re.f32", "im": f"{stem}-im.f32", "istft": f"{stem}-istft.f32",
        })

    meta = {
        "generator": "training/scripts/make_stft_fixture.py",
        "torch": torch.__version__,
        "seed": SEED,
        "sampleRate": SAMPLE_RATE,
        "length": LENGTH,
        "signal": "stft-signal.f32",
        "layout": "float32 little-endian; spectrograms frame-major [frame][bin]",
        "window": "hann periodic",
        "center": True,
        "padMode": "reflect",
        "cases": cases,
    }
    with open(os.path.join(args.out, "stft-fixture.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
