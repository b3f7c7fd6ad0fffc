"""Data safety of one render: silence costs no memory, a render never destroys what it was
not asked to replace (its transcript, another audio's sidecars), a full disk or a kill at
any instant leaves the previous files or the new ones as a set, and what a killed render
left behind is cleaned by the next one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from broadcaster import files
from broadcaster.export import find_ffmpeg
from tests.conftest import ROOT, run_cli

HEAD = "---\ntitle: River news\n---\n"
"""A producer script's front matter."""
SHORT = HEAD + "anchor: The river rose fast today. Crews worked through the night.\n"
"""A two-sentence producer script: a few seconds of speech."""
QUIET = ("--no-music", "--sidecars", "none")


def script(tmp_path: Path, text: str, name: str = "s.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def one_error(done, says: str, status: int = 1) -> None:
    """The command failed with one ``Error:`` line saying ``says``, and no traceback."""
    assert done.returncode == status, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1].startswith("Error: "), done.stderr
    assert says in done.stderr, done.stderr
    if status == 1:
        assert len(done.stderr.splitlines()) == 1, done.stderr


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def dead_pid() -> int:
    """The pid of a process that has ended (and so cannot own a temporary)."""
    done = subprocess.Popen([sys.executable, "-c", "pass"])
    done.wait()
    return done.pid


def aged(path: Path, seconds: float = 3600) -> Path:
    """``path`` last changed ``seconds`` ago."""
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)
    return path


# Item 1: silence costs no memory, and pause markers are bounded.


def peak_rss_mb(*args: str) -> float:
    """The peak resident memory (MB) of ``broadcaster ARGS`` run in a process of its own."""
    measure = (
        "import resource, subprocess, sys; "
        "done = subprocess.run([sys.executable, '-m', 'broadcaster', *sys.argv[1:]]); "
        "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", measure, *args], capture_output=True, text=True, cwd=ROOT
    )
    status, kib = done.stdout.split()
    assert status == "0", done.stderr
    return int(kib) / 1024


def test_half_an_hour_of_pauses_costs_no_memory(tmp_path):
    """180 markers of 10 s in a row are one 30-minute silence: streamed, it costs what a
    10-second one does (held whole as float samples, and oversampled by the meter, it
    took a render to 1.46 GB)."""
    short = script(tmp_path, HEAD + "anchor: The river rose. [pause 10s] Crews worked.\n", "short.txt")
    long = script(tmp_path, f"{HEAD}anchor: The river rose. {'[pause 10s]' * 180} Crews worked.\n")
    fixed = ("--format", "wav", "--sample-rate", "8000", *QUIET)
    baseline = peak_rss_mb("render", str(short), "-o", str(tmp_path / "short.wav"), *fixed)
    peak = peak_rss_mb("render", str(long), "-o", str(tmp_path / "long.wav"), *fixed)
    frames = (tmp_path / "long.wav").stat().st_size // 2
    assert frames / 8000 == pytest.approx(1800 + 3.3, abs=1.5)  # the pause and the words
    assert peak < baseline + 40, (baseline, peak)


def test_a_huge_pause_marker_is_cut_to_ten_seconds_with_a_warning(tmp_path):
    source = script(tmp_path, HEAD + "anchor: The river rose.\n[pause 99999s]\nCrews worked.\n")
    done = run_cli("render", str(source), "-o", str(tmp_path / "p.wav"), "--no-music", "-q")
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        "Warning: 1 marker is longer than 10 s and cut to 10 s: [pause 99999s] (line 5)\n"
    )
    manifest = json.loads((tmp_path / "p.json").read_text())
    first, second = manifest["segments"]
    gap = second["start_s"] - first["end_s"]
    assert gap == pytest.approx(10.0 + 0.35, abs=0.01)  # the marker after a sentence pause


def test_the_length_limit_counts_pauses(tmp_path):
    """5.8 hours of pauses and two sentences: too long, refused before any synthesis."""
    source = script(tmp_path, f"{HEAD}anchor: The river rose. {'[pause 10s]' * 2100} Crews worked.\n")
    out = tmp_path / "out"
    out.mkdir()
    done = run_cli("render", str(source), "-o", str(out / "p.mp3"))
    one_error(
        done,
        "the transcript is too long to render: 28 characters of speech and 350 minutes of "
        "pauses, about 6 hours (split it; one bulletin holds up to about 6 hours, pauses "
        "included)",
    )
    assert list(out.iterdir()) == []


# Item 14: malformed pause markers and control characters.

MALFORMED = HEAD + """anchor: The river rose [pause -1s] fast.
[pause .5s] Crews worked [pause 1e9s] through the night.
They rested [pause 5 min] at dawn [PAUSE] and [pause 5 s] left.
"""


def test_malformed_pause_markers_are_named_with_their_line_and_not_read(tmp_path):
    done = run_cli("inspect", str(script(tmp_path, MALFORMED)), "--json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        "Warning: 4 markers are not a pause marker and not read: [pause -1s] (line 4), "
        "[pause .5s] (line 5), [pause 1e9s] (line 5), [pause 5 min] (line 6) "
        "(write [pause], [pause 800ms] or [pause 1.5s])\n"
    )
    found = json.loads(done.stdout)
    texts = [s["text"] for s in found["segments"]]
    assert texts == [
        "The river rose fast. Crews worked through the night. They rested at dawn",
        "and",
        "left.",
    ]
    assert all("pause" not in s["spoken"] and "1" not in s["spoken"] for s in found["segments"])
    reasons = [(s["reason"], s["text"]) for s in found["skipped"]]
    assert [r for r in reasons if "pause" in r[0]] == [
        ("malformed pause", "[pause -1s]"),
        ("malformed pause", "[pause .5s]"),
        ("malformed pause", "[pause 1e9s]"),
        ("malformed pause", "[pause 5 min]"),
        ("pause", "[PAUSE]"),
        ("pause", "[pause 5 s]"),
    ]


