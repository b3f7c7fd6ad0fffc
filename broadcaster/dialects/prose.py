"""Plain prose: no labels; one narrator (the anchor) reads every paragraph."""

from __future__ import annotations

import re

from broadcaster.dialects.common import Builder, read_page
from broadcaster.script import Bulletin

NAME = "prose"


def detect(text: str) -> str | None:
    """Prose is the fallback: it is never detected on its own merits."""
    return None


def parse(text: str) -> Bulletin:
    """One story, one anchor segment per paragraph; lists of headlines are skipped."""
    out = Builder()
    for paragraph in re.split(r"\n\s*\n", text):
        read_page(paragraph, out, out.say)
        out.voice("anchor")  # the next paragraph is a segment of its own
    return out.bulletin(NAME, None, None, None)
