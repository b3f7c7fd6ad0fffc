"""The one ffmpeg runner: its output, and every failure as one error naming what failed
with ffmpeg's last message (the real ffmpeg)."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from broadcaster import ffmpeg
from broadcaster.errors import DISK_FULL_HINT, ExportError, InputError


def test_run_returns_what_ffmpeg_writes():
    pcm = np.arange(-800, 800, dtype="<i2").tobytes()
    args = ["-f", "s16le", "-ar", "8000", "-ac", "1", "-i", "-", "-f", "s16le", "-"]
    assert ffmpeg.run(args, input=pcm, what="copy") == pcm


def test_run_names_what_failed_with_ffmpegs_last_line(tmp_path):
    missing = tmp_path / "missing.wav"
    with pytest.raises(InputError) as raised:
        ffmpeg.run(["-i", str(missing), "-f", "null", "-"], what="decoding", error=InputError,
                   hint="check the path")  # fmt: skip
    # ffmpeg 5.1 ends "PATH: No such file or directory"; 9.0 "Error opening input files: ..."
    said = str(raised.value)
    assert said.startswith("decoding: ") and "\n" not in said, said
    assert said.endswith(": No such file or directory (check the path)"), said


def test_a_full_disk_is_a_failure_even_with_status_0():
    log = b"some warning\nError writing trailer of out.mp3: No space left on device\nend\n"
    with pytest.raises(ExportError) as raised:
        ffmpeg.check(0, log, "ffmpeg failed to encode")
    assert raised.value.message == (
        "ffmpeg failed to encode: Error writing trailer of out.mp3: No space left on device"
    )
    assert raised.value.hint == DISK_FULL_HINT
    ffmpeg.check(0, b"some warning\n", "ffmpeg failed to encode")  # status 0, room: no error


def test_version_is_the_real_ffmpegs():
    # The third word of `ffmpeg -version`: "5.1.6-0+deb12u1" (Debian), "n9.0.2-17-g2a571b6068-..."
    # (imageio-ffmpeg's build).
    banner = subprocess.run([ffmpeg.find_ffmpeg(), "-version"], capture_output=True, text=True)
    assert ffmpeg.version() == banner.stdout.split()[2]
