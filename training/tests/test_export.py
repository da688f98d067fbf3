import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import torch

from _helpers import REPO, TRAINING, tiny_config
from stemstream_train.export import build_manifest, export_onnx, load_manifest_config, write_model_package
from stemstream_train.model import ExportWrapper, HourglassConfig, HourglassNet, count_trainable_params
from stemstream_train.onnx_proto import read_onnx_summary

SCHEMA_KEYS = ["format", "format_version", "name", "instrument", "description", "license", "signal", "input", "output",
               "architecture", "training", "metrics", "onnx"]


class ExportTest(unittest.TestCase):
    def setUp(self) -> None:
        torch.manual_seed(0)
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self) -> None:
        self.tmp.cleanup()

    def test_onnx_has_dynamic_batch_and_names(self) -> None:
        path = os.path.join(self.tmp.name, "m.onnx")
        net = HourglassNet(tiny_config()).train()
        export_onnx(net, path)
        self.assertTrue(net.training, "export must not change the caller's mode")
        s = read_onnx_summary(path)
        self.assertEqual(s.opsets.get(""), 13)
        self.assertEqual([(v.name, v.elem_type, v.shape) for v in s.inputs], [("magnitude", 1, ["batch", 1, 769, 64])])
        self.assertEqual([(v.name, v.elem_type, v.shape) for v in s.outputs], [("mask", 1, ["batch", 1, 769, 64])])
        self.assertIn("BatchNormalization", s.node_ops)  # eval mode: BN with running stats, no Dropout
        self.assertNotIn("Dropout", s.node_ops)
        self.assertIn("ReduceMax", s.node_ops)  # normalisation baked in
        self.assertIn("Clip", s.node_ops)

    def test_mask_power_is_in_the_graph_and_the_manifest(self) -> None:
        net = HourglassNet(tiny_config()).eval()
        manifest = write_model_package(self.tmp.name, net, net.cfg, {"name": "g"}, mask_power=0.5)
        self.assertEqual(manifest["output"]["mask_power"], 0.5)
        self.assertIn("Pow", read_onnx_summary(os.path.join(self.tmp.name, "model.onnx")).node_ops)
        plain = os.path.join(self.tmp.name, "plain")
        self.assertNotIn("mask_power", write_model_package(plain, net, net.cfg, {"name": "g"})["output"])
        self.assertNotIn("Pow", read_onnx_summary(os.path.join(plain, "model.onnx")).node_ops)

    def test_package_schema_and_round_trip(self) -> None:
        cfg = tiny_config(stacks=2, dropout=0.1)
        net = HourglassNet(cfg)
        manifest = write_model_package(self.tmp.name, net, cfg, {"name": "guitar-x", "instrument": "guitar", "metrics": {"val": {"sdr_instrument_median": 1.5}}})
        self.assertTrue(os.path.exists(os.path.join(self.tmp.name, "model.onnx")))
        with open(os.path.join(self.tmp.name, "model.json")) as f:
            on_disk = json.load(f)
        self.assertEqual(on_disk, manifest)
        self.assertEqual(list(on_disk), SCHEMA_KEYS)
        self.assertEqual(on_disk["format"], "stemstream-model")
        self.assertEqual(on_disk["input"]["shape"], ["batch", 1, 769, 64])
        self.assertEqual(on_disk["output"]["range"], [0, 1])
        self.assertEqual(on_disk["architecture"]["type"], "hourglass")
        self.assertEqual(on_disk["architecture"]["trainable_params"], count_trainable_params(net))
        self.assertEqual(on_disk["metrics"]["val"]["sdr_instrument_median"], 1.5)
        for k in ("data", "steps", "epochs", "duration_s", "device", "commit", "config"):
            self.assertIn(k, on_disk["training"])
        self.assertEqual(load_manifest_config(os.path.join(self.tmp.name, "model.json")), cfg)

    def test_thesis_manifest_architecture(self) -> None:
        arch = build_manifest(HourglassConfig(), 7_713_857, {"name": "guitar"})["architecture"]
        for k, v in {"initial_filters": [64, 128, 128, 128, 256], "initial_kernels": [7, 3, 3, 3, 3], "hourglass_filters": 192,
                     "levels": 6, "stacks": 1, "end_filters": [256, 256], "dropout": 0.2, "batch_norm": True,
                     "trainable_params": 7_713_857}.items():
            self.assertEqual(arch[k], v, k)
        self.assertEqual(HourglassConfig.from_json(arch), HourglassConfig())


class FixturesTest(unittest.TestCase):
    """The committed TS parity fixtures match what the current code produces."""

    def test_fixtures_are_current(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([sys.executable, os.path.join(TRAINING, "scripts", "make_fixtures.py"), "--out", tmp, "--only", "tiny"],
                           check=True, capture_output=True)
            committed = os.path.join(REPO, "engine", "model", "fixtures", "tiny")
            for name in ("parity-input.f32", "parity-mask.f32"):
                a = np.fromfile(os.path.join(tmp, "tiny", name), dtype="<f4")
                b = np.fromfile(os.path.join(committed, name), dtype="<f4")
                self.assertEqual(a.shape, (3 * 769 * 64,))
                np.testing.assert_allclose(a, b, atol=1e-6, err_msg=name)
            mask = np.fromfile(os.path.join(committed, "parity-mask.f32"), dtype="<f4").reshape(3, 1, 769, 64)
            self.assertEqual(float(np.abs(mask[2]).max()), 0.0)  # silence
            self.assertEqual(float(np.abs(mask[:, :, 0]).max()), 0.0)  # DC row
            self.assertGreater(float(((mask[:2] > 0) & (mask[:2] < 1)).mean()), 0.5)
            self.assertLess(os.path.getsize(os.path.join(committed, "model.onnx")), 200_000)
            self.assertLess(os.path.getsize(os.path.join(REPO, "engine", "model", "fixtures", "small", "model.onnx")), 1_500_000)

    def test_fixture_manifest_is_tiny_config(self) -> None:
        committed = os.path.join(REPO, "engine", "model", "fixtures", "tiny")
        cfg = load_manifest_config(os.path.join(committed, "model.json"))
        self.assertEqual(cfg, tiny_config())


if __name__ == "__main__":
    unittest.main()
