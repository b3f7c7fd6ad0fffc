"""Target 2: `broadcaster preview --section 2` of the corpus transcript against its floor.

The floor synthesises that section's spoken text once (the same eSpeak NG library called
directly, as in render.py) and encodes it once to the same format (MP3, 44.1 kHz, mono,
128k). Whole processes, alternating. Target (issue 11): preview / floor <= 1.3.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from common import CORPUS, PYTHON, alternate, ratio_line, runs_from_argv
from render import floor_command, spoken_text

SECTION = 2


def main() -> None:
    runs = runs_from_argv(7)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        preview = [PYTHON, "-m", "broadcaster", "preview", str(CORPUS), "--section",
                   str(SECTION), "-o", str(folder / "preview.mp3")]  # fmt: skip
        spoken = spoken_text(CORPUS, {SECTION})
        times = alternate(
            {"floor": floor_command(spoken, folder, folder / "floor.mp3"), "preview": preview},
            runs,
        )
    print(ratio_line(f"preview --section {SECTION} / floor", times["preview"], times["floor"],
                     "<= 1.3"))  # fmt: skip


if __name__ == "__main__":
    main()