ESCAPED = HEAD + (
    "anchor: The river rose \x1b[31mfast\x1b[0m today.\x9b1m Crews\x07 worked"
    "\x1b]0;a window title\x07 through the night.\x1bc\n"
)


def test_terminal_escapes_never_reach_captions_manifest_or_speech(tmp_path):
    """ESC[31m was read "31 meters" and written raw into the captions."""
    out = tmp_path / "e.wav"
    done = run_cli("render", str(script(tmp_path, ESCAPED)), "-o", str(out), "--no-music", "-q")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    manifest = json.loads(out.with_suffix(".json").read_text())
    (segment,) = manifest["segments"]
    words = "The river rose fast today. Crews worked through the night."
    assert segment["text"] == words
    assert segment["spoken"] == words
    for kind in ("vtt", "srt", "json"):
        text = out.with_suffix(f".{kind}").read_text()
        assert not any(unicodedata.category(c) == "Cc" and c != "\n" for c in text)
        assert "31" not in text and "window" not in text


# Item 2: a render never overwrites its own transcript.


@pytest.mark.parametrize("how", ["same path", "hard link", "symbolic link", "vtt", "json"])
def test_an_output_that_is_the_transcript_is_refused(tmp_path, how):
    name = {"vtt": "t.vtt", "json": "t.json"}.get(how, "t.txt")
    source = script(tmp_path, SHORT, name)
    output = {"same path": source, "vtt": tmp_path / "t.mp3", "json": tmp_path / "t.mp3"}
    target = output.get(how, tmp_path / "t.mp3")
    if how == "hard link":
        os.link(source, target)
    elif how == "symbolic link":
        target.symlink_to(source.name)
    before = listing(tmp_path)
    done = run_cli("render", str(source), "-o", str(target), "--format", "mp3")
    clash = source if how in ("vtt", "json") else target
    one_error(done, f"{clash} is the transcript itself: rendering would replace it")
    assert listing(tmp_path) == before
    assert source.read_text(encoding="utf-8") == SHORT


# Item 13: one stem in two formats; a name that says another format.


def test_a_second_format_of_one_stem_does_not_take_the_first_ones_sidecars(tmp_path):
    source = script(tmp_path, SHORT)
    out = tmp_path / "out"
    done = run_cli("render", str(source), "-o", str(out / "c.mp3"), "--no-music", "-q")
    assert done.returncode == 0, done.stderr
    first = listing(out)
    assert sorted(first) == ["c.json", "c.mp3", "c.srt", "c.vtt"]
    manifest = json.loads(first["c.json"])
    assert manifest["audio"]["file"] == "c.mp3"
    assert manifest["audio"]["bytes"] == len(first["c.mp3"])
    done = run_cli("render", str(source), "-o", str(out / "c.opus"), "--no-music")
    one_error(done, f"the sidecars beside {out / 'c.opus'} are {out / 'c.mp3'}'s")
    assert listing(out) == first
    done = run_cli("render", str(source), "-o", str(out / "c.opus"), *QUIET, "-q")
    assert done.returncode == 0, done.stderr
    assert sorted(listing(out)) == ["c.json", "c.mp3", "c.opus", "c.srt", "c.vtt"]


@pytest.mark.parametrize(
    ("args", "says", "status"),
    [
        (["--format", "wav", "-o", "c.mp3"], "c.mp3 is named as mp3 but the format asked "
         "for is wav (name it c.wav, or leave out --format)", 2),
        (["--format", "opus", "-o", "c.m4a"], "c.m4a is named as m4a", 2),
        (["--format", "mp3", "-o", "c.json"], "would be overwritten by its own .json sidecar", 1),
    ],
)  # fmt: skip
def test_a_name_that_says_another_format_is_refused(tmp_path, args, says, status):
    source = script(tmp_path, SHORT)
    args = [str(tmp_path / a) if a.startswith("c.") else a for a in args]
    done = run_cli("render", str(source), *args)
    one_error(done, says, status)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.txt"]


def test_an_extension_that_agrees_with_the_format_is_written(tmp_path):
    """``.ogg`` is Opus's own extension; an extension broadcaster does not know says nothing."""
    source = script(tmp_path, SHORT)
    for name, fmt in (("c.ogg", "opus"), ("c.bulletin", "wav")):
        done = run_cli("render", str(source), "-o", str(tmp_path / name), "--format", fmt, *QUIET)
        assert done.returncode == 0, done.stderr
        assert probe_format(tmp_path / name) == {"opus": "ogg", "wav": "wav"}[fmt]


def probe_format(path: Path) -> str:
    done = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=format_name", "-of", "csv=p=0",
         str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def test_a_batch_name_says_the_format_or_is_refused(tmp_path):
    """``--name "{stem}.wav"`` writes WAV; with ``--format mp3`` too, the bulletin fails."""
    source = script(tmp_path, SHORT)
    out = tmp_path / "out"
    out.mkdir()
    stale = out / f".s.wav.{dead_pid()}-abcdefgh.part"
    stale.write_bytes(b"half a bulletin")
    aged(stale)
    common = ("batch", str(source), "--out", str(out), "--jobs", "1", "--quiet", "--no-music")
    done = run_cli(*common, "--name", "{stem}.wav")
    assert done.returncode == 0, done.stderr
    assert probe_format(out / "s.wav") == "wav"
    assert not stale.exists()  # what a killed render left is swept by the batch
    done = run_cli(*common, "--name", "{stem}.wav", "--format", "mp3", "--force")
    assert done.returncode == 1
    assert "s.wav is named as wav but the format asked for is mp3" in done.stderr
