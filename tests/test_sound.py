"""The programme's sound: markers in any dialect, the user's own music, the bed, --play."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace

import numpy as np
import pytest

from broadcaster import dialects
from broadcaster.dialects import pauses
from broadcaster.ffmpeg import find_ffmpeg
from tests.helpers.audio import decode, samples
from tests.helpers.cli import run_cli
from tests.helpers.paths import EXAMPLES

RATE = 16000


def test_pause_markers_in_a_kbs_radio_transcript():
    text = (
        "date 2026-05-02 Photo : YONHAP News\n"
        "Anchor: Trains stopped.[pause] Kim Ha-neul reports.Report: Crews waited. "
        "[pause 800ms] Then they left.[PAUSE 1.5s]Kim Ha-neul, KBS World Radio News."
    )
    bulletin = pauses.split(dialects.parse(text))
    got = [(s.role, s.text, s.pause_ms) for _, s in bulletin.segments()]
    assert got == [
        ("anchor", "Trains stopped.", 0),
        ("anchor", "Kim Ha-neul reports.", 1000),
        ("reporter", "Crews waited.", 0),
        ("reporter", "Then they left.", 800),
        ("reporter", "Kim Ha-neul, KBS World Radio News.", 1500),
    ]
    assert [s.text for s in bulletin.skipped if s.reason == "pause"] == [
        "[pause]", "[pause 800ms]", "[PAUSE 1.5s]"
    ]  # fmt: skip


@pytest.fixture(scope="module")
def bell(tmp_path_factory):
    """A 2.5-second WAV of the user's own, made by ffmpeg."""
    path = tmp_path_factory.mktemp("music") / "bell.wav"
    subprocess.run(
        [find_ffmpeg(), "-v", "error", "-f", "lavfi", "-i", "sine=frequency=660:duration=2.5",
         "-ar", "44100", str(path)], check=True,
    )  # fmt: skip
    return path


def _render(tmp_path, name: str, *extra: str) -> dict:
    out = tmp_path / f"{name}.wav"
    script = EXAMPLES / "producer-harbour-evening.txt"
    done = run_cli(
        "render", str(script), "-o", str(out), "--json", "--sample-rate", "16000", *extra
    )
    assert done.returncode == 0, done.stderr
    return json.loads(out.with_suffix(".json").read_text()) | {"path": out}


def test_the_users_own_stings_replace_ours(tmp_path, bell):
    from broadcaster.sound.mix import RATE as MIX_RATE
    from broadcaster.sound.music import generated

    ours = _render(tmp_path, "ours")
    theirs = _render(tmp_path, "theirs", "--sting-open", str(bell), "--sting-close", str(bell))
    generated_s = sum(generated(k, MIX_RATE).size for k in ("sting-open", "sting-close")) / MIX_RATE
    assert theirs["duration_s"] - ours["duration_s"] == pytest.approx(5.0 - generated_s, abs=0.01)
    # the opening sting is the user's tone: 660 Hz where ours is an arpeggio from 261 Hz
    first = theirs["segments"][0]["start_s"]
    opening = samples(decode(theirs["path"], RATE))[int(0.6 * RATE) : int((first - 0.7) * RATE)]
    spectrum = np.abs(np.fft.rfft(opening))
    assert np.argmax(spectrum) * RATE / (2 * (spectrum.size - 1)) == pytest.approx(660, abs=5)


def test_a_cast_folder_brings_its_own_transition(tmp_path, bell):
    import shutil

    from broadcaster.cast.casting import default_voices_dir

    folder = tmp_path / "cast"
    shutil.copytree(default_voices_dir(), folder)
    shutil.copy(bell, folder / "transition.wav")
    ours = _render(tmp_path, "ours")
    theirs = _render(tmp_path, "theirs", "--voices", str(folder))
    stories = [s["start_s"] for s in theirs["stories"]]
    ours_stories = [s["start_s"] for s in ours["stories"]]
    assert theirs["duration_s"] > ours["duration_s"] + 1.0  # 2.5 s of tone, not two notes
    assert stories[1] == pytest.approx(ours_stories[1], abs=0.01)  # the chapter starts before it


