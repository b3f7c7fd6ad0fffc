"""The story of one render: transcript -> cast bulletin -> sentences -> programme -> file.

Every stage lives in its own module; this one only calls them in order. Its
:func:`parse`, :func:`prepare`, :func:`render` and :func:`preview` are the public API
(``import broadcaster`` offers them).
"""

from __future__ import annotations

import io
import re
import shutil
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

import numpy as np

from broadcaster import dialects
from broadcaster.audio import AudioSegment
from broadcaster.cast import gender
from broadcaster.cast.casting import (
    CASTS,
    VoiceProfile,
    cast,
    default_voices_dir,
    load_pins,
    load_profiles,
    with_overrides,
)
from broadcaster.dialects import pauses
from broadcaster.dialects.common import WORD
from broadcaster.dialects.reading import STDIN, normalised, read_transcript
from broadcaster.engines import Engine, Router
from broadcaster.engines.ahead import ahead
from broadcaster.errors import ExportError, InputError
from broadcaster.output import export, files, sidecars
from broadcaster.script import ROLES, Bulletin, Segment, Story, section_title
from broadcaster.sound import loudness, mix
from broadcaster.sound.music import Music, sound_for
from broadcaster.text.characters import printable, readable
from broadcaster.text.lexicon import LEXICON_FILE, load_lexicon
from broadcaster.text.sentences import as_written, sentences, utterances
from broadcaster.text.speech import speakable, unglued

Output = Path | BinaryIO | None
"""Where a render goes: a file (a Path), a binary file object (the format must be given in
:attr:`Options.format`; written only once the whole render has succeeded), or None for an
:class:`~pydub.AudioSegment` in memory."""
MAX_SPOKEN_CHARS = 300_000
"""Longest bulletin rendered (about 6 hours): a sanity limit, not a memory one."""
CHARS_PER_HOUR = 54_000
"""About 15 characters a second at news-reading pace."""
MAX_HOURS = MAX_SPOKEN_CHARS / CHARS_PER_HOUR
"""The longest bulletin, speech and ``[pause]`` markers together."""
PART_S = 5
"""Seconds of speech the engine hands on at a time: the mixer and the encoder work on
one part while the engine synthesises the next."""
IN_MEMORY = "wav"
"""The format a render into memory is encoded in, then read back by pydub: lossless, so
no codec makeup."""
TITLE_WORDS = 6
"""A story with no title is named by this many of its first words."""


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
    bitrate: str | None = None
    """Encoder bitrate (None: the format's default)."""
    format: str | None = None
    """mp3, wav, flac, opus or m4a (None: from the output's extension, else mp3)."""
    sample_rate: int | None = None
    """The file's sample rate (None: the format's default)."""
    channels: int = 1
    """1 or 2."""
    loudness: str = "podcast"
    """``podcast`` (-16 LUFS), ``broadcast`` (-23 LUFS) or a number of LUFS."""
    music: bool = True
    """Stings and transitions (and the bed, if one is asked for); False: voices only."""
    bed: str | None = None
    """``generated`` or an audio file for a bed under the anchor; None: no bed."""
    stings: Music = field(default_factory=Music)
    """The user's own sting, transition and bed files (unset: the cast folder's, else ours)."""
    pauses: mix.Pauses = field(default_factory=mix.Pauses)
    """The programme's silences."""
    sidecars: tuple[str, ...] = sidecars.KINDS
    """Which sidecars (:data:`sidecars.KINDS`) to write next to the audio."""
    cast: str = "default"
    """Packaged cast to use when ``voices`` is None: ``default`` (eSpeak), ``neural``
    (Piper) or ``natural`` (Kokoro)."""

    def __post_init__(self) -> None:
        """Programming mistakes refused at once, not deep in a render (the command line
        checks its options before it makes these): a TypeError for a value of the wrong
        type, a ValueError for an unknown sidecar, cast or role."""
        if self.cast not in CASTS:
            raise ValueError(f"unknown cast {self.cast!r}: choose from {', '.join(CASTS)}")
        roles = [role for role in self.overrides if role not in ROLES]
        if roles:
            raise ValueError(
                f"overrides for unknown roles {', '.join(map(repr, roles))}: "
                f"the roles are {', '.join(ROLES)}"
            )
        if self.voices is not None and not isinstance(self.voices, Path):
            raise TypeError(f"voices must be a Path or None, not {type(self.voices).__name__}")
        if isinstance(self.sidecars, str):
            raise TypeError(f"sidecars must be a tuple of {', '.join(sidecars.KINDS)}, not a str")
        unknown = [kind for kind in self.sidecars if kind not in sidecars.KINDS]
        if unknown:
            raise ValueError(
                f"unknown sidecars {', '.join(map(str, unknown))}: "
                f"choose from {', '.join(sidecars.KINDS)}"
            )


