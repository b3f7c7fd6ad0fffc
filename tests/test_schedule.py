"""`broadcaster schedule`: next run times, bad schedule files, and a real timetable run."""

from __future__ import annotations

import itertools
import json
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from broadcaster.batch import state
from broadcaster.batch.schedule import _weekdays
from tests.batching import check_audio, leftovers, write_bulletins
from tests.conftest import run_cli
from tests.test_errors import check_failure

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
    done = run_cli("schedule", str(tmp_path / "jobs.toml"), "--next", "6")
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
    ],
)
def test_bad_schedule_file_names_the_job_and_field(tmp_path, replace, says):
    (tmp_path / "jobs.toml").write_text(JOBS.replace(*replace))
    done = run_cli("schedule", str(tmp_path / "jobs.toml"), "--next", "1")
    check_failure(done, says=says)


def test_runs_on_time_never_twice_at_once_and_stops_cleanly(tmp_path):
    """Every second, a job whose first run waits 3 s for the output folder's lock (held by
    this test): the times due meanwhile are skipped, not run alongside."""
    write_bulletins(tmp_path / "in", 2)
    (tmp_path / "jobs.toml").write_text(
        '[jobs.often]\ncron = "* * * * * *"\nsources = ["in"]\nout = "out"\nwait = true\n'
        f'force = true\njobs = 1\ncache-dir = "{tmp_path / "cache"}"\nreport = "report.json"\n'
    )
    out = tmp_path / "out"
    state.prepare(out)
    with state.locked(out, wait=False, stop=threading.Event()):
        running = subprocess.Popen(
            [sys.executable, "-m", "broadcaster", "schedule", "jobs.toml"],
            cwd=tmp_path,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(3)
    time.sleep(4)
    running.send_signal(signal.SIGTERM)
    _, stderr = running.communicate(timeout=60)
    assert running.returncode == 0, stderr
    runs = re.findall(r"^(\S+) often: 2 bulletins: 2 rendered, .*\((\d+\.\d) s\)$", stderr, re.M)
    assert len(runs) >= 2, stderr
    assert "often: skipped the run due at" in stderr
    spans = [(datetime.fromisoformat(t).timestamp(), float(s)) for t, s in runs]
    for (start, seconds), (following, _) in itertools.pairwise(spans):
        assert start + seconds <= following + 1  # logged to the second
    items = json.loads((tmp_path / "report.json").read_text())["items"]
    for item in items:
        if item["status"] == "rendered":
            check_audio(Path(item["output"]), item["duration_s"])
    assert len(list((tmp_path / "out").glob("*.mp3"))) == 2
    assert leftovers(tmp_path / "out") == []
