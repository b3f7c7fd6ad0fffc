"""The podcast feed, parsed back with feedparser: from tags, from a manifest, after a batch."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import feedparser
import pytest

from tests.batching import batch, report, write_bulletins
from tests.conftest import run_cli
from tests.test_errors import check_failure

BASE = "https://news.example.org/bulletins"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Three bulletins rendered by a batch that also writes the feed."""
    root = tmp_path_factory.mktemp("feed")
    write_bulletins(root / "in", 3)
    out = root / "out"
    done = batch(
        str(root / "in"),
        "--out",
        str(out),
        "--name",
        "{date}/{title}.{ext}",
        "--feed",
        BASE,
        "--report",
        str(root / "report.json"),
        "-j",
        "2",
    )
    assert done.returncode == 0, done.stderr
    return out, report(root / "report.json")


def test_batch_feed_lists_every_bulletin_newest_first(rendered):
    out, items = rendered
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "rss20"
    assert parsed.feed.title == "News bulletins"
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


def test_manifest_wins_over_tags_and_feed_command_writes_elsewhere(rendered, tmp_path):
    out, _ = rendered
    folder = tmp_path / "site"
    shutil.copytree(out, folder, ignore=shutil.ignore_patterns(".broadcaster", "feed.xml"))
    mp3 = next(folder.rglob("Test Bulletin 1.mp3"))
    manifest = {
        "title": "Morning edition",
        "date": "2026-07-01",
        "duration_s": 3725.4,
        "description": "Ferries, gates and a late start.",
    }
    mp3.with_suffix(".json").write_text(json.dumps(manifest))
    done = run_cli(
        "feed", str(folder), "--base-url", BASE + "/", "-o", str(tmp_path / "f.xml"), "--title", "T"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{tmp_path / 'f.xml'}: 3 bulletins\n"
    parsed = feedparser.parse((tmp_path / "f.xml").read_bytes())
    assert parsed.feed.title == "T"
    first = parsed.entries[0]
    assert (first.title, first.summary) == ("Morning edition", manifest["description"])
    assert first.published_parsed[:3] == (2026, 7, 1)
    assert first.itunes_duration == "1:02:05"
    assert first.enclosures[0].href == f"{BASE}/2026-06-01/Test%20Bulletin%201.mp3"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--base-url", "ftp://x"), "is not an http(s) URL"),
        (("--base-url", BASE, "-o", "/nonexistent/dir/feed.xml"), "cannot write the feed"),
    ],
)
def test_feed_errors(tmp_path, args, says):
    check_failure(run_cli("feed", str(tmp_path), *args), says=says)
