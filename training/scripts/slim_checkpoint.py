#!/usr/bin/python3
"""Keep what export needs from a checkpoint (weights, config, step, history), without the Adam
state and RNG: small enough to come back from the accelerator machine (its files return at most
16 MiB each), and exported here with export_package.py as any checkpoint.

    python3 training/scripts/slim_checkpoint.py --checkpoint runs/x/last.pt --out x-slim.pt [--half]

``--half`` stores the weights as float16 (a thesis-size model: 31 MB -> 15 MB); loading casts them
back to float32 (load_state_dict copies into the float32 parameters).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import torch  # noqa: E402

from stemstream_train.checkpoint import load_checkpoint, save_checkpoint, shipped_weights  # noqa: E402

KEPT = ("config", "step", "history", "best_val", "elapsed_s", "device", "commit", "epoch_crops")


def slim(ckpt: dict, half: bool = False) -> dict:
    """The shipped weights (the average when there is one) as ``model``, plus the ``KEPT`` fields."""
    weights = {k: (v.half() if half and v.is_floating_point() else v).cpu() for k, v in shipped_weights(ckpt).items()}
    return {"model": weights, **{k: ckpt[k] for k in KEPT if k in ckpt}}


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description="Strip a checkpoint to what export needs.")
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--half", action="store_true", help="store float weights as float16")
    args = p.parse_args(argv)
    try:
        save_checkpoint(args.out, slim(load_checkpoint(args.checkpoint), args.half))
    except (FileNotFoundError, KeyError) as e:
        print(f"slim_checkpoint: {e}", file=sys.stderr)
        return 2
    print(f"wrote {args.out} ({os.path.getsize(args.out) / 2**20:.1f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
