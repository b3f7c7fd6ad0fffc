"""Writing files so that a reader never sees half of one, even after a SIGKILL."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PART = ".part"
"""Suffix of every temporary file written here."""


def write_atomic(path: Path, data: bytes, scratch: Path | None = None) -> None:
    """Write ``data`` to a temporary file (in ``scratch``, default ``path``'s folder, which
    must be on the same file system) and rename it over ``path``."""
    partial = (scratch or path.parent) / f".{path.name}.{secrets.token_hex(6)}{PART}"
    # Mode 0666 less the umask, as for any new file (mkstemp would make it 0600).
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(partial, path)
    finally:
        if partial.exists():
            partial.unlink()
