"""Producer scripts: our own format for bulletins written from scratch (see README).

```
---
title: Harbour City Evening News
date: 2026-05-02
station: Harbour City Radio
---
## Ferry fares rise
anchor: Ferry fares go up next month. Lena Ortiz reports.
reporter Lena Ortiz: The operator blames fuel costs. [pause 1s] Passengers are unhappy.
soundbite Sam Holt (commuter): I will take the bus.
```
"""

from __future__ import annotations

import re

from broadcaster.dialects.common import Builder
from broadcaster.errors import InputError
from broadcaster.script import Bulletin

NAME = "producer"
FRONT = re.compile(r"\A\s*---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
FIELD = re.compile(r"^\s*(title|date|station)\s*:\s*(.*?)\s*$", re.IGNORECASE)
HEADING = re.compile(r"^\s*##\s*(.*?)\s*$")
TURN = re.compile(
    r"^\s*(anchor|reporter|soundbite)\b([^:\n]*?)(?:\(([^)\n]*)\))?\s*:(.*)$", re.IGNORECASE
)
COMMENT = re.compile(r"^\s*//")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def detect(text: str) -> str | None:
    """Matches a front-matter block followed by at least one role turn."""
    front = FRONT.match(text)
    if front and any(TURN.match(line) for line in text[front.end() :].splitlines()):
        return "found a '---' front matter block and role turns"
    return None


def parse(text: str) -> Bulletin:
    """Front matter, ``##`` stories, ``role [Name] [(title)]:`` turns (``[pause Ns]``
    markers stay in the text: broadcaster.dialects.pauses makes them silence, in every dialect)."""
    builder = Builder()
    meta: dict[str, str] = {}
    front = FRONT.match(text)
    if front:
        _front_matter(front.group(0), meta, builder)
        text = text[front.end() :]
    for line in text.splitlines():
        _line(line, builder)
    return builder.bulletin(NAME, meta.get("title"), _date(meta.get("date")), meta.get("station"))


def _front_matter(block: str, meta: dict[str, str], builder: Builder) -> None:
    for line in block.splitlines():
        found = FIELD.match(line)
        if found:
            meta[found.group(1).lower()] = found.group(2)
    builder.skip("front matter", block)


def _date(value: str | None) -> str | None:
    if value and not DATE.match(value):
        raise InputError(f"front matter date {value!r} is not YYYY-MM-DD", "write e.g. 2026-05-02")
    return value


def _line(line: str, builder: Builder) -> None:
    heading = HEADING.match(line)
    turn = TURN.match(line)
    if COMMENT.match(line):
        builder.skip("comment", line)
    elif heading:
        builder.story(heading.group(1) or None)
        builder.skip("headline", line)
    elif turn:
        role, name, _title, words = turn.groups()
        builder.skip("speaker label", line[: turn.start(4)])
        builder.voice(role.lower(), " ".join(name.split()) or None)
        builder.say(words)
    else:
        builder.say(line)
