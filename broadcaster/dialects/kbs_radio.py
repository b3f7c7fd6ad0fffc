"""KBS World Radio transcripts: ``Anchor:`` leads and ``Report:`` packages (DIALECTS.md §1).

A report may carry tape: ``[Sound bite: Foreign Ministry Spokesperson Kang Min-ho
(Korean)]`` then the quoted translation, which that person speaks; a marker naming nobody
(``[Sound bites from the opening ceremony]``) is skipped and the reporter goes on.
"""

from __future__ import annotations

import re

from broadcaster.dialects.common import WORD, Builder, person
from broadcaster.dialects.reporters import name_reporters
from broadcaster.script import Bulletin, Role

NAME = "kbs-radio"
METADATA = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b.*$|^.*\bPhoto\s*:.*$", re.MULTILINE)
# ``Anchor:`` / ``Report:`` (even glued mid-line), or a ``[Sound bite...]`` marker.
TOKEN = re.compile(
    r"\b(?P<label>Anchor|Report)\s*:"
    r"|\[\s*sound\s*-?\s*bites?\s*(?P<colon>:)?(?P<who>[^\[\]]*)\]",
    re.IGNORECASE,
)
OPENING_QUOTES = {'"': '"', "“": "”"}
SPACE = re.compile(r"\s*")
FULL_NAME = re.compile(r"^[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*$")
"""A person's name, every word capitalised; ``a panel discussion on trade`` is not one."""


def detect(text: str) -> str | None:
    """Matches when an ``Anchor:`` label is present."""
    if re.search(r"\bAnchor\s*:", text):
        return "found an 'Anchor:' label"
    return None


def parse(text: str) -> Bulletin:
    """Split at the labels (even mid-line); one story per ``Anchor:``; tape by its speaker."""
    out = Builder()
    date = None
    meta = METADATA.search(text.split("\n", 1)[0])
    if meta:
        date = meta.group(1) or _find_date(meta.group(0))
        out.skip("metadata line (date and photo credit)", meta.group(0))
        text = text[meta.end() :]
    _Reader(out).read(text)
    return name_reporters(out.bulletin(NAME, None, date, None))


class _Reader:
    """Walks the labels and tape markers in order, remembering whose turn it is."""

    def __init__(self, out: Builder) -> None:
        self.out = out
        self.role: Role = "anchor"

    def read(self, text: str) -> None:
        position = 0
        for token in TOKEN.finditer(text):
            if token.start() < position:
                continue  # inside a soundbite's quotation
            self.out.say(text[position : token.start()])
            position = self._token(token, text)
        self.out.say(text[position:])

    def _token(self, token: re.Match[str], text: str) -> int:
        if label := token.group("label"):
            self.role = "anchor" if label.lower() == "anchor" else "reporter"
            if self.role == "anchor" or not self.out.story_count:
                self.out.story(None)
            self.out.voice(self.role)
            self.out.skip("label", token.group(0))
            return token.end()
        self.out.skip("sound bite marker", token.group(0))
        speaker = person(token.group("who")) if token.group("colon") else None
        end = _tape_end(text, token.end(), bool(speaker and FULL_NAME.match(speaker)))
        if not speaker or end is None:
            return token.end()  # a cue for tape with no words: the reporter goes on
        self.out.voice("soundbite", speaker)
        self.out.say(text[token.end() : end])
        self.out.voice(self.role)
        return end


def _tape_end(text: str, start: int, named: bool) -> int | None:
    """Where the words on tape after a marker end: after the quotation that follows it (on
    its line or the next; before the next label), else at the end of the line for a named
    person or a quotation left open; None when no words follow."""
    at = SPACE.match(text, start).end()
    closing = OPENING_QUOTES.get(text[at : at + 1])
    label = TOKEN.search(text, at)
    limit = label.start() if label else len(text)
    if closing and (found := text.find(closing, at + 1, limit)) >= 0:
        return found + 1
    end = text.find("\n", at if closing else start, limit)
    end = limit if end < 0 else end
    return end if (closing or named) and WORD.search(text, start, end) else None


def _find_date(line: str) -> str | None:
    found = re.search(r"\d{4}-\d{2}-\d{2}", line)
    return found.group(0) if found else None
