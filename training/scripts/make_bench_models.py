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

from stemstream_train import config as config_mod  # noqa: E402
from stemstream_train.export import write_model_package  # noqa: E402
from stemstream_train.model import HourglassConfig  # noqa: E402
from stemstream_train.networks import NetConfig, build_net  # noqa: E402


def from_config(name: str) -> NetConfig:
    """The network of ``training/configs/<name>.yaml``."""
    path = os.path.join(os.path.dirname(HERE), "configs", f"{name}.yaml")
    return config_mod.model_cfg(config_mod.resolve(config_mod.load_file(path)))


SIZES: dict[str, NetConfig] = {
    # The thesis: 64-128-128-128-256 / 192 / 6 levels, 7,713,857 parameters.
    "thesis": HourglassConfig(),
    # The two live sizes measured in ../shared/notes/measurements.md.
    "f64": HourglassConfig(initial_filters=(16, 32, 32, 32, 64), hourglass_filters=64, end_filters=(64, 64)),
    "f32": HourglassConfig(initial_filters=(8, 16, 16, 16, 32), hourglass_filters=32, end_filters=(32, 32)),
    # The shipped live hourglass (409,713 parameters) and the recurrent network (6,045,184).
    "live": from_config("guitar-small"),
    "rnn512": from_config("piano-recurrent"),
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
