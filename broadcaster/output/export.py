"""Export: the programme streamed into one ffmpeg encode, with tags and chapters, written
atomically, in MP3, WAV, FLAC, Ogg Opus or M4A/AAC."""

from __future__ import annotations

import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from broadcaster import ffmpeg
from broadcaster.audio import pcm
from broadcaster.dialects.reading import STDIN
from broadcaster.errors import ExportError
from broadcaster.output import files
from broadcaster.script import Bulletin
from broadcaster.sound import loudness, mix

BITRATE = re.compile(r"^(\d{1,3})k$")
ENCODE = "ffmpeg failed to encode"


@dataclass(frozen=True)
class Format:
    """An output format and what it allows."""

    name: str
    """What ``--format`` takes; also the file extension."""
    codec: str
    """ffmpeg's encoder."""
    muxer: str
    """ffmpeg's container."""
    rate: int
    """Default sample rate."""
    rates: tuple[int, ...]
    """Sample rates the codec takes."""
    bitrate: str | None = None
    """Default bitrate; None for lossless formats."""
    bitrates: tuple[int, int] = (0, 0)
    """Lowest and highest bitrate in kbit/s."""
    chapters: str | None = None
    """How chapters are stored: ``id3``, ``mp4``, ``vorbis`` or None (none)."""
    muxing: tuple[str, ...] = ()
    """ffmpeg's options for the container."""


COMMON_RATES = (8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000)
OGG_MUXING = ("-fflags", "+bitexact")
"""Without it ffmpeg gives the Ogg stream a random serial number: each run's file differed."""
MP4_MUXING = ("-movflags", "+faststart")
"""The index (moov) before the audio (mdat), so a player starts before the download ends."""
FORMATS = {
    f.name: f
    for f in (
        Format("mp3", "libmp3lame", "mp3", 44100, COMMON_RATES, "128k", (32, 320), "id3"),
        Format("wav", "pcm_s16le", "wav", 44100, COMMON_RATES),
        Format("flac", "flac", "flac", 44100, COMMON_RATES, chapters="vorbis"),
        Format("opus", "libopus", "ogg", 48000, (8000, 12000, 16000, 24000, 48000), "64k",
               (6, 510), "vorbis", OGG_MUXING),
        Format("m4a", "aac", "mp4", 44100, COMMON_RATES, "128k", (32, 320), "mp4", MP4_MUXING),
    )
}  # fmt: skip
"""Every output format by name (and extension)."""


@dataclass(frozen=True)
class Encoding:
    """The output's format and its settings."""

    format: Format
    rate: int
    """Sample rate of the file."""
    channels: int
    """1 (mono) or 2 (the mono programme on both channels)."""
    bitrate: str | None
    """For lossy formats, e.g. ``128k``."""


@dataclass(frozen=True)
class Tags:
    """The bulletin's tags."""

    title: str
    artist: str | None
    """The station."""
    date: str | None
    comment: str
    """Names the source file."""
    genre: str = "Speech"


@dataclass(frozen=True)
class Chapter:
    """A chapter: a title and its span in milliseconds."""

    title: str
    start_ms: int
    end_ms: int


def format_for(target: Path, name: str | None) -> Format:
    """The format named, else the one the target's extension says, else MP3."""
    chosen = name or target.suffix.lower().lstrip(".") or "mp3"
    chosen = {"ogg": "opus", "aac": "m4a", "mp4": "m4a"}.get(chosen, chosen)
    if chosen not in FORMATS:
        raise ExportError(
            f"unsupported format {chosen!r}", f"choose one of {', '.join(FORMATS)} (--format)"
        )
    return FORMATS[chosen]


def encoding(
    fmt: Format, rate: int | None = None, channels: int = 1, bitrate: str | None = None
) -> Encoding:
    """``fmt`` with the given settings, checked; defaults where None."""
    rate = rate or fmt.rate
    if rate not in fmt.rates:
        raise ExportError(
            f"{fmt.name} cannot be written at {rate} Hz",
            f"use one of {', '.join(map(str, fmt.rates))}",
        )
    if channels not in (1, 2):
        raise ExportError(f"{channels} channels is not supported", "use 1 or 2")
    if fmt.bitrate is None:
        if bitrate:
            raise ExportError(f"{fmt.name} is lossless and takes no bitrate", "leave out --bitrate")
        return Encoding(fmt, rate, channels, None)
    bitrate = bitrate or fmt.bitrate
    found = BITRATE.match(bitrate)
    low, high = fmt.bitrates
    if not found or not low <= int(found.group(1)) <= high:
        raise ExportError(
            f"invalid bitrate {bitrate!r} for {fmt.name}",
            f"use {low}k to {high}k, e.g. {fmt.bitrate}",
        )
    return Encoding(fmt, rate, channels, bitrate)


