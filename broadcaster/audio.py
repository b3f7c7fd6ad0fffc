"""pydub's AudioSegment, imported once without its import-time warnings, and the one
conversion between float samples and PCM.

pydub warns "Couldn't find ffmpeg or avconv" at import time when ffmpeg is not on
PATH, even though WAV in and out needs no ffmpeg (we run ffmpeg ourselves through
ffmpeg.py). Setting ``AudioSegment.converter`` later does not silence it.

Float samples are in [-1, 1]; a ``width``-byte integer sample is the float times
2 ** (8 * width - 1), rounded half to even and clipped to the integer's range (so 1.0
becomes 32767 in 16 bits, and 16-bit PCM comes back from floats unchanged).
"""

import warnings

import numpy as np

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Couldn't find ffmpeg", category=RuntimeWarning)
    # pydub imports audioop, deprecated in 3.12 (audioop-lts replaces it on 3.13+).
    warnings.filterwarnings(
        "ignore", message="'audioop' is deprecated", category=DeprecationWarning
    )
    from pydub import AudioSegment

__all__ = ["AudioSegment", "overlay", "pcm", "samples_of", "segment_of", "silent"]


def _scale(width: int) -> int:
    return 1 << (8 * width - 1)


def pcm(samples: np.ndarray, width: int = 2) -> bytes:
    """Float ``samples`` as little-endian signed PCM of ``width`` bytes (2 or 4)."""
    scale = _scale(width)
    # In place after the one copy: a fresh array for each step took 1.2-1.8 ms for 5 s of
    # 16-bit output against 0.25-0.46 (measured three times on this shared machine).
    scaled = np.multiply(samples, scale, dtype=np.float64)
    np.rint(scaled, out=scaled)
    np.clip(scaled, -scale, scale - 1, out=scaled)
    return scaled.astype(f"<i{width}").tobytes()


def segment_of(samples: np.ndarray, rate: int, width: int = 2) -> AudioSegment:
    """Float ``samples`` as a mono segment of ``width`` bytes per sample."""
    return AudioSegment(pcm(samples, width), sample_width=width, frame_rate=rate, channels=1)


def samples_of(segment: AudioSegment) -> np.ndarray:
    """A mono segment's samples as float64 in [-1, 1)."""
    width = segment.sample_width
    return np.frombuffer(segment.raw_data, dtype=f"<i{width}") / float(_scale(width))


def silent(frames: int, rate: int, width: int = 2) -> AudioSegment:
    """``frames`` samples of mono silence. Not ``AudioSegment.silent``: it counts
    int(rate * (ms / 1000.0)) frames, one short for 16 of the lengths 0-5000 ms at
    22,050 Hz (700 ms gives 15,434, not 15,435; measured with pydub 0.25.1), and the
    timeline, captions and chapters are counted in samples."""
    return AudioSegment(bytes(frames * width), sample_width=width, frame_rate=rate, channels=1)


def overlay(segment: AudioSegment, under: AudioSegment) -> AudioSegment:
    """``under`` (no longer than ``segment``) mixed into it from its first sample, every
    sample kept. ``AudioSegment.overlay`` re-slices ``segment`` to its length in whole
    milliseconds, dropping or padding a few samples (a 52 s bulletin with a bed came out
    2 samples short; pydub 0.25.1): padded with 10 ms of silence first, more than that
    rounding can take, and cut back by sample index afterwards, nothing moves."""
    size = int(segment.frame_count())
    pad = silent(segment.frame_rate // 100, segment.frame_rate, segment.sample_width)
    return (segment + pad).overlay(under).get_sample_slice(0, size)
