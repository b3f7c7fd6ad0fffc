"""Render the corpus transcript against the honest floor, alternating runs; median ratio.

The floor is the bare minimum that makes the same file: one process that calls the same
eSpeak NG library directly (ctypes, synchronous `espeak_Synth`, no pyttsx3, nothing of
ours imported: the library, its data and ffmpeg are handed to it) on the whole spoken
text in one call, then one ffmpeg (the same binary) that encodes those samples once to
our default format: MP3, 44.1 kHz, mono, 128k. Both are timed as whole processes,
start-up included, in the same environment. Target (issue 11): render / floor <= 1.0.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT.parent / "shared" / "corpus" / "kbs-radio-2025-02-19.txt"
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5

FLOOR = """
import ctypes, subprocess, sys
text, output, library, data, ffmpeg = sys.argv[1:]
lib = ctypes.CDLL(library)
samples = []
CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int,
                            ctypes.c_void_p)
def collect(wav, n, events):
    if n > 0:
        samples.append(ctypes.string_at(wav, n * 2))
    return 0
callback = CALLBACK(collect)
lib.espeak_Initialize(2, 0, data.encode(), 0)  # AUDIO_OUTPUT_SYNCHRONOUS
lib.espeak_SetSynthCallback(callback)
lib.espeak_SetVoiceByName(b"en-us")
spoken = open(text, "rb").read() + b"\\0"
lib.espeak_Synth(spoken, len(spoken), 0, 1, 0, 1, None, None)  # POS_CHARACTER, CHARS_UTF8
subprocess.run([ffmpeg, "-v", "error", "-y", "-f", "s16le", "-ar", "22050", "-ac", "1",
                "-i", "pipe:0", "-ar", "44100", "-ac", "1", "-c:a", "libmp3lame", "-b:a", "128k",
                "-f", "mp3", output], input=b"".join(samples), check=True)
"""


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    from broadcaster.engines import get_engine
    from broadcaster.engines.espeak import _locate
    from broadcaster.export import find_ffmpeg
    from broadcaster.render import prepare

    spoken = " ".join(s.spoken for _, s in prepare(SCRIPT, get_engine()).bulletin.segments())
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp, "spoken.txt")
        text.write_text(spoken, encoding="utf-8")
        library, _, data = _locate()
        floor = [sys.executable, "-c", FLOOR, str(text), str(Path(tmp, "floor.mp3")), library,
                 data, find_ffmpeg()]  # fmt: skip
        ours = [sys.executable, "-m", "broadcaster", "render", str(SCRIPT), "-o",
                str(Path(tmp, "render.mp3")), "-q"]  # fmt: skip
        timed(floor), timed(ours)  # warm the file cache
        pairs = [(timed(floor), timed(ours)) for _ in range(RUNS)]
    ratios = [ours / base for base, ours in pairs]
    median = statistics.median(ratios)
    print(
        f"floor {statistics.median(p[0] for p in pairs):.2f} s, render "
        f"{statistics.median(p[1] for p in pairs):.2f} s (medians of {RUNS} alternating runs)"
    )
    print(f"render/floor: median {median:.2f}x (min {min(ratios):.2f}x, max {max(ratios):.2f}x); "
          f"target <= 1.0: {'met' if median <= 1.0 else 'NOT met'}")  # fmt: skip


if __name__ == "__main__":
    main()
