"""Casting: voice profiles from ``voices/`` and who reads what."""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from broadcaster.engine import Delivery, Engine
from broadcaster.errors import VoiceError
from broadcaster.script import ROLES, Bulletin, Segment

VOICES_ENV = "BROADCASTER_VOICES"
RANGES = {"rate": (80, 450), "pitch": (0, 100), "volume": (0.0, 1.0)}


@dataclass(frozen=True)
class VoiceProfile:
    """One voice of the cast, loaded from ``voices/<name>.toml``."""

    name: str
    """The file's stem: how segments and pins refer to it."""
    role: str
    """The role it reads: anchor, reporter or soundbite."""
    voice: str
    """Engine voice id, optionally with a ``+variant`` (``en-us+f3``)."""
    rate: int = 165
    """Words per minute, 80-450."""
    pitch: int = 50
    """0-100."""
    volume: float = 1.0
    """0.0-1.0."""
    description: str = ""
    """Free text for people reading the cast."""

    @property
    def delivery(self) -> Delivery:
        """What the engine needs to read in this voice."""
        return Delivery(self.voice, self.rate, self.pitch, self.volume)


TYPES = {
    "role": str,
    "voice": str,
    "rate": int,
    "pitch": int,
    "volume": (int, float),
    "description": str,
}


def default_voices_dir() -> Path:
    """``$BROADCASTER_VOICES``, else the cast shipped in the package, else the repo's."""
    if os.environ.get(VOICES_ENV):
        return Path(os.environ[VOICES_ENV])
    here = Path(__file__).resolve().parent
    shipped = here / "voices"
    return shipped if shipped.is_dir() else here.parent / "voices"


def load_profiles(folder: Path, engine: Engine) -> list[VoiceProfile]:
    """Every profile in ``folder``, validated against the schema and the engine."""
    if not folder.is_dir():
        raise VoiceError(
            f"voices folder {folder} does not exist", "give --voices an existing folder"
        )
    profiles = [_load_profile(path, engine) for path in sorted(folder.glob("*.toml"))]
    missing = [role for role in ROLES if not any(p.role == role for p in profiles)]
    if missing:
        raise VoiceError(
            f"{folder} has no voice profile for {', '.join(missing)}",
            'add a <name>.toml with role = "..." for each role',
        )
    return profiles


def _load_profile(path: Path, engine: Engine) -> VoiceProfile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise VoiceError(f"{path}: malformed TOML: {exc}", "fix the line it names") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise VoiceError(f"{path}: cannot read: {exc}") from None
    for key, value in data.items():
        _check_key(path, key, value)
    for key in ("role", "voice"):
        if key not in data:
            raise VoiceError(f"{path}: missing key {key!r}", f'add {key} = "..."')
    try:
        engine.check_voice(data["voice"])
    except VoiceError as exc:
        raise VoiceError(f"{path}: key 'voice': {exc.message}", exc.hint) from None
    return VoiceProfile(name=path.stem, **data)


def _check_key(path: Path, key: str, value: object) -> None:
    if key not in TYPES:
        raise VoiceError(f"{path}: unknown key {key!r}", f"allowed keys: {', '.join(TYPES)}")
    if not isinstance(value, TYPES[key]) or isinstance(value, bool):
        raise VoiceError(
            f"{path}: key {key!r} has the wrong type ({type(value).__name__})",
            f"{key} takes {'a number' if key in RANGES else 'a string'}",
        )
    if key == "role" and value not in ROLES:
        raise VoiceError(f"{path}: key 'role' is {value!r}", f"choose one of {', '.join(ROLES)}")
    if key in RANGES and not RANGES[key][0] <= value <= RANGES[key][1]:
        low, high = RANGES[key]
        raise VoiceError(
            f"{path}: key {key!r} is {value}, out of range",
            f"{key} must be between {low} and {high}",
        )


def _preference(profile: VoiceProfile, person: str) -> str:
    """Rendezvous hash: each person ranks the pool the same way in every bulletin."""
    return hashlib.sha256(f"{person}\0{profile.name}".encode()).hexdigest()


def cast(bulletin: Bulletin, profiles: list[VoiceProfile]) -> Bulletin:
    """Give every segment a voice profile name: one per person, stable across bulletins."""
    chosen: dict[tuple[str, str], str] = {}

    def pick(segment: Segment) -> Segment:
        person = (segment.role, (segment.speaker or "").casefold())
        if person not in chosen:
            pool = [p for p in profiles if p.role == segment.role]
            free = [p for p in pool if p.name not in chosen.values()] or pool
            chosen[person] = min(free, key=lambda p: _preference(p, person[1])).name
        return replace(segment, voice=chosen[person])

    return bulletin.map_segments(pick)
