"""Golden segmentations: ``inspect --json`` of the corpus and of every example, compared whole.

Regenerate after an intended change with ``UPDATE_GOLDEN=1 pytest tests/test_golden.py`` (those
tests then fail on purpose: a rewritten golden proves nothing), read the diff, and run again.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from broadcaster.cli import cli
from tests.helpers.paths import EXAMPLES, KBS, ROOT

GOLDEN = ROOT / "tests" / "golden"
SCRIPTS = [KBS, *sorted(EXAMPLES.glob("*.txt"))]


def inspect_json(script: Path) -> dict:
    result = CliRunner().invoke(cli, ["inspect", str(script), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_golden_segmentation(script):
    got = inspect_json(script)
    golden = GOLDEN / f"{script.stem}.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        # A rewritten golden proves nothing: this run fails, the next one compares.
        pytest.fail(f"rewrote {golden.name}: read its diff, then run without UPDATE_GOLDEN")
    assert got == json.loads(golden.read_text(encoding="utf-8"))


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_every_word_is_spoken_or_skipped(script):
    got = inspect_json(script)
    accounted = [w for item in got["segments"] + got["skipped"] for w in words(item["text"])]
    assert sorted(accounted) == sorted(words(script.read_text(encoding="utf-8-sig")))


def test_corpus_anchor_hands_over_to_choi_you_sun():
    got = inspect_json(KBS)
    assert (got["dialect"], got["date"], got["station"]) == (
        "kbs-radio",
        "2025-02-19",
        "KBS World Radio",
    )
    anchor, reporter = got["segments"]
    assert (anchor["role"], anchor["speaker"]) == ("anchor", None)
    assert anchor["text"].endswith("wishing to defect.Choi You Sun reports.")
    assert anchor["spoken"].endswith("wishing to defect. Choi You Sun reports.")
    assert (reporter["role"], reporter["speaker"]) == ("reporter", "Choi You Sun")
    assert reporter["text"].endswith("hostilities.Choi You Sun, KBS World Radio News.")
    assert anchor["engine_voice"] != reporter["engine_voice"]
    assert got["skipped"][0] == {
        "story": 0,
        "reason": "metadata line (date and photo credit)",
        "text": "date 2025-02-19 Photo : YONHAP News",
    }
    spoken = " ".join(s["spoken"] for s in got["segments"])
    assert "Photo" not in spoken and "YONHAP" not in spoken
