"""Casting: voice profiles from ``voices/`` and who reads what."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from broadcaster.engines import Delivery, Engine
from broadcaster.errors import VoiceError
from broadcaster.gender import GENDERS, Guess, person_key
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
    gender: str | None = None
    """``female`` or ``male``: casting prefers it for people of that gender. Unset: anyone."""
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
    "gender": str,
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


@dataclass(frozen=True)
class Pin:
    """What ``pins.toml`` fixes for one person."""

    voice: str | None
    """The profile they always read in, if pinned to one."""
    gender: str | None
    """Their gender: given in the pin, else the pinned profile's."""


PIN_KEYS = ("voice", "gender")


def load_pins(folder: Path, profiles: list[VoiceProfile]) -> dict[str, Pin]:
    """``pins.toml``: person name (case-insensitive) -> a profile name, or a table
    ``{voice = "profile", gender = "female"}`` with either key or both."""
    path = folder / "pins.toml"
    if not path.is_file():
        return {}
    by_name = {p.name: p for p in profiles}
    pins = {}
    for person, value in read_toml(path).items():
        table = {"voice": value} if isinstance(value, str) else value
        if not isinstance(table, dict) or not table or set(table) - set(PIN_KEYS):
            raise VoiceError(
                f"{path}: pin {person!r} is not a profile name or a table of voice and gender",
                f'write "{person}" = "reporter" or "{person}" = {{ gender = "female" }}',
            )
        voice, gender = table.get("voice"), table.get("gender")
        if voice is not None and voice not in by_name:
            raise VoiceError(
                f"{path}: pin {person!r} names unknown voice {voice!r}",
                f"voices: {', '.join(sorted(by_name))}",
            )
        if gender is not None and gender not in GENDERS:
            raise VoiceError(
                f"{path}: pin {person!r} has gender {gender!r}", f"choose {' or '.join(GENDERS)}"
            )
        pins[person.casefold()] = Pin(voice, gender or (by_name[voice].gender if voice else None))
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
    if key == "gender" and value not in GENDERS:
        raise VoiceError(
            f"{path}: key 'gender' is {value!r}", f"choose {' or '.join(GENDERS)}, or leave it out"
        )
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
    pins: dict[str, Pin]
    overrides: dict[str, str]
    genders: dict[str, Guess]
    chosen: dict[str, str] = field(default_factory=dict)

    def voice_for(self, segment: Segment, story_voices: set[str]) -> str:
        if segment.role in self.overrides:
            return self.overrides[segment.role]
        person = person_key(segment)
        if person not in self.chosen:
            pin = self.pins.get(person)
            pinned = pin.voice if pin else None
            self.chosen[person] = pinned or self._pick(segment, person, story_voices)
        return self.chosen[person]

    def gender_of(self, segment: Segment) -> str | None:
        guess = self.genders.get(person_key(segment))
        return guess.gender if guess else None

    def _pick(self, segment: Segment, person: str, story_voices: set[str]) -> str:
        """The person's favourite free profile of their role and gender.

        Failing that: a free profile of no declared gender; one of their gender not heard
        in this story (a listener notices a woman read by a man's voice sooner than a voice
        heard again in another story); any free one; any not heard in this story; any.
        """
        pool = [p for p in self.profiles if p.role == segment.role]
        taken = set(self.chosen.values()) | {p.voice for p in self.pins.values() if p.voice}
        free = [p for p in pool if p.name not in taken]
        nearby = [p for p in pool if p.name not in story_voices]
        gender = self.gender_of(segment)
        fitting = [p for p in free if gender and p.gender == gender]
        neutral = [p for p in free if gender and p.gender is None]
        reused = [p for p in nearby if gender and p.gender == gender]
        choice = fitting or neutral or reused or free or nearby or pool
        return min(choice, key=lambda p: _preference(p, person)).name


def cast(
    bulletin: Bulletin,
    profiles: list[VoiceProfile],
    pins: dict[str, Pin] | None = None,
    overrides: dict[str, str] | None = None,
    genders: dict[str, Guess] | None = None,
) -> Bulletin:
    """Give every segment a voice profile: one per person, the same in every story.

    A person's voice depends only on their name, their gender and the cast (rendezvous
    hashing over the free profiles of their gender), so a daily bulletin sounds the same
    from day to day, except when two people in one bulletin prefer the same profile: the
    first to speak keeps it. Pins fix regulars for good.
    """
    casting = _Casting(profiles, pins or {}, overrides or {}, genders or {})
    stories = []
    for story in bulletin.stories:
        heard: set[str] = set()
        segments = []
        for segment in story.segments:
            voice = casting.voice_for(segment, heard)
            heard.add(voice)
            segments.append(replace(segment, voice=voice, gender=casting.gender_of(segment)))
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