@dataclass(frozen=True)
class Prepared:
    """A transcript read, parsed, made speakable and cast, with the options it was
    prepared with (a render of it uses those)."""

    bulletin: Bulletin
    """The cast bulletin, with spoken text."""
    profiles: dict[str, VoiceProfile]
    """Every profile a segment may name, by name."""
    people: dict[str, gender.Guess]
    """Each speaker's inferred gender and why, by :func:`gender.person_key`."""
    folder: Path
    """The cast folder it was cast from."""
    options: Options = Options()
    """The options it was prepared with, and is rendered with."""
    engine: Engine | None = field(default=None, compare=False, repr=False)
    """The engine it was cast with, which renders it unless another is given."""


@dataclass(frozen=True)
class Rendered:
    """What a render produced."""

    path: Path | None
    """The audio file (None for a render into a file object or into memory)."""
    duration_s: float
    """Its duration, from the samples written."""
    chapters: list[export.Chapter]
    """One per story, with its title and where it starts and ends."""
    loudness: loudness.Measurement
    """The programme's integrated loudness and true peak, as mixed: ``makeup_lu`` above
    the target for a lossy file, which decodes on target."""
    timeline: mix.Timeline
    """Where every story, section and sentence sits."""
    sidecars: list[Path]
    """The sidecar files written."""
    encoding: export.Encoding
    """The file's format and settings."""
    makeup_lu: float = 0.0
    """Gain added for what the lossy codec takes away (the PCM is this much above target)."""
    segment: AudioSegment | None = None
    """The programme as a pydub AudioSegment, for a render into memory (``output=None``)."""


def parse(
    source: Path | str, *, dialect: str | None = None, encoding: str | None = None
) -> Bulletin:
    """The transcript ``source`` as a Bulletin: a Path is a file (``Path("-")``: standard
    input, decoded as ``encoding``, else detected); a str is the transcript's text itself
    (already decoded: ``encoding`` does not apply; a one-line str that names a file, or
    one word that looks like a path, is a ValueError: a path given as a str by mistake
    would be read as a one-line prose bulletin saying the file's name).
    Read as ``dialect`` (None: detected), ``[pause]`` markers split out."""
    if isinstance(source, Path):
        text, name = read_transcript(source, encoding), str(source)
    elif isinstance(source, str):
        if _names_a_file(source):
            raise ValueError(
                f"{source!r} is a str, which is the transcript's text; "
                f"for the file, give Path({source!r})"
            )
        text, name = normalised(source, "the transcript"), None
    else:
        raise TypeError(f"source must be a Path or a str, not {type(source).__name__}")
    text = printable(text)
    pauses.check(text)
    bulletin = dialects.parse(text, dialect)
    return pauses.split(replace(bulletin, source=name))


EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}")
"""A file name's extension, as ``.txt`` or ``.md``."""


def _names_a_file(text: str) -> bool:
    """Whether ``text``, one line, is the path of an existing file, or one word that looks
    like a path (a folder in it, or an extension: ``news.txt`` mistyped or not there yet),
    which no transcript is."""
    if "\n" in text:
        return False
    word = text.strip()
    one_word = bool(word) and not any(c.isspace() for c in word)
    if one_word and ("/" in word or EXTENSION.fullmatch(Path(word).suffix)):
        return True
    try:
        return Path(text).is_file()
    except (OSError, ValueError):  # too long a name (ENAMETOOLONG), a NUL in it
        return False


