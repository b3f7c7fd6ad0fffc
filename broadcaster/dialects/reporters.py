"""Who the reporter is: the anchor's hand-over and the reporter's sign-off (DIALECTS.md §1, §6).

Hand-overs come in a family of shapes — ``Kim Ha-neul reports.``, ``Our Kim Ha-neul has
more.``, ``Our correspondent Lee Do-yun reports from Washington.``, ``Here's Park Seo-jin.``
— and the sign-off repeats the name: ``Kim Ha-neul, KBS World Radio News.``. The speaker is
always the person, never "Our …" or a title; when the two disagree the sign-off wins.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import replace

from broadcaster.dialects.common import person
from broadcaster.script import Bulletin, Segment, Story

NAME_WORD = r"[A-Z][\w'’-]*"
NAME_RUN = rf"{NAME_WORD}(?:\s+{NAME_WORD}){{0,5}}"
HANDOVER_VERBS = (
    r"reports|has more|has the story|has this report|has details|has the details|"
    r"has our top story|has our (?:next|lead) story|has the latest|brings us the latest|"
    r"starts us off|is on the line|takes a look|takes a closer look|filed this report"
)
HANDOVER = re.compile(
    rf"(?<![\w'’-])(?P<name>{NAME_RUN})\s+(?:{HANDOVER_VERBS})"
    rf"(?:\s+(?:from|in|at|on)\s+[^.!?]{{1,40}})?[.!]?\s*$"
)
HERES = re.compile(
    rf"\b(?:Here'?s|Here is)\s+(?:(?:our|correspondent|reporter)\s+)*(?P<name>{NAME_RUN})"
    rf"\s*[.!]?\s*$"
)
SIGNOFF = re.compile(
    rf"(?P<name>{NAME_RUN}),\s+(?P<station>(?:[A-Z][\w'’&-]*\s+){{0,4}}?[A-Z][\w'’&-]*?)"
    rf"\s+News\.?\s*$"
)
STATION = r"(?P<station>[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){0,3}?)(?:\s+News)?"
# "Jung Yeon-woo, reporting.", "This is Jung Yeon-woo reporting for SBS.", "SBS News,
# Jung Yeon-woo." (the Korean order: station, then name).
REPORTING = (
    re.compile(
        rf"(?:\b(?:This is|I'm|I am)\s+)?(?P<name>{NAME_RUN}),?\s+reporting"
        rf"(?:\s+(?:from\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?\s*)?(?:for\s+{STATION})?)?\.?\s*$"
    ),
    re.compile(rf"(?:^|[.!?]\s*)(?P<station>[A-Z]{{2,5}})\s+News,\s+(?P<name>{NAME_RUN})\.?\s*$"),
)


def handover(text: str) -> str | None:
    """The reporter an anchor's words hand over to, if they end with a hand-over."""
    found = HANDOVER.search(text) or HERES.search(text)
    name = person(found.group("name")) if found else None
    # A reporter has a full name; "The Minister reports." hands over to nobody.
    return name if name and len(name.split()) > 1 else None


def signoff(text: str) -> tuple[str, str | None] | None:
    """``(name, station)`` when ``text`` ends with a reporter's sign-off."""
    if found := SIGNOFF.search(text):
        name = person(found.group("name"))
        return (name, found.group("station")) if name else None
    for pattern in REPORTING:
        if found := pattern.search(text):
            name = person(found.group("name"))
            return (name, found.group("station")) if name else None
    return None


def agree(handed_to: str | None, signed: str | None) -> str | None:
    """The reporter's name: the sign-off wins, with a warning when the hand-over differs."""
    if handed_to and signed and handed_to.casefold() != signed.casefold():
        warnings.warn(
            f"the hand-over names {handed_to!r} but the sign-off {signed!r}; using {signed!r}",
            stacklevel=2,
        )
    return signed or handed_to


def name_reporters(bulletin: Bulletin, byline: str | None = None) -> Bulletin:
    """Name each story's unnamed reporter from its hand-over and sign-off (else the page's
    byline); find the station."""
    stories, station = [], bulletin.station
    for story in bulletin.stories:
        named, found = _name_story(story, byline)
        stories.append(named)
        station = station or found
    return replace(bulletin, stories=tuple(stories), station=station)


def _name_story(story: Story, byline: str | None) -> tuple[Story, str | None]:
    handed_to = signed = station = None
    for seg in story.segments:
        if seg.role == "anchor":
            handed_to = handed_to or handover(seg.text)
        elif seg.role == "reporter" and (found := signoff(seg.text)):
            signed, station = found
    name = agree(handed_to, signed) or byline
    if not name:
        return story, station

    def named(seg: Segment) -> Segment:
        return replace(seg, speaker=name) if seg.role == "reporter" and not seg.speaker else seg

    return replace(story, segments=tuple(named(s) for s in story.segments)), station
