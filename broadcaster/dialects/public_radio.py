"""US public-radio transcripts: ``FULL NAME, ROLE:`` turns and production cues (DIALECTS.md §3).

The date is read only from a ``Month D, YYYY`` line heading the file, and the station
only from a ``Copyright © YYYY Station.`` line; a transcript is one story.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from broadcaster.dialects.common import Builder, iso_date, lines, skip_speaker, squash
from broadcaster.script import Bulletin, Role

NAME = "public-radio"
MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
DATE_LINE = re.compile(r"^([^\W\d_]+)\.?\s+(\d{1,2}),\s*(\d{4})$")
COPYRIGHT = re.compile(r"^Copyright\s*(?:©|\(c\))?\s*\d{4}\s+(?P<station>[^.]+?)\s*\.", re.I)
NOTICE = re.compile(r"\btranscripts? (?:is|are) created on a rush deadline\b", re.I)
# ``TOM REYES, BYLINE:``, ``REYES:``, ``Mr. JOHN DOE (Acme Corp):``, ``UNIDENTIFIED PERSON #1:``
LABEL = re.compile(
    r"^(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?[ \t]+)?"
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
    "SPEAKING",
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
    for line in lines(text):
        transcript.read(line)
    return transcript.out.bulletin(NAME, None, transcript.date, transcript.station)


class _Transcript:
    """Reading state: the people met so far and the metadata found."""

    def __init__(self) -> None:
        self.out = Builder()
        self.people: dict[str, Person] = {}
        """Full names and surnames (upper case) to the person they name."""
        self.date: str | None = None
        self.station: str | None = None
        self.first = True

    def read(self, line: str) -> None:
        first, self.first = self.first, False
        if first and (date := _date_line(line)):
            self.date = date
            self.out.skip("date line", line)
        elif credit := COPYRIGHT.match(line):
            self.station = self.station or squash(credit.group("station"))
            self.out.skip("page furniture: copyright", line)
        elif NOTICE.search(line):
            self.out.skip("page furniture: transcript notice", line)
        elif label := _label(line):
            self._turn(label)
        else:
            _say(self.out, line)

    def _turn(self, label: re.Match[str]) -> None:
        person = self._person(label.group("name"), label.group("role"))
        self.out.voice(person.role, person.speaker)
        title_at = label.start("title") if label.group("title") else label.end()
        skip_speaker(self.out, label.string[:title_at], label.string[title_at : label.end()])
        _say(self.out, label.string[label.end() :])

    def _person(self, name: str, role: str | None) -> Person:
        key = squash(name).upper()
        if role is None and key in self.people:
            return self.people[key]
        unidentified = bool(UNIDENTIFIED.match(key))
        speaker = key.capitalize() if unidentified else _title_case(key)
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


def _title_case(name: str) -> str:
    return re.sub(r"[^\W\d_]+", lambda word: word[0][0] + word[0][1:].lower(), name)


def _date_line(line: str) -> str | None:
    """``June 3, 2024`` or ``Jun. 3, 2024``."""
    found = DATE_LINE.match(line)
    if not found:
        return None
    word = found.group(1).lower()
    month = next((n for n, name in enumerate(MONTHS, 1) if word in (name, name[:3])), None)
    return iso_date(int(found.group(3)), month, int(found.group(2))) if month else None


def _say(out: Builder, text: str) -> None:
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
