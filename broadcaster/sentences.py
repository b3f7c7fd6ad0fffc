"""Spoken text -> sentences: the unit of synthesis, of captions and of the clip cache."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def sentences(text: str) -> list[str]:
    """``text`` cut into sentences (pysbd: abbreviations such as Mr. and U.S. do not end one)."""
    return [s.strip() for s in _segmenter().segment(text) if s.strip()]
