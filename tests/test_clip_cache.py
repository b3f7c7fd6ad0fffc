"""The clip cache: keys, corrupt entries, killed writers, concurrent writers, real re-use."""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import socket
import struct
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import broadcaster
from broadcaster.audio import AudioSegment
from broadcaster.batch import cache
from broadcaster.engines import Delivery, EngineInfo, key_of
from tests.helpers.batching import SENTENCES, producer
from tests.helpers.cli import check_failure, run_cli

DELIVERY = Delivery("en-us", 170, 50, 1.0)
TONE = EngineInfo("libtone.so", "test", "/data", "1.0")


@dataclass
class ToneEngine:
    """A fake engine (isolates the cache): a clip whose samples spell the text's length."""

    info: EngineInfo = TONE
    calls: int = 0
    sample_rate: int = 22050

    def cache_key(self, text: str, delivery: Delivery) -> str:
        versions = [self.info.library, self.info.version]
        return key_of("tone", f"text={text}", versions, delivery, self.sample_rate)

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
        lambda e, d, t: (ToneEngine(sample_rate=16000), d, t),
        lambda e, d, t: (e, d, t + " "),
    ],
)
def test_key_changes_with_everything_that_decides_the_sound(change):
    base = (ToneEngine(), DELIVERY, "Hello.")

    def key(engine, delivery, text):
        return cache.clip_key(engine, text, delivery)

    assert key(*change(*base)) != key(*base)


def test_key_is_the_engine_own_key_and_broadcaster_version(monkeypatch):
    engine = ToneEngine()
    base = cache.clip_key(engine, "Hello.", DELIVERY)
    monkeypatch.setattr(cache, "__version__", "9.9")
    assert cache.clip_key(engine, "Hello.", DELIVERY) != base
    monkeypatch.undo()
    engine.cache_key = lambda text, delivery: {"said": text.casefold(), "voice": delivery.voice}
    assert cache.clip_key(engine, "HELLO.", DELIVERY) == cache.clip_key(engine, "hello.", DELIVERY)


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


GOOD = ToneEngine().synthesize("Hello there.", DELIVERY, "s")
U64 = st.integers(0, 2**64 - 1)
HEADERS = st.tuples(
    st.one_of(st.just(cache.MAGIC), st.binary(min_size=8, max_size=8)),
    st.one_of(st.just(GOOD.frame_rate), st.integers(0, 2**32 - 1)),
    st.one_of(st.just(GOOD.sample_width), st.integers(0, 2**16 - 1)),
    st.one_of(st.just(GOOD.channels), st.integers(0, 2**16 - 1)),
    st.one_of(st.just(len(GOOD.raw_data)), st.integers(0, 4 * len(GOOD.raw_data)), U64),
    st.binary(min_size=32, max_size=32),
)


def _garbage(magic: bytes, *fields: int | bytes) -> bytes:
    return cache.HEADER.pack(magic, *fields)


@settings(max_examples=150, deadline=None)
@given(header=HEADERS, body=st.one_of(st.just(GOOD.raw_data), st.binary(max_size=64)))
@example(header=(cache.MAGIC, 22050, 2, 1, 2**64 - 1, bytes(32)), body=b"")  # OverflowError
@example(header=(cache.MAGIC, 22050, 2, 1, 2**40, bytes(32)), body=b"")  # MemoryError
@example(  # a "negative" length: -1 written as a signed 64-bit number
    header=(cache.MAGIC, 22050, 2, 1, *struct.unpack("<Q", struct.pack("<q", -1)), bytes(32)),
    body=GOOD.raw_data,
)
@example(header=(b"garbage!", 22050, 2, 1, 2**62, bytes(32)), body=b"")  # not ours, huge
@example(header=(cache.MAGIC, 0, 0, 0, 0, bytes(32)), body=b"")  # zero everything
def test_garbage_header_reads_as_a_miss_and_is_replaced(header, body):
    """Whatever the header claims, a damaged entry is a miss, never an exception, and
    the next synthesis writes a good entry over it."""
    engine = ToneEngine()
    with tempfile.TemporaryDirectory() as folder:
        cache.ClipCache(engine, Path(folder)).synthesize("Hello there.", DELIVERY, "s")
        [entry] = _entries(Path(folder))
        good = entry.read_bytes()
        damaged = _garbage(*header) + body
        entry.write_bytes(damaged)
        if damaged != good:
            assert cache.read_entry(entry) is None
            clip = cache.ClipCache(engine, Path(folder)).synthesize("Hello there.", DELIVERY, "s")
            assert (engine.calls, clip.raw_data) == (2, GOOD.raw_data)
            assert entry.read_bytes() == good


