"""KBS News English web pages: ``[Anchor Lead]``, ``[Pkg]``, ``[Soundbite]`` (DIALECTS.md §2)."""

from __future__ import annotations

import re
from typing import cast

from broadcaster.dialects.common import (
    NESTED,
    WORD,
    Builder,
    iso_date,
    person,
    programme_furniture,
    read_page,
    skip_speaker,
    squash,
)
from broadcaster.script import Bulletin, Role

NAME = "kbs-web"
STATION = "KBS News"
# The group that matches names the role.
MARKER = re.compile(
    r"^\[\s*(?:(?P<anchor>anchor\s*lead)|(?P<reporter>pkg)|(?P<soundbite>sound\s*bite))\s*\]",
    re.IGNORECASE,
)
DETECT = re.compile(r"\[\s*(?:anchor\s*lead|pkg)\s*\]|입력\s*\d{4}[.-]", re.IGNORECASE)
CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?"
STAMP = rf"(\d{{4}})[.-](\d{{1,2}})[.-](\d{{1,2}})\.?\s*(?:\({CLOCK}\)|{CLOCK})?"
"""A KBS time stamp: ``2024.06.26 (15:08)``, ``2024-06-26 15:06:20``."""
POSTED = re.compile(rf"^(?:입력|date)\s*{STAMP}")
EDITED = re.compile(rf"^수정\s*{STAMP}\s*$")
TIME_STAMP = re.compile(rf"^{STAMP}\s*$")
# ``HEADLINE News Today 입력 2024-06-26 15:06:20 수정 2024-06-26 16:10:05``: the whole page
# header on one line; the headline is the capitals before the programme name.
HEADER = re.compile(rf"^(?P<title>.*?)\s*입력\s*{STAMP}(?:\s*수정\s*{STAMP})?\s*$")
PAGE_WIDGETS = re.compile(r"^(?:동영상\s*고정\s*취소|\s)+$")
READ_ALOUD = re.compile(r"^(?:읽어주기\s*기능은|브라우저에서만\s*사용하실)")
HEADING = re.compile(r"^(\d{1,3})\.\s+(\S.*)$")
CAPS_HEADING = re.compile(r"^(?=(?:.*?\b[A-Z][A-Z.'’-]+\b){2})[^a-z:\[\]()]{4,120}$")
"""An all-caps story heading mid-page (``N.KOREAN TROOPS CROSS BORDER``): two capital words."""
# ``Name(Title) : "quote"``; the colon may be missing before a quote or when no words follow.
PERSON = re.compile(
    rf"^(?P<name>[^\W\d_][\w.'’\- ]{{0,60}}?)\s*(?P<title>{NESTED})\s*(?::\s*|(?=[\"“])|$)"
)
# ``(N. Korean Central TV):``, ``(Hotel employee (VOICE MODIFIED)):``: no name, a description.
UNNAMED = re.compile(rf"^\((?P<name>[^()]+)(?P<note>{NESTED})?\s*\)\s*:\s*")
# ``Trade Policy Chief Han Do-yoon : "quote"``: a title and name with no brackets.
LABEL = re.compile(
    r"^(?P<name>[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|of|for|on|to|the|and)){1,8})\s*:\s*(?=\S)"
)
QUESTION = re.compile(r"\(([^()]*\?)\s*\)")
"""The reporter's own question inside a soundbite: ``(Will you still go?) Of course.``"""
CLOSING_QUOTES = {'"': '"', "“": "”"}


def detect(text: str) -> str | None:
    """Matches an ``[Anchor Lead]`` or ``[Pkg]`` marker or the ``입력`` posted time."""
    found = DETECT.search(text)
    return f"found {found.group(0)!r} (KBS News web page)" if found else None


def parse(text: str) -> Bulletin:
    """One story per headline; markers set the voice, soundbites hand back after the quote."""
    page = _Page()
    read_page(text, page.out, page.read)
    return page.out.bulletin(NAME, page.title, page.date, STATION)


