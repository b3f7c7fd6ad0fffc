"""The project's folders, its examples and the shared corpus of real transcripts."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
CORPUS = ROOT.parent / "shared" / "corpus"
KBS = CORPUS / "kbs-radio-2025-02-19.txt"
