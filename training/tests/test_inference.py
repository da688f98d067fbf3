import unittest

import torch

from _helpers import tiny_config
from stemstream_train.inference import chunk_weights, chunked_mask, sdr, separate_spectrogram
from stemstream_train.model import HourglassNet


class ConstantNet(HourglassNet):
    """Mask = frame index / 1000 of the chunk-local frame: shows how chunks are stitched."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.arange(x.shape[-1], dtype=x.dtype).expand_as(x) / 1000.0


class InferenceTest(unittest.TestCase):
    def test_overlap_average_of_two_chunks(self) -> None:
        net = ConstantNet(tiny_config())
        mix = torch.rand(769, 100) + 0.1
        mask = chunked_mask(net, mix)
        self.assertEqual(tuple(mask.shape), (769, 100))
        # Track frame f sits at local frame j = f % 32 of one chunk and j + 32 of the other; the
        # engine's sin^2 weights of those two positions sum to 1.
        w = chunk_weights(64)
        for f in (0, 5, 31, 32, 99):
            j = f % 32
            self.assertAlmostEqual(float(w[j] + w[j + 32]), 1.0, places=6)
            self.assertAlmostEqual(float(mask[10, f]), float(w[j] * j + w[j + 32] * (j + 32)) / 1000.0, places=6)

    def test_mode_restored_and_range(self) -> None:
        net = HourglassNet(tiny_config()).train()
        mask = chunked_mask(net, torch.rand(769, 70))
        self.assertTrue(net.training)
        self.assertGreaterEqual(float(mask.min()), 0.0)
        self.assertLessEqual(float(mask.max()), 1.0)

    def test_separation_sums_to_mix(self) -> None:
        mix = torch.randn(769, 40, dtype=torch.complex64)
        out = separate_spectrogram(HourglassNet(tiny_config()), mix)
        torch.testing.assert_close(out["instrument"] + out["rest"], mix)

    def test_sdr(self) -> None:
        s = torch.randn(1000)
        self.assertGreater(sdr(s, s), 80)
        self.assertAlmostEqual(sdr(s, s + 0.1 * s), 20.0, places=3)
        self.assertAlmostEqual(sdr(s, torch.zeros(1000)), 0.0, places=3)


if __name__ == "__main__":
    unittest.main()
