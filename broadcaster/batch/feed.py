"""A podcast RSS 2.0 feed of the bulletins in a folder, newest first (feedgen).

A bulletin is an audio file that broadcaster rendered: its JSON manifest (``<stem>.json``)
is beside it and names it, and the file is audio of the kind its name says, as long as the
manifest says (previews, voice samples and anything else in the folder are left out). Its
title, date, duration and description come from that manifest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timezone
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlsplit, urlunsplit

import mutagen

from broadcaster.atomic import write_atomic
from broadcaster.batch import index
from broadcaster.errors import BatchError
from broadcaster.output.sidecars import read_manifest

FEED = "feed.xml"
"""The feed's name inside the output folder (``batch --feed``)."""
TYPES = {"MP3": "audio/mpeg", "MP4": "audio/mp4", "OggOpus": "audio/ogg", "FLAC": "audio/flac",
         "WAVE": "audio/wav"}  # fmt: skip
"""The MIME type of each kind of file broadcaster renders, by mutagen's name for it."""
SUFFIXES = {".mp3": "MP3", ".m4a": "MP4", ".opus": "OggOpus", ".flac": "FLAC", ".wav": "WAVE"}
"""Each audio file name's ending and the kind of file it must be."""
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
CATEGORIES = ("Arts", "Business", "Comedy", "Education", "Fiction", "Government", "History",
              "Health & Fitness", "Kids & Family", "Leisure", "Music", "News",
              "Religion & Spirituality", "Science", "Society & Culture", "Sports", "Technology",
              "True Crime", "TV & Film")  # fmt: skip
"""Apple Podcasts' top-level categories, which the directories check ``itunes:category``
against."""
IMAGES = (".jpg", ".jpeg", ".png")
"""What podcast artwork may be (Apple Podcasts: JPEG or PNG)."""
DURATION_SLACK_S = 1.0
"""How far the file's own length may be from the manifest's (plus 2 %): a header-based
estimate for MP3."""
UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Podcast:
    """What the feed says about itself, for listeners and podcast directories."""

    title: str = "News bulletins"
    """The feed's title."""
    description: str | None = None
    """What it is; default ``<title>, rendered by broadcaster``."""
    author: str | None = None
    """``itunes:author``; default: the newest bulletin's station."""
    owner_name: str | None = None
    """``itunes:owner``'s name (default: the author, else the title)."""
    owner_email: str | None = None
    """``itunes:owner``'s email, which directories mail to verify a feed."""
    image: str | None = None
    """The artwork's URL (JPEG or PNG; directories want it square, 1400-3000 px)."""
    category: str = "News/Daily News"
    """``CATEGORY`` or ``CATEGORY/SUBCATEGORY``."""
    explicit: bool = False
    """``itunes:explicit``."""
    language: str = "en"
    """The feed's language."""


@dataclass(frozen=True)
class Episode:
    """One bulletin as the feed shows it."""

    path: PurePosixPath
    """The audio file, relative to the folder."""
    title: str
    """Its title."""
    published: datetime
    """When it was published (see :func:`_published`)."""
    duration_s: float
    """Its length."""
    description: str
    """What it is about."""
    station: str | None
    """Who made it."""
    size: int
    """The file's size in bytes (the enclosure's length)."""
    type: str
    """Its MIME type, from what the file is."""
    page: PurePosixPath | None = None
    """Its rundown page, relative to the folder, when there is one."""


def write_feed(folder: Path, base_url: str, output: Path, podcast: Podcast = Podcast()) -> int:
    """Write the feed of ``folder``'s bulletins to ``output``; the number of episodes. The
    same folder gives the same bytes."""
    check_base_url(base_url)
    if not folder.is_dir():
        raise BatchError(f"{folder} is not a folder")
    episodes = sorted(
        filter(None, (_episode(folder, path) for path in _audio_files(folder))),
        key=lambda e: (e.published, e.path.as_posix()),
        reverse=True,
    )
    try:
        self_path = PurePosixPath(output.absolute().relative_to(folder.absolute()).as_posix())
    except ValueError:  # written elsewhere: published beside the bulletins, presumably
        self_path = PurePosixPath(output.name)
    xml = _rss(episodes, base_url, self_path, podcast)
    try:
        write_atomic(output, xml)
    except OSError as exc:
        raise BatchError(f"cannot write the feed {output}: {exc.strerror}") from None
    return len(episodes)


