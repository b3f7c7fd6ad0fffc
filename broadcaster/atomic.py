"""Writing one file atomically: to a temporary beside it (``.NAME.PID-XXXXXXXX.part``),
renamed over it once complete. Used by every stage that keeps a file (the names index in
cast/, a render's files in output/, the batch's report, stamps, feed and clip cache), so
its home is at the top, as ffmpeg.py's is; a render's set of files is
:class:`broadcaster.output.files.FileSet`, built on :func:`temporary`, and a dead
process's temporaries are swept by :func:`broadcaster.output.files.sweep`.
"""

from __future__ import annotations

import os
import secrets
import string
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PART = ".part"
"""The suffix of every temporary file written here."""
NAME_CHARS = string.ascii_lowercase + string.digits + "_"
"""What the eight random characters of a temporary's name are drawn from (as mkstemp's)."""
OURS = r"\..+\.(?P<pid>\d+)-[a-z0-9_]{8}"
"""``.NAME.PID-`` and eight random characters."""


def temporary(target: Path, suffix: str, folder: Path | None = None) -> Path:
    """A new empty file in ``folder`` (default: beside ``target``), named for ``target``
    and for this process, with the permissions any new file gets (0666 less the umask;
    mkstemp's are 0600); raises OSError."""
    while True:
        tail = "".join(secrets.choice(NAME_CHARS) for _ in range(8))
        path = (folder or target.parent) / f".{target.name}.{os.getpid()}-{tail}{suffix}"
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:  # one name in 37**8 is taken: draw another
            continue
        return path


@contextmanager
def replacing(target: Path, folder: Path | None = None) -> Iterator[Path]:
    """A temporary to write in the block (in ``folder``, default beside ``target``; on
    ``target``'s file system), renamed over ``target`` if the block succeeds and removed
    if not: a reader sees the old file or the new one, never half of one, even after a
    SIGKILL (the next :func:`broadcaster.output.files.sweep` removes the temporary).
    Raises OSError."""
    path = temporary(target, PART, folder)
    try:
        yield path
        os.replace(path, target)
    finally:
        path.unlink(missing_ok=True)


def write_atomic(target: Path, data: bytes, folder: Path | None = None) -> None:
    """``data`` as ``target``, written through :func:`replacing`; raises OSError."""
    with replacing(target, folder) as path:
        path.write_bytes(data)
