"""US public-radio transcripts: ``FULL NAME, ROLE:`` turns and production cues (DIALECTS.md §3).

Lines before the first label are the page's header (programme, headline, ``Originally
published on …``, ``Transcript``, air date): the date is kept and nothing is spoken, unless
the host speaks there unlabelled (``This is FRESH AIR. I'm Ana Lima.``). Credits and
copyright notices are dropped wherever they sit, mid-line included; the station comes from
them. A transcript is one story.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from broadcaster.dialects.common import (
    Builder,
    iso_date,
    lines,
    read_page,
    skip_speaker,
    squash,
    title_case,
)
from broadcaster.script import Bulletin, Role

NAME = "public-radio"
MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
DATE = re.compile(r"\b([^\W\d_]+)\.?\s+(\d{1,2}),\s*(\d{4})\b")
CREDIT = re.compile(
    r"(?P<credit>Transcript provided by (?P<by>[A-Z][\w&' ]*?)"
    r"(?:,\s*Copyright\s*(?:©|\(c\))?\s*(?:\d{4}\s+)?[^.]*?)?\.)"
    r"|(?P<copyright>Copyright\s*(?:©|\(c\))?\s*(?:\d{4}\s+)?(?P<station>[A-Z][^.]*?)\s*\."
    r"(?:\s*All rights reserved\.)?)"
    r"|(?P<transcript_notice>(?:\w+ )?transcripts? (?:is|are) created on a rush deadline[^.]*\."
    r"(?:\s*(?:This text|Accuracy|The authoritative)[^.]*\.)*)",
    re.IGNORECASE,
)
INTRO = re.compile(r"\bI'm (?P<name>[A-Z][\w'’-]+(?: [A-Z][\w'’-]+){1,2})\b")
"""A host speaking before any label names themself: ``This is FRESH AIR. I'm Ana Lima.``"""
TITLES = (
    r"(?:Mr|Mrs|Ms|Miss|Dr|Sen|Rep|Gov|Gen|Col|Lt|Sgt|Capt|Adm|Prof|Rev|Pres|Amb|Sec)\.?"
    r"|(?:Vice )?President|Prime Minister|Senator|Governor|Representative|Secretary|Mayor"
    r"|Judge|General|Professor|Father|Rabbi|Ambassador|Minister|Chancellor"
)
# ``TOM REYES, BYLINE:``, ``REYES:``, ``Mr. JOHN DOE (Acme Corp):``, ``UNIDENTIFIED PERSON #1:``,
# ``President JANE DOE:``, ``Sen. JOHN ROE:``
LABEL = re.compile(
    rf"^(?:(?:{TITLES})[ \t]+)?"
    r"(?P<name>[^\W\d_][\w'’.\-]*(?:[ \t]+#?[\w'’.\-]+)*?)"
    r"(?:,[ \t]*(?P<role>[^:]{1,60}?))?[ \t]*(?P<title>\([^()]*\))?[ \t]*:(?=\s|$)"
)
UNIDENTIFIED = re.compile(r"^unidentified\b", re.I)
ROLE_WORDS: dict[str, Role] = {
    "HOST": "anchor",
    "BYLINE": "reporter",
    "CORRESPONDENT": "reporter",
    "REPORTER": "reporter",
    "REPORTING": "reporter",
}
NAME_SUFFIXES = {"JR", "JR.", "SR", "SR.", "II", "III", "IV"}
CUE = re.compile(r"\(([^()]*)\)")
CUE_WORDS = {
    "APPLAUSE", "BEGIN", "BLEEP", "CHEERING", "CHUCKLES", "CROSSTALK", "END", "FOREIGN",
    "INAUDIBLE", "LAUGHING", "LAUGHS", "LAUGHTER", "MUSIC", "SIGHS", "SINGING", "SOUNDBITE",
    "SPEAKING", "THROUGH", "VOICEOVER", "UNINTELLIGIBLE", "NON-ENGLISH", "BEEP",
}  # fmt: skip


@dataclass(frozen=True)
class Person:
    """Someone with a turn in the transcript."""

    role: Role
    """The voice role their turns are read in."""
    speaker: str
    """Their name as shown to the user."""


