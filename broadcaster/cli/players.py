"""Playing a file for the user: the first audio player found on the machine."""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import Path

PLAYERS = {
    "ffplay": ["-nodisp", "-autoexit", "-loglevel", "error"],
    "paplay": [],
    "aplay": ["-q"],
    "afplay": [],
}
"""Players tried in order, with the arguments that make them play once and quit."""


def play(path: Path) -> bool:
    """Play ``path``; warn (and return False) when no player is installed."""
    for name, args in PLAYERS.items():
        exe = shutil.which(name)
        if exe:
            subprocess.run([exe, *args, str(path)], check=False)
            return True
    warnings.warn(
        f"no audio player found (tried {', '.join(PLAYERS)}); the file is {path}", stacklevel=2
    )
    return False
