"""The podcast feed, parsed back with feedparser: after a batch, from the manifests, what is
left out, the enclosure URLs, the times of day and the directories' fields."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import feedparser
import pytest

from broadcaster.batch import feed
from broadcaster.batch.feed import ITUNES
from broadcaster.ffmpeg import find_ffmpeg
from broadcaster.output.sidecars import MANIFEST_BYTES
from tests.helpers.batching import batch, report, write_bulletins
from tests.helpers.cli import check_failure, invoke
from tests.helpers.paths import ROOT

BASE = "https://news.example.org/bulletins"
PODCAST = {
    "title": "Harbour News",
    "description": "The harbour's news, every hour.",
    "author": "Harbour Radio",
    "owner-name": "Newsdesk",
    "owner-email": "news@example.org",
    "image": "https://news.example.org/cover.jpeg?v=2",
    "category": "News/Daily News",
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Three bulletins rendered by a batch that also writes the feed, with every podcast
    option set."""
    root = tmp_path_factory.mktemp("feed")
    write_bulletins(root / "in", 3)
    out = root / "out"
    podcast = [a for key, value in PODCAST.items() for a in (f"--feed-{key}", value)]
    done = batch(
        str(root / "in"),
        "--out",
        str(out),
        "--name",
        "{date}/{title}.{ext}",
        "--feed",
        BASE,
        *podcast,
        "--feed-explicit",
        "--report",
        str(root / "report.json"),
        "-j",
        "2",
    )
    assert done.returncode == 0, done.stderr
    return out, report(root / "report.json")


def _site(rendered, tmp_path: Path) -> Path:
    """A copy of the rendered bulletins (their files' times kept), without the feed."""
    out, _ = rendered
    folder = tmp_path / "site"
    shutil.copytree(out, folder, ignore=shutil.ignore_patterns(".broadcaster", "feed.xml"))
    return folder


