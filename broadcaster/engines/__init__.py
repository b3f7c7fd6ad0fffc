"""Speech engines behind one protocol, and the registry that hands them out.

Each engine lives in its own module and is imported only when first asked for, so
nothing else imports pyttsx3 or onnxruntime. A voice profile's delivery says which
engine reads it (:func:`engine_for`); each engine is made once per process.
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

from broadcaster.errors import EngineError

if TYPE_CHECKING:
    from broadcaster.audio import AudioSegment
    from broadcaster.engines.espeak import EspeakEngine

NEURAL_INSTALL = "pip install 'broadcaster[neural]'"
"""How to install what the neural engine needs."""
NATURAL_INSTALL = "pip install 'broadcaster[natural]'"
"""How to install what the Kokoro engine needs."""
RANGE = "range"
"""A delivery field's metadata: the lowest and highest value a voice profile may give."""
DERIVED = "derived"
"""A delivery field's metadata: worked out from other keys, not a key of the profile."""


@dataclass(frozen=True)
class EngineVoice:
    """A voice the engine offers."""

    id: str
    """Identifier to put in a profile, e.g. ``gmw/en-us``."""
    name: str
    """Human name, e.g. ``English (America)``."""
    language: str
    """Language code, e.g. ``en-us`` (also accepted as a voice id)."""
    gender: str | None
    """``Male``, ``Female`` or unknown."""


@dataclass(frozen=True)
class Delivery:
    """How one voice reads in eSpeak NG: what that engine needs from a voice profile."""

    engine: ClassVar[str] = "espeak"
    voice: str
    """Engine voice id, optionally with a ``+variant`` suffix."""
    rate: int = field(default=165, metadata={RANGE: (80, 450)})
    """Words per minute."""
    pitch: int = field(default=50, metadata={RANGE: (0, 100)})
    """0-100."""
    volume: float = field(default=1.0, metadata={RANGE: (0.0, 1.0)})
    """0.0-1.0."""

    @property
    def engine_voice(self) -> str:
        """The voice as listings name it: the eSpeak voice id."""
        return self.voice


@dataclass(frozen=True)
class PiperDelivery:
    """How one voice reads in a Piper model: what that engine needs from a voice profile."""

    engine: ClassVar[str] = "piper"
    model: Path
    """The ``.onnx`` file; its config is the ``.onnx.json`` beside it."""
    name: str = field(metadata={DERIVED: True})
    """The model as the profile names it: a bundled model's name or the file's stem."""
    speaker: int | None = field(default=None, metadata={RANGE: (0, 100_000)})
    """Speaker id in a multi-speaker model; None for a single-speaker one."""
    length_scale: float = field(default=1.0, metadata={RANGE: (0.5, 2.0)})
    """Pace: how long each phoneme lasts (above 1 is slower)."""
    noise_scale: float = field(default=0.667, metadata={RANGE: (0.0, 1.5)})
    """Expressiveness: how much each sound varies."""
    noise_w: float = field(default=0.8, metadata={RANGE: (0.0, 1.5)})
    """Expressiveness: how much the timing varies."""
    semitones: float = field(default=0.0, metadata={RANGE: (-12, 12)})
    """Pitch offset, applied after synthesis without changing the duration."""
    volume: float = field(default=1.0, metadata={RANGE: (0.0, 1.0)})
    """0.0-1.0."""

    @property
    def engine_voice(self) -> str:
        """The voice as listings name it: ``piper:<model>`` or ``piper:<model>#<speaker>``."""
        speaker = "" if self.speaker is None else f"#{self.speaker}"
        return f"piper:{self.name}{speaker}"


@dataclass(frozen=True)
class KokoroDelivery:
    """How one voice reads in Kokoro-82M: what that engine needs from a voice profile."""

    engine: ClassVar[str] = "kokoro"
    voice: str
    """A shipped voice, e.g. ``af_heart`` (American woman) or ``bm_fable`` (British man)."""
    speed: float = field(default=1.0, metadata={RANGE: (0.5, 2.0)})
    """Pace: above 1 is faster."""
    volume: float = field(default=1.0, metadata={RANGE: (0.0, 1.0)})
    """0.0-1.0."""

    @property
    def engine_voice(self) -> str:
        """The voice as listings name it: ``kokoro:<voice>``."""
        return f"kokoro:{self.voice}"


