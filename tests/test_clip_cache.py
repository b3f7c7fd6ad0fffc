"""The clip cache: keys, corrupt entries, killed writers, concurrent writers, real re-use."""

from __future__ import annotations

import json
import multiprocessing
import socket
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from broadcaster import render
from broadcaster.audio import AudioSegment
from broadcaster.batch import cache
from broadcaster.engines import Delivery, EngineInfo
from tests.batching import SENTENCES, producer
from tests.conftest import run_cli

DELIVERY = Delivery("en-us", 170, 50, 1.0)
TONE = EngineInfo("libtone.so", "test", "/data", "1.0")


@dataclass
class ToneEngine:
    """A fake engine (isolates the cache): a clip whose samples spell the text's length."""

    info: EngineInfo = TONE
    calls: int = 0

    def synthesize(self, text: str, delivery: Delivery, label: str) -> AudioSegment:
        self.calls += 1
        data = len(text).to_bytes(2, "little") * (delivery.rate * 10)
        return AudioSegment(data=data, sample_width=2, frame_rate=22050, channels=1)


def _entries(folder: Path) -> list[Path]:
    return sorted((folder / cache.CLIPS).glob("*/*.clip"))


def test_second_ask_is_answered_from_the_cache(tmp_path):
    engine = ToneEngine()
    clips = cache.ClipCache(engine, tmp_path)
    first = clips.synthesize("Hello there.", DELIVERY, "s")
    again = cache.ClipCache(engine, tmp_path).synthesize("Hello there.", DELIVERY, "s")
    assert engine.calls == 1
    assert (again.raw_data, again.frame_rate, again.channels) == (first.raw_data, 22050, 1)
    assert cache.info(tmp_path).entries == 1


@pytest.mark.parametrize(
    "change",
    [
        lambda e, d, t: (e, replace(d, voice="en-gb-x-rp"), t),
        lambda e, d, t: (e, replace(d, rate=171), t),
        lambda e, d, t: (e, replace(d, pitch=51), t),
        lambda e, d, t: (e, replace(d, volume=0.9), t),
        lambda e, d, t: (ToneEngine(replace(e.info, version="1.1")), d, t),
        lambda e, d, t: (ToneEngine(replace(e.info, library="other.so")), d, t),
        lambda e, d, t: (e, d, t + " "),
    ],
)
def test_key_changes_with_everything_that_decides_the_sound(change):
    base = (ToneEngine(), DELIVERY, "Hello.")

    def key(engine, delivery, text):
        return cache.clip_key(engine, text, delivery)

    assert key(*change(*base)) != key(*base)


def test_key_follows_sample_rate_version_and_engine_own_key(monkeypatch):
    engine = ToneEngine()
    base = cache.clip_key(engine, "Hello.", DELIVERY)
    monkeypatch.setattr(cache, "__version__", "9.9")
    assert cache.clip_key(engine, "Hello.", DELIVERY) != base
    monkeypatch.undo()
    engine.sample_rate = 16000
    assert cache.clip_key(engine, "Hello.", DELIVERY) != base
    engine.cache_key = lambda delivery: {"model": "sha256-of-model", "voice": delivery.voice}
    assert cache.engine_key(engine, DELIVERY) == {"model": "sha256-of-model", "voice": "en-us"}


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),  # one bit flipped
        lambda data: data + b"\0",  # too long
        lambda data: b"",  # empty
        lambda data: b"RIFF" + data[4:],  # not ours
    ],
)
def test_damaged_entry_is_never_read_back(tmp_path, damage):
    engine = ToneEngine()
    cache.ClipCache(engine, tmp_path).synthesize("Hello there.", DELIVERY, "s")
    [entry] = _entries(tmp_path)
    good = entry.read_bytes()
    entry.write_bytes(damage(good))
    assert cache.read_entry(entry) is None
    clip = cache.ClipCache(engine, tmp_path).synthesize("Hello there.", DELIVERY, "s")
    assert engine.calls == 2  # synthesised again, and the entry repaired
    assert len(clip.raw_data) == len(good) - cache.HEADER.size
    assert entry.read_bytes() == good


def test_a_dead_writers_temporary_files_are_swept(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    scratch = tmp_path / cache.SCRATCH / f"{socket.gethostname()}-{dead.stdout.strip()}"
    scratch.mkdir(parents=True)
    (scratch / ".abc.clip.1234.part").write_bytes(b"half")
    live = cache.ClipCache(ToneEngine(), tmp_path)
    live.synthesize("Hello.", DELIVERY, "s")
    (live.scratch / ".def.clip.5678.part").write_bytes(b"in progress")
    assert cache.info(tmp_path).partial == 2
    cache.sweep(tmp_path)
    assert not scratch.exists()
    assert cache.info(tmp_path).partial == 1  # the live process's write is left alone


def _hammer(folder: str) -> int:
    engine = ToneEngine()
    clips = cache.ClipCache(engine, Path(folder))
    for _ in range(3):
        for n in range(40):
            clip = clips.synthesize(f"Sentence {n}.", DELIVERY, "s")
            assert clip.raw_data[:2] == len(f"Sentence {n}.").to_bytes(2, "little")
    return engine.calls


def test_concurrent_processes_share_one_cache(tmp_path):
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        calls = pool.map(_hammer, [str(tmp_path)] * 4)
    assert all(c <= 40 for c in calls)  # each clip made at most once per process
    entries = _entries(tmp_path)
    assert len(entries) == 40
    assert all(cache.read_entry(e) is not None for e in entries)
    cache.sweep(tmp_path)
    assert cache.info(tmp_path).partial == 0
    assert cache.clear(tmp_path) == 40
    assert cache.info(tmp_path).entries == 0


def test_edit_resynthesises_only_the_changed_sentence_with_the_real_engine(engine, tmp_path):
    asked: list[str] = []

    class Counting:
        """The real engine, counting what it is asked to say."""

        info = engine.info
        voices = engine.voices
        check_voice = engine.check_voice

        def synthesize(self, text, delivery, label):
            asked.append(text)
            return engine.synthesize(text, delivery, label)

    script = tmp_path / "b.txt"
    clips = cache.ClipCache(Counting(), tmp_path / "cache")
    script.write_text(producer(1))
    first = render.render_file(script, tmp_path / "1.mp3", render.Options(), clips)
    assert asked == ["Bulletin number 1.", *SENTENCES]
    asked.clear()
    edited = (SENTENCES[0], "Engineers found two faults.", *SENTENCES[2:])
    script.write_text(producer(1, edited))
    second = render.render_file(script, tmp_path / "2.mp3", render.Options(), clips)
    assert asked == ["Engineers found two faults."]
    assert (clips.synthesized, clips.cached) == (6, 4)
    assert second.duration_s < first.duration_s


def test_cache_info_and_clear_commands(tmp_path):
    for text in ("One.", "Two."):
        cache.ClipCache(ToneEngine(), tmp_path).synthesize(text, DELIVERY, "s")
    size = sum(p.stat().st_size for p in _entries(tmp_path))
    done = run_cli("cache", "info", "--cache-dir", str(tmp_path), "--json")
    assert json.loads(done.stdout) == {
        "folder": str(tmp_path),
        "entries": 2,
        "size": size,
        "partial": 0,
    }
    done = run_cli("cache", "clear", "--cache-dir", str(tmp_path))
    assert done.stdout == f"removed 2 clips from {tmp_path}\n"
    done = run_cli("cache", "info", "--cache-dir", str(tmp_path))
    assert done.stdout == f"{tmp_path}\n  0 clips, 0.0 MB\n"
