"""Casting: voice profiles from ``voices/`` and who reads what."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from broadcaster.engine import Delivery, Engine
from broadcaster.errors import VoiceError
from broadcaster.script import ROLES, Bulletin, Segment
from broadcaster.tomlfile import read_toml

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


RESERVED = ("lexicon.toml", "pins.toml")
"""Files in a voices folder that are not voice profiles."""


def load_profiles(folder: Path, engine: Engine) -> list[VoiceProfile]:
    """Every profile in ``folder``, validated against the schema and the engine."""
    if not folder.is_dir():
        raise VoiceError(
            f"voices folder {folder} does not exist", "give --voices an existing folder"
        )
    paths = [p for p in sorted(folder.glob("*.toml")) if p.name not in RESERVED]
    profiles = [_load_profile(path, engine) for path in paths]
    missing = [role for role in ROLES if not any(p.role == role for p in profiles)]
    if missing:
        raise VoiceError(
            f"{folder} has no voice profile for {', '.join(missing)}",
            'add a <name>.toml with role = "..." for each role',
        )
    return profiles


def load_pins(folder: Path, profiles: list[VoiceProfile]) -> dict[str, str]:
    """``pins.toml``: person name (case-insensitive) -> profile name."""
    path = folder / "pins.toml"
    if not path.is_file():
        return {}
    names = {p.name for p in profiles}
    pins = {}
    for person, profile in read_toml(path).items():
        if not isinstance(profile, str) or profile not in names:
            raise VoiceError(
                f"{path}: pin {person!r} names unknown voice {profile!r}",
                f"voices: {', '.join(sorted(names))}",
            )
        pins[person.casefold()] = profile
    return pins


def _load_profile(path: Path, engine: Engine) -> VoiceProfile:
    data = read_toml(path)
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


@dataclass
class _Casting:
    """Who has which voice so far, while one bulletin is cast."""

    profiles: list[VoiceProfile]
    pins: dict[str, str]
    overrides: dict[str, str]
    chosen: dict[str, str] = field(default_factory=dict)

    def voice_for(self, segment: Segment, story_voices: set[str]) -> str:
        if segment.role in self.overrides:
            return self.overrides[segment.role]
        person = _person(segment)
        if person not in self.chosen:
            pinned = self.pins.get(person)
            self.chosen[person] = pinned or self._pick(segment, person, story_voices)
        return self.chosen[person]

    def _pick(self, segment: Segment, person: str, story_voices: set[str]) -> str:
        """The person's favourite free profile of their role (one heard nearby if all are taken)."""
        pool = [p for p in self.profiles if p.role == segment.role]
        taken = set(self.chosen.values()) | set(self.pins.values())
        free = [p for p in pool if p.name not in taken]
        free = free or [p for p in pool if p.name not in story_voices] or pool
        return min(free, key=lambda p: _preference(p, person)).name


def _person(segment: Segment) -> str:
    """Who speaks: the named person, or the unnamed voice of a role (one anchor, ...)."""
    return segment.speaker.casefold() if segment.speaker else f"({segment.role})"


def cast(
    bulletin: Bulletin,
    profiles: list[VoiceProfile],
    pins: dict[str, str] | None = None,
    overrides: dict[str, str] | None = None,
) -> Bulletin:
    """Give every segment a voice profile: one per person, the same in every story.

    A person's voice depends only on their name and the cast (rendezvous hashing), so a
    daily bulletin sounds the same from day to day, except when two people in one bulletin
    prefer the same profile: the first to speak keeps it. Pins fix regulars for good.
    """
    casting = _Casting(profiles, pins or {}, overrides or {})
    stories = []
    for story in bulletin.stories:
        heard: set[str] = set()
        segments = []
        for segment in story.segments:
            voice = casting.voice_for(segment, heard)
            heard.add(voice)
            segments.append(replace(segment, voice=voice))
        stories.append(replace(story, segments=tuple(segments)))
    return replace(bulletin, stories=tuple(stories))


def with_overrides(
    profiles: list[VoiceProfile], overrides: dict[str, str], engine: Engine
) -> tuple[list[VoiceProfile], dict[str, str]]:
    """Apply ``--voice ROLE=VOICE`` (a profile name or an engine voice id) for one render.

    Returns the profiles (plus one made for each engine voice id, with the delivery of
    the role's first profile) and the role -> profile name overrides for :func:`cast`.
    """
    names = {p.name for p in profiles}
    chosen = {}
    for role, voice in overrides.items():
        if voice not in names:
            try:
                engine.check_voice(voice)
            except VoiceError as exc:
                raise VoiceError(f"--voice {role}={voice}: {exc.message}", exc.hint) from None
            base = next(p for p in profiles if p.role == role)
            profiles = [*profiles, replace(base, name=f"{role}={voice}", voice=voice)]
        chosen[role] = voice if voice in names else f"{role}={voice}"
    return profiles, chosen
