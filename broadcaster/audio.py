"""pydub's AudioSegment, imported once without its ffmpeg warning.

pydub warns "Couldn't find ffmpeg or avconv" at import time when ffmpeg is not on
PATH, even though WAV in and out needs no ffmpeg (we run ffmpeg ourselves in
export.py). Setting ``AudioSegment.converter`` later does not silence it.
"""

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Couldn't find ffmpeg", category=RuntimeWarning)
    from pydub import AudioSegment

__all__ = ["AudioSegment"]
