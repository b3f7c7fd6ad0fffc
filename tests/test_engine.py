"""The real eSpeak engine through pyttsx3, and each quirk of ENGINE-NOTES.md."""

from __future__ import annotations

import subprocess
import sys

import pytest

from broadcaster.engines import Delivery
from broadcaster.engines.espeak import SAMPLE_RATE
from broadcaster.errors import EngineError, VoiceError
from tests.conftest import KBS, run_cli

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


def test_volume_and_pitch_take_effect(engine):
    text = "The weather is fine today."
    loud = engine.synthesize(text, Delivery("en-us", 175, 50, 1.0), "loud")
    quiet = engine.synthesize(text, Delivery("en-us", 175, 50, 0.5), "quiet")
    assert quiet.max == pytest.approx(loud.max / 2, rel=0.1)
    low = engine.synthesize(text, Delivery("en-us", 175, 10), "low")
    high = engine.synthesize(text, Delivery("en-us", 175, 90), "high")
    assert low.raw_data != high.raw_data
    assert low.frame_count() == pytest.approx(high.frame_count(), rel=0.05)
