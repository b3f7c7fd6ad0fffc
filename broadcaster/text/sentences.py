"""Spoken text -> sentences: the unit of synthesis, of captions and of the clip cache."""

from __future__ import annotations

import itertools
from functools import lru_cache

from broadcaster.dialects.common import WORD

CHUNK_CHARS = 2000
"""The longest text sent to the engine in one call."""


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def sentences(text: str) -> list[str]:
    """``text`` cut into sentences (pysbd: abbreviations such as Mr. and U.S. do not end one)."""
    return [s.strip() for s in _segmenter().segment(text) if s.strip()]


SNAP_WORDS = 3
"""How far (in written words) a cut between captions moves to meet a sentence's end."""


def as_written(written: list[str], said: list[str]) -> list[str]:
    """The written words to caption each of the ``said`` sentences with, when the written
    text splits into another number of sentences (``Approx. 1,200`` is two written ones
    and one said): the words are shared out by the said sentences' share of the spoken
    words, each cut moved to a written sentence's end when one is within
    :data:`SNAP_WORDS`. Every written word is kept, in order."""
    words = [w.split() for w in written]
    flat = [word for sentence in words for word in sentence]
    if len(written) == len(said):
        return written
    if len(flat) < len(said):  # not a word for each: the said forms, as they are
        return said
    ends = list(itertools.accumulate(len(sentence) for sentence in words))
    spoken = list(itertools.accumulate(len(s.split()) for s in said))
    bounds = [0]
    for n, done in enumerate(spoken[:-1], 1):
        cut = round(done / max(spoken[-1], 1) * len(flat))
        near = min(ends, key=lambda end: abs(end - cut))
        low, high = bounds[-1] + 1, len(flat) - (len(said) - n)  # a word for each
        if abs(near - cut) <= SNAP_WORDS and low <= near <= high:
            cut = near
        bounds.append(min(max(cut, low), high))
    bounds.append(len(flat))
    return [" ".join(flat[a:b]) for a, b in itertools.pairwise(bounds)]


def utterances(text: str, limit: int = CHUNK_CHARS) -> list[str]:
    """What the engine is asked to say, one call each: the sentences of ``text`` that have
    words, a sentence longer than ``limit`` characters cut between words."""
    pieces: list[str] = []
    for sentence in filter(WORD.search, sentences(text)):
        line = ""
        for word in sentence.split():
            if line and len(line) + 1 + len(word) > limit:
                pieces.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        pieces.append(line)
    return pieces
