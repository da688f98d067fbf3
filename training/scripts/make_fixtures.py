#!/usr/bin/python3
"""Build the ONNX parity fixtures for the TypeScript engine (seeded, deterministic).

Writes, for each of ``tiny`` (4-8-8-8-8 / f 8), ``small`` (8-16-16-16-32 / f 32, live size),
``head`` (tiny widths with the stride-4 stem, compressed input and full-resolution head of
``configs/guitar-live-q.yaml``) and ``recurrent`` (the recurrent network, hidden 32, 2 BLSTM layers:
onnxruntime's LSTM op against PyTorch's) and ``ensemble`` (the tiny hourglass at mask power 0.7
and a one-layer recurrent network, averaged: ``export_ensemble`` from checkpoints):
  engine/model/fixtures/<name>/model.onnx, model.json   the model package (random weights, eval mode)
  engine/model/fixtures/<name>/parity-input.f32         [3, 1, 769, 64] float32 LE raw magnitude
  engine/model/fixtures/<name>/parity-mask.f32          [3, 1, 769, 64] float32 LE, ExportWrapper output
  engine/model/fixtures/<name>/parity.json              shapes, item descriptions, tolerance
Item 0: |STFT| of a tone + noise; item 1: quiet random magnitudes (tests per-item normalisation);
item 2: all zeros (silence -> mask 0). Layout of both .f32 files: C order, batch-major, then
channel, then bin, then frame (frame fastest), i.e. ``[item][0][bin][frame]``.

Usage: /usr/bin/python3 training/scripts/make_fixtures.py [--out engine/model/fixtures] [--only tiny]
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from stemstream_train.checkpoint import save_checkpoint  # noqa: E402
from stemstream_train.ensemble import EnsembleWrapper  # noqa: E402
from stemstream_train.export import dump_json, export_ensemble, write_model_package  # noqa: E402
from stemstream_train.model import ExportWrapper, HourglassConfig, HourglassNet, normalise_chunk  # noqa: E402
from stemstream_train.networks import MaskNet, NetConfig, build_net  # noqa: E402
from stemstream_train.recurrent import RecurrentConfig  # noqa: E402
from stemstream_train.transforms import SignalConfig, make_filterbanks  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
SEED = 20261125
BATCH = 3

FIXTURES: Dict[str, NetConfig] = {
    "tiny": HourglassConfig(initial_filters=(4, 8, 8, 8, 8), hourglass_filters=8, end_filters=(8, 8)),
    "small": HourglassConfig(initial_filters=(8, 16, 16, 16, 32), hourglass_filters=32, end_filters=(32, 32)),
    "head": HourglassConfig(
        initial_filters=(4, 8, 8, 8, 8), hourglass_filters=8, end_filters=(8, 8),
        freq_downsample=4, input_power=0.3, full_res_head=4,
    ),
    "recurrent": RecurrentConfig(hidden=32, layers=2),
}

# Ensemble fixtures: members (network, mask power), exported from checkpoints as users do.
ENSEMBLES: Dict[str, Tuple[Tuple[NetConfig, float], ...]] = {
    "ensemble": ((FIXTURES["tiny"], 0.7), (RecurrentConfig(hidden=32, layers=1), 1.0)),
}


def parity_input(signal: SignalConfig, gen: torch.Generator) -> torch.Tensor:
    """``[3, 1, 769, chunk_frames]`` float32 raw magnitudes: tone+noise STFT, quiet noise, silence."""
    frames = signal.chunk_frames
    n = (frames - 1) * signal.hop_length
    t = torch.arange(n, dtype=torch.float64) / signal.sample_rate
    audio = sum(0.3 / k * torch.sin(2 * math.pi * 196.0 * k * t) for k in range(1, 8))
    audio = audio + 0.05 * torch.randn(n, generator=gen, dtype=torch.float64)
    stft, _ = make_filterbanks(signal)
    mag0 = stft(audio).abs().to(torch.float32)
    assert mag0.shape[-1] == frames, mag0.shape
    mag1 = 1e-3 * torch.rand(signal.nb_bins, frames, generator=gen) ** 3
    mag2 = torch.zeros(signal.nb_bins, frames)
    return torch.stack([mag0, mag1, mag2]).unsqueeze(1).contiguous()


def randomise(net: MaskNet, gen: torch.Generator) -> None:
    """Non-trivial BN statistics/affine and conv biases so a wrong BN/bias import shows in parity."""
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)):
                c = m.num_features
                m.running_mean.copy_((torch.rand(c, generator=gen) - 0.5) * 0.4)
                m.running_var.copy_(0.5 + 1.5 * torch.rand(c, generator=gen))
                m.weight.copy_(0.5 + torch.rand(c, generator=gen))
                m.bias.copy_((torch.rand(c, generator=gen) - 0.5) * 0.2)
            elif isinstance(m, torch.nn.Conv2d) and m.bias is not None:
                m.bias.copy_((torch.rand(m.bias.shape, generator=gen) - 0.5) * 0.1)


def calibrate_output(net: MaskNet, x: torch.Tensor) -> None:
    """Rescale the last 1x1 conv so the unclipped mask of item 0 has mean 0.5, std 0.3: most values
    then fall inside (0, 1), where the parity check is meaningful (not hidden by the clamp).
    The recurrent network's sigmoid keeps its mask inside already."""
    if not isinstance(net, HourglassNet):
        return
    out = net.out[-1]
    with torch.no_grad():
        raw = net(normalise_chunk(x[:1])[0])[:, :, 1:, :]
        mean, std = float(raw.mean()), float(raw.std())
        a = 0.3 / max(std, 1e-6)
        out.weight.mul_(a)
        out.bias.copy_(0.5 - a * (mean - out.bias))


