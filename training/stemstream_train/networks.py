"""Which mask network a config names: ``model.type`` is ``hourglass`` (the thesis', default) or
``recurrent`` (open-unmix's layout). Both map ``[nb_samples, 1, 769, nb_frames]`` normalised
magnitude to a mask of that shape, so everything past construction is shared."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Union

from .model import HourglassConfig, HourglassNet
from .recurrent import RecurrentConfig, RecurrentMaskNet

NetConfig = Union[HourglassConfig, RecurrentConfig]
MaskNet = Union[HourglassNet, RecurrentMaskNet]
TYPES = ("hourglass", "recurrent")


def net_type(section: Mapping[str, Any]) -> str:
    """The ``type`` of a ``model`` config section or ``model.json`` architecture (missing: hourglass,
    as every package before the recurrent network)."""
    kind = section.get("type", "hourglass")
    if kind not in TYPES:
        raise ValueError(f"model.type must be one of {', '.join(TYPES)}, got {kind!r}")
    return kind


def default_section(kind: str) -> Dict[str, Any]:
    """The defaults of one network type as a config section (with its ``type``)."""
    return net_config({"type": kind}).to_json()


def net_config(section: Mapping[str, Any]) -> NetConfig:
    """The typed config of a ``model`` section or a ``model.json`` architecture."""
    if net_type(section) == "recurrent":
        return RecurrentConfig.from_json(section)
    return HourglassConfig.from_json(section)


def build_net(cfg: NetConfig) -> MaskNet:
    """A freshly initialised network for ``cfg``."""
    return RecurrentMaskNet(cfg) if isinstance(cfg, RecurrentConfig) else HourglassNet(cfg)
