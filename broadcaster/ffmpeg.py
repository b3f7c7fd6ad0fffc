"""ffmpeg, found and run in one way: every command line starts alike and every failure is
one error naming what failed, with ffmpeg's last message.

At the package's top, not in ``output/``: the engines (pitch), the sound (music files) and
the output (encoding, chapters) all run ffmpeg, and a stage imports only those to its left.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import IO

from broadcaster.errors import DISK_FULL, DISK_FULL_HINT, BroadcasterError, ExportError

FFMPEG_ENV = "BROADCASTER_FFMPEG"
"""Path of an ffmpeg to use instead of the one on PATH or in imageio-ffmpeg."""
INSTALL_HINT = "install ffmpeg or `pip install imageio-ffmpeg`"


def find_ffmpeg() -> str:
    """``$BROADCASTER_FFMPEG``, else ffmpeg on PATH, else imageio-ffmpeg's; raises ExportError."""
    chosen = os.environ.get(FFMPEG_ENV)
    exe = chosen or shutil.which("ffmpeg") or _imageio_ffmpeg()
    if not exe or not os.access(exe, os.X_OK) or os.path.isdir(exe):
        raise ExportError(
            f"no ffmpeg found{f' at {exe}' if exe else ''}",
            f"{FFMPEG_ENV} names it: point it at an ffmpeg binary or unset it"
            if chosen
            else INSTALL_HINT,
        )
    return exe


@lru_cache(maxsize=1)
def _imageio_ffmpeg() -> str | None:
    """The ffmpeg the imageio-ffmpeg wheel ships (in its ``binaries`` folder), unless its
    IMAGEIO_FFMPEG_EXE names another, else what its own search finds. That search runs
    ``ffmpeg -version`` to validate what it found, which cost a render 65 ms a call."""
    try:
        import imageio_ffmpeg
    except ImportError:
        return None
    if os.environ.get("IMAGEIO_FFMPEG_EXE"):  # its documented override, taken as it is
        return imageio_ffmpeg.get_ffmpeg_exe()
    shipped = sorted(Path(imageio_ffmpeg.__file__).parent.glob("binaries/ffmpeg*"))
    if shipped and os.access(shipped[-1], os.X_OK):
        return str(shipped[-1])
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError:
        return None


def start(
    args: Sequence[str],
    *,
    what: str,
    error: type[BroadcasterError] = ExportError,
    stdin: int | None = None,
    stdout: int | None = None,
    stderr: int | IO[bytes] = subprocess.PIPE,
) -> subprocess.Popen:
    """ffmpeg started with ``args``: no banner, never reading the terminal, logging errors
    only (the log that :func:`check` reads). Raises ``error`` if it cannot be run."""
    line = [find_ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "error", *args]
    try:
        return subprocess.Popen(line, stdin=stdin, stdout=stdout, stderr=stderr)
    except OSError as exc:
        raise error(f"{what}: cannot run {line[0]}: {exc.strerror}", INSTALL_HINT) from None


def run(
    args: Sequence[str],
    *,
    input: bytes | None = None,
    what: str,
    error: type[BroadcasterError] = ExportError,
    hint: str | None = None,
) -> bytes:
    """Run ffmpeg with ``args`` (``input`` on its standard input); what it wrote to its
    standard output. A failure raises ``error`` saying ``what: <ffmpeg's last message>``."""
    stdin = None if input is None else subprocess.PIPE
    process = start(args, what=what, error=error, stdin=stdin, stdout=subprocess.PIPE)
    out, log = process.communicate(input)
    check(process.returncode, log, what, error, hint)
    return out


def check(
    status: int,
    log: bytes,
    what: str,
    error: type[BroadcasterError] = ExportError,
    hint: str | None = None,
) -> None:
    """Raise ``error`` (``what: <last line of log>``) if ffmpeg ended with ``status`` other
    than 0 or said the disk is full: Debian's ffmpeg 5.1 ends an MP3 that a full disk cut
    short with status 0, only saying "Error writing trailer of ...: No space left on
    device" (measured)."""
    lines = log.decode(errors="replace").strip().splitlines()
    full = [line for line in lines if any(os.strerror(e) in line for e in DISK_FULL)]
    if status or full:
        reason = (full or lines or ["no message"])[-1]
        raise error(f"{what}: {reason}", DISK_FULL_HINT if full else hint)


def version() -> str:
    """The version of the ffmpeg :func:`find_ffmpeg` finds, as it reports it."""
    exe = find_ffmpeg()
    said = run(["-version"], what=f"ffmpeg at {exe} does not run", hint=INSTALL_HINT)
    first = said.decode(errors="replace").split("\n", 1)[0]
    if not first.startswith("ffmpeg version "):  # BROADCASTER_FFMPEG=/bin/true "ran"
        says = f"`{exe} -version` says {first[:60]!r}"
        raise ExportError(f"{exe} is not ffmpeg: {says}", INSTALL_HINT)
    return first.removeprefix("ffmpeg version ").split(" Copyright")[0]
