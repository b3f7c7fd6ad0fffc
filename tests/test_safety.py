"""Data safety of one render: silence costs no memory, a render never destroys what it was
not asked to replace (its transcript, another audio's sidecars), a full disk or a kill at
any instant leaves the previous files or the new ones as a set, and what a killed render
left behind is cleaned by the next one."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from broadcaster import atomic
from broadcaster.ffmpeg import find_ffmpeg
from broadcaster.output import files
from tests.helpers.cli import check_failure, invoke, run_cli
from tests.helpers.paths import KBS, ROOT

HEAD = "---\ntitle: River news\n---\n"
"""A producer script's front matter."""
SHORT = HEAD + "anchor: The river rose fast today. Crews worked through the night.\n"
"""A two-sentence producer script: a few seconds of speech."""
QUIET = ("--no-music", "--sidecars", "none")


def script(tmp_path: Path, text: str, name: str = "s.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


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


def paused(markers: int) -> str:
    """Two sentences with ``markers`` markers of 10 s between them."""
    return f"{HEAD}anchor: The river rose. {'[pause 10s]' * markers} Crews worked.\n"


def peak_rss_mb(*args: str) -> float:
    """The peak resident memory (MB) of ``broadcaster ARGS`` run in a process of its own."""
    measure = (
        "import resource, subprocess, sys; "
        "done = subprocess.run([sys.executable, '-m', 'broadcaster', *sys.argv[1:]], "
        "stdout=subprocess.DEVNULL); "
        "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", measure, *args], capture_output=True, text=True, cwd=ROOT
    )
    status, kib = done.stdout.split()
    assert status == "0", done.stderr
    return int(kib) / 1024


def test_a_quarter_of_an_hour_of_pauses_costs_no_memory(tmp_path):
    """90 markers of 10 s in a row are one 15-minute silence: streamed, it costs what a
    10-second one does (held whole as float samples, and oversampled by the meter, half
    an hour of it took a render to 1.46 GB)."""
    short, long = script(tmp_path, paused(1), "short.txt"), script(tmp_path, paused(90))
    fixed = ("--format", "wav", "--sample-rate", "8000", *QUIET)
    baseline = peak_rss_mb("render", str(short), "-o", str(tmp_path / "short.wav"), *fixed)
    peak = peak_rss_mb("render", str(long), "-o", str(tmp_path / "long.wav"), *fixed)
    longer = (tmp_path / "long.wav").stat().st_size - (tmp_path / "short.wav").stat().st_size
    assert longer / 2 / 8000 == pytest.approx(890, abs=0.001)  # 16-bit mono at 8 kHz
    assert peak < baseline + 40, (baseline, peak)


def test_a_huge_pause_marker_is_cut_to_ten_seconds_with_a_warning(tmp_path):
    source = script(tmp_path, HEAD + "anchor: The river rose.\n[pause 99999s]\nCrews worked.\n")
    done = invoke("render", str(source), "-o", str(tmp_path / "p.wav"), "--no-music", "-q")
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
    source = script(tmp_path, paused(2100))
    out = tmp_path / "out"
    out.mkdir()
    done = invoke("render", str(source), "-o", str(out / "p.mp3"))
    check_failure(
        done,
        quiet=False,
        says="the transcript is too long to render: 28 characters of speech and 350 minutes of "
        "pauses, about 6 hours (split it; one bulletin holds up to about 6 hours, pauses "
        "included)",
    )
    assert list(out.iterdir()) == []


# Item 14: malformed pause markers and control characters.

MALFORMED = (
    HEAD
    + """anchor: The river rose [pause -1s] fast.
[pause .5s] Crews worked [pause 1e9s] through the night.
They rested [pause 5 min] at dawn [PAUSE] and [pause 5 s] left.
"""
)


def test_malformed_pause_markers_are_named_with_their_line_and_not_read(tmp_path):
    done = invoke("inspect", str(script(tmp_path, MALFORMED)), "--json")
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
    done = invoke("render", str(script(tmp_path, ESCAPED)), "-o", str(out), "--no-music", "-q")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    manifest = json.loads(out.with_suffix(".json").read_text())
    (segment,) = manifest["segments"]
    words = "The river rose fast today. Crews worked through the night."
    assert segment["text"] == words
    assert segment["spoken"] == words
    shown = [segment["text"], segment["spoken"], *(s["text"] for s in segment["sentences"])]
    for kind in ("vtt", "srt", "json"):
        text = out.with_suffix(f".{kind}").read_text()
        assert not any(unicodedata.category(c) == "Cc" and c != "\n" for c in text)
        if kind != "json":  # the manifest names paths and a hash, which may hold a 31
            shown.append(text)
    assert not any("31" in words or "window" in words for words in shown)


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
    done = invoke("render", str(source), "-o", str(target), "--format", "mp3")
    clash = source if how in ("vtt", "json") else target
    check_failure(
        done, says=f"{clash} is the transcript itself: rendering would replace it", quiet=False
    )
    assert listing(tmp_path) == before
    assert source.read_text(encoding="utf-8") == SHORT