def check_target(target: Path, fmt: Format) -> None:
    """Fail early if ``target`` cannot be written: a directory, a device or a pipe, an
    unwritable folder, or a name whose extension says another format than ``fmt``."""
    check_extension(target, fmt)
    if len(os.fsencode(target.name)) > files.MAX_NAME:  # Path.is_dir() would raise
        raise ExportError(
            f"{target.name[:40]}...: a file name over {files.MAX_NAME} bytes",
            "choose a shorter output name",
        )
    if target.is_dir():
        raise ExportError(f"{target} is a directory", "give a file name such as out.mp3")
    if target.exists() and not target.is_file():  # renaming over it would replace a device
        raise ExportError(
            f"{target} is not a regular file", "give a file name, or -o - for standard output"
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise ExportError(f"cannot create folder {target.parent}: a file is in the way") from None
    except OSError as exc:
        raise ExportError(f"cannot create folder {target.parent}: {exc.strerror}") from None
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise ExportError(
            f"cannot write to folder {target.parent}", "choose another output path with -o"
        )


def check_extension(target: Path, fmt: Format) -> None:
    """Refuse to write ``fmt`` into a file whose extension names another format (an
    extension broadcaster does not know says nothing)."""
    try:
        named = format_for(target, None) if target.suffix else fmt
    except ExportError:
        return
    if named is not fmt:
        raise ExportError(
            f"{target.name} is named as {named.name} but the format asked for is {fmt.name}",
            f"name it {target.with_suffix('.' + fmt.name).name}, or leave out --format",
        )


class Encoder:
    """One ffmpeg encoding 16-bit mono PCM fed from a pipe, in a thread of its own, so
    that synthesis and mixing go on while it encodes. The samples are written as they
    come; nothing reaches ``target`` until :meth:`finish` has added tags and chapters."""

    def __init__(self, path: Path, rate: int, enc: Encoding, tags: Tags) -> None:
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (ffmpeg's stderr; closed in finish)
        args = ["-y", "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0",
                *_metadata(tags, enc.format), "-ar", str(enc.rate), "-ac", str(enc.channels),
                "-c:a", enc.format.codec, *(["-b:a", enc.bitrate] if enc.bitrate else []),
                *enc.format.muxing, "-f", enc.format.muxer, str(path)]  # fmt: skip
        self.chapters: list[Chapter] = []
        """Set by the caller before :meth:`finish`."""
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=64)
        self._broken: OSError | None = None
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._process = ffmpeg.start(args, what=ENCODE, stdin=subprocess.PIPE, stderr=self._log)
        try:
            self._thread.start()
        except BaseException:  # a signal (cli.Stopped) raised here must not orphan ffmpeg
            self._process.kill()
            self._process.wait()
            raise

    def write(self, samples: np.ndarray) -> None:
        """Queue float samples in [-1, 1] for encoding."""
        self._queue.put(pcm(samples))

    def _pump(self) -> None:
        while (data := self._queue.get()) is not None:
            if self._broken is None:
                try:
                    self._process.stdin.write(data)
                except OSError as exc:  # ffmpeg died: keep draining, report at finish
                    self._broken = exc
        try:
            self._process.stdin.close()
        except OSError as exc:
            self._broken = self._broken or exc

    def finish(self) -> None:
        """Wait for ffmpeg; raise ExportError with its last message if it failed."""
        self._queue.put(None)
        self._thread.join()
        failed = self._process.wait() or self._broken is not None
        self._log.seek(0)
        log = self._log.read()
        self._log.close()
        ffmpeg.check(failed, log, ENCODE)

    def abort(self) -> None:
        """Stop ffmpeg at once (after an error elsewhere)."""
        self._process.kill()
        self._queue.put(None)
        self._thread.join()
        self._process.wait()
        self._log.close()


def codec_loss(samples: np.ndarray, rate: int, enc: Encoding) -> float:
    """How many LU quieter ``samples`` come back after a round trip through ``enc``'s
    codec, measured at the file's rate as a listener's meter reads it (resampled back, MP3
    measured 0.04 LU less) (0 for a lossless format or a silent excerpt)."""
    from broadcaster.sound import loudness

    before = loudness.loudness(samples, rate)
    if not enc.bitrate or before == loudness.SILENT:
        return 0.0
    what = f"ffmpeg failed the {enc.format.name} codec probe"
    with tempfile.TemporaryDirectory(prefix="broadcaster-") as scratch:
        coded = Path(scratch, f"probe.{enc.format.name}")
        ffmpeg.run(
            ["-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0", "-ar", str(enc.rate),
             "-c:a", enc.format.codec, "-b:a", enc.bitrate, "-f", enc.format.muxer, str(coded)],
            input=pcm(samples), what=what,
        )  # fmt: skip
        back = ffmpeg.run(
            ["-i", str(coded), "-f", "f32le", "-ac", "1", "-ar", str(enc.rate), "-"], what=what
        )
    decoded = np.frombuffer(back, dtype="<f4")
    after = loudness.loudness(decoded, enc.rate) if decoded.size else loudness.SILENT
    return 0.0 if after == loudness.SILENT else before - after


PROBE_S = 5
"""Seconds of speech encoded once to measure what the lossy codec takes away."""


class CodecProbe:
    """What the lossy codec takes away (LU), measured on the programme's first seconds of
    speech, levelled, once encoded and decoded (LAME at 128k: about 0.4 LU of eSpeak's
    sibilants), on a thread of its own while the engine synthesises on: the mixer waits
    for it before its first sample and levels the whole programme as much higher, so the
    listener decodes it on target."""

    def __init__(self, sound: mix.Sound, enc: Encoding) -> None:
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
        return codec_loss(levelled, mix.RATE, self.enc)


def _metadata(tags: Tags, fmt: Format) -> list[str]:
    values = {"title": tags.title, "artist": tags.artist, "date": tags.date, "genre": tags.genre}
    if fmt.chapters != "id3":  # MP3's comment is written as a real COMM frame below
        values["comment"] = tags.comment
    return [
        arg for key, value in values.items() if value for arg in ("-metadata", f"{key}={value}")
    ]


@contextmanager
def encoded(
    target: Path, rate: int, enc: Encoding, tags: Tags, staged: files.FileSet
) -> Iterator[Encoder]:
    """An :class:`Encoder` writing to a temporary of ``staged`` for ``target``; the caller
    sets ``encoder.chapters`` before leaving the block. On success, tags and chapters
    are added (the temporary moves into place with the rest of ``staged``); on any
    failure nothing is left."""
    check_target(target, enc.format)
    path = staged.part(target)
    encoder = Encoder(path, rate, enc, tags)
    try:  # straight after: nothing between ffmpeg starting and this try may raise
        yield encoder
        encoder.finish()
    except BaseException:
        encoder.abort()
        raise
    from mutagen import MutagenError

    with files.written(target, MutagenError):  # mutagen wraps a full disk's OSError
        _finish_tags(path, enc.format, tags, encoder.chapters)


def _finish_tags(path: Path, fmt: Format, tags: Tags, chapters: list[Chapter]):
    if fmt.chapters == "id3":
        _id3(path, tags, chapters)
    elif fmt.chapters == "vorbis":
        _vorbis(path, fmt, chapters)
    elif fmt.chapters == "mp4" and chapters:
        _remux_chapters(path, fmt, chapters)


def _id3(path: Path, tags: Tags, chapters: list[Chapter]) -> None:
    """ID3v2 chapters (CTOC + CHAP, stored in time order) and a real COMM frame (ffmpeg
    would write the comment as TXXX:comment)."""
    from mutagen.id3 import CHAP, COMM, CTOC, ID3, TIT2, CTOCFlags

    id3 = ID3(path)
    id3.add(COMM(encoding=3, lang="eng", desc="", text=[tags.comment]))
    ids = [f"chp{n}" for n in range(len(chapters))]
    if chapters:
        flags = CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED
        id3.add(CTOC(element_id="toc", flags=flags, child_element_ids=ids, sub_frames=[]))
    for element, chapter in zip(ids, chapters, strict=True):
        title = TIT2(encoding=3, text=[chapter.title])
        id3.add(CHAP(element_id=element, start_time=chapter.start_ms, end_time=chapter.end_ms,
                     sub_frames=[title]))  # fmt: skip
    id3.save(path)
    _chapters_in_time_order(path)


def _chapters_in_time_order(path: Path) -> None:
    """Put the tag's CHAP frames back in time order, in place. mutagen sorts frames by
    size when it saves (mutagen/id3/_tags.py), which stored them chp1, chp2, chp0; ffmpeg
    (so ffprobe and players built on it) lists chapters in file order, not the CTOC's,
    and an ffmpeg conversion of such a file retitled and re-timed them."""
    with path.open("r+b") as file:
        header = file.read(10)
        if header[:3] != b"ID3" or header[3] != 4:  # mutagen writes ID3v2.4
            raise ExportError(f"unexpected ID3 tag in {path.name}: {header[:4]!r}")
        tag = file.read(_syncsafe(header[6:10]))
        frames, at = [], 0
        while at + 10 <= len(tag) and tag[at] != 0:  # frame ids are letters; padding is 0
            end = at + 10 + _syncsafe(tag[at + 4 : at + 8])
            frames.append(tag[at:end])
            at = end
        slots = [n for n, frame in enumerate(frames) if frame[:4] == b"CHAP"]
        ordered = sorted((frames[n] for n in slots), key=_chap_start)
        for n, frame in zip(slots, ordered, strict=True):
            frames[n] = frame
        file.seek(10)
        file.write(b"".join(frames))


def _chap_start(frame: bytes) -> int:
    """A CHAP frame's start time (ms): after its header and its null-terminated id."""
    at = frame.index(b"\0", 10) + 1
    return int.from_bytes(frame[at : at + 4], "big")


def _syncsafe(data: bytes) -> int:
    """An ID3v2.4 size: seven bits a byte."""
    return sum(byte << (7 * n) for n, byte in enumerate(reversed(data)))


def _vorbis(path: Path, fmt: Format, chapters: list[Chapter]) -> None:
    """Vorbis-comment chapters (CHAPTER001=HH:MM:SS.mmm, CHAPTER001NAME=...)."""
    from mutagen.flac import FLAC
    from mutagen.oggopus import OggOpus

    audio = FLAC(path) if fmt.name == "flac" else OggOpus(path)
    for n, chapter in enumerate(chapters, 1):
        audio[f"CHAPTER{n:03d}"] = clock(chapter.start_ms, ".")
        audio[f"CHAPTER{n:03d}NAME"] = chapter.title
    audio.save()


def _remux_chapters(path: Path, fmt: Format, chapters: list[Chapter]) -> None:
    """MP4 chapter atoms: ffmpeg copies the encoded audio
    (no second encode) into a file with the chapters, known only once the programme has
    been laid out."""
    with tempfile.TemporaryDirectory(prefix="broadcaster-") as scratch:
        meta = Path(scratch, "chapters.txt")
        meta.write_text(ffmetadata(chapters), encoding="utf-8")
        remuxed = Path(scratch, f"chaptered.{fmt.name}")
        ffmpeg.run(
            ["-i", str(path), "-f", "ffmetadata", "-i", str(meta), "-map", "0:a",
             "-map_metadata", "0", "-map_chapters", "1", "-c", "copy", *fmt.muxing,
             "-f", fmt.muxer, str(remuxed)],
            what="ffmpeg failed to add chapters",
        )  # fmt: skip
        shutil.copyfile(remuxed, path)


def _escape(value: str) -> str:
    """FFMETADATA escaping: = ; # \\ and newlines take a backslash."""
    return re.sub(r"([=;#\\\n])", r"\\\1", value)


def ffmetadata(chapters: list[Chapter]) -> str:
    """An ``;FFMETADATA1`` document with one [CHAPTER] per chapter."""
    lines = [";FFMETADATA1"]
    for chapter in chapters:
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={chapter.start_ms}",
                  f"END={chapter.end_ms}", f"title={_escape(chapter.title)}"]  # fmt: skip
    return "\n".join(lines) + "\n"


def clock(ms: int, separator: str) -> str:
    """``HH:MM:SS.mmm`` (or with a comma, as SRT writes it)."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def tags_for(bulletin: Bulletin) -> Tags:
    """Tags: title, station as artist, date, genre Speech, the source in the comment."""
    source = Path(bulletin.source).name if bulletin.source else "unknown"
    source = "standard input" if source == STDIN else source
    return Tags(
        bulletin.display_title(),
        bulletin.station,
        bulletin.date,
        f"Rendered by broadcaster from {source}",
    )


def chapters(timeline: mix.Timeline) -> list[Chapter]:
    """One chapter per story, tiling the programme."""
    return [
        Chapter(s.title or f"Story {s.index}", round(s.start * 1000), round(s.end * 1000))
        for s in timeline.stories
    ]
