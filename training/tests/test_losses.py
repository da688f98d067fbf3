import unittest

import torch

import _helpers  # noqa: F401
from stemstream_train.losses import LossConfig, parse_frames, phase_sensitive_target, separation_loss


class LossTest(unittest.TestCase):
    def setUp(self) -> None:
        torch.manual_seed(0)
        self.mix = torch.rand(2, 1, 769, 64)
        self.target = self.mix * torch.rand(2, 1, 769, 64)
        self.rest = self.mix - self.target

    def test_l1_is_mean_of_abs_error(self) -> None:
        mask = torch.rand(2, 1, 769, 64)
        got = separation_loss([mask], self.mix, self.target, self.rest, LossConfig())
        torch.testing.assert_close(got, (mask * self.mix - self.target).abs().mean())

    def test_ideal_mask_gives_zero(self) -> None:
        ideal = self.target / self.mix
        for cfg in (LossConfig(), LossConfig(rest_weight=1.0), LossConfig(kind="l1-compressed", rest_weight=0.5)):
            self.assertLess(float(separation_loss([ideal], self.mix, self.target, self.rest, cfg)), 1e-5, cfg)

    def test_rest_term_adds(self) -> None:
        mask = torch.rand(2, 1, 769, 64)
        base = separation_loss([mask], self.mix, self.target, self.rest, LossConfig())
        both = separation_loss([mask], self.mix, self.target, self.rest, LossConfig(rest_weight=1.0))
        rest = ((1 - mask) * self.mix - self.rest).abs().mean()
        torch.testing.assert_close(both, base + rest)

    def test_compressed_has_finite_gradient_at_zero(self) -> None:
        mask = torch.zeros(2, 1, 769, 64, requires_grad=True)
        loss = separation_loss([mask], self.mix, self.target, self.rest, LossConfig(kind="l1-compressed"))
        loss.backward()
        self.assertTrue(bool(torch.isfinite(mask.grad).all()))

    def test_right_frames_only_weight_last_frames(self) -> None:
        mask = torch.rand(2, 1, 769, 64)
        w = parse_frames("right:8", 64)
        self.assertEqual(float(w[:56].abs().sum()), 0.0)
        self.assertAlmostEqual(float(w.sum()), 64.0, places=4)
        got = separation_loss([mask], self.mix, self.target, self.rest, LossConfig(frames="right:8"))
        torch.testing.assert_close(got, (mask * self.mix - self.target)[..., 56:].abs().mean())
        soft = parse_frames("right:16:0.25", 64)
        self.assertAlmostEqual(float(soft[0] / soft[-1]), 0.25, places=5)

    def test_stacks_are_averaged(self) -> None:
        a, b = torch.rand(2, 1, 769, 64), torch.rand(2, 1, 769, 64)
        cfg = LossConfig()
        both = separation_loss([a, b], self.mix, self.target, self.rest, cfg)
        torch.testing.assert_close(both, (separation_loss([a], self.mix, self.target, self.rest, cfg) + separation_loss([b], self.mix, self.target, self.rest, cfg)) / 2)

    def test_bad_config(self) -> None:
        with self.assertRaises(ValueError):
            LossConfig(kind="l2")
        with self.assertRaises(ValueError):
            LossConfig(frames="left:4")
        with self.assertRaises(ValueError):
            parse_frames("right:65", 64)


if __name__ == "__main__":
    unittest.main()


