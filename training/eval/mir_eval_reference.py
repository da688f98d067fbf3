#!/usr/bin/python3
"""Reference BSS-eval numbers from mir_eval for the TypeScript parity test.

Usage: /usr/bin/python3 mir_eval_reference.py MANIFEST.json  > results.json

MANIFEST: {"cases": [{"name", "nbSources", "nbSamples", "references", "estimates",
"computePermutation"}]} where references/estimates are paths of raw little-endian float64 files,
source-major (nbSources rows of nbSamples). Prints one JSON object {"results": [{"name", "sdr",
"sir", "sar", "perm"} | {"name", "error"}]}; non-finite numbers are written as the strings
"Infinity", "-Infinity", "NaN" (JSON has no literal for them).
"""
import json
import sys

import numpy as np
import mir_eval


def _num(x):
    x = float(x)
    if np.isnan(x):
        return "NaN"
    if np.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def main(manifest_path):
    with open(manifest_path) as f:
        manifest = json.load(f)
    results = []
    for case in manifest["cases"]:
        shape = (case["nbSources"], case["nbSamples"])
        refs = np.fromfile(case["references"], dtype="<f8").reshape(shape)
        ests = np.fromfile(case["estimates"], dtype="<f8").reshape(shape)
        try:
            sdr, sir, sar, perm = mir_eval.separation.bss_eval_sources(
                refs, ests, compute_permutation=bool(case["computePermutation"]))
        except ValueError as e:
            results.append({"name": case["name"], "error": str(e)})
            continue
        results.append({
            "name": case["name"],
            "sdr": [_num(v) for v in sdr],
            "sir": [_num(v) for v in sir],
            "sar": [_num(v) for v in sar],
            "perm": [int(v) for v in perm],
        })
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
