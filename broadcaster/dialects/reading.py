"""Reading transcript files as people have them: any common encoding, any line ending."""

from __future__ import annotations

import codecs
import sys
from pathlib import Path

import charset_normalizer

from broadcaster.errors import InputError

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
BINARY_MAGIC = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"%PDF",
    b"PK\x03\x04",
    b"ID3",
    b"RIFF",
    b"\x1f\x8b",
    b"\x7fELF",
)
FALLBACK_ENCODINGS = ("cp949", "cp1252")
"""Considered when a file is not UTF-8: Korean Windows (and EUC-KR), Western Windows."""
MAX_BYTES = 64 * 1024 * 1024


def read_transcript(path: str | Path, encoding: str | None = None) -> str:
    """The text of a transcript file, with ``\\n`` line endings; raises InputError."""
    raw = _read_bytes(Path(path))
    where = "standard input" if str(path) == STDIN else str(path)
    return normalised(_decode(raw, path, encoding), where)


def normalised(text: str, where: str) -> str:
    """A transcript's ``text`` (read from ``where``) with ``\\n`` line endings; raises
    InputError if it has nothing in it."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{where} is empty", "give a transcript with some words in it")
    return text


STDIN = "-"
"""The transcript path that means standard input."""


def _read_bytes(path: Path) -> bytes:
    if str(path) == STDIN:
        raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise InputError(
                f"standard input holds over {MAX_BYTES // 2**20} MiB; longer transcripts "
                "are refused",
                "split it into bulletins",
            )
        return raw
    if path.is_dir():
        raise InputError(f"{path} is a directory, not a transcript", "give a text file")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(
                f"{path} is {size // 2**20} MiB; transcripts over "
                f"{MAX_BYTES // 2**20} MiB are refused",
                "split it into bulletins",
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"no such file: {path}", "check the path") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None


def _decode(raw: bytes, path: str | Path, encoding: str | None) -> str:
    if encoding:
        return _decode_as(raw, path, encoding)
    for bom, name in BOMS:
        if raw.startswith(bom):
            return _decode_as(raw, path, name)
    if raw.startswith(BINARY_MAGIC) or b"\x00" in raw:
        raise InputError(f"{path} is not a text file", "give a plain-text transcript")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Both legacy code pages decode almost any bytes; charset-normalizer tells which
    # one reads as language rather than mojibake.
    best = charset_normalizer.from_bytes(raw, cp_isolation=list(FALLBACK_ENCODINGS)).best()
    if best is None:
        raise InputError(f"cannot tell the encoding of {path}", "name it with --encoding")
    return str(best)


def _decode_as(raw: bytes, path: str | Path, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}", "try utf-8, cp949 or cp1252") from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path} is not valid {encoding} (byte {exc.start})",
            "name the right one with --encoding",
        ) from None
