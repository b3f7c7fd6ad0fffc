"""What the files say, read back by third-party readers: loudness on target in every
format, the same bytes every run, chapters in time order, M4A ready to stream."""

from __future__ import annotations

import hashlib
import re
import subprocess
import threading
from concurrent.futures import Future
from pathlib import Path

import numpy as np
import pytest

from broadcaster.ffmpeg import find_ffmpeg
from broadcaster.output import export
from broadcaster.render import Options, prepare, story_titles, synthesize
from broadcaster.sound import mix
from broadcaster.sound.music import sound_for
from tests.helpers.audio import decode, ebur128
from tests.helpers.cli import invoke, run_cli
from tests.helpers.paths import EXAMPLES, KBS

HARBOUR = EXAMPLES / "producer-harbour-evening.txt"
THREE_STORIES = """---
title: Three Stories
date: 2026-06-12
station: Harbour City Radio
---
## The longest headline of the three comes first
anchor: The ferry fares go up next month.
## A shorter one
anchor: The library reopens on Saturday.
## Short
anchor: Rain is expected tonight.
"""
"""Headlines that grow shorter: mutagen, sorting frames by size, stored them last first."""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def chapters(path: Path) -> list[tuple[int, int, str]]:
    """(start ms, end ms, title) of each chapter as ffmpeg reads them, in the file's order."""
    meta = subprocess.run(
        [find_ffmpeg(), "-v", "error", "-i", str(path), "-f", "ffmetadata", "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    blocks = meta.split("[CHAPTER]")[1:]
    found = []
    for block in blocks:
        scale = re.search(r"TIMEBASE=1/(\d+)", block).group(1)
        start, end = (int(re.search(rf"{k}=(\d+)", block).group(1)) for k in ("START", "END"))
        title = re.search(r"title=(.*)", block).group(1)
        found.append((start * 1000 // int(scale), end * 1000 // int(scale), title))
    return found


def _cli_render(script: Path, out: Path, *extra: str) -> None:
    """A render in a process of its own: eSpeak reads a text a few samples apart from one
    call to the next within a process, never from one process to the next."""
    done = run_cli("render", str(script), "-o", str(out), "--sidecars", "none", *extra)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def three(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("three")
    script = folder / "three.txt"
    script.write_text(THREE_STORIES, encoding="utf-8")
    out = folder / "three.mp3"
    _cli_render(script, out)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("fmt", list(export.FORMATS))
def test_every_format_decodes_on_target_and_every_run_gives_the_same_bytes(fmt, tmp_path):
    """The decoded file within 0.3 LU of -16 and of -23 (MP3 measured -16.4 and -23.4
    when the codec's makeup reached only part of the programme); a second run, the same
    file (Opus differed every run: a random Ogg serial number)."""
    for target in ("-16", "-23"):
        out = tmp_path / f"h{target}.{fmt}"
        _cli_render(HARBOUR, out, "--loudness", target)
        assert ebur128(out)[0] == pytest.approx(float(target), abs=0.3)
    again = tmp_path / f"again.{fmt}"
    _cli_render(HARBOUR, again, "--loudness", "-23")
    assert _digest(again) == _digest(tmp_path / f"h-23.{fmt}")


@pytest.mark.slow
def test_the_corpus_in_mp3_three_times_is_one_file_on_target(tmp_path):
    outs = [tmp_path / f"kbs{n}.mp3" for n in range(3)]
    for out in outs:
        _cli_render(KBS, out, "--loudness", "broadcast")
    assert len({_digest(out) for out in outs}) == 1
    assert ebur128(outs[0])[0] == pytest.approx(-23.0, abs=0.3)


def test_the_makeup_applies_at_the_same_point_however_late_the_probe_answers(engine):
    """The codec probe answers on a thread; its answer was applied to whichever part the
    mixer had reached by then, so two runs differed. Mixed from the same speech, a makeup
    known from the start and one that comes only with the sink's 12th write (or after
    2 s, once nothing is written before it) must give the same samples, all of them
    above the target by the whole makeup."""
    prepared = prepare(HARBOUR, engine=engine)
    default = Options()
    sound = sound_for(default.loudness, default.pauses, default.stings, default.bed,
                      prepared.folder)  # fmt: skip
    speech = list(synthesize(prepared, engine))
    titles = story_titles(prepared.bulletin)
    mixed = {}
    for name in ("soon", "late"):
        makeup: Future = Future()
        written: list[np.ndarray] = []

        def answer(makeup=makeup) -> None:
            if not makeup.done():
                makeup.set_result(0.5)

        def sink(samples, written=written, answer=answer) -> None:
            written.append(samples)
            if len(written) == 12:
                answer()

        late = threading.Timer(2.0, answer)
        if name == "soon":
            answer()
        late.start()
        mixer = mix.Mixer(sound, sink, True, makeup)
        mixer.run(iter(speech), titles)
        late.cancel()
        mixed[name] = np.concatenate(written)
        assert mixer.measured.integrated_lufs == pytest.approx(-15.5, abs=0.1)
    assert np.array_equal(mixed["soon"], mixed["late"])


TITLES = ["The longest headline of the three comes first", "A shorter one", "Short"]


def test_mp3_chapters_are_stored_in_time_order(three):
    found = chapters(three)
    assert [title for *_, title in found] == TITLES
    edges = [t for start, end, _ in found for t in (start, end)]
    assert edges == sorted(edges) and edges[0] == 0


def test_an_ffmpeg_conversion_keeps_the_chapters_where_they_were(three, tmp_path):
    """Stored last first, the chapters came out of an MP3 -> M4A conversion retitled and
    re-timed: 'Short' first, the whole last third of the file in none."""
    converted = tmp_path / "three.m4a"
    subprocess.run(
        [find_ffmpeg(), "-v", "error", "-i", str(three), "-c:a", "aac", str(converted)],
        check=True,
    )
    duration_ms = len(decode(converted)) / 2 / 44100 * 1000
    found = chapters(converted)
    assert [title for *_, title in found] == TITLES
    for (start, end, _), (was_start, was_end, _) in zip(found, chapters(three), strict=True):
        assert (start, end) == pytest.approx((was_start, was_end), abs=30)
    assert found[-1][1] == pytest.approx(duration_ms, abs=30)  # the encoders' delay


def atoms(path: Path) -> list[str]:
    """The top-level MP4 boxes, in file order."""
    data, at, kinds = path.read_bytes(), 0, []
    while at + 8 <= len(data):
        size = int.from_bytes(data[at : at + 4], "big")
        kinds.append(data[at + 4 : at + 8].decode("latin-1"))
        if size == 1:  # a 64-bit size follows the type
            size = int.from_bytes(data[at + 8 : at + 16], "big")
        if size < 8:
            break
        at += size
    return kinds


def test_m4a_has_its_index_before_the_audio(tmp_path):
    """Faststart, with chapters (remuxed) and without (a preview): a podcast app can
    start playing before the download ends."""
    out = tmp_path / "h.m4a"
    _cli_render(HARBOUR, out)
    kinds = atoms(out)
    assert kinds.index("moov") < kinds.index("mdat")
    assert [title for *_, title in chapters(out)] == ["Ferry fares rise", "Library reopens"]
    short = tmp_path / "p.m4a"
    done = invoke("preview", str(HARBOUR), "--section", "1", "-o", str(short))
    assert done.returncode == 0, done.stderr
    kinds = atoms(short)
    assert kinds.index("moov") < kinds.index("mdat")


def test_a_loudness_that_cannot_be_reached_is_refused_before_any_work(tmp_path):
    out = tmp_path / "loud.mp3"
    done = invoke("render", str(HARBOUR), "-o", str(out), "--loudness", "-13")
    assert done.returncode == 2
    assert "'-13' cannot be reached: above -14 LUFS" in done.stderr
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []
