"""Helpers shared by the dialect parsers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date

from broadcaster.script import Bulletin, Role, Segment, Skipped, Story

WHITESPACE = re.compile(r"\s+")
WORD = re.compile(r"\w")


def squash(text: str) -> str:
    """Collapse runs of white space (line breaks inside a turn) to one space."""
    return WHITESPACE.sub(" ", text).strip()


def title_case(name: str) -> str:
    """``HANA LEE`` -> ``Hana Lee``: a name written in capitals, as people write it."""
    return re.sub(r"[^\W\d_]+", lambda word: word[0][0] + word[0][1:].lower(), name)


def lines(text: str) -> Iterator[str]:
    """The non-blank lines of ``text``, stripped."""
    return (line.strip() for line in text.splitlines() if line.strip())


LIST_ITEM = re.compile(
    r"^(?:(?P<number>[0-9]{1,2})[.)]|(?P<bullet>[•·▪▶►■◆○●*-]))\s+(?P<item>\S.*)$"
)
"""A numbered (``1. Minister visits Tokyo``, ``2) ...``) or bulleted line."""
HEADLINE_WORDS = 16
"""A listed headline is short; longer numbered lines are points of the story itself."""


def read_lines(text: str) -> Iterator[tuple[str, bool]]:
    """The non-blank lines of ``text``, each with whether it belongs to a list of headlines
    or related stories: two or more numbered or bulleted lines in a row (counting up by
    one, or the same bullet), each short and not a sentence (no closing full stop)."""
    all_lines = list(lines(text))
    listed: set[int] = set()
    run: list[int] = []
    for n, line in enumerate([*all_lines, ""]):
        if run and _next_item(all_lines[run[-1]], line):
            run.append(n)
            continue
        if len(run) >= 2:
            listed.update(run)
        run = [n] if _headline_item(line) else []
    return ((line, n in listed) for n, line in enumerate(all_lines))


SHOW_TIME = re.compile(
    r"^(?:[A-Z][\w&'’]*\s+){0,4}[A-Z][\w&'’]*\s+(?:at\s+)?[0-9]{1,2}(?:[:.][0-9]{2})?"
    r"(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*KST)?$"
)
"""A programme's name and clock time: ``NEWSROOM 21:00``, ``Evening Report at 9``."""
LOWER_THIRD = re.compile(
    r"^[\[(]?\s*(?:lower[ -]?thirds?|supers?|CG|captions?|graphics?|on[ -]screen)\s*[:\])]", re.I
)
"""A caption shown on screen, not read: ``Lower third: ...``, ``[CG: ...]``, ``SUPER: ...``."""


def programme_furniture(line: str) -> str | None:
    """Why ``line`` is programme furniture that is never read, or None."""
    if SHOW_TIME.match(line):
        return "programme furniture: show and time"
    if LOWER_THIRD.match(line):
        return "programme furniture: lower third"
    return None


def read_page(text: str, out: Builder, read: Callable[[str], None]) -> None:
    """``read`` each line of ``text`` in turn; lists of headlines are skipped into ``out``."""
    for line, listed in read_lines(text):
        if listed:
            out.skip("headline list", line)
        else:
            read(line)


def _headline_item(line: str) -> re.Match[str] | None:
    item = LIST_ITEM.match(line)
    if not item or len(item["item"].split()) > HEADLINE_WORDS:
        return None
    return None if re.search(r"[^.][.!?]$", item["item"]) else item


def _next_item(previous: str, line: str) -> bool:
    before, item = LIST_ITEM.match(previous), _headline_item(line)
    if not before or not item:
        return False
    if before["number"] and item["number"]:
        return int(item["number"]) == int(before["number"]) + 1
    return bool(before["bullet"]) and before["bullet"] == item["bullet"]


def iso_date(year: int, month: int, day: int) -> str | None:
    """``YYYY-MM-DD``, or None when the numbers are not a calendar date."""
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


