"""Checkpoints: ``runs/<name>/last.pt`` and ``best.pt``.

Contents: ``model`` and ``optimizer`` state dicts, ``ema`` (the weight average, when
``train.ema`` is on: what validation scores and export ships), ``step`` (steps completed), ``config`` (the
resolved config dict), ``history`` (log records), ``rng`` (torch CPU/CUDA states, so dropout
continues exactly after ``--resume``), ``best_val``, ``bad_checks``, ``elapsed_s``, ``device``.
"""

from __future__ import annotations

import os
from typing import Any, Dict, Optional, Tuple

import torch

from .config import model_cfg
from .networks import MaskNet, build_net


def save_checkpoint(path: str, state: Dict[str, Any]) -> None:
    """Write atomically (temp file + rename) so a kill mid-write never leaves a torn checkpoint."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)


def load_checkpoint(path: str, map_location: str = "cpu") -> Dict[str, Any]:
    if not os.path.exists(path):
        raise FileNotFoundError(f"checkpoint not found: {path}")
    try:
        # torch >= 2.6 defaults to weights_only=True; our checkpoints are our own files.
        return torch.load(path, map_location=map_location, weights_only=False)
    except TypeError:  # torch < 1.13 has no weights_only
        return torch.load(path, map_location=map_location)


def rng_state() -> Dict[str, Any]:
    state: Dict[str, Any] = {"torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: Dict[str, Any]) -> None:
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def model_from_checkpoint(path_or_state: Any) -> Tuple[MaskNet, Dict[str, Any]]:
    """``(net in eval mode on CPU, checkpoint dict)`` from a path or an already loaded dict."""
    ckpt: Dict[str, Any] = load_checkpoint(path_or_state) if isinstance(path_or_state, str) else path_or_state
    net = build_net(model_cfg(ckpt["config"]))
    net.load_state_dict(shipped_weights(ckpt))
    return net.eval(), ckpt


def shipped_weights(ckpt: Dict[str, Any]) -> Dict[str, Any]:
    """The weights a checkpoint is scored and exported with: the average when it has one."""
    return ckpt.get("ema") or ckpt["model"]


def latest_val(ckpt: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The last validation record in the checkpoint's history (None without validation)."""
    vals = [h for h in ckpt.get("history", []) if h.get("kind") == "val"]
    return vals[-1] if vals else None
