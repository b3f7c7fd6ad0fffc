"""The programme's music: opening and closing stings, the transition between stories and
the bed under the anchor. Generated here in code by default (no audio files in git);
a cast folder or a flag may name the user's own WAV, MP3 or FLAC files instead."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from broadcaster import ffmpeg
from broadcaster.errors import InputError
from broadcaster.sound import loudness, mix

KINDS = ("sting-open", "sting-close", "transition", "bed")
"""What a cast folder's music files are called (``sting-open.wav``, ``bed.mp3``, ...)."""
EXTENSIONS = (".wav", ".mp3", ".flac")
C_MAJOR = {"C4": 261.63, "E4": 329.63, "G4": 392.0, "C5": 523.25, "E5": 659.25, "G5": 783.99}


@dataclass(frozen=True)
class Music:
    """Where each piece of music comes from: a file, or None for the generated one."""

    sting_open: Path | None = None
    """The opening sting."""
    sting_close: Path | None = None
    """The closing sting."""
    transition: Path | None = None
    """Between two stories."""
    bed: Path | None = None
    """Under the anchor, when a bed is asked for."""


def from_folder(folder: Path, given: Music) -> Music:
    """``given`` with the cast folder's own music files filling what it leaves unset."""
    found = {}
    for kind in KINDS:
        field = kind.replace("-", "_")
        files = [p for ext in EXTENSIONS if (p := folder / f"{kind}{ext}").is_file()]
        found[field] = getattr(given, field) or (files[0] if files else None)
    return Music(**found)


def load(path: Path, rate: int) -> np.ndarray:
    """A user's audio file as mono float samples at ``rate`` (decoded by ffmpeg)."""
    if path.is_dir():
        raise InputError(f"music file {path} is a folder", "give a WAV, MP3 or FLAC file")
    if not path.is_file():
        raise InputError(f"music file {path} does not exist", "check the path")
    unreadable = f"music file {path} is not audio ffmpeg can read"
    decoded = ffmpeg.run(["-i", str(path), "-f", "f32le", "-ac", "1", "-ar", str(rate), "-"],
                         what=unreadable, error=InputError)  # fmt: skip
    if not decoded:
        raise InputError(f"{unreadable}: no audio in it")
    return np.frombuffer(decoded, dtype="<f4").astype(np.float64)


def _tone(freq: float, seconds: float, rate: int, decay: float) -> np.ndarray:
    """A soft bell: a sine with two quiet overtones, a quick attack and an exponential decay."""
    t = np.arange(round(seconds * rate)) / rate
    wave = np.sin(2 * np.pi * freq * t) + 0.3 * np.sin(4 * np.pi * freq * t)
    wave += 0.1 * np.sin(6 * np.pi * freq * t)
    attack = np.minimum(1.0, t / 0.01)
    return wave * attack * np.exp(-t / decay)


def _arpeggio(notes: list[str], rate: int, step: float, ring: float) -> np.ndarray:
    out = np.zeros(round((step * len(notes) + ring) * rate))
    for n, note in enumerate(notes):
        tone = _tone(C_MAJOR[note], ring, rate, decay=ring / 3)
        start = round(n * step * rate)
        out[start : start + tone.size] += tone
    return _faded(out, rate)


def _faded(samples: np.ndarray, rate: int, seconds: float = 0.05) -> np.ndarray:
    n = min(round(seconds * rate), samples.size // 2)
    ramp = np.linspace(0.0, 1.0, n)
    samples[:n] *= ramp
    samples[samples.size - n :] *= ramp[::-1]
    return samples


def generated(kind: str, rate: int) -> np.ndarray:
    """The project's own music: a rising arpeggio to open, a falling one to close, two
    soft notes between stories, and a quiet eight-second chord loop for the bed."""
    if kind == "sting-open":
        return _arpeggio(["C4", "E4", "G4", "C5", "E5", "G5"], rate, 0.16, 1.8)
    if kind == "sting-close":
        return _arpeggio(["G5", "E5", "C5", "G4", "E4", "C4"], rate, 0.16, 1.8)
    if kind == "transition":
        return _arpeggio(["G4", "C5"], rate, 0.18, 0.9)
    t = np.arange(round(8.0 * rate)) / rate
    chord = sum(np.sin(2 * np.pi * C_MAJOR[n] / 2 * t) for n in ("C4", "E4", "G4"))
    swell = 0.75 + 0.25 * np.sin(2 * np.pi * t / 8.0)  # one slow swell per loop: seamless
    return chord * swell


def sound_for(
    target: str,
    pauses: mix.Pauses,
    given: Music | None,
    bed: str | None,
    folder: Path,
    framed: bool = True,
) -> mix.Sound:
    """The programme's loudness (``target``: a name or LUFS), pauses and music (``given``;
    None: voices only), the music loaded (by ffmpeg) or generated: the stings if
    ``framed``, the ``bed`` (``generated`` or a file; None: none) under the anchor."""
    target_lufs = loudness.target_lufs(target)
    if given is None:
        return mix.Sound(target_lufs, pauses)
    chosen = from_folder(folder, given)

    def piece(kind: str, path: Path | None) -> np.ndarray:
        return load(path, mix.RATE) if path else generated(kind, mix.RATE)

    stings = {}
    if framed:
        stings = {
            kind: piece(kind, getattr(chosen, kind.replace("-", "_")))
            for kind in ("sting-open", "sting-close", "transition")
        }
    piece_bed = None
    if bed:
        piece_bed = piece("bed", chosen.bed if bed == "generated" else Path(bed))
    return mix.Sound(target_lufs, pauses, stings, piece_bed)
