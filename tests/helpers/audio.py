"""Audio decoded by the real ffmpeg, and what a listener hears in it, measured: pitch,
silence and level."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from broadcaster.ffmpeg import find_ffmpeg

FRAME_S = 0.04
HOP_S = 0.01
LOWEST_HZ, HIGHEST_HZ = 60.0, 420.0


def samples(pcm: bytes) -> np.ndarray:
    """16-bit little-endian PCM as floats in [-1, 1). Not ``broadcaster.audio.samples_of``:
    an independent reference, so a fault in the product's conversion shows in the tests."""
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768.0


def median_f0(pcm: bytes, rate: int) -> float:
    """The median fundamental frequency (Hz) of the voiced frames, by autocorrelation."""
    x = samples(pcm)
    size, hop = int(FRAME_S * rate), int(HOP_S * rate)
    low, high = int(rate / HIGHEST_HZ), int(rate / LOWEST_HZ)
    loudest = np.max(np.abs(x)) if x.size else 0.0
    found = []
    for start in range(0, x.size - size, hop):
        frame = x[start : start + size]
        if np.sqrt(np.mean(frame**2)) < 0.1 * loudest:
            continue
        frame = frame - frame.mean()
        corr = np.correlate(frame, frame, "full")[size - 1 :]
        if corr[0] <= 0:
            continue
        corr = corr / corr[0]
        lag = low + int(np.argmax(corr[low:high]))
        if corr[lag] > 0.5:
            found.append(rate / lag)
    return float(np.median(found)) if found else 0.0


def silent_runs(pcm: bytes, rate: int, threshold: float = 0.01, min_s: float = 0.2):
    """(start_s, end_s) of every stretch quieter than ``threshold`` for at least ``min_s``."""
    x = np.abs(samples(pcm)) >= threshold
    edges = np.flatnonzero(np.diff(np.concatenate(([True], x, [True])).astype(np.int8)))
    runs = zip(edges[::2], edges[1::2], strict=True)
    return [(a / rate, b / rate) for a, b in runs if (b - a) / rate >= min_s]


def peak(pcm: bytes) -> float:
    """The largest absolute sample, 0.0-1.0."""
    x = samples(pcm)
    return float(np.max(np.abs(x))) if x.size else 0.0


def ebur128(path, ffmpeg: str | None = None) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) of a file, measured by ffmpeg's ebur128 filter
    (``ffmpeg``, else the product's). Its per-frame lines go to the verbose level, which
    is not shown: Debian 12's ffmpeg 5.1 has no ``framelog=quiet`` (ENGINE-NOTES.md)."""
    done = subprocess.run(
        [ffmpeg or find_ffmpeg(), "-hide_banner", "-nostats", "-i", str(path), "-af",
         "ebur128=peak=true:framelog=verbose", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    summary = done.stderr[done.stderr.rindex("Summary:") :]
    integrated = float(re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary).group(1))
    peak = float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))
    return integrated, peak


def decode(mp3: Path, rate: int = 44100) -> bytes:
    """An audio file decoded by the real ffmpeg to 16-bit mono PCM at ``rate``."""
    done = subprocess.run(
        [
            find_ffmpeg(),
            "-v",
            "error",
            "-i",
            str(mp3),
            "-f",
            "s16le",
            "-ac",
            "1",
            "-ar",
            str(rate),
            "-",
        ],
        capture_output=True,
        check=True,
    )
    return done.stdout


def check_audio(mp3: Path, duration_s: float) -> None:
    """A valid MP3 whose decoded samples last ``duration_s``."""
    done = subprocess.run(
        [find_ffmpeg(), "-v", "error", "-i", str(mp3), "-f", "null", "-"],
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert len(decode(mp3)) / 2 / 44100 == pytest.approx(duration_s, abs=0.05)
