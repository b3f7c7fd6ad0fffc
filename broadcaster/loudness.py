"""Loudness per ITU-R BS.1770-4 / EBU R128: a streaming meter, and level matching.

The meter is fed the programme block by block as it is streamed to the encoder, so a
60-minute bulletin is measured without holding it (pyloudnorm, which the tests use as
the reference, needs the whole signal as float64 at once). True peak is measured on
the signal oversampled four times, as BS.1770 recommends.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from broadcaster.errors import BroadcasterError

PRESETS = {"podcast": -16.0, "broadcast": -23.0}
"""Named integrated-loudness targets in LUFS."""
SANE = (-36.0, -9.0)
"""Targets a user may ask for, in LUFS."""
CEILING_DBTP = -2.5
"""The true-peak ceiling each voice is limited to: -1 dBTP is the spec; the extra 1.5 dB
is headroom for the programme-wide correction (a few tenths of a dB) and the overshoot of
lossy encoders (up to about 1 dB for AAC), so the decoded file stays under -1 dBTP."""
BLOCK_S, HOP_S = 0.4, 0.1
ABSOLUTE_GATE = -70.0
RELATIVE_GATE = -10.0
OVERSAMPLE = 4
TAPS = 48
"""The true-peak interpolation filter's length: 4 phases of 12, as BS.1770-4 Annex 2 has."""
SILENT = float("-inf")


@dataclass(frozen=True)
class Measurement:
    """What the meter found."""

    integrated_lufs: float
    """Gated integrated loudness (-inf for silence)."""
    true_peak_dbtp: float
    """Highest inter-sample peak, in dB true peak."""


def target_lufs(value: str) -> float:
    """``podcast``, ``broadcast`` or a number of LUFS within :data:`SANE`."""
    if value in PRESETS:
        return PRESETS[value]
    try:
        lufs = float(value)
    except ValueError:
        lufs = math.nan
    if not SANE[0] <= lufs <= SANE[1]:
        raise BroadcasterError(
            f"loudness target {value!r} is not podcast, broadcast or {SANE[0]:g} to {SANE[1]:g}",
            "e.g. --loudness podcast (-16 LUFS) or --loudness -18",
        )
    return lufs


