#!/usr/bin/python3
"""Export untrained model packages of the benchmark sizes (speed does not depend on the weights).

Usage: /usr/bin/python3 training/scripts/make_bench_models.py OUT_DIR
Writes OUT_DIR/{thesis,f64,f32,live,rnn512}/model.{onnx,json}; skips packages that already exist.
"""

from __future__ import annotations

import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from stemstream_train.export import write_model_package  # noqa: E402
from stemstream_train.model import HourglassConfig  # noqa: E402
from stemstream_train.networks import NetConfig, build_net  # noqa: E402
from stemstream_train.recurrent import RecurrentConfig  # noqa: E402

SIZES: dict[str, NetConfig] = {
    # The thesis: 64-128-128-128-256 / 192 / 6 levels, 7,713,857 parameters.
    "thesis": HourglassConfig(),
    # The two live sizes measured in ../shared/notes/measurements.md.
    "f64": HourglassConfig(initial_filters=(16, 32, 32, 32, 64), hourglass_filters=64, end_filters=(64, 64)),
    "f32": HourglassConfig(initial_filters=(8, 16, 16, 16, 32), hourglass_filters=32, end_filters=(32, 32)),
    # The shipped live hourglass (configs/guitar-small.yaml, 409,713 parameters).
    "live": HourglassConfig(
        initial_filters=(12, 16, 16, 16, 32), hourglass_filters=48, end_filters=(32, 32), dropout=0.0, freq_downsample=2, input_power=0.3
    ),
    # The recurrent network of configs/piano-recurrent.yaml (6,045,184 parameters).
    "rnn512": RecurrentConfig(hidden=512, layers=3),
}


def main() -> None:
    out = sys.argv[1]
    torch.manual_seed(0)
    for name, cfg in SIZES.items():
        target = os.path.join(out, name)
        if os.path.exists(os.path.join(target, "model.json")):
            continue
        net = build_net(cfg).eval()
        write_model_package(target, net, cfg, {"name": f"bench-{name}", "description": f"untrained {name} benchmark model"})
        print(f"wrote {target}", file=sys.stderr)


if __name__ == "__main__":
    main()
