"""Plain prose: no labels; one narrator (the anchor) reads every paragraph."""

from __future__ import annotations

import re

from broadcaster.dialects.common import squash
from broadcaster.script import Bulletin, Segment, Story

NAME = "prose"


def detect(text: str) -> str | None:
    """Prose is the fallback: it is never detected on its own merits."""
    return None


def parse(text: str) -> Bulletin:
    """One story, one anchor segment per paragraph."""
    paragraphs = [squash(p) for p in re.split(r"\n\s*\n", text)]
    segments = tuple(Segment("anchor", None, p) for p in paragraphs if p)
    return Bulletin(NAME, None, None, None, (Story(None, segments),))
