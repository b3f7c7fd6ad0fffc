"""The real eSpeak engine through pyttsx3, and each quirk of ENGINE-NOTES.md; every
engine against the one Engine protocol."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import typing
from dataclasses import fields, replace

import pytest

from broadcaster import engines
from broadcaster.cast.casting import default_voices_dir, load_profiles
from broadcaster.engines import Delivery, Engine
from broadcaster.engines.espeak import SAMPLE_RATE
from broadcaster.engines.kokoro import VOICES
from broadcaster.errors import EngineError, VoiceError
from tests.helpers.cli import run_cli
from tests.helpers.espeak import espeak_libraries as _libraries
from tests.helpers.paths import KBS, ROOT

US = Delivery("en-us", 175, 50, 1.0)


def test_long_text_is_read_only_when_complete(engine, capfd):
    text = KBS.read_text(encoding="utf-8")
    first = engine.synthesize(text, US, "long")
    second = engine.synthesize(text, US, "long again")
    assert len(text) > 2000
    # 2,100 characters of news copy is well over a minute of speech; a file read
    # before eSpeak finished would be short or empty, and differ between calls.
    # (eSpeak's output varies by a few milliseconds from call to call.)
    assert first.frame_count() / SAMPLE_RATE > 100
    assert first.frame_count() == pytest.approx(second.frame_count(), rel=0.01)
    assert capfd.readouterr().out == ""  # the driver's "Audio saved to" never reaches stdout


def test_one_file_per_call(engine):
    short = engine.synthesize("Good evening.", US, "a")
    longer = engine.synthesize("Good evening. Here is the news at nine.", US, "b")
    again = engine.synthesize("Good evening.", US, "c")
    assert short.frame_count() == pytest.approx(again.frame_count(), rel=0.01)
    assert longer.frame_count() > 1.5 * short.frame_count()


def test_output_format_is_16_bit_mono_22050(engine):
    clip = engine.synthesize("Testing.", US, "format")
    assert (clip.frame_rate, clip.channels, clip.sample_width) == (22050, 1, 2)


def test_rate_changes_take_effect_on_every_call(engine):
    # Lost parameter changes showed as every call keeping the first call's rate.
    text = "The weather is fine today."
    lengths = [
        engine.synthesize(text, Delivery("en-us", rate), f"rate {rate}").frame_count()
        for rate in (120, 300, 120, 300)
    ]
    assert lengths[1] < 0.5 * lengths[0] and lengths[3] < 0.5 * lengths[2]
    assert lengths[2] == pytest.approx(lengths[0], rel=0.05)


def test_unknown_voice_is_an_error(engine):
    with pytest.raises(VoiceError) as caught:
        engine.synthesize("Hello.", Delivery("xx-nowhere"), "story 1")
    assert caught.value.message == "unknown engine voice 'xx-nowhere'"


def test_unknown_variant_is_an_error(engine):
    with pytest.raises(VoiceError) as caught:
        engine.check_voice("en-us+nosuchvariant")
    assert caught.value.message == "unknown voice variant 'nosuchvariant' in 'en-us+nosuchvariant'"


@pytest.mark.parametrize(
    "voice", ["en-us", "gmw/en-us", "English (America)", "en-us+f3", "en", "en-gb-x-rp+m4"]
)
def test_voice_spellings_accepted(engine, voice):
    engine.check_voice(voice)


@pytest.mark.parametrize("voice", ["en-gb", "en-gb+m4", "en-gb+f3"])
def test_listed_but_unsettable_voice_is_refused_with_close_ids(engine, voice):
    # ENGINE-NOTES.md: eSpeak lists en-gb, yet espeak_SetVoiceByName fails for it.
    with pytest.raises(VoiceError) as caught:
        engine.check_voice(voice)
    assert caught.value.message == f"the engine cannot set voice {voice!r}"
    variant = voice.partition("+")[1] + voice.partition("+")[2]
    close = caught.value.hint.removeprefix("close voice ids that work: ").split(", ")
    assert close[0] == f"gmw/en{variant}"  # the voice en-gb names, under an id that sets it
    assert f"en-gb-x-rp{variant}" in close
    for suggestion in close:
        engine.check_voice(suggestion)  # every suggestion really works


@pytest.mark.parametrize("text", ["...", "—", "   "])
def test_no_audio_is_an_error_naming_the_section(engine, text):
    with pytest.raises(EngineError) as caught:
        engine.synthesize(text, US, "Story 2: anchor")
    assert caught.value.message == "Story 2: anchor: the engine produced no audio for this text"


TIMEOUT_SCRIPT = """
from broadcaster.engines import Delivery, get_engine
from broadcaster.errors import EngineError
engine = get_engine()
engine.timeout_s = 0.25
engine._done.wait = lambda timeout: False  # eSpeak never reports the end of the message
for label in ("Story 3: reporter", "Story 4: anchor"):
    try:
        engine.synthesize("A sentence. " * 100, Delivery("en-us"), label)
    except EngineError as exc:
        print(exc.message)
