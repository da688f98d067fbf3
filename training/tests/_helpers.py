"""Shared test helpers: import path, thread count, tiny configs."""

import os
import sys
import warnings

TESTS = os.path.dirname(os.path.abspath(__file__))
TRAINING = os.path.dirname(TESTS)
REPO = os.path.dirname(TRAINING)
if TRAINING not in sys.path:
    sys.path.insert(0, TRAINING)

import torch  # noqa: E402

# One thread: on this shared 2-core box, 2 OpenMP threads under load were 2-4x slower.
torch.set_num_threads(int(os.environ.get("STEMSTREAM_TORCH_THREADS", "1")))
# torch.onnx tracer warnings are expected (shape checks are skipped while tracing).
warnings.filterwarnings("ignore", category=UserWarning)
warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)

from stemstream_train.model import HourglassConfig  # noqa: E402


def tiny_config(**overrides) -> HourglassConfig:
    """A 4-8-8-8-8 / f 8 hourglass: builds and runs in milliseconds."""
    kw = dict(initial_filters=(4, 8, 8, 8, 8), hourglass_filters=8, end_filters=(8, 8))
    kw.update(overrides)
    return HourglassConfig(**kw)


def write_dataset(root: str, nb_tracks: int = 4, seconds: float = 3.0, seed: int = 0, sample_rate: int = 22050, prefix: str = "song") -> str:
    """Write ``root/tracks_22050hz/<track>/{instrument,rest}_<track>.wav``: the instrument is a
    harmonic tone changing pitch every 0.25 s, the rest is noise plus a low sine. Track 0 is int16
    stereo, the others float32 mono (both loader paths). Returns ``root``."""
    import numpy as np
    from scipy.io import wavfile

    rng = np.random.default_rng(seed)
    n = int(seconds * sample_rate)
    t = np.arange(n) / sample_rate
    for k in range(nb_tracks):
        name = f"{prefix}{k}"
        d = os.path.join(root, "tracks_22050hz", name)
        os.makedirs(d, exist_ok=True)
        seg = int(0.25 * sample_rate)
        f0 = np.repeat(rng.choice([196.0, 247.0, 294.0, 330.0, 392.0, 440.0], size=n // seg + 1), seg)[:n]
        phase = 2 * np.pi * np.cumsum(f0) / sample_rate
        inst = sum(0.25 / h * np.sin(h * phase) for h in range(1, 6))
        inst *= 0.5 + 0.5 * (np.arange(n) % seg < 0.8 * seg)  # note gaps
        rest = 0.05 * rng.standard_normal(n) + 0.2 * np.sin(2 * np.pi * (55.0 + 10 * k) * t)
        if k == 0:
            to16 = lambda a: (np.clip(a, -1, 1) * 32767).astype(np.int16)  # noqa: E731
            wavfile.write(os.path.join(d, f"instrument_{name}.wav"), sample_rate, np.stack([to16(inst), to16(inst)], axis=1))
            wavfile.write(os.path.join(d, f"rest_{name}.wav"), sample_rate, np.stack([to16(rest), to16(rest)], axis=1))
        else:
            wavfile.write(os.path.join(d, f"instrument_{name}.wav"), sample_rate, inst.astype(np.float32))
            wavfile.write(os.path.join(d, f"rest_{name}.wav"), sample_rate, rest.astype(np.float32))
    return root
