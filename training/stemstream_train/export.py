"""ONNX export and the model package (``model.onnx`` + ``model.json``), the engine's only contract.

The exported graph is :class:`ExportWrapper`: raw magnitude ``[batch, 1, 769, frames]`` named
``magnitude`` -> clipped mask ``[batch, 1, 769, frames]`` named ``mask``; batch is dynamic,
frames fixed at export (64, the chunk size). An ensemble package's graph is ``EnsembleWrapper``
(``ensemble.py``), the mean of several such wrappers, behind the same two names.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import warnings
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import torch

from .model import ExportWrapper, HourglassConfig, count_trainable_params
from .networks import MaskNet, NetConfig, net_config
from .onnx_proto import read_onnx_summary
from .transforms import SignalConfig

if TYPE_CHECKING:
    from .ensemble import EnsembleConfig

FORMAT = "stemstream-model"
FORMAT_VERSION = 1
INPUT_NAME = "magnitude"
OUTPUT_NAME = "mask"


def export_onnx(model: MaskNet, path: str, frames: int = 64, opset: int = 13, mask_power: float = 1.0) -> None:
    """Write ``ExportWrapper(model, mask_power)`` in eval mode to ``path`` (ONNX, dynamic batch axis).

    The caller's ``model`` is not modified (a CPU copy is exported).
    """
    export_graph(export_wrapper(model, mask_power), model.cfg.nb_bins, path, frames, opset)


def export_wrapper(model: MaskNet, mask_power: float = 1.0) -> ExportWrapper:
    """``ExportWrapper`` around a CPU copy of ``model`` in eval mode: the graph a package ships."""
    return ExportWrapper(copy.deepcopy(model).cpu().eval(), mask_power).eval()


def export_graph(graph: torch.nn.Module, nb_bins: int, path: str, frames: int = 64, opset: int = 13) -> None:
    """Trace ``graph`` (magnitude ``[batch, 1, nb_bins, frames]`` -> mask of that shape) to ``path``."""
    dummy = torch.rand(1, 1, nb_bins, frames)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    # The tracer warns about skipped shape checks and prim::Constant shape inference: expected.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            graph,
            (dummy,),
            path,
            input_names=[INPUT_NAME],
            output_names=[OUTPUT_NAME],
            dynamic_axes={INPUT_NAME: {0: "batch"}, OUTPUT_NAME: {0: "batch"}},
            opset_version=opset,
            do_constant_folding=True,
            training=torch.onnx.TrainingMode.EVAL,
        )


def check_feeds(onnx_path: str, signal: SignalConfig) -> None:
    """RuntimeError unless the graph reads ``magnitude`` and writes ``mask``, both ``[batch, 1, bins, chunk]``."""
    summary = read_onnx_summary(onnx_path)
    expected = ["batch", 1, signal.nb_bins, signal.chunk_frames]
    got = [(v.name, v.shape) for v in summary.inputs + summary.outputs]
    if got != [(INPUT_NAME, expected), (OUTPUT_NAME, expected)]:
        raise RuntimeError(f"exported graph has unexpected inputs/outputs: {got}")


def git_commit(repo_dir: Optional[str] = None) -> Optional[str]:
    """HEAD's sha (with ``-dirty`` if the tree has changes), or None outside git / before the first commit."""
    cwd = repo_dir or os.path.dirname(os.path.abspath(__file__))
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=10)
        if sha.returncode != 0:
            return None
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=cwd, capture_output=True, text=True, timeout=10)
        return sha.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def build_manifest(
    config: Union[NetConfig, "EnsembleConfig"],
    trainable_params: int,
    meta: Mapping[str, Any],
    signal: SignalConfig = SignalConfig(),
    opset: int = 13,
    mask_power: float = 1.0,
) -> Dict[str, Any]:
    """The ``model.json`` dict. ``meta`` keys: name, instrument, description, license, training, metrics."""
    name = str(meta.get("name", meta.get("instrument", "model")))
    instrument = str(meta.get("instrument", name))
    shape = ["batch", 1, signal.nb_bins, signal.chunk_frames]
    architecture: Dict[str, Any] = config.to_json()  # starts with its type
    architecture["trainable_params"] = int(trainable_params)
    training: Dict[str, Any] = {
        "data": "",
        "steps": 0,
        "epochs": 0,
        "duration_s": 0,
        "device": "cpu",
        "commit": git_commit(),
        "config": {},
    }
    training.update(dict(meta.get("training", {})))
    output: Dict[str, Any] = {"name": OUTPUT_NAME, "shape": list(shape), "kind": "ratio-mask", "target": "instrument", "range": [0, 1]}
    if mask_power != 1.0:
        output["mask_power"] = mask_power  # informational: the graph already applies it
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": name,
        "instrument": instrument,
        "description": str(meta.get("description", f"{instrument} mask network")),
        "license": str(meta.get("license", "MIT")),
        "signal": signal.to_json(),
        "input": {"name": INPUT_NAME, "shape": shape, "normalisation": "chunk-max", "normalisation_in_model": True},
        "output": output,
        "architecture": architecture,
        "training": training,
        "metrics": dict(meta.get("metrics", {})),
        "onnx": {"file": "model.onnx", "opset": opset},
    }


