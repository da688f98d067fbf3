#!/usr/bin/python3
"""Export a training checkpoint as a stemstream model package (model.onnx + model.json).

    /usr/bin/python3 training/scripts/export_package.py --checkpoint runs/guitar-small/best.pt \
        --out models/guitar --name guitar --instrument guitar [--val data/val] [--description "..."]
"""

from __future__ import annotations

import argparse
import json
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
    g = p.add_mutually_exclusive_group()
    g.add_argument("--mask-power", type=float, default=1.0, help="raise the mask to this power in the graph (default 1)")
    g.add_argument("--calibration", help="calibration.json from training/eval/calibrate.ts: its mask power, recorded in model.json")
    return p


def load_calibration(path: str) -> dict:
    """The calibration record; ValueError unless it names a mask power in (0, 4]."""
    with open(path) as f:
        record = json.load(f)
    power = record.get("mask_power") if isinstance(record, dict) else None
    if not isinstance(power, (int, float)) or isinstance(power, bool) or not 0 < power <= 4:
        raise ValueError(f"{path}: not a calibration record (needs mask_power in (0, 4])")
    return record


def main(argv: Optional[List[str]] = None) -> int:
    args = get_parser().parse_args(argv)
    try:
        calibration = load_calibration(args.calibration) if args.calibration else None
        manifest = export_checkpoint(args.checkpoint, args.out, args.name, args.instrument, args.description, args.val, log=print, mask_power=args.mask_power, calibration=calibration)
    except (FileNotFoundError, DatasetError, ValueError) as e:
        print(f"export_package: {e}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}/model.onnx and model.json ({manifest['architecture']['trainable_params']:,} params)")
    for key, values in manifest["metrics"].items():
        print(f"  {key}: " + ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in values.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