def write_parity(out_dir: str, x: torch.Tensor, mask: torch.Tensor) -> float:
    """Write parity-input.f32, parity-mask.f32 and parity.json; returns the fraction of mask values
    strictly inside (0, 1) on the two audible items."""
    x.numpy().astype("<f4").tofile(os.path.join(out_dir, "parity-input.f32"))
    mask.numpy().astype("<f4").tofile(os.path.join(out_dir, "parity-mask.f32"))
    m = mask.numpy()
    interior = float(((m[:2] > 0) & (m[:2] < 1)).mean())
    desc = {
        "dtype": "float32",
        "endianness": "little",
        "shape": list(x.shape),
        "layout": "[batch][channel][bin][frame], frame fastest (C order, NCHW)",
        "input": "parity-input.f32",
        "expected_mask": "parity-mask.f32",
        "model": "model.json",
        "items": [
            "|STFT| of a 196 Hz harmonic tone + white noise (raw, not normalised)",
            "quiet random magnitudes (peak ~1e-3): the model normalises per item",
            "silence (all zeros): expected mask all 0, no NaN",
        ],
        "tolerance_max_abs": 1e-4,
        "seed": SEED,
        "torch_version": torch.__version__,
        "stats": {
            "fraction_strictly_inside_0_1_items_0_1": round(interior, 4),
            "mask_mean_item0": round(float(m[0].mean()), 6),
            "mask_dc_row_max": float(m[:, :, 0, :].max()),
            "mask_silence_max": float(m[2].max()),
        },
    }
    with open(os.path.join(out_dir, "parity.json"), "w") as f:
        f.write(dump_json(desc))
    return interior


def build(name: str, cfg: NetConfig, out_root: str, signal: SignalConfig) -> Dict[str, float]:
    gen = torch.Generator().manual_seed(SEED + sum(map(ord, name)))
    torch.manual_seed(SEED)
    net = build_net(cfg)
    randomise(net, gen)
    net.eval()
    x = parity_input(signal, gen)
    calibrate_output(net, x)
    out_dir = os.path.join(out_root, name)
    write_model_package(
        out_dir,
        net,
        cfg,
        meta={
            "name": f"fixture-{name}",
            "instrument": "guitar",
            "description": f"Untrained {name} {'hourglass' if isinstance(cfg, HourglassConfig) else 'network'} with random weights: ONNX parity fixture, separates nothing",
            "license": "MIT",
            "training": {"data": "none (random weights, seed %d)" % SEED, "commit": None},
            "metrics": {},
        },
        signal=signal,
    )
    with torch.no_grad():
        mask = ExportWrapper(net).eval()(x)
    interior = write_parity(out_dir, x, mask)
    return {"onnx_bytes": os.path.getsize(os.path.join(out_dir, "model.onnx")), "interior": interior}


def build_ensemble(name: str, members: Tuple[Tuple[NetConfig, float], ...], out_root: str, signal: SignalConfig) -> Dict[str, float]:
    gen = torch.Generator().manual_seed(SEED + sum(map(ord, name)))
    torch.manual_seed(SEED)
    x = parity_input(signal, gen)
    out_dir = os.path.join(out_root, name)
    wrappers: List[ExportWrapper] = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, (cfg, power) in enumerate(members):
            net = build_net(cfg)
            randomise(net, gen)
            net.eval()
            calibrate_output(net, x)
            wrappers.append(ExportWrapper(net, power).eval())
            paths.append((os.path.join(tmp, f"member{i}.pt"), power))
            config = {"instrument": "guitar", "model": cfg.to_json(), "data": {"train": "none", "description": "none (random weights, seed %d)" % SEED}}
            save_checkpoint(paths[-1][0], {"config": config, "model": net.state_dict(), "step": 0})
        manifest = export_ensemble(paths, out_dir, f"fixture-{name}", description=f"Untrained {name} of {len(members)} networks with random weights: ONNX parity fixture, separates nothing", signal=signal)
    # Deterministic on disk: no temporary paths, no commit.
    for i, member in enumerate(manifest["architecture"]["members"]):
        member["checkpoint"] = f"member{i}.pt"
    manifest["training"]["commit"] = None
    with open(os.path.join(out_dir, "model.json"), "w") as f:
        f.write(dump_json(manifest))
    with torch.no_grad():
        mask = EnsembleWrapper(wrappers).eval()(x)
    interior = write_parity(out_dir, x, mask)
    return {"onnx_bytes": os.path.getsize(os.path.join(out_dir, "model.onnx")), "interior": interior}


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", default=os.path.join(REPO, "engine", "model", "fixtures"), help="fixtures root")
    p.add_argument("--only", choices=sorted([*FIXTURES, *ENSEMBLES]), action="append", help="build only these fixtures")
    return p


def main(argv: Optional[List[str]] = None) -> int:
    args = get_parser().parse_args(argv)
    torch.set_num_threads(1)  # deterministic reductions
    signal = SignalConfig()
    for name in args.only or sorted([*FIXTURES, *ENSEMBLES]):
        info = build(name, FIXTURES[name], args.out, signal) if name in FIXTURES else build_ensemble(name, ENSEMBLES[name], args.out, signal)
        print(f"{name}: model.onnx {info['onnx_bytes']} bytes, {info['interior'] * 100:.1f}% of mask values inside (0,1)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