def test_a_changed_format_field_is_caught_by_the_digest(tmp_path):
    """The digest covers the rate, width and channels, not only the samples: a flipped bit
    in the rate would otherwise resample every sentence wrongly."""
    cache.ClipCache(ToneEngine(), tmp_path).synthesize("Hello there.", DELIVERY, "s")
    [entry] = _entries(tmp_path)
    data = bytearray(entry.read_bytes())
    struct.pack_into("<I", data, len(cache.MAGIC), GOOD.frame_rate * 2)
    entry.write_bytes(bytes(data))
    assert cache.read_entry(entry) is None


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
        cache_key = engine.cache_key

        def synthesize(self, text, delivery, label):
            asked.append(text)
            return engine.synthesize(text, delivery, label)

    script = tmp_path / "b.txt"
    clips = cache.ClipCache(Counting(), tmp_path / "cache")
    script.write_text(producer(1))
    first = broadcaster.render(script, tmp_path / "1.mp3", engine=clips)
    assert asked == ["Bulletin number 1.", *SENTENCES]
    asked.clear()
    edited = (SENTENCES[0], "Engineers found two faults.", *SENTENCES[2:])
    script.write_text(producer(1, edited))
    second = broadcaster.render(script, tmp_path / "2.mp3", engine=clips)
    assert asked == ["Engineers found two faults."]
    assert (clips.synthesized, clips.cached) == (6, 4)
    assert second.duration_s < first.duration_s


def test_a_render_replaces_garbage_entries_with_the_real_engine(engine, tmp_path):
    script = tmp_path / "b.txt"
    script.write_text(producer(1))
    clips = cache.ClipCache(engine, tmp_path / "cache")
    first = broadcaster.render(script, tmp_path / "1.mp3", engine=clips)
    entries = _entries(tmp_path / "cache")
    for entry in entries:  # magic intact, the length claiming 16 EiB
        entry.write_bytes(_garbage(cache.MAGIC, 22050, 2, 1, 2**64 - 1, bytes(32)))
    again = cache.ClipCache(engine, tmp_path / "cache")
    second = broadcaster.render(script, tmp_path / "2.mp3", engine=again)
    assert (again.synthesized, again.cached) == (len(entries), 0)
    assert second.duration_s == pytest.approx(first.duration_s, abs=0.05)
    assert _entries(tmp_path / "cache") == entries
    assert all(cache.read_entry(entry) is not None for entry in entries)  # replaced


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


@contextlib.contextmanager
def _read_only(folder: Path) -> Iterator[None]:
    """No file in ``folder`` can be removed while the block runs: its mode for a user, the
    immutable attribute for root (whom modes do not stop)."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
        pytest.skip("cannot make a folder read-only here (no chattr on this file system)")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_clearing_a_read_only_cache_says_what_was_not_removed(tmp_path):
    texts = [f"Sentence {n}." for n in range(12)]
    for text in texts:
        cache.ClipCache(ToneEngine(), tmp_path).synthesize(text, DELIVERY, "s")
    entries = _entries(tmp_path)
    locked = entries[0].parent
    kept = [e for e in entries if e.parent == locked]
    with _read_only(locked):
        done = run_cli("cache", "clear", "--cache-dir", str(tmp_path))
    check_failure(done, says=f"Error: cannot clear the clip cache {tmp_path}: ")
    assert f"{kept[0].parent}" in done.stderr
    assert f"removed {len(entries) - len(kept)} clips" in done.stderr
    assert _entries(tmp_path) == kept
    assert cache.info(tmp_path).entries == len(kept)
