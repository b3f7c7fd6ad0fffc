"""Output names from a template such as ``{date}/{stem}.{ext}``, kept inside ``--out``."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from broadcaster.errors import BatchError
from broadcaster.output.files import MAX_NAME

FIELDS = ("date", "stem", "station", "title", "ext")
"""The fields a template may use."""
METADATA = frozenset({"date", "station", "title"})
"""Fields read from the transcript itself (it must be parsed to name the output)."""
UNSAFE = re.compile(r"[^\w .,()&'+-]")
"""Anything but letters, digits and a little punctuation: never a path separator."""
MAX_FIELD = 80
"""Longest a field's value may be in a name."""


@dataclass(frozen=True)
class Template:
    """A checked output name template."""

    text: str
    """The template as given, e.g. ``{date}/{stem}.{ext}``."""
    fields: frozenset[str]
    """The fields it uses."""

    @property
    def needs_metadata(self) -> bool:
        """Whether naming an output needs the transcript parsed (date, station, title)."""
        return bool(self.fields & METADATA)

    def name(self, values: Mapping[str, str]) -> PurePosixPath:
        """The relative output path for ``values``, each made safe to be part of a name."""
        safe = {key: clean(value) for key, value in values.items()}
        return _relative(self.text.format(**safe), self.text)


def parse_template(text: str) -> Template:
    """``text`` as a Template; raises BatchError for an unknown field or a name outside."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise BatchError(f"bad output name template {text!r}: {exc}") from None
    used = {name for _, name, _, _ in parsed if name is not None}
    unknown = sorted(used - set(FIELDS))
    if unknown:
        raise BatchError(
            f"unknown field {{{unknown[0]}}} in output name template {text!r}",
            f"fields: {', '.join('{' + f + '}' for f in FIELDS)}",
        )
    template = Template(text, frozenset(used))
    try:
        template.name(dict.fromkeys(FIELDS, "x"))
    except (ValueError, IndexError) as exc:
        raise BatchError(f"bad output name template {text!r}: {exc}") from None
    return template


def clean(value: str) -> str:
    """``value`` fit for a file name: no separators, no leading dot, not empty."""
    safe = " ".join(UNSAFE.sub("-", value).split())[:MAX_FIELD]
    return safe.strip(" .-") or "untitled"


def _relative(name: str, template: str) -> PurePosixPath:
    path = PurePosixPath(name)
    hidden = [part for part in path.parts if part.startswith(".")]
    if path.is_absolute() or hidden or not path.parts or name.endswith("/"):
        raise BatchError(
            f"output name template {template!r} makes {name!r}, which is not a file inside --out",
            "use a relative name without .. or hidden folders, e.g. {date}/{stem}.{ext}",
        )
    longest = max(len(part.encode()) for part in path.parts)
    if longest > MAX_NAME:
        raise BatchError(
            f"output name template {template!r} makes a name of {longest} bytes, "
            f"longer than the {MAX_NAME} a name may have",
            f"shorten --name; a field's value takes at most {MAX_FIELD} characters",
        )
    return path
