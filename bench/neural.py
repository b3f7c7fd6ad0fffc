"""The neural render of the corpus transcript: its real-time factor, and its ratio to a floor.

The floor is the least a neural render could do: the whole spoken text as phoneme ids
in one onnxruntime call, with the anchor's delivery (no sentence split, no pitch shift,
no mixing, no encoding). Runs alternate render and floor; the medians are printed.
Needs the neural extra: ``make bench-neural``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from broadcaster import render
from broadcaster.engines import engine_for, get_engine
from broadcaster.engines.piper import sentences, to_ids

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT.parent / "shared" / "corpus" / "kbs-radio-2025-02-19.txt"
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
OPTIONS = render.Options(cast="neural")


def full_render(out: Path) -> float:
    """Render the corpus with the neural cast; return the programme's duration (s)."""
    return render.render_file(SCRIPT, out, OPTIONS, get_engine()).duration_s


def floor_of(prepared: render.Prepared):
    """One onnxruntime call on all of ``prepared``'s spoken text, as one id sequence."""
    text = " ".join(segment.spoken for _, segment in prepared.bulletin.segments())
    delivery = prepared.profiles["anchor"].delivery
    model = engine_for(delivery).model(delivery.model)
    clauses = get_engine().clauses(text, model.config.espeak_voice)
    ids = to_ids([p for sentence in sentences(clauses) for p in sentence], model.config.phoneme_ids)

    def floor(out: Path) -> float:
        return model.run(ids, delivery).size / model.config.sample_rate

    return floor


def timed(fn, out: Path) -> tuple[float, float]:
    start = time.perf_counter()
    seconds = fn(out)
    return time.perf_counter() - start, seconds


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bench.mp3"
        timed(full_render, out)  # warm-up: model load, imports, caches
        floor = floor_of(render.prepare(SCRIPT, get_engine(), OPTIONS))
        factors, ratios = [], []
        for _ in range(RUNS):
            base, _ = timed(floor, out)
            took, audio_s = timed(full_render, out)
            factors.append(took / audio_s)
            ratios.append(took / base)
    print(
        f"neural render over {RUNS} alternating runs: real-time factor median "
        f"{statistics.median(factors):.3f} ({1 / statistics.median(factors):.1f}x real time); "
        f"render/one-call floor median {statistics.median(ratios):.2f}x "
        f"(min {min(ratios):.2f}x, max {max(ratios):.2f}x)"
    )


if __name__ == "__main__":
    main()
