"""stemstream training: the stacked-hourglass mask network, its STFT front end, data, losses and export.

Dimension names used in every docstring (as open-unmix): ``nb_samples`` (batch), ``nb_channels``
(always 1 here: mono downmix), ``nb_bins`` (769 = n_fft/2+1), ``nb_frames`` (STFT frames),
``nb_timesteps`` (audio samples).
"""

from .model import HourglassConfig, HourglassNet, ExportWrapper, normalise_chunk, count_trainable_params
from .transforms import make_filterbanks, STFT, ISTFT, SignalConfig

__all__ = [
    "HourglassConfig",
    "HourglassNet",
    "ExportWrapper",
    "normalise_chunk",
    "count_trainable_params",
    "make_filterbanks",
    "STFT",
    "ISTFT",
    "SignalConfig",
]
