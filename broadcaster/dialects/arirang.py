"""Arirang News transcripts: ``Title:`` lines start stories (DIALECTS.md §7).

```
NEWSCENTER 22:00
(THIS IS THE TRANSCRIPT FOR ARIRANG NEWS THAT AIRED ON 02 May 2026- 22:00 KST.)
Title: Rail strike ends
The two-day rail strike is over. Our Kwon Na-ri has the story.
Unions and management agreed overnight ...
Kwon Na-ri, Arirang News.
```

Programme lines and the transcript notice are not spoken (the notice gives the date);
each ``Title:`` starts a story with that title. The anchor reads until a line ends with a
hand-over, the reporter until a line ends with the sign-off (``X, Arirang News.``).
"""

from __future__ import annotations

import re

from broadcaster.dialects.common import (
    Builder,
    iso_date,
    programme_furniture,
    read_page,
    squash,
)
from broadcaster.dialects.reporters import handover, name_reporters, signoff
from broadcaster.script import Bulletin

NAME = "arirang"
NOTICE = re.compile(r"THIS IS THE TRANSCRIPT FOR ARIRANG", re.IGNORECASE)
AIRED = re.compile(r"\bAIRED ON (\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})", re.IGNORECASE)
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
TITLE = re.compile(r"^Title\s*:\s*(?P<title>.*)$", re.IGNORECASE)
PROGRAMME = re.compile(r"^(?:NEWSCENTER|ARIRANG NEWS|NEWS ?IN ?FOCUS)\b[^a-z]*$")
PROGRAMME_PART = re.compile(r"^(?:news\s+)?headlines?$|^(?:opening|closing)$|\btitle$", re.I)
"""``Title:`` lines that name a part of the programme, not a story: ``NEWSCENTER TITLE``."""
NO_LETTERS = re.compile(r"^[^A-Za-z]*$")
"""A line of numbers and symbols (``2015. 11. 2~``): page furniture, never read."""


def detect(text: str) -> str | None:
    """Matches the transcript notice, or ``Title:`` lines with an Arirang sign-off."""
    if found := NOTICE.search(text):
        return f"found {found.group(0)!r}"
    if re.search(r"^Title\s*:", text, re.MULTILINE) and re.search(r",\s+Arirang News\.", text):
        return "found 'Title:' lines and an 'Arirang News.' sign-off"
    return None


def parse(text: str) -> Bulletin:
    """Stories at ``Title:`` lines; anchor until the hand-over, reporter until the sign-off."""
    programme = _Programme()
    read_page(text, programme.out, programme.read)
    return name_reporters(programme.out.bulletin(NAME, None, programme.date, None))


class _Programme:
    """Reading state: the air date found, and whether the reporter has the turn."""

    def __init__(self) -> None:
        self.out = Builder()
        self.date: str | None = None
        self.reporting = False

    def read(self, line: str) -> None:
        if NOTICE.search(line) or PROGRAMME.match(line) or NO_LETTERS.match(line):
            self.date = self.date or _aired(line)
            self.out.skip("page furniture", line)
        elif reason := programme_furniture(line):
            self.out.skip(reason, line)
        elif title := TITLE.match(line):
            self._title(line, squash(title.group("title")))
        else:
            self.out.say(line)
            self._next_turn(line)

    def _title(self, line: str, title: str) -> None:
        """A story starts, unless the title names a part of the programme after its start
        (``Title: Opening`` after the headlines): those are one opening story."""
        if PROGRAMME_PART.search(title) and self.out.story_count:
            self.out.skip("programme furniture: part title", line)
            return
        self.out.story(title or None)
        self.out.skip("headline", line)
        self.reporting = False

    def _next_turn(self, line: str) -> None:
        """Hand over after a line ending with a hand-over; hand back after a sign-off."""
        if not self.reporting and handover(line):
            self.out.voice("reporter")
            self.reporting = True
        elif self.reporting and signoff(line):
            self.out.voice("anchor")
            self.reporting = False


def _aired(line: str) -> str | None:
    found = AIRED.search(line)
    if not found or found.group(2).lower() not in MONTHS:
        return None
    month = MONTHS.index(found.group(2).lower()) + 1
    return iso_date(int(found.group(3)), month, int(found.group(1)))
