"""Characters: what may reach the captions from a pasted transcript, and what the
English voices can read."""

from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import replace

from broadcaster.errors import InputError
from broadcaster.script import Bulletin, Segment, section_title
from broadcaster.text.sentences import WORD

LATIN = re.compile(r"[\u00a0-\u024f\u1e00-\u1eff\u2000-\u206f\u20a0-\u20cf]")
"""Latin letters and the punctuation and currency blocks, beyond ASCII."""
ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window titles, links
    r"|\x1b[ -/]*[0-~]?"  # the short ones
)
"""Terminal escape sequences (colours pasted from a terminal: ESC[31m ...): CSI, OSC and
the two-character ones."""
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""C0 and C1 control characters but tab and line ends."""


def printable(text: str) -> str:
    """``text`` without terminal escape sequences and control characters, which would
    reach the captions raw and be read aloud ("ESC[31m": "31 meters")."""
    return CONTROLS.sub(" ", ESCAPES.sub("", text))


def _unreadable(char: str) -> bool:
    """Characters the English voices cannot say: other scripts, emoji, controls."""
    return not (char.isascii() or LATIN.match(char)) or unicodedata.category(char) == "Cc"


def readable(bulletin: Bulletin) -> Bulletin:
    """Drop characters no voice can read from the spoken text, with one warning."""
    dropped: list[str] = []

    def clean(segment: Segment) -> Segment:
        kept = "".join(c for c in segment.spoken if not (_unreadable(c) and not c.isspace()))
        dropped.extend(c for c in segment.spoken if _unreadable(c) and not c.isspace())
        return replace(segment, spoken=" ".join(kept.split()))

    cleaned = bulletin.map_segments(clean)
    if dropped:
        sample = ", ".join(repr(c) for c in list(dict.fromkeys(dropped))[:8])
        warnings.warn(
            f"skipped {len(dropped)} characters the voices cannot read ({sample})", stacklevel=2
        )
    if not any(WORD.search(seg.spoken) for _, seg in cleaned.segments()):
        raise InputError(
            "the transcript has no words the voices can read",
            "broadcaster reads English text in the Latin alphabet",
        )
    for n, (story, seg) in enumerate(cleaned.segments(), 1):
        if WORD.search(seg.text) and not WORD.search(seg.spoken):  # captions, and no speech
            raise InputError(
                f"section {n} ({section_title(story, seg)}) has no words the voices can read "
                f"({seg.text[:40]!r})",
                "broadcaster reads English text in the Latin alphabet: transliterate it",
            )
    return cleaned
