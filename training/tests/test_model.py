import unittest

import torch

from _helpers import tiny_config
from stemstream_train.model import (
    ExportWrapper,
    HourglassConfig,
    HourglassNet,
    count_trainable_params,
    normalise_chunk,
)


class ParameterCountTest(unittest.TestCase):
    def test_thesis_configuration(self) -> None:
        net = HourglassNet(HourglassConfig())
        self.assertEqual(count_trainable_params(net), 7_713_857)
        bn_stats = sum(b.numel() for n, b in net.named_buffers() if n.endswith(("running_mean", "running_var")))
        self.assertEqual(bn_stats, 9_216)

    def test_thesis_with_256_filters(self) -> None:
        self.assertEqual(count_trainable_params(HourglassNet(HourglassConfig(hourglass_filters=256))), 12_546_689)

    def test_live_sizes_match_measurements(self) -> None:
        small = HourglassConfig(initial_filters=(8, 16, 16, 16, 32), hourglass_filters=32, end_filters=(32, 32))
        medium = HourglassConfig(initial_filters=(16, 32, 32, 32, 64), hourglass_filters=64, end_filters=(64, 64))
        self.assertEqual(count_trainable_params(HourglassNet(small)), 198_353)
        self.assertEqual(count_trainable_params(HourglassNet(medium)), 788_129)

    def test_batch_norm_off_removes_bn(self) -> None:
        net = HourglassNet(tiny_config(batch_norm=False))
        self.assertFalse(any(isinstance(m, torch.nn.BatchNorm2d) for m in net.modules()))

    def test_keras_bn_settings(self) -> None:
        bn = next(m for m in HourglassNet(tiny_config()).modules() if isinstance(m, torch.nn.BatchNorm2d))
        self.assertAlmostEqual(bn.momentum, 0.01)
        self.assertAlmostEqual(bn.eps, 1e-3)