class _Page:
    """Reading state: what the previous line opened and what has been found so far."""

    def __init__(self) -> None:
        self.out = Builder()
        self.title: str | None = None
        self.date: str | None = None
        self.headlines: set[str] = set()
        """Every headline read so far, to drop it wherever the page repeats it."""
        self.awaiting_speaker = False
        """A bare ``[Soundbite]`` line: the speaker comes on the next line."""
        self.resume: Role = "reporter"
        """Who speaks again once a soundbite is over."""

    def read(self, line: str) -> None:
        awaiting, self.awaiting_speaker = self.awaiting_speaker, False
        heading = HEADING.match(line)
        if squash(line).casefold() in self.headlines:
            self.out.skip("repeated headline", line)
        elif self._furniture(line):
            pass
        elif heading and int(heading.group(1)) == self.out.story_count + 1:
            self._headline(line, heading.group(2))
        elif marker := MARKER.match(line):
            self._marker(cast(Role, marker.lastgroup), marker.group(0), line[marker.end() :])
        elif awaiting:
            self._soundbite(line)
        elif self.out.story_count == 0 or CAPS_HEADING.match(line):
            self._headline(line, line)
        else:
            self.out.say(line)

    def _furniture(self, line: str) -> bool:
        if header := HEADER.match(line):
            self._posted(header.groups()[1:4])
            if header.group("title") and self.out.story_count == 0:
                self._headline(line, _headline_of(header.group("title")))
                return True
            reason = "page furniture: posted time"
        elif posted := POSTED.match(line):
            self._posted(posted.groups())
            reason = "page furniture: posted time"
        elif EDITED.match(line) or TIME_STAMP.match(line):
            reason = "page furniture: edited time" if EDITED.match(line) else "page furniture: time"
        elif READ_ALOUD.match(line):
            reason = "page furniture: read-aloud notice"
        elif PAGE_WIDGETS.match(line):
            reason = "page furniture: video player"
        elif not (reason := programme_furniture(line) or ""):
            return False
        self.out.skip(reason, line)
        return True

    def _posted(self, numbers: tuple[str, ...]) -> None:
        self.date = self.date or iso_date(*map(int, numbers[:3]))

    def _headline(self, line: str, title: str) -> None:
        title = squash(title)
        self.title = self.title or title
        self.out.story(title)
        self.out.skip("headline", line)
        self.headlines |= {squash(line).casefold(), title.casefold()}

    def _marker(self, role: Role, label: str, rest: str) -> None:
        if role == "soundbite":
            self.out.skip("label", label)
            if rest.strip():
                self._soundbite(rest.strip())
            else:
                self.awaiting_speaker = True
            return
        self.resume = role
        self.out.voice(role)
        self.out.skip("label", label)
        self.out.say(rest)

    def _soundbite(self, line: str) -> None:
        found = PERSON.match(line) or UNNAMED.match(line) or LABEL.match(line)
        if not found:
            self._quote(None, line)
        elif not WORD.search(line[found.end() :]):
            self.out.skip("soundbite with no words", line)
        else:
            title_at = found.start("title") if found.re is PERSON else found.end()
            skip_speaker(self.out, line[:title_at], line[title_at : found.end()])
            name = squash(found.group("name"))
            self._quote(name if found.re is UNNAMED else person(name), line[found.end() :])

    def _quote(self, speaker: str | None, words: str) -> None:
        """The soundbite is the quotation, or the whole line when it is not quoted."""
        closing = CLOSING_QUOTES.get(words[:1])
        end = words.find(closing, 1) if closing else -1
        if end < 0:
            self._soundbite_words(speaker, words[1:] if closing else words)
            after = ""
        else:
            self._soundbite_words(speaker, words[1:end])
            after = words[end + 1 :]
        self.out.voice(self.resume)
        self.out.say(after)

    def _soundbite_words(self, speaker: str | None, words: str) -> None:
        """The speaker's words; a question in brackets among them is the reporter's."""
        start = 0
        for question in QUESTION.finditer(words):
            self.out.voice("soundbite", speaker)
            self.out.say(words[start : question.start()])
            self.out.voice(self.resume)
            self.out.say(question.group(1))
            start = question.end()
        self.out.voice("soundbite", speaker)
        self.out.say(words[start:])


def _headline_of(title: str) -> str:
    """The capitals of ``HEADLINE News Today``; the whole text when it has no capitals run."""
    caps = re.match(r"^[^a-z]*[A-Z]{2}[^a-z]*?(?=\s+[A-Z][a-z]|$)", title)
    return caps.group(0) if caps else title
