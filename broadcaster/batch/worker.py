"""One bulletin's work, as run in a worker process (local or on a Dask worker).

Workers are started with the ``spawn`` method: eSpeak is initialised once per process
and cannot be re-initialised, and a child forked from a process that used it may speak
only once (pyttsx3 #131, ENGINE-NOTES.md). Each worker gets its own engine from
``engines.Router()`` (eSpeak or Piper per voice); the batch process itself never touches
the engine.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from broadcaster.batch.cache import ClipCache
from broadcaster.engines import Router
from broadcaster.errors import BroadcasterError
from broadcaster.render import Options, render

_ENGINE_LOCK = threading.Lock()
"""One engine per process, and eSpeak is not thread-safe: a Dask worker with several
threads renders one bulletin at a time."""


@dataclass(frozen=True)
class Task:
    """One bulletin to render."""

    script: Path
    """The transcript."""
    target: Path
    """Where to write the audio: a file in its own staging folder."""
    options: Options
    """The render's options, passed through whole."""
    cache: Path
    """The clip cache folder."""


@dataclass(frozen=True)
class Outcome:
    """What a worker reports for one task."""

    duration_s: float | None
    """The bulletin's duration; None if it failed."""
    error: str | None
    """Why it failed, in one line; None if it succeeded."""
    seconds: float
    """Time taken to render it."""
    synthesized: int
    """Clips the engine made (cache misses)."""
    cached: int
    """Clips read back from the cache."""
    warnings: tuple[str, ...] = ()
    """Warnings the render raised (e.g. a transcript read as prose)."""


def run_task(task: Task) -> Outcome:
    """Render ``task``; never raises for a bad transcript (the error is in the outcome)."""
    started = time.perf_counter()
    with _ENGINE_LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        engine = ClipCache(Router(), task.cache)
        try:
            done = render(task.script, task.target, options=task.options, engine=engine)
            duration, error = done.duration_s, None
        except BroadcasterError as exc:
            duration, error = None, str(exc)
        except Exception as exc:  # a bug must fail one bulletin, not the batch
            duration, error = None, f"internal error: {type(exc).__name__}: {exc}"
    notes = tuple(dict.fromkeys(str(w.message) for w in caught))
    seconds = time.perf_counter() - started
    return Outcome(duration, error, seconds, engine.synthesized, engine.cached, notes)


def start_local_worker() -> None:
    """Initialiser of a local worker process.

    The batch process alone handles Ctrl-C and SIGTERM, finishing the bulletins in
    progress: so the worker and its ffmpeg leave the terminal's process group (Ctrl-C
    would kill ffmpeg mid-encode) and ignore both signals. And a worker exits as soon as
    the batch process is gone: after a SIGKILL nothing else would stop it, and it must not
    write behind the next run's back.
    """
    os.setsid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent) -> None:
    parent.join()  # returns when the parent's end of the spawn pipe closes
    os._exit(1)