class ForwardTest(unittest.TestCase):
    def setUp(self) -> None:
        torch.manual_seed(0)

    def test_shapes_and_dc_row(self) -> None:
        net = HourglassNet(tiny_config()).eval()
        for frames in (64, 128):
            x = torch.rand(2, 1, 769, frames)
            y = net(x)
            self.assertEqual(tuple(y.shape), (2, 1, 769, frames))
            self.assertEqual(float(y[:, :, 0, :].abs().max()), 0.0)
            self.assertGreater(float(y[:, :, 1:, :].abs().max()), 0.0)

    def test_fewer_levels_allow_32_frames(self) -> None:
        net = HourglassNet(tiny_config(levels=5)).eval()
        self.assertEqual(tuple(net(torch.rand(1, 1, 769, 32)).shape), (1, 1, 769, 32))

    def test_rejects_bad_frames_and_bins(self) -> None:
        net = HourglassNet(tiny_config()).eval()
        with self.assertRaises(ValueError):
            net(torch.rand(1, 1, 769, 48))
        with self.assertRaises(ValueError):
            net(torch.rand(1, 1, 768, 64))

    def test_config_validation(self) -> None:
        with self.assertRaises(ValueError):
            HourglassConfig(initial_filters=(8, 8), initial_kernels=(3,))
        with self.assertRaises(ValueError):
            HourglassConfig(initial_kernels=(7, 3, 3, 3, 4))
        with self.assertRaises(ValueError):
            HourglassConfig(levels=9)  # 768 is not divisible by 512

    def test_stacked_outputs(self) -> None:
        net = HourglassNet(tiny_config(stacks=2)).eval()
        x = torch.rand(1, 1, 769, 64)
        outs = net.forward_all(x)
        self.assertEqual(len(outs), 2)
        self.assertTrue(torch.equal(outs[-1], net(x)))
        self.assertFalse(torch.equal(outs[0], outs[1]))
        for o in outs:
            self.assertEqual(tuple(o.shape), (1, 1, 769, 64))

    def test_frequency_downsampling_stem(self) -> None:
        cfg = tiny_config(freq_downsample=2, levels=6)
        net = HourglassNet(cfg).eval()
        y = net(torch.rand(1, 1, 769, 64))
        self.assertEqual(tuple(y.shape), (1, 1, 769, 64))
        self.assertEqual(float(y[:, :, 0, :].abs().max()), 0.0)
        self.assertEqual(net.initial[0][0].stride, (2, 1))

    def test_full_res_head_follows_single_bins(self) -> None:
        # Without the head a stride-4 stem gives a mask that is constant over each 4-bin block
        # (nearest upsampling, then 1x1 convs); the head, fed the input itself, breaks that.
        torch.manual_seed(0)
        x = torch.rand(1, 1, 769, 64)
        plain = HourglassNet(tiny_config(freq_downsample=4)).eval()
        head = HourglassNet(tiny_config(freq_downsample=4, full_res_head=4)).eval()
        with torch.no_grad():
            blocks = plain(x)[0, 0, 1:, :].reshape(192, 4, 64)
            self.assertEqual(float((blocks - blocks[:, :1]).abs().max()), 0.0)
            y = head(x)
            self.assertEqual(tuple(y.shape), (1, 1, 769, 64))
            self.assertEqual(float(y[:, :, 0, :].abs().max()), 0.0)
            blocks = y[0, 0, 1:, :].reshape(192, 4, 64)
            self.assertGreater(float((blocks - blocks[:, :1]).abs().max()), 1e-4)
            # One bin of input moves the mask at that bin, beside the coarse path's change.
            x2 = x.clone()
            x2[0, 0, 101, 10] += 0.5
            moved = (head(x2) - y)[0, 0, :, 10].abs()
            self.assertGreater(float(moved[101]), 1e-4)
        # The head is one 3x3 conv (8 features + the input -> 4) with BN, and the 1x1 conv after it
        # takes 4 channels instead of 8; nothing else changes.
        self.assertEqual(count_trainable_params(head) - count_trainable_params(plain), (9 * 9 + 1) * 4 + 2 * 4 + (4 - 8) * 8)
        self.assertEqual(HourglassConfig.from_json(tiny_config(full_res_head=4).to_json()).full_res_head, 4)
        with self.assertRaises(ValueError):
            tiny_config(full_res_head=-1)

    def test_stacked_full_res_head(self) -> None:
        net = HourglassNet(tiny_config(freq_downsample=2, full_res_head=4, stacks=2)).eval()
        outs = net.forward_all(torch.rand(1, 1, 769, 64))
        self.assertEqual([tuple(o.shape) for o in outs], [(1, 1, 769, 64)] * 2)

    def test_input_compression(self) -> None:
        # x**p goes in front of the first conv: same net, compressed vs linear input.
        torch.manual_seed(0)
        net = HourglassNet(tiny_config(input_power=0.5)).eval()
        x = torch.rand(1, 1, 769, 64)
        with torch.no_grad():
            y = net(x)
            net.cfg.input_power = 1.0
            y_linear_sqrt = net(torch.cat([x[:, :, :1], x[:, :, 1:] ** 0.5], dim=2))
        torch.testing.assert_close(y, y_linear_sqrt)
        self.assertEqual(HourglassConfig.from_json(tiny_config(input_power=0.3).to_json()).input_power, 0.3)
        with self.assertRaises(ValueError):
            tiny_config(input_power=0.0)

    def test_export_wrapper_range_and_scale_invariance(self) -> None:
        wrapper = ExportWrapper(HourglassNet(tiny_config())).eval()
        x = torch.rand(3, 1, 769, 64) * 5
        with torch.no_grad():
            m = wrapper(x)
            m_scaled = wrapper(x * 1000)
        self.assertGreaterEqual(float(m.min()), 0.0)
        self.assertLessEqual(float(m.max()), 1.0)
        self.assertEqual(float(m[:, :, 0, :].max()), 0.0)
        torch.testing.assert_close(m, m_scaled, atol=1e-5, rtol=0)

    def test_mask_power_raises_the_clipped_mask(self) -> None:
        net = HourglassNet(tiny_config()).eval()
        x = torch.rand(2, 1, 769, 64)
        with torch.no_grad():
            plain = ExportWrapper(net)(x)
            lifted = ExportWrapper(net, mask_power=0.5)(x)
        torch.testing.assert_close(lifted, plain.sqrt())
        self.assertGreater(float(plain.max()), 0.0)
        with self.assertRaises(ValueError):
            ExportWrapper(net, mask_power=0.0)

    def test_silence_gives_zero_mask_without_nan(self) -> None:
        wrapper = ExportWrapper(HourglassNet(tiny_config())).eval()
        x = torch.rand(2, 1, 769, 64)
        x[1] = 0
        with torch.no_grad():
            m = wrapper(x)
        self.assertFalse(bool(torch.isnan(m).any()))
        self.assertEqual(float(m[1].abs().max()), 0.0)
        self.assertGreater(float(m[0].max()), 0.0)

    def test_normalise_chunk_per_item(self) -> None:
        x = torch.rand(2, 1, 769, 64)
        x[0] *= 10
        x[1] *= 0.01
        y, peak = normalise_chunk(x)
        self.assertEqual(tuple(peak.shape), (2, 1, 1, 1))
        torch.testing.assert_close(y.amax(dim=(1, 2, 3)), torch.ones(2), atol=1e-5, rtol=0)  # eps 1e-8 on a 0.01 peak


if __name__ == "__main__":
    unittest.main()