"""


def test_timeout_is_an_error_naming_the_section(tmp_path):
    # Independent of the machine's speed: the end-of-message callback never arrives.
    script = tmp_path / "timeout.py"
    script.write_text(TIMEOUT_SCRIPT)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert done.stdout == (
        "Story 3: reporter: synthesis did not finish within 1.4 s\n"
        "Story 4: anchor: the engine is unusable after an earlier failure "
        "(synthesis timed out after 1.4 s)\n"
    )


def test_doctor_reports_library_data_and_ffmpeg():
    done = run_cli("doctor")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("eSpeak NG 1.5")
    assert lines[1].startswith("  library: ") and "libespeak" in lines[1]
    assert lines[2].startswith("  data:    ") and lines[2].endswith("espeak-ng-data")
    assert lines[3].startswith("ffmpeg ")
    assert lines[-1] == "All good."


def test_volume_takes_effect(engine):
    # (Pitch is measured as a fundamental frequency in test_listening.py.)
    text = "The weather is fine today."
    loud = engine.synthesize(text, Delivery("en-us", 175, 50, 1.0), "loud")
    quiet = engine.synthesize(text, Delivery("en-us", 175, 50, 0.5), "quiet")
    assert quiet.max == pytest.approx(loud.max / 2, rel=0.1)


def test_phonemes_per_clause(engine):
    clauses = engine.phonemes("Kim reports from Seoul. Hello, world!", "en-us", ipa=False)
    assert len(clauses) == 3  # one per clause, the punctuation between them dropped
    assert clauses[0].startswith("k'Im ") and clauses[0].endswith(" s'oUl")
    assert engine.phonemes("Seoul", "en-us") == ["sˈoʊl"]


def test_unknown_voice_hint_suggests_only_settable_ids(engine):
    with pytest.raises(VoiceError) as caught:
        engine.check_voice("xx-nowhere")
    english = caught.value.hint.split("English voices: ")[1].split("; ")[0].split(", ")
    assert "en-gb" not in english  # listed by eSpeak, refused by espeak_SetVoiceByName
    assert {"en-us", "en-gb-x-rp", "gmw/en"} <= set(english)
    for voice in english:
        engine.check_voice(voice)


SET_EACH = """
import json, sys
from broadcaster.engines import get_engine
espeak = get_engine()._espeak
print(json.dumps([i for i in json.load(sys.stdin) if espeak.SetVoiceByName(i.encode()) != 0]))
"""


@pytest.mark.parametrize("library", _libraries())
def test_voices_lists_settable_ids_and_the_variants_with_their_gender(engine, library):
    lib, data = library
    env = {"BROADCASTER_ESPEAK_LIBRARY": lib, "ESPEAK_DATA_PATH": data}
    listed = run_cli("voices", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    found = json.loads(listed.stdout)
    voices = [v for v in found if v["language"] != "variant"]
    ids = [v["id"] for v in voices]
    assert len(ids) == len(set(ids)) > 100
    assert {"en-us", "en-gb-x-rp", "gmw/en"} <= set(ids) and "en-gb" not in ids
    refused = subprocess.run(
        [sys.executable, "-c", SET_EACH], input=json.dumps(ids), capture_output=True,
        text=True, env={**os.environ, **env}, cwd=ROOT,
    )  # fmt: skip
    assert json.loads(refused.stdout) == []  # every id listed is one eSpeak really sets
    assert {v["gender"] for v in voices} == {None}  # eSpeak's "male" is only its default
    variants = {v["id"]: v["gender"] for v in found if v["language"] == "variant"}
    assert {f"+f{n}": "Female" for n in range(1, 6)}.items() <= variants.items()
    assert {f"+m{n}": "Male" for n in range(1, 8)}.items() <= variants.items()
    for profile in load_profiles(default_voices_dir(), engine):
        variant = "+" + profile.delivery.voice.partition("+")[2]
        if variant != "+":
            assert variants[variant] == profile.gender.capitalize(), profile.name
    table = run_cli("voices", env=env).stdout
    assert "\n  Female:  f1 f2 f3 f4 f5 Alicia " in table, table
    assert "\n  Male:    m1 m2 m3 m4 m5 m6 m7 m8 Andy " in table, table


PROTOCOL = [name for name in vars(Engine) if not name.startswith("_")]
"""The members of the Engine protocol."""


def gaps(engine: object) -> list[str]:
    """The protocol members ``engine`` lacks: a property that is missing or of another
    type, a method that is missing or takes other parameters."""
    found = []
    for name in PROTOCOL:
        wanted, have = getattr(Engine, name), getattr(engine, name, None)
        if isinstance(wanted, property):
            ok = isinstance(have, typing.get_type_hints(wanted.fget)["return"])
        else:
            expected = list(inspect.signature(wanted).parameters)[1:]  # without self
            ok = callable(have) and list(inspect.signature(have).parameters) == expected
        if not ok:
            found.append(name)
    return found


def test_every_engine_implements_every_protocol_member():
    assert PROTOCOL == ["info", "voices", "check_voice", "synthesize", "cache_key"]
    for name in engines.ENGINES:
        assert gaps(engines.get(name)) == [], name


def test_an_engine_missing_a_member_or_taking_other_parameters_fails_the_check(engine):
    class Partial:
        info = engine.info
        voices = engine.voices
        synthesize = engine.synthesize

        def cache_key(self, delivery: Delivery) -> str:  # the signature before issue 16
            return str(delivery)

    assert gaps(engine) == []
    assert gaps(Partial()) == ["check_voice", "cache_key"]
    Partial.info = "eSpeak NG"  # type: ignore[assignment]
    assert gaps(Partial()) == ["info", "check_voice", "cache_key"]


@pytest.mark.parametrize(
    ("name", "voice", "says"),
    [
        ("espeak", "xx-nowhere", "unknown engine voice 'xx-nowhere'"),
        ("piper", "piper:nosuch", "model file nosuch does not exist"),
        (
            "piper",
            "piper:joe#1",
            "speaker 1 is out of range: en_US-joe-medium.onnx has one speaker",
        ),
        ("piper", "piper:joe#one", "speaker 'one' in 'piper:joe#one' is not a number"),
        (
            "kokoro",
            "kokoro:af_nosuch",
            f"unknown Kokoro voice 'af_nosuch' (no af_nosuch.bin in {VOICES})",
        ),
    ],
)
def test_every_engine_refuses_an_unknown_voice_and_takes_each_it_lists(name, voice, says):
    found = engines.get(name)
    with pytest.raises(VoiceError) as caught:
        found.check_voice(voice)
    assert caught.value.message == says
    listed = found.voices()
    assert listed
    for known in listed:
        found.check_voice(known.id)


def test_espeak_cache_key_has_the_text_versions_and_every_delivery_value(engine, monkeypatch):
    key = engine.cache_key("Hello.", US)
    assert f"eSpeak NG {engine.info.version}" in key and key.endswith("|text=Hello.")
    changed = [replace(US, **{f.name: getattr(US, f.name) + 1}) for f in fields(US)[1:]]
    others = [engine.cache_key("Hello!", US), engine.cache_key("Hello.", Delivery("en-gb-x-rp"))]
    others += [engine.cache_key("Hello.", d) for d in changed]
    monkeypatch.setattr(engine, "info", replace(engine.info, version="9.9"))
    others.append(engine.cache_key("Hello.", US))
    assert len({key, *others}) == 1 + len(others)
