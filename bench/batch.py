"""Batch speed: 40 bulletins cold with --jobs 1 and --jobs 2, and a warm re-run, alternating.

Each round renders the same 40 transcripts into a fresh output folder with a fresh clip
cache, once with one worker and once with two, then runs the second batch again (nothing
changed: every bulletin is skipped). Prints the medians, the speed-up of two workers over
one, the warm/cold ratio, and the workers' own time per bulletin (if it grows with two
workers, other processes held the cores and the speed-up is capped by the machine).
Targets: speed-up >= 1.8 on 2 cores, warm <= 5 % of cold. Wall times of the real CLI,
as a cron job would see them.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import verdict

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
BULLETINS = 40
WORDS = [
    "council",
    "harbour",
    "ferry",
    "minister",
    "rail",
    "strike",
    "budget",
    "school",
    "hospital",
    "weather",
    "storm",
    "market",
    "price",
    "workers",
    "union",
    "court",
    "police",
    "road",
    "bridge",
    "airport",
    "station",
    "water",
    "power",
    "energy",
    "farmers",
    "city",
    "village",
    "museum",
    "library",
    "festival",
    "river",
    "coast",
    "island",
    "vote",
    "report",
    "plan",
    "official",
    "spokesperson",
    "residents",
    "traffic",
    "delay",
    "repair",
    "morning",
    "evening",
    "week",
    "month",
    "year",
]


def transcripts(folder: Path) -> None:
    """40 distinct producer scripts, three stories each (about 50 s of speech)."""
    rng = random.Random(8)
    for number in range(1, BULLETINS + 1):
        stories = []
        for story in range(3):
            lines = [f"## Story {story}"]
            for role in ("anchor", "reporter Alex Reed"):
                said = " ".join(_sentence(rng) for _ in range(2))
                lines.append(f"{role}: {said}")
            stories.append("\n".join(lines))
        head = f"---\ntitle: Bench {number}\ndate: 2026-06-01\nstation: Bench Radio\n---\n"
        (folder / f"bench-{number:02d}.txt").write_text(head + "\n".join(stories) + "\n")


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 14))]
    return " ".join(words).capitalize() + "."


def timed_batch(sources: Path, out: Path, cache: Path, jobs: int) -> tuple[float, float]:
    """Wall time of a batch, and the mean time its workers took per bulletin rendered."""
    command = [sys.executable, "-m", "broadcaster", "batch", str(sources), "--out", str(out)]
    command += ["--cache-dir", str(cache), "--jobs", str(jobs), "--quiet"]
    command += ["--report", str(out.parent / "report.json")]
    start = time.perf_counter()
    subprocess.run(command, check=True)
    wall = time.perf_counter() - start
    items = json.loads((out.parent / "report.json").read_text())["items"]
    rendered = [item["seconds"] for item in items if item["status"] == "rendered"]
    return wall, statistics.mean(rendered) if rendered else 0.0


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "in").mkdir()
        transcripts(root / "in")
        times: dict[str, list[float]] = {"jobs 1": [], "jobs 2": [], "warm": []}
        each: dict[int, list[float]] = {1: [], 2: []}
        for round_ in range(ROUNDS):
            for jobs in (1, 2):
                out, cache = root / f"out-{round_}-{jobs}", root / f"cache-{round_}-{jobs}"
                wall, per_bulletin = timed_batch(root / "in", out, cache, jobs)
                times[f"jobs {jobs}"].append(wall)
                each[jobs].append(per_bulletin)
            times["warm"].append(timed_batch(root / "in", out, cache, 2)[0])
    median = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        runs = ", ".join(f"{v:.2f}" for v in values)
        print(f"{name:>7}: median {median[name]:.2f} s ({runs})")
    speedup = median["jobs 1"] / median["jobs 2"]
    print(f"speed-up, 2 workers over 1: {speedup:.2f}x; {verdict(speedup, '>= 1.8')}")
    one, two = (statistics.median(each[jobs]) for jobs in (1, 2))
    print(
        f"worker time per bulletin: {one:.2f} s alone, {two:.2f} s with two workers "
        f"({100 * (two / one - 1):+.0f} %: above 0, the two cores were not both free)"
    )
    for jobs in (1, 2):
        ratio = median["warm"] / median[f"jobs {jobs}"]
        print(f"warm re-run / cold --jobs {jobs}: {100 * ratio:.1f} %; {verdict(ratio, '<= 0.05')}")


if __name__ == "__main__":
    main()