def write_model_package(
    out_dir: str,
    model: MaskNet,
    config: Optional[NetConfig] = None,
    meta: Optional[Mapping[str, Any]] = None,
    signal: SignalConfig = SignalConfig(),
    opset: int = 13,
    mask_power: float = 1.0,
) -> Dict[str, Any]:
    """Write ``out_dir/model.onnx`` and ``out_dir/model.json``; returns the manifest dict.

    Checks the written graph's feeds (name, ``[batch, 1, 769, chunk_frames]``) before writing the JSON.
    """
    manifest = build_manifest(config or model.cfg, count_trainable_params(model), meta or {}, signal, opset, mask_power)
    return write_graph_package(out_dir, export_wrapper(model, mask_power), manifest, signal, opset)


def write_graph_package(
    out_dir: str,
    graph: torch.nn.Module,
    manifest: Dict[str, Any],
    signal: SignalConfig = SignalConfig(),
    opset: int = 13,
) -> Dict[str, Any]:
    """Trace ``graph`` to ``out_dir/model.onnx``, check its feeds, then write ``manifest`` (from
    ``build_manifest``) as ``out_dir/model.json``; returns it. Both package kinds are written here."""
    os.makedirs(out_dir, exist_ok=True)
    onnx_path = os.path.join(out_dir, "model.onnx")
    export_graph(graph, signal.nb_bins, onnx_path, frames=signal.chunk_frames, opset=opset)
    check_feeds(onnx_path, signal)
    with open(os.path.join(out_dir, "model.json"), "w") as f:
        f.write(dump_json(manifest))
    return manifest


def dump_json(value: Any) -> str:
    """Indented JSON with short scalar lists (shapes, filters) kept on one line."""
    text = json.dumps(value, indent=2)
    # A list of scalars spread over lines -> one line (nested containers are left alone).
    return re.sub(r"\[\s*\n\s*([^\[\]{}]*?)\s*\]", lambda m: "[" + re.sub(r",\s*\n\s*", ", ", m.group(1)) + "]", text) + "\n"


def load_manifest_config(path: str) -> NetConfig:
    """The network config rebuilt from a ``model.json`` (its ``architecture`` object)."""
    with open(path) as f:
        manifest = json.load(f)
    if manifest.get("format") != FORMAT:
        raise ValueError(f"{path}: not a {FORMAT} manifest")
    return net_config(manifest["architecture"])


