"""Render the corpus transcript against its floor, alternating runs; print the median ratio.

The floor is the least any renderer could do with the same parts: the whole text
synthesised in one engine call and encoded once by the same ffmpeg at the same bitrate.
Absolute times vary between machines and runs; the ratio measured in one run does not.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from broadcaster import export, mix, render
from broadcaster.engines import get_engine

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT.parent / "shared" / "corpus" / "kbs-radio-2025-02-19.txt"
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 7


def full_render(out: Path) -> None:
    engine = get_engine()
    render.render(render.prepare(SCRIPT, engine), engine, out)


def floor_of(prepared: render.Prepared):
    """The floor for ``prepared``: its spoken text in one call, one encode."""
    text = " ".join(segment.spoken for _, segment in prepared.bulletin.segments())
    delivery = prepared.profiles["anchor"].delivery

    def floor(out: Path) -> None:
        clip = get_engine().synthesize(text, delivery, "floor")
        programme, chapters = mix.assemble([mix.Part("all", clip, True)])
        export.export_mp3(programme, out, export.Tags("floor", None, None, "floor"), chapters)

    return floor


def timed(fn, out: Path) -> float:
    start = time.perf_counter()
    fn(out)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bench.mp3"
        timed(full_render, out)  # warm-up: engine start, imports, caches
        floor = floor_of(render.prepare(SCRIPT, get_engine()))
        ratios = []
        for _ in range(RUNS):
            base = timed(floor, out)
            ratios.append(timed(full_render, out) / base)
    print(
        f"render/floor over {RUNS} alternating runs: median {statistics.median(ratios):.2f}x "
        f"(min {min(ratios):.2f}x, max {max(ratios):.2f}x)"
    )


if __name__ == "__main__":
    main()
