"""`broadcaster batch` end to end: real workers, real eSpeak, real ffmpeg, outputs read back."""

from __future__ import annotations

import contextlib
import json
import os
import pty
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from broadcaster.batch import cache, state
from tests.helpers.audio import check_audio
from tests.helpers.batching import SENTENCES, batch, leftovers, producer, report, write_bulletins
from tests.helpers.cli import check_failure
from tests.helpers.paths import ROOT

BAD = {
    "empty.txt": b"",
    "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "korean.txt": "안녕하세요. 뉴스입니다.".encode(),
}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """Three good and three bad transcripts, rendered once into a dated layout."""
    root = tmp_path_factory.mktemp("batch")
    sources = root / "in"
    write_bulletins(sources / "nested", 3)
    for name, data in BAD.items():
        (sources / name).write_bytes(data)
    args = (str(sources), "--out", str(root / "out"), "--cache-dir", str(root / "cache"))
    args += ("--name", "{date}/{stem}.{ext}", "--jobs", "2")
    done = batch(*args, "--report", str(root / "first.json"))
    return root, args, done


def test_good_ones_render_and_bad_ones_fail_alone(first_run):
    root, _, done = first_run
    assert done.returncode == 1
    summary = r"6 bulletins: 3 rendered, 0 skipped, 3 failed \(\d+\.\d s\)\n"
    assert re.fullmatch(summary, done.stdout), done.stdout  # however long it took
    items = report(root / "first.json")
    assert {name: item["status"] for name, item in items.items()} == {
        "binary.txt": "failed",
        "bulletin-01.txt": "rendered",
        "bulletin-02.txt": "rendered",
        "bulletin-03.txt": "rendered",
        "empty.txt": "failed",
        "korean.txt": "failed",
    }
    assert "is empty" in items["empty.txt"]["error"]
    assert "is not a text file" in items["binary.txt"]["error"]
    assert "no words the voices can read" in items["korean.txt"]["error"]
    failed_lines = [line for line in done.stderr.splitlines() if line.startswith("failed: ")]
    assert len(failed_lines) == 3
    assert done.stderr.splitlines()[-1] == "Error: 3 of 6 bulletins failed"


def test_outputs_are_valid_and_named_by_the_template(first_run):
    root, _, _ = first_run
    items = report(root / "first.json")
    for number in (1, 2, 3):
        item = items[f"bulletin-{number:02d}.txt"]
        output = root / "out" / f"2026-06-{number:02d}" / f"bulletin-{number:02d}.mp3"
        assert item["output"] == str(output)
        check_audio(output, item["duration_s"])
    assert leftovers(root / "out") == []


def test_second_run_skips_everything_and_edit_resynthesises_one_sentence(first_run):
    root, args, _ = first_run
    done = batch(*args, "--report", str(root / "second.json"))
    items = report(root / "second.json")
    good = [f"bulletin-{n:02d}.txt" for n in (1, 2, 3)]
    assert [items[name]["status"] for name in good] == ["skipped"] * 3
    assert [items[name]["synthesized"] + items[name]["cached"] for name in good] == [0, 0, 0]
    assert done.returncode == 1  # the bad ones still fail

    script = root / "in" / "nested" / "bulletin-02.txt"
    edited = (*SENTENCES[:2], "Repairs should take a week, the operator now says.", SENTENCES[3])
    script.write_text(producer(2, edited), encoding="utf-8")
    Path(items["bulletin-03.txt"]["output"]).unlink()  # an output gone is rendered again
    batch(*args, "--report", str(root / "third.json"))
    items = report(root / "third.json")
    assert items["bulletin-02.txt"]["status"] == "rendered"
    assert (items["bulletin-02.txt"]["synthesized"], items["bulletin-02.txt"]["cached"]) == (1, 4)
    assert [items[name]["status"] for name in good] == ["skipped", "rendered", "rendered"]
    assert (items["bulletin-03.txt"]["synthesized"], items["bulletin-03.txt"]["cached"]) == (0, 5)
    check_audio(Path(items["bulletin-02.txt"]["output"]), items["bulletin-02.txt"]["duration_s"])


def test_force_and_changed_options_render_again(first_run):
    root, _, _ = first_run
    sources = root / "in" / "nested"
    common = ("--out", str(root / "out"), "--cache-dir", str(root / "cache"), "--jobs", "1")
    common += ("--name", "{date}/{stem}.{ext}")
    batch(str(sources), *common, "--force", "--report", str(root / "force.json"))
    assert {i["status"] for i in report(root / "force.json").values()} == {"rendered"}
    batch(str(sources), *common, "--bitrate", "64k", "--report", str(root / "bitrate.json"))
    items = report(root / "bitrate.json")
    assert {i["status"] for i in items.values()} == {"rendered"}
    assert {i["synthesized"] for i in items.values()} == {0}  # every clip from the cache


