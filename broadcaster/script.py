"""The data model every stage reads: a bulletin of stories of spoken segments."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from broadcaster.errors import InputError

Role = Literal["anchor", "reporter", "soundbite"]
ROLES: tuple[Role, ...] = ("anchor", "reporter", "soundbite")


@dataclass(frozen=True)
class Segment:
    """One turn read by one voice."""

    role: Role
    """Who reads it: ``anchor``, ``reporter`` or ``soundbite``."""
    speaker: str | None
    """The person's name when the transcript gives it."""
    text: str
    """The words exactly as written in the transcript."""
    spoken: str = ""
    """The text sent to the engine (filled in by speech normalisation)."""
    voice: str | None = None
    """The voice profile name (filled in by casting)."""
    gender: str | None = None
    """The speaker's inferred gender, ``female`` or ``male`` (filled in by casting)."""
    pause_ms: int = 0
    """Extra silence before this segment (a producer script's ``[pause 2s]``)."""


@dataclass(frozen=True)
class Skipped:
    """Text deliberately not spoken (labels, metadata, cues, page furniture)."""

    story: int
    """1-based story number it belongs to (0: before the first story)."""
    reason: str
    """Why it is not spoken."""
    text: str
    """The text as written."""


@dataclass(frozen=True)
class Story:
    """One news item."""

    title: str | None
    """The headline when the transcript has one (never spoken)."""
    segments: tuple[Segment, ...]
    """The spoken turns, in order."""


@dataclass(frozen=True)
class Bulletin:
    """One transcript: one or more stories."""

    dialect: str
    """Name of the transcript style it was read as."""
    title: str | None
    """Bulletin title, if the transcript gives one."""
    date: str | None
    """Bulletin date as ``YYYY-MM-DD``, if known."""
    station: str | None
    """Station name, if known."""
    stories: tuple[Story, ...]
    """The news items, in order."""
    skipped: tuple[Skipped, ...] = ()
    """Everything dropped on purpose, in order."""
    detected_because: str | None = None
    """Why the dialect was chosen, when it was detected rather than forced."""
    source: str | None = field(default=None, compare=False)
    """Path of the transcript file it came from."""

    def segments(self) -> list[tuple[int, Segment]]:
        """All segments in order, each with its 1-based story number."""
        return [(n, seg) for n, story in enumerate(self.stories, 1) for seg in story.segments]

    def display_title(self) -> str:
        """A title for tags and listings, even when the transcript has none."""
        if self.title:
            return self.title
        first = self.stories[0].title if self.stories else None
        name = " ".join(p for p in (self.station, "News" if self.station else None) if p)
        parts = [p for p in (name or first, self.date) if p]
        return ", ".join(parts) if parts else "News bulletin"

    def map_segments(self, fn) -> Bulletin:  # fn: (Segment) -> Segment
        """A copy with ``fn`` applied to every segment."""
        stories = tuple(replace(s, segments=tuple(fn(g) for g in s.segments)) for s in self.stories)
        return replace(self, stories=stories)

    def select(
        self, section: int | None = None, story: int | None = None, speaker: str | None = None
    ) -> set[int]:
        """The 1-based segment numbers of one section, one story, or everything one person
        (or an unnamed speaker's role) says: what a preview renders."""
        segments = self.segments()
        if section is not None:
            if not 1 <= section <= len(segments):
                raise InputError(
                    f"there is no section {section}", f"the transcript has {len(segments)} sections"
                )
            return {section}
        if story is not None:
            count = len(self.stories)
            if not 1 <= story <= count:
                stories = "1 story" if count == 1 else f"{count} stories"
                raise InputError(f"there is no story {story}", f"the transcript has {stories}")
            return {n for n, (s, _) in enumerate(segments, 1) if s == story}
        names = {seg.speaker.casefold(): seg.speaker for _, seg in segments if seg.speaker}
        unnamed = list(dict.fromkeys(seg.role for _, seg in segments if not seg.speaker))
        wanted = (speaker or "").casefold()
        if wanted not in names and wanted not in unnamed:
            roles = f"; or an unnamed speaker's role: {', '.join(unnamed)}" if unnamed else ""
            raise InputError(
                f"nobody called {speaker!r} speaks in the transcript",
                f"speakers: {', '.join(dict.fromkeys(names.values())) or 'none are named'}{roles}",
            )
        if wanted in names:
            return {
                n for n, (_, s) in enumerate(segments, 1) if (s.speaker or "").casefold() == wanted
            }
        return {n for n, (_, s) in enumerate(segments, 1) if not s.speaker and s.role == wanted}


def section_title(story: int, segment: Segment) -> str:
    """How a section is named in listings and errors."""
    who = f" ({segment.speaker})" if segment.speaker else ""
    return f"Story {story}: {segment.role}{who}"