def export_checkpoint(
    checkpoint: str,
    out_dir: str,
    name: Optional[str] = None,
    instrument: Optional[str] = None,
    description: Optional[str] = None,
    val_dir: Optional[str] = None,
    log: Callable[[str], None] = lambda s: None,
    mask_power: float = 1.0,
    calibration: Optional[Dict[str, Any]] = None,
) -> Dict[str, Any]:
    """Export a training checkpoint as a model package, recording training facts and metrics.

    ``calibration``: the record ``training/eval/calibrate.ts`` writes; its ``mask_power`` is used
    and the record is kept in ``model.json`` under ``training.mask_power_calibration``.

    With ``val_dir``, measures the quick SDR (model and oracle ratio mask) on its tracks (first
    ``val.max_seconds`` of each) and stores them under ``metrics["val-<folder name>"]``.
    ``mask_power`` is baked into the graph (see ``ExportWrapper``) and into those metrics.
    """
    from .checkpoint import latest_val, model_from_checkpoint
    from .data import load_tracks
    from .evaluate import track_sdrs

    if calibration is not None:
        mask_power = float(calibration["mask_power"])

    net, ckpt = model_from_checkpoint(checkpoint)
    cfg = ckpt["config"]
    instrument = instrument or cfg.get("instrument", "guitar")
    name = name or cfg["export"].get("name") or instrument
    metrics: Dict[str, Any] = {}
    if val_dir:
        tracks = load_tracks(val_dir)
        max_s = float(cfg["val"]["max_seconds"])
        log(f"measuring {len(tracks)} validation tracks in {val_dir} ...")
        m: Dict[str, Any] = dict(track_sdrs(net, tracks, max_seconds=max_s, mask_power=mask_power))
        oracle = track_sdrs(None, tracks, max_seconds=max_s)
        m["irm_sdr_quick_instrument_median"] = oracle["sdr_quick_instrument_median"]
        m["irm_sdr_quick_rest_median"] = oracle["sdr_quick_rest_median"]
        last = latest_val(ckpt)
        if last is not None:
            m["val_loss"] = last["val_loss"]
        m["seconds_per_track"] = max_s
        metrics[f"val-{os.path.basename(os.path.normpath(val_dir))}"] = m
    steps = int(ckpt["step"])
    batch = int(cfg["train"]["batch_size"])
    training = {
        "data": cfg["data"].get("description") or f"{cfg['data']['train']} (val {cfg['data']['val']})",
        "steps": steps,
        "epochs": round(steps * batch / float(ckpt.get("epoch_crops", 1)), 3),
        "duration_s": round(float(ckpt.get("elapsed_s", 0.0)), 1),
        "device": ckpt.get("device", "cpu"),
        "commit": ckpt.get("commit"),
        "config": cfg,
        **({"mask_power_calibration": calibration} if calibration is not None else {}),
    }
    description = description or cfg["export"].get("description") or f"{instrument} separation mask ({'stacked hourglass' if isinstance(net.cfg, HourglassConfig) else 'recurrent'}, {count_trainable_params(net):,} params)"
    return write_model_package(
        out_dir,
        net,
        net.cfg,
        {"name": name, "instrument": instrument, "description": description, "license": cfg["export"].get("license", "MIT"), "training": training, "metrics": metrics},
        mask_power=mask_power,
    )


def export_ensemble(
    members: Sequence[Tuple[str, float]],
    out_dir: str,
    name: str,
    instrument: Optional[str] = None,
    description: Optional[str] = None,
    signal: SignalConfig = SignalConfig(),
    opset: int = 13,
) -> Dict[str, Any]:
    """Write a package whose graph averages the masks of ``members``, ``(checkpoint, mask_power)``
    pairs (see ``ensemble.py``). Members must agree on the instrument; ``model.json`` records each
    member's network, mask power, checkpoint and steps."""
    from .checkpoint import model_from_checkpoint
    from .ensemble import EnsembleConfig, EnsembleMember, EnsembleWrapper

    wrappers: List[ExportWrapper] = []
    records: List[EnsembleMember] = []
    datas: List[str] = []
    instruments = set()
    duration = 0.0
    for path, power in members:
        net, ckpt = model_from_checkpoint(path)
        if net.cfg.nb_bins != signal.nb_bins:
            raise ValueError(f"{path}: {net.cfg.nb_bins} bins, the signal has {signal.nb_bins}")
        cfg = ckpt["config"]
        instruments.add(cfg.get("instrument", "guitar"))
        wrappers.append(export_wrapper(net, power))
        params = count_trainable_params(net)
        records.append(EnsembleMember({**net.cfg.to_json(), "trainable_params": params}, float(power), os.path.normpath(path), int(ckpt["step"])))
        data = cfg["data"].get("description") or str(cfg["data"]["train"])
        if data not in datas:
            datas.append(data)
        duration += float(ckpt.get("elapsed_s", 0.0))
    if instrument is None:
        if len(instruments) != 1:
            raise ValueError(f"members disagree on the instrument ({', '.join(sorted(instruments))}); name one")
        instrument = instruments.pop()
    total = sum(r.architecture["trainable_params"] for r in records)
    training = {"data": " + ".join(datas), "steps": sum(r.steps for r in records), "duration_s": round(duration, 1)}
    description = description or f"{instrument} separation mask (mean of {len(records)} networks, {total:,} params)"
    meta = {"name": name, "instrument": instrument, "description": description, "training": training}
    manifest = build_manifest(EnsembleConfig(records), total, meta, signal, opset)
    return write_graph_package(out_dir, EnsembleWrapper(wrappers).eval(), manifest, signal, opset)