def check_base_url(base_url: str) -> str:
    """``base_url`` if it is an http(s) URL with a host; raises BatchError."""
    return _check_url(base_url, "base URL", "e.g. https://example.org/news")


def check_image(url: str) -> str:
    """``url`` if it is an http(s) URL of a JPEG or PNG file; raises BatchError."""
    _check_url(url, "image URL", "e.g. https://example.org/news/cover.jpg")
    if not urlsplit(url).path.lower().endswith(IMAGES):
        raise BatchError(
            f"image URL {url!r} is not a .jpg or .png file",
            "podcast directories take JPEG or PNG artwork",
        )
    return url


def check_email(email: str) -> str:
    """``email`` if it looks like an address (``name@host``); raises BatchError."""
    name, at, host = email.partition("@")
    if not (name and at and "." in host) or any(c.isspace() for c in email):
        raise BatchError(f"{email!r} is not an email address", "e.g. news@example.org")
    return email


def check_category(category: str) -> str:
    """``category`` if its first part is one of Apple Podcasts' categories."""
    main, _, sub = category.partition("/")
    if main not in CATEGORIES or "/" in sub:
        raise BatchError(
            f"{category!r} is not a podcast category",
            f"give CATEGORY or CATEGORY/SUBCATEGORY, CATEGORY one of: {', '.join(CATEGORIES)}",
        )
    return category


def _check_url(url: str, what: str, example: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in parts.netloc:
        raise BatchError(f"{what} {url!r} is not an http(s) URL", example)
    return url


def url_of(base_url: str, relative: PurePosixPath | None = None) -> str:
    """The URL of ``relative`` (a file in the folder served at ``base_url``), or of the
    folder itself: the path escaped (what is escaped already is kept), the base's query
    kept (a CDN's token, say), its fragment dropped."""
    parts = urlsplit(base_url)
    path = quote(parts.path, safe="/%!$&'()*+,;=:@~").rstrip("/") + "/"
    if relative is not None:
        path += quote(relative.as_posix())
    query = quote(parts.query, safe="=&%/?:@!$'()*+,;~")
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def _audio_files(folder: Path) -> list[Path]:
    return [
        p
        for p in folder.rglob("*")
        if p.suffix.lower() in SUFFIXES
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]


def _relative(folder: Path, path: Path) -> PurePosixPath:
    """``path`` inside ``folder``, as the URL path it is served at."""
    return PurePosixPath(path.relative_to(folder).as_posix())


def _episode(folder: Path, path: Path) -> Episode | None:
    """``path`` as an episode, or None if it is not a bulletin broadcaster rendered."""
    manifest = _manifest(path)
    kind = _kind(path) if manifest else None
    if manifest is None or kind is None:
        return None
    duration, length = _number(manifest.get("duration_s")), kind[1]
    if duration is None or abs(length - duration) > DURATION_SLACK_S + 0.02 * duration:
        return None  # the manifest describes some other file
    stat = path.stat()
    title = str(manifest.get("title") or path.stem)
    station = manifest.get("station")
    return Episode(
        _relative(folder, path),
        title,
        _published(manifest.get("date"), stat.st_mtime),
        duration,
        str(manifest.get("description") or title),
        station if isinstance(station, str) else None,
        stat.st_size,
        kind[0],
        _relative(folder, page) if (page := index.page_of(path)) else None,
    )


def _manifest(audio: Path) -> dict | None:
    """The render's JSON manifest beside ``audio``, if there is one that names it."""
    data = read_manifest(audio.with_suffix(".json"))
    return data if data and data["audio"]["file"] == audio.name else None


def _kind(audio: Path) -> tuple[str, float] | None:
    """The MIME type and length of ``audio`` if it is audio of the kind its name says
    (mutagen reads its header: an empty file or a program renamed ``.mp3`` is not)."""
    try:
        found = mutagen.File(audio)
    except (mutagen.MutagenError, OSError):
        return None
    if found is None or type(found).__name__ != SUFFIXES[audio.suffix.lower()]:
        return None
    length = getattr(found.info, "length", 0) or 0
    return (TYPES[type(found).__name__], float(length)) if length > 0 else None


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) and value > 0 else None


