"""Training data: tracks on disk -> random 64-frame magnitude crops across all songs.

Layout (data engineer's generator): ``<root>/[tracks_22050hz/]<track>/instrument_<track>.wav`` and
``rest_<track>.wav`` (float or integer PCM, mono or stereo, 22050 Hz). mix = instrument + rest.

Crops are exactly frames of the full-track centred STFT (reflect padding is applied once to the
whole track, so a crop never sees artificial edges). Batches are a pure function of
``(seed, step)``: resuming at step k reproduces the data stream an uninterrupted run would see.

Shapes: batches are ``[nb_samples, 1, nb_bins, nb_frames]`` float32 linear magnitudes.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from scipy.io import wavfile

from .transforms import SignalConfig, make_filterbanks


class DatasetError(ValueError):
    """A dataset on disk that cannot be used (missing stems, wrong rate, unreadable file)."""


@dataclass
class Track:
    """One song: mono float32 audio, each reflect-padded by n_fft/2 on both sides."""

    name: str
    instrument: torch.Tensor  # [nb_timesteps + n_fft]
    rest: torch.Tensor  # [nb_timesteps + n_fft]
    nb_timesteps: int
    nb_frames: int  # of the full-track centred STFT


@dataclass
class Batch:
    """Magnitudes ``[nb_samples, 1, nb_bins, nb_frames]``: mix = |STFT(inst + rest)|; and the
    complex STFTs of mix and target (for the phase-aware loss)."""

    mix: torch.Tensor
    target: torch.Tensor
    rest: torch.Tensor
    mix_c: Optional[torch.Tensor] = None
    target_c: Optional[torch.Tensor] = None


@dataclass
class AugmentConfig:
    """Per-item augmentation. ``gain_db``: each stem's gain uniform in ±gain_db; ``remix_p``: the
    probability that the rest comes from another random song (at a random position);
    ``eq_db``/``eq_bands``/``eq_tilt_db``: a random EQ per stem (``eq_bands`` bell curves of up to
    ±eq_db and a tilt of up to ±eq_tilt_db per octave), so that a timbre is not learnt by its
    spectral envelope alone: unseen sample families differ from the training ones mostly there."""

    gain_db: float = 6.0
    remix_p: float = 0.5
    eq_db: float = 0.0
    eq_bands: int = 3
    eq_tilt_db: float = 0.0


def random_eq(rng: np.random.Generator, freqs_hz: np.ndarray, cfg: AugmentConfig) -> np.ndarray:
    """Linear gain per frequency of one random EQ (all ones when ``eq_db`` and ``eq_tilt_db`` are 0).
    Bells are Gaussian in log-frequency (centre 80 Hz-8 kHz, width 0.25-1.5 octaves); the tilt
    pivots at 1 kHz. Smooth in frequency, so applying it to an STFT is a short linear filter and
    the mix of filtered stems stays their exact sum."""
    octaves = np.log2(np.maximum(freqs_hz, 20.0) / 1000.0)
    db = rng.uniform(-1.0, 1.0) * cfg.eq_tilt_db * octaves
    for _ in range(cfg.eq_bands if cfg.eq_db > 0 else 0):
        centre = rng.uniform(np.log2(80 / 1000), np.log2(8000 / 1000))
        width = rng.uniform(0.25, 1.5)
        db = db + rng.uniform(-1.0, 1.0) * cfg.eq_db * np.exp(-0.5 * ((octaves - centre) / width) ** 2)
    return (10.0 ** (db / 20.0)).astype(np.float32)


def _window(signal: SignalConfig) -> torch.Tensor:
    """The analysis window of ``transforms.make_filterbanks`` (one factory), float32."""
    return make_filterbanks(signal)[0].window.detach().to(torch.float32)


def find_tracks(root: str) -> List[Tuple[str, str, str]]:
    """``[(track, instrument_path, rest_path)]`` sorted by name. ``root`` may be the dataset root
    (containing ``tracks_22050hz``) or the tracks folder itself."""
    if not os.path.isdir(root):
        raise DatasetError(f"dataset folder not found: {root}")
    sub = os.path.join(root, "tracks_22050hz")
    base = sub if os.path.isdir(sub) else root
    found: List[Tuple[str, str, str]] = []
    for name in sorted(os.listdir(base)):
        d = os.path.join(base, name)
        if not os.path.isdir(d):
            continue
        inst = os.path.join(d, f"instrument_{name}.wav")
        rest = os.path.join(d, f"rest_{name}.wav")
        if os.path.exists(inst) and os.path.exists(rest):
            found.append((name, inst, rest))
        elif os.path.exists(inst) or os.path.exists(rest):
            warnings.warn(f"{d}: needs both instrument_{name}.wav and rest_{name}.wav; skipped")
    if not found:
        raise DatasetError(f"no tracks in {base} (expected <track>/instrument_<track>.wav and rest_<track>.wav)")
    return found


def load_wav_mono(path: str, sample_rate: int = 22050) -> np.ndarray:
    """``[nb_timesteps]`` float32 in [-1, 1]: integer PCM scaled, channels averaged."""
    try:
        rate, data = wavfile.read(path)
    except (OSError, ValueError) as e:
        raise DatasetError(f"{path}: unreadable WAV ({e})") from e
    if rate != sample_rate:
        raise DatasetError(f"{path}: sample rate {rate} Hz, expected {sample_rate} Hz (resample the dataset first)")
    if data.dtype == np.uint8:
        audio = (data.astype(np.float32) - 128.0) / 128.0
    elif data.dtype.kind == "i":
        audio = data.astype(np.float32) / float(2 ** (8 * data.dtype.itemsize - 1))
    else:
        audio = data.astype(np.float32)
    if audio.ndim == 2:
        audio = audio.mean(axis=1)
    return np.ascontiguousarray(audio, dtype=np.float32)


def load_track(name: str, inst_path: str, rest_path: str, signal: SignalConfig) -> Track:
    inst = load_wav_mono(inst_path, signal.sample_rate)
    rest = load_wav_mono(rest_path, signal.sample_rate)
    n = min(len(inst), len(rest))
    if abs(len(inst) - len(rest)) > signal.hop_length:
        warnings.warn(f"{name}: instrument has {len(inst)} samples, rest {len(rest)}; truncated to {n}")
    half = signal.n_fft // 2
    if n <= half:
        raise DatasetError(f"{name}: only {n} samples, too short for n_fft {signal.n_fft}")
    pad = lambda a: torch.from_numpy(np.pad(a[:n], half, mode="reflect").astype(np.float32))  # noqa: E731
    return Track(name, pad(inst), pad(rest), n, n // signal.hop_length + 1)


def load_tracks(root: Union[str, Sequence[str]], signal: SignalConfig = SignalConfig(), max_tracks: Optional[int] = None) -> List[Track]:
    """Tracks of one dataset folder, or of several (e.g. a soundfont set and a waveguide set)."""
    roots = [root] if isinstance(root, str) else list(root)
    entries = [e for r in roots for e in find_tracks(r)]
    names = [n for n, _, _ in entries]
    if len(set(names)) < len(names):
        raise DatasetError("the same track name appears in two dataset folders")
    if max_tracks is not None:
        entries = entries[:max_tracks]
    return [load_track(n, i, r, signal) for n, i, r in entries]


class CropDataset:
    """Random ``nb_frames`` crops across all songs with augmentation.

    Every frame position of every song is equally likely (songs weighted by length). ``cache``:
    ``"audio"`` keeps padded mono audio and computes crop STFTs on the fly (small, ~4x less memory);
    ``"stft"`` precomputes complex STFTs (faster, more memory); ``"auto"`` picks stft when it fits
    in ``cache_limit_gb``. Both give the same crops.
    """

    def __init__(
        self,
        tracks: Sequence[Track],
        signal: SignalConfig = SignalConfig(),
        nb_frames: int = 64,
        augment: Optional[AugmentConfig] = None,
        seed: int = 0,
        cache: str = "auto",
        cache_limit_gb: float = 2.0,
    ) -> None:
        self.tracks = [t for t in tracks if t.nb_frames >= nb_frames]
        if len(self.tracks) < len(tracks):
            warnings.warn(f"{len(tracks) - len(self.tracks)} tracks shorter than {nb_frames} frames skipped")
        if not self.tracks:
            raise DatasetError(f"no track has {nb_frames} frames ({nb_frames * signal.hop_length / signal.sample_rate:.2f} s)")
        self.signal = signal
        self.nb_frames = nb_frames
        self.augment = augment or AugmentConfig(gain_db=0.0, remix_p=0.0)
        self.seed = seed
        self.window = _window(signal)
        self.freqs = np.arange(signal.nb_bins) * signal.sample_rate / signal.n_fft
        self.positions = np.array([t.nb_frames - nb_frames + 1 for t in self.tracks], dtype=np.int64)
        self.weights = self.positions / self.positions.sum()
        stft_bytes = sum(2 * t.nb_frames * signal.nb_bins * 8 for t in self.tracks)
        if cache not in ("audio", "stft", "auto"):
            raise ValueError(f"cache must be audio|stft|auto, got {cache!r}")
        self.cache = cache if cache != "auto" else ("stft" if stft_bytes < cache_limit_gb * 2**30 else "audio")
        self._spec: List[Tuple[torch.Tensor, torch.Tensor]] = []
        if self.cache == "stft":
            for t in self.tracks:
                self._spec.append((self._stft(t.instrument[None])[0], self._stft(t.rest[None])[0]))

    def __len__(self) -> int:
        """Number of songs."""
        return len(self.tracks)

    @property
    def nb_crops(self) -> int:
        """Distinct crop positions over all songs."""
        return int(self.positions.sum())

    def _stft(self, padded: torch.Tensor) -> torch.Tensor:
        """``[n, samples]`` already reflect-padded -> complex ``[n, nb_bins, frames]`` (center=False)."""
        return torch.stft(padded, self.signal.n_fft, self.signal.hop_length, window=self.window, center=False, return_complex=True)

    def _crop(self, track: int, frame: int, stem: int) -> torch.Tensor:
        """Complex ``[nb_bins, nb_frames]`` of stem 0 (instrument) or 1 (rest)."""
        if self.cache == "stft":
            return self._spec[track][stem][:, frame : frame + self.nb_frames]
        t = self.tracks[track]
        audio = t.instrument if stem == 0 else t.rest
        start = frame * self.signal.hop_length
        seg = audio[start : start + (self.nb_frames - 1) * self.signal.hop_length + self.signal.n_fft]
        return self._stft(seg[None])[0]

    def _pick(self, rng: np.random.Generator) -> Tuple[int, int]:
        i = int(rng.choice(len(self.tracks), p=self.weights))
        return i, int(rng.integers(0, self.positions[i]))

    def batch(self, step: int, batch_size: int) -> Batch:
        """Deterministic in ``(seed, step)``. Returns magnitudes ``[batch_size, 1, nb_bins, nb_frames]``."""
        rng = np.random.default_rng([self.seed, step])
        mixes, targets, rests, mixes_c, targets_c = [], [], [], [], []
        for _ in range(batch_size):
            ti, fi = self._pick(rng)
            ri, rf = self._pick(rng) if rng.random() < self.augment.remix_p else (ti, fi)
            g_inst, g_rest = 10.0 ** (rng.uniform(-1.0, 1.0, size=2) * self.augment.gain_db / 20.0)
            inst = self._crop(ti, fi, 0) * float(g_inst)
            rest = self._crop(ri, rf, 1) * float(g_rest)
            if self.augment.eq_db > 0 or self.augment.eq_tilt_db > 0:
                inst = inst * torch.from_numpy(random_eq(rng, self.freqs, self.augment))[:, None]
                rest = rest * torch.from_numpy(random_eq(rng, self.freqs, self.augment))[:, None]
            mixes_c.append(inst + rest)  # complex sum, as the thesis
            targets_c.append(inst)
            mixes.append(mixes_c[-1].abs())
            targets.append(inst.abs())
            rests.append(rest.abs())
        stack = lambda xs: torch.stack(xs).unsqueeze(1).to(torch.float32)  # noqa: E731
        cstack = lambda xs: torch.stack(xs).unsqueeze(1).to(torch.complex64)  # noqa: E731
        return Batch(stack(mixes), stack(targets), stack(rests), cstack(mixes_c), cstack(targets_c))

    def fixed_batches(self, count: int, batch_size: int, seed: int = 1234) -> List[Batch]:
        """``count`` reproducible batches (validation crops); uses this dataset's augmentation."""
        saved, self.seed = self.seed, seed
        try:
            return [self.batch(i, batch_size) for i in range(count)]
        finally:
            self.seed = saved


def full_track_spectrograms(track: Track, signal: SignalConfig = SignalConfig()) -> Dict[str, torch.Tensor]:
    """Complex full-track STFTs ``[nb_bins, nb_frames]`` of ``instrument``, ``rest`` and ``mix``."""
    window = _window(signal)
    spec = lambda a: torch.stft(a, signal.n_fft, signal.hop_length, window=window, center=False, return_complex=True)  # noqa: E731
    inst = spec(track.instrument)
    rest = spec(track.rest)
    return {"instrument": inst, "rest": rest, "mix": inst + rest}


def unpadded(track: Track, signal: SignalConfig = SignalConfig()) -> Tuple[torch.Tensor, torch.Tensor]:
    """The original mono audio ``[nb_timesteps]`` of (instrument, rest)."""
    half = signal.n_fft // 2
    return track.instrument[half : half + track.nb_timesteps], track.rest[half : half + track.nb_timesteps]

