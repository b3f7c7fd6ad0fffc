"""``index.html``: the archive's front page, every bulletin in a folder newest first, each
with its rundown page, its audio, its duration and its stories, from its JSON manifest."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from urllib.parse import quote

from broadcaster.atomic import write_atomic
from broadcaster.errors import BatchError
from broadcaster.output.page import BASE_STYLE, GENERATOR, clock, document
from broadcaster.output.sidecars import read_manifest

INDEX = "index.html"
"""The index's name inside the folder."""
STYLE = (
    BASE_STYLE
    + """
.bulletins { list-style: none; padding: 0; margin: 1rem 0 0; }
.bulletins > li { border-top: 1px solid var(--line); padding: .25rem 0 .75rem; }
.bulletins h2 { overflow-wrap: anywhere; }
.stories { margin: .25rem 0 0; padding-inline-start: 1.5rem; overflow-wrap: anywhere; }
a { color: var(--ring); }
"""
)


@dataclass(frozen=True)
class Listed:
    """One bulletin as the index shows it."""

    audio: Path
    """The audio file, relative to the folder."""
    page: Path | None
    """Its rundown page, relative to the folder, when there is one."""
    manifest: dict
    """Its manifest."""
    newest: tuple[str, float, str]
    """Its place in the order: date (else the audio's day), the audio's time, its path."""


def write_index(folder: Path, title: str = "News bulletins") -> int:
    """Write ``folder/index.html``; the number of bulletins listed. An ``index.html`` that
    broadcaster did not write is the user's: it is left alone, with a warning."""
    target = folder / INDEX
    if target.exists() and not _ours(target):
        warnings.warn(f"left {target} as it is: broadcaster did not write it", stacklevel=2)
        return 0
    listed = sorted(_bulletins(folder), key=lambda b: b.newest, reverse=True)
    try:
        write_atomic(target, _html(listed, title).encode())
    except OSError as exc:
        raise BatchError(f"cannot write the index {target}: {exc.strerror}") from None
    return len(listed)


def page_of(audio: Path) -> Path | None:
    """The rundown page beside ``audio``, if there is one."""
    found = audio.with_suffix(".html")
    return found if found.is_file() else None


def _ours(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:  # a folder, or unreadable: not a page broadcaster wrote
        return False
    return f'<meta name="generator" content="{GENERATOR}">'.encode() in head


def _bulletins(folder: Path) -> list[Listed]:
    found = []
    for path in folder.rglob("*.json"):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        manifest = _manifest(path)
        audio = path.parent / manifest["audio"]["file"] if manifest else None
        if audio and audio.parent == path.parent and audio.is_file():
            found.append(_listed(folder, audio, manifest))
    return found


def _manifest(path: Path) -> dict | None:
    """A bulletin's manifest with its duration and stories, or None for any other JSON file."""
    data = read_manifest(path)
    if data is None or not isinstance(data.get("duration_s"), (int, float)):
        return None
    stories = data.get("stories")
    listed = isinstance(stories, list) and all(isinstance(story, dict) for story in stories)
    return data if listed else None


def _listed(folder: Path, audio: Path, manifest: dict) -> Listed:
    mtime = audio.stat().st_mtime
    day = manifest.get("date") or datetime.fromtimestamp(mtime, timezone.utc).date().isoformat()
    page = page_of(audio)
    return Listed(
        audio.relative_to(folder),
        page.relative_to(folder) if page else None,
        manifest,
        (str(day), mtime, audio.relative_to(folder).as_posix()),
    )


def _html(listed: list[Listed], title: str) -> str:
    count = "1 bulletin" if len(listed) == 1 else f"{len(listed)} bulletins, newest first"
    body = [
        f'<header><h1>{escape(title)}</h1><p class="meta">{count}</p></header>',
        '<main><ol class="bulletins">',
        *map(_item, listed),
        "</ol></main>",
    ]
    return document(escape(title), STYLE, body)


def _item(bulletin: Listed) -> str:
    manifest = bulletin.manifest
    name = escape(str(manifest.get("title") or bulletin.audio.stem))
    heading = f'<a href="{_href(bulletin.page)}">{name}</a>' if bulletin.page else name
    known = (manifest.get("date"), manifest.get("station"), clock(manifest["duration_s"]))
    meta = " · ".join(escape(str(part)) for part in known if part)
    kind = escape(bulletin.audio.suffix.lstrip(".").upper())
    stories = "".join(
        f"<li>{escape(str(story.get('title') or ''))}</li>" for story in manifest["stories"]
    )
    return (
        f"<li><h2>{heading}</h2>"
        f'<p class="meta">{meta} · <a href="{_href(bulletin.audio)}">audio ({kind})</a></p>'
        f'<ol class="stories">{stories}</ol></li>'
    )


def _href(relative: Path) -> str:
    return escape(quote(relative.as_posix()))
