"""Helpers for the batch tests: small transcripts, a batch run, checking its outputs."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.cli import run_cli

SENTENCES = (
    "The harbour ferry runs late again this morning.",
    "Engineers found a fault in the north pier gate.",
    "Repairs should take two days, the operator says.",
    "Commuters are asked to allow an extra half hour.",
)


def producer(number: int, sentences: tuple[str, ...] = SENTENCES) -> str:
    """A small producer script, its date and first sentence told apart by ``number``."""
    return (
        f"---\ntitle: Test Bulletin {number}\ndate: 2026-06-{number:02d}\n"
        f"station: Test Radio\n---\n## Ferries\n"
        f"anchor: Bulletin number {number}. {' '.join(sentences)}\n"
    )


def write_bulletins(folder: Path, count: int, start: int = 1) -> list[Path]:
    """``count`` good transcripts in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(start, start + count):
        path = folder / f"bulletin-{number:02d}.txt"
        path.write_text(producer(number), encoding="utf-8")
        paths.append(path)
    return paths


def batch(*args: str, env: dict[str, str] | None = None):
    """``broadcaster batch ARGS`` in a fresh process."""
    return run_cli("batch", *args, env=env)


def report(path: Path) -> dict[str, dict]:
    """The report's items by input file name."""
    return {Path(i["input"]).name: i for i in json.loads(path.read_text())["items"]}


def leftovers(*folders: Path) -> list[Path]:
    """Temporary files and half-rendered work anywhere under ``folders``."""
    found = []
    for folder in folders:
        found += [p for p in folder.rglob("*.part")]
        staging = folder / ".broadcaster" / "tmp"
        found += list(staging.iterdir()) if staging.exists() else []
    return found
