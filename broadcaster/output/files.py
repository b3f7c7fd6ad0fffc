"""Writing finished files: temporaries beside their targets, moved into place as one set.

A render's audio and its sidecars are all written to temporaries
(``.NAME.PID-XXXXXXXX.part``) first. Then a journal (``.NAME.PID-XXXXXXXX.set``) naming
every temporary and its target is written, the temporaries are renamed over their
targets (the sidecars first, the audio last) and the journal is removed. A process killed
at any instant leaves the previous files, the new ones, or a journal: the next render or
batch into that folder makes the renames the journal lists (every temporary it names was
complete before it was written) and removes what killed renders left half-written.

A file written alone (a batch's report, stamps and feed, a cached clip, the first-names
index) goes the same way without a journal: :mod:`broadcaster.atomic`, whose temporaries'
names these are.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from broadcaster.atomic import OURS, PART, temporary
from broadcaster.errors import DISK_FULL, DISK_FULL_HINT, ExportError

PARTIAL = re.compile(OURS + re.escape(PART))
"""A temporary of :class:`FileSet` or :func:`~broadcaster.atomic.replacing`."""
JOURNAL = re.compile(OURS + r"\.set")
"""A journal of :class:`FileSet`."""
SCRATCH = re.compile(r"broadcaster-(?:(?P<pid>\d+)-)?[a-z0-9_]{8}")
"""A scratch folder in the temporary folder (``TemporaryDirectory(prefix="broadcaster-")``,
or :func:`scratch`'s)."""
SCRATCH_FILES = re.compile(r"[^/]+\.(mp3|wav|flac|opus|ogg|m4a|vtt|srt|json|txt|part|set)")
"""What a scratch folder holds: the codec probe, chapter remuxing, a render to stdout."""
SCRATCH_GRACE_S = 60
"""A scratch folder is stale once untouched for this long: one lives about a second while
its ffmpeg writes, and its name cannot say whose it is."""
MAX_NAME = 230
"""Longest a file or folder name we write may be, in bytes: file systems take 255, and a
name must leave room for its temporaries (``.NAME.PID-XXXXXXXX.part``) and its sidecars'."""


def _render_temporary(target: Path, suffix: str) -> Path:
    """:func:`~broadcaster.atomic.temporary` beside ``target``, its failure an ExportError."""
    try:
        return temporary(target, suffix)
    except OSError as exc:
        raise ExportError(
            f"cannot write to folder {target.parent}: {exc.strerror}",
            "choose another output path with -o",
        ) from None


class FileSet:
    """Temporaries for a set of files in one folder, moved into place together."""

    def __init__(self) -> None:
        self.moves: list[tuple[Path, Path]] = []

    def part(self, target: Path) -> Path:
        """A temporary that becomes ``target`` when the set is committed."""
        path = _render_temporary(target, PART)
        self.moves.append((path, target))
        return path

    def temporary(self, target: Path) -> Path:
        """The temporary that becomes ``target``."""
        return next(path for path, planned in self.moves if planned == target)

    def commit(self) -> None:
        """Rename every temporary into place, the first one (the audio) last."""
        if not self.moves:
            return
        order = [*self.moves[1:], self.moves[0]]
        journal = _render_temporary(self.moves[0][1], ".set")
        try:
            with written(self.moves[0][1]):
                journal.write_text(json.dumps([[p.name, t.name] for p, t in order]))
        except BaseException:
            journal.unlink()
            raise
        try:
            for path, target in order:
                os.replace(path, target)
        finally:  # interrupted between two renames: the others are made all the same
            _replay(journal)

    def discard(self) -> None:
        """Remove every temporary still there."""
        for path, _ in self.moves:
            path.unlink(missing_ok=True)


@contextmanager
def fileset() -> Iterator[FileSet]:
    """A :class:`FileSet` committed when the block succeeds; on any failure every
    temporary is removed and nothing in place is touched."""
    files = FileSet()
    try:
        yield files
        files.commit()
    finally:
        files.discard()


@contextmanager
def written(target: Path, *wrapping: type[Exception]) -> Iterator[None]:
    """A failure to write (a full disk, a quota) as an ExportError naming ``target``; an
    error of a ``wrapping`` type counts as the OSError it was raised from."""
    try:
        yield
    except (OSError, *wrapping) as exc:
        cause = exc if isinstance(exc, OSError) else exc.__context__
        why = getattr(cause, "strerror", None) or str(exc)
        hint = DISK_FULL_HINT if getattr(cause, "errno", None) in DISK_FULL else None
        raise ExportError(f"cannot write {target}: {why}", hint) from None


def write_text(files: FileSet, target: Path, text: str) -> None:
    """``text``, to become ``target`` with the rest of ``files``."""
    path = files.part(target)
    with written(target):
        path.write_text(text, encoding="utf-8")


def _replay(journal: Path) -> None:
    """Make the renames ``journal`` lists that are not made yet, then remove it. Only a
    temporary of ours onto the name it was made for, in the journal's folder, is renamed:
    a journal someone else put there cannot move a file anywhere else."""
    try:
        moves = json.loads(journal.read_text())
    except (OSError, ValueError):
        moves = []
    for source, target in moves if isinstance(moves, list) else []:
        if _renamable(journal.parent, source, target):
            os.replace(journal.parent / source, journal.parent / target)
    journal.unlink(missing_ok=True)


def _renamable(folder: Path, source: object, target: object) -> bool:
    return (
        isinstance(source, str)
        and isinstance(target, str)
        and "/" not in target
        and PARTIAL.fullmatch(source) is not None
        and source.startswith(f".{target}.")
        and _owned(folder / source)
    )


def sweep(folder: Path, before: float) -> None:
    """Finish the sets and remove the temporaries that dead renders (before ``before``,
    a ``time.time()``) left in ``folder``, and remove their scratch folders in the
    temporary folder. Only names this module gives are touched, never a user's file."""
    # The journals first: the temporaries they name are to be moved in, not removed.
    for names, settle in ((JOURNAL, _replay), (PARTIAL, _remove)):
        for path, found in _stale(folder, names, before):
            if not alive(int(found["pid"])):
                settle(path)
    scratch_before = before - SCRATCH_GRACE_S
    for path, found in _stale(Path(tempfile.gettempdir()), SCRATCH, scratch_before):
        if not (found["pid"] and alive(int(found["pid"]))) and _is_scratch(path, scratch_before):
            shutil.rmtree(path, ignore_errors=True)


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


def _stale(folder: Path, name: re.Pattern[str], before: float) -> list[tuple[Path, re.Match]]:
    """The entries of ``folder`` named like ``name`` and last changed before ``before``,
    with the match of their name."""
    try:
        entries = [Path(e.path) for e in os.scandir(folder)]
    except OSError:
        return []
    matched = ((path, name.fullmatch(path.name)) for path in entries)
    return [
        (path, found)
        for path, found in matched
        if found and _changed(path) < before and _owned(path)
    ]


def _owned(path: Path) -> bool:
    """Whether ``path`` is this user's (and not a symbolic link)."""
    try:
        info = path.lstat()
    except OSError:
        return False
    return info.st_uid == os.getuid() and not stat.S_ISLNK(info.st_mode)


def _changed(path: Path) -> float:
    try:
        return path.lstat().st_mtime
    except OSError:
        return float("inf")


def alive(pid: int) -> bool:
    """Whether a process ``pid`` runs on this machine (0 or less: no process)."""
    if pid <= 0:  # os.kill(0, ...) would signal this process's group
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's live process
    return True


def _is_scratch(path: Path, before: float) -> bool:
    """A scratch folder (its owner checked) holding only files a render puts there, none
    of them changed since ``before``."""
    try:
        entries = list(os.scandir(path)) if path.is_dir() else None
    except OSError:
        return False
    return entries is not None and all(
        e.is_file(follow_symlinks=False)
        and SCRATCH_FILES.fullmatch(e.name)
        and _changed(Path(e.path)) < before
        for e in entries
    )


def scratch() -> tempfile.TemporaryDirectory:
    """A scratch folder for a whole render, named for this process so that no other
    render takes it for a dead one's."""
    return tempfile.TemporaryDirectory(prefix=f"broadcaster-{os.getpid()}-")


def refuse_overwriting(source: Path, targets: list[Path]) -> None:
    """Raise ExportError if any of ``targets`` is ``source`` itself (the same file, by a
    hard or symbolic link too): rendering would replace the transcript."""
    for target in targets:
        try:
            same = os.path.samefile(source, target)
        except OSError:
            continue
        if same:
            raise ExportError(
                f"{target} is the transcript itself: rendering would replace it",
                "choose another output name with -o, or leave that sidecar out with --sidecars",
            )
