"""One batch run: find the transcripts, skip what is up to date, render the rest in workers,
move each finished bulletin into place, and say what happened to every input."""

from __future__ import annotations

import json
import secrets
import signal
import threading
import time
import warnings
from collections import deque
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Protocol

from broadcaster import dialects
from broadcaster.atomic import write_atomic
from broadcaster.batch import cache, feed, state
from broadcaster.batch.index import write_index
from broadcaster.batch.naming import Template
from broadcaster.batch.runners import Runner, open_runner
from broadcaster.batch.sources import find_sources
from broadcaster.batch.worker import Outcome, Task
from broadcaster.dialects.reading import read_transcript
from broadcaster.errors import BatchError, BroadcasterError
from broadcaster.output import files
from broadcaster.output.sidecars import check_outputs
from broadcaster.render import Options

POLL_S = 0.25
"""How often the loop looks for a stop request while workers are busy."""
STATUSES = ("rendered", "skipped", "failed", "interrupted")


@dataclass(frozen=True)
class Batch:
    """Everything a user chooses about one batch run."""

    sources: tuple[str, ...]
    """Files, folders and glob patterns."""
    out: Path
    """The output folder."""
    template: Template
    """How outputs are named inside ``out``."""
    options: Options
    """Every bulletin's render options, passed through whole."""
    jobs: int
    """Local worker processes (or LocalCluster workers)."""
    cache: Path
    """The clip cache folder."""
    force: bool = False
    """Render even the bulletins that are up to date."""
    wait: bool = False
    """Wait for another batch's lock on ``out`` instead of failing."""
    scheduler: str | None = None
    """A Dask scheduler address, or ``local``; None for local workers."""
    report: Path | None = None
    """Where to write the JSON report."""
    feed_url: str | None = None
    """Base URL of ``out`` on the web: write ``out/feed.xml`` after the run."""
    podcast: feed.Podcast = field(default_factory=feed.Podcast)
    """What that feed says about itself."""


@dataclass(frozen=True)
class Item:
    """What became of one input (a line of the report)."""

    input: Path
    """The transcript."""
    status: str
    """``rendered``, ``skipped``, ``failed`` or ``interrupted``."""
    output: Path | None = None
    """The audio file, when the input could be named."""
    duration_s: float | None = None
    """The bulletin's duration, when it exists."""
    seconds: float = 0.0
    """Time the render took."""
    error: str | None = None
    """Why it failed."""
    synthesized: int = 0
    """Clips the engine made."""
    cached: int = 0
    """Clips read from the cache."""
    warnings: tuple[str, ...] = ()
    """What the render warned about."""


@dataclass(frozen=True)
class Summary:
    """A whole run."""

    items: tuple[Item, ...]
    """One per input, in input order."""
    seconds: float
    """Wall time of the run."""
    stopped_by: str | None = None
    """The signal that stopped the run early (e.g. ``SIGTERM``), if one did."""
    error: str | None = None
    """Why the run could not start or finish (a locked folder, a lost scheduler), if so."""

    def count(self, status: str) -> int:
        """How many items have ``status``."""
        return sum(item.status == status for item in self.items)

    def line(self) -> str:
        """``N bulletins: a rendered, b skipped, c failed (t s)``."""
        counts = ", ".join(f"{self.count(s)} {s}" for s in STATUSES if s != "interrupted")
        left = self.count("interrupted")
        tail = f", {left} left for the next run" if left else ""
        return f"{len(self.items)} bulletins: {counts}{tail} ({self.seconds:.1f} s)"


class Stop(threading.Event):
    """Set to stop a run early: nothing new starts, work in progress is finished."""

    signal: str | None = None
    """The signal that set it, if one did."""


class Progress(Protocol):
    """Told how many inputs there are, then of each one's fate as it is known."""

    def start(self, total: int) -> None: ...

    def advance(self, item: Item) -> None: ...


@dataclass
class _Pending:
    script: Path
    relative: str
    made_from: str
    task: Task


@dataclass
class _Run:
    batch: Batch
    stop: Stop
    progress: Progress | None
    items: dict[Path, Item] = field(default_factory=dict)

    def record(self, item: Item) -> None:
        self.items[item.input] = item
        if self.progress:
            self.progress.advance(item)


