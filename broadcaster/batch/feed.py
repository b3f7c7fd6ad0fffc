"""A podcast RSS 2.0 feed of the bulletins in a folder, newest first (feedgen).

Each bulletin's title, date, duration and description come from its JSON manifest
(``<stem>.json`` beside the audio) when there is one, else from the audio's own tags.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

import mutagen

from broadcaster.batch import index
from broadcaster.batch.files import write_atomic
from broadcaster.errors import BatchError

FEED = "feed.xml"
"""The feed's name inside the output folder (``batch --feed``)."""
TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".aac": "audio/aac",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".flac": "audio/flac",
    ".wav": "audio/wav",
}
"""Audio files a feed lists, with their MIME types."""


@dataclass(frozen=True)
class Episode:
    """One bulletin as the feed shows it."""

    path: Path
    """The audio file, relative to the folder."""
    title: str
    """Its title."""
    published: datetime
    """Its date (the file's time when it has none)."""
    duration_s: float
    """Its length."""
    description: str
    """What it is about."""
    size: int
    """The file's size in bytes (the enclosure's length)."""
    page: Path | None = None
    """Its rundown page, relative to the folder, when there is one."""


def write_feed(folder: Path, base_url: str, output: Path, title: str = "News bulletins") -> int:
    """Write the feed of ``folder``'s bulletins to ``output``; the number of episodes."""
    check_base_url(base_url)
    if not folder.is_dir():
        raise BatchError(f"{folder} is not a folder")
    episodes = sorted(
        (_episode(folder, path) for path in _audio_files(folder)),
        key=lambda e: (e.published, e.path.as_posix()),
        reverse=True,
    )
    xml = _rss(episodes, base_url.rstrip("/") + "/", title)
    try:
        write_atomic(output, xml)
    except OSError as exc:
        raise BatchError(f"cannot write the feed {output}: {exc.strerror}") from None
    index.write_index(folder, title)
    return len(episodes)


def check_base_url(base_url: str) -> str:
    """``base_url`` if it is an http(s) URL; raises BatchError."""
    if not base_url.startswith(("http://", "https://")):
        raise BatchError(
            f"base URL {base_url!r} is not an http(s) URL", "e.g. https://example.org/news"
        )
    return base_url


def _audio_files(folder: Path) -> list[Path]:
    return [
        p
        for p in folder.rglob("*")
        if p.suffix.lower() in TYPES
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]


def _episode(folder: Path, path: Path) -> Episode:
    stat = path.stat()
    found = _manifest(path) or _tags(path)
    published = _date(found.get("date")) or datetime.fromtimestamp(stat.st_mtime, timezone.utc)
    title = found.get("title") or path.stem
    return Episode(
        path.relative_to(folder),
        title,
        published,
        float(found.get("duration_s") or 0.0),
        found.get("description") or title,
        stat.st_size,
        page.relative_to(folder) if (page := index.page_of(path)) else None,
    )


def _manifest(audio: Path) -> dict | None:
    """The render's JSON manifest beside ``audio``, if there is a readable one."""
    try:
        data = json.loads(audio.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _tags(audio: Path) -> dict:
    """Title, date, comment and duration from the audio file itself (mutagen): ID3 frames
    in an MP3, Vorbis-style comments in Ogg, Opus and FLAC."""
    try:
        found = mutagen.File(audio)
    except mutagen.MutagenError:
        found = None
    if found is None:
        return {}
    tags = found.tags
    if hasattr(tags, "getall"):  # ID3
        names = {"title": "TIT2", "date": "TDRC", "description": "COMM"}
        values = {key: tags.getall(frame) for key, frame in names.items()}
    else:
        names = {"title": "title", "date": "date", "description": "comment"}
        values = {key: (tags or {}).get(name) for key, name in names.items()}
    described = {key: str(found[0]) for key, found in values.items() if found}
    return {**described, "duration_s": found.info.length}


def _date(value: object) -> datetime | None:
    """A ``YYYY-MM-DD`` (or full ISO) date as an aware datetime, midnight UTC by default."""
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _rss(episodes: list[Episode], base: str, title: str) -> bytes:
    from feedgen.feed import FeedGenerator

    generator = FeedGenerator()
    generator.load_extension("podcast")
    generator.title(title)
    generator.link(href=base)
    generator.description(f"{title}, rendered by broadcaster")
    generator.language("en")
    for episode in episodes:
        url = base + quote(episode.path.as_posix())
        entry = generator.add_entry(order="append")
        entry.title(episode.title)
        entry.guid(url, permalink=True)
        if episode.page:
            entry.link(href=base + quote(episode.page.as_posix()))
        entry.pubDate(episode.published)
        entry.description(episode.description)
        entry.enclosure(url, str(episode.size), TYPES[episode.path.suffix.lower()])
        entry.podcast.itunes_duration(_clock(episode.duration_s))
    return generator.rss_str(pretty=True)


def _clock(seconds: float) -> str:
    """``H:MM:SS``."""
    whole = round(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
