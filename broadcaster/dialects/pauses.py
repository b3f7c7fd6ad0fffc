"""``[pause]`` markers, in any transcript: silence where the marker stands.

``[pause]`` is one second; ``[pause 800ms]``, ``[pause 1.5s]`` say how long, up to
:data:`MAX_MS`. A marker splits its turn in two: the words after it are a new segment of
the same speaker with the silence before it, and the marker itself is listed as skipped.
Anything else in brackets that starts with ``pause`` (``[pause -1s]``, ``[pause .5s]``,
``[pause 1e9s]``) is not read, not captioned and not a silence, with a warning.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import replace

from broadcaster.dialects.common import squash
from broadcaster.script import Bulletin, Segment, Skipped, Story

MARKER = re.compile(r"\[\s*pause(?:\s+(\d+(?:\.\d+)?)\s*(ms|s))?\s*\]", re.IGNORECASE)
LOOKALIKE = re.compile(r"\[\s*pause\b[^\[\]\n]*\]", re.IGNORECASE)
"""A marker, well-formed or not."""
DEFAULT_MS = 1000
MAX_MS = 10_000
"""The longest pause one marker makes: as long as the command line's pause options."""
WORD = re.compile(r"\w")
LISTED = 5
"""How many markers a warning quotes."""


def _asked_ms(found: re.Match[str]) -> float | None:
    """The silence a marker asks for, in milliseconds; None for a malformed one."""
    marker = MARKER.fullmatch(found.group(0))
    if marker is None:
        return None
    if not marker.group(1):
        return DEFAULT_MS
    amount = float(marker.group(1))
    return amount * 1000 if marker.group(2).lower() == "s" else amount


def marker_ms(found: re.Match[str]) -> int | None:
    """How long a marker's silence is, in milliseconds (at most :data:`MAX_MS`); None
    for a malformed one."""
    asked = _asked_ms(found)
    return None if asked is None else min(MAX_MS, round(asked))


def check(text: str) -> None:
    """Warn, naming each marker and its line, about the markers of ``text`` that are
    malformed (they are not read) or longer than :data:`MAX_MS` (they are cut to it)."""
    malformed, long = [], []
    for number, line in enumerate(text.splitlines(), 1):
        for found in LOOKALIKE.finditer(line):
            asked = _asked_ms(found)
            if asked is None:
                malformed.append(f"{found.group(0)} (line {number})")
            elif asked > MAX_MS:
                long.append(f"{found.group(0)} (line {number})")
    if malformed:
        warnings.warn(
            f"{_count(malformed)} not a pause marker and not read: {_listed(malformed)} "
            "(write [pause], [pause 800ms] or [pause 1.5s])",
            stacklevel=2,
        )
    if long:
        warnings.warn(
            f"{_count(long)} longer than {MAX_MS // 1000} s and cut to {MAX_MS // 1000} s: "
            f"{_listed(long)}",
            stacklevel=2,
        )


def _count(markers: list[str]) -> str:
    return "1 marker is" if len(markers) == 1 else f"{len(markers)} markers are"


def _listed(markers: list[str]) -> str:
    more = len(markers) - LISTED
    return ", ".join(markers[:LISTED]) + (f" and {more} more" if more > 0 else "")


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
            skipped += [
                Skipped(number, "pause" if marker_ms(m) is not None else "malformed pause",
                        m.group(0))
                for m in LOOKALIKE.finditer(segment.text)
            ]  # fmt: skip
        stories.append(Story(story.title, tuple(segments)))
    return replace(bulletin, stories=tuple(stories), skipped=tuple(skipped))


def _pieces(segment: Segment, carry: int) -> tuple[list[Segment], int]:
    """The segment's pieces between markers (malformed ones dropped); a pause with no
    words after it carries on."""
    text = LOOKALIKE.sub(lambda m: m.group(0) if marker_ms(m) is not None else " ", segment.text)
    pieces, start, pause = [], 0, segment.pause_ms + carry
    for found in [*MARKER.finditer(text), None]:
        words = squash(text[start : found.start() if found else None])
        if WORD.search(words):
            pieces.append(replace(segment, text=words, pause_ms=pause))
            pause = 0
        if found:
            pause += marker_ms(found)
            start = found.end()
    return pieces, pause
