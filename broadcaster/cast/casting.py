"""Casting: voice profiles from ``voices/`` and who reads what."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, get_args, get_type_hints

from broadcaster import engines
from broadcaster.cast.gender import GENDERS, Guess, person_key
from broadcaster.engines import DELIVERIES, AnyDelivery, Delivery, KokoroDelivery, PiperDelivery
from broadcaster.errors import VoiceError
from broadcaster.script import ROLES, Bulletin, Segment
from broadcaster.text.lexicon import LEXICON_FILE
from broadcaster.tomlfile import read_toml

if TYPE_CHECKING:
    from broadcaster.engines.espeak import EspeakEngine

VOICES_ENV = "BROADCASTER_VOICES"
CASTS = {"default": "voices", "neural": "voices-neural", "natural": "voices-natural"}
"""Packaged casts (``--cast NAME``) -> their folder, shipped in the package and in the repo."""
PIPER_WPM = 160
"""The words per minute a profile's ``rate`` takes a Piper model's own pace (its config's
length_scale) to be: joe reads the corpus bulletin at about this pace."""
NUMBER = (int, float)


@dataclass(frozen=True)
class Key:
    """A key a voice profile may have."""

    types: type | tuple[type, ...]
    """What TOML value it takes."""
    range: tuple[float, float] | None = None
    """The lowest and highest value, for a number."""


def _keys(delivery: type[AnyDelivery]) -> dict[str, Key]:
    """``delivery``'s fields as profile keys: the type from the annotation (a path is a
    string in TOML, a float any number, None left out), the range from the field's
    metadata; a field worked out from other keys is none."""
    hints = get_type_hints(delivery)
    return {
        f.name: Key(_toml_type(hints[f.name]), f.metadata.get(engines.RANGE))
        for f in fields(delivery)
        if not f.metadata.get(engines.DERIVED)
    }


def _required(delivery: type[AnyDelivery]) -> str:
    """The profile key of ``delivery``'s field without a default."""
    return next(
        f.name
        for f in fields(delivery)
        if f.default is MISSING and not f.metadata.get(engines.DERIVED)
    )


def _toml_type(hint: object) -> type | tuple[type, ...]:
    given = [t for t in get_args(hint) if t is not type(None)] or [hint]
    return {Path: str, float: NUMBER}.get(given[0], given[0])  # type: ignore[call-overload]


COMMON_KEYS = {"role": Key(str), "engine": Key(str), "gender": Key(str), "description": Key(str)}
"""The keys every profile takes besides its delivery's."""
ENGINE_KEYS = {
    delivery.engine: _keys(delivery)
    | ({"rate": Key(int, (85, 330))} if delivery is PiperDelivery else {})
    for delivery in DELIVERIES
}
"""The delivery keys each engine's profiles take (a Piper profile's ``rate`` in words a
minute becomes its length_scale: :func:`_length_scale`)."""
REQUIRED = {delivery.engine: _required(delivery) for delivery in DELIVERIES}
"""The key naming the voice, which each engine's profiles must have."""


@dataclass(frozen=True)
class VoiceProfile:
    """One voice of the cast, loaded from ``voices/<name>.toml``."""

    name: str
    """The file's stem: how segments and pins refer to it."""
    role: str
    """The role it reads: anchor, reporter or soundbite."""
    delivery: AnyDelivery
    """How its engine reads: the ``engine`` key chooses the kind (eSpeak by default)."""
    gender: str | None = None
    """``female`` or ``male``: casting prefers it for people of that gender. Unset: anyone."""
    description: str = ""
    """Free text for people reading the cast."""

    @property
    def voice(self) -> str:
        """The engine voice: an eSpeak id, ``piper:<model>[#speaker]`` or ``kokoro:<voice>``."""
        return self.delivery.engine_voice


def default_voices_dir(cast: str = "default") -> Path:
    """The packaged cast ``cast``; for ``default``, ``$BROADCASTER_VOICES`` if set.

    A packaged cast is shipped in the package, or found in the repository beside it.
    """
    if cast == "default" and os.environ.get(VOICES_ENV):
        return Path(os.environ[VOICES_ENV])
    here = Path(__file__).resolve().parents[1]  # the package
    shipped = here / CASTS[cast]
    return shipped if shipped.is_dir() else here.parent / CASTS[cast]


PINS_FILE = "pins.toml"
"""A cast folder's pins: who always reads in which profile (:func:`load_pins`)."""
RESERVED = (LEXICON_FILE, PINS_FILE)
"""Files in a voices folder that are not voice profiles."""


def load_profiles(folder: Path, engine: EspeakEngine) -> list[VoiceProfile]:
    """Every profile in ``folder``, validated against the schema and its engine.

    ``engine`` checks eSpeak voice ids; Piper models are loaded and checked on the way.
    """
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
    path = folder / PINS_FILE
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


