"""`batch --scheduler`: a real Dask scheduler and workers, started on loopback by this module
and stopped by it; results, failures and the report as with local workers."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import types
from collections.abc import Iterator
from pathlib import Path

import distributed
import pytest

from broadcaster.batch import runners, state
from tests.helpers.audio import check_audio
from tests.helpers.batching import batch, leftovers, report, write_bulletins
from tests.helpers.cli import check_failure
from tests.helpers.paths import ROOT

STARTUP_S = 60


def _dask(kind: str, *args: str, log: Path) -> subprocess.Popen:
    """``dask scheduler`` or ``dask worker`` on 127.0.0.1, in its own process group."""
    return subprocess.Popen(
        [sys.executable, "-m", f"distributed.cli.dask_{kind}", *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
        start_new_session=True,
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextlib.contextmanager
def _cluster(folder: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """A scheduler and one worker process with two single-threaded workers: the address and
    the scheduler's process."""
    folder.mkdir(parents=True, exist_ok=True)
    address_file = folder / "scheduler.json"
    scheduler = _dask(
        "scheduler",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--no-dashboard",
        "--scheduler-file",
        str(address_file),
        log=folder / "scheduler.log",
    )
    worker = None
    try:
        deadline = time.monotonic() + STARTUP_S
        while not address_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(address_file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        worker = _dask(
            "worker",
            address,
            "--host",
            "127.0.0.1",
            "--nworkers",
            "2",
            "--nthreads",
            "1",
            "--no-dashboard",
            log=folder / "worker.log",
        )
        # Both workers in place first, however long they take to start on a loaded machine:
        # a batch gives a scheduler with no worker only 5 s.
        with distributed.Client(address, timeout=f"{STARTUP_S}s") as client:
            client.wait_for_workers(2, timeout=STARTUP_S)
        yield address, scheduler
    finally:
        if worker:
            _stop(worker)
        _stop(scheduler)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """The address of a cluster shared by this module's tests."""
    with _cluster(tmp_path_factory.mktemp("dask")) as (address, _):
        yield address


@pytest.mark.slow
def test_batch_on_a_cluster_matches_local_workers(cluster, tmp_path):
    write_bulletins(tmp_path / "in", 4)
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    results = {}
    for where, extra in (("dask", ("--scheduler", cluster)), ("local", ("--jobs", "2"))):
        out = tmp_path / where
        done = batch(
            str(tmp_path / "in"),
            "--out",
            str(out),
            "--cache-dir",
            str(tmp_path / f"cache-{where}"),
            "--report",
            str(tmp_path / f"{where}.json"),
            *extra,
        )
        assert done.returncode == 1, done.stderr
        assert done.stdout.startswith("5 bulletins: 4 rendered, 0 skipped, 1 failed")
        assert done.stderr.splitlines()[-1] == "Error: 1 of 5 bulletins failed"
        results[where] = report(tmp_path / f"{where}.json")
        assert leftovers(out) == []
    for name, item in results["dask"].items():
        local = results["local"][name]
        assert (item["status"], item["error"]) == (local["status"], local["error"])
        # Which worker made a clip shared by two bulletins depends on timing; the total not.
        assert item["synthesized"] + item["cached"] == local["synthesized"] + local["cached"]
        if item["status"] == "rendered":
            assert item["output"] == local["output"].replace("/local/", "/dask/")
            assert item["duration_s"] == pytest.approx(local["duration_s"], rel=0.01)
            check_audio(Path(item["output"]), item["duration_s"])


@pytest.mark.slow
def test_second_run_on_the_cluster_skips(cluster, tmp_path):
    write_bulletins(tmp_path / "in", 2)
    args = (str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--scheduler", cluster)
    args += ("--cache-dir", str(tmp_path / "cache"))
    assert batch(*args).returncode == 0
    done = batch(*args, "--report", str(tmp_path / "again.json"))
    assert done.returncode == 0
    assert {i["status"] for i in report(tmp_path / "again.json").values()} == {"skipped"}


@pytest.mark.slow
def test_local_cluster(tmp_path):
    write_bulletins(tmp_path / "in", 2)
    out = tmp_path / "out"
    done = batch(str(tmp_path / "in"), "--out", str(out), "--scheduler", "local", "-j", "2")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("2 bulletins: 2 rendered, 0 skipped, 0 failed")
    assert done.stderr == ""
    assert len(list(out.glob("*.mp3"))) == 2


def test_unreachable_scheduler_says_so_quickly_and_leaves_out_alone(tmp_path):
    write_bulletins(tmp_path / "in", 2)
    previous = tmp_path / "report.json"
    previous.write_text('{"items": "of the previous run"}')
    started = time.monotonic()
    out = tmp_path / "out"
    args = ("--scheduler", "tcp://127.0.0.1:9", "--report", str(previous))
    done = batch(str(tmp_path / "in"), "--out", str(out), *args)
    check_failure(done, says="cannot reach the Dask scheduler at tcp://127.0.0.1:9 within 5 s")
    assert time.monotonic() - started < 20
    assert not out.exists()  # not even its .broadcaster folder
    document = json.loads(previous.read_text())  # rewritten: this run's, not the last one's
    assert document["error"].startswith("cannot reach the Dask scheduler")
    assert [item["status"] for item in document["items"]] == ["interrupted"] * 2


@pytest.mark.parametrize(
    "address", ["not a url", "tcp://host-without-port", "http://h:8786", "ucx://127.0.0.1:9"]
)
def test_a_malformed_scheduler_address_is_a_usage_error(tmp_path, address):
    write_bulletins(tmp_path / "in", 1)
    done = batch(str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--scheduler", address)
    check_failure(done, status=2, says=f"{address!r} is not a Dask scheduler address")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("address", ["tls://127.0.0.1:9", "wss://127.0.0.1:9"])
def test_an_encrypted_address_without_tls_configured_is_one_line(tmp_path, address):
    write_bulletins(tmp_path / "in", 1)
    done = batch(str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--scheduler", address)
    check_failure(done, says=f"{address} is encrypted, and Dask has no TLS configuration")
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_losing_the_scheduler_mid_batch_marks_every_bulletin(tmp_path):
    write_bulletins(tmp_path / "in", 8)
    out, cached, previous = tmp_path / "out", tmp_path / "cache", tmp_path / "report.json"
    previous.write_text('{"items": "of the previous run"}')
    args = (str(tmp_path / "in"), "--out", str(out), "--cache-dir", str(cached))
    stamps = out / state.STATE / "stamps"
    with _cluster(tmp_path / "dask") as (address, scheduler):
        running = subprocess.Popen(
            [sys.executable, "-m", "broadcaster", "batch", *args, "--scheduler", address,
             "--report", str(previous)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 180
        while not (stamps.exists() and any(stamps.iterdir())):  # one bulletin is in place
            assert time.monotonic() < deadline
            assert running.poll() is None, running.communicate()
            time.sleep(0.02)
        os.killpg(scheduler.pid, signal.SIGKILL)  # 7 bulletins running or queued
        stdout, stderr = running.communicate(timeout=120)
    done = subprocess.CompletedProcess(running.args, running.returncode, stdout, stderr)
    check_failure(done, says=f"Error: lost the Dask scheduler at {address} mid-batch")

    document = json.loads(previous.read_text())
    assert document["error"].startswith(f"lost the Dask scheduler at {address}")
    items = report(previous)
    statuses = [item["status"] for item in items.values()]
    assert len(statuses) == 8 and set(statuses) == {"rendered", "interrupted"}, statuses
    rendered = {Path(i["output"]) for i in items.values() if i["status"] == "rendered"}
    assert set(out.glob("*.mp3")) == rendered  # nothing else published, nothing torn
    for item in items.values():
        if item["status"] == "rendered":
            check_audio(Path(item["output"]), item["duration_s"])
    assert [p for p in out.rglob("*.part") if state.STATE not in p.parts] == []

    again = batch(*args, "--jobs", "2", "--report", str(tmp_path / "again.json"))
    assert again.returncode == 0, again.stderr
    assert {n: i["status"] for n, i in report(tmp_path / "again.json").items()} == {
        name: "skipped" if item["status"] == "rendered" else "rendered"
        for name, item in items.items()
    }
    assert leftovers(out) == []


class _Future:
    """A Dask future whose result cannot be fetched (isolates DaskRunner.outcome)."""

    def __init__(self, status: str) -> None:
        self.status = status

    def result(self):
        raise OSError("Stream is closed")


@pytest.mark.parametrize(
    ("future_status", "client_status", "lost"),
    [
        ("error", "running", False),  # a worker died: that bulletin failed
        ("finished", "running", True),  # done, but the result never came: the scheduler went
        ("error", "connecting", True),
        ("cancelled", "closed", True),
    ],
)
def test_a_result_that_cannot_be_fetched_is_a_lost_cluster(future_status, client_status, lost):
    runner = object.__new__(runners.DaskRunner)
    runner.address = "tcp://127.0.0.1:1"
    runner._client = types.SimpleNamespace(status=client_status)
    if lost:
        with pytest.raises(
            runners.Lost, match="lost the Dask scheduler at tcp://127\\.0\\.0\\.1:1"
        ):
            runner.outcome(_Future(future_status))
    else:
        assert runner.outcome(_Future(future_status)).error.startswith("the worker process died")
