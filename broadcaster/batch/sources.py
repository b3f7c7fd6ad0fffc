"""Which transcripts a batch reads: files, folders (recursively) and glob patterns.

A file or folder named outright must exist; a glob pattern may match nothing (an empty
inbox is normal for a scheduled batch), as long as the sources together match something.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable
from pathlib import Path

from broadcaster.errors import BatchError

SUFFIX = ".txt"
"""What a transcript in a folder is called; files named outright may be called anything."""


def find_sources(sources: Iterable[str]) -> list[Path]:
    """Every transcript that ``sources`` names, once each, sorted; raises BatchError if none,
    or if a source that is not a glob pattern does not exist."""
    found: dict[Path, None] = {}
    for source in sources:
        for path in _expand(source):
            found.setdefault(path.resolve(), None)
    if not found:
        raise BatchError(
            f"no transcripts matched {' '.join(sources)}",
            f"give files, folders holding *{SUFFIX} files, or glob patterns",
        )
    return sorted(found)


def _expand(source: str) -> list[Path]:
    path = Path(source)
    if path.is_dir():
        return [p for p in path.rglob(f"*{SUFFIX}") if p.is_file() and not _hidden(p, path)]
    if path.is_file():
        return [path]
    if glob.has_magic(source):
        return [p for p in map(Path, glob.glob(source, recursive=True)) if p.is_file()]
    if path.exists():
        raise BatchError(f"{source} is not a file or a folder", "give transcripts or folders")
    raise BatchError(f"no such file or folder: {source}", "check the path")


def _hidden(path: Path, root: Path) -> bool:
    """Whether ``path`` is in a hidden folder or hidden itself (state, temporary files)."""
    return any(part.startswith(".") for part in path.relative_to(root).parts)
