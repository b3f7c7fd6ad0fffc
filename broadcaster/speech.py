"""Speech normalisation: written news copy -> text eSpeak reads the way a newsreader would.

Each rule is a (pattern, replacement) pair in ``RULES``, applied in order, so every
rule can be seen and tested on its own (tests/test_speech.py).
"""

from __future__ import annotations

import re

RULES: tuple[tuple[str, str], ...] = (
    # Sentences glued without a space: "defect.Choi" -> "defect. Choi". A lower-case
    # letter, digit or closing bracket before the stop keeps "U.S." intact.
    (r"(?<=[a-z0-9)\]”’\"'])([.!?])(?=[A-Z“‘\"])", r"\1 "),
    # A bracket glued to a word: "war(POWs)" -> "war (POWs)".
    (r"(?<=\w)\(", " ("),
    # Quotation marks are not read; apostrophes become plain ones.
    (r"[“”\"«»„]", ""),
    (r"[‘’`]", "'"),
    # Dashes are pauses, not symbol names.
    (r"\s*[—–]\s*|\s+-\s+|\s*--\s*", ", "),
    (r"\s+", " "),
)
COMPILED = tuple((re.compile(pattern), replacement) for pattern, replacement in RULES)


def speakable(text: str) -> str:
    """The text to send to the engine for ``text`` as written."""
    for pattern, replacement in COMPILED:
        text = pattern.sub(replacement, text)
    return text.strip()
