"""broadcaster: re-create radio news bulletins from their transcripts, offline.

The Python API (the command line is its first client)::

    from pathlib import Path
    import broadcaster

    bulletin = broadcaster.parse(Path("news.txt"))             # a Bulletin: stories, segments
    done = broadcaster.render(Path("news.txt"), Path("news.mp3"))  # the file and its sidecars
    done = broadcaster.render(Path("news.txt"), None)          # done.segment: a pydub AudioSegment

A ``Path`` is a file (``Path("-")``: standard input) and a ``str`` the transcript's text
itself. Every function takes the source first, then the output, then keywords: ``options``
(an :class:`Options`; a :class:`Prepared` bulletin keeps its own) and ``engine`` (None:
``broadcaster.engines.Router()``, which reads each voice with its engine; every clip is
synthesised through this one object). Failures the user can act on raise
:class:`BroadcasterError` subclasses, with the command line's one-line messages; mistakes
in the call (a one-line ``str`` that names a file, a wrong type, a closed file object)
raise TypeError or ValueError before any synthesis.

The names load on first use (PEP 562), so ``broadcaster --version`` imports none of the
audio stack. ``broadcaster.render`` is the function, and so is what ``import
broadcaster.render as r`` binds (Python takes ``r`` from the package's attribute); the
module of that name is reached with ``from broadcaster.render import ...`` or
``sys.modules["broadcaster.render"]`` (``mock.patch("broadcaster.render.X")`` finds it too;
pytest's ``monkeypatch.setattr("broadcaster.render.X", ...)`` does not: give it the module).
"""

import importlib
import os
import sys
import types

__version__ = "0.1.0"

# numpy's OpenBLAS would start a thread per core for every small matrix product (the
# true-peak meter's) and spin them while the engine and ffmpeg want those cores: measured,
# a render spent a third more CPU time and ran 20 % longer. A render already works in
# parallel (synthesis, mixing and ffmpeg at once; batch in processes). Set before numpy
# is imported; a value the user exported wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

_HOMES = {
    "parse": "broadcaster.render",
    "prepare": "broadcaster.render",
    "render": "broadcaster.render",
    "preview": "broadcaster.render",
    "Options": "broadcaster.render",
    "Prepared": "broadcaster.render",
    "Rendered": "broadcaster.render",
    "Bulletin": "broadcaster.script",
    "Story": "broadcaster.script",
    "Segment": "broadcaster.script",
    "Skipped": "broadcaster.script",
    "BroadcasterError": "broadcaster.errors",
    "InputError": "broadcaster.errors",
    "VoiceError": "broadcaster.errors",
    "EngineError": "broadcaster.errors",
    "ExportError": "broadcaster.errors",
}
"""Each public name and the module that defines it."""

__all__ = [*_HOMES]


def __getattr__(name: str) -> object:
    """A public name, imported from its module on first use and looked up there each time
    (not kept here: after ``importlib.reload`` of its module, the name is the new one)."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name]), name)


def __dir__() -> list[str]:
    """The public names and the module's dunders; not this file's own imports and helpers
    (``dir(broadcaster)`` listed ``importlib``, ``os``, ``sys``, ``types``, ``_Package``)."""
    return sorted({*__all__, *(name for name in globals() if name.startswith("__"))})


class _Package(types.ModuleType):
    """This package, whose submodule ``render`` must not hide the function ``render``:
    importing a submodule sets it as an attribute of its package (importlib's
    ``setattr(parent, child, module)``), and an attribute that exists is never asked of
    ``__getattr__``."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in _HOMES and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
