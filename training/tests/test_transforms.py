import unittest

import numpy as np
import torch

from _helpers import *  # noqa: F401,F403  (path + threads)
from stemstream_train.transforms import SignalConfig, make_filterbanks


def reference_stft(x: np.ndarray, n_fft: int = 1536, hop: int = 384) -> np.ndarray:
    """librosa.stft defaults written out: reflect pad n_fft/2, periodic Hann, rfft per frame.
    Returns complex [nb_bins, nb_frames]."""
    win = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)
    xp = np.pad(x, n_fft // 2, mode="reflect")
    nb_frames = 1 + (len(xp) - n_fft) // hop
    frames = np.stack([xp[i * hop : i * hop + n_fft] * win for i in range(nb_frames)], axis=1)
    return np.fft.rfft(frames, axis=0)


class TransformsTest(unittest.TestCase):
    def setUp(self) -> None:
        torch.manual_seed(0)
        self.stft, self.istft = make_filterbanks()

    def test_round_trip_float32_below_1e6(self) -> None:
        x = 0.5 * torch.randn(2, 22050 + 123)
        y = self.istft(self.stft(x), length=x.shape[-1])
        self.assertEqual(y.shape, x.shape)
        self.assertLess(float((y - x).abs().max()), 1e-6)

    def test_round_trip_float64(self) -> None:
        x = torch.randn(3, 9000, dtype=torch.float64)
        y = self.istft(self.stft(x), length=x.shape[-1])
        self.assertLess(float((y - x).abs().max()), 1e-12)

    def test_shape_matches_engine_framing(self) -> None:
        n = 384 * 63 + 17
        spec = self.stft(torch.zeros(n))
        self.assertEqual(tuple(spec.shape), (769, n // 384 + 1))
        self.assertEqual(SignalConfig().nb_bins, 769)

    def test_matches_librosa_style_reference(self) -> None:
        rng = np.random.default_rng(1)
        x = rng.standard_normal(5000)
        ref = reference_stft(x)
        got = self.stft(torch.from_numpy(x)).numpy()
        self.assertEqual(got.shape, ref.shape)
        np.testing.assert_allclose(got, ref, atol=1e-9)

    def test_window_is_periodic_hann(self) -> None:
        w = self.stft.window.detach().numpy()
        self.assertAlmostEqual(float(w[0]), 0.0)
        self.assertAlmostEqual(float(w[768]), 1.0)  # periodic: peak at n/2, last sample != 0
        self.assertGreater(float(w[-1]), 0.0)

    def test_signal_json_keys(self) -> None:
        d = SignalConfig().to_json()
        self.assertEqual(d, {
            "sample_rate": 22050, "n_fft": 1536, "hop_length": 384, "window": "hann-periodic", "center": True,
            "pad_mode": "reflect", "chunk_frames": 64, "nb_bins": 769, "channels": "mono-downmix",
        })


if __name__ == "__main__":
    unittest.main()