def _biquads(rate: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """BS.1770's K-weighting (a high shelf, then a high pass) designed for ``rate``.

    The analogue prototypes are those that reproduce the standard's 48 kHz coefficients
    exactly (the formulas of libebur128, which ffmpeg's ebur128 filter uses too).
    """
    k = math.tan(math.pi * 1681.974450955533 / rate)
    q = 0.7071752369554196
    vh = 10 ** (3.999843853973347 / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf = (
        np.array(
            [(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0]
        ),
        np.array([1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]),
    )
    k = math.tan(math.pi * 38.13547087602444 / rate)
    q = 0.5003270373238773
    a0 = 1 + k / q + k * k
    high_pass = (
        np.array([1.0, -2.0, 1.0]),
        np.array([1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]),
    )
    return [shelf, high_pass]


class Meter:
    """Integrated loudness and true peak of a mono signal fed in pieces of any size."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self._filters = _biquads(rate)
        self._state = [np.zeros(2) for _ in self._filters]
        self._hop = round(HOP_S * rate)
        self._pending = np.zeros(0)
        self._hops: list[float] = []
        self._peak = 0.0
        self._tail = np.zeros(0)

    def feed(self, samples: np.ndarray) -> None:
        """Add float samples in [-1, 1]."""
        if not samples.size:
            return
        from scipy import signal

        weighted = samples.astype(np.float64)
        for i, (b, a) in enumerate(self._filters):
            weighted, self._state[i] = signal.lfilter(b, a, weighted, zi=self._state[i])
        data = np.concatenate((self._pending, weighted))
        whole = data.size // self._hop * self._hop
        if whole:
            self._hops.extend(np.mean(data[:whole].reshape(-1, self._hop) ** 2, axis=1))
        self._pending = data[whole:]
        self._true_peak(samples)

    def _true_peak(self, samples: np.ndarray) -> None:
        # A few samples of context keep the interpolation honest at the seams.
        # Outputs before the filter has filled with real samples would ring at the seam.
        joined = np.concatenate((self._tail, samples.astype(np.float64)))
        settled = TAPS - 1 if self._tail.size else 0
        up = _oversampled(joined)[settled : joined.size * OVERSAMPLE]
        self._peak = max(self._peak, float(np.max(up, initial=0.0)))
        self._tail = joined[-(TAPS // OVERSAMPLE) :]

    def result(self) -> Measurement:
        """The measurement of everything fed so far."""
        return Measurement(integrated(self._hops), _db(self._peak))


def integrated(hop_powers: list[float]) -> float:
    """Gated loudness from the mean squares of consecutive 100 ms hops (400 ms blocks)."""
    hops = np.asarray(hop_powers)
    per_block = round(BLOCK_S / HOP_S)
    if hops.size < per_block:
        return _lufs(float(np.mean(hops))) if hops.size else SILENT
    blocks = np.convolve(hops, np.ones(per_block) / per_block, mode="valid")
    loud = blocks[_lufs_array(blocks) > ABSOLUTE_GATE]
    if not loud.size:
        return SILENT
    gate = _lufs(float(np.mean(loud))) + RELATIVE_GATE
    kept = loud[_lufs_array(loud) > gate]
    return _lufs(float(np.mean(kept)))


def measure(samples: np.ndarray, rate: int) -> Measurement:
    """Loudness and true peak of a whole (short) signal."""
    return Measurement(
        loudness(samples, rate), _db(float(np.max(_oversampled(samples), initial=0)))
    )


def loudness(samples: np.ndarray, rate: int) -> float:
    """Integrated loudness of a whole (short) signal, in LUFS."""
    from scipy import signal

    weighted = samples.astype(np.float64)
    for b, a in _biquads(rate):
        weighted = signal.lfilter(b, a, weighted)
    hop = round(HOP_S * rate)
    padded = np.pad(weighted, (0, -weighted.size % hop))
    return integrated(list(np.mean(padded.reshape(-1, hop) ** 2, axis=1)))


def level(samples: np.ndarray, rate: int, target: float, ceiling: float = CEILING_DBTP):
    """``samples`` at ``target`` LUFS with true peaks at or under ``ceiling`` dBTP.

    A gain reaches the target; where peaks would then pass the ceiling a look-ahead
    limiter holds them down, which costs loudness, so the gain is found by the secant
    method on (gain -> loudness after limiting): three or four passes at most.
    """
    source = samples.astype(np.float64)
    found = loudness(source, rate)
    if found == SILENT:
        return source
    limiter = Limiter(source, rate, ceiling)
    gains, results = [0.0], [found]
    gain = target - found
    for _ in range(6):
        out = limiter.apply(gain)
        found = loudness(out, rate)
        if abs(found - target) < 0.05:
            break
        slope = (found - results[-1]) / (gain - gains[-1]) if gain != gains[-1] else 1.0
        gains.append(gain)
        results.append(found)
        gain += (target - found) / max(slope, 0.2)
    return out


class Limiter:
    """A look-ahead peak limiter on true peaks (4x oversampled): the gain falls 5 ms
    before a peak and recovers over 5 ms after it, so it never clicks.

    The signal's peak envelope is computed once; any gain can then be tried cheaply.
    """

    def __init__(self, samples: np.ndarray, rate: int, ceiling: float) -> None:
        self.samples = samples
        self.ceiling = 10 ** (ceiling / 20)
        self.window = max(1, round(0.005 * rate))
        size = samples.size
        up = _oversampled(samples)[: size * OVERSAMPLE]
        up = np.pad(up, (0, size * OVERSAMPLE - up.size))
        self.envelope = np.max(up.reshape(size, OVERSAMPLE), axis=1)

    def apply(self, gain_db: float) -> np.ndarray:
        """The samples with ``gain_db`` of gain, peaks held at the ceiling."""
        gain = 10 ** (gain_db / 20)
        if gain * self.envelope.max(initial=0.0) <= self.ceiling:
            return self.samples * gain
        from scipy.ndimage import minimum_filter1d, uniform_filter1d

        need = np.minimum(1.0, self.ceiling / np.maximum(gain * self.envelope, 1e-12))
        held = minimum_filter1d(need, size=2 * self.window + 1, mode="nearest")
        smooth = uniform_filter1d(held, size=self.window, mode="nearest")
        return self.samples * (gain * 0.999) * np.minimum(smooth, need)


@lru_cache(maxsize=1)
def _interpolator() -> np.ndarray:
    from scipy import signal  # scipy.signal takes most of a second to import: only when used

    return signal.firwin(TAPS, 1 / OVERSAMPLE) * OVERSAMPLE


def _oversampled(samples: np.ndarray) -> np.ndarray:
    """|signal| interpolated to four times its rate (for true peaks)."""
    from scipy import signal

    return np.abs(signal.upfirdn(_interpolator(), samples.astype(np.float64), up=OVERSAMPLE))


def _lufs(power: float) -> float:
    return -0.691 + 10 * math.log10(power) if power > 0 else SILENT


def _lufs_array(powers: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return -0.691 + 10 * np.log10(powers)


def _db(amplitude: float) -> float:
    return 20 * math.log10(amplitude) if amplitude > 0 else SILENT
