"""What every benchmark shares: whole processes timed alternately, medians, and a verdict
against the issue's target. These machines are noisy, so only ratios measured in the
same run are compared, never absolute times between runs."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "kbs-radio-2025-02-19.txt"
PYTHON = sys.executable


def runs_from_argv(default: int) -> int:
    """How many alternating runs: the script's first argument, else ``default``."""
    return int(sys.argv[1]) if len(sys.argv) > 1 else default


def timed(command: list[str]) -> float:
    """Wall seconds of ``command`` as a whole process, start-up included."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, cwd=ROOT)
    took = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{command[:4]} failed: {done.stderr.decode()[-2000:]}")
    return took


def alternate(commands: dict[str, list[str]], runs: int) -> dict[str, list[float]]:
    """Each command ``runs`` times, in turn (after one warm-up each: file cache, imports)."""
    for command in commands.values():
        timed(command)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(timed(command))
    return times


def ratio_line(label: str, ours: list[float], base: list[float], target: str) -> str:
    """``label``: the median of ours/base run by run, its spread, and the target's verdict
    (``target`` as "<= 1.0" or ">= 1.8")."""
    ratios = [a / b for a, b in zip(ours, base, strict=True)]
    median = statistics.median(ratios)
    return (
        f"{label}: {median:.2f}x (min {min(ratios):.2f}x, max {max(ratios):.2f}x; medians "
        f"{statistics.median(ours):.3f} s / {statistics.median(base):.3f} s); "
        f"{verdict(median, target)}"
    )


def verdict(value: float, target: str) -> str:
    """ "target <= 1.0: met" or "... NOT met"."""
    op, bound = target.split()
    met = value <= float(bound) if op == "<=" else value >= float(bound)
    return f"target {target}: {'met' if met else 'NOT met'}"