def test_the_bed_plays_under_the_anchor_and_dips_under_speech(tmp_path):
    bedded = _render(tmp_path, "bed", "--bed", "generated")
    plain = _render(tmp_path, "plain")
    assert bedded["duration_s"] == pytest.approx(plain["duration_s"], abs=0.001)
    x = samples(decode(bedded["path"], RATE))
    y = samples(decode(plain["path"], RATE))
    anchor = bedded["segments"][5]  # the second story's anchor: two sentences
    (a, b) = anchor["sentences"]
    gap = slice(int((a["end_s"] + 0.12) * RATE), int((b["start_s"] - 0.12) * RATE))
    speech = slice(int(a["start_s"] * RATE), int(a["end_s"] * RATE))

    def rms(v):
        return 20 * np.log10(np.sqrt(np.mean(v**2)) + 1e-12)

    assert rms(y[gap]) < -80  # silent without a bed
    assert -45 < rms(x[gap]) < rms(x[speech]) - 10  # the bed, well under the voice
    bed_under_speech = x[speech] - y[speech]
    assert rms(bed_under_speech) < rms(x[gap]) - 8  # dipped while the anchor speaks
    reporter = bedded["segments"][1]
    assert reporter["role"] == "reporter"
    (a, b) = reporter["sentences"]
    between = slice(int((a["end_s"] + 0.12) * RATE), int((b["start_s"] - 0.12) * RATE))
    assert rms(x[between]) < -80  # not under the reporter: silence between sentences


def test_play_without_a_player_warns_and_keeps_the_file(tmp_path):
    import os
    import sys

    out = tmp_path / "p.mp3"
    env = {"PATH": os.path.dirname(sys.executable)}
    script = EXAMPLES / "producer-harbour-evening.txt"
    done = run_cli("preview", str(script), "--section", "1", "-o", str(out), "--play", env=env)
    assert done.returncode == 0, done.stderr
    assert "Warning: no audio player found (tried ffplay, paplay, aplay, afplay)" in done.stderr
    assert out.is_file()


def test_no_music_means_no_bed_either(tmp_path):
    bedded = _render(tmp_path, "bed", "--bed", "generated", "--no-music")
    x = samples(decode(bedded["path"], RATE))
    (a, b) = bedded["segments"][5]["sentences"]
    gap = x[int((a["end_s"] + 0.12) * RATE) : int((b["start_s"] - 0.12) * RATE)]
    assert np.max(np.abs(gap)) == 0.0


def test_each_interviewee_on_target_however_loud_their_voice(tmp_path):
    """Levelling remembers what each voice said, not each role: two interviewees, one
    voice read at a fifth of the volume, each within 1 LU of the target in the decoded
    file (with one history for the role, the quiet one came out at -33 LUFS)."""
    import shutil

    from broadcaster.cast.casting import default_voices_dir
    from tests.helpers.audio import ebur128

    cast = tmp_path / "cast"
    shutil.copytree(default_voices_dir(), cast)
    quiet = cast / "soundbite-7.toml"
    quiet.write_text(quiet.read_text().replace("volume = 1.0", "volume = 0.2"))
    out = tmp_path / "two.mp3"
    script = EXAMPLES / "public-radio-two-reporters.txt"
    done = run_cli("render", str(script), "-o", str(out), "--voices", str(cast))
    assert done.returncode == 0, done.stderr
    segments = json.loads(out.with_suffix(".json").read_text())["segments"]
    voices = {s["speaker"]: s["voice"] for s in segments if s["role"] == "soundbite"}
    assert (voices["Helen Marsh"], voices["Dale Okoro"]) == ("soundbite-2", "soundbite-7")
    x = decode(out, RATE)
    for name in ("Helen Marsh", "Dale Okoro"):
        turns = b"".join(
            x[2 * round(s["start_s"] * RATE) : 2 * round(s["end_s"] * RATE)]
            for s in segments
            if s["speaker"] == name
        )
        wav = tmp_path / f"{name}.wav"
        subprocess.run(
            [find_ffmpeg(), "-v", "error", "-f", "s16le", "-ar", str(RATE), "-ac", "1", "-i",
             "pipe:0", str(wav)], input=turns, check=True,
        )  # fmt: skip
        assert ebur128(wav)[0] == pytest.approx(-16.0, abs=1.0), name


