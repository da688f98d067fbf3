"""Learning-rate schedule: a pure function of the step, so a resumed run follows the same curve.

``constant``: ``train.lr`` throughout. ``cosine``: ``train.lr`` until ``train.decay_start``, then a
half cosine down to ``train.lr_final`` at ``train.steps`` (the annealing a small model at batch 4
needs: a constant Adam step keeps its weights jumping around the minimum).
"""

from __future__ import annotations

import math
from typing import Any, Mapping

SCHEDULES = ("constant", "cosine")


def fitted_steps(step: int, sec_per_step: float, seconds_left: float, decay_start: int = 0, margin: float = 0.97) -> int:
    """``train.steps`` for a run at ``step`` that takes ``sec_per_step`` and has ``seconds_left``
    (``train.fit_steps_to_minutes``): what fits, less a margin, and never at or before the current
    step or the start of the decay."""
    fit = step + int(margin * max(0.0, seconds_left) / max(sec_per_step, 1e-9))
    return max(step + 1, decay_start + 1, fit)


def lr_at(step: int, train: Mapping[str, Any]) -> float:
    """The learning rate for the update that takes the weights from ``step`` to ``step + 1``."""
    lr = float(train["lr"])
    if train["lr_schedule"] == "constant":
        return lr
    start, end, final = int(train["decay_start"]), int(train["steps"]), float(train["lr_final"])
    if step <= start:
        return lr
    progress = min(1.0, (step - start) / max(1, end - start))
    return final + 0.5 * (lr - final) * (1.0 + math.cos(math.pi * progress))
