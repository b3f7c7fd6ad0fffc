"""The story of one render: transcript -> cast bulletin -> sentences -> programme -> file.

Every stage lives in its own module; this one only calls them in order.
"""

from __future__ import annotations

import hashlib
import json
import queue
import re
import threading
import time
import unicodedata
import warnings
from collections.abc import Iterator, Mapping
from concurrent.futures import Future
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

import numpy as np

from broadcaster import dialects
from broadcaster.cast import gender
from broadcaster.cast.casting import (
    VoiceProfile,
    cast,
    default_voices_dir,
    load_pins,
    load_profiles,
    with_overrides,
)
from broadcaster.dialects import pauses
from broadcaster.dialects.reading import STDIN, read_transcript
from broadcaster.engines import Engine, engine_for
from broadcaster.errors import ExportError, InputError
from broadcaster.output import export, files, sidecars
from broadcaster.script import Bulletin, Segment, Story
from broadcaster.sound import loudness, mix, music
from broadcaster.sound.music import Music
from broadcaster.text.lexicon import load_lexicon
from broadcaster.text.sentences import as_written, sentences
from broadcaster.text.speech import speakable, unglued

MAX_SPOKEN_CHARS = 300_000
"""Longest bulletin rendered (about 6 hours): a sanity limit, not a memory one."""
CHARS_PER_HOUR = 54_000
"""About 15 characters a second at news-reading pace."""
MAX_HOURS = MAX_SPOKEN_CHARS / CHARS_PER_HOUR
"""The longest bulletin, speech and ``[pause]`` markers together."""
CHUNK_CHARS = 2000
"""The longest text sent to the engine in one call."""
LATIN = re.compile(r"[\u00a0-\u024f\u1e00-\u1eff\u2000-\u206f\u20a0-\u20cf]")
"""Latin letters and the punctuation and currency blocks, beyond ASCII."""
WORD = re.compile(r"\w")
ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window titles, links
    r"|\x1b[ -/]*[0-~]?"  # the short ones
)
"""Terminal escape sequences (colours pasted from a terminal: ESC[31m ...): CSI, OSC and
the two-character ones."""
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""C0 and C1 control characters but tab and line ends."""
MANIFEST_BYTES = 64 << 20
"""A manifest larger than this is not one of ours (one of a 6-hour bulletin is ~5 MB)."""
T = TypeVar("T")
PART_S = 5
"""Seconds of speech the engine hands on at a time: the mixer and the encoder work on
one part while the engine synthesises the next."""
PROBE_S = 5
"""Seconds of speech encoded once to measure what the lossy codec takes away."""
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
    """Packaged cast to use when ``voices`` is None: ``default`` (eSpeak) or ``neural``."""


@dataclass(frozen=True)
class Prepared:
    """A transcript read, parsed, made speakable and cast."""

    bulletin: Bulletin
    """The cast bulletin, with spoken text."""
    profiles: dict[str, VoiceProfile]
    """Every profile a segment may name, by name."""
    people: dict[str, gender.Guess]
    """Each speaker's inferred gender and why, by :func:`gender.person_key`."""
    folder: Path
    """The cast folder it was cast from."""


@dataclass(frozen=True)
class Rendered:
    """What a render produced."""

    output: Path
    """The audio file."""
    duration_s: float
    """Its duration, from the samples written."""
    chapters: list[export.Chapter]
    """One per story."""
    measured: loudness.Measurement
    """The programme's loudness and true peak."""
    timeline: mix.Timeline
    """Where every story, section and sentence sits."""
    sidecars: list[Path]
    """The sidecar files written."""
    encoding: export.Encoding
    """The file's format and settings."""
    makeup_lu: float = 0.0
    """Gain added for what the lossy codec takes away (the PCM is this much above target)."""


def prepare(script: Path, engine: Engine, options: Options = Options()) -> Prepared:
    """Everything short of synthesis (what ``inspect`` shows)."""
    text = printable(read_transcript(script, options.encoding))
    pauses.check(text)
    bulletin = dialects.parse(text, options.dialect)
    bulletin = pauses.split(replace(bulletin, source=str(script)))
    folder = options.voices or default_voices_dir(options.cast)
    profiles, chosen = with_overrides(load_profiles(folder, engine), options.overrides, engine)
    pins = load_pins(folder, profiles)
    people = gender.infer(bulletin, {k: p.gender for k, p in pins.items() if p.gender})
    bulletin = cast(bulletin, profiles, pins, chosen, people)
    lexicon = load_lexicon([folder / "lexicon.toml"], {p.name for p in profiles})
    bulletin = readable(
        bulletin.map_segments(lambda s: replace(s, spoken=speakable(s.text, lexicon, s.voice)))
    )
    return Prepared(bulletin, {p.name: p for p in profiles}, people, folder)