def test_one_pcm_conversion_rounds_half_to_even_and_clips():
    from broadcaster.audio import AudioSegment, pcm, samples_of, segment_of

    steps = np.array([0.5, 1.5, 2.5, -0.5, -1.5, 32766.5, 32767.5, 40000.0, -40000.0])
    got = np.frombuffer(pcm(steps / 32768), dtype="<i2").tolist()
    assert got == [0, 2, 2, 0, -2, 32766, 32767, 32767, -32768]
    assert np.frombuffer(pcm(np.array([1.0, -1.0]), width=4), dtype="<i4").tolist() == [
        2**31 - 1, -(2**31)
    ]  # fmt: skip
    every = np.arange(-32768, 32768, dtype="<i2").tobytes()  # 16-bit PCM comes back unchanged
    clip = AudioSegment(every, sample_width=2, frame_rate=22050, channels=1)
    assert pcm(samples_of(segment_of(samples_of(clip), 22050, width=4))) == every


def test_the_mixer_keeps_every_sample_of_clips_pauses_stings_and_bed(engine):
    """pydub's silent() counts float milliseconds (700 ms came out a sample short) and its
    overlay() re-slices to whole milliseconds (a bed cost 2 samples): the programme is as
    long as its clips, pauses and stings, sample for sample."""
    from broadcaster.engines import Delivery
    from broadcaster.sound import mix
    from broadcaster.sound.music import generated

    def clip(text: str) -> tuple[str, np.ndarray]:
        return text, mix.sentence_samples(engine.synthesize(text, Delivery("en-us"), "t"))

    def ms(value: int) -> int:
        return mix.RATE * value // 1000

    c1, c2, c3, c4, c5 = (clip(t) for t in ("Fares rise.", "Fuel costs more.", "Not now.",
                                            "Commuters object.", "The weather."))  # fmt: skip
    anchor = mix.Section(1, "anchor", None, "anchor", "", "", [c1, c2], ends=False)
    sections = [
        anchor,
        replace(anchor, sentences=[c3], part=1, ends=True),
        mix.Section(1, "reporter", "Lena Ortiz", "reporter", "", "", [c4]),
        mix.Section(2, "anchor", None, "anchor", "", "", [c5]),
    ]
    kinds = ("sting-open", "sting-close", "transition")
    stings = {kind: generated(kind, mix.RATE) for kind in kinds}
    sound = mix.Sound(stings=stings, bed=generated("bed", mix.RATE))
    got: list[np.ndarray] = []
    timeline = mix.Mixer(sound, got.append, True).run(sections, [None, None])
    p = mix.Pauses()
    clips = sum(c.size for _, c in (c1, c2, c3, c4, c5))
    pauses = ms(p.lead_in_ms) + 2 * ms(p.sting_ms) + 2 * ms(p.sentence_ms) + ms(p.section_ms)
    pauses += 2 * ms(p.story_ms) + ms(p.tail_ms)
    expected = clips + pauses + sum(s.size for s in stings.values())
    assert sum(x.size for x in got) == expected
    assert round(timeline.duration * mix.RATE) == expected
    assert max(x.size for x in got if not x.any()) <= mix.RATE  # silence streams a second at a time