class Builder:
    """Collects stories, turns and dropped text in the order the parser reads them.

    Text said in one voice is joined into one segment until something interrupts
    it (another voice, a story or skipped text), so segments and skipped text keep
    their document order: every word of the input ends up in exactly one of them.
    """

    def __init__(self) -> None:
        self._stories: list[tuple[str | None, list[Segment]]] = []
        self._skipped: list[Skipped] = []
        self._voice: tuple[Role, str | None] = ("anchor", None)
        self._pending: list[str] = []

    @property
    def story_count(self) -> int:
        """How many stories have been opened so far."""
        return len(self._stories)

    def story(self, title: str | None) -> None:
        """Open a new story; its first voice is the anchor's."""
        self._flush()
        self._stories.append((title, []))
        self._voice = ("anchor", None)

    def voice(self, role: Role, speaker: str | None = None) -> None:
        """Hand over to another voice (opening the first story if needed)."""
        self._flush()
        self._segments()
        self._voice = (role, speaker)

    def say(self, text: str) -> None:
        """Add words to the current turn."""
        self._pending.append(text)

    def skip(self, reason: str, text: str) -> None:
        """Drop text on purpose; an empty ``text`` is ignored."""
        self._flush()
        if text.strip():
            self._skipped.append(Skipped(len(self._stories), reason, squash(text)))

    def bulletin(
        self, dialect: str, title: str | None, date: str | None, station: str | None
    ) -> Bulletin:
        """The finished bulletin."""
        self._flush()
        stories = tuple(Story(title, tuple(segments)) for title, segments in self._stories)
        return Bulletin(dialect, title, date, station, stories, tuple(self._skipped))

    def _flush(self) -> None:
        text = squash(" ".join(self._pending))
        self._pending.clear()
        # Punctuation alone (a stray quote mark, a rule of dashes) has nothing to read.
        if WORD.search(text):
            self._segments().append(Segment(*self._voice, text))

    def _segments(self) -> list[Segment]:
        if not self._stories:
            self._stories.append((None, []))
        return self._stories[-1][1]


def skip_speaker(out: Builder, label: str, title: str) -> None:
    """Drop a speaker's name, and apart from it the title or affiliation that follows."""
    out.skip("speaker label", label)
    out.skip("speaker title", title)


TITLE_WORDS = frozenset({
    "adviser", "advisor", "ambassador", "analyst", "anchor", "candidate", "ceo", "chair",
    "chairman", "chairwoman", "chief", "citizen", "colleague", "commander", "commissioner",
    "correspondent", "councilor", "director", "dr.", "economist", "editor", "envoy", "expert",
    "fellow", "founder", "gen.", "general", "governor", "head", "host", "judge", "justice",
    "lawmaker", "leader", "manager", "mayor", "member", "minister", "mr.", "mrs.", "ms.",
    "negotiator", "nominee", "officer", "official", "president", "producer", "prof.", "professor",
    "prosecutor", "rep.", "reporter", "representative", "researcher", "resident", "secretary",
    "sen.", "senator", "spokesman", "spokesperson", "spokeswoman",
})  # fmt: skip
"""Words that end a title before a name: ``Foreign Ministry Spokesperson Kang Min-ho``."""
TITLE_COMPLEMENTS = frozenset({"of", "for", "on", "to"})
"""Words that carry a title on: ``Minister for Energy``, ``Secretary of State``."""
LEADING_WORDS = frozenset(
    {"our", "here's", "here", "now", "and", "so", "next", "then", "first", "the", "a", "an", "this"}
    | {"is", "i'm", "i", "am"}
)
"""Words that may open a hand-over sentence but are never part of a name."""
KOREAN_NAME = re.compile(r"\b[A-Z][a-z]{1,4}\s+[A-Z][a-z]{1,6}-[a-z]{1,6}(?=\s*$)")
"""A Korean name closing a description: ``Farmer Yoo Min-su``."""
NESTED = r"\((?:[^()]|\([^()]*\))*\)"
"""A parenthesis that may hold one more: ``(Defense Ministry (June 25))``."""


def person(description: str) -> str | None:
    """The person a description names: no glued sentence, no notes in brackets, no
    "Our", no title before the name (``Minister for Energy Han Do-yoon``) or after it
    (``Han Do-yoon, Deputy Minister``); the description itself when it names nobody."""
    name, comma, after = description.rpartition(",")
    titled = any(w.lower() in TITLE_WORDS for w in after.split())
    if comma and titled and not re.search(r"[a-z][.!?]", after):
        description = name
    description = re.sub(NESTED, " ", re.split(r"[.!?](?=\S)|[.!?]\s", description)[-1])
    if korean := KOREAN_NAME.search(description):
        return korean.group(0)
    words = description.split()
    titles = [n for n, w in enumerate(words) if w.lower() in TITLE_WORDS]
    if titles and titles[-1] < len(words) - 1:
        rest = words[titles[-1] + 1 :]
        if rest[0] not in TITLE_COMPLEMENTS:
            words = rest
        elif len(rest) > 2:
            words = rest[-2:]  # "Secretary of State Antony Blinken": the name comes last
    while words and words[0].lower() in LEADING_WORDS:
        words = words[1:]
    return " ".join(words).strip(" ,;:") or None