def printable(text: str) -> str:
    """``text`` without terminal escape sequences and control characters, which would
    reach the captions raw and be read aloud ("ESC[31m": "31 meters")."""
    return CONTROLS.sub(" ", ESCAPES.sub("", text))


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
    for n, (story, seg) in enumerate(cleaned.segments(), 1):
        if WORD.search(seg.text) and not WORD.search(seg.spoken):  # captions, and no speech
            raise InputError(
                f"section {n} ({section_title(story, seg)}) has no words the voices can read "
                f"({seg.text[:40]!r})",
                "broadcaster reads English text in the Latin alphabet: transliterate it",
            )
    return cleaned


def section_title(story: int, segment: Segment) -> str:
    """How a section is named in listings and errors."""
    who = f" ({segment.speaker})" if segment.speaker else ""
    return f"Story {story}: {segment.role}{who}"


def story_titles(bulletin: Bulletin) -> list[str]:
    """Each story's chapter title: its headline, or its first words."""
    titles = []
    for story in bulletin.stories:
        words = " ".join(s.text for s in story.segments).split()
        first = " ".join(words[:TITLE_WORDS]) + ("…" if len(words) > TITLE_WORDS else "")
        titles.append(story.title or first)
    return titles


def utterances(text: str, limit: int = CHUNK_CHARS) -> list[str]:
    """What the engine is asked to say, one call each: the sentences of ``text`` that have
    words, a sentence longer than ``limit`` characters cut between words."""
    pieces: list[str] = []
    for sentence in filter(WORD.search, sentences(text)):
        line = ""
        for word in sentence.split():
            if line and len(line) + 1 + len(word) > limit:
                pieces.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        pieces.append(line)
    return pieces


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


def check_outputs(source: str | None, output: Path, kinds: tuple[str, ...]) -> None:
    """Refuse, before any synthesis, outputs that would destroy something: the transcript
    itself, the audio by one of its own sidecars, another audio file's sidecars."""
    beside = sidecars.paths(output, kinds)
    if output in beside:
        raise ExportError(
            f"{output} would be overwritten by its own {output.suffix} sidecar",
            "give the audio file an audio extension such as .mp3",
        )
    if source and source != STDIN:
        files.refuse_overwriting(Path(source), [output, *beside])
    owner = _described(output.with_suffix(".json")) if kinds else None
    if owner and owner != output.name and (output.parent / owner).exists():
        raise ExportError(
            f"the sidecars beside {output} are {output.parent / owner}'s: "
            "rendering would replace them",
            "give this render another name (-o; in a batch, --name), or --sidecars none",
        )


def _described(manifest: Path) -> str | None:
    """The audio file a manifest describes, if ``manifest`` is one of ours."""
    try:
        if manifest.stat().st_size > MANIFEST_BYTES:
            return None
        audio = json.loads(manifest.read_text(encoding="utf-8")).get("audio")
    except (OSError, ValueError, AttributeError):
        return None
    return audio.get("file") if isinstance(audio, dict) else None


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
        # The engine that reads this delivery, unless ``engine`` answers for every kind
        # (the batch's clip cache).
        reader = engine if getattr(engine, "routes", False) else engine_for(delivery)
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
            clip = mix.trimmed(_samples(reader.synthesize(utterance, delivery, label)))
            if clip.size:
                part.append((caption, clip))
                held += clip.size
            ends = index == len(said) - 1
            if ends or held >= PART_S * mix.RATE:
                yield replace(section, sentences=part, part=count, ends=ends)
                part, held, count = [], 0, count + 1
        previous = segment


def _samples(clip) -> np.ndarray:
    """A clip as float samples at the programme's rate."""
    if clip.frame_rate != mix.RATE:
        clip = clip.set_frame_rate(mix.RATE)
    return np.frombuffer(clip.raw_data, dtype="<i2").astype(np.float64) / 32768.0


def tags_for(bulletin: Bulletin) -> export.Tags:
    """Tags: title, station as artist, date, genre Speech, the source in the comment."""
    source = Path(bulletin.source).name if bulletin.source else "unknown"
    source = "standard input" if source == STDIN else source
    return export.Tags(
        bulletin.display_title(),
        bulletin.station,
        bulletin.date,
        f"Rendered by broadcaster from {source}",
    )