def detect(text: str) -> str | None:
    """Matches a ``NAME, HOST:``-style label, or two all-caps speaker labels (one a full name)."""
    labels = [found for line in lines(text) if (found := _label(line))]
    for found in labels:
        if _role(found.group("role")) != "soundbite":
            return f"found the speaker label {found.group(0)!r}"
    if len(labels) >= 2 and any(" " in squash(found.group("name")) for found in labels):
        return f"found {len(labels)} all-caps speaker labels"
    return None


def parse(text: str) -> Bulletin:
    """One story of turns; surnames resolve to the people introduced earlier."""
    transcript = _Transcript()
    read_page(text, transcript.out, transcript.read)
    return transcript.out.bulletin(NAME, None, transcript.date, transcript.station)


class _Transcript:
    """Reading state: the people met so far and the metadata found."""

    def __init__(self) -> None:
        self.out = Builder()
        self.people: dict[str, Person] = {}
        """Full names and surnames (upper case) to the person they name."""
        self.date: str | None = None
        self.station: str | None = None
        self.header = True
        """No label yet and no host speaking: lines are page furniture."""

    def read(self, line: str) -> None:
        if label := _label(line):
            self.header = False
            self._turn(label)
        elif self.header and (intro := INTRO.search(line)):
            self.header = False
            host = self._person(intro.group("name"), "HOST")
            self.out.voice(host.role, host.speaker)
            self._say(line)
        elif self.header:
            self.date = self.date or _date(line)
            self._station(line)
            self.out.skip("page furniture: header", line)
        else:
            self._say(line)

    def _say(self, text: str) -> None:
        """Say ``text`` in the current voice, dropping credits and production cues in it."""
        start = 0
        for credit in CREDIT.finditer(text):
            _say_between_cues(self.out, text[start : credit.start()])
            self._station(credit.group(0))
            reason = str(credit.lastgroup).replace("_", " ")
            self.out.skip(f"page furniture: {reason}", credit.group(0))
            start = credit.end()
        _say_between_cues(self.out, text[start:])

    def _station(self, text: str) -> None:
        for credit in CREDIT.finditer(text):
            station = credit.group("station") or credit.group("by")
            self.station = self.station or (squash(station) if station else None)

    def _turn(self, label: re.Match[str]) -> None:
        person = self._person(label.group("name"), label.group("role"))
        self.out.voice(person.role, person.speaker)
        title_at = label.start("title") if label.group("title") else label.end()
        skip_speaker(self.out, label.string[:title_at], label.string[title_at : label.end()])
        self._say(label.string[label.end() :])

    def _person(self, name: str, role: str | None) -> Person:
        key = squash(name).upper()
        if role is None and key in self.people:
            return self.people[key]
        unidentified = bool(UNIDENTIFIED.match(key))
        speaker = key.capitalize() if unidentified else title_case(key)
        person = Person("soundbite" if unidentified else _role(role), speaker)
        self.people[key] = person
        words = [w for w in key.split() if w not in NAME_SUFFIXES]
        if len(words) > 1 and not unidentified:
            self.people[words[-1]] = person
        return person


def _label(line: str) -> re.Match[str] | None:
    found = LABEL.match(line)
    if not found:
        return None
    name = found.group("name")
    return found if name.isupper() or UNIDENTIFIED.match(name) else None


def _role(role: str | None) -> Role:
    for word in re.findall(r"[^\W\d_]+", (role or "").upper()):
        if word in ROLE_WORDS:
            return ROLE_WORDS[word]
    return "soundbite"


def _date(line: str) -> str | None:
    """The first ``June 3, 2024`` or ``Jun. 3, 2024`` in ``line``."""
    for found in DATE.finditer(line):
        word = found.group(1).lower()
        month = next((n for n, name in enumerate(MONTHS, 1) if word in (name, name[:3])), None)
        if month:
            return iso_date(int(found.group(3)), month, int(found.group(2)))
    return None


def _say_between_cues(out: Builder, text: str) -> None:
    """Say ``text`` in the current voice, dropping the production cues in it."""
    start = 0
    for cue in CUE.finditer(text):
        if _is_cue(cue.group(1), alone=cue.span() == (0, len(text))):
            out.say(text[start : cue.start()])
            out.skip("production cue", cue.group(0))
            start = cue.end()
    out.say(text[start:])


def _is_cue(inside: str, alone: bool) -> bool:
    """``(LAUGHTER)`` mid-turn is a cue, ``(NATO)`` is not; on its own line any all-caps is."""
    words = inside.split()
    return bool(words) and (words[0].upper() in CUE_WORDS or (alone and inside.isupper()))
