"""Sidecars written next to the audio: WebVTT and SRT captions, a JSON manifest and the
rundown page."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from broadcaster.dialects.reading import STDIN
from broadcaster.errors import ExportError
from broadcaster.output import files, page
from broadcaster.output.captions import captions
from broadcaster.output.export import Encoding, clock
from broadcaster.script import Bulletin
from broadcaster.sound.mix import Timeline

KINDS = ("vtt", "srt", "json", "html")
MANIFEST_BYTES = 64 << 20
"""A larger ``.json`` is not a manifest of ours, and is never read (one of a 6-hour
bulletin is ~5 MB)."""


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def webvtt(timeline: Timeline) -> str:
    """The captions (:mod:`broadcaster.output.captions`), each with a ``<v Speaker>`` voice span."""
    lines = ["WEBVTT", ""]
    for cue in captions(timeline):
        lines += [
            f"{clock(_ms(cue.start), '.')} --> {clock(_ms(cue.end), '.')}",
            f"<v {_vtt_text(cue.who)}>" + "\n".join(map(_vtt_text, cue.lines)),
            "",
        ]
    return "\n".join(lines)


def srt(timeline: Timeline) -> str:
    """The captions numbered from 1, the speaker's name before the words (counted in the
    first line's length)."""
    lines = []
    for n, cue in enumerate(captions(timeline, labelled=True), 1):
        lines += [
            str(n),
            f"{clock(_ms(cue.start), ',')} --> {clock(_ms(cue.end), ',')}",
            f"{cue.who}: " + "\n".join(cue.lines),
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


def read_manifest(path: Path) -> dict | None:
    """The manifest at ``path`` if it is one of ours (a JSON object, at most
    :data:`MANIFEST_BYTES`, whose ``audio`` names a file), else None."""
    try:
        if path.stat().st_size > MANIFEST_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    audio = data.get("audio") if isinstance(data, dict) else None
    return data if isinstance(audio, dict) and isinstance(audio.get("file"), str) else None


def paths(audio: Path, kinds: tuple[str, ...]) -> list[Path]:
    """Where each chosen sidecar of ``audio`` goes: ``<stem>.vtt`` ..."""
    return [audio.with_suffix(f".{kind}") for kind in kinds]


def write(staged: files.FileSet, audio: Path, kinds: tuple[str, ...], texts: dict) -> list[Path]:
    """Each chosen sidecar beside ``audio``, to move into place with the rest of ``staged``."""
    written = paths(audio, kinds)
    for kind, path in zip(kinds, written, strict=True):
        files.write_text(staged, path, texts[kind])
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


def check_outputs(source: str | None, output: Path, kinds: tuple[str, ...]) -> None:
    """Refuse, before any synthesis, outputs that would destroy something: the transcript
    itself, the audio by one of its own sidecars, another audio file's sidecars."""
    beside = paths(output, kinds)
    if output in beside:
        raise ExportError(
            f"{output} would be overwritten by its own {output.suffix} sidecar",
            "give the audio file an audio extension such as .mp3",
        )
    if source and source != STDIN:
        files.refuse_overwriting(Path(source), [output, *beside])
    owner = _described(output.with_suffix(".json")) if kinds else None
    if owner and owner != output.name and (output.parent / owner).exists():
        raise ExportError(
            f"the sidecars beside {output} are {output.parent / owner}'s: "
            "rendering would replace them",
            "give this render another name (-o; in a batch, --name), or --sidecars none",
        )


def _described(manifest: Path) -> str | None:
    """The audio file a manifest describes, if ``manifest`` is one of ours."""
    found = read_manifest(manifest)
    return found["audio"]["file"] if found else None


def audio_entry(name: str, enc: Encoding, path: Path) -> dict:
    """The manifest's description of the audio file ``name``, which is at ``path`` for
    now: its size and hash tell a reader whether the file beside the manifest is that
    one."""
    digest = hashlib.sha256()
    with open(path, "rb") as audio:
        while block := audio.read(1 << 20):
            digest.update(block)
    return {"file": name, "format": enc.format.name, "sample_rate": enc.rate,
            "channels": enc.channels, "bitrate": enc.bitrate, "bytes": path.stat().st_size,
            "sha256": digest.hexdigest()}  # fmt: skip
