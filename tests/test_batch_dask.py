"""`batch --scheduler`: a real Dask scheduler and workers, started on loopback by this module
and stopped by it; results, failures and the report as with local workers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.batching import batch, check_audio, leftovers, report, write_bulletins
from tests.conftest import ROOT
from tests.test_errors import check_failure

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


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler and one worker process with two single-threaded workers."""
    folder = tmp_path_factory.mktemp("dask")
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
        yield address
    finally:
        if worker:
            _stop(worker)
        _stop(scheduler)


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


def test_second_run_on_the_cluster_skips(cluster, tmp_path):
    write_bulletins(tmp_path / "in", 2)
    args = (str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--scheduler", cluster)
    args += ("--cache-dir", str(tmp_path / "cache"))
    assert batch(*args).returncode == 0
    done = batch(*args, "--report", str(tmp_path / "again.json"))
    assert done.returncode == 0
    assert {i["status"] for i in report(tmp_path / "again.json").values()} == {"skipped"}


def test_local_cluster(tmp_path):
    write_bulletins(tmp_path / "in", 2)
    out = tmp_path / "out"
    done = batch(str(tmp_path / "in"), "--out", str(out), "--scheduler", "local", "-j", "2")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("2 bulletins: 2 rendered, 0 skipped, 0 failed")
    assert done.stderr == ""
    assert len(list(out.glob("*.mp3"))) == 2


def test_unreachable_scheduler_says_so_quickly(tmp_path):
    write_bulletins(tmp_path / "in", 1)
    started = time.monotonic()
    done = batch(
        str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:9"
    )
    check_failure(done, says="cannot reach the Dask scheduler at tcp://127.0.0.1:9 within 5 s")
    assert time.monotonic() - started < 20
    assert list((tmp_path / "out").glob("*.mp3")) == []