AnyDelivery = Delivery | PiperDelivery | KokoroDelivery
"""A delivery of any engine."""
DELIVERIES: tuple[type[AnyDelivery], ...] = (Delivery, PiperDelivery, KokoroDelivery)
"""Every engine's delivery, in the order profiles' ``engine`` key lists them."""


@dataclass(frozen=True)
class EngineInfo:
    """Where the engine comes from (what ``broadcaster doctor`` prints)."""

    library: str
    """The shared library in use."""
    source: str
    """``system``, the wheel, or the environment variable that chose it."""
    data: str
    """The voice data folder."""
    version: str
    """The engine's own version string."""


class Engine(Protocol):
    """What the pipeline needs from a speech engine: every member is called (doctor,
    casting, the render, the clip cache), and every engine in :data:`ENGINES` has each."""

    @property
    def info(self) -> EngineInfo:
        """Where the engine and its data come from, and their version or hash."""
        ...

    def voices(self) -> list[EngineVoice]:
        """The voices it offers."""
        ...

    def check_voice(self, voice: str) -> None:
        """Raise VoiceError unless ``voice`` (an id as listings name it) can be read."""
        ...

    def synthesize(self, text: str, delivery, label: str) -> AudioSegment:
        """``text`` read by ``delivery``; ``label`` names the section in errors."""
        ...

    def cache_key(self, text: str, delivery) -> object:
        """Everything the clip of ``text`` read by ``delivery`` depends on (the clip
        cache's key): what it would read (the text, or the phonemes it makes of it), the
        versions and hashes of what reads it, every delivery value and the rate."""
        ...


def key_of(
    engine: str, spoken: str, versions: list[str], delivery: object, sample_rate: int
) -> str:
    """A clip-cache key: the engine, what it reads (text or phoneme ids), what versions it
    ran, every delivery value, the rate."""
    values = [f"{f.name}={getattr(delivery, f.name)}" for f in fields(delivery)]  # type: ignore[arg-type]
    return "|".join([engine, *versions, *values, f"sample_rate={sample_rate}", spoken])


ENGINES = {
    "espeak": ("broadcaster.engines.espeak", "EspeakEngine"),
    "piper": ("broadcaster.engines.piper", "PiperEngine"),
    "kokoro": ("broadcaster.engines.kokoro", "KokoroEngine"),
}
"""Engine name (a profile's ``engine`` key) -> its module and class."""
OPTIONAL = {
    "piper": (("onnxruntime", "numpy"), "neural voices", NEURAL_INSTALL),
    "kokoro": (("onnxruntime", "numpy"), "natural voices", NATURAL_INSTALL),
}
"""Engines that need an extra: the modules it brings, what it is called, how to install it."""

_LOADED: dict[str, Engine] = {}
_LOCK = threading.Lock()


def get(name: str) -> Engine:
    """The process's one engine called ``name``, made on first use."""
    with _LOCK:
        if name not in _LOADED:
            _LOADED[name] = _make(name)
        return _LOADED[name]


def _make(name: str) -> Engine:
    module, cls = ENGINES[name]
    try:
        found = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        modules, what, install = OPTIONAL.get(name, ((), "", ""))
        if exc.name not in modules:
            raise
        raise EngineError(
            f"{what} need the {exc.name} package, which is not installed",
            f"install them with: {install}",
        ) from None
    return getattr(found, cls)()


def engine_for(delivery: AnyDelivery) -> Engine:
    """The engine that reads ``delivery``."""
    return get(delivery.engine)


class Router:
    """One engine for every delivery: each is read by ``engine_for(delivery)``; voice
    questions go to eSpeak. What a wrapper such as the clip cache wraps."""

    @property
    def info(self) -> EngineInfo:
        return get_engine().info

    def voices(self) -> list[EngineVoice]:
        return get_engine().voices()

    def check_voice(self, voice: str) -> None:
        get_engine().check_voice(voice)

    def synthesize(self, text: str, delivery, label: str) -> AudioSegment:
        return engine_for(delivery).synthesize(text, delivery, label)

    def cache_key(self, text: str, delivery) -> object:
        return engine_for(delivery).cache_key(text, delivery)


def get_engine() -> EspeakEngine:
    """The process's one eSpeak engine (eSpeak cannot be initialised twice)."""
    return get("espeak")  # type: ignore[return-value]