def _published(date: object, rendered: float) -> datetime:
    """A bulletin's date and time: the manifest's, when its date has a time of day; else its
    date at the time of day it was rendered (the audio file's time, local time), so that
    bulletins of one day keep their order; else when it was rendered."""
    moment = datetime.fromtimestamp(rendered, timezone.utc).astimezone()
    try:
        parsed = datetime.fromisoformat(str(date))
    except ValueError:
        return moment
    if len(str(date)) <= len("YYYY-MM-DD"):  # a date alone
        return datetime.combine(parsed.date(), time(moment.hour, moment.minute, moment.second),
                                moment.tzinfo)  # fmt: skip
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=moment.tzinfo)


def _rss(episodes: list[Episode], base_url: str, self_path: PurePosixPath, podcast: Podcast):
    from feedgen.feed import FeedGenerator

    generator = FeedGenerator()
    generator.load_extension("podcast")
    generator.register_extension("directory", _Directory, _NoEntry)
    generator.title(podcast.title)
    # The channel's <link> is the last one given (feedgen), so the folder comes second.
    generator.link(href=url_of(base_url, self_path), rel="self", type="application/rss+xml")
    generator.link(href=url_of(base_url))
    generator.description(podcast.description or f"{podcast.title}, rendered by broadcaster")
    generator.language(podcast.language)
    # Not the time of writing (feedgen's default): the same bulletins, the same bytes.
    generator.lastBuildDate(episodes[0].published if episodes else UNIX_EPOCH)
    author = podcast.author or next((e.station for e in episodes if e.station), None)
    if author:
        generator.podcast.itunes_author(author)
    if podcast.owner_email:
        name = podcast.owner_name or author or podcast.title
        generator.podcast.itunes_owner(name=name, email=podcast.owner_email)
    main, _, sub = podcast.category.partition("/")
    generator.podcast.itunes_category({"cat": main, **({"sub": sub} if sub else {})})
    generator.directory.image, generator.directory.explicit = podcast.image, podcast.explicit
    for episode in episodes:
        url = url_of(base_url, episode.path)
        entry = generator.add_entry(order="append")
        entry.title(episode.title)
        entry.guid(url, permalink=True)
        if episode.page:
            entry.link(href=url_of(base_url, episode.page))
        entry.pubDate(episode.published)
        entry.description(episode.description)
        entry.enclosure(url, str(episode.size), episode.type)
        entry.podcast.itunes_duration(_clock(episode.duration_s))
    return generator.rss_str(pretty=True)


def _clock(seconds: float) -> str:
    """``H:MM:SS``."""
    whole = round(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


class _Directory:
    """``itunes:image`` and ``itunes:explicit`` as directories read them today: feedgen
    drops an image URL that does not end in .jpg/.png (one with a ?query, or .jpeg) and
    writes explicit as yes/no/clean where Apple's spec asks for true/false."""

    image: str | None = None
    explicit: bool = False

    def extend_ns(self) -> dict:
        return {"itunes": ITUNES}

    def extend_rss(self, feed):
        from feedgen.util import xml_elem

        channel = feed[0]
        if self.image:
            xml_elem(f"{{{ITUNES}}}image", channel).attrib["href"] = self.image
        xml_elem(f"{{{ITUNES}}}explicit", channel).text = "true" if self.explicit else "false"
        return feed

    def extend_atom(self, feed):
        return feed


class _NoEntry(_Directory):
    """The directory fields are the channel's; an entry adds none."""

    def extend_rss(self, entry):
        return entry
