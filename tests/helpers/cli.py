"""The CLI run two ways, and what a failure must look like.

:func:`run_cli` starts ``python -m broadcaster`` in a fresh process: for tests whose point
is the process (signals, the real entry point's exit status, import weight, stdout and
stderr as separate pipes, the environment read at start-up: which eSpeak library, which
ffmpeg, ``TMPDIR``). :func:`invoke` runs the same click group in this process with
click's ``CliRunner`` and the real engine, and answers the same way, so a test converts by
its call alone; it saves a Python start and an eSpeak load per call."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from tests.helpers.paths import ROOT


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    """``python -m broadcaster ARGS`` in a fresh process (its own eSpeak, real stdout/stderr)."""
    return subprocess.run(
        [sys.executable, "-m", "broadcaster", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd or ROOT,
        timeout=300,
    )


def invoke(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    """``broadcaster ARGS`` in this process: exit status, stdout and stderr as
    :func:`run_cli` gives them. An exception that escapes the command is raised here, as
    the traceback the real entry point would print. ``env`` is set for the call only, so
    it must not be one that the product reads once per process (``find_ffmpeg`` is cached;
    the engine is loaded once; ``tempfile`` reads ``TMPDIR`` once): use :func:`run_cli`."""
    from broadcaster.cli import cli

    before = Path.cwd()
    os.chdir(cwd or ROOT)
    try:
        result = CliRunner().invoke(cli, list(args), env=env, prog_name="broadcaster")
    finally:
        os.chdir(before)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(
        ["broadcaster", *args], result.exit_code, result.stdout, result.stderr
    )


def check_failure(done, *, status: int = 1, says: str, quiet: bool = True) -> None:
    """``done`` (a :func:`run_cli` or :func:`invoke` answer) failed as a user's mistake
    must: exit ``status``, no traceback, one ``Error:`` line on stderr (for status 1)
    containing ``says``, and (if ``quiet``) nothing on stdout."""
    assert done.returncode == status, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    if status == 1:
        assert len(lines) == 1, done.stderr
    assert lines[-1].startswith("Error: "), done.stderr
    assert says in done.stderr, done.stderr
    if quiet:
        assert done.stdout == ""
