"""Sidecars written next to the audio: WebVTT and SRT captions, a JSON manifest and the
rundown page."""

from __future__ import annotations

import json
from pathlib import Path

from broadcaster import files, page
from broadcaster.export import clock
from broadcaster.mix import Timeline
from broadcaster.script import Bulletin

KINDS = ("vtt", "srt", "json", "html")


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def _who(placed) -> str:
    """A cue's voice: the speaker's name, or the role when unnamed."""
    return placed.section.speaker or placed.section.role


def webvtt(timeline: Timeline) -> str:
    """One cue per sentence, each with a ``<v Speaker>`` voice span."""
    lines = ["WEBVTT", ""]
    for placed in timeline.sections:
        for cue in placed.cues:
            lines += [
                f"{clock(_ms(cue.start), '.')} --> {clock(_ms(cue.end), '.')}",
                f"<v {_who(placed)}>{_vtt_text(cue.text)}",
                "",
            ]
    return "\n".join(lines)


def srt(timeline: Timeline) -> str:
    """One numbered cue per sentence, the speaker's name before the words."""
    lines, n = [], 0
    for placed in timeline.sections:
        for cue in placed.cues:
            n += 1
            lines += [
                str(n),
                f"{clock(_ms(cue.start), ',')} --> {clock(_ms(cue.end), ',')}",
                f"{_who(placed)}: {cue.text}",
                "",
            ]
    return "\n".join(lines)


def _vtt_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def manifest(bulletin: Bulletin, timeline: Timeline, measured: dict, audio: dict) -> dict:
    """The JSON manifest: metadata, stories and segments with their times, and loudness
    (the target; integrated loudness and true peak of the PCM encoded; the makeup gain
    added for a lossy codec)."""
    return {
        "title": bulletin.display_title(),
        "description": "; ".join(s.title for s in timeline.stories if s.title),
        "date": bulletin.date,
        "station": bulletin.station,
        "dialect": bulletin.dialect,
        "source": bulletin.source,
        "audio": audio,
        "duration_s": round(timeline.duration, 3),
        "loudness": measured,
        "stories": [
            {
                "index": s.index,
                "title": s.title,
                "start_s": round(s.start, 3),
                "end_s": round(s.end, 3),
            }
            for s in timeline.stories
        ],
        "segments": [
            {
                "index": n,
                "story": p.section.story,
                "role": p.section.role,
                "speaker": p.section.speaker,
                "voice": p.section.voice,
                "start_s": round(p.start, 3),
                "end_s": round(p.end, 3),
                "text": p.section.text,
                "spoken": p.section.spoken,
                "sentences": [
                    {"start_s": round(c.start, 3), "end_s": round(c.end, 3), "text": c.text}
                    for c in p.cues
                ],
            }
            for n, p in enumerate(timeline.sections, 1)
        ],
    }


def write(audio: Path, kinds: tuple[str, ...], texts: dict[str, str]) -> list[Path]:
    """Each chosen sidecar beside ``audio`` (``<stem>.vtt`` ...), atomically."""
    written = []
    for kind in kinds:
        path = audio.with_suffix(f".{kind}")
        files.write_text(path, texts[kind])
        written.append(path)
    return written


def texts(bulletin: Bulletin, timeline: Timeline, measured: dict, audio: dict) -> dict:
    """The text of every kind of sidecar."""
    document = manifest(bulletin, timeline, measured, audio)
    captions = webvtt(timeline)
    return {
        "vtt": captions,
        "srt": srt(timeline),
        "json": json.dumps(document, ensure_ascii=False, indent=2) + "\n",
        "html": page.page(document, captions),
    }