def prepare(
    source: Path | str, *, options: Options | None = None, engine: Engine | None = None
) -> Prepared:
    """Everything short of synthesis (what ``inspect`` shows): ``source`` (as
    :func:`parse` takes it) parsed, cast with the voices ``engine`` offers (None: the
    :class:`~broadcaster.engines.Router`) and made speakable, kept with ``options``."""
    if options is not None and not isinstance(options, Options):
        raise TypeError(f"options must be an Options or None, not {type(options).__name__}")
    options = options or Options()
    engine = engine or Router()
    bulletin = parse(source, dialect=options.dialect, encoding=options.encoding)
    folder = options.voices or default_voices_dir(options.cast)
    profiles, chosen = with_overrides(load_profiles(folder, engine), options.overrides, engine)
    pins = load_pins(folder, profiles)
    people = gender.infer(bulletin, {k: p.gender for k, p in pins.items() if p.gender})
    bulletin = cast(bulletin, profiles, pins, chosen, people)
    lexicon = load_lexicon([folder / LEXICON_FILE], {p.name for p in profiles})
    bulletin = readable(
        bulletin.map_segments(lambda s: replace(s, spoken=speakable(s.text, lexicon, s.voice)))
    )
    return Prepared(bulletin, {p.name: p for p in profiles}, people, folder, options, engine)


def render(
    source: Path | str | Prepared,
    output: Output,
    *,
    options: Options | None = None,
    engine: Engine | None = None,
) -> Rendered:
    """The whole bulletin ``source`` (as :func:`prepare` takes it, or prepared) synthesised
    by ``engine`` (None: the one it was prepared with), mixed, levelled and encoded to
    ``output`` (see :data:`Output`), the sidecars written beside a file; nothing is left
    at ``output`` unless it all succeeds."""
    prepared = _prepared(source, options, engine)
    engine = engine or prepared.engine
    return _delivered(output, prepared, lambda path, ready: _render_file(ready, engine, path))


def preview(
    source: Path | str | Prepared,
    output: Output,
    *,
    section: int | None = None,
    story: int | None = None,
    speaker: str | None = None,
    options: Options | None = None,
    engine: Engine | None = None,
) -> Rendered:
    """One section, one story or everything one speaker says (exactly one of the three,
    as :meth:`Bulletin.select` takes them) rendered as :func:`render` does, with the same
    voices, lexicon and loudness and no stings or sidecars: its cost does not depend on
    the bulletin's length."""
    if sum(x is not None for x in (section, story, speaker)) != 1:
        raise TypeError("give exactly one of section, story, speaker")
    for name, value, kind, what in (("section", section, int, "an int"),
                                    ("story", story, int, "an int"),
                                    ("speaker", speaker, str, "a str")):  # fmt: skip
        if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
            raise TypeError(f"{name} must be {what}, not {type(value).__name__}")
    prepared = _prepared(source, options, engine)
    engine = engine or prepared.engine
    chosen = prepared.bulletin.select(section, story, speaker)
    return _delivered(
        output, prepared, lambda path, ready: _preview_file(ready, engine, chosen, path)
    )


def _prepared(
    source: Path | str | Prepared, options: Options | None, engine: Engine | None
) -> Prepared:
    """``source`` prepared; a Prepared one as it is, with the options it keeps."""
    if not isinstance(source, Prepared):
        return prepare(source, options=options, engine=engine)
    if options is not None and options != source.options:
        raise ValueError("a Prepared bulletin is rendered with the options it was prepared with")
    return source


def _delivered(
    output: Output, prepared: Prepared, make: Callable[[Path, Prepared], Rendered]
) -> Rendered:
    """``make`` run for ``output``: a Path as it is; a file object or memory (None)
    through a scratch file, copied into the object or read back by pydub."""
    if isinstance(output, Path):
        if str(output) == STDIN:  # a source's standard input, but no output's standard output
            raise ValueError("Path('-') is not standard output here: give sys.stdout.buffer")
        return make(output, prepared)
    if output is not None:
        _check_writable(output)
    options = prepared.options
    fmt = IN_MEMORY if output is None else options.format
    if fmt is None:
        raise ExportError(
            "a render into a file object needs a format", "give Options(format=...), e.g. mp3"
        )
    bitrate = None if output is None else options.bitrate
    scratched = replace(prepared, options=replace(options, format=fmt, bitrate=bitrate,
                                                  sidecars=()))  # fmt: skip
    with files.scratch() as folder:
        made = make(Path(folder, f"bulletin.{fmt}"), scratched)
        if output is None:
            return replace(made, path=None, segment=AudioSegment.from_file(made.path, fmt))
        with open(made.path, "rb") as audio:
            shutil.copyfileobj(audio, output)
    return replace(made, path=None)