@contextmanager
def stop_on_signals() -> Iterator[Stop]:
    """A Stop set by SIGINT or SIGTERM while the block runs (main thread only)."""
    stop = Stop()

    def handle(signum: int, frame: object) -> None:
        stop.signal = signal.Signals(signum).name
        stop.set()

    previous = {s: signal.signal(s, handle) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def run_batch(batch: Batch, stop: Stop, progress: Progress | None = None) -> Summary:
    """Run ``batch``; raises BroadcasterError if it cannot start (no sources, a locked or
    unwritable output folder, an unreachable cluster) or finish (a lost cluster), after
    writing the report. One input's failure is in its item."""
    started = time.monotonic()
    scripts = find_sources(batch.sources)
    run = _Run(batch, stop, progress)
    try:
        # The cluster first: a scheduler that cannot be reached leaves --out untouched.
        with closing(open_runner(batch.scheduler, batch.jobs)) as runner:
            state.prepare(batch.out)
            with state.locked(batch.out, batch.wait, stop):
                try:
                    _run_locked(run, scripts, runner)
                finally:
                    state.clear_staging(batch.out)
                if batch.feed_url:
                    feed.write_feed(batch.out, batch.feed_url, batch.out / feed.FEED, batch.podcast)
                write_index(batch.out, batch.podcast.title)
    except BroadcasterError as exc:
        _summarise(run, scripts, started, str(exc))
        raise
    return _summarise(run, scripts, started)


def _summarise(run: _Run, scripts: list[Path], started: float, error: str | None = None) -> Summary:
    """The run's Summary, written to the report: an input with no fate is interrupted. A
    report that cannot be written does not hide ``error``."""
    items = tuple(run.items.get(s) or Item(s, "interrupted") for s in scripts)
    summary = Summary(items, time.monotonic() - started, run.stop.signal, error)
    if run.batch.report:
        try:
            write_report(run.batch.report, summary)
        except BatchError:
            if error is None:
                raise
    return summary


def _run_locked(run: _Run, scripts: list[Path], runner: Runner) -> None:
    state.clear_staging(run.batch.out)
    files.sweep(run.batch.out, time.time())  # what renders killed there left behind
    cache.sweep(run.batch.cache)
    if run.progress:
        run.progress.start(len(scripts))
    # A folder of this run's own: a worker orphaned by a lost cluster may still write into
    # its task's folder, which must never be another run's.
    staging = state.staging(run.batch.out) / secrets.token_hex(4)
    pending, names = [], {}
    for index, script in enumerate(scripts):
        planned = _plan(run.batch, script, staging / str(index), names)
        if isinstance(planned, Item):
            run.record(planned)
        else:
            pending.append(planned)
    if pending:
        _execute(run, pending, runner)


def _plan(batch: Batch, script: Path, folder: Path, names: dict[str, Path]) -> Item | _Pending:
    """An Item if ``script`` fails or is up to date, else the work to do (in ``folder``)."""
    try:
        relative = batch.template.name(_values(batch, script)).as_posix()
        made_from = state.fingerprint(script, batch.options)
    except BroadcasterError as exc:
        return Item(script, "failed", error=str(exc))
    except OSError as exc:
        return Item(script, "failed", error=f"cannot read {script}: {exc.strerror}")
    output = batch.out / relative
    if relative in names:
        error = f"its output {relative} is also {names[relative].name}'s"
        return Item(script, "failed", output, error=error)
    names[relative] = script
    duration = None if batch.force else state.current(batch.out, relative, made_from)
    if duration is not None:
        return Item(script, "skipped", output, duration)
    try:  # as a render does: never the transcript, nor another audio file's sidecars
        check_outputs(str(script), output, batch.options.sidecars)
    except BroadcasterError as exc:
        return Item(script, "failed", output, error=str(exc))
    staged = folder / PurePosixPath(relative).name
    return _Pending(script, relative, made_from, Task(script, staged, batch.options, batch.cache))


def _values(batch: Batch, script: Path) -> dict[str, str]:
    """The template's fields for ``script`` (parsed only if the template needs it)."""
    values = {"stem": script.stem, "ext": _extension(batch.options)}
    if batch.template.needs_metadata:
        options = batch.options
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the worker reports them
            bulletin = dialects.parse(read_transcript(script, options.encoding), options.dialect)
        values |= {
            "date": bulletin.date or "undated",
            "station": bulletin.station or "no station",
            "title": bulletin.display_title(),
        }
    return values


def _extension(options: Options) -> str:
    """The audio's file extension: the options' format once they have one, else mp3."""
    return getattr(options, "format", None) or "mp3"


def _execute(run: _Run, pending: list[_Pending], runner: Runner) -> None:
    """Keep every worker busy, one task each, until all are done or a stop is requested;
    what was never started is left for the next run, and so is what a lost cluster held."""
    queue, running = deque(pending), {}
    try:
        while running or (queue and not run.stop.is_set()):
            while queue and len(running) < runner.capacity and not run.stop.is_set():
                job = queue.popleft()
                running[runner.submit(job.task)] = job
            for future in runner.wait(list(running), POLL_S):
                run.record(_finish(run, running[future], runner.outcome(future)))
                del running[future]
    finally:
        for job in [*running.values(), *queue]:
            run.record(Item(job.script, "interrupted", run.batch.out / job.relative))


def _finish(run: _Run, job: _Pending, outcome: Outcome) -> Item:
    """Move a finished bulletin into place; a failure after a stop request counts as
    interrupted (the signal may have caused it)."""
    output = run.batch.out / job.relative
    common = (outcome.seconds, outcome.error, outcome.synthesized, outcome.cached)
    if outcome.error:
        status = "interrupted" if run.stop.is_set() else "failed"
        return Item(job.script, status, output, None, *common, outcome.warnings)
    try:
        staged = job.task.target.parent
        state.publish(staged, run.batch.out, job.relative, job.made_from, outcome.duration_s)
    except OSError as exc:
        error = f"cannot move the output into place: {exc.strerror}: {exc.filename}"
        return Item(job.script, "failed", output, None, outcome.seconds, error)
    return Item(job.script, "rendered", output, outcome.duration_s, *common, outcome.warnings)


def write_report(path: Path, summary: Summary) -> None:
    """The JSON report: totals, then each input's status, output, duration and time taken."""
    document = {
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(summary.seconds, 3),
        "stopped_by": summary.stopped_by,
        "error": summary.error,
        "counts": {status: summary.count(status) for status in STATUSES},
        "items": [_report_item(item) for item in summary.items],
    }
    try:
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        write_atomic(path, text.encode())
    except OSError as exc:
        raise BatchError(f"cannot write the report {path}: {exc.strerror}") from None


def _report_item(item: Item) -> dict:
    return {
        "input": str(item.input),
        "status": item.status,
        "output": str(item.output) if item.output else None,
        "duration_s": round(item.duration_s, 3) if item.duration_s is not None else None,
        "seconds": round(item.seconds, 3),
        "error": item.error,
        "synthesized": item.synthesized,
        "cached": item.cached,
        "warnings": list(item.warnings),
    }