def sound_for(options: Options, folder: Path, framed: bool = True) -> mix.Sound:
    """The programme's loudness, pauses and music, the music loaded or generated."""
    target = loudness.target_lufs(options.loudness)
    if not options.music:
        return mix.Sound(target, options.pauses)
    chosen = music.from_folder(folder, options.stings)
    ffmpeg = export.find_ffmpeg()

    def piece(kind: str, path: Path | None) -> np.ndarray:
        return music.load(path, mix.RATE, ffmpeg) if path else music.generated(kind, mix.RATE)

    stings = {}
    if framed:
        stings = {
            kind: piece(kind, getattr(chosen, kind.replace("-", "_")))
            for kind in ("sting-open", "sting-close", "transition")
        }
    bed = None
    if options.bed:
        bed = piece("bed", chosen.bed if options.bed == "generated" else Path(options.bed))
    return mix.Sound(target, options.pauses, stings, bed)


def render_file(script: Path, output: Path, options: Options, engine: Engine) -> Rendered:
    """Read, prepare and render ``script`` to ``output``: one bulletin, start to end."""
    return render(prepare(script, engine, options), engine, output, options)


def render(
    prepared: Prepared, engine: Engine, output: Path, options: Options = Options()
) -> Rendered:
    """Synthesise, mix, encode and write the sidecars; nothing is left at ``output``
    unless it all succeeds."""
    check_length(prepared.bulletin)
    check_outputs(prepared.bulletin.source, output, options.sidecars)
    with _staged(output) as staged:
        made = _produce(prepared, engine, output, options, None, True, staged)
        loud = {
            "target_lufs": round(loudness.target_lufs(options.loudness), 2),
            "integrated_lufs": round(made.measured.integrated_lufs, 2),
            "true_peak_dbtp": round(made.measured.true_peak_dbtp, 2),
            "codec_makeup_lu": round(made.makeup_lu, 2),
        }
        audio = _audio(made, staged.temporary(output))
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


def preview(
    prepared: Prepared, engine: Engine, chosen: set[int], output: Path, options: Options
) -> Rendered:
    """Only the chosen sections (1-based segment numbers), with the same voices, lexicon
    and loudness as the full render, and no stings: their cost does not depend on the
    bulletin's length."""
    check_outputs(prepared.bulletin.source, output, ())
    with _staged(output) as staged:
        return _produce(prepared, engine, output, options, chosen, False, staged)


def select(
    prepared: Prepared,
    section: int | None = None,
    story: int | None = None,
    speaker: str | None = None,
) -> set[int]:
    """The segment numbers of one section, one story, or everything one person says."""
    segments = prepared.bulletin.segments()
    if section is not None:
        if not 1 <= section <= len(segments):
            raise InputError(
                f"there is no section {section}", f"the transcript has {len(segments)} sections"
            )
        return {section}
    if story is not None:
        count = len(prepared.bulletin.stories)
        if not 1 <= story <= count:
            stories = "1 story" if count == 1 else f"{count} stories"
            raise InputError(f"there is no story {story}", f"the transcript has {stories}")
        return {n for n, (s, _) in enumerate(segments, 1) if s == story}
    names = {seg.speaker.casefold(): seg.speaker for _, seg in segments if seg.speaker}
    unnamed = list(dict.fromkeys(seg.role for _, seg in segments if not seg.speaker))
    wanted = (speaker or "").casefold()
    if wanted not in names and wanted not in unnamed:
        roles = f"; or an unnamed speaker's role: {', '.join(unnamed)}" if unnamed else ""
        raise InputError(
            f"nobody called {speaker!r} speaks in the transcript",
            f"speakers: {', '.join(dict.fromkeys(names.values())) or 'none are named'}{roles}",
        )
    if wanted in names:
        return {n for n, (_, s) in enumerate(segments, 1) if (s.speaker or "").casefold() == wanted}
    return {n for n, (_, s) in enumerate(segments, 1) if not s.speaker and s.role == wanted}


def _produce(
    prepared: Prepared,
    engine: Engine,
    output: Path,
    options: Options,
    chosen: set[int] | None,
    framed: bool,
    staged: files.FileSet,
) -> Rendered:
    """The one encode, begun as soon as the first seconds are ready: the engine
    synthesises the next part (on a thread of its own) while this one is levelled,
    mixed and encoded (by ffmpeg, in a process of its own), and what the codec takes
    away is measured on the first seconds meanwhile (on a thread of its own)."""
    enc = export.encoding(
        export.format_for(output, options.format),
        options.sample_rate,
        options.channels,
        options.bitrate,
    )
    with ExitStack() as stack:  # on any error: the file removed, then the threads stopped
        made = ahead(synthesize(prepared, engine, chosen))
        stack.callback(made.close)
        sound = sound_for(options, prepared.folder, framed)  # the engine starts meanwhile
        probe = _CodecProbe(sound, enc)
        stack.callback(probe.close)
        tags = tags_for(prepared.bulletin)
        with export.encoded(output, mix.RATE, enc, tags, staged) as encoder:
            mixer = mix.Mixer(sound, encoder.write, framed, probe.loss)
            timeline = mixer.run(probe.watch(made), story_titles(prepared.bulletin))
            encoder.chapters = chapters(timeline) if framed else []
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


