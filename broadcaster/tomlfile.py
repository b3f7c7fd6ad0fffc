"""Reading the cast's TOML files (profiles, pins, lexicon) with errors that name the line."""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from broadcaster.errors import VoiceError


def read_toml(path: Path) -> dict:
    """A TOML file's table; malformed TOML is a VoiceError naming the file and line."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise VoiceError(f"{path}: malformed TOML: {exc}", "fix the line it names") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise VoiceError(f"{path}: cannot read: {exc}") from None
