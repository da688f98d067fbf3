import json
import os
import subprocess
import sys
import tempfile
import unittest

import torch

from _helpers import TRAINING, tiny_config
from stemstream_train.checkpoint import save_checkpoint
from stemstream_train.ensemble import EnsembleWrapper
from stemstream_train.export import export_ensemble
from stemstream_train.model import ExportWrapper, HourglassNet, count_trainable_params
from stemstream_train.onnx_proto import read_onnx_summary
from stemstream_train.recurrent import RecurrentConfig, RecurrentMaskNet

sys.path.insert(0, os.path.join(TRAINING, "scripts"))
from export_ensemble import parse_member  # noqa: E402


def write_checkpoint(path: str, net: torch.nn.Module, instrument: str = "guitar", step: int = 10) -> str:
    """The keys ``model_from_checkpoint`` and ``export_ensemble`` read, as the trainer writes them."""
    config = {"instrument": instrument, "model": net.cfg.to_json(), "data": {"train": "data/train", "description": f"songs for {instrument}"}}
    save_checkpoint(path, {"config": config, "model": net.state_dict(), "step": step, "elapsed_s": 12.5})
    return path


class EnsembleTest(unittest.TestCase):
    def setUp(self) -> None:
        torch.manual_seed(0)
        self.tmp = tempfile.TemporaryDirectory()
        self.hourglass = HourglassNet(tiny_config()).eval()
        self.recurrent = RecurrentMaskNet(RecurrentConfig(hidden=16, layers=1)).eval()

    def tearDown(self) -> None:
        self.tmp.cleanup()

    def test_the_mask_is_the_mean_of_the_members_each_at_its_own_power(self) -> None:
        a, b = ExportWrapper(self.hourglass, 0.5).eval(), ExportWrapper(self.recurrent, 1.0).eval()
        x = torch.rand(2, 1, 769, 64) * 3.0
        x[1] = 0.0  # silence stays zero
        with torch.no_grad():
            got = EnsembleWrapper([a, b])(x)
            ma, mb = a(x), b(x)
        torch.testing.assert_close(got, (ma + mb) / 2)
        self.assertGreater(float((ma - mb).abs().max()), 0.01, "the members differ, so the mean is a real check")
        self.assertEqual(float(got[1].abs().max()), 0.0)
        self.assertTrue(bool(((got >= 0) & (got <= 1)).all()))
        with self.assertRaises(ValueError):
            EnsembleWrapper([a])

    def test_export_writes_one_package_recording_every_member(self) -> None:
        ha = write_checkpoint(os.path.join(self.tmp.name, "h.pt"), self.hourglass, step=30)
        rb = write_checkpoint(os.path.join(self.tmp.name, "r.pt"), self.recurrent, step=20)
        out = os.path.join(self.tmp.name, "pkg")
        manifest = export_ensemble([(ha, 0.5), (rb, 1.0)], out, "guitar-ens")
        with open(os.path.join(out, "model.json")) as f:
            self.assertEqual(json.load(f), manifest)
        arch = manifest["architecture"]
        self.assertEqual(arch["type"], "ensemble")
        self.assertEqual([m["architecture"]["type"] for m in arch["members"]], ["hourglass", "recurrent"])
        self.assertEqual([m["mask_power"] for m in arch["members"]], [0.5, 1.0])
        self.assertEqual([m["steps"] for m in arch["members"]], [30, 20])
        self.assertEqual(arch["trainable_params"], count_trainable_params(self.hourglass) + count_trainable_params(self.recurrent))
        self.assertEqual(manifest["instrument"], "guitar")
        self.assertEqual(manifest["training"]["steps"], 50)
        self.assertEqual(manifest["training"]["data"], "songs for guitar")
        self.assertNotIn("mask_power", manifest["output"])  # each member has its own
        ops = read_onnx_summary(os.path.join(out, "model.onnx")).node_ops
        for op in ("LSTM", "Conv", "Pow", "ReduceMean"):
            self.assertIn(op, ops)

    def test_members_must_agree_on_the_instrument(self) -> None:
        ha = write_checkpoint(os.path.join(self.tmp.name, "h.pt"), self.hourglass, "guitar")
        rb = write_checkpoint(os.path.join(self.tmp.name, "r.pt"), self.recurrent, "piano")
        with self.assertRaisesRegex(ValueError, "disagree on the instrument"):
            export_ensemble([(ha, 1.0), (rb, 1.0)], os.path.join(self.tmp.name, "x"), "x")
        self.assertFalse(os.path.exists(os.path.join(self.tmp.name, "x")))
        export_ensemble([(ha, 1.0), (rb, 1.0)], os.path.join(self.tmp.name, "y"), "y", instrument="guitar")

    def test_member_argument(self) -> None:
        self.assertEqual(parse_member("runs/a/last.pt@0.7"), ("runs/a/last.pt", 0.7))
        self.assertEqual(parse_member("runs/a/last.pt"), ("runs/a/last.pt", 1.0))
        for bad in ("a.pt@x", "a.pt@0", "a.pt@5"):
            with self.assertRaises(ValueError):
                parse_member(bad)

    def test_script_reports_a_missing_checkpoint(self) -> None:
        run = subprocess.run([sys.executable, os.path.join(TRAINING, "scripts", "export_ensemble.py"), "--out", os.path.join(self.tmp.name, "o"),
                              "--name", "o", "--member", "nope.pt@0.5", "--member", "nope2.pt"], capture_output=True, text=True)
        self.assertEqual(run.returncode, 2)
        self.assertIn("checkpoint not found: nope.pt", run.stderr)


if __name__ == "__main__":
    unittest.main()
