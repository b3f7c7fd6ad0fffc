"""pydub's AudioSegment, imported once without its import-time warnings.

pydub warns "Couldn't find ffmpeg or avconv" at import time when ffmpeg is not on
PATH, even though WAV in and out needs no ffmpeg (we run ffmpeg ourselves in
export.py). Setting ``AudioSegment.converter`` later does not silence it.
"""

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Couldn't find ffmpeg", category=RuntimeWarning)
    # pydub imports audioop, deprecated in 3.12 (audioop-lts replaces it on 3.13+).
    warnings.filterwarnings(
        "ignore", message="'audioop' is deprecated", category=DeprecationWarning
    )
    from pydub import AudioSegment

__all__ = ["AudioSegment"]
