"""Korean broadcasters' English pages: ``<Anchor>`` / ``<Reporter>`` markers (DIALECTS.md §7).

```
Rate Rise Surprises Markets
Reporter: Jung Yeon-woo
<Anchor>
The central bank raised its key rate by half a point today.
<Reporter>
The decision was unanimous, the bank said.
[Ko Min-seo/Central bank governor (Yesterday, National Assembly) : We had no other choice.]
Markets had expected a smaller step. Jung Yeon-woo, reporting.
```

Lines before the first marker are the page's header (headline, byline, date). Soundbites
come as ``[Name/Title (context) : words]``, ``[Name/Title (context)]: words`` or
``Name/Title: words``; the name is what comes before the slash. The reporter is named by
the sign-off, else the byline (``Reporter: X``, ``By X``, a closing ``(Reporter: X, ...)``
credit).
"""

from __future__ import annotations

import re

from broadcaster.dialects.common import (
    Builder,
    iso_date,
    person,
    programme_furniture,
    read_page,
    squash,
)
from broadcaster.dialects.reporters import name_reporters
from broadcaster.script import Bulletin, Role

NAME = "korean-web"
MARKER = re.compile(r"^<\s*(?P<role>anchor|reporter)\s*>\s*", re.IGNORECASE)
SOUNDBITE = (
    # [Name/Title (context) : words]
    re.compile(r"^\[(?P<who>[^\[\]:]{2,120}?)\s*:\s*(?P<words>[^\[\]]*?)\s*\]$"),
    # [Name/Title (context)]: words
    re.compile(r"^\[(?P<who>[^\[\]]{2,120}?)\]\s*:\s*(?P<words>.*)$"),
    # Name/Title: words
    re.compile(r"^(?P<who>[A-Z][^/:\n]{1,40}/[^:\n]{1,80}?)\s*:\s*(?P<words>.*)$"),
)
PERSON_NAME = r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3}"
# ``By Jung Yeon-woo`` alone on its line, or ``Reporter: Jung Yeon-woo`` with other credits
# after it, or the same in brackets at the end of the page.
BYLINE = re.compile(
    rf"^(?:By\s+(?P<by>{PERSON_NAME})\s*$"
    rf"|\(?\s*(?:Reporter\s*:|Reported by)\s*(?P<name>{PERSON_NAME})\b[^)]*\)?\s*$"
    rf"|(?:[A-Z]{{2,5}}\s+(?:News\s+)?)?[Rr]eporter\s+(?P<titled>{PERSON_NAME})\s*$)"
)
"""``By X``, ``Reporter: X``, ``(Reported by X, edited by Y)``, ``SBS reporter X``."""
DATE = re.compile(r"\b(\d{4})[.-](\d{1,2})[.-](\d{1,2})\b")


def detect(text: str) -> str | None:
    """Matches an ``<Anchor>`` or ``<Reporter>`` marker at the start of a line."""
    found = re.search(r"^\s*<\s*(?:anchor|reporter)\s*>", text, re.IGNORECASE | re.MULTILINE)
    return f"found {found.group(0).strip()!r} (Korean TV English page)" if found else None


def parse(text: str) -> Bulletin:
    """Header, then ``<Anchor>``-led stories with reporter packages and soundbites."""
    page = _Page()
    read_page(text, page.out, page.read)
    bulletin = page.out.bulletin(NAME, page.title, page.date, None)
    return name_reporters(bulletin, page.byline)


class _Page:
    """Reading state: header or body, whose turn it is, what the header said."""

    def __init__(self) -> None:
        self.out = Builder()
        self.title: str | None = None
        self.date: str | None = None
        self.byline: str | None = None
        self.role: Role | None = None
        """The marker's role; None while still in the header."""

    def read(self, line: str) -> None:
        if marker := MARKER.match(line):
            self._marker(marker.group("role").lower(), marker.group(0))
            self.out.say(line[marker.end() :])
        elif byline := BYLINE.match(line):
            found = byline.group("by") or byline.group("name") or byline.group("titled")
            self.byline = self.byline or squash(found)
            self.out.skip("byline", line)
        elif self.role is None:
            self._header(line)
        elif reason := programme_furniture(line):
            self.out.skip(reason, line)
        elif not self._soundbite(line):
            self.out.say(line)

    def _marker(self, role: Role, label: str) -> None:
        if role == "anchor" and (self.role != "anchor" or not self.out.story_count):
            self.out.story(self.title if not self.out.story_count else None)
        self.role = role
        self.out.voice(role)
        self.out.skip("label", label)

    def _header(self, line: str) -> None:
        if found := DATE.search(line):
            self.date = self.date or iso_date(*map(int, found.groups()))
        self.title = self.title or squash(line)
        self.out.skip("page header", line)

    def _soundbite(self, line: str) -> bool:
        found = next((m for pattern in SOUNDBITE if (m := pattern.match(line))), None)
        if not found or self.role is None:
            return False
        who = found.group("who")
        self.out.voice("soundbite", person(who.split("/")[0]))
        self.out.skip("speaker label", who)
        self.out.say(found.group("words"))
        self.out.voice(self.role)
        return True
