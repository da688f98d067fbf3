"""Training configuration: defaults, YAML/JSON files and ``key.path=value`` overrides.

A config is a plain nested dict (saved verbatim in checkpoints and model.json). Sections:
``data``, ``model`` (``type`` and that network's config fields, networks.py), ``loss`` (``LossConfig``), ``train``, ``val``,
``export``. Unknown keys are rejected so a typo never silently trains the wrong thing.
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import asdict
from typing import Any, Dict, Iterable, Mapping

from .data import AugmentConfig
from .losses import LossConfig
from .networks import NetConfig, default_section, net_config, net_type
from .schedule import SCHEDULES

PRECISIONS = ("fp32", "bf16")

DEFAULTS: Dict[str, Any] = {
    "name": "run",
    "instrument": "guitar",
    "seed": 0,
    "runs_dir": "runs",
    "data": {
        "train": "data/tracks_22050hz",
        "val": None,
        "max_tracks": None,
        "cache": "auto",  # audio | stft | auto
        "cache_limit_gb": 2.0,
        "augment": asdict(AugmentConfig()),
        "description": "",
    },
    "model": default_section("hourglass"),  # replaced by the defaults of the type a layer names
    "loss": asdict(LossConfig()),
    "train": {
        "batch_size": 4,
        "lr": 1e-4,
        "lr_schedule": "constant",  # constant | cosine (see schedule.py)
        "lr_final": 1e-6,  # cosine: the lr reached at train.steps
        "decay_start": 0,  # cosine: the step the decay starts from (e.g. where a resumed run picks up)
        "steps": 100000,
        "frames": 64,
        "log_every": 10,
        "val_every": 500,
        "checkpoint_every": 500,
        "patience": 10,  # validations without improvement before stopping; 0 = never
        "device": "auto",  # auto | cpu | cuda | cuda:N
        "threads": 0,  # torch CPU threads; 0 = torch default
        "grad_clip": 0.0,  # max grad norm; 0 = off
        "max_minutes": 0.0,  # wall-clock budget for this run; 0 = none
        # A fresh run sets train.steps from its own speed so the schedule ends with max_minutes
        # (measured over the steps after the first log window; recorded, so a resume keeps it).
        "fit_steps_to_minutes": False,
        "ema": 0.0,  # decay of the weight average validated and exported (e.g. 0.999); 0 = raw weights
        # The training forward pass in bfloat16 (autocast; weights, Adam and the loss stay float32):
        # ~1.5x the steps per second at batch 4 on a CPU with AVX512-BF16 (training/README.md).
        "precision": "fp32",  # fp32 | bf16
    },
    "val": {
        "crop_batches": 8,  # fixed crops for the validation loss (batches of train.batch_size)
        "sdr_tracks": 4,  # tracks for the quick SDR (0 = skip)
        "max_seconds": 30.0,  # per SDR track
    },
    "export": {
        "dir": None,
        "name": None,
        "description": "",
        "license": "MIT",
    },
}


class ConfigError(ValueError):
    """Invalid training configuration (unknown key, wrong type, bad value)."""


def _merge(base: Dict[str, Any], update: Mapping[str, Any], path: str = "") -> None:
    for key, value in update.items():
        where = f"{path}{key}"
        if key not in base:
            # The model section holds one network type's keys (a file for one type and --set model.type of another do not mix).
            kind = f" for model.type {base.get('type')!r}" if path == "model." else ""
            raise ConfigError(f"unknown config key {where!r}{kind}")
        if isinstance(base[key], dict):
            if not isinstance(value, Mapping):
                raise ConfigError(f"config key {where!r} must be a mapping")
            _merge(base[key], value, where + ".")
        else:
            base[key] = copy.deepcopy(value)


def parse_value(text: str) -> Any:
    """A ``--set`` value: JSON, else YAML (``[8, 16]``, ``null``, ``true``), else the string.
    Numbers such as ``3e-4`` (a string in YAML 1.1) become floats."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        import yaml

        value = yaml.safe_load(text)
    except Exception:  # noqa: BLE001 - not YAML either: keep the raw string
        return text
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def apply_overrides(cfg: Dict[str, Any], overrides: Iterable[str]) -> None:
    """Apply ``a.b.c=value`` strings in place."""
    for item in overrides:
        if "=" not in item:
            raise ConfigError(f"override {item!r} must look like key.path=value")
        key, text = item.split("=", 1)
        update: Dict[str, Any] = {}
        node = update
        parts = key.strip().split(".")
        for p in parts[:-1]:
            node[p] = {}
            node = node[p]
        node[parts[-1]] = parse_value(text)
        _merge(cfg, update)


