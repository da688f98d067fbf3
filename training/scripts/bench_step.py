#!/usr/bin/python3
"""Seconds per training step of a config's model, float32 against bfloat16 autocast.

    /usr/bin/python3 training/scripts/bench_step.py --config training/configs/guitar-small.yaml [--threads 1 2] [--batch 4]

Random input, the trainer's forward (``masks_in``), L1 on mask x mix, backward and an Adam step;
the median of ``--steps`` timed steps after two warm-up steps. Data loading is not included (the
trainer's audio cache adds its STFTs on top: ~0.01-0.05 s per batch of 4 here).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import torch  # noqa: E402

from stemstream_train import config as config_mod  # noqa: E402
from stemstream_train.model import masks_in  # noqa: E402
from stemstream_train.networks import build_net  # noqa: E402


def seconds_per_step(cfg: dict, precision: str, threads: int, batch: int, steps: int) -> float:
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = build_net(config_mod.model_cfg(cfg))
    masks_of = masks_in(precision, torch.device("cpu"), net)
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-4)
    mix, target = torch.rand(batch, 1, 769, 64), torch.rand(batch, 1, 769, 64)
    times = []
    for _ in range(steps + 2):
        t0 = time.perf_counter()
        loss = (masks_of(mix)[-1] * mix - target).abs().mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        times.append(time.perf_counter() - t0)
    return statistics.median(times[2:])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--config", required=True)
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--steps", type=int, default=6)
    args = p.parse_args()
    cfg = config_mod.resolve(config_mod.load_file(args.config))
    print(f"{cfg['name']}, batch {args.batch}, CPU (median of {args.steps} steps)")
    for threads in args.threads:
        fp32 = seconds_per_step(cfg, "fp32", threads, args.batch, args.steps)
        bf16 = seconds_per_step(cfg, "bf16", threads, args.batch, args.steps)
        print(f"{threads} thread(s): fp32 {fp32:.3f} s/step, bf16 {bf16:.3f} s/step ({fp32 / bf16:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
