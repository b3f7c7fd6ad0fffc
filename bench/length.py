"""Render time and peak memory of a 6-minute and a 60-minute bulletin; their ratios.

The bulletins are producer scripts built from the stories of examples/ (repeated until
long enough), rendered by `broadcaster render` in a fresh process each, alternating
sizes; time and peak resident memory (ru_maxrss, of that process) are medians of the
runs. The 60-minute render should take about ten times the 6-minute one and hold no more
than about one copy of the programme's PCM.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, runs_from_argv, verdict

RUNS = runs_from_argv(2)
STORY = (
    "## Story {n}\n"
    "anchor: Ferry fares across the harbour go up by a fifth next month. Lena Ortiz reports.\n"
    "reporter Lena Ortiz: The operator says fuel now costs twice what it did two years ago. "
    "It will keep the cheaper commuter pass, but only for off-peak sailings. Regular "
    "passengers at the north pier were not impressed.\n"
    "soundbite Sam Holt (commuter): I cross twice a day. That is forty dollars more a month "
    "for me, and nobody asked us.\n"
    "reporter Lena Ortiz: The city council meets the operator on Monday to talk about the "
    "timetable and the fares. Lena Ortiz, Harbour City Radio.\n"
)
STORY_S = 33.0
"""About how long one story lasts, with its pauses and transition."""


def script(minutes: int, folder: Path) -> Path:
    stories = round(minutes * 60 / STORY_S)
    text = "---\ntitle: Length bench\ndate: 2026-06-12\nstation: Bench Radio\n---\n"
    text += "".join(STORY.format(n=n) for n in range(1, stories + 1))
    path = folder / f"bulletin-{minutes}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def measure(path: Path, out: Path) -> tuple[float, float, float]:
    """(seconds, peak RSS in MiB, programme seconds) of one render in its own process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "broadcaster", "render", str(path), "-o", str(out), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )  # fmt: skip
    stdout = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status:
        raise SystemExit(process.stderr.read().decode())
    return elapsed, usage.ru_maxrss / 1024, json.loads(stdout)["duration_s"]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        scripts = {m: script(m, folder) for m in (6, 60)}
        results: dict[int, list] = {6: [], 60: []}
        for _ in range(RUNS):
            for minutes, path in scripts.items():
                results[minutes].append(measure(path, folder / f"{minutes}.mp3"))
    med = {
        m: [statistics.median(r[i] for r in runs) for i in range(3)] for m, runs in results.items()
    }
    for minutes, (secs, rss, length) in med.items():
        print(f"{minutes:>2}-minute bulletin ({length / 60:.1f} min): render {secs:.1f} s, "
              f"peak memory {rss:.0f} MiB")  # fmt: skip
    time_ratio = med[60][0] / med[6][0]
    length_ratio = med[60][2] / med[6][2]
    pcm_growth = (med[60][2] - med[6][2]) * 44100 * 2 / 2**20
    growth = (med[60][1] - med[6][1]) / pcm_growth
    print(
        f"render time 60/6: {time_ratio:.2f}x for {length_ratio:.2f}x the audio; "
        f"{verdict(time_ratio, '<= 10.5')}"
    )
    print(f"peak memory growth: {med[60][1] - med[6][1]:.0f} MiB for {pcm_growth:.0f} MiB more "
          f"raw PCM at 44.1 kHz, 16-bit: {growth:.2f}x; {verdict(growth, '<= 1.5')}")  # fmt: skip


if __name__ == "__main__":
    main()