def _check_writable(output: BinaryIO) -> None:
    """Refuse, before any synthesis, a file object the render could not be written to."""
    if not hasattr(output, "write") or isinstance(output, io.TextIOBase):
        raise TypeError(
            f"output must be a Path, a binary file object or None, not {type(output).__name__}"
        )
    if getattr(output, "closed", False):
        raise ValueError("output is a closed file object")
    writable = getattr(output, "writable", None)
    if writable is not None and not writable():
        raise ValueError("output is a file object not open for writing")


def story_titles(bulletin: Bulletin) -> list[str]:
    """Each story's chapter title: its headline, or its first words."""
    titles = []
    for story in bulletin.stories:
        words = " ".join(s.text for s in story.segments).split()
        first = " ".join(words[:TITLE_WORDS]) + ("…" if len(words) > TITLE_WORDS else "")
        titles.append(story.title or first)
    return titles


def check_length(bulletin: Bulletin) -> None:
    """Refuse, before any synthesis, a bulletin longer than anyone would want in one file:
    its speech and its ``[pause]`` markers' silence together."""
    chars = sum(len(segment.spoken) for _, segment in bulletin.segments())
    paused_h = sum(segment.pause_ms for _, segment in bulletin.segments()) / 3_600_000
    hours = chars / CHARS_PER_HOUR + paused_h
    if hours > MAX_HOURS:
        pauses_said = f" and {paused_h * 60:,.0f} minutes of pauses" if paused_h else ""
        raise InputError(
            f"the transcript is too long to render: {chars:,} characters of speech"
            f"{pauses_said}, about {hours:.0f} hours",
            f"split it; one bulletin holds up to about {MAX_HOURS:.0f} hours, pauses included",
        )


def synthesize(
    prepared: Prepared, engine: Engine, chosen: set[int] | None = None
) -> Iterator[mix.Section]:
    """Each section (all, or the 1-based segment numbers ``chosen``), sentence by sentence,
    made only when the mixer asks for it, in parts of about :data:`PART_S` seconds."""
    previous: Segment | None = None
    for n, (story, segment) in enumerate(prepared.bulletin.segments(), 1):
        if chosen is not None and n not in chosen:
            continue
        delivery = prepared.profiles[segment.voice].delivery
        label = section_title(story, segment)
        said = utterances(segment.spoken)
        # Captions show the words as written ("Kyiv", not the lexicon's "Keev").
        written = [w for w in sentences(unglued(segment.text)) if WORD.search(w)]
        captions = as_written(written, said)
        continues = previous is not None and (previous.role, previous.speaker) == (
            segment.role,
            segment.speaker,
        )
        section = mix.Section(
            story, segment.role, segment.speaker, segment.voice, segment.text, segment.spoken,
            [], segment.pause_ms, continues,
        )  # fmt: skip
        part: list[tuple[str, np.ndarray]] = []
        held, count = 0, 0
        for index, (utterance, caption) in enumerate(zip(said, captions, strict=True)):
            clip = mix.sentence_samples(engine.synthesize(utterance, delivery, label))
            if clip.size:
                part.append((caption, clip))
                held += clip.size
            ends = index == len(said) - 1
            if ends or held >= PART_S * mix.RATE:
                yield replace(section, sentences=part, part=count, ends=ends)
                part, held, count = [], 0, count + 1
        previous = segment


