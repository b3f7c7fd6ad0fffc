"""End to end with the real engine and the real ffmpeg: the MP3 read back."""

from __future__ import annotations

import json
import subprocess

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from broadcaster.export import find_ffmpeg
from tests.conftest import EXAMPLES, KBS, decode, run_cli


@pytest.fixture(scope="module")
def corpus_mp3(tmp_path_factory):
    out = tmp_path_factory.mktemp("render") / "kbs.mp3"
    done = run_cli("render", str(KBS), "-o", str(out), "--json")
    assert done.returncode == 0, done.stderr
    return out, json.loads(done.stdout)


def test_render_reports_json(corpus_mp3):
    out, report = corpus_mp3
    assert report["output"] == str(out)
    assert report["segments"] == 2
    assert 100 < report["duration_s"] < 150  # "roughly two minutes"


def test_duration_from_sample_counts(corpus_mp3):
    out, report = corpus_mp3
    samples = len(decode(out)) // 2
    # The decoder trims the encoder's delay and padding (LAME tag): within 50 ms.
    assert samples / 44100 == pytest.approx(report["duration_s"], abs=0.05)


def test_ffmpeg_reads_a_valid_mp3(corpus_mp3):
    out, _ = corpus_mp3
    done = subprocess.run(
        [find_ffmpeg(), "-v", "error", "-i", str(out), "-f", "null", "-"],
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stderr) == (0, "")
    info = MP3(out).info
    assert (info.sample_rate, info.channels, info.bitrate) == (44100, 1, 128000)


def test_tags(corpus_mp3):
    out, _ = corpus_mp3
    tags = ID3(out)
    assert str(tags["TIT2"]) == "KBS World Radio News, 2025-02-19"
    assert str(tags["TPE1"]) == "KBS World Radio"
    assert str(tags["TDRC"]) == "2025-02-19"
    assert str(tags["TCON"]) == "Speech"
    comments = [str(frame) for frame in tags.getall("COMM")]
    assert comments == ["Rendered by broadcaster from kbs-radio-2025-02-19.txt"]


def test_chapters_tile_the_programme(corpus_mp3):
    out, report = corpus_mp3
    tags = ID3(out)
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    titles = [str(c.sub_frames["TIT2"]) for c in chapters]
    assert titles == ["Story 1: anchor", "Story 1: reporter (Choi You Sun)"]
    assert chapters[0].start_time == 0
    assert chapters[0].end_time == chapters[1].start_time
    assert chapters[1].end_time == pytest.approx(report["duration_s"] * 1000, abs=1)
    assert len(tags.getall("CTOC")) == 1


def test_anchor_and_reporter_sections_have_speech_where_chapters_say(corpus_mp3):
    out, _ = corpus_mp3
    pcm = decode(out, rate=8000)
    chapters = sorted(ID3(out).getall("CHAP"), key=lambda c: c.start_time)
    reporter_start = chapters[1].start_time * 8  # samples at 8 kHz
    before = pcm[(reporter_start - 4000) * 2 : (reporter_start - 800) * 2]
    after = pcm[reporter_start * 2 : (reporter_start + 8000) * 2]
    assert max(before) == 0 or _peak(before) < 200  # the pause before the reporter
    assert _peak(after) > 3000  # the reporter speaking


def _peak(pcm: bytes) -> int:
    import array

    samples = array.array("h", pcm)
    return max(abs(s) for s in samples)


def test_example_renders_with_stories_and_default_output(tmp_path):
    done = run_cli("render", str(EXAMPLES / "kbs-radio-rail-strike.txt"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("output/kbs-radio-rail-strike.mp3  1:")
    assert [line.split(maxsplit=1)[1] for line in lines[1:]] == [
        "Story 1: anchor",
        "Story 1: reporter (Park Ji-won)",
        "Story 2: anchor",
        "Story 3: anchor",
        "Story 3: reporter (Kim Seo-yeon)",
    ]
    assert sorted(p.name for p in (tmp_path / "output").iterdir()) == ["kbs-radio-rail-strike.mp3"]


def test_quiet_prints_only_the_path(tmp_path):
    done = run_cli("render", str(KBS), "-o", str(tmp_path / "q.mp3"), "-q")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{tmp_path / 'q.mp3'}  2:")
    assert len(done.stdout.splitlines()) == 1
