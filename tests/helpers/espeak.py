"""The eSpeak NG libraries on this machine: the wheel's, and the system's where installed."""

from __future__ import annotations

import glob
import os
from pathlib import Path

import pytest


def espeak_libraries() -> list:
    """``(library, data folder)`` of the wheel's eSpeak NG and the system's, as pytest
    parameters with ids ``wheel`` and ``system`` (skipped where there is no usable one)."""
    import espeakng_loader

    wheel = (espeakng_loader.get_library_path(), espeakng_loader.get_data_path())
    found = [pytest.param(wheel, id="wheel")]
    for lib in sorted(glob.glob("/usr/lib/*/libespeak-ng.so.1")):
        data = Path(lib).parent / "espeak-ng-data"
        usable = os.path.getsize(lib) > 0 and (data / "phontab").is_file()
        mark = [] if usable else [pytest.mark.skip(reason="no system eSpeak NG here")]
        found.append(pytest.param((lib, str(data)), id="system", marks=mark))
    if len(found) == 1:
        found.append(pytest.param(None, id="system", marks=pytest.mark.skip("no system eSpeak")))
    return found
