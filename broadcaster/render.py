"""The pipeline, end to end: transcript -> cast bulletin -> clips -> programme -> MP3."""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from broadcaster import dialects, export, gender, mix
from broadcaster.audio import AudioSegment
from broadcaster.casting import (
    VoiceProfile,
    cast,
    default_voices_dir,
    load_pins,
    load_profiles,
    with_overrides,
)
from broadcaster.engines import Engine, engine_for
from broadcaster.errors import InputError
from broadcaster.lexicon import load_lexicon
from broadcaster.reading import STDIN, read_transcript
from broadcaster.script import Bulletin, Segment
from broadcaster.speech import speakable

MAX_SPOKEN_CHARS = 300_000
"""Longest bulletin rendered: the whole programme is held in memory (pydub)."""
CHARS_PER_HOUR = 54_000
"""About 15 characters a second at news-reading pace."""
CHUNK_CHARS = 2000
"""Long sections are synthesised a few sentences at a time (bounded engine calls)."""
LATIN = re.compile(r"[\u00a0-\u024f\u1e00-\u1eff\u2000-\u206f\u20a0-\u20cf]")
"""Latin letters and the punctuation and currency blocks, beyond ASCII."""
WORD = re.compile(r"\w")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Prepared:
    """A transcript read, parsed, made speakable and cast."""

    bulletin: Bulletin
    """The cast bulletin, with spoken text."""
    profiles: dict[str, VoiceProfile]
    """Every profile a segment may name, by name."""
    people: dict[str, gender.Guess]
    """Each speaker's inferred gender and why, by :func:`gender.person_key`."""


@dataclass(frozen=True)
class Rendered:
    """What a render produced."""

    output: Path
    duration_s: float
    chapters: list[mix.Chapter]


@dataclass(frozen=True)
class Options:
    """Everything a user can choose about one render (batch passes it through whole)."""

    voices: Path | None = None
    """Folder of voice profiles (None: the shipped cast)."""
    dialect: str | None = None
    """Transcript style to force (None: detect it)."""
    encoding: str | None = None
    """Text encoding to force (None: detect it)."""
    overrides: Mapping[str, str] = field(default_factory=dict)
    """Role -> profile name or engine voice id, for every person of that role."""
    bitrate: str = "128k"
    """Encoder bitrate."""
    cast: str = "default"
    """Packaged cast to use when ``voices`` is None: ``default`` (eSpeak) or ``neural``."""


def prepare(script: Path, engine: Engine, options: Options = Options()) -> Prepared:
    """Everything short of synthesis (what ``inspect`` shows)."""
    bulletin = dialects.parse(read_transcript(script, options.encoding), options.dialect)
    bulletin = replace(bulletin, source=str(script))
    folder = options.voices or default_voices_dir(options.cast)
    profiles, chosen = with_overrides(load_profiles(folder, engine), options.overrides, engine)
    pins = load_pins(folder, profiles)
    people = gender.infer(bulletin, {k: p.gender for k, p in pins.items() if p.gender})
    bulletin = cast(bulletin, profiles, pins, chosen, people)
    lexicon = load_lexicon([folder / "lexicon.toml"], {p.name for p in profiles})
    bulletin = readable(
        bulletin.map_segments(lambda s: replace(s, spoken=speakable(s.text, lexicon, s.voice)))
    )
    return Prepared(bulletin, {p.name: p for p in profiles}, people)


def _unreadable(char: str) -> bool:
    """Characters the English voices cannot say: other scripts, emoji, controls."""
    return not (char.isascii() or LATIN.match(char)) or unicodedata.category(char) == "Cc"


