"""``[pause]`` markers, in any transcript: silence where the marker stands.

``[pause]`` is one second; ``[pause 800ms]``, ``[pause 1.5s]`` say how long. A marker
splits its turn in two: the words after it are a new segment of the same speaker with
the silence before it, and the marker itself is listed as skipped.
"""

from __future__ import annotations

import re
from dataclasses import replace

from broadcaster.dialects.common import squash
from broadcaster.script import Bulletin, Segment, Skipped, Story

MARKER = re.compile(r"\[\s*pause(?:\s+(\d+(?:\.\d+)?)\s*(ms|s))?\s*\]", re.IGNORECASE)
DEFAULT_MS = 1000
WORD = re.compile(r"\w")


def marker_ms(found: re.Match[str]) -> int:
    """How long a marker's silence is, in milliseconds."""
    if not found.group(1):
        return DEFAULT_MS
    amount = float(found.group(1))
    return round(amount * 1000 if found.group(2).lower() == "s" else amount)


def split(bulletin: Bulletin) -> Bulletin:
    """``bulletin`` with every marker turned into a pause (and a skipped entry)."""
    skipped: list[Skipped] = list(bulletin.skipped)
    stories = []
    carry = 0
    for number, story in enumerate(bulletin.stories, 1):
        segments: list[Segment] = []
        for segment in story.segments:
            pieces, carry = _pieces(segment, carry)
            segments += pieces
            skipped += [Skipped(number, "pause", m.group(0)) for m in MARKER.finditer(segment.text)]
        stories.append(Story(story.title, tuple(segments)))
    return replace(bulletin, stories=tuple(stories), skipped=tuple(skipped))


def _pieces(segment: Segment, carry: int) -> tuple[list[Segment], int]:
    """The segment's pieces between markers; a pause with no words after it carries on."""
    pieces, start, pause = [], 0, segment.pause_ms + carry
    for found in [*MARKER.finditer(segment.text), None]:
        words = squash(segment.text[start : found.start() if found else None])
        if WORD.search(words):
            pieces.append(replace(segment, text=words, pause_ms=pause))
            pause = 0
        if found:
            pause += marker_ms(found)
            start = found.end()
    return pieces, pause
