"""Export: the programme -> an MP3 with ID3 tags and chapters, written atomically."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mutagen.id3 import COMM, ID3

from broadcaster.audio import AudioSegment
from broadcaster.errors import ExportError
from broadcaster.mix import Chapter

FFMPEG_ENV = "BROADCASTER_FFMPEG"
"""Path of an ffmpeg to use instead of the one on PATH or in imageio-ffmpeg."""
OUTPUT_RATE = 44100
"""MP3s are written at 44.1 kHz so that every bitrate up to 320k is valid."""
BITRATE = re.compile(r"^(\d{1,3})k$")


@dataclass(frozen=True)
class Tags:
    """ID3 tags of a bulletin."""

    title: str
    artist: str | None
    """The station."""
    date: str | None
    comment: str
    """Names the source file."""
    genre: str = "Speech"


def find_ffmpeg() -> str:
    """``$BROADCASTER_FFMPEG``, else ffmpeg on PATH, else imageio-ffmpeg's; raises ExportError."""
    exe = os.environ.get(FFMPEG_ENV) or shutil.which("ffmpeg") or _imageio_ffmpeg()
    if not exe or not os.access(exe, os.X_OK) or os.path.isdir(exe):
        raise ExportError(
            f"no ffmpeg found{f' at {exe}' if exe else ''}",
            "install ffmpeg or `pip install imageio-ffmpeg`",
        )
    return exe


def _imageio_ffmpeg() -> str | None:
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        return None


def ffmpeg_version(exe: str) -> str:
    """The version string ffmpeg reports."""
    try:
        out = subprocess.run([exe, "-version"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise ExportError(
            f"ffmpeg at {exe} does not run: {exc}", "install ffmpeg or `pip install imageio-ffmpeg`"
        ) from None
    return out.split("\n", 1)[0].removeprefix("ffmpeg version ").split(" Copyright")[0]


def check_bitrate(bitrate: str) -> str:
    """``bitrate`` if MP3 can use it (e.g. ``128k``); raises ExportError."""
    found = BITRATE.match(bitrate)
    if not found or not 32 <= int(found.group(1)) <= 320:
        raise ExportError(f"invalid bitrate {bitrate!r}", "use 32k to 320k, e.g. 128k")
    return bitrate


def check_target(target: Path) -> None:
    """Fail early if ``target`` cannot be written: a directory, or an unwritable folder."""
    if target.is_dir():
        raise ExportError(f"{target} is a directory", "give a file name such as out.mp3")
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


def _escape(value: str) -> str:
    """FFMETADATA escaping: = ; # \\ and newlines take a backslash."""
    return re.sub(r"([=;#\\\n])", r"\\\1", value)


def ffmetadata(tags: Tags, chapters: list[Chapter]) -> str:
    """An ``;FFMETADATA1`` document with the tags and one [CHAPTER] per section."""
    lines = [";FFMETADATA1"]
    for key in ("title", "artist", "date", "genre"):
        value = getattr(tags, key)
        if value:
            lines.append(f"{key}={_escape(value)}")
    for chapter in chapters:
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={chapter.start_ms}",
            f"END={chapter.end_ms}",
            f"title={_escape(chapter.title)}",
        ]
    return "\n".join(lines) + "\n"


def export_mp3(
    programme: AudioSegment,
    target: Path,
    tags: Tags,
    chapters: list[Chapter],
    bitrate: str = "128k",
) -> None:
    """Encode to ``target`` via a temporary file beside it, renamed into place on success."""
    check_bitrate(bitrate)
    check_target(target)
    ffmpeg = find_ffmpeg()
    try:
        fd, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise ExportError(
            f"cannot write to folder {target.parent}: {exc.strerror}",
            "choose another output path with -o",
        ) from None
    os.close(fd)
    try:
        _encode(ffmpeg, programme, partial, ffmetadata(tags, chapters), bitrate)
        _add_comment(partial, tags.comment)
        # mkstemp makes the file 0600; a finished file gets what any new file would.
        os.chmod(partial, 0o666 & ~_umask())
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)


def _umask() -> int:
    """The process's umask (reading it means setting it: set it straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _add_comment(path: str, comment: str) -> None:
    """A real ID3 COMM frame: ffmpeg writes a ``comment`` key as TXXX:comment instead."""
    tags = ID3(path)
    tags.add(COMM(encoding=3, lang="eng", desc="", text=[comment]))
    tags.save(path)


def _encode(ffmpeg: str, programme: AudioSegment, path: str, metadata: str, bitrate: str) -> None:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8") as meta:
        meta.write(metadata)
        meta.flush()
        command = [
            ffmpeg,
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "s16le",
            "-ar",
            str(programme.frame_rate),
            "-ac",
            "1",
            "-i",
            "pipe:0",
            "-f",
            "ffmetadata",
            "-i",
            meta.name,
            "-map",
            "0:a",
            "-map_metadata",
            "1",
            "-map_chapters",
            "1",
            "-ar",
            str(OUTPUT_RATE),
            "-c:a",
            "libmp3lame",
            "-b:a",
            bitrate,
            "-f",
            "mp3",
            path,
        ]
        try:
            done = subprocess.run(command, input=programme.raw_data, capture_output=True)
        except OSError as exc:
            raise ExportError(f"cannot run ffmpeg ({ffmpeg}): {exc.strerror}") from None
    if done.returncode:
        last = (done.stderr.decode(errors="replace").strip().splitlines() or ["no message"])[-1]
        raise ExportError(f"ffmpeg failed to encode the MP3: {last}")
