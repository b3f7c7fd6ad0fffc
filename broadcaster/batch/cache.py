"""A content-addressed cache of synthesised clips, shared by workers and processes.

Each clip is one file named by the hash of everything that decides its sound. Entries
are written to a temporary file and renamed into place, and carry their length and a
SHA-256 of their format and samples: a file cut short by a kill or a full disk, or one
with a garbage header, reads as a miss (and is replaced), never as a clip.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import socket
import struct
import time
from dataclasses import dataclass
from pathlib import Path

from broadcaster import __version__
from broadcaster.atomic import PART, write_atomic
from broadcaster.audio import AudioSegment
from broadcaster.engines import Delivery, Engine, EngineInfo, EngineVoice
from broadcaster.errors import BatchError
from broadcaster.output.files import alive

MAGIC = b"BCLIP\x00\x02\x00"
HEADER = struct.Struct("<8sIHHQ32s")
"""Magic, frame rate, sample width, channels, data length, SHA-256 of the format and data."""
FORMAT = struct.Struct("<IHH")
"""Frame rate, sample width and channels, as the digest covers them."""
MAX_RATE = 384_000
"""The highest frame rate an entry may claim."""
CLIPS = "clips"
SCRATCH = "tmp"
"""Where entries are written before the rename (same file system as ``clips``)."""
STALE_S = 3600
"""A temporary file this old is abandoned whoever wrote it (another host, say)."""


def clip_key(engine: Engine, text: str, delivery: Delivery) -> str:
    """The entry's name: a hash of the engine's key for the clip (what it reads, what reads
    it, every delivery value) and broadcaster's version."""
    key = {"clip": engine.cache_key(text, delivery), "broadcaster": __version__}
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


class ClipCache:
    """An engine that answers from the cache and asks ``engine`` only on a miss (in a
    batch, ``engines.Router()``: the engine that reads each delivery, eSpeak or Piper)."""

    def __init__(self, engine: Engine, folder: Path) -> None:
        self.engine = engine
        self.folder = folder
        self.synthesized = 0
        """Clips the engine made in this cache's life."""
        self.cached = 0
        """Clips read back from the cache."""
        self.scratch = folder / SCRATCH / _owner()
        """This process's folder for entries being written."""

    @property
    def info(self) -> EngineInfo:
        return self.engine.info

    def voices(self) -> list[EngineVoice]:
        return self.engine.voices()

    def check_voice(self, voice: str) -> None:
        self.engine.check_voice(voice)

    def cache_key(self, text: str, delivery: Delivery) -> object:
        return self.engine.cache_key(text, delivery)

    def synthesize(self, text: str, delivery: Delivery, label: str) -> AudioSegment:
        """The clip for ``text`` read by ``delivery``, from the cache when it holds it."""
        path = self._path(clip_key(self.engine, text, delivery))
        clip = read_entry(path)
        if clip is not None:
            self.cached += 1
            return clip
        clip = self.engine.synthesize(text, delivery, label)
        self.synthesized += 1
        self._store(path, clip)
        return clip

    def _path(self, key: str) -> Path:
        return self.folder / CLIPS / key[:2] / f"{key}.clip"

    def _store(self, path: Path, clip: AudioSegment) -> None:
        data, shape = clip.raw_data, (clip.frame_rate, clip.sample_width, clip.channels)
        header = HEADER.pack(MAGIC, *shape, len(data), _digest(shape, data))
        try:
            for folder in (path.parent, self.scratch):
                folder.mkdir(parents=True, exist_ok=True)
            write_atomic(path, header + data, self.scratch)
        except OSError:
            pass  # A full disk or a concurrent `cache clear` costs a miss next time, no more.


def read_entry(path: Path) -> AudioSegment | None:
    """The clip stored at ``path``, or None if it is missing, short or corrupt. Nothing in
    the header is trusted before the magic and the file's own size vouch for it: a garbage
    length must cost a miss, not an allocation of that length."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEADER.size)
            if len(head) != HEADER.size or not head.startswith(MAGIC):
                return None
            _, rate, width, channels, length, digest = HEADER.unpack(head)
            if not _plausible(rate, width, channels, length, os.fstat(handle.fileno()).st_size):
                return None
            data = handle.read(length)
    except OSError:
        return None
    if len(data) != length or _digest((rate, width, channels), data) != digest:
        return None
    return AudioSegment(data=data, sample_width=width, frame_rate=rate, channels=channels)


def _digest(shape: tuple[int, int, int], data: bytes) -> bytes:
    return hashlib.sha256(FORMAT.pack(*shape) + data).digest()


def _plausible(rate: int, width: int, channels: int, length: int, size: int) -> bool:
    """Whether a header describes PCM that fills the rest of a file of ``size`` bytes."""
    frame = width * channels
    return (
        size == HEADER.size + length
        and 0 < rate <= MAX_RATE
        and width in (1, 2, 3, 4)
        and channels in (1, 2)
        and length % frame == 0
    )


def _owner() -> str:
    """This process's scratch folder name, so that its leftovers can be told apart."""
    return f"{socket.gethostname()}-{os.getpid()}"


def sweep(folder: Path) -> None:
    """Remove what writers that died mid-write left (a SIGKILL skips every cleanup): the
    scratch folders of dead processes on this host, and any other abandoned for an hour."""
    for scratch in _scratch_folders(folder):
        host, _, pid = scratch.name.rpartition("-")
        pid = int(pid) if pid.isdigit() else 0
        try:
            abandoned = time.time() - scratch.stat().st_mtime > STALE_S
        except FileNotFoundError:
            continue
        if abandoned or (host == socket.gethostname() and not alive(pid)):
            shutil.rmtree(scratch, ignore_errors=True)


def _scratch_folders(folder: Path) -> list[Path]:
    try:
        return [p for p in (folder / SCRATCH).iterdir() if p.is_dir()]
    except FileNotFoundError:
        return []


@dataclass(frozen=True)
class CacheInfo:
    """What ``cache info`` shows."""

    folder: Path
    """The cache folder."""
    entries: int
    """Clips stored."""
    size: int
    """Bytes they take."""
    partial: int
    """Temporary files of writes in progress or abandoned."""


def info(folder: Path) -> CacheInfo:
    """Count the entries and temporary files in ``folder``."""
    entries = list((folder / CLIPS).glob("*/*.clip"))
    partial = [p for s in _scratch_folders(folder) for p in s.glob(f"*{PART}")]
    return CacheInfo(folder, len(entries), sum(_size(p) for p in entries), len(partial))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0  # removed by a concurrent `cache clear`


def clear(folder: Path) -> int:
    """Remove every entry and abandoned temporary file; the number of entries removed.
    Raises BatchError naming what could not be removed (a read-only cache, say)."""
    removed, failed = 0, []
    for root, _, names in os.walk(folder / CLIPS, topdown=False, onerror=failed.append):
        for name in names:
            try:
                os.unlink(os.path.join(root, name))
                removed += name.endswith(".clip")
            except OSError as exc:
                failed.append(exc)
        with contextlib.suppress(OSError):
            os.rmdir(root)
    sweep(folder)
    failed = [exc for exc in failed if not isinstance(exc, FileNotFoundError)]
    if failed:
        more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
        raise BatchError(
            f"cannot clear the clip cache {folder}: "
            f"{failed[0].strerror}: {failed[0].filename}{more}",
            f"removed {removed} clips; check the folder's permissions",
        )
    return removed
