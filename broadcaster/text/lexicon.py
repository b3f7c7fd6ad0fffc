"""The pronunciation lexicon: respellings for names and places eSpeak says wrongly.

A lexicon file (``voices/lexicon.toml`` documents the format at its top)::

    [words]                # every voice
    "Kyiv" = "Keev"
    [voice.reporter]       # only the voice profile voices/reporter.toml
    "Seoul" = "Sole"

Keys are whole words or phrases as written. A key with a capital letter matches only
that spelling ("Ri" leaves "ri" and "Rio" alone); an all-lower-case key matches any
capitalisation. Later files override earlier ones, entry by entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from broadcaster.errors import VoiceError
from broadcaster.tomlfile import read_toml

LEXICON_FILE = "lexicon.toml"
"""The lexicon's name in a voices folder (it is not a voice profile)."""
SECTIONS = ("words", "voice")


@dataclass(frozen=True)
class Lexicon:
    """Respellings for every voice and for single voice profiles."""

    words: Mapping[str, str] = field(default_factory=dict)
    """Word or phrase as written -> what eSpeak should read instead, for every voice."""
    voices: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Voice profile name -> entries for that profile only, overriding ``words``."""

    def entries(self, voice: str | None) -> dict[str, str]:
        """Every entry that applies to voice profile ``voice`` (None: no profile)."""
        own = self.voices.get(voice, {}) if voice else {}
        return {**self.words, **own}

    def apply(
        self, text: str, voice: str | None = None, between: Callable[[str], str] = str
    ) -> str:
        """``text`` with every whole-word match of an entry for ``voice`` respelled, and
        ``between`` applied to the text between matches (so the entries win over it)."""
        table = self.entries(voice)
        if not table:
            return between(text)
        out, start = [], 0
        for found in _pattern(frozenset(table)).finditer(text):
            out += [between(text[start : found.start()]), _respelling(table, found[0])]
            start = found.end()
        return "".join([*out, between(text[start:])])


@lru_cache(maxsize=32)
def _pattern(keys: frozenset[str]) -> re.Pattern[str]:
    # Longest first: at any position "Lee Jae-myung" must win over "Lee".
    pieces = [_piece(key) for key in sorted(keys, key=lambda k: (-len(k), k))]
    return re.compile(rf"(?<!\w)(?:{'|'.join(pieces)})(?!\w)")


def _piece(key: str) -> str:
    body = r"\s+".join(re.escape(word) for word in key.split())
    return f"(?i:{body})" if key == key.lower() else body


def _respelling(table: Mapping[str, str], found: str) -> str:
    written = " ".join(found.split())
    if written in table:
        return table[written]
    # A case-insensitive entry: keep the capital of a name at the start of a sentence.
    # Casefolding corner cases (Turkish İ) find no entry and stay as written.
    respelling = table.get(written.lower())
    if respelling is None:
        return found
    return respelling[:1].upper() + respelling[1:] if found[:1].isupper() else respelling


def load_lexicon(paths: list[Path], profile_names: set[str]) -> Lexicon:
    """The lexicon from ``paths`` in order (later entries win); a missing file adds nothing."""
    words: dict[str, str] = {}
    voices: dict[str, dict[str, str]] = {}
    for path in paths:
        data = _read(path)
        _check_sections(path, data)
        words.update(_entries(path, "words", data.get("words", {})))
        for name, table in _voice_tables(path, data.get("voice", {}), profile_names):
            voices.setdefault(name, {}).update(_entries(path, f"voice.{name}", table))
    return Lexicon(words, voices)


def _read(path: Path) -> dict[str, object]:
    return read_toml(path) if path.exists() else {}


def _check_sections(path: Path, data: dict[str, object]) -> None:
    for key in data:
        if key not in SECTIONS:
            raise VoiceError(
                f"{path}: unknown key {key!r}",
                "allowed keys: words, voice; entries go under [words] or [voice.<profile>]",
            )


def _voice_tables(path: Path, voice: object, profile_names: set[str]) -> list[tuple[str, object]]:
    if not isinstance(voice, dict):
        raise VoiceError(f"{path}: 'voice' is not a table", "write [voice.<profile>] sections")
    for name in voice:
        if name not in profile_names:
            raise VoiceError(
                f"{path}: [voice.{name}] names no voice profile",
                f"voice profiles: {', '.join(sorted(profile_names)) or 'none'}",
            )
    return list(voice.items())


def _entries(path: Path, section: str, table: object) -> dict[str, str]:
    if not isinstance(table, dict):
        raise VoiceError(f"{path}: [{section}] is not a table", f"put [{section}] on its own line")
    for key, value in table.items():
        if not key.strip():
            raise VoiceError(f"{path}: [{section}] has a blank entry", "give the word as written")
        if not isinstance(value, str):
            raise VoiceError(
                f"{path}: entry {key!r} in [{section}] is not a string ({type(value).__name__})",
                f'write it as "{key}" = "how to say it"',
            )
    return dict(table)