def test_a_preview_onto_the_transcript_is_refused(tmp_path):
    source = script(tmp_path, SHORT, "t.mp3")
    done = invoke("preview", str(source), "--section", "1", "-o", str(source))
    check_failure(
        done, says=f"{source} is the transcript itself: rendering would replace it", quiet=False
    )
    assert source.read_text(encoding="utf-8") == SHORT


# Item 13: one stem in two formats; a name that says another format.


def test_a_second_format_of_one_stem_does_not_take_the_first_ones_sidecars(tmp_path):
    source = script(tmp_path, SHORT)
    out = tmp_path / "out"
    done = invoke("render", str(source), "-o", str(out / "c.mp3"), "--no-music", "-q")
    assert done.returncode == 0, done.stderr
    first = listing(out)
    assert sorted(first) == ["c.html", "c.json", "c.mp3", "c.srt", "c.vtt"]
    manifest = json.loads(first["c.json"])
    assert manifest["audio"]["file"] == "c.mp3"
    assert manifest["audio"]["bytes"] == len(first["c.mp3"])
    done = invoke("render", str(source), "-o", str(out / "c.opus"), "--no-music")
    check_failure(
        done, says=f"the sidecars beside {out / 'c.opus'} are {out / 'c.mp3'}'s", quiet=False
    )
    assert listing(out) == first
    done = invoke("render", str(source), "-o", str(out / "c.opus"), *QUIET, "-q")
    assert done.returncode == 0, done.stderr
    assert sorted(listing(out)) == ["c.html", "c.json", "c.mp3", "c.opus", "c.srt", "c.vtt"]


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
    done = invoke("render", str(source), *args)
    check_failure(done, status=status, says=says, quiet=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.txt"]


def test_an_extension_that_agrees_with_the_format_is_written(tmp_path):
    """``.ogg`` is Opus's own extension; an extension broadcaster does not know says nothing."""
    source = script(tmp_path, SHORT)
    for name, fmt in (("c.ogg", "opus"), ("c.bulletin", "wav")):
        done = invoke("render", str(source), "-o", str(tmp_path / name), "--format", fmt, *QUIET)
        assert done.returncode == 0, done.stderr
        assert probe_format(tmp_path / name) == {"opus": "ogg", "wav": "wav"}[fmt]


def probe_format(path: Path) -> str:
    """The container ffmpeg finds in ``path`` (``ogg``, ``wav``): read by ffmpeg, as the
    ffmpeg wheel has no ffprobe (a without-system-audio run failed here)."""
    done = subprocess.run([find_ffmpeg(), "-hide_banner", "-i", str(path)],
                          capture_output=True, text=True)  # fmt: skip
    found = re.search(r"^Input #0, (\w+), from", done.stderr, re.M)
    assert found, done.stderr
    return found.group(1)


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


# Item 6: signals, a kill at any instant, and what killed renders left behind.

STALLING_FFMPEG = """#!/bin/sh
# The real ffmpeg, but the bulletin's encode (the one run with -y) writes a little, says
# it has begun, and hangs: the render is stopped in the middle of it.
case " $* " in
  *" -y "*) for last; do :; done; printf 'half an mp3' > "$last"; : > "{ready}"; exec sleep 600;;
esac
exec "{ffmpeg}" "$@"
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_a_render_and_leaves_the_previous_files(tmp_path, signum):
    """Stopped mid-encode: one Error line, exit 128 + N as a batch, the previous bulletin's
    four files as they were, no temporary beside them nor in the temporary folder."""
    ready = tmp_path / "encoding"
    ffmpeg = tmp_path / "ffmpeg"
    ffmpeg.write_text(STALLING_FFMPEG.format(ready=ready, ffmpeg=find_ffmpeg()))
    ffmpeg.chmod(0o755)
    out, scratch = tmp_path / "out", tmp_path / "tmp"
    out.mkdir()
    scratch.mkdir()
    for kind in ("mp3", "vtt", "srt", "json"):
        (out / f"b.{kind}").write_text(f"yesterday's {kind}")
    before = listing(out)
    render = subprocess.Popen(
        [sys.executable, "-m", "broadcaster", "render", str(KBS), "-o", str(out / "b.mp3")],
        cwd=ROOT, env={**os.environ, "BROADCASTER_FFMPEG": str(ffmpeg), "TMPDIR": str(scratch)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    while not ready.exists():  # waits for the encode to begin, however long that takes
        assert render.poll() is None, render.communicate()
        time.sleep(0.05)
    render.send_signal(signum)
    stdout, stderr = render.communicate(timeout=120)
    assert (render.returncode, stdout) == (128 + signum, "")
    assert stderr == f"Error: stopped by {signum.name}\n"
    assert listing(out) == before
    assert list(scratch.iterdir()) == []


KILLED = """
import os, signal, sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from broadcaster.output import files

folder, at = Path(sys.argv[1]), int(sys.argv[2])
calls = 0

def killing(real):
    def call(*args, **kwargs):
        global calls
        calls += 1
        if calls == at:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return call

for owner, name in ((os, "replace"), (os, "open"), (Path, "write_text"), (Path, "unlink")):
    setattr(owner, name, killing(getattr(owner, name)))
with files.fileset() as staged:
    for kind in ("mp3", "vtt", "srt", "json"):
        files.write_text(staged, folder / f"b.{kind}", f"today's {kind}")
print(calls)
"""


def test_a_kill_at_any_instant_leaves_one_whole_set_once_swept(tmp_path):
    """SIGKILL before each file operation of writing a set of four files (and after the
    last): the folder then holds yesterday's set, today's, or a journal from which the
    next render's sweep makes today's; never a mixture, never a temporary."""
    old = {f"b.{k}": f"yesterday's {k}".encode() for k in ("json", "mp3", "srt", "vtt")}
    new = {name: data.replace(b"yesterday", b"today") for name, data in old.items()}
    seen = []
    at = 1
    while True:
        folder = tmp_path / str(at)
        folder.mkdir()
        for name, data in old.items():
            (folder / name).write_bytes(data)
        done = subprocess.run(
            [sys.executable, "-c", KILLED, str(folder), str(at)], capture_output=True, cwd=ROOT
        )
        killed = done.returncode == -signal.SIGKILL
        assert killed or done.returncode == 0, done.stderr
        before_sweep = listing(folder)
        files.sweep(folder, time.time())
        assert listing(folder) in (old, new), (at, sorted(before_sweep))
        seen.append((listing(folder) == new, before_sweep in (old, new)))
        if not killed:
            break
        at += 1
    assert at == int(done.stdout) + 1 > 12  # every operation was a place to die
    assert seen[0] == (False, True)  # killed before anything: yesterday's set untouched
    assert (False, False) in seen  # temporaries left, which the sweep removed
    assert (True, False) in seen  # a journal left, from which the sweep made today's set
    assert seen[-1] == (True, True)


KILLED_ALONE = """
import os, signal, sys
from pathlib import Path
from broadcaster.atomic import replacing

with replacing(Path(sys.argv[1])) as path:
    path.write_text("half of today's report")
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_file_written_alone_is_yesterdays_or_todays(tmp_path):
    """A batch's report, stamp or feed (no journal): a failure or a SIGKILL in the middle
    leaves yesterday's file, and what a kill left is the next sweep's to remove."""
    target = tmp_path / "report.json"
    target.write_text("yesterday's report")
    with pytest.raises(RuntimeError), atomic.replacing(target) as path:
        path.write_text("half of today's report")
        raise RuntimeError("failed while writing")
    assert listing(tmp_path) == {"report.json": b"yesterday's report"}
    done = subprocess.run([sys.executable, "-c", KILLED_ALONE, str(target)], cwd=ROOT)
    assert done.returncode == -signal.SIGKILL
    assert len(listing(tmp_path)) == 2
    files.sweep(tmp_path, time.time())
    assert listing(tmp_path) == {"report.json": b"yesterday's report"}
    atomic.write_atomic(target, b"today's report")
    assert listing(tmp_path) == {"report.json": b"today's report"}
    mask = os.umask(0o022)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask


def test_the_next_render_sweeps_only_what_dead_renders_left(tmp_path):
    """Into the same folder: a dead render's partials and its journal (whose set it
    completes), and in the temporary folder its scratch folders; never a live render's,
    one changed since the render began, nor a user's file."""
    out, scratch = tmp_path / "out", tmp_path / "tmp"
    out.mkdir()
    scratch.mkdir()
    dead, alive = dead_pid(), os.getpid()
    audio, captions = f".c.mp3.{dead}-aaaaaaaa.part", f".c.vtt.{dead}-vvvvvvvv.part"
    leftovers = {
        "c.mp3": b"yesterday's audio",
        "c.vtt": b"yesterday's captions",
        audio: b"today's audio",
        captions: b"today's captions",
        f".c.mp3.{dead}-jjjjjjjj.set": json.dumps([[captions, "c.vtt"], [audio, "c.mp3"]]),
        f".b.mp3.{dead}-bbbbbbbb.part": b"half a bulletin",
        f".e.mp3.{dead}-eeeeeeee.part": b"half",  # and a journal naming other targets:
        f".e.mp3.{dead}-hhhhhhhh.set": json.dumps(
            [
                [f".e.mp3.{dead}-eeeeeeee.part", "../victim.txt"],
                [f".e.mp3.{dead}-eeeeeeee.part", "other.mp3"],
                ["e.vtt", "e.mp3"],
            ]
        ),
        f".report.json.{dead}-rrrrrrrr.part": b"half a batch report",
    }
    kept = {
        ".b.mp3.abcdefgh.part": b"no pid: not ours",
        ".notes.part": b"a user's",
        "x.part": b"a user's",
        f".b.mp3.{alive}-cccccccc.part": b"a live render's",
    }
    for name, data in {**leftovers, **kept}.items():
        (out / name).write_bytes(data.encode() if isinstance(data, str) else data)
        aged(out / name)
    newer = out / f".b.mp3.{dead}-dddddddd.part"
    newer.write_bytes(b"changed after the render began")
    aged(newer, -3600)
    folders = {
        "broadcaster-abcd1234": ("probe.mp3", True),
        f"broadcaster-{dead}-abcd1234": ("s.mp3", True),
        f"broadcaster-{alive}-abcd1234": ("s.mp3", False),
        "broadcaster-abcd12345": ("probe.mp3", False),  # not a name tempfile gives
        "broadcaster-wxyz6789": ("notes.odt", False),  # not a file a render makes
        "broadcaster-recent12": ("probe.mp3", False),  # changed a moment ago
    }
    for name, (inside, _) in folders.items():
        (scratch / name).mkdir()
        (scratch / name / inside).write_bytes(b"x")
        if name != "broadcaster-recent12":
            aged(scratch / name / inside)
            aged(scratch / name)
    done = run_cli(
        "render", str(script(tmp_path, SHORT)), "-o", str(out / "s.wav"), *QUIET, "-q",
        env={"TMPDIR": str(scratch)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert listing(out) == {
        "c.mp3": b"today's audio",
        "c.vtt": b"today's captions",
        "s.wav": (out / "s.wav").read_bytes(),
        newer.name: newer.read_bytes(),
        **kept,
    }
    assert not (tmp_path / "victim.txt").exists()
    left = sorted(p.name for p in scratch.iterdir())
    assert left == sorted(name for name, (_, swept) in folders.items() if not swept)


# Item 5: a full disk.


@contextmanager
def small_disk(folder: Path, kib: int) -> Iterator[Path]:
    """A file system of ``kib`` KiB of its own (tmpfs: needs root), mounted at ``folder``."""
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={kib}k", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode:
        pytest.skip(f"cannot mount a small file system: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk_is_one_error_and_leaves_nothing(tmp_path):
    """Disks a page or more too small for the audio, its tags and chapters, each sidecar
    and the journal: every render either writes the whole set or fails in one line and
    leaves nothing at all. (The MP3's tags, and the sidecars once the audio was in place,
    used to fail with tracebacks.)"""
    source = script(tmp_path, SHORT)
    args = ("render", str(source), "--no-music", "-q")
    done = invoke(*args, "-o", str(tmp_path / "b.mp3"))
    assert done.returncode == 0, done.stderr
    pages = {p.name: -(-p.stat().st_size // 4096) for p in tmp_path.glob("b.*")}
    audio, whole = pages["b.mp3"], sum(pages.values())
    errors = set()
    for kib in range(4 * (audio - 2), 4 * (whole + 2), 4):
        with small_disk(tmp_path / f"disk{kib}", kib) as disk:
            done = invoke(*args, "-o", str(disk / "b.mp3"))
            if done.returncode == 0:
                assert sorted(p.name for p in disk.iterdir()) == [
                    "b.html",
                    "b.json",
                    "b.mp3",
                    "b.srt",
                    "b.vtt",
                ]
                continue
            check_failure(done, says="No space left on device", quiet=False)
            assert list(disk.iterdir()) == []
            errors.add(done.stderr.replace(f"{disk}/", "").split(":")[1].strip())
    sidecar = {f"cannot write b.{kind}" for kind in ("vtt", "srt", "json", "html")}
    # The audio's own failure: Debian's ffmpeg 5.1 ends an MP3 cut short by ENOSPC with
    # status 0, and the tags cannot then be added; another ffmpeg may report it itself.
    audio = {"cannot write b.mp3", "ffmpeg failed to encode"}
    assert sidecar < errors <= sidecar | audio


@pytest.mark.parametrize("fmt", ["mp3", "wav", "flac", "opus", "m4a"])
def test_a_disk_too_small_for_the_audio_fails_at_the_encode(tmp_path, fmt):
    """Debian's ffmpeg 5.1 ends an MP3, FLAC, Opus or M4A that ENOSPC cut short with
    status 0: the encode must fail there, not later (an M4A's chapters then failed in
    two lines, other formats' tags by luck)."""
    with small_disk(tmp_path / "tiny", 16) as disk:
        done = invoke("render", str(script(tmp_path, SHORT)), "-o", str(disk / f"b.{fmt}"))
        check_failure(done, says="ffmpeg failed to encode: ", quiet=False)
        assert done.stderr.endswith(
            ": No space left on device (free some space, or write elsewhere with -o)\n"
        )
        assert list(disk.iterdir()) == []


def test_a_stop_between_two_renames_completes_the_set(tmp_path, monkeypatch):
    """A signal raises in the middle of the renames (here: before the second): the
    others are made all the same, so the set is today's, whole, with no journal."""
    (tmp_path / "b.mp3").write_text("yesterday's audio")
    (tmp_path / "b.vtt").write_text("yesterday's captions")
    replace, calls = os.replace, []

    def interrupted(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise KeyboardInterrupt
        replace(source, target)

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt), files.fileset() as staged:
        files.write_text(staged, tmp_path / "b.mp3", "today's audio")
        files.write_text(staged, tmp_path / "b.vtt", "today's captions")
    assert listing(tmp_path) == {"b.mp3": b"today's audio", "b.vtt": b"today's captions"}
    assert calls == [tmp_path / "b.vtt", tmp_path / "b.mp3", tmp_path / "b.mp3"]


def test_an_output_that_is_a_pipe_or_a_device_is_refused(tmp_path):
    """Renaming the finished file over ``-o /dev/null`` would replace the device (as root)."""
    fifo = tmp_path / "pipe.mp3"
    os.mkfifo(fifo)
    done = invoke("render", str(script(tmp_path, SHORT)), "-o", str(fifo))
    check_failure(
        done,
        says=f"{fifo} is not a regular file (give a file name, or -o - for standard output)",
        quiet=False,
    )
    assert fifo.is_fifo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.mp3", "s.txt"]


def test_a_batch_never_renders_over_its_own_transcript(tmp_path):
    """``batch src --out src --name "{stem}.txt"`` used to replace the transcript with its
    audio; the bulletin now fails as a render does, and the transcript stays."""
    (tmp_path / "src").mkdir()
    source = script(tmp_path / "src", SHORT, "a.txt")
    before = source.read_bytes()
    args = ("batch", str(source.parent), "--out", str(source.parent), "--format", "mp3")
    done = run_cli(*args, "--name", "{stem}.txt", "--cache-dir", str(tmp_path / "cache"))
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "is the transcript itself" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert source.read_bytes() == before


def shown(folder: Path) -> dict[str, bytes]:
    """The bulletins' files in ``folder`` (not the batch's own ``.broadcaster``; the
    archive's index.html is named, not compared: a run writes it anew)."""
    found = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
    return found | {"index.html": b""} if "index.html" in found else found


def test_a_batch_in_a_second_format_does_not_take_the_first_ones_sidecars(tmp_path):
    (tmp_path / "src").mkdir()
    source = script(tmp_path / "src", SHORT, "a.txt")
    out, cache = tmp_path / "out", ("--cache-dir", str(tmp_path / "cache"))
    done = run_cli("batch", str(source.parent), "--out", str(out), *cache)
    assert done.returncode == 0, done.stderr
    first = shown(out)
    assert sorted(first) == ["a.html", "a.json", "a.mp3", "a.srt", "a.vtt", "index.html"]
    done = run_cli("batch", str(source.parent), "--out", str(out), "--format", "opus", *cache)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "the sidecars beside" in done.stderr and "Traceback" not in done.stderr
    assert shown(out) == first


def test_an_output_name_too_long_for_the_file_system_is_one_error(tmp_path):
    source = script(tmp_path, SHORT)
    done = invoke("render", str(source), "-o", str(tmp_path / ("y" * 300 + ".mp3")), *QUIET)
    check_failure(done, says="a file name over 230 bytes", quiet=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.txt"]