def readable(bulletin: Bulletin) -> Bulletin:
    """Drop characters no voice can read from the spoken text, with one warning."""
    dropped: list[str] = []

    def clean(segment: Segment) -> Segment:
        kept = "".join(c for c in segment.spoken if not (_unreadable(c) and not c.isspace()))
        dropped.extend(c for c in segment.spoken if _unreadable(c) and not c.isspace())
        return replace(segment, spoken=" ".join(kept.split()))

    cleaned = bulletin.map_segments(clean)
    if dropped:
        sample = ", ".join(repr(c) for c in list(dict.fromkeys(dropped))[:8])
        warnings.warn(
            f"skipped {len(dropped)} characters the voices cannot read ({sample})", stacklevel=2
        )
    if not any(WORD.search(seg.spoken) for _, seg in cleaned.segments()):
        raise InputError(
            "the transcript has no words the voices can read",
            "broadcaster reads English text in the Latin alphabet",
        )
    return cleaned


def section_title(story: int, segment: Segment) -> str:
    """How a section is named in chapters, listings and errors."""
    who = f" ({segment.speaker})" if segment.speaker else ""
    return f"Story {story}: {segment.role}{who}"


def chunks(text: str, limit: int = CHUNK_CHARS) -> list[str]:
    """``text`` cut at sentence ends into pieces of at most ``limit`` characters where possible."""
    pieces: list[str] = []
    for sentence in SENTENCE_END.split(text):
        if pieces and len(pieces[-1]) + 1 + len(sentence) <= limit:
            pieces[-1] += " " + sentence
        else:
            pieces.append(sentence)
    return pieces


def check_length(bulletin: Bulletin) -> None:
    """Refuse, before any synthesis, a bulletin whose audio would not fit in memory."""
    chars = sum(len(segment.spoken) for _, segment in bulletin.segments())
    if chars > MAX_SPOKEN_CHARS:
        hours = chars / CHARS_PER_HOUR
        raise InputError(
            f"the transcript is too long to render: {chars:,} characters of speech, "
            f"about {hours:.0f} hours",
            f"split it; one bulletin holds up to {MAX_SPOKEN_CHARS:,} characters "
            f"(about {MAX_SPOKEN_CHARS / CHARS_PER_HOUR:.0f} hours)",
        )


def synthesize(prepared: Prepared, engine: Engine) -> list[mix.Part]:
    """One clip per section."""
    check_length(prepared.bulletin)
    parts = []
    previous_story = 0
    for story, segment in prepared.bulletin.segments():
        title = section_title(story, segment)
        delivery = prepared.profiles[segment.voice].delivery
        reader = engine_for(delivery)
        clips = [reader.synthesize(piece, delivery, title) for piece in chunks(segment.spoken)]
        clip = AudioSegment(
            data=b"".join(c.raw_data for c in clips),
            sample_width=2,
            frame_rate=clips[0].frame_rate,
            channels=1,
        )
        parts.append(mix.Part(title, clip, story != previous_story, segment.pause_ms))
        previous_story = story
    return parts


def tags_for(bulletin: Bulletin) -> export.Tags:
    """ID3 tags: title, station as artist, date, genre Speech, the source in the comment."""
    source = Path(bulletin.source).name if bulletin.source else "unknown"
    source = "standard input" if source == STDIN else source
    return export.Tags(
        bulletin.display_title(),
        bulletin.station,
        bulletin.date,
        f"Rendered by broadcaster from {source}",
    )


def render_file(script: Path, output: Path, options: Options, engine: Engine) -> Rendered:
    """Read, prepare and render ``script`` to ``output``: one bulletin, start to end."""
    return render(prepare(script, engine, options), engine, output, options.bitrate)


def render(prepared: Prepared, engine: Engine, output: Path, bitrate: str = "128k") -> Rendered:
    """Synthesise, mix and export; nothing is left at ``output`` unless it all succeeds."""
    export.check_bitrate(bitrate)
    export.check_target(output)
    export.find_ffmpeg()
    programme, chapters = mix.assemble(synthesize(prepared, engine))
    export.export_mp3(programme, output, tags_for(prepared.bulletin), chapters, bitrate)
    return Rendered(output, programme.frame_count() / programme.frame_rate, chapters)
