import os
import tempfile
import unittest

import numpy as np
import torch
from scipy.io import wavfile

from _helpers import write_dataset
from stemstream_train.data import AugmentConfig, CropDataset, DatasetError, find_tracks, full_track_spectrograms, load_tracks, load_wav_mono, random_eq, unpadded
from stemstream_train.transforms import make_filterbanks


class DataTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = tempfile.TemporaryDirectory()
        cls.root = write_dataset(cls.tmp.name, nb_tracks=3, seconds=2.0)
        cls.tracks = load_tracks(cls.root)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.tmp.cleanup()

    def test_find_tracks_accepts_root_or_tracks_dir(self) -> None:
        a = find_tracks(self.root)
        b = find_tracks(os.path.join(self.root, "tracks_22050hz"))
        self.assertEqual([n for n, _, _ in a], ["song0", "song1", "song2"])
        self.assertEqual(a, b)

    def test_several_dataset_folders_load_together(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            other = write_dataset(tmp, nb_tracks=2, seconds=2.0, seed=3, prefix="wg")
            both = load_tracks([self.root, other])
            self.assertEqual([t.name for t in both], ["song0", "song1", "song2", "wg0", "wg1"])
            with self.assertRaisesRegex(DatasetError, "two dataset folders"):
                load_tracks([self.root, self.root])

    def test_int16_stereo_downmix_and_float_mono(self) -> None:
        d = os.path.join(self.root, "tracks_22050hz", "song0")
        raw = wavfile.read(os.path.join(d, "instrument_song0.wav"))[1]
        self.assertEqual(raw.dtype, np.int16)
        self.assertEqual(raw.ndim, 2)
        mono = load_wav_mono(os.path.join(d, "instrument_song0.wav"))
        np.testing.assert_allclose(mono, raw.mean(axis=1) / 32768.0, atol=1e-6)
        self.assertEqual(load_wav_mono(os.path.join(self.root, "tracks_22050hz", "song1", "rest_song1.wav")).dtype, np.float32)

    def test_wrong_rate_and_missing_dataset(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            p = os.path.join(tmp, "x.wav")
            wavfile.write(p, 44100, np.zeros(100, dtype=np.float32))
            with self.assertRaisesRegex(DatasetError, "44100"):
                load_wav_mono(p)
            with self.assertRaisesRegex(DatasetError, "no tracks"):
                find_tracks(tmp)
        with self.assertRaises(DatasetError):
            find_tracks("/nonexistent/dataset")

    def test_crops_are_frames_of_the_full_track_stft(self) -> None:
        stft, _ = make_filterbanks()
        t = self.tracks[1]
        inst, _ = unpadded(t)
        ref = stft(inst.double()).abs()
        full = full_track_spectrograms(t)["instrument"].abs()
        self.assertEqual(full.shape, ref.shape)
        torch.testing.assert_close(full.double(), ref, atol=2e-4, rtol=1e-4)
        ds = CropDataset(self.tracks, cache="audio")
        for frame in (0, 17, t.nb_frames - 64):  # both edges use the track's reflect padding
            crop = ds._crop(1, frame, 0).abs()
            torch.testing.assert_close(crop.double(), ref[:, frame : frame + 64], atol=2e-4, rtol=1e-4)

    def test_batches_deterministic_and_cache_modes_agree(self) -> None:
        aug = AugmentConfig(gain_db=6.0, remix_p=0.5)
        a = CropDataset(self.tracks, augment=aug, seed=3, cache="audio")
        b = CropDataset(self.tracks, augment=aug, seed=3, cache="stft")
        self.assertEqual((a.cache, b.cache), ("audio", "stft"))
        x, y = a.batch(5, 4), b.batch(5, 4)
        self.assertEqual(tuple(x.mix.shape), (4, 1, 769, 64))
        for k in ("mix", "target", "rest"):
            torch.testing.assert_close(getattr(x, k), getattr(y, k), atol=1e-4, rtol=1e-4)
        torch.testing.assert_close(a.batch(5, 4).mix, x.mix, atol=0, rtol=0)
        self.assertFalse(torch.equal(a.batch(6, 4).mix, x.mix))

    def test_mix_is_complex_sum_and_augmentation_varies(self) -> None:
        plain = CropDataset(self.tracks, seed=1).batch(0, 8)
        # |a + b| <= |a| + |b| with equality only where phases agree: the mix is a complex sum.
        self.assertTrue(bool((plain.mix <= plain.target + plain.rest + 1e-5).all()))
        self.assertGreater(float((plain.target + plain.rest - plain.mix).max()), 1e-3)
        # Without augmentation every crop's rest belongs to its own instrument: gains fixed at 0 dB.
        aug = CropDataset(self.tracks, seed=1, augment=AugmentConfig(gain_db=6.0, remix_p=1.0)).batch(0, 8)
        self.assertFalse(torch.allclose(aug.mix, plain.mix))

    def test_random_eq_is_bounded_smooth_and_off_by_default(self) -> None:
        freqs = np.arange(769) * 22050 / 1536
        rng = np.random.default_rng(0)
        np.testing.assert_array_equal(random_eq(rng, freqs, AugmentConfig()), np.ones(769, np.float32))
        cfg = AugmentConfig(eq_db=9.0, eq_bands=3, eq_tilt_db=2.0)
        curves = np.stack([random_eq(rng, freqs, cfg) for _ in range(50)])
        db = 20 * np.log10(curves)
        self.assertLessEqual(float(np.abs(db).max()), 3 * 9.0 + 2.0 * np.log2(11025 / 1000) + 1e-3)
        self.assertGreater(float(db.std()), 1.0)  # it does change the spectrum
        # smooth: neighbouring bins above 200 Hz differ by well under a dB
        self.assertLess(float(np.abs(np.diff(db[:, 14:], axis=1)).max()), 1.0)

    def test_eq_augmentation_keeps_the_mix_a_complex_sum(self) -> None:
        plain = CropDataset(self.tracks, seed=2).batch(0, 4)
        eq = CropDataset(self.tracks, seed=2, augment=AugmentConfig(gain_db=0.0, remix_p=0.0, eq_db=9.0)).batch(0, 4)
        self.assertFalse(torch.allclose(eq.target, plain.target))
        self.assertTrue(bool((eq.mix <= eq.target + eq.rest + 1e-5).all()))
        self.assertTrue(bool((eq.mix >= (eq.target - eq.rest).abs() - 1e-5).all()))

    def test_songs_shuffled_across_batch(self) -> None:
        ds = CropDataset(self.tracks, seed=0)
        rng = np.random.default_rng([0, 0])
        picks = {ds._pick(rng)[0] for _ in range(32)}
        self.assertEqual(picks, {0, 1, 2})

    def test_fixed_batches_do_not_change_seed(self) -> None:
        ds = CropDataset(self.tracks, seed=9)
        first = ds.batch(0, 2).mix
        v1 = ds.fixed_batches(2, 2)
        v2 = ds.fixed_batches(2, 2)
        self.assertTrue(torch.equal(v1[1].mix, v2[1].mix))
        self.assertTrue(torch.equal(ds.batch(0, 2).mix, first))


if __name__ == "__main__":
    unittest.main()
