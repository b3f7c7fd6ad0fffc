"""Helpers shared by the dialect parsers."""

from __future__ import annotations

import re

WHITESPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """Collapse runs of white space (line breaks inside a turn) to one space."""
    return WHITESPACE.sub(" ", text).strip()
