"""Batch jobs on a timetable, for machines and containers without cron (APScheduler).

A schedule file names each job in a ``[jobs.NAME]`` table: a ``cron`` expression
(five fields, or six with seconds first), an optional ``timezone``, and the options of
``broadcaster batch`` under their long names (``sources`` for the sources).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, JobSubmissionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from broadcaster.batch.run import Stop
from broadcaster.errors import BatchError, BroadcasterError
from broadcaster.tomlfile import read_toml

FIELDS = ("second", "minute", "hour", "day", "month", "day_of_week")
"""A cron expression's fields, seconds first when it has six."""
DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
"""Weekdays in cron's numbering: 0 (and 7) is Sunday."""
SCHEDULE_KEYS = ("cron", "timezone")
"""A job's keys that are the scheduler's; the others are batch options."""
UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class Job:
    """One scheduled batch."""

    name: str
    """Its name (the table's key)."""
    trigger: CronTrigger
    """When it runs."""
    options: dict
    """Its batch options, by long option name (``sources`` for the sources)."""


def load_schedule(path: Path) -> list[Job]:
    """The jobs of a schedule file; raises BatchError naming the job and field at fault."""
    table = read_toml(path)
    extra = sorted(set(table) - {"jobs", "timezone"})
    if extra or not isinstance(table.get("jobs"), dict) or not table["jobs"]:
        raise BatchError(
            f"{path}: expected [jobs.NAME] tables" + (f", not {extra[0]!r}" if extra else ""),
            'e.g. [jobs.hourly] cron = "0 * * * *", sources = ["incoming"], out = "bulletins"',
        )
    zone = table.get("timezone")
    return [_job(path, name, job, zone) for name, job in table["jobs"].items()]


def _job(path: Path, name: str, job: object, zone: object) -> Job:
    where = f"{path}: job {name!r}"
    if not isinstance(job, dict) or not isinstance(job.get("cron"), str):
        raise BatchError(f"{where}: no cron expression", 'add cron = "0 * * * *" (minute hour ...)')
    timezone = _zone(where, job.get("timezone", zone))
    trigger = cron_trigger(where, job["cron"], timezone)
    options = {k: v for k, v in job.items() if k not in SCHEDULE_KEYS}
    return Job(name, trigger, options)


def _zone(where: str, name: object) -> ZoneInfo | None:
    if name is None:
        return None
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise BatchError(
            f"{where}: unknown timezone {name!r}", "e.g. UTC or Europe/London"
        ) from None


def cron_trigger(where: str, expression: str, timezone: ZoneInfo | None) -> CronTrigger:
    """A trigger for a five-field cron expression (or six, seconds first)."""
    values = expression.split()
    if len(values) not in (5, 6):
        raise BatchError(
            f"{where}: cron expression {expression!r} has {len(values)} fields",
            "give minute hour day month weekday, e.g. 0 * * * *",
        )
    names = FIELDS[6 - len(values) :]
    given = dict(zip(names, values, strict=True))
    fields = dict(given)
    try:
        fields["day_of_week"] = _weekdays(fields["day_of_week"])
    except ValueError as exc:
        raise BatchError(
            f"{where}: cron field day_of_week {given['day_of_week']!r}: {exc}"
        ) from None
    for field, value in fields.items():
        try:
            CronTrigger(**{field: value}, timezone=timezone)
        except ValueError as exc:
            raise BatchError(f"{where}: cron field {field} {given[field]!r}: {exc}") from None
    trigger = CronTrigger(**fields, timezone=timezone)
    if trigger.get_next_fire_time(None, datetime.now(trigger.timezone)) is None:
        raise BatchError(
            f"{where}: cron expression {expression!r} never fires (no such date)",
            "check the day and month fields: e.g. February has no 30th or 31st",
        )
    return trigger


def _weekdays(field: str) -> str:
    """Cron's weekday field in APScheduler 3's terms, as day names.

    APScheduler 3 numbers weekdays from Monday = 0, cron from Sunday = 0, and its
    ``from_crontab`` does not translate (APScheduler #286, fixed only in 4.x); names
    avoid the mismatch, and listing them avoids its ranges, which cannot wrap past Sunday.
    """
    if field == "*":
        return field
    days: set[int] = set()
    for part in field.lower().split(","):
        span, _, step = part.partition("/")
        first, _, last = span.partition("-")
        start = 0 if first == "*" else _day(first)
        end = 6 if first == "*" else _day(last) if last else (6 if step else start)
        end = 7 if end == 0 and start > 0 else end  # 1-0 reads as Monday to Sunday
        if end < start or (step and not step.isdigit()) or step == "0":
            raise ValueError(f"bad weekday range {part!r}")
        days |= {d % 7 for d in range(start, end + 1, int(step or 1))}
    return ",".join(DAYS[d] for d in sorted(days))


def _day(token: str) -> int:
    if token in DAYS:
        return DAYS.index(token)
    if token.isdigit() and int(token) <= 7:
        return int(token)
    raise ValueError(f"{token!r} is not a weekday (0-7 or sun-sat)")


def next_times(job: Job, count: int, now: datetime | None = None) -> list[datetime]:
    """The job's next ``count`` run times after ``now``, each later than the one before.

    Each search starts just after the last time found, counted in UTC: added to a local
    time, a microsecond lands on the wall clock, so after the second 01:30 of a DST
    fall-back it gave the first one again, and the same time came back forever."""
    moment = now or datetime.now(job.trigger.timezone)
    times: list[datetime] = []
    previous = None
    while len(times) < count:
        upcoming = job.trigger.get_next_fire_time(previous, moment)
        if upcoming is None:
            break
        times.append(upcoming)
        previous = upcoming
        moment = (upcoming.astimezone(UTC) + timedelta(microseconds=1)).astimezone(upcoming.tzinfo)
    return times


def run_schedule(
    jobs: list[Job],
    run: Callable[[Job, Stop], str],
    stop: Stop,
    log: Callable[[str], None],
) -> None:
    """Run each job on its timetable until ``stop`` is set, then let running jobs finish.

    ``run`` does one run and returns its summary line; each run is logged as one line.
    A job still running at its next time is not started again (that time is logged as
    skipped).
    """
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # we log each run ourselves
    scheduler = BackgroundScheduler()
    for job in jobs:
        scheduler.add_job(
            _logged,
            job.trigger,
            args=(job, run, stop, log),
            id=job.name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
        )
    scheduler.add_listener(lambda event: _skipped(event, log), EVENT_JOB_MAX_INSTANCES)
    scheduler.start()
    for job in jobs:
        log(f"{_now()} {job.name}: scheduled, next run {scheduler.get_job(job.name).next_run_time}")
    stop.wait()
    scheduler.shutdown(wait=True)


def _logged(job: Job, run: Callable[[Job, Stop], str], stop: Stop, log: Callable[[str], None]):
    """One run, logged as one line when it ends: its start time, the job, the outcome."""
    started, clock = _now(), time.monotonic()
    try:
        line = run(job, stop)
    except BroadcasterError as exc:
        line = f"Error: {exc} (after {time.monotonic() - clock:.1f} s)"
    except Exception as exc:  # a bug in one run must not stop the scheduler
        line = f"Error: internal error: {type(exc).__name__}: {exc}"
    log(f"{started} {job.name}: {line}")


def _skipped(event: JobSubmissionEvent, log: Callable[[str], None]) -> None:
    times = ", ".join(t.isoformat(timespec="seconds") for t in event.scheduled_run_times)
    log(f"{_now()} {event.job_id}: skipped the run due at {times}: the last one is still going")


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")
