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

from broadcaster.dialects.common import Builder, iso_date, lines, squash
from broadcaster.dialects.reporters import handover, name_reporters, signoff
from broadcaster.script import Bulletin

NAME = "arirang"
NOTICE = re.compile(r"THIS IS THE TRANSCRIPT FOR ARIRANG", re.IGNORECASE)
AIRED = re.compile(r"\bAIRED ON (\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})", re.IGNORECASE)
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
TITLE = re.compile(r"^Title\s*:\s*(?P<title>.*)$", re.IGNORECASE)
PROGRAMME = re.compile(r"^(?:NEWSCENTER|ARIRANG NEWS|NEWS ?IN ?FOCUS)\b[^a-z]*$")
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
    out, date = Builder(), None
    reporting = False
    for line in lines(text):
        if NOTICE.search(line) or PROGRAMME.match(line) or NO_LETTERS.match(line):
            date = date or _aired(line)
            out.skip("page furniture", line)
        elif title := TITLE.match(line):
            out.story(squash(title.group("title")) or None)
            out.skip("headline", line)
            reporting = False
        else:
            out.say(line)
            reporting = _next_turn(out, line, reporting)
    return name_reporters(out.bulletin(NAME, None, date, None))


def _next_turn(out: Builder, line: str, reporting: bool) -> bool:
    """Hand over after a line ending with a hand-over; hand back after a sign-off."""
    if not reporting and handover(line):
        out.voice("reporter")
        return True
    if reporting and signoff(line):
        out.voice("anchor")
        return False
    return reporting


def _aired(line: str) -> str | None:
    found = AIRED.search(line)
    if not found or found.group(2).lower() not in MONTHS:
        return None
    month = MONTHS.index(found.group(2).lower()) + 1
    return iso_date(int(found.group(3)), month, int(found.group(1)))
