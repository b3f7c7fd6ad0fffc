"""VOA Learning English and other narrated features (DIALECTS.md §7).

One narrator reads the story, quotes included, and names themself near the end
(``I'm Anna Kim.``). Not spoken: the headline (first line), bylines and dates before the
story, the credits (``X wrote this story for VOA News.``, ``Y was the editor.``) wherever
they sit, and the ``Words in This Story`` glossary with everything after it.
"""

from __future__ import annotations

import re

from broadcaster.dialects.common import Builder, iso_date, lines, squash
from broadcaster.script import Bulletin

NAME = "voa"
STATION = "VOA"
GLOSSARY = re.compile(r"^_*\s*Words in (?:This|the) Story\b", re.IGNORECASE)
NAME_WORD = r"(?:[A-Z]\.|Jr\.|Sr\.|[A-Z][\w'’-]*)"
NAMES = rf"{NAME_WORD}(?:\s+{NAME_WORD}){{0,3}}"
CREDIT = re.compile(
    rf"\b{NAMES}(?:,\s*{NAMES})*(?:,?\s+and\s+{NAMES})?\s+"
    r"(?:(?:wrote|adapted|reported|produced|edited|contributed)\b[^.]*?"
    r"\b(?:for (?:VOA|Learning English|Voice of America)|to this (?:report|story))[^.]*"
    r"|(?:was|were) the editors?)\.",
)
BYLINE = re.compile(rf"^By\s+{NAMES}(?:\s*(?:,|and)\s*{NAMES})*\s*$")
DATE_LINE = re.compile(r"^([A-Z][a-z]+)\.?\s+(\d{1,2}),\s*(\d{4})$")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
NARRATOR = re.compile(r"\bI'm (?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2})\s*\.")
NO_WORDS = re.compile(r"^[\W_]*$")


def detect(text: str) -> str | None:
    """Matches the glossary heading or a VOA credit line."""
    for line in lines(text):
        if GLOSSARY.match(line) or CREDIT.search(line):
            return f"found {squash(line)[:60]!r} (VOA / narrated feature)"
    return None


def parse(text: str) -> Bulletin:
    """One story read by the narrator; headline, bylines, credits and glossary skipped."""
    out, title, date = Builder(), None, None
    narrator = NARRATOR.search(text)
    glossary = False
    for line in lines(text):
        glossary = glossary or bool(GLOSSARY.match(line))
        if glossary:
            out.skip("glossary", line)
        elif title is None:
            title = squash(line)
            out.story(title)
            out.voice("anchor", narrator.group("name") if narrator else None)
            out.skip("headline", line)
        elif (dated := _date(line)) or BYLINE.match(line) or NO_WORDS.match(line):
            date = date or dated
            out.skip("byline", line)
        else:
            _say(out, line)
    return out.bulletin(NAME, title, date, STATION)


def _say(out: Builder, line: str) -> None:
    start = 0
    for credit in CREDIT.finditer(line):
        out.say(line[start : credit.start()])
        out.skip("credits", credit.group(0))
        start = credit.end()
    out.say(line[start:])


def _date(line: str) -> str | None:
    found = DATE_LINE.match(line)
    if not found or found.group(1)[:3].lower() not in MONTHS:
        return None
    month = MONTHS.index(found.group(1)[:3].lower()) + 1
    return iso_date(int(found.group(3)), month, int(found.group(2)))