def _feed(folder: Path, *args: str, base: str = BASE):
    done = invoke("feed", str(folder), "--base-url", base, *args)
    assert done.returncode == 0, done.stderr
    parsed = feedparser.parse((folder / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    return done, parsed


def test_batch_feed_lists_every_bulletin_newest_first(rendered):
    out, items = rendered
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "rss20"
    entries = parsed.entries
    assert [e.title for e in entries] == [f"Test Bulletin {n}" for n in (3, 2, 1)]
    assert [e.published_parsed[:3] for e in entries] == [(2026, 6, n) for n in (3, 2, 1)]
    for entry, number in zip(entries, (3, 2, 1), strict=True):
        item = items[f"bulletin-{number:02d}.txt"]
        mp3 = Path(item["output"])
        [enclosure] = entry.enclosures
        relative = f"2026-06-{number:02d}/Test%20Bulletin%20{number}.mp3"
        assert enclosure.href == f"{BASE}/{relative}"
        assert (int(enclosure.length), enclosure.type) == (mp3.stat().st_size, "audio/mpeg")
        manifest = json.loads(mp3.with_suffix(".json").read_text(encoding="utf-8"))
        hours, minutes, seconds = map(int, entry.itunes_duration.split(":"))
        # From the manifest, to the second.
        assert hours * 3600 + minutes * 60 + seconds == round(manifest["duration_s"])
        assert entry.summary == manifest["description"] == "Ferries"


def _itunes(feed: Path) -> dict[str, str]:
    """The channel's own itunes:author and itunes:explicit, read with ElementTree: feedparser
    gives the owner's name as the author when both are there, and knows explicit only as
    yes/clean (Apple's spec says true/false)."""
    channel = ElementTree.parse(feed).getroot().find("channel")
    return {name: channel.findtext(f"{{{ITUNES}}}{name}") for name in ("author", "explicit")}


def test_batch_feed_is_ready_for_podcast_directories(rendered):
    out, _ = rendered
    channel = feedparser.parse((out / "feed.xml").read_bytes()).feed
    assert (channel.title, channel.subtitle) == (PODCAST["title"], PODCAST["description"])
    assert channel.publisher_detail == {"name": "Newsdesk", "email": "news@example.org"}
    assert channel.image.href == PODCAST["image"]  # feedgen alone drops a .jpeg or a ?query
    assert [tag.term for tag in channel.tags] == ["News", "Daily News"]
    [self_link] = [link for link in channel.links if link.rel == "self"]
    assert self_link.href == f"{BASE}/feed.xml"
    assert channel.link == f"{BASE}/"
    assert _itunes(out / "feed.xml") == {"author": "Harbour Radio", "explicit": "true"}


def test_feed_defaults_name_the_station_and_are_not_explicit(rendered, tmp_path):
    folder = _site(rendered, tmp_path)
    done, parsed = _feed(folder)
    assert done.stdout == f"{folder / 'feed.xml'}: 3 bulletins\n"
    channel = parsed.feed
    assert (channel.title, channel.author) == ("News bulletins", "Test Radio")
    assert [tag.term for tag in channel.tags] == ["News", "Daily News"]
    assert "publisher_detail" not in channel and "image" not in channel
    assert _itunes(folder / "feed.xml") == {"author": "Test Radio", "explicit": "false"}


def test_manifest_gives_title_date_and_duration_and_feed_writes_elsewhere(rendered, tmp_path):
    folder = _site(rendered, tmp_path)
    mp3 = next(folder.rglob("Test Bulletin 1.mp3"))
    manifest = json.loads(mp3.with_suffix(".json").read_text())
    manifest |= {"title": "Morning edition", "date": "2026-07-01", "description": "Gates."}
    mp3.with_suffix(".json").write_text(json.dumps(manifest))
    elsewhere = tmp_path / "f.xml"
    done = invoke("feed", str(folder), "--base-url", BASE + "/", "-o", str(elsewhere))
    assert done.returncode == 0, done.stderr
    parsed = feedparser.parse(elsewhere.read_bytes())
    first = parsed.entries[0]
    assert (first.title, first.summary) == ("Morning edition", "Gates.")
    assert first.published_parsed[:3] == (2026, 7, 1)
    assert first.enclosures[0].href == f"{BASE}/2026-06-01/Test%20Bulletin%201.mp3"
    [self_link] = [link for link in parsed.feed.links if link.rel == "self"]
    assert self_link.href == f"{BASE}/f.xml"


def test_the_batch_and_the_feed_command_write_the_index_and_write_feed_does_not(rendered, tmp_path):
    out, _ = rendered
    assert "<h1>Harbour News</h1>" in (out / "index.html").read_text(encoding="utf-8")
    folder = _site(rendered, tmp_path)
    (folder / "index.html").unlink()
    assert feed.write_feed(folder, BASE, folder / "feed.xml") == 3
    assert not (folder / "index.html").exists()
    _feed(folder, "--title", "Harbour News")
    assert (folder / "index.html").read_text(encoding="utf-8") == (
        (out / "index.html").read_text(encoding="utf-8")
    )


def test_hourly_bulletins_keep_their_time_of_day_and_the_same_folder_gives_the_same_feed(
    rendered, tmp_path
):
    folder = _site(rendered, tmp_path)
    mp3 = next(folder.rglob("Test Bulletin 1.mp3"))
    for stale in folder.rglob("*"):
        if stale.is_file() and stale.parent != mp3.parent:
            stale.unlink()
    manifest = json.loads(mp3.with_suffix(".json").read_text())
    hours = {"07": "2026-06-01", "08": "2026-06-01", "09": "2026-06-01T09:30:00+09:00"}
    for hour, date in hours.items():
        copy = mp3.with_name(f"news-{hour}.mp3")
        shutil.copy(mp3, copy)
        audio = {**manifest["audio"], "file": copy.name}
        copy.with_suffix(".json").write_text(json.dumps({**manifest, "date": date, "audio": audio}))
        # Rendered at HH:05 local time; the 09 one says its own time.
        rendered_at = datetime(2026, 6, 1, int(hour), 5).timestamp()
        os.utime(copy, (rendered_at, rendered_at))
    for name in ("Test Bulletin 1.mp3", "Test Bulletin 1.json"):
        (mp3.parent / name).unlink()
    _, parsed = _feed(folder)
    first = (folder / "feed.xml").read_bytes()
    when = {
        Path(e.enclosures[0].href).name: datetime(*e.published_parsed[:6]) for e in parsed.entries
    }  # in UTC
    local = datetime(2026, 6, 1, 7, 5).astimezone().utcoffset()
    assert when == {
        "news-07.mp3": datetime(2026, 6, 1, 7, 5) - local,
        "news-08.mp3": datetime(2026, 6, 1, 8, 5) - local,
        "news-09.mp3": datetime(2026, 6, 1, 0, 30),
    }
    assert list(when.values()) == sorted(when.values(), reverse=True)  # newest first
    assert parsed.feed.updated_parsed == parsed.entries[0].published_parsed  # not "now"
    _feed(folder)
    assert (folder / "feed.xml").read_bytes() == first


def test_only_what_broadcaster_rendered_as_bulletins_is_published(rendered, tmp_path):
    folder = _site(rendered, tmp_path)
    real = sorted(folder.rglob("*.mp3"))
    sample = real[0]
    (folder / "voices").mkdir()
    shutil.copy(sample, folder / "voices" / "anchor.mp3")  # `voices --sample`: no manifest
    (folder / "previews").mkdir()
    shutil.copy(sample, folder / "previews" / "b-story-1.mp3")  # a preview: no manifest
    manifest = json.loads(sample.with_suffix(".json").read_text())

    def forged(name: str, data: bytes | None, names: str | None = None) -> None:
        path = folder / name
        if data is not None:
            path.write_bytes(data)
        audio = {**manifest["audio"], "file": names or name}
        path.with_suffix(".json").write_text(json.dumps({**manifest, "audio": audio}))

    forged("ls.mp3", Path("/bin/ls").read_bytes())  # a program renamed .mp3
    forged("empty.mp3", b"")
    forged("wave.mp3", None)
    subprocess.run(
        [find_ffmpeg(), "-v", "error", "-i", str(sample), "-f", "wav", str(folder / "wave.mp3")],
        check=True,
    )  # audio, but not what its name says
    shutil.copy(sample, folder / "other.mp3")
    forged("other.mp3", None, names=sample.name)  # its manifest describes another file
    shutil.copy(sample, folder / "long.mp3")
    forged("long.mp3", None)
    described = json.loads((folder / "long.json").read_text())
    (folder / "long.json").write_text(json.dumps({**described, "duration_s": 600}))  # not it
    _, parsed = _feed(folder)
    hrefs = sorted(unquote(urlsplit(e.enclosures[0].href).path) for e in parsed.entries)
    assert hrefs == sorted(f"/bulletins/{p.relative_to(folder).as_posix()}" for p in real)


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("https://news.example.org/my news", "https://news.example.org/my%20news/{}"),
        ("https://news.example.org/my%20news/", "https://news.example.org/my%20news/{}"),
        ("https://cdn.example.org/b?token=x y&v=2", "https://cdn.example.org/b/{}?token=x%20y&v=2"),
        ("https://news.example.org/b/#latest", "https://news.example.org/b/{}"),
        ("http://[::1]:8080/b", "http://[::1]:8080/b/{}"),
    ],
)
def test_enclosure_urls_are_built_with_a_url_library(rendered, tmp_path, base, expected):
    folder = _site(rendered, tmp_path)
    _, parsed = _feed(folder, base=base)
    relative = "2026-06-03/Test%20Bulletin%203.mp3"
    assert parsed.entries[0].enclosures[0].href == expected.format(relative)
    assert parsed.entries[0].id == expected.format(relative)


