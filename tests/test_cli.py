"""The command group: every command found by name; --version loads nothing heavy; signals and
a closed stdout end a command as promised."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import mutagen
import numpy as np
import pytest

from broadcaster import cli
from broadcaster.ffmpeg import FFMPEG_ENV
from broadcaster.output import export, files
from tests.helpers.audio import ebur128
from tests.helpers.cli import run_cli
from tests.helpers.paths import KBS, ROOT


def test_every_command_is_mapped_to_the_module_that_defines_it():
    # Each module adds its commands to the group when imported.
    import broadcaster.cli.batch
    import broadcaster.cli.commands  # noqa: F401

    assert set(cli.cli.commands) == set(cli.COMMANDS)
    for name, module in cli.COMMANDS.items():
        assert cli.cli.commands[name].callback.__module__ == module


def test_version_loads_no_command_and_no_audio_stack():
    probe = (
        "import sys\n"
        "from broadcaster.cli import cli\n"
        "for args in (['--version'],):\n"
        "    try:\n"
        "        cli.main(args, prog_name='broadcaster')\n"
        "    except SystemExit as exit:\n"
        "        assert exit.code == 0, exit.code\n"
        "heavy = {'numpy', 'pyttsx3', 'broadcaster.cli.commands', 'broadcaster.cli.batch'}\n"
        "heavy &= set(sys.modules)\n"
        "print('loaded:', sorted(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "broadcaster, version" in done.stdout
    assert done.stdout.strip().endswith("loaded: []"), done.stdout


STALLING_FFMPEG = """#!/bin/sh
# Stands in for the encoder: once the render has sent it audio, says so, then reads no more.
head -c 1 > /dev/null
touch "$0.started"
exec sleep 600
"""


def _stalled(tmp_path: Path, *args: str) -> subprocess.Popen:
    """``broadcaster ARGS`` with an encoder that never finishes, once it has audio."""
    ffmpeg = tmp_path / "ffmpeg"
    ffmpeg.write_text(STALLING_FFMPEG)
    ffmpeg.chmod(0o755)
    running = subprocess.Popen(
        [sys.executable, "-m", "broadcaster", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "BROADCASTER_FFMPEG": str(ffmpeg)},
        cwd=ROOT,
        # A background job of a script inherits SIGINT ignored, and Python then leaves it so.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    started = tmp_path / "ffmpeg.started"
    deadline = time.monotonic() + 120  # a limit for a hung process, not a speed assumption
    while not started.exists():
        assert running.poll() is None, running.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return running


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize(
    "command", [["render"], ["preview", "--story", "1"]], ids=["render", "preview"]
)
def test_a_signal_stops_a_render_with_one_line_and_leaves_nothing(tmp_path, command, signum):
    out = tmp_path / "out"
    out.mkdir()
    args = [*command, str(KBS), "-o", str(out / "b.wav"), "--no-music"]
    running = _stalled(tmp_path, *args)
    running.send_signal(signum)
    stdout, stderr = running.communicate(timeout=120)
    assert running.returncode == 128 + signum, stderr
    assert (stdout, stderr) == ("", f"Error: stopped by {signum.name}\n")
    assert list(out.iterdir()) == []


def test_an_interrupt_while_the_encoder_drains_stops_ffmpeg_and_leaves_nothing(tmp_path):
    # Where the signal lands depends on timing; this one is the interrupt of a render whose
    # audio is all sent, while it waits for ffmpeg (seen: the stand-in outlived the render).
    ffmpeg = tmp_path / "ffmpeg"
    ffmpeg.write_text("#!/bin/sh\nexec sleep 600\n")  # never reads, never ends
    ffmpeg.chmod(0o755)
    target = tmp_path / "out" / "b.wav"
    target.parent.mkdir()
    enc = export.encoding(export.FORMATS["wav"])
    tags = export.Tags("title", None, None, "comment")
    with pytest.raises(KeyboardInterrupt), ExitStack() as stack:
        patch = stack.enter_context(pytest.MonkeyPatch.context())
        patch.setenv(FFMPEG_ENV, str(ffmpeg))
        staged = stack.enter_context(files.fileset())
        with export.encoded(target, 22050, enc, tags, staged) as encoder:
            encoder.write(np.zeros(22050))
            process, join = encoder._process, encoder._thread.join
            interrupted = []

            def join_interrupted(timeout=None):  # the first wait for the encoder, as by SIGINT
                if not interrupted:
                    interrupted.append(True)
                    raise KeyboardInterrupt
                join(timeout)

            encoder._thread.join = join_interrupted
    try:
        assert process.poll() is not None  # ffmpeg stopped, not left running
    finally:
        process.kill()
    assert list(target.parent.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [["render", str(KBS), "-o", "-", "--format", "wav"], ["inspect", str(KBS), "--json"]],
    ids=["render", "inspect"],
)
def test_closed_stdout_ends_quietly_as_unix_tools_do(args):
    # `broadcaster render x -o - | head -c 10`: the reader is gone before anything is written.
    running = subprocess.Popen(
        [sys.executable, "-m", "broadcaster", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    running.stdout.close()
    stderr = running.stderr.read()
    assert running.wait(timeout=120) == 128 + signal.SIGPIPE
    assert stderr == b""


def test_inspect_json_gives_the_title_the_text_view_shows():
    text = run_cli("inspect", str(KBS))
    shown = next(line for line in text.stdout.splitlines() if line.startswith("Title:"))
    document = json.loads(run_cli("inspect", str(KBS), "--json").stdout)
    title = shown.removeprefix("Title:").strip()
    assert document["title"] == title == "KBS World Radio News, 2025-02-19"


def test_preview_of_a_role_picks_its_unnamed_speaker(tmp_path):
    out = tmp_path / "anchor.wav"
    done = run_cli("preview", str(KBS), "--speaker", "Anchor", "-o", str(out), "--no-music")
    assert done.returncode == 0, done.stderr
    picked = [line.split()[:4] for line in done.stdout.splitlines() if "  story " in line]
    assert picked == [["1", "story", "1", "anchor"]]  # the reporter, Choi You Sun, is left out
    assert out.stat().st_size > 100_000


def _ffmpegs() -> list:
    """Each ffmpeg the README allows that is installed here: the system's, the wheel's."""
    try:
        import imageio_ffmpeg

        wheel = imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        wheel = None
    found = {"system": shutil.which("ffmpeg"), "wheel": wheel}
    return [
        pytest.param(exe, id=name, marks=[] if exe else [pytest.mark.skip(f"no {name} ffmpeg")])
        for name, exe in found.items()
    ]


@pytest.mark.parametrize("ffmpeg", _ffmpegs())
@pytest.mark.parametrize("fmt", ["mp3", "m4a", "opus"])
def test_renders_on_target_with_every_ffmpeg_here(tmp_path, ffmpeg, fmt):
    out = tmp_path / f"bulletin.{fmt}"
    done = run_cli("render", str(KBS), "-o", str(out), "--json", env={FFMPEG_ENV: ffmpeg})
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert mutagen.File(out).info.length == pytest.approx(report["duration_s"], abs=0.05)
    integrated, peak = ebur128(out, ffmpeg)  # decoded and measured by the same ffmpeg
    assert integrated == pytest.approx(-16.0, abs=0.5)
    assert peak <= -1.0
