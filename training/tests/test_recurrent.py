import unittest

import torch

from stemstream_train.model import ExportWrapper, count_trainable_params
from stemstream_train.networks import build_net, net_config
from stemstream_train.recurrent import RecurrentConfig, RecurrentMaskNet


def lstm_params(inp: int, hidden: int, layers: int, directions: int) -> int:
    # Per direction and layer: 4 gates x (input weights + recurrent weights + two biases).
    total, size = 0, inp
    for _ in range(layers):
        total += directions * 4 * hidden * (size + hidden + 2)
        size = directions * hidden
    return total


class RecurrentNetTest(unittest.TestCase):
    def test_parameter_count(self) -> None:
        bins, h = 768, 512
        expected = bins * h + 2 * h + lstm_params(h, h // 2, 3, 2) + 2 * h * h + 2 * h + h * bins + 2 * bins
        self.assertEqual(count_trainable_params(RecurrentMaskNet(RecurrentConfig(hidden=h))), expected)
        self.assertEqual(expected, 6_045_184)
        uni = RecurrentConfig(hidden=32, layers=2, bidirectional=False)
        self.assertEqual(
            count_trainable_params(RecurrentMaskNet(uni)),
            bins * 32 + 64 + lstm_params(32, 32, 2, 1) + 64 * 32 + 64 + 32 * bins + 2 * bins,
        )

    def test_shape_range_and_dc_row(self) -> None:
        torch.manual_seed(0)
        net = RecurrentMaskNet(RecurrentConfig(hidden=16, layers=1)).eval()
        x = torch.rand(3, 1, 769, 37)  # any number of frames: nothing pools
        with torch.no_grad():
            mask = net(x)
            masks = net(x, all_stacks=True)
        self.assertEqual(tuple(mask.shape), (3, 1, 769, 37))
        self.assertEqual(len(masks), 1)
        self.assertTrue(torch.equal(masks[0], mask))
        self.assertTrue(torch.all(mask[:, :, 0, :] == 0))
        inner = mask[:, :, 1:, :]
        self.assertTrue(torch.all((inner > 0) & (inner < 1)))
        self.assertGreater(float(inner.std()), 0.0)
        with self.assertRaisesRegex(ValueError, "769 bins"):
            net(torch.rand(1, 1, 513, 8))

    def test_unidirectional_is_causal_bidirectional_is_not(self) -> None:
        torch.manual_seed(1)
        x = torch.rand(1, 1, 769, 24)
        y = x.clone()
        y[..., 15] += 0.5  # change one frame
        for bidirectional in (False, True):
            net = RecurrentMaskNet(RecurrentConfig(hidden=8, layers=2, bidirectional=bidirectional)).eval()
            with torch.no_grad():
                diff = (net(x) - net(y)).abs().amax(dim=(0, 1, 2))
            self.assertGreater(float(diff[15:].min()), 0.0)
            if bidirectional:
                self.assertGreater(float(diff[:15].min()), 0.0, "a bidirectional net sees the future")
            else:
                self.assertEqual(float(diff[:15].max()), 0.0, "a causal net never sees the future")

    def test_export_wrapper_silence_gives_zero(self) -> None:
        wrapper = ExportWrapper(RecurrentMaskNet(RecurrentConfig(hidden=8, layers=1)), mask_power=0.5).eval()
        with torch.no_grad():
            mask = wrapper(torch.zeros(2, 1, 769, 64))
        self.assertTrue(torch.equal(mask, torch.zeros_like(mask)))

    def test_config_round_trip_and_validation(self) -> None:
        cfg = RecurrentConfig(hidden=64, layers=2, bidirectional=False, input_power=0.5)
        self.assertEqual(net_config(cfg.to_json()), cfg)
        self.assertEqual(cfg.to_json()["type"], "recurrent")
        self.assertIsInstance(build_net(cfg), RecurrentMaskNet)
        for bad in ({"hidden": 7}, {"hidden": 1, "bidirectional": False}, {"layers": 0}, {"dropout": 1.0}, {"input_power": 0.0}):
            with self.assertRaises(ValueError, msg=str(bad)):
                RecurrentConfig(**bad)
        with self.assertRaisesRegex(ValueError, "model.type"):
            net_config({"type": "transformer"})


if __name__ == "__main__":
    unittest.main()
