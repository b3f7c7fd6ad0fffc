"""Writing finished files: a temporary file beside the target, renamed into place."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from broadcaster.errors import ExportError


@contextmanager
def partial(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target``; on success it becomes ``target`` (with the
    permissions any new file gets), on failure it is removed. Nothing half-written."""
    try:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise ExportError(
            f"cannot write to folder {target.parent}: {exc.strerror}",
            "choose another output path with -o",
        ) from None
    os.close(fd)
    try:
        yield Path(name)
        # mkstemp makes the file 0600; a finished file gets what any new file would.
        os.chmod(name, 0o666 & ~_umask())
        os.replace(name, target)
    finally:
        if os.path.exists(name):
            os.unlink(name)


def write_text(target: Path, text: str) -> None:
    """``text`` written to ``target`` atomically."""
    with partial(target) as path:
        path.write_text(text, encoding="utf-8")


def _umask() -> int:
    """The process's umask (reading it means setting it: set it straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
