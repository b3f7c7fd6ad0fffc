"""The loudness meter and the levelling, against known signals and ffmpeg's own meter."""

from __future__ import annotations

import math
import subprocess

import numpy as np
import pytest

from broadcaster.ffmpeg import find_ffmpeg
from broadcaster.sound import loudness

RATE = 22050


def tone(freq: float, seconds: float, amplitude: float, rate: int = RATE) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return amplitude * np.sin(2 * np.pi * freq * t)


def test_a_1khz_sine_at_minus_20_dbfs_reads_minus_20_lufs():
    # BS.1770: a 997 Hz sine at -20 dBFS (RMS -23 dB) is -23.0 LUFS (K-weighting ~0 dB
    # at 1 kHz, plus the +3.01 of a sine's peak-to-RMS); a mono full-scale sine: -3.0.
    assert loudness.loudness(tone(997, 5, 10 ** (-20 / 20)), RATE) == pytest.approx(-23.0, abs=0.1)
    assert loudness.loudness(tone(997, 5, 1.0), RATE) == pytest.approx(-3.0, abs=0.1)


def test_silence_and_gating():
    assert loudness.loudness(np.zeros(RATE * 2), RATE) == loudness.SILENT
    loud = tone(997, 4, 0.1)
    with_gap = np.concatenate([loud, np.zeros(RATE * 10), loud])
    # 10 s of silence fall under the absolute gate: only the blocks straddling the edges
    # count (a little), where an ungated mean would drop by more than 4 LU
    gated = loudness.loudness(with_gap, RATE)
    assert gated == pytest.approx(loudness.loudness(loud, RATE), abs=0.3)
    ungated = -0.691 + 10 * math.log10(np.mean(with_gap**2))
    assert ungated < gated - 4


def test_streaming_meter_equals_whole_measurement():
    x = np.random.default_rng(3).standard_normal(RATE * 7) * 0.05
    meter = loudness.Meter(RATE)
    for start in range(0, x.size, 3001):
        meter.feed(x[start : start + 3001])
    whole = loudness.measure(x, RATE)
    found = meter.result()
    assert found.integrated_lufs == pytest.approx(whole.integrated_lufs, abs=0.03)
    assert found.true_peak_dbtp == pytest.approx(whole.true_peak_dbtp, abs=1e-9)


def test_true_peak_sees_between_the_samples():
    # A sine at a quarter of the rate, sampled at 45 degrees: the samples read 0.707 of
    # the true peak (-3 dB); 4x interpolation finds it within half a decibel.
    t = np.arange(4000)
    x = np.sin(np.pi / 2 * t + np.pi / 4)
    assert 20 * math.log10(np.max(np.abs(x))) == pytest.approx(-3.01, abs=0.01)
    assert loudness.measure(x, RATE).true_peak_dbtp == pytest.approx(0.0, abs=0.5)


def test_level_reaches_target_under_the_ceiling_and_agrees_with_ffmpeg(engine, tmp_path):
    from broadcaster.engines import Delivery

    clip = engine.synthesize("The council met late into the night. " * 6, Delivery("en-us"), "t")
    x = np.frombuffer(clip.raw_data, dtype="<i2") / 32768.0
    for target in (-16.0, -23.0):
        y = loudness.level(x, RATE, target)
        found = loudness.measure(y, RATE)
        assert found.integrated_lufs == pytest.approx(target, abs=0.05)
        assert found.true_peak_dbtp <= loudness.CEILING_DBTP + 0.01
        wav = tmp_path / "l.wav"
        pcm = np.round(y * 32767).astype("<i2").tobytes()
        subprocess.run(
            [find_ffmpeg(), "-v", "error", "-y", "-f", "s16le", "-ar", str(RATE), "-ac", "1",
             "-i", "pipe:0", str(wav)], input=pcm, check=True,
        )  # fmt: skip
        from tests.helpers.audio import ebur128

        assert ebur128(wav)[0] == pytest.approx(target, abs=0.15)


def test_targets_and_presets():
    assert loudness.target_lufs("podcast") == -16.0
    assert loudness.target_lufs("broadcast") == -23.0
    assert loudness.target_lufs("-18.5") == -18.5
    for bad in ("-40", "0", "loud", "nan"):
        with pytest.raises(Exception, match="is not podcast, broadcast or -36 to -14"):
            loudness.target_lufs(bad)
    assert loudness.target_lufs("-14") == -14.0
    for loud in ("-13.99", "-9", "-0.5"):
        with pytest.raises(Exception, match="cannot be reached: above -14 LUFS"):
            loudness.target_lufs(loud)


def test_the_loudest_target_keeps_the_true_peak_ceiling(tmp_path):
    """At -14 LUFS, the loudest allowed, every voice leans on the limiter: the PCM stays
    under the design ceiling (each voice at -2.5 dBTP, a part's balance up 0.5 dB at
    most) and the decoded file under the README's -1 dBTP. With the balance allowed up
    3 dB the corpus's PCM peaked at -0.01 dBTP."""
    import json

    from tests.helpers.audio import ebur128
    from tests.helpers.cli import invoke
    from tests.helpers.paths import KBS

    out = tmp_path / "kbs.mp3"
    done = invoke("render", str(KBS), "-o", str(out), "--loudness", "-14", "--sidecars", "json")
    assert done.returncode == 0, done.stderr
    loud = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))["loudness"]
    assert loud["true_peak_dbtp"] <= -2.0
    integrated, peak = ebur128(out)
    assert integrated == pytest.approx(-14.0, abs=0.3)
    assert peak <= -1.0