def test_template_fields_are_sanitised_inside_out(tmp_path):
    script = tmp_path / "in" / "evil.txt"
    script.parent.mkdir()
    script.write_text(producer(1).replace("Test Bulletin 1", "../../etc/passwd"), "utf-8")
    script.write_text(script.read_text().replace("Test Radio", "/root/.ssh"), "utf-8")
    out = tmp_path / "out"
    done = batch(str(script), "--out", str(out), "--name", "{station}/{title}.{ext}", "-j", "1")
    assert done.returncode == 0, done.stderr
    made = [p.relative_to(out).as_posix() for p in out.rglob("*.mp3")]
    assert made == ["root-.ssh/etc-passwd.mp3"]


@pytest.mark.parametrize(
    ("template", "says"),
    [
        ("{stem}.{nope}", "unknown field {nope}"),
        ("{stem.__class__}", "unknown field {stem.__class__}"),
        ("../{stem}.{ext}", "which is not a file inside --out"),
        ("/tmp/{stem}.{ext}", "which is not a file inside --out"),
        ("{date}/../../{stem}", "which is not a file inside --out"),
        (".broadcaster/{stem}", "which is not a file inside --out"),
    ],
)
def test_bad_template_is_a_usage_error(tmp_path, template, says):
    (tmp_path / "a.txt").write_text(producer(1))
    done = batch(str(tmp_path / "a.txt"), "--out", str(tmp_path / "out"), "--name", template)
    check_failure(done, status=2, says=says)
    assert not (tmp_path / "out").exists()


def test_no_sources_matched(tmp_path):
    done = batch(str(tmp_path / "*.txt"), str(tmp_path), "--out", str(tmp_path / "out"))
    check_failure(done, says="no transcripts matched")


@pytest.mark.parametrize("missing", ["missing.txt", "gone/", "/dev/null"])
def test_a_named_source_that_is_not_there_is_an_error(tmp_path, missing):
    (tmp_path / "a.txt").write_text(producer(1))
    says = "/dev/null is not a file or a folder" if missing == "/dev/null" else "no such file"
    done = batch(str(tmp_path / "a.txt"), missing, "--out", str(tmp_path / "out"))
    check_failure(done, says=f"Error: {says}")
    assert not (tmp_path / "out").exists()


def test_unwritable_output_folder(tmp_path):
    (tmp_path / "a.txt").write_text(producer(1))
    (tmp_path / "file").write_text("in the way")
    done = batch(str(tmp_path / "a.txt"), "--out", str(tmp_path / "file" / "out"))
    check_failure(done, says="cannot write to output folder")


def test_glob_pattern_and_two_inputs_one_output(tmp_path):
    write_bulletins(tmp_path / "a", 1)
    write_bulletins(tmp_path / "b", 1)
    out = tmp_path / "out"
    nothing = str(tmp_path / "none-*" / "*.txt")  # a glob may match nothing
    args = (str(tmp_path / "*" / "*.txt"), nothing, "--out", str(out))
    done = batch(*args, "--report", str(out / "r.json"))
    assert done.returncode == 1
    items = json.loads((out / "r.json").read_text())["items"]
    assert [i["status"] for i in items] == ["rendered", "failed"]
    assert items[1]["error"] == "its output bulletin-01.mp3 is also bulletin-01.txt's"


def _popen_batch(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "broadcaster", "batch", *args], cwd=ROOT, text=True, **kwargs
    )


def test_overlapping_batch_exits_at_once_naming_the_running_one(tmp_path):
    write_bulletins(tmp_path / "in", 2)
    out = tmp_path / "out"
    args = (str(tmp_path / "in"), "--out", str(out), "--cache-dir", str(tmp_path / "c"))
    state.prepare(out)
    # This test holds the lock, as a running batch would, for as long as the second one
    # runs: the overlap is certain whatever the machine's speed (a batch of eight
    # bulletins holding it could finish first on a fast machine).
    with state.locked(out, wait=False, stop=threading.Event()):
        second = batch(*args)
    says = f"output folder {out} is locked by another batch (pid {os.getpid()})"
    check_failure(second, says=says)
    assert list(out.glob("*.mp3")) == []


