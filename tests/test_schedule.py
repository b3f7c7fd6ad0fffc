"""`broadcaster schedule`: next run times, bad schedule files, and a real timetable run."""

from __future__ import annotations

import itertools
import json
import queue
import re
import signal
import subprocess
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from broadcaster.batch import state
from broadcaster.batch.schedule import Job, _weekdays, cron_trigger, next_times
from tests.helpers.audio import check_audio
from tests.helpers.batching import leftovers, write_bulletins
from tests.helpers.cli import check_failure, invoke

JOBS = """timezone = "UTC"

[jobs.weekdays]
cron = "30 6 * * 1-5"
sources = ["in"]
out = "out"
name = "{date}/{stem}.{ext}"

[jobs.sunday]
cron = "0 9 * * 0"
sources = "in"
out = "out"
voice = { anchor = "en-gb-x-rp+m3" }
jobs = 1
force = true
"""


def test_next_prints_each_jobs_next_run_times(tmp_path):
    (tmp_path / "jobs.toml").write_text(JOBS)
    done = invoke("schedule", str(tmp_path / "jobs.toml"), "--next", "6")
    assert done.returncode == 0, done.stderr
    lines = [line.split("  ") for line in done.stdout.splitlines()]
    assert [name for name, _ in lines] == ["weekdays"] * 6 + ["sunday"] * 6
    times = [datetime.fromisoformat(moment) for _, moment in lines]
    now = datetime.now(timezone.utc)
    weekdays, sundays = times[:6], times[6:]
    assert now < weekdays[0] and weekdays == sorted(set(weekdays))
    assert {(t.hour, t.minute, t.utcoffset().seconds) for t in weekdays} == {(6, 30, 0)}
    assert {t.isoweekday() for t in weekdays} <= {1, 2, 3, 4, 5}
    assert (weekdays[5] - weekdays[0]).days in (7, 8)  # six weekdays span one weekend
    # Cron's 0 is Sunday (APScheduler 3 alone would read it as Monday).
    assert {(t.isoweekday(), t.hour) for t in sundays} == {(7, 9)}
    assert [(b - a).days for a, b in itertools.pairwise(sundays)] == [7] * 5


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("0", "sun"),
        ("7", "sun"),
        ("1-5", "mon,tue,wed,thu,fri"),
        ("5-7", "sun,fri,sat"),
        ("sat,sun", "sun,sat"),
        ("*/2", "sun,tue,thu,sat"),
        ("1-0", "sun,mon,tue,wed,thu,fri,sat"),
        ("mon-wed", "mon,tue,wed"),
    ],
)
def test_cron_weekdays_in_apscheduler_terms(field, expected):
    assert _weekdays(field) == expected


@pytest.mark.parametrize(
    ("replace", "says"),
    [
        (
            ('cron = "30 6 * * 1-5"', 'cron = "61 6 * * 1-5"'),
            "job 'weekdays': cron field minute '61'",
        ),
        (('cron = "30 6 * * 1-5"', 'cron = "30 6 * *"'), "cron expression '30 6 * *' has 4 fields"),
        (('cron = "0 9 * * 0"', 'cron = "0 9 * * 8"'), "job 'sunday': cron field day_of_week '8'"),
        (('cron = "0 9 * * 0"', 'cron = "0 9 31 2-13 0"'), "job 'sunday': cron field month '2-13'"),
        (("jobs = 1", "jobz = 1"), "job 'sunday': unknown key 'jobz'"),
        (("jobs = 1", "jobs = 0"), "job 'sunday': Invalid value for '-j' / '--jobs'"),
        (('name = "{date}', 'name = "{nope}'), "job 'weekdays': Invalid value for '--name'"),
        (('timezone = "UTC"', 'timezone = "Mars/Olympus"'), "unknown timezone 'Mars/Olympus'"),
        (("[jobs.sunday]", "[jobs.sunday"), "malformed TOML"),
        (('cron = "0 9 * * 0"\n', ""), "job 'sunday': no cron expression"),
        (
            ('cron = "0 9 * * 0"', 'cron = "0 0 31 2 *"'),
            "job 'sunday': cron expression '0 0 31 2 *' never fires (no such date)",
        ),
    ],
)
def test_bad_schedule_file_names_the_job_and_field(tmp_path, replace, says):
    (tmp_path / "jobs.toml").write_text(JOBS.replace(*replace))
    done = invoke("schedule", str(tmp_path / "jobs.toml"), "--next", "1")
    check_failure(done, says=says)