def load_file(path: str) -> Dict[str, Any]:
    """Read a YAML (``.yaml``/``.yml``) or JSON config file."""
    with open(path) as f:
        text = f.read()
    if path.endswith((".yaml", ".yml")):
        import yaml

        data = yaml.safe_load(text) or {}
    else:
        data = json.loads(text)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: top level must be a mapping")
    return data


def _named_type(layers: Iterable[Mapping[str, Any]], overrides: Iterable[str]) -> str:
    """The last ``model.type`` a layer or an override names (default hourglass)."""
    kind = "hourglass"
    for layer in layers:
        model = layer.get("model")
        if isinstance(model, Mapping) and "type" in model:
            kind = model["type"]
    for item in overrides:
        key, _, text = item.partition("=")
        if key.strip() == "model.type":
            kind = parse_value(text)
    try:
        net_type({"type": kind})
    except ValueError as e:
        raise ConfigError(str(e)) from e
    return kind


def resolve(*layers: Mapping[str, Any], overrides: Iterable[str] = ()) -> Dict[str, Any]:
    """Defaults <- each layer <- overrides, validated. Returns a new dict. The ``model`` section
    starts from the defaults of the network type named (``model.type``), so each type's keys are
    checked against its own."""
    overrides = list(overrides)
    cfg = copy.deepcopy(DEFAULTS)
    cfg["model"] = default_section(_named_type(layers, overrides))
    for layer in layers:
        _merge(cfg, layer)
    apply_overrides(cfg, overrides)
    validate(cfg)
    return cfg


def validate(cfg: Dict[str, Any]) -> None:
    """Build the typed configs once so bad values fail before any data is loaded (coerces train.lr)."""
    try:
        model_cfg(cfg)
        loss_cfg(cfg)
        augment_cfg(cfg)
    except (TypeError, ValueError) as e:
        raise ConfigError(str(e)) from e
    t = cfg["train"]
    for key in ("batch_size", "steps", "frames", "log_every", "val_every", "checkpoint_every"):
        if not isinstance(t[key], int) or t[key] < 1:
            raise ConfigError(f"train.{key} must be a positive integer, got {t[key]!r}")
    if t["frames"] % model_cfg(cfg).frame_multiple:
        raise ConfigError(f"train.frames={t['frames']} must be a multiple of {model_cfg(cfg).frame_multiple} (2**levels)")
    for key in ("lr", "ema", "lr_final"):
        try:
            t[key] = float(t[key])  # YAML 1.1 reads "1e-4" as a string
        except (TypeError, ValueError):
            raise ConfigError(f"train.{key} must be a number, got {t[key]!r}") from None
    if not t["lr"] > 0:
        raise ConfigError("train.lr must be > 0")
    if t["lr_schedule"] not in SCHEDULES:
        raise ConfigError(f"train.lr_schedule must be one of {', '.join(SCHEDULES)}, got {t['lr_schedule']!r}")
    if t["lr_schedule"] == "cosine" and not 0.0 <= t["lr_final"] <= t["lr"]:
        raise ConfigError(f"train.lr_final must be in [0, train.lr], got {t['lr_final']}")
    if not isinstance(t["decay_start"], int) or not 0 <= t["decay_start"] < t["steps"]:
        raise ConfigError(f"train.decay_start must be an integer step below train.steps, got {t['decay_start']!r}")
    if not isinstance(t["fit_steps_to_minutes"], bool):
        raise ConfigError(f"train.fit_steps_to_minutes must be true or false, got {t['fit_steps_to_minutes']!r}")
    if t["fit_steps_to_minutes"] and not float(t["max_minutes"]) > 0:
        raise ConfigError("train.fit_steps_to_minutes needs train.max_minutes > 0")
    if t["precision"] not in PRECISIONS:
        raise ConfigError(f"train.precision must be one of {', '.join(PRECISIONS)}, got {t['precision']!r}")
    if not 0.0 <= t["ema"] < 1.0:
        raise ConfigError(f"train.ema must be in [0, 1), got {t['ema']}")
    if cfg["data"]["cache"] not in ("audio", "stft", "auto"):
        raise ConfigError("data.cache must be audio, stft or auto")
    if not isinstance(cfg["name"], str) or not cfg["name"] or os.sep in cfg["name"]:
        raise ConfigError("name must be a non-empty string without '/'")


def model_cfg(cfg: Mapping[str, Any]) -> NetConfig:
    return net_config(cfg["model"])


def loss_cfg(cfg: Mapping[str, Any]) -> LossConfig:
    return LossConfig(**cfg["loss"])


def augment_cfg(cfg: Mapping[str, Any]) -> AugmentConfig:
    return AugmentConfig(**cfg["data"]["augment"])
