"""Where broadcaster keeps files between runs."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "BROADCASTER_CACHE_DIR"
"""Overrides the user cache folder (``~/.cache/broadcaster`` on Linux)."""


def cache_dir() -> Path:
    """``$BROADCASTER_CACHE_DIR``, else the user cache folder for broadcaster."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    import platformdirs

    return Path(platformdirs.user_cache_dir("broadcaster", appauthor=False))
