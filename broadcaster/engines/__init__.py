"""Speech engines behind one protocol, and the registry that hands them out.

Each engine lives in its own module and is imported only when first asked for, so
nothing else imports pyttsx3 (or a neural runtime).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from broadcaster.audio import AudioSegment
    from broadcaster.engines.espeak import EspeakEngine


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
    """How one voice reads: what the engine needs from a voice profile."""

    voice: str
    """Engine voice id, optionally with a ``+variant`` suffix."""
    rate: int = 165
    """Words per minute."""
    pitch: int = 50
    """0-100."""
    volume: float = 1.0
    """0.0-1.0."""


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
    """What the pipeline needs from a speech engine."""

    def voices(self) -> list[EngineVoice]: ...

    def check_voice(self, voice: str) -> None: ...

    def synthesize(self, text: str, delivery: Delivery, label: str) -> AudioSegment: ...


_ESPEAK: EspeakEngine | None = None


def get_engine() -> EspeakEngine:
    """The process's one eSpeak engine (eSpeak cannot be initialised twice)."""
    global _ESPEAK
    if _ESPEAK is None:
        from broadcaster.engines.espeak import EspeakEngine

        _ESPEAK = EspeakEngine()
    return _ESPEAK
