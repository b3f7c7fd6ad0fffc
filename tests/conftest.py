"""Shared test helpers: the real engine, the real ffmpeg, the CLI in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from broadcaster.dirs import CACHE_ENV
from broadcaster.engines import get_engine
from broadcaster.engines.espeak import EspeakEngine
from broadcaster.ffmpeg import find_ffmpeg

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CORPUS = ROOT.parent / "shared" / "corpus"
KBS = CORPUS / "kbs-radio-2025-02-19.txt"


@pytest.fixture(scope="session", autouse=True)
def own_cache_dir(tmp_path_factory):
    """Clips cached by the tests (and the commands they run) stay out of the user's cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(tmp_path_factory.mktemp("clip-cache")))
        yield


@pytest.fixture(scope="session")
def engine() -> EspeakEngine:
    """The process's real eSpeak engine."""
    return get_engine()


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


def decode(mp3: Path, rate: int = 44100) -> bytes:
    """An audio file decoded by the real ffmpeg to 16-bit mono PCM at ``rate``."""
    done = subprocess.run(
        [
            find_ffmpeg(),
            "-v",
            "error",
            "-i",
            str(mp3),
            "-f",
            "s16le",
            "-ac",
            "1",
            "-ar",
            str(rate),
            "-",
        ],
        capture_output=True,
        check=True,
    )
    return done.stdout
