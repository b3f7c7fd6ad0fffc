"""Transcript house styles: detection and parsing into a Bulletin.

Each dialect module offers ``NAME``, ``detect(text) -> str | None`` (the reason it
matches, or None) and ``parse(text) -> Bulletin``. Detection tries them in
``DIALECTS`` order; plain prose is the fallback.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import replace
from types import ModuleType

from broadcaster.dialects import (
    arirang,
    kbs_radio,
    kbs_web,
    korean_web,
    producer,
    prose,
    public_radio,
    voa,
)
from broadcaster.errors import InputError
from broadcaster.script import Bulletin, Skipped

WORD = re.compile(r"\w")

DIALECTS: dict[str, ModuleType] = {
    m.NAME: m for m in (producer, korean_web, arirang, kbs_web, public_radio, kbs_radio, voa, prose)
}


def parse(text: str, dialect: str | None = None) -> Bulletin:
    """Parse ``text`` in the named dialect, or the detected one."""
    if dialect:
        if dialect not in DIALECTS:
            raise InputError(f"unknown dialect {dialect!r}", f"choose one of {', '.join(DIALECTS)}")
        bulletin = DIALECTS[dialect].parse(text)
    else:
        bulletin = _detect_and_parse(text)
    bulletin = _drop_wordless(bulletin)
    if not any(story.segments for story in bulletin.stories):
        raise InputError(
            "the transcript has labels but no words to speak",
            "add the text to read after each label",
        )
    return bulletin


def _drop_wordless(bulletin: Bulletin) -> Bulletin:
    """Turns with no word characters (``...``, ``--``) have nothing to say: list them as skipped."""
    dropped = [
        Skipped(n, "no words to speak", seg.text)
        for n, seg in bulletin.segments()
        if not WORD.search(seg.text)
    ]
    if not dropped:
        return bulletin
    stories = tuple(
        replace(s, segments=tuple(g for g in s.segments if WORD.search(g.text)))
        for s in bulletin.stories
    )
    return replace(bulletin, stories=stories, skipped=bulletin.skipped + tuple(dropped))


def _detect_and_parse(text: str) -> Bulletin:
    for module in DIALECTS.values():
        reason = module.detect(text)
        if reason:
            return replace(module.parse(text), detected_because=reason)
    warnings.warn("the transcript matches no known style; reading it as plain prose", stacklevel=2)
    return replace(prose.parse(text), detected_because="no other style matched")