def test_next_times_across_a_dst_fall_back_are_distinct_and_increasing():
    london = ZoneInfo("Europe/London")
    job = Job("night", cron_trigger("night", "*/30 1 * * *", london), {})
    times = next_times(job, 5, datetime(2026, 10, 25, 0, 50, tzinfo=london))
    # 01:00-02:00 happens twice on 25 October 2026: in BST (+01:00), then in GMT.
    assert [t.isoformat() for t in times] == [
        "2026-10-25T01:00:00+01:00",
        "2026-10-25T01:30:00+01:00",
        "2026-10-25T01:00:00+00:00",
        "2026-10-25T01:30:00+00:00",
        "2026-10-26T01:00:00+00:00",
    ]
    assert all(a.timestamp() < b.timestamp() for a, b in itertools.pairwise(times))


def test_runs_on_time_never_twice_at_once_and_stops_cleanly(tmp_path):
    """Every second, a job whose first run waits for the output folder's lock (held by this
    test until a time due meanwhile has been skipped, not run alongside). The test goes by
    what the log says has happened, never by how long anything takes."""
    write_bulletins(tmp_path / "in", 2)
    (tmp_path / "jobs.toml").write_text(
        '[jobs.often]\ncron = "* * * * * *"\nsources = ["in"]\nout = "out"\nwait = true\n'
        f'force = true\njobs = 1\ncache-dir = "{tmp_path / "cache"}"\nreport = "report.json"\n'
    )
    out = tmp_path / "out"
    state.prepare(out)
    completed = re.compile(r"^(\S+) often: 2 bulletins: 2 rendered, .*\((\d+\.\d) s\)$", re.M)
    with state.locked(out, wait=False, stop=threading.Event()):
        running = subprocess.Popen(
            [sys.executable, "-m", "broadcaster", "schedule", "jobs.toml"],
            cwd=tmp_path,
            stderr=subprocess.PIPE,
            text=True,
        )
        lines = _lines(running)
        log = _read_until(lines, lambda log: "often: skipped the run due at" in log)
        assert not completed.search(log)  # nothing ran while the lock was held
    log += _read_until(lines, lambda log: len(completed.findall(log)) >= 2)
    running.send_signal(signal.SIGTERM)
    assert running.wait(timeout=120) == 0, log
    log += _read_until(lines, lambda log: False)
    runs = completed.findall(log)
    spans = [(datetime.fromisoformat(t).timestamp(), float(s)) for t, s in runs]
    for (start, seconds), (following, _) in itertools.pairwise(spans):
        assert start + seconds <= following + 1  # logged to the second
    items = json.loads((tmp_path / "report.json").read_text())["items"]
    for item in items:
        if item["status"] == "rendered":
            check_audio(Path(item["output"]), item["duration_s"])
    assert len(list((tmp_path / "out").glob("*.mp3"))) == 2
    assert leftovers(tmp_path / "out") == []


def _lines(running: subprocess.Popen) -> queue.Queue:
    """The process's stderr, line by line (None at its end), read by a thread of its own."""
    lines: queue.Queue = queue.Queue()

    def read() -> None:
        for line in running.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    return lines


def _read_until(lines: queue.Queue, enough) -> str:
    """Lines read until ``enough(what was read)``, or to the end (which must come first
    only when ``enough`` never holds). The timeout catches a hung process, nothing else."""
    log = ""
    while not enough(log):
        line = lines.get(timeout=300)
        if line is None:
            lines.put(None)
            return log
        log += line
    return log
