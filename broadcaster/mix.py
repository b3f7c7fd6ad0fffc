"""Mixing: clips -> one programme, with broadcast pauses, assembled once."""

from __future__ import annotations

from dataclasses import dataclass

from broadcaster.audio import AudioSegment

FRAME_RATE = 22050
SAMPLE_WIDTH = 2


@dataclass(frozen=True)
class Timing:
    """Silences around and between sections, in milliseconds."""

    lead_in_ms: int = 500
    """Silence before the first word."""
    section_gap_ms: int = 700
    """Between two sections of one story (anchor to reporter)."""
    story_gap_ms: int = 1500
    """Between two stories."""
    tail_ms: int = 1000
    """Silence after the last word."""


@dataclass(frozen=True)
class Part:
    """One section's audio and where it sits."""

    title: str
    """Chapter title for the section."""
    clip: AudioSegment
    """The section's speech."""
    new_story: bool
    """True when the section opens a story (a longer pause before it)."""
    pause_ms: int = 0
    """Extra silence before the section."""


@dataclass(frozen=True)
class Chapter:
    """A section's place in the programme."""

    title: str
    start_ms: int
    end_ms: int


def _frames(ms: int) -> int:
    return FRAME_RATE * ms // 1000


def _silence(ms: int) -> bytes:
    return b"\0" * (_frames(ms) * SAMPLE_WIDTH)


def _pcm(clip: AudioSegment) -> bytes:
    return clip.set_channels(1).set_frame_rate(FRAME_RATE).set_sample_width(SAMPLE_WIDTH).raw_data


def assemble(parts: list[Part], timing: Timing = Timing()) -> tuple[AudioSegment, list[Chapter]]:
    """The programme and its chapters, built in one join (no quadratic ``+=``).

    Chapters tile the programme: the first starts at 0, each ends where the next
    section's speech starts, the last at the end of the tail.
    """
    chunks = [_silence(timing.lead_in_ms)]
    starts: list[int] = []
    position = len(chunks[0])
    for index, part in enumerate(parts):
        gap = (timing.story_gap_ms if part.new_story else timing.section_gap_ms) if index else 0
        chunks.append(_silence(gap + part.pause_ms))
        position += len(chunks[-1])
        starts.append(position // SAMPLE_WIDTH)
        chunks.append(_pcm(part.clip))
        position += len(chunks[-1])
    chunks.append(_silence(timing.tail_ms))
    data = b"".join(chunks)
    total = len(data) // SAMPLE_WIDTH
    bounds = [0, *starts[1:], total]
    chapters = [
        Chapter(part.title, _ms(bounds[i]), _ms(bounds[i + 1])) for i, part in enumerate(parts)
    ]
    programme = AudioSegment(
        data=data, sample_width=SAMPLE_WIDTH, frame_rate=FRAME_RATE, channels=1
    )
    return programme, chapters


def _ms(frames: int) -> int:
    return frames * 1000 // FRAME_RATE
