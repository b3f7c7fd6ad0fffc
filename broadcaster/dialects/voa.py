"""VOA Learning English and other narrated features (DIALECTS.md §7).

One narrator reads the story, quotes included, and names themself near the end
(``I'm Anna Kim.``). Not spoken: the headline (first line), bylines and dates before the
story, the credits (``X wrote this story for VOA News.``, ``Y was the editor.``) wherever
they sit, and the ``Words in This Story`` glossary with everything after it.
"""

from __future__ import annotations

import re

from broadcaster.dialects.common import Builder, iso_date, lines, read_page, squash, title_case
from broadcaster.script import Bulletin

NAME = "voa"
STATION = "VOA"
GLOSSARY = re.compile(r"^_*\s*Words in (?:This|the) Story\b", re.IGNORECASE)
GLOSSARY_AFTER = re.compile(r"(?:_{3,}\s*|(?<=[.!?] ))Words in (?:This|the) Story\b")
"""The glossary heading after the story on the same line (pages copied without breaks)."""
CAPS_NAME = r"(?<![\w'’])[A-Z][A-Z'’-]+(?:\s+[A-Z][A-Z'’-]+){1,3}"
CLIP = re.compile(
    rf"(?P<label>{CAPS_NAME})\s*:\s*(?P<words>\"[^\"]*\"|“[^”]*”)|^(?P<line>{CAPS_NAME}):\s+(?=\w)"
)
"""A clip of the person's own voice, marked with their name in capitals:
``HANA LEE: "We start at dawn."`` (the quotation), or a whole line ``HANA LEE: We start...``."""
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
    story = _Story(NARRATOR.search(text))
    read_page(text, story.out, story.read)
    return story.out.bulletin(NAME, story.title, story.date, STATION)


class _Story:
    """Reading state: the narrator, the headline and date found, whether the glossary began."""

    def __init__(self, narrator: re.Match[str] | None) -> None:
        self.out = Builder()
        self.narrator = narrator.group("name") if narrator else None
        self.title: str | None = None
        self.date: str | None = None
        self.glossary = False

    def read(self, line: str) -> None:
        self.glossary = self.glossary or bool(GLOSSARY.match(line))
        if not self.glossary and (glossary := GLOSSARY_AFTER.search(line)):
            self.read(line[: glossary.start()])
            self.glossary = True
            line = line[glossary.start() :]
        if self.glossary:
            self.out.skip("glossary", line)
        elif self.title is None:
            self.title = squash(line)
            self.out.story(self.title)
            self.out.voice("anchor", self.narrator)
            self.out.skip("headline", line)
        elif (dated := _date(line)) or BYLINE.match(line) or NO_WORDS.match(line):
            self.date = self.date or dated
            self.out.skip("byline", line)
        else:
            self._say(line)

    def _say(self, line: str) -> None:
        """The narrator's words, except the clips marked in them (in their speaker's voice)."""
        start = 0
        for clip in CLIP.finditer(line):
            quoted = clip.group("words") is not None
            words_at, words_end = clip.span("words") if quoted else (clip.end(), len(line))
            _say(self.out, line[start : clip.start()])
            self.out.voice("soundbite", title_case(clip.group("label") or clip.group("line")))
            self.out.skip("speaker label", line[clip.start() : words_at])
            self.out.say(line[words_at:words_end])
            self.out.voice("anchor", self.narrator)
            start = words_end
            if not quoted:
                break
        _say(self.out, line[start:])


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
