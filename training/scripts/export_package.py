#!/usr/bin/python3
"""Export a training checkpoint as a stemstream model package (model.onnx + model.json).

    /usr/bin/python3 training/scripts/export_package.py --checkpoint runs/guitar-small/best.pt \
        --out models/guitar --name guitar --instrument guitar [--val data/val] [--description "..."]
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from stemstream_train.data import DatasetError  # noqa: E402
from stemstream_train.export import export_checkpoint  # noqa: E402


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="Export a checkpoint as a model package.")
    p.add_argument("--checkpoint", required=True, help="runs/<name>/best.pt or last.pt")
    p.add_argument("--out", required=True, help="package folder (model.onnx, model.json)")
    p.add_argument("--name", help="model name (default: config export.name or the instrument)")
    p.add_argument("--instrument", help="instrument (default: from the checkpoint's config)")
    p.add_argument("--description", help="one line for model.json")
    p.add_argument("--val", help="validation folder: record quick SDR metrics in model.json")
    p.add_argument("--mask-power", type=float, default=1.0, help="raise the mask to this power in the graph (calibrated on training-family songs; default 1)")
    return p


def main(argv: Optional[List[str]] = None) -> int:
    args = get_parser().parse_args(argv)
    try:
        manifest = export_checkpoint(args.checkpoint, args.out, args.name, args.instrument, args.description, args.val, log=print, mask_power=args.mask_power)
    except (FileNotFoundError, DatasetError) as e:
        print(f"export_package: {e}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}/model.onnx and model.json ({manifest['architecture']['trainable_params']:,} params)")
    for key, values in manifest["metrics"].items():
        print(f"  {key}: " + ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in values.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
