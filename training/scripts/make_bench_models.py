#!/usr/bin/python3
"""Export untrained model packages of the benchmark sizes (speed does not depend on the weights).

Usage: /usr/bin/python3 training/scripts/make_bench_models.py OUT_DIR
Writes OUT_DIR/{thesis,f64,f32}/model.{onnx,json}; skips packages that already exist.
"""

from __future__ import annotations

import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from stemstream_train.export import write_model_package  # noqa: E402
from stemstream_train.model import HourglassConfig, HourglassNet  # noqa: E402

SIZES = {
    # The thesis: 64-128-128-128-256 / 192 / 6 levels, 7,713,857 parameters.
    "thesis": HourglassConfig(),
    # The two live sizes measured in ../shared/notes/measurements.md.
    "f64": HourglassConfig(initial_filters=(16, 32, 32, 32, 64), hourglass_filters=64, end_filters=(64, 64)),
    "f32": HourglassConfig(initial_filters=(8, 16, 16, 16, 32), hourglass_filters=32, end_filters=(32, 32)),
}


def main() -> None:
    out = sys.argv[1]
    torch.manual_seed(0)
    for name, cfg in SIZES.items():
        target = os.path.join(out, name)
        if os.path.exists(os.path.join(target, "model.json")):
            continue
        net = HourglassNet(cfg).eval()
        write_model_package(target, net, cfg, {"name": f"bench-{name}", "description": f"untrained {name} benchmark model"})
        print(f"wrote {target}", file=sys.stderr)


if __name__ == "__main__":
    main()