@pytest.mark.parametrize(
    ("args", "status", "says"),
    [
        (("--base-url", "ftp://x"), 2, "is not an http(s) URL"),
        (("--base-url", "https://"), 2, "is not an http(s) URL"),
        (("--base-url", "https://my host/x"), 2, "is not an http(s) URL"),
        (("--base-url", BASE, "-o", "/nonexistent/dir/feed.xml"), 1, "cannot write the feed"),
        (("--base-url", BASE, "--image", "ftp://x/c.jpg"), 2, "is not an http(s) URL"),
        (("--base-url", BASE, "--image", "https://x.org/c.gif"), 2, "is not a .jpg or .png"),
        (("--base-url", BASE, "--owner-email", "newsdesk"), 2, "is not an email address"),
        (("--base-url", BASE, "--category", "Newz"), 2, "is not a podcast category"),
        (("--base-url", BASE, "--category", "News/Daily/More"), 2, "is not a podcast category"),
    ],
)
def test_feed_errors(tmp_path, args, status, says):
    check_failure(invoke("feed", str(tmp_path), *args), status=status, says=says)
    assert list(tmp_path.iterdir()) == []


def test_batch_feed_options_are_checked_before_anything_runs(tmp_path):
    write_bulletins(tmp_path / "in", 1)
    out = tmp_path / "out"
    done = batch(str(tmp_path / "in"), "--out", str(out), "--feed", BASE, "--feed-image", "x.gif")
    check_failure(done, status=2, says="is not an http(s) URL")
    assert not out.exists()


def test_feed_options_without_feed_are_a_usage_error(tmp_path):
    write_bulletins(tmp_path / "in", 1)
    out = tmp_path / "out"
    done = batch(str(tmp_path / "in"), "--out", str(out), "--feed-title", "Harbour News")
    check_failure(done, status=2, says="add --feed BASE_URL")
    assert not out.exists()


def test_a_huge_json_beside_the_audio_is_never_read(rendered, tmp_path):
    folder = _site(rendered, tmp_path)
    sample = next(folder.rglob("*.mp3"))
    with sample.with_suffix(".json").open("wb") as huge:  # sparse: 4 GiB that cost no disk
        huge.truncate(4 * 2**30)
    limit = 2**30 + MANIFEST_BYTES  # address space: the feed's imports and more, not 4 GiB

    def bounded() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-m", "broadcaster", "feed", str(folder), "--base-url", BASE],
        capture_output=True, text=True, cwd=ROOT, preexec_fn=bounded, timeout=300,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"{folder / 'feed.xml'}: 2 bulletins\n"
