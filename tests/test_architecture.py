"""The arrows that must never exist (docs/ARCHITECTURE.md): every import of every module
under broadcaster/, read with ``ast`` (function-level and ``TYPE_CHECKING`` imports too),
goes from a stage to itself or to a stage on its left, and only engines/ imports the
engine runtimes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers.paths import ROOT

ORDER = (
    ("script", "errors", "audio", "dirs", "tomlfile", "ffmpeg", "atomic"),
    ("dialects",),
    ("text",),
    ("engines",),
    ("cast",),
    ("sound",),
    ("output",),
    ("render",),
    ("",),
    ("batch",),
    ("cli", "__main__"),
)
"""Stages left to right; each part of ``broadcaster`` (its top-level module or folder)
may import its own stage and those on its left. engines/ comes before cast/ although a
bulletin is cast before it is synthesised: the engines are drivers that speak a delivery
dataclass (``Delivery``, ``PiperDelivery``, ``KokoroDelivery``) and know nothing of
profiles, while casting derives the profile schema from those dataclasses and asks the
engines whether a voice exists; moving the dataclasses into cast/ would make every engine
import casting's module. ``""`` is the package itself, the public API, which loads
render.py and the stages under it lazily and which batch/ and cli/ call."""

RANK = {part: rank for rank, parts in enumerate(ORDER) for part in parts}

RUNTIMES = ("pyttsx3", "onnxruntime")
"""Engine runtimes: imported by engines/ alone (the Engine protocol hides them)."""

PACKAGE_METADATA = {"__version__"}
"""Names taken from the package itself that are not its API (no upward arrow: Python runs
``broadcaster/__init__.py`` before any of its modules anyway)."""


def module_name(path: Path, package: Path) -> str:
    """``broadcaster.cast.casting`` for ``broadcaster/cast/casting.py``."""
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, package: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in ``path``, wherever it is written, relative imports
    resolved; ``from broadcaster import name`` is ``broadcaster.name`` when name is a
    module or folder of the package, else the package itself (its API)."""
    here = module_name(path, package).split(".")
    if path.name != "__init__.py":
        here = here[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found += [(node.lineno, what) for alias in node.names
                      if (what := _from(module, alias.name, package))]  # fmt: skip
    return found


def _from(module: str, name: str, package: Path) -> str | None:
    """What ``from module import name`` imports: ``module``, except from the package itself,
    where ``name`` may be one of its parts (and its version is not an arrow at all)."""
    if module != package.name:
        return module
    if name in PACKAGE_METADATA:
        return None
    sub = package / name
    return f"{module}.{name}" if sub.is_dir() or sub.with_suffix(".py").is_file() else module


def part(module: str) -> str | None:
    """The part of ``broadcaster`` that ``module`` is in ("" for the package itself), or
    None for a module from outside it."""
    names = module.split(".")
    if names[0] != "broadcaster":
        return None
    return names[1] if len(names) > 1 else ""


def broken_arrows(package: Path) -> list[tuple[str, str, str]]:
    """(module, imported module, why) for every import that breaks a rule, with its line."""
    broken = []
    for path in sorted(package.rglob("*.py")):
        name = module_name(path, package)
        home = part(name)
        for line, imported in imports(path, package):
            where = f"{name} (line {line})"
            target = part(imported)
            runtime = imported.split(".")[0] in RUNTIMES
            if runtime and home != "engines":
                broken.append((name, imported, f"{where} imports {imported}: only engines/ may"))
            elif target is not None and RANK[target] > RANK[home]:
                why = f"{where} imports {imported}: {target or 'the API'} is right of {home}"
                broken.append((name, imported, why))
    return broken


def test_every_part_of_the_package_has_a_stage():
    package = ROOT / "broadcaster"
    parts = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    parts |= {p.name for p in package.iterdir() if (p / "__init__.py").exists()}
    assert sorted(parts - set(RANK)) == []


def test_no_arrow_points_right():
    broken = broken_arrows(ROOT / "broadcaster")
    assert [why for _, _, why in broken] == []


BAD = {
    "text/speak.py": "def later():\n    import pyttsx3\n",
    "cast/voices.py": "import onnxruntime.capi\n",
    "dialects/late.py": "def cast():\n    from broadcaster.cast import casting\n",
    "engines/mix.py": "from broadcaster import sound\n",
    "sound/api.py": "from broadcaster import parse\n",
    "output/up.py": "from ..render import render\n",
    "script.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .text import x\n",
}
"""One module breaking each kind of rule, and the import the test must name."""


@pytest.fixture
def package(tmp_path) -> Path:
    """A small copy of the layout in which each module of :data:`BAD` breaks a rule, beside
    ones that keep them (same stage, a stage to the left, the version, the runtimes in
    engines/)."""
    root = tmp_path / "broadcaster"
    good = {
        "__init__.py": "__version__ = '0'\n",
        "errors.py": "",
        "render.py": "from broadcaster import dialects, __version__\nfrom .cast import casting\n",
        "dialects/__init__.py": "from broadcaster.errors import BroadcasterError\n",
        "text/__init__.py": "from . import speech\n",
        "text/speech.py": "from broadcaster.dialects import common\n",
        "cast/__init__.py": "from broadcaster.engines import Delivery\n",
        "cast/casting.py": "from .. import engines\n",
        "engines/__init__.py": "import pyttsx3\nfrom onnxruntime import InferenceSession\n",
        "sound/__init__.py": "",
        "output/__init__.py": "from broadcaster.sound import mix\n",
        "cli/__init__.py": "import broadcaster\nfrom broadcaster import render\n",
    }
    for name, text in {**good, **BAD}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_each_kind_of_backward_arrow_is_named(package):
    assert [why for _, _, why in broken_arrows(package)] == [
        "broadcaster.cast.voices (line 1) imports onnxruntime.capi: only engines/ may",
        "broadcaster.dialects.late (line 2) imports broadcaster.cast: cast is right of dialects",
        "broadcaster.engines.mix (line 1) imports broadcaster.sound: sound is right of engines",
        "broadcaster.output.up (line 1) imports broadcaster.render: render is right of output",
        "broadcaster.script (line 3) imports broadcaster.text: text is right of script",
        "broadcaster.sound.api (line 1) imports broadcaster: the API is right of sound",
        "broadcaster.text.speak (line 2) imports pyttsx3: only engines/ may",
    ]
