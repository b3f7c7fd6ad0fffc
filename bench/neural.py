"""Target 6: the corpus transcript rendered with the neural cast against its floor.

The floor is the least a neural render could do: one process that loads the same Piper
model with onnxruntime, runs the whole spoken text as one id sequence in one call (the
anchor's delivery), and one ffmpeg that encodes the samples once to our default format.
The phoneme ids are worked out here beforehand and handed to it, so it imports nothing
of ours. Whole processes, alternating. Target (issue 11): render / floor <= 1.0.
Needs the neural extra: ``make bench-neural``.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from common import CORPUS, PYTHON, alternate, ratio_line, runs_from_argv
from render import MP3, render_command

FLOOR = """
import json, subprocess, sys
import numpy as np
import onnxruntime
ids_file, model, output, ffmpeg, codec_args = sys.argv[1:]
job = json.load(open(ids_file))
options = onnxruntime.SessionOptions()
options.log_severity_level = 3
session = onnxruntime.InferenceSession(model, sess_options=options,
                                       providers=["CPUExecutionProvider"])
audio = session.run(None, {
    "input": np.array([job["ids"]], dtype=np.int64),
    "input_lengths": np.array([len(job["ids"])], dtype=np.int64),
    "scales": np.array(job["scales"], dtype=np.float32),
})[0].reshape(-1)
# Its own int16 conversion: the floor imports nothing of ours.
pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
subprocess.run([ffmpeg, "-v", "error", "-y", "-f", "s16le", "-ar", str(job["rate"]), "-ac", "1",
                "-i", "pipe:0", *codec_args.split(), output], input=pcm, check=True)
"""


def floor_job(folder: Path) -> tuple[Path, Path]:
    """The floor's input (ids, scales, rate) as a file, and the model's path."""
    import broadcaster
    from broadcaster.engines import engine_for, get_engine
    from broadcaster.engines.piper import sentences, to_ids

    prepared = broadcaster.prepare(CORPUS, options=broadcaster.Options(cast="neural"))
    text = " ".join(segment.spoken for _, segment in prepared.bulletin.segments())
    delivery = prepared.profiles["anchor"].delivery
    model = engine_for(delivery).model(delivery.model)
    clauses = get_engine().clauses(text, model.config.espeak_voice)
    ids = to_ids([p for s in sentences(clauses) for p in s], model.config.phoneme_ids)
    scales = [delivery.noise_scale, delivery.length_scale, delivery.noise_w]
    job = folder / "ids.json"
    job.write_text(json.dumps({"ids": ids, "scales": scales, "rate": model.config.sample_rate}))
    return job, model.path


def against_floor(
    folder: Path, floor_script: str, job: Path, model: Path, cast: str, runs: int
) -> dict[str, list[float]]:
    """The floor (``floor_script`` over ``job`` and ``model``) and our render of the corpus
    with ``cast``, alternating: their wall times. Our render is ``folder/<cast>.mp3``."""
    from broadcaster.ffmpeg import find_ffmpeg

    floor = [PYTHON, "-c", floor_script, str(job), str(model), str(folder / "floor.mp3"),
             find_ffmpeg(), MP3]  # fmt: skip
    ours = render_command(CORPUS, folder / f"{cast}.mp3", "--cast", cast)
    return alternate({"floor": floor, "render": ours}, runs)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        job, model = floor_job(folder)
        times = against_floor(folder, FLOOR, job, model, "neural", runs_from_argv(3))
    print(ratio_line("neural render / floor", times["render"], times["floor"], "<= 1.0"))


if __name__ == "__main__":
    main()
