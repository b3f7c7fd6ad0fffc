"""Target 1: `broadcaster render` of the corpus transcript against the honest floor.

The floor is the bare minimum that makes the same file: one process that calls the same
eSpeak NG library directly (ctypes, synchronous `espeak_Synth`, no pyttsx3, nothing of
ours imported: the library, its data and ffmpeg are handed to it) on the whole spoken
text in one call, then one ffmpeg (the same binary) that encodes those samples once to
our default format: MP3, 44.1 kHz, mono, 128k. Both are timed as whole processes,
start-up included, alternating. Target (issue 11): render / floor <= 1.0.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from common import CORPUS, PYTHON, alternate, ratio_line, runs_from_argv

FLOOR = """
import ctypes, subprocess, sys
text, output, library, data, ffmpeg, codec_args = sys.argv[1:]
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
                "-i", "pipe:0", *codec_args.split(), output], input=b"".join(samples),
               check=True)
"""
"""The floor's program: synthesise a text file in one call, encode it once."""
MP3 = "-ar 44100 -ac 1 -c:a libmp3lame -b:a 128k -f mp3"
"""Our default output, as ffmpeg arguments."""


def floor_command(spoken: str, folder: Path, output: Path, codec_args: str = MP3) -> list[str]:
    """The floor process for ``spoken`` (the library and ffmpeg found here, not there)."""
    from broadcaster.engines.espeak import _locate
    from broadcaster.ffmpeg import find_ffmpeg

    library, _, data = _locate()
    text = folder / f"{output.stem}.txt"
    text.write_text(spoken, encoding="utf-8")
    return [PYTHON, "-c", FLOOR, str(text), str(output), library, data, find_ffmpeg(),
            codec_args]  # fmt: skip


def spoken_text(script: Path, segments: set[int] | None = None) -> str:
    """What the render speaks of ``script`` (all of it, or the 1-based ``segments``)."""
    import broadcaster

    said = broadcaster.prepare(script).bulletin.segments()
    return " ".join(s.spoken for n, (_, s) in enumerate(said, 1) if not segments or n in segments)


def render_command(script: Path, output: Path, *extra: str) -> list[str]:
    """Our render of ``script`` to ``output``, as a user runs it."""
    return [PYTHON, "-m", "broadcaster", "render", str(script), "-o", str(output), "-q", *extra]


def main() -> None:
    runs = runs_from_argv(5)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        times = alternate(
            {
                "floor": floor_command(spoken_text(CORPUS), folder, folder / "floor.mp3"),
                "render": render_command(CORPUS, folder / "render.mp3"),
            },
            runs,
        )
    print(ratio_line("render / floor", times["render"], times["floor"], "<= 1.0"))


if __name__ == "__main__":
    main()