def _load_profile(path: Path, engine: EspeakEngine) -> VoiceProfile:
    data = read_toml(path)
    kind = data.get("engine", "espeak")
    if kind not in ENGINE_KEYS:
        raise VoiceError(
            f"{path}: key 'engine' is {kind!r}", f"choose one of {', '.join(ENGINE_KEYS)}"
        )
    for key, value in data.items():
        _check_key(path, kind, key, value)
    for key in ("role", REQUIRED[kind]):
        if key not in data:
            raise VoiceError(f"{path}: missing key {key!r}", f'add {key} = "..."')
    if kind == "espeak":
        delivery: AnyDelivery = _espeak_delivery(path, data, engine)
    elif kind == "kokoro":
        delivery = _kokoro_delivery(path, data)
    else:
        delivery = _piper_delivery(path, data)
    extra = {k: data[k] for k in ("gender", "description") if k in data}
    return VoiceProfile(name=path.stem, role=data["role"], delivery=delivery, **extra)


def _espeak_delivery(path: Path, data: dict, engine: EspeakEngine) -> Delivery:
    with _about(path, "voice"):
        engine.check_voice(data["voice"])
    return Delivery(**{k: data[k] for k in ENGINE_KEYS["espeak"] if k in data})


def _kokoro_delivery(path: Path, data: dict) -> KokoroDelivery:
    with _about(path, "voice"):
        engines.get("kokoro").voice(data["voice"])  # type: ignore[attr-defined]
    schema = ENGINE_KEYS["kokoro"]
    values = {k: float(data[k]) for k in schema if schema[k].types == NUMBER and k in data}
    return KokoroDelivery(data["voice"], **values)


def _piper_delivery(path: Path, data: dict) -> PiperDelivery:
    if "rate" in data and "length_scale" in data:
        raise VoiceError(
            f"{path}: keys 'rate' and 'length_scale' both set the pace", "keep one of them"
        )
    piper = engines.get("piper")
    with _about(path, "model"):
        model, name = piper.model_file(data["model"], path.parent)
        config = piper.model(model).config
    delivery = PiperDelivery(
        model,
        name,
        speaker=data.get("speaker"),
        length_scale=_length_scale(data, config.length_scale),
        noise_scale=float(data.get("noise_scale", config.noise_scale)),
        noise_w=float(data.get("noise_w", config.noise_w)),
        semitones=float(data.get("semitones", 0.0)),
        volume=float(data.get("volume", 1.0)),
    )
    with _about(path, "speaker"):
        piper.check(delivery)
    return delivery


@contextmanager
def _about(path: Path, key: str) -> Iterator[None]:
    """Name the profile file and key in a VoiceError raised while checking that key."""
    try:
        yield
    except VoiceError as exc:
        raise VoiceError(f"{path}: key {key!r}: {exc.message}", exc.hint) from None


def _length_scale(data: dict, default: float) -> float:
    """The profile's pace as a length scale: given, from ``rate``, or the model's own."""
    if "rate" in data:
        return round(default * PIPER_WPM / data["rate"], 4)
    return float(data.get("length_scale", default))


def _check_key(path: Path, kind: str, key: str, value: object) -> None:
    schema = COMMON_KEYS | ENGINE_KEYS[kind]
    if key not in schema:
        other = next((e for e, keys in ENGINE_KEYS.items() if key in keys), None)
        where = f" (an {other} key)" if other else ""
        raise VoiceError(
            f"{path}: unknown key {key!r} for engine {kind!r}{where}",
            f"allowed keys: {', '.join(schema)}",
        )
    types, bounds = schema[key].types, schema[key].range
    if not isinstance(value, types) or isinstance(value, bool):
        raise VoiceError(
            f"{path}: key {key!r} has the wrong type ({type(value).__name__})",
            f"{key} takes {_kind_of(types)}",
        )
    if key == "role" and value not in ROLES:
        raise VoiceError(f"{path}: key 'role' is {value!r}", f"choose one of {', '.join(ROLES)}")
    if key == "gender" and value not in GENDERS:
        raise VoiceError(
            f"{path}: key 'gender' is {value!r}", f"choose {' or '.join(GENDERS)}, or leave it out"
        )
    if bounds and not bounds[0] <= value <= bounds[1]:  # type: ignore[operator]
        raise VoiceError(
            f"{path}: key {key!r} is {value}, out of range",
            f"{key} must be between {bounds[0]} and {bounds[1]}",
        )


def _kind_of(types: type | tuple[type, ...]) -> str:
    return {str: "a string", int: "a whole number"}.get(types, "a number")  # type: ignore[call-overload]


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
    profiles: list[VoiceProfile], overrides: dict[str, str], engine: EspeakEngine
) -> tuple[list[VoiceProfile], dict[str, str]]:
    """Apply ``--voice ROLE=VOICE`` (a profile name or an engine voice id) for one render.

    Returns the profiles (plus one made for each eSpeak voice id, with the rate, pitch and
    volume of the role's first profile if it is an eSpeak one) and the role -> profile
    name overrides for :func:`cast`.
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
            kept = base.delivery if isinstance(base.delivery, Delivery) else Delivery(voice)
            delivery = replace(kept, voice=voice)
            profiles = [*profiles, replace(base, name=f"{role}={voice}", delivery=delivery)]
        chosen[role] = voice if voice in names else f"{role}={voice}"
    return profiles, chosen
