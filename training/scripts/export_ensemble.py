#!/usr/bin/python3
"""Export several training checkpoints as one model package whose graph averages their masks.

    /usr/bin/python3 training/scripts/export_ensemble.py --out models/guitar-ens --name guitar-ens \
        --member training/checkpoints/guitar-live-s6/last.pt@0.5 --member runs/grec-0/last.pt@0.7

``CHECKPOINT@POWER``: each member's mask power (its calibration, ``training/eval/calibrate.ts``);
without ``@POWER``, 1.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from stemstream_train.export import export_ensemble  # noqa: E402


def parse_member(text: str) -> Tuple[str, float]:
    """``path[@power]`` -> ``(path, power)``; ValueError on a power outside (0, 4]."""
    path, sep, power_text = text.rpartition("@")
    if not sep:
        return text, 1.0
    try:
        power = float(power_text)
    except ValueError:
        raise ValueError(f"--member {text}: mask power {power_text!r} is not a number") from None
    if not 0 < power <= 4:
        raise ValueError(f"--member {text}: mask power must be in (0, 4]")
    return path, power


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="Export checkpoints as one package that averages their masks.")
    p.add_argument("--member", action="append", required=True, metavar="CHECKPOINT[@POWER]", help="a member (twice or more)")
    p.add_argument("--out", required=True, help="package folder (model.onnx, model.json)")
    p.add_argument("--name", required=True, help="model name")
    p.add_argument("--instrument", help="instrument (default: the members')")
    p.add_argument("--description", help="one line for model.json")
    return p


def main(argv: Optional[List[str]] = None) -> int:
    args = get_parser().parse_args(argv)
    try:
        members = [parse_member(m) for m in args.member]
        manifest = export_ensemble(members, args.out, args.name, args.instrument, args.description)
    except (FileNotFoundError, ValueError) as e:
        print(f"export_ensemble: {e}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}/model.onnx and model.json ({len(members)} members, {manifest['architecture']['trainable_params']:,} params)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