class PhaseAwareSdrLossTest(unittest.TestCase):
    def setUp(self) -> None:
        torch.manual_seed(1)
        shape = (2, 1, 769, 64)
        self.target_c = torch.complex(torch.randn(shape), torch.randn(shape))
        self.rest_c = torch.complex(torch.randn(shape), torch.randn(shape))
        self.mix_c = self.target_c + self.rest_c
        self.cfg = LossConfig(kind="psa-sdr")

    def loss(self, mask: torch.Tensor, target_c=None, cfg=None) -> float:
        t = self.target_c if target_c is None else target_c
        m = self.mix_c if target_c is None else t + self.rest_c
        return float(separation_loss([mask], m.abs(), t.abs(), (m - t).abs(), cfg or self.cfg, m, t))

    def test_is_minus_sdr_over_ten(self) -> None:
        mask = torch.rand(2, 1, 769, 64)
        e = lambda x: (x.abs() ** 2).sum(dim=(1, 2, 3))  # noqa: E731
        floor = 1e-3 * e(self.mix_c) + 1e-8
        sdr = 10 * torch.log10((e(self.target_c) + floor) / (e(mask * self.mix_c - self.target_c) + floor))
        self.assertAlmostEqual(self.loss(mask), float(-sdr.mean() / 10), places=4)

    def test_phase_sensitive_mask_beats_the_magnitude_ratio(self) -> None:
        # With the mix phase, the best real mask is Re(T / X), not |T| / |X|: the loss sees phase.
        psm = (self.target_c / self.mix_c).real
        ratio = self.target_c.abs() / self.mix_c.abs()
        self.assertLess(self.loss(psm), self.loss(ratio) - 0.05)

    def test_silent_target_rewards_silence_and_complex_is_required(self) -> None:
        silent = torch.zeros_like(self.target_c)
        self.assertLess(self.loss(torch.zeros(2, 1, 769, 64), silent), self.loss(torch.full((2, 1, 769, 64), 0.5), silent))
        with self.assertRaisesRegex(ValueError, "complex"):
            separation_loss([torch.rand(2, 1, 769, 64)], self.mix_c.abs(), self.target_c.abs(), self.rest_c.abs(), self.cfg)


class PhaseSensitiveL1LossTest(unittest.TestCase):
    """``l1-psa``: L1 towards clip(|T| cos(angle T - angle X), 0, |X|) (Erdogan et al. 2015)."""

    def setUp(self) -> None:
        torch.manual_seed(2)
        shape = (2, 1, 769, 64)
        self.target_c = torch.complex(torch.randn(shape), torch.randn(shape))
        self.mix_c = self.target_c + torch.complex(torch.randn(shape), torch.randn(shape))
        self.mix = self.mix_c.abs()
        self.cfg = LossConfig(kind="l1-psa")

    def loss(self, mask: torch.Tensor, cfg=None) -> float:
        return float(separation_loss([mask], self.mix, self.target_c.abs(), (self.mix_c - self.target_c).abs(), cfg or self.cfg, self.mix_c, self.target_c))

    def test_target_is_the_clipped_projection(self) -> None:
        t = phase_sensitive_target(self.mix_c, self.target_c, self.mix)
        cos = torch.cos(self.target_c.angle() - self.mix_c.angle())
        torch.testing.assert_close(t, (self.target_c.abs() * cos).clamp(min=0.0).minimum(self.mix), atol=1e-5, rtol=1e-4)
        self.assertGreater(float((t == 0).float().mean()), 0.05)  # opposite phases: the target is silence

    def test_psm_is_optimal_and_beats_the_ratio_mask(self) -> None:
        psm = phase_sensitive_target(self.mix_c, self.target_c, self.mix) / self.mix
        ratio = (self.target_c.abs() / self.mix).clamp(max=1.0)
        self.assertLess(self.loss(psm), 1e-5)
        self.assertGreater(self.loss(ratio), 0.05)
        # The rest term is L1 to |X| minus the same target, so the PSM zeroes it too.
        self.assertLess(self.loss(psm, LossConfig(kind="l1-psa", rest_weight=1.0)), 1e-5)

    def test_in_phase_target_equals_plain_l1(self) -> None:
        # When the target has the mix phase (cos = 1) the PSA target is |T| and l1-psa is l1.
        t_c = self.mix_c * torch.rand(self.mix_c.shape)
        mask = torch.rand(self.mix.shape)
        psa = separation_loss([mask], self.mix, t_c.abs(), self.mix - t_c.abs(), self.cfg, self.mix_c, t_c)
        plain = separation_loss([mask], self.mix, t_c.abs(), self.mix - t_c.abs(), LossConfig())
        torch.testing.assert_close(psa, plain, atol=1e-5, rtol=1e-4)

    def test_complex_is_required(self) -> None:
        with self.assertRaisesRegex(ValueError, "l1-psa needs the complex"):
            separation_loss([torch.rand(self.mix.shape)], self.mix, self.target_c.abs(), self.mix, self.cfg)
