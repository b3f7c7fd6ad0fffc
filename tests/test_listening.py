"""What a listener hears, measured in the audio: each voice's pitch, every pause."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from broadcaster.engines import Delivery
from broadcaster.sound import mix
from tests.helpers.audio import decode, median_f0, silent_runs
from tests.helpers.cli import invoke
from tests.helpers.espeak import espeak_libraries
from tests.helpers.paths import EXAMPLES, ROOT

RATE = 16000
FEMALE_HZ, MALE_HZ = 165.0, 150.0
"""Median pitch a listener hears as a woman's (above) or a man's (below)."""


PROFILES_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from broadcaster.cast.casting import default_voices_dir, load_profiles
    from broadcaster.engines import get_engine
    from tests.helpers.audio import median_f0
    engine = get_engine()
    out = {"version": engine.info.version, "library": engine.info.library, "voices": {}}
    for p in load_profiles(default_voices_dir(), engine):
        clip = engine.synthesize(sys.argv[1], p.delivery, p.name)
        out["voices"][p.name] = [p.gender, median_f0(clip.raw_data, clip.frame_rate),
                                 clip.frame_count() / clip.frame_rate]
    print(json.dumps(out))
    """
)


@pytest.mark.parametrize("library", espeak_libraries())
def test_every_shipped_profile_speaks_in_its_gender(library):
    lib, data = library
    env = {**os.environ, "BROADCASTER_ESPEAK_LIBRARY": lib, "ESPEAK_DATA_PATH": data}
    done = subprocess.run(
        [sys.executable, "-c", PROFILES_SCRIPT, "Tomorrow the harbour council meets again."],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["library"] == str(Path(lib).resolve())
    shipped = {p.stem for p in (ROOT / "voices").glob("*.toml")} - {"pins", "lexicon"}
    assert set(found["voices"]) == shipped
    for name, (gender, f0, seconds) in found["voices"].items():
        assert 1.0 < seconds < 4.0, name
        assert (f0 > FEMALE_HZ) if gender == "female" else (f0 < MALE_HZ), (name, gender, f0)


def test_pitch_setting_moves_the_fundamental(engine):
    text = "The weather is fine today across the whole country."
    low = engine.synthesize(text, Delivery("en-us", 175, 10), "low")
    high = engine.synthesize(text, Delivery("en-us", 175, 90), "high")
    assert median_f0(high.raw_data, high.frame_rate) > 1.3 * median_f0(low.raw_data, low.frame_rate)
    assert low.frame_count() == pytest.approx(high.frame_count(), rel=0.05)


def test_control_characters_never_reach_espeak_as_commands(engine):
    # Ctrl-A 400S would set the speed to 400 words a minute for the rest of the text.
    text = "Good {}400S evening, and welcome to the news from the harbour this hour."
    injected = engine.synthesize(text.format("\x01"), Delivery("en-us", 150), "injected")
    plain = engine.synthesize(text.format(" "), Delivery("en-us", 150), "plain")
    assert injected.frame_count() == pytest.approx(plain.frame_count(), rel=0.02)


@pytest.fixture(scope="module")
def two_reporters(tmp_path_factory):
    """The public-radio example rendered (voices only), its manifest and its cast."""
    out = tmp_path_factory.mktemp("listen") / "pr.wav"
    script = EXAMPLES / "public-radio-two-reporters.txt"
    done = invoke("render", str(script), "-o", str(out), "--no-music", "--sample-rate", "16000")
    assert done.returncode == 0, done.stderr
    inspected = json.loads(invoke("inspect", str(script), "--json").stdout)
    return decode(out, RATE), json.loads(out.with_suffix(".json").read_text()), inspected


def test_each_section_speaks_in_its_cast_voice(two_reporters, engine):
    """Per-section pitch in the decoded render matches the profile cast for it."""
    from broadcaster.cast.casting import default_voices_dir, load_profiles

    pcm, manifest, _ = two_reporters
    profiles = {p.name: p for p in load_profiles(default_voices_dir(), engine)}
    reference = {}
    checked = 0
    for segment in manifest["segments"]:
        start, end = round(segment["start_s"] * RATE) * 2, round(segment["end_s"] * RATE) * 2
        if segment["end_s"] - segment["start_s"] < 1.5:
            continue  # too short to measure a pitch reliably
        voice = segment["voice"]
        if voice not in reference:
            clip = engine.synthesize(segment["spoken"], profiles[voice].delivery, voice)
            reference[voice] = median_f0(clip.raw_data, clip.frame_rate)
        heard = median_f0(pcm[start:end], RATE)
        assert heard == pytest.approx(reference[voice], rel=0.1), (segment["speaker"], voice)
        checked += 1
    assert checked >= 8 and len(reference) >= 6


def test_women_sound_like_women_and_men_like_men(two_reporters):
    pcm, manifest, inspected = two_reporters
    gender = {s["speaker"]: s["gender"] for s in inspected["segments"]}
    assert gender["Helen Marsh"] == gender["Nina Voss"] == gender["Priya Castellano"] == "female"
    assert gender["Walter Briggs"] == gender["Omar Lindqvist"] == gender["Dale Okoro"] == "male"
    for segment in manifest["segments"]:
        if segment["end_s"] - segment["start_s"] < 1.5 or not gender.get(segment["speaker"]):
            continue
        start, end = round(segment["start_s"] * RATE) * 2, round(segment["end_s"] * RATE) * 2
        f0 = median_f0(pcm[start:end], RATE)
        if gender[segment["speaker"]] == "female":
            assert f0 > FEMALE_HZ, (segment["speaker"], f0)
        else:
            assert f0 < MALE_HZ, (segment["speaker"], f0)


def _gap(runs, segments, n: int) -> float:
    """The silence between section ``n`` and the next: its length in the manifest, after
    checking that the decoded audio is silent across it."""
    end, start = segments[n]["end_s"], segments[n + 1]["start_s"]
    assert any(a <= end + 0.06 and b >= start - 0.06 for a, b in runs), (end, start, runs)
    return start - end


def test_story_gaps_section_gaps_and_pauses_in_the_audio(tmp_path):
    out = tmp_path / "h.wav"
    script = EXAMPLES / "producer-harbour-evening.txt"
    done = invoke("render", str(script), "-o", str(out), "--no-music", "--sample-rate", "16000")
    assert done.returncode == 0, done.stderr
    manifest = json.loads(out.with_suffix(".json").read_text())
    pcm = decode(out, RATE)
    runs = silent_runs(pcm, RATE, threshold=0.003, min_s=0.15)
    pauses = mix.Pauses()
    segs = manifest["segments"]
    # lead-in: silence from the first sample to the first word
    assert runs[0][0] == 0.0 and runs[0][1] == pytest.approx(segs[0]["start_s"], abs=0.06)
    assert segs[0]["start_s"] == pytest.approx(pauses.lead_in_ms / 1000, abs=0.001)
    # anchor -> reporter: a section pause
    assert _gap(runs, segs, 0) == pytest.approx(pauses.section_ms / 1000, abs=0.002)
    # [pause 1s] mid-turn: the same voice goes on after a sentence pause and a second
    assert (segs[1]["speaker"], segs[2]["speaker"]) == ("Lena Ortiz", "Lena Ortiz")
    assert _gap(runs, segs, 1) == pytest.approx((pauses.sentence_ms + 1000) / 1000, abs=0.002)
    # [pause 2s] then the next story: the story pause and two seconds
    assert (segs[4]["story"], segs[5]["story"]) == (1, 2)
    assert _gap(runs, segs, 4) == pytest.approx((pauses.story_ms + 2000) / 1000, abs=0.002)
    # the tail
    assert len(pcm) / 2 / RATE - segs[-1]["end_s"] == pytest.approx(pauses.tail_ms / 1000, abs=0.03)
    assert runs[-1][1] == pytest.approx(len(pcm) / 2 / RATE, abs=0.001)


def test_story_gap_differs_from_section_gap_in_the_audio(tmp_path):
    out = tmp_path / "k.wav"
    script = EXAMPLES / "kbs-radio-rail-strike.txt"
    done = invoke("render", str(script), "-o", str(out), "--no-music", "--sample-rate", "16000")
    assert done.returncode == 0, done.stderr
    segs = json.loads(out.with_suffix(".json").read_text())["segments"]
    runs = silent_runs(decode(out, RATE), RATE, threshold=0.003, min_s=0.15)
    pauses = mix.Pauses()
    assert [s["story"] for s in segs] == [1, 1, 2, 3, 3]
    assert _gap(runs, segs, 0) == pytest.approx(pauses.section_ms / 1000, abs=0.002)
    assert _gap(runs, segs, 1) == pytest.approx(pauses.story_ms / 1000, abs=0.002)
    assert pauses.story_ms - pauses.section_ms >= 400


def test_long_sentence_is_spoken_whole(engine):
    from broadcaster.text.sentences import CHUNK_CHARS, utterances

    words = [f"harbour{n % 7} council member" for n in range(220)]
    sentence = " ".join(words) + "."
    assert len(sentence) > 2 * CHUNK_CHARS
    pieces = utterances(sentence)
    assert len(pieces) == 3 and all(len(p) <= CHUNK_CHARS for p in pieces)
    assert " ".join(pieces).split() == sentence.split()
