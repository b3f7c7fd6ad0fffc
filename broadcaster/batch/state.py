"""The output folder's own state, in its hidden ``.broadcaster`` folder: the lock that keeps
two batches apart, the staging area where work in progress is written, and one stamp per
output saying from what it was rendered."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import fields, is_dataclass
from pathlib import Path

from broadcaster import __version__
from broadcaster.atomic import write_atomic
from broadcaster.cast.casting import default_voices_dir
from broadcaster.errors import BatchError
from broadcaster.render import Options

STATE = ".broadcaster"
"""The output folder's hidden state folder."""
STAMPS = "stamps"
"""The state folder's folder of stamps."""
STAGING = "tmp"
"""The state folder's staging folder."""
LOCK_POLL_S = 0.2
"""How often a batch waiting for the lock tries again."""


def prepare(out: Path) -> Path:
    """Create ``out`` and its state folder; raises BatchError if it cannot be written."""
    state = out / STATE
    try:
        for folder in (state / STAMPS, state / STAGING):
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BatchError(f"cannot write to output folder {out}: {exc.strerror}") from None
    if not os.access(state, os.W_OK | os.X_OK) or not os.access(out, os.W_OK | os.X_OK):
        raise BatchError(f"cannot write to output folder {out}", "choose another --out")
    return state


@contextmanager
def locked(out: Path, wait: bool, stop: threading.Event) -> Iterator[None]:
    """Hold ``out``'s lock; raises BatchError at once if another batch holds it, unless
    ``wait`` (then until it is free, or ``stop`` is set). The kernel drops a flock when
    its holder dies, even by SIGKILL."""
    fd = os.open(out / STATE / "lock", os.O_RDWR | os.O_CREAT, 0o666)
    try:
        while not _try_lock(fd):
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip()
            if not wait:
                raise BatchError(
                    f"output folder {out} is locked by another batch"
                    + (f" (pid {holder})" if holder else ""),
                    "wait for it to finish, or pass --wait to queue behind it",
                )
            if stop.wait(LOCK_POLL_S):
                raise BatchError(f"stopped while waiting for the lock on {out}")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


def _try_lock(fd: int) -> bool:
    # Polled rather than blocking: a blocking flock is resumed after a signal handler
    # runs (PEP 475), so Ctrl-C could not stop a batch waiting for the lock.
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def staging(out: Path) -> Path:
    """Where workers write; emptied before and after each run, under the lock."""
    return out / STATE / STAGING


def clear_staging(out: Path) -> None:
    """Remove whatever a killed run left half-written."""
    root = staging(out)
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)


def plain(value: object) -> object:
    """``value`` (options, a mapping, a path...) as JSON-ready data."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


def fingerprint(script: Path, options: Options) -> str:
    """A hash of all an output is made from: the transcript and its name, every file of the
    cast, every option and broadcaster's version."""
    digest = hashlib.sha256()
    described = {"version": __version__, "name": script.name, "options": plain(options)}
    digest.update(json.dumps(described, sort_keys=True).encode())
    digest.update(script.read_bytes())
    for path in sorted((options.voices or default_voices_dir()).glob("*.toml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _stamp_path(out: Path, relative: str) -> Path:
    return out / STATE / STAMPS / f"{hashlib.sha256(relative.encode()).hexdigest()[:32]}.json"


def current(out: Path, relative: str, made_from: str) -> float | None:
    """The duration of the output at ``relative`` if it was rendered from ``made_from`` and its
    files are still as written; else None."""
    try:
        stamp = json.loads(_stamp_path(out, relative).read_text())
    except (OSError, ValueError):
        return None
    if stamp.get("fingerprint") != made_from or stamp.get("output") != relative:
        return None
    files = stamp.get("files", {})
    if not files or any(_identity(out / name) != seen for name, seen in files.items()):
        return None
    return stamp.get("duration_s")


def _identity(path: Path) -> list[int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def publish(staged: Path, out: Path, relative: str, made_from: str, duration_s: float) -> None:
    """Move a finished render's files (the audio last) from ``staged`` into place and stamp
    it. Raises OSError if they cannot be moved."""
    target = out / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    made = [p for p in staged.iterdir() if not p.name.startswith(".")]
    made.sort(key=lambda p: (p.name == target.name, p.name))
    names = {}
    for path in made:
        os.replace(path, target.parent / path.name)
        name = (target.parent / path.name).relative_to(out).as_posix()
        names[name] = _identity(out / name)
    shutil.rmtree(staged, ignore_errors=True)
    stamp = {"output": relative, "fingerprint": made_from, "files": names, "duration_s": duration_s}
    write_atomic(_stamp_path(out, relative), json.dumps(stamp).encode())
