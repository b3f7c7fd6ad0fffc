"""Issue 16: the corpus transcript rendered with the natural cast (Kokoro) against its floor.

The floor is one bare process that loads the same Kokoro model with onnxruntime (default
session options), runs the same phoneme ids with the same style rows sentence by sentence,
and has one ffmpeg encode the samples once to our default format. The ids, styles and
speeds are worked out here beforehand and handed to it, so it imports nothing of ours.
Whole processes, alternating. Targets: render / floor <= 1.0; a warm re-render from the
clip cache (``batch`` into a fresh folder, the cache full) <= 5 % of a cold one. Also
prints the render's real-time factor (wall seconds per second of speech) on this machine
and the onnxruntime threads it ran with. Needs the natural extra.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
from common import CORPUS, PYTHON, ratio_line, runs_from_argv, verdict
from neural import against_floor

FLOOR = """
import json, subprocess, sys
import numpy as np
import onnxruntime
job_file, model, output, ffmpeg, codec_args = sys.argv[1:]
job = json.load(open(job_file))
styles = np.load(job["styles"])
options = onnxruntime.SessionOptions()
options.log_severity_level = 3
session = onnxruntime.InferenceSession(model, sess_options=options,
                                       providers=["CPUExecutionProvider"])
audio = [session.run(None, {
    "tokens": np.array([[0, *ids, 0]], dtype=np.int64),
    "style": styles[n].reshape(1, 256),
    "speed": np.array([speed], dtype=np.float32),
})[0].reshape(-1) for n, (ids, speed) in enumerate(job["calls"])]
# Its own int16 conversion: the floor imports nothing of ours.
pcm = (np.clip(np.concatenate(audio), -1, 1) * 32767).astype("<i2").tobytes()
subprocess.run([ffmpeg, "-v", "error", "-y", "-f", "s16le", "-ar", "24000", "-ac", "1",
                "-i", "pipe:0", *codec_args.split(), output], input=pcm, check=True)
"""


def floor_job(folder: Path) -> tuple[Path, Path]:
    """The floor's input (each call's ids and speed, the styles) as files, and the model."""
    import broadcaster
    from broadcaster.engines import get
    from broadcaster.engines.kokoro import ROWS, model_bytes
    from broadcaster.text.sentences import utterances

    kokoro = get("kokoro")
    prepared = broadcaster.prepare(CORPUS, options=broadcaster.Options(cast="natural"))
    calls, styles = [], []
    for _, segment in prepared.bulletin.segments():
        delivery = prepared.profiles[segment.voice].delivery
        voice = kokoro.voice(delivery.voice)
        for utterance in utterances(segment.spoken):
            for ids in kokoro.phoneme_ids(utterance, voice):
                calls.append((ids, delivery.speed))
                styles.append(voice.styles[min(len(ids), ROWS - 1)])
    np.save(folder / "styles.npy", np.array(styles))
    job = folder / "job.json"
    job.write_text(json.dumps({"calls": calls, "styles": str(folder / "styles.npy")}))
    model = folder / "kokoro.onnx"
    model.write_bytes(model_bytes())
    return job, model


def threads() -> str:
    """The intra-op threads of the render's Kokoro session (the floor's default options
    make as many): as the engine sets them, else onnxruntime's default, one per physical
    core."""
    from broadcaster.engines import get

    chosen = get("kokoro").session.get_session_options().intra_op_num_threads
    if chosen:
        return f"{chosen} (set by the engine)"
    topology = Path("/sys/devices/system/cpu").glob("cpu[0-9]*/topology")
    cores = {(t / "physical_package_id").read_text() + (t / "core_id").read_text()
             for t in topology}  # fmt: skip
    return f"{len(cores)} (onnxruntime's default: one per physical core)"


def batch(out: Path, cache: Path, source: Path) -> float:
    """Wall seconds of ``broadcaster batch`` of ``source`` with the natural cast."""
    command = [PYTHON, "-m", "broadcaster", "batch", str(source), "--out", str(out), "--cast",
               "natural", "--cache-dir", str(cache), "--jobs", "1", "--quiet"]  # fmt: skip
    start = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - start


def warm_over_cold(folder: Path, runs: int) -> list[float]:
    """A warm batch (full cache, fresh output folder) over a cold one, ``runs`` times."""
    (folder / "in").mkdir()
    shutil.copy(CORPUS, folder / "in")
    ratios = []
    for n in range(runs):
        cold = batch(folder / f"cold{n}", folder / f"cache{n}", folder / "in")
        warm = batch(folder / f"warm{n}", folder / f"cache{n}", folder / "in")
        ratios.append(warm / cold)
    return ratios


def speech_seconds(path: Path) -> float:
    return json.loads(path.with_suffix(".json").read_text())["duration_s"]


def main() -> None:
    runs = runs_from_argv(3)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        job, model = floor_job(folder)
        used = threads()
        times = against_floor(folder, FLOOR, job, model, "natural", runs)
        seconds = speech_seconds(folder / "natural.mp3")
        warm = warm_over_cold(folder, runs)
    print(ratio_line("natural render / floor", times["render"], times["floor"], "<= 1.0"))
    rtf = [t / seconds for t in times["render"]]
    print(f"real-time factor: {statistics.median(rtf):.2f} (render of {seconds:.1f} s; "
          f"runs {', '.join(f'{r:.2f}' for r in rtf)}); threads: {used}")  # fmt: skip
    ratio = statistics.median(warm)
    each = ", ".join(f"{100 * r:.1f}" for r in warm)
    print(f"warm re-render from the clip cache / cold: {100 * ratio:.1f} % (runs {each}); "
          f"{verdict(ratio, '<= 0.05')}")  # fmt: skip


if __name__ == "__main__":
    main()