def test_wait_queues_behind_the_lock_holder(tmp_path):
    write_bulletins(tmp_path / "in", 2)
    out = tmp_path / "out"
    args = (str(tmp_path / "in"), "--out", str(out), "--cache-dir", str(tmp_path / "c"))
    state.prepare(out)
    with state.locked(out, wait=False, stop=threading.Event()):  # this test holds the lock
        waiting = _popen_batch(*args, "--wait", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(1.5)
        assert waiting.poll() is None
        assert list(out.glob("*.mp3")) == []
    stdout, stderr = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, stderr
    assert stdout.startswith("2 bulletins: 2 rendered, 0 skipped, 0 failed")


@pytest.mark.slow
def test_progress_bar_on_a_terminal_only(tmp_path):
    # Click shows an ETA from the first update a second after the start: each bulletin
    # here is 40 s of speech, seconds of work in all.
    for number in range(1, 7):
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / f"{number}.txt").write_text(producer(number, SENTENCES * 3))
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    args = (str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-j", "1")
    args += ("--cache-dir", str(tmp_path / "cache"))
    terminal, seen_by_test = pty.openpty()
    running = _popen_batch(*args, stdout=subprocess.PIPE, stderr=seen_by_test)
    os.close(seen_by_test)
    shown = b""
    with contextlib.suppress(OSError):  # EIO once the batch closes the terminal
        while chunk := os.read(terminal, 4096):
            shown += chunk
    os.close(terminal)
    running.wait(timeout=120)
    screen = shown.decode()
    assert "Rendering" in screen and "7/7" in screen, screen
    assert "6 done, 1 failed" in screen, screen
    assert re.search(r"\d\d:\d\d:\d\d", screen), screen  # the ETA
    piped = batch(*args)
    assert piped.stdout.startswith("7 bulletins: 0 rendered, 6 skipped, 1 failed")
    assert "Rendering" not in piped.stderr


@pytest.mark.slow
def test_sigkill_part_way_then_rerun_completes(tmp_path):
    write_bulletins(tmp_path / "in", 6)
    out, cached = tmp_path / "out", tmp_path / "cache"
    args = (str(tmp_path / "in"), "--out", str(out), "--cache-dir", str(cached), "--jobs", "2")
    killed = subprocess.Popen(
        [sys.executable, "-m", "broadcaster", "batch", *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    stamps = out / state.STATE / "stamps"
    deadline = time.monotonic() + 120
    while not (stamps.exists() and any(stamps.iterdir())) and time.monotonic() < deadline:
        time.sleep(0.02)
    workers = _children(killed.pid)
    assert workers
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers):  # they follow their parent
        assert time.monotonic() < deadline, "workers outlived the killed batch"
        time.sleep(0.05)
    missing = [n for n in range(6) if not (out / f"bulletin-{n + 1:02d}.mp3").exists()]
    assert missing
    # What a killed render might leave beside its audio; it must never be published.
    stale = out / state.STATE / "tmp" / str(missing[0]) / "stale.json"
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_text("{}")

    done = batch(*args, "--report", str(tmp_path / "report.json"))
    assert done.returncode == 0, done.stderr
    items = report(tmp_path / "report.json")
    assert {i["status"] for i in items.values()} <= {"rendered", "skipped"}
    assert "rendered" in {i["status"] for i in items.values()}
    for item in items.values():
        check_audio(Path(item["output"]), item["duration_s"])
    assert leftovers(out) == []
    assert not (out / "stale.json").exists()
    assert cache.info(cached).partial == 0


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return found


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_finishes_work_in_progress_and_leaves_no_partial_files(tmp_path, signum):
    write_bulletins(tmp_path / "in", 6)
    out = tmp_path / "out"
    args = (str(tmp_path / "in"), "--out", str(out), "--cache-dir", str(tmp_path / "c"))
    running = subprocess.Popen(
        [sys.executable, "-m", "broadcaster", "batch", *args, "-j", "1"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    staging = out / state.STATE / "tmp"
    deadline = time.monotonic() + 120
    while not (staging.exists() and any(staging.iterdir())) and time.monotonic() < deadline:
        time.sleep(0.02)
    running.send_signal(signum)
    stdout, stderr = running.communicate(timeout=120)
    assert running.returncode == 128 + signum
    assert stderr.splitlines()[-1] == f"Error: stopped by {signum.name}; run again to finish"
    rendered = sorted(out.glob("*.mp3"))
    assert 1 <= len(rendered) < 6  # the one in progress was finished, the rest not begun
    assert f"{len(rendered)} rendered, 0 skipped, 0 failed, {6 - len(rendered)} left" in stdout
    assert leftovers(out) == []
