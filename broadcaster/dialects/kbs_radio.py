"""KBS World Radio transcripts: ``Anchor:`` leads and ``Report:`` packages (DIALECTS.md §1)."""

from __future__ import annotations

import re

from broadcaster.dialects.common import squash
from broadcaster.script import Bulletin, Segment, Skipped, Story

NAME = "kbs-radio"
LABEL = re.compile(r"\b(Anchor|Report)\s*:")
METADATA = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b.*$|^.*\bPhoto\s*:.*$", re.MULTILINE)
NAME_WORDS = r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3}"
HANDOVER = re.compile(
    rf"({NAME_WORDS})\s+(?:reports|has more|has the story|has this report|"
    rf"has details|has the details)\.?\s*$"
)
SIGNOFF = re.compile(rf"({NAME_WORDS}),\s+((?:[A-Z][\w'’-]*\s+)*?[A-Z][\w'’-]*?)\s+News\.?\s*$")


def detect(text: str) -> str | None:
    """Matches when an ``Anchor:`` label is present."""
    if re.search(r"\bAnchor\s*:", text):
        return "found an 'Anchor:' label"
    return None


def parse(text: str) -> Bulletin:
    """Split at the labels (even mid-line); one story per ``Anchor:``."""
    skipped: list[Skipped] = []
    date = None
    meta = METADATA.search(text.split("\n", 1)[0])
    if meta:
        date = meta.group(1) or _find_date(meta.group(0))
        skipped.append(Skipped(0, "metadata line (date and photo credit)", meta.group(0).strip()))
        text = text[meta.end() :]
    stories: list[list[Segment]] = []
    station = None
    pieces = LABEL.split(text)
    lead = squash(pieces[0])
    if lead:
        stories.append([Segment("anchor", None, lead)])
    for label, body in zip(pieces[1::2], pieces[2::2], strict=True):
        if label == "Anchor" or not stories:
            stories.append([])
        skipped.append(Skipped(len(stories), "label", f"{label}:"))
        if squash(body):
            stories[-1].append(
                Segment("anchor" if label == "Anchor" else "reporter", None, squash(body))
            )
    built = []
    for segments in stories:
        story, found_station = _name_reporter(segments)
        station = station or found_station
        built.append(story)
    return Bulletin(NAME, None, date, station, tuple(built), tuple(skipped))


def _find_date(line: str) -> str | None:
    found = re.search(r"\d{4}-\d{2}-\d{2}", line)
    return found.group(0) if found else None


def _name_reporter(segments: list[Segment]) -> tuple[Story, str | None]:
    """Name the reporter from the anchor's hand-over or the reporter's sign-off."""
    name = station = None
    for seg in segments:
        handover = HANDOVER.search(seg.text) if seg.role == "anchor" else None
        signoff = SIGNOFF.search(seg.text) if seg.role == "reporter" else None
        name = name or _clean_name(handover.group(1) if handover else None)
        if signoff:
            name = name or _clean_name(signoff.group(1))
            station = signoff.group(2)
    named = tuple(Segment(s.role, name, s.text) if s.role == "reporter" else s for s in segments)
    return Story(None, named), station


def _clean_name(name: str | None) -> str | None:
    """Drop a sentence glued in front of the name (``defect.Choi You Sun``)."""
    if not name:
        return None
    return re.split(r"[.!?]", name)[-1].strip() or None