def _render_file(prepared: Prepared, engine: Engine | None, output: Path) -> Rendered:
    """The whole bulletin to the file ``output``, and its sidecars."""
    options = prepared.options
    check_length(prepared.bulletin)
    sidecars.check_outputs(prepared.bulletin.source, output, options.sidecars)
    with _staged(output) as staged:
        made = _produce(prepared, engine, output, None, True, staged)
        loud = {
            "target_lufs": round(loudness.target_lufs(options.loudness), 2),
            "integrated_lufs": round(made.loudness.integrated_lufs, 2),
            "true_peak_dbtp": round(made.loudness.true_peak_dbtp, 2),
            "codec_makeup_lu": round(made.makeup_lu, 2),
        }
        audio = sidecars.audio_entry(output.name, made.encoding, staged.temporary(output))
        texts = sidecars.texts(prepared.bulletin, made.timeline, loud, audio)
        written = sidecars.write(staged, output, options.sidecars, texts)
    return replace(made, sidecars=written)


@contextmanager
def _staged(output: Path) -> Iterator[files.FileSet]:
    """The set of files a render writes, moved into ``output``'s folder together, once
    what dead renders left there is cleaned up."""
    files.sweep(output.parent, time.time())
    with files.fileset() as staged:
        yield staged


def _preview_file(
    prepared: Prepared, engine: Engine | None, chosen: set[int], output: Path
) -> Rendered:
    """Only the ``chosen`` sections (1-based segment numbers) to the file ``output``."""
    sidecars.check_outputs(prepared.bulletin.source, output, ())
    with _staged(output) as staged:
        return _produce(prepared, engine, output, chosen, False, staged)


def _produce(
    prepared: Prepared,
    engine: Engine | None,
    output: Path,
    chosen: set[int] | None,
    framed: bool,
    staged: files.FileSet,
) -> Rendered:
    """The one encode, begun as soon as the first seconds are ready: the engine
    synthesises the next part (on a thread of its own) while this one is levelled,
    mixed and encoded (by ffmpeg, in a process of its own), and what the codec takes
    away is measured on the first seconds meanwhile (on a thread of its own)."""
    options = prepared.options
    enc = export.encoding(
        export.format_for(output, options.format),
        options.sample_rate,
        options.channels,
        options.bitrate,
    )
    with ExitStack() as stack:  # on any error: the file removed, then the threads stopped
        made = ahead(synthesize(prepared, engine or Router(), chosen))
        stack.callback(made.close)
        sound = sound_for(  # the engine starts meanwhile
            options.loudness,
            options.pauses,
            options.stings if options.music else None,
            options.bed,
            prepared.folder,
            framed,
        )
        probe = export.CodecProbe(sound, enc)
        stack.callback(probe.close)
        tags = export.tags_for(prepared.bulletin)
        with export.encoded(output, mix.RATE, enc, tags, staged) as encoder:
            mixer = mix.Mixer(sound, encoder.write, framed, probe.loss)
            timeline = mixer.run(probe.watch(made), story_titles(prepared.bulletin))
            encoder.chapters = export.chapters(timeline) if framed else []
    return Rendered(
        output,
        timeline.duration,
        encoder.chapters,
        mixer.measured,
        timeline,
        [],
        enc,
        mixer.makeup_db,
    )


@dataclass(frozen=True)
class Audition:
    """One profile's sample clip."""

    profile: str
    path: Path
    duration_s: float


def audition(engine: Engine, text: str, folder: Path, voices: Path | None) -> list[Audition]:
    """``text`` read by every profile of the cast, one levelled clip each, in ``folder``."""
    cast_folder = voices or default_voices_dir()
    clips = []
    for profile in load_profiles(cast_folder, engine):
        spoken = speakable(text, load_lexicon([cast_folder / LEXICON_FILE], {profile.name}),
                           profile.name)  # fmt: skip
        segment = Segment(profile.role, None, text, spoken, profile.name)
        bulletin = Bulletin("sample", None, None, None, (Story(None, (segment,)),))
        options = Options(voices=cast_folder, music=False)
        prepared = Prepared(readable(bulletin), {profile.name: profile}, {}, cast_folder, options)
        made = _preview_file(prepared, engine, {1}, folder / f"{profile.name}.mp3")
        clips.append(Audition(profile.name, made.path, made.duration_s))
    return clips