def ahead(items: Iterator[T], depth: int = 6) -> Iterator[T]:
    """``items``, made on a thread of their own up to ``depth`` ahead of the consumer.

    Closing the iterator (or an error on either side) stops the thread and waits for it,
    so the engine is never left synthesising for a render that has ended.
    """
    box: queue.Queue = queue.Queue(depth)
    stop = threading.Event()

    def put(entry: tuple) -> bool:
        while not stop.is_set():
            try:
                box.put(entry, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def make() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            put((_END, exc))
            return
        put((_END, None))

    thread = threading.Thread(target=make, name="synthesis", daemon=True)
    thread.start()
    try:
        while True:
            item, error = box.get()
            if item is _END:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()
        thread.join()


_END = object()
"""Marks the end of :func:`ahead`'s items."""


class _CodecProbe:
    """What the lossy codec takes away (LU), measured on the programme's first seconds of
    speech, levelled, once encoded and decoded (LAME at 128k: about 0.4 LU of eSpeak's
    sibilants), on a thread of its own while the engine synthesises on: the mixer waits
    for it before its first sample and levels the whole programme as much higher, so the
    listener decodes it on target."""

    def __init__(self, sound: mix.Sound, enc: export.Encoding) -> None:
        self.sound = sound
        self.enc = enc
        self.loss: Future | None = Future() if enc.bitrate else None
        self._thread: threading.Thread | None = None

    def watch(self, sections: Iterator[mix.Section]) -> Iterator[mix.Section]:
        """``sections`` as they are; the first :data:`PROBE_S` seconds of speech (or all
        there is) are read ahead and the probe started on them before the first is given."""
        first: list[mix.Section] = []
        if self.loss is not None:
            held = 0.0
            for section in sections:
                first.append(section)
                held += sum(clip.size for _, clip in section.sentences) / mix.RATE
                if held >= PROBE_S:
                    break
            self._start(first)
        yield from first
        yield from sections

    def _start(self, first: list[mix.Section]) -> None:
        def measure() -> None:
            try:
                self.loss.set_result(self._measure(first))
            except BaseException as exc:  # raised where the mixer waits for it
                self.loss.set_exception(exc)

        self._thread = threading.Thread(target=measure, name="codec probe", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Wait for the probe, if it is running (its ffmpeg and scratch folder go with it)."""
        if self._thread is not None:
            self._thread.join()

    def _measure(self, first: list[mix.Section]) -> float:
        speech = [mix.speech(s, self.sound.pauses)[0] for s in first]
        if not speech:
            return 0.0
        excerpt = np.concatenate(speech)[: PROBE_S * mix.RATE]
        levelled = loudness.level(excerpt, mix.RATE, self.sound.target_lufs)
        return export.codec_loss(levelled, mix.RATE, self.enc)


def _audio(made: Rendered, path: Path) -> dict:
    """The manifest's description of the audio file, which is at ``path`` for now: its
    size and hash tell a reader whether the file beside the manifest is that one."""
    enc = made.encoding
    digest = hashlib.sha256()
    with open(path, "rb") as audio:
        while block := audio.read(1 << 20):
            digest.update(block)
    return {"file": made.output.name, "format": enc.format.name, "sample_rate": enc.rate,
            "channels": enc.channels, "bitrate": enc.bitrate, "bytes": path.stat().st_size,
            "sha256": digest.hexdigest()}  # fmt: skip


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
        spoken = speakable(text, load_lexicon([cast_folder / "lexicon.toml"], {profile.name}),
                           profile.name)  # fmt: skip
        segment = Segment(profile.role, None, text, spoken, profile.name)
        bulletin = Bulletin("sample", None, None, None, (Story(None, (segment,)),))
        prepared = Prepared(readable(bulletin), {profile.name: profile}, {}, cast_folder)
        options = Options(voices=cast_folder, music=False)
        made = preview(prepared, engine, {1}, folder / f"{profile.name}.mp3", options)
        clips.append(Audition(profile.name, made.output, made.duration_s))
    return clips


def chapters(timeline: mix.Timeline) -> list[export.Chapter]:
    """One chapter per story, tiling the programme."""
    return [
        export.Chapter(s.title or f"Story {s.index}", round(s.start * 1000), round(s.end * 1000))
        for s in timeline.stories
    ]
