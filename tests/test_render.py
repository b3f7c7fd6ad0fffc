"""End to end with the real engine and the real ffmpeg: the finished files read back."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from broadcaster.ffmpeg import find_ffmpeg
from broadcaster.sound import mix
from tests.helpers.audio import decode, ebur128, silent_runs
from tests.helpers.cli import run_cli
from tests.helpers.paths import EXAMPLES, KBS

RATE = 8000  # decoding rate for timing checks: 1 sample = 0.125 ms


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("render") / "kbs.mp3"
    done = run_cli("render", str(KBS), "-o", str(out), "--json")
    assert done.returncode == 0, done.stderr
    manifest = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    return out, json.loads(done.stdout), manifest


def seconds(path: Path, rate: int = 44100) -> float:
    return len(decode(path, rate)) / 2 / rate


def test_render_reports_json(corpus):
    out, report, manifest = corpus
    assert report["output"] == str(out)
    assert report["segments"] == 2
    assert report["duration_s"] == manifest["duration_s"]
    kinds = ("vtt", "srt", "json", "html")
    assert report["sidecars"] == [str(out.with_suffix(f".{k}")) for k in kinds]


def test_duration_from_sample_counts(corpus):
    out, report, _ = corpus
    # The decoder trims the encoder's delay and padding (LAME tag): within 30 ms.
    assert seconds(out) == pytest.approx(report["duration_s"], abs=0.03)


def test_duration_is_the_sum_of_its_parts(corpus):
    """Lead-in, opening sting, speech, pauses, closing sting, tail: nothing lost or added."""
    _, report, manifest = corpus
    pauses = mix.Pauses()
    (anchor, reporter) = manifest["segments"]
    speech = sum(
        s["end_s"] - s["start_s"] for seg in manifest["segments"] for s in seg["sentences"]
    )
    sentence_gaps = sum(len(seg["sentences"]) - 1 for seg in manifest["segments"])
    from broadcaster.sound.music import generated

    stings = generated("sting-open", mix.RATE).size + generated("sting-close", mix.RATE).size
    expected = (
        speech
        + sentence_gaps * pauses.sentence_ms / 1000
        + pauses.section_ms / 1000
        + (pauses.lead_in_ms + 2 * pauses.sting_ms + pauses.tail_ms) / 1000
        + stings / mix.RATE
    )
    assert report["duration_s"] == pytest.approx(expected, rel=0.002)
    assert reporter["start_s"] - anchor["end_s"] == pytest.approx(
        pauses.section_ms / 1000, abs=0.002
    )


def test_valid_mp3_at_the_default_format(corpus):
    out, _, _ = corpus
    done = subprocess.run(
        [find_ffmpeg(), "-v", "error", "-i", str(out), "-f", "null", "-"],
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stderr) == (0, "")
    info = MP3(out).info
    assert (info.sample_rate, info.channels, info.bitrate) == (44100, 1, 128000)


def test_tags(corpus):
    out, _, _ = corpus
    tags = ID3(out)
    assert str(tags["TIT2"]) == "KBS World Radio News, 2025-02-19"
    assert str(tags["TPE1"]) == "KBS World Radio"
    assert str(tags["TDRC"]) == "2025-02-19"
    assert str(tags["TCON"]) == "Speech"
    comments = [str(frame) for frame in tags.getall("COMM")]
    assert comments == ["Rendered by broadcaster from kbs-radio-2025-02-19.txt"]


def test_one_chapter_per_story_titled_by_its_first_words(corpus):
    out, report, manifest = corpus
    tags = ID3(out)
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [str(c.sub_frames["TIT2"]) for c in chapters] == [
        "A South Korean daily has interviewed…"
    ]
    assert (chapters[0].start_time, chapters[0].end_time) == (0, round(report["duration_s"] * 1000))
    assert len(tags.getall("CTOC")) == 1
    assert manifest["stories"] == [
        {"index": 1, "title": "A South Korean daily has interviewed…", "start_s": 0.0,
         "end_s": report["duration_s"]}
    ]  # fmt: skip


def test_loudness_on_target_and_true_peak_under_the_ceiling(corpus):
    out, _, manifest = corpus
    integrated, peak = ebur128(out)  # ffmpeg's own meter, on the decoded file
    assert integrated == pytest.approx(-16.0, abs=0.5)
    assert peak <= -1.0
    loud = manifest["loudness"]
    assert loud["target_lufs"] == -16.0
    assert loud["integrated_lufs"] - loud["codec_makeup_lu"] == pytest.approx(integrated, abs=0.3)


def test_lead_in_sting_and_speech_where_the_manifest_says(corpus):
    out, _, manifest = corpus
    pcm = decode(out, RATE)
    runs = silent_runs(pcm, RATE, min_s=0.1)
    assert runs[0][0] == 0.0 and runs[0][1] >= mix.Pauses().lead_in_ms / 1000 - 0.03
    first_word = manifest["segments"][0]["sentences"][0]["start_s"]
    # the opening sting sounds between the lead-in and the first word
    sting = [r for r in runs if runs[0][1] < r[0] < first_word]
    assert sting, runs[:4]
    # every sentence gap is silent, and speech starts when the manifest says
    for segment in manifest["segments"]:
        for a, b in zip(segment["sentences"], segment["sentences"][1:], strict=False):
            assert any(s <= a["end_s"] + 0.02 and e >= b["start_s"] - 0.02 for s, e in runs), (a, b)


def test_captions_match_the_manifest_and_the_audio(corpus):
    out, _, manifest = corpus
    cues = [s for seg in manifest["segments"] for s in seg["sentences"]]
    vtt = out.with_suffix(".vtt").read_text(encoding="utf-8")
    srt = out.with_suffix(".srt").read_text(encoding="utf-8")
    vtt_times = re.findall(
        r"^(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})$", vtt, re.M
    )
    srt_times = re.findall(
        r"^(\d\d):(\d\d):(\d\d),(\d{3}) --> (\d\d):(\d\d):(\d\d),(\d{3})$", srt, re.M
    )
    assert vtt.startswith("WEBVTT\n") and len(vtt_times) >= len(cues) and srt_times

    def secs(h, m, s, ms):
        return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000

    # a sentence is shown in one cue or more (tests/test_captions.py): it starts one, ends one
    starts = [secs(*times[:4]) for times in vtt_times]
    ends = [secs(*times[4:]) for times in vtt_times]
    for cue in cues:
        assert min(abs(s - cue["start_s"]) for s in starts) <= 0.001, cue
        assert min(abs(e - cue["end_s"]) for e in ends) <= 0.001, cue
    assert all(a < b <= c for a, b, c in zip(starts, ends, starts[1:], strict=False))
    assert ends[-1] <= seconds(out)
    voices = re.findall(r"^<v ([^>]+)>", vtt, re.M)
    assert voices[0] == "anchor" and voices[-1] == "Choi You Sun"
    assert "<v Choi You Sun>Choi You Sun, KBS World Radio News." in vtt
    assert "Kyiv" in vtt and "Keev" not in vtt  # captions show the words as written


def test_example_renders_with_stories_and_default_output(tmp_path):
    done = run_cli("render", str(EXAMPLES / "kbs-radio-rail-strike.txt"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("output/kbs-radio-rail-strike.mp3  1:")
    assert [line.split(maxsplit=1)[1] for line in lines[1:]] == [
        "Rail workers across South Korea walked…",
        "The Bank of Korea held its…",
        "Cherry blossoms on Jeju Island opened…",
    ]
    names = sorted(p.name for p in (tmp_path / "output").iterdir())
    kinds = ("html", "json", "mp3", "srt", "vtt")
    assert names == [f"kbs-radio-rail-strike.{ext}" for ext in kinds]


@pytest.mark.parametrize("script", sorted(EXAMPLES.glob("*.txt")), ids=lambda p: p.stem)
def test_every_example_renders(tmp_path, script):
    out = tmp_path / f"{script.stem}.mp3"
    done = run_cli("render", str(script), "-o", str(out), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert seconds(out) == pytest.approx(report["duration_s"], abs=0.03)
    assert ebur128(out)[0] == pytest.approx(-16.0, abs=0.5)


def test_the_same_transcript_renders_the_same_samples(tmp_path):
    """A render depends on its input alone: not on the clock (the wheel's eSpeak seeds its
    noise from it) nor on the run. The producer example's +f2 reporter breathes noise."""
    script = EXAMPLES / "producer-harbour-evening.txt"
    made = []
    for name in ("a.wav", "b.wav"):
        done = run_cli("render", str(script), "-o", str(tmp_path / name), "--sidecars", "")
        assert done.returncode == 0, done.stderr
        made.append((tmp_path / name).read_bytes())
    assert made[0] == made[1]


@pytest.mark.parametrize("where", ["engine", "mixer"])
def test_a_failure_mid_stream_leaves_nothing(tmp_path, monkeypatch, where):
    """Encoding starts while the engine is still synthesising: a failure in the engine (at
    its fourth sentence) or in the mixer (at its second part) stops the render with that
    error, removes the half-encoded file, and leaves no thread behind: the engine must be
    free for the next render (a batch worker's)."""
    import threading

    import broadcaster
    from broadcaster.engines import Router
    from broadcaster.errors import BroadcasterError, EngineError
    from broadcaster.text.sentences import utterances

    class FailsAtTheFourth:
        def __init__(self) -> None:
            self.calls = 0

        def synthesize(self, text, delivery, label):
            self.calls += 1
            if self.calls == 4 and where == "engine":
                raise EngineError(f"{label}: the engine failed: on purpose")
            return Router().synthesize(text, delivery, label)

    balance = mix.Mixer._balance
    parts = []

    def failing_balance(self, samples, last):
        parts.append(samples.size)
        if len(parts) == 2:
            raise BroadcasterError("the mixer failed: on purpose")
        return balance(self, samples, last)

    if where == "mixer":
        monkeypatch.setattr(mix.Mixer, "_balance", failing_balance)
    prepared = broadcaster.prepare(KBS)  # 14 sentences in 13 parts
    before = threading.active_count()
    engine = FailsAtTheFourth()
    with pytest.raises(BroadcasterError, match="on purpose"):
        broadcaster.render(prepared, tmp_path / "out.mp3", engine=engine)
    assert list(tmp_path.iterdir()) == []
    assert threading.active_count() == before
    total = sum(len(utterances(s.spoken)) for _, s in prepared.bulletin.segments())
    assert engine.calls < total  # it stopped early


def test_quiet_prints_only_the_path(tmp_path):
    done = run_cli("render", str(KBS), "-o", str(tmp_path / "q.mp3"), "-q")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{tmp_path / 'q.mp3'}\n"  # as its help says: no duration


def test_finished_files_get_the_umask_permissions(tmp_path):
    out = tmp_path / "modes.mp3"
    done = subprocess.run(
        ["sh", "-c", 'umask 027 && "$0" -m broadcaster render "$1" -o "$2" -q', sys.executable,
         str(EXAMPLES / "producer-harbour-evening.txt"), str(out)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for path in (out, out.with_suffix(".vtt"), out.with_suffix(".json")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o640, path
    done = run_cli("render", str(KBS), "-o", str(tmp_path / "default.mp3"), "-q")
    assert stat.S_IMODE((tmp_path / "default.mp3").stat().st_mode) == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_stdin_to_stdout(tmp_path):
    script = (EXAMPLES / "producer-harbour-evening.txt").read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "broadcaster", "render", "-", "-o", "-"],
        input=script, capture_output=True, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = tmp_path / "piped.mp3"
    out.write_bytes(done.stdout)
    assert str(ID3(out)["COMM::eng"]) == "Rendered by broadcaster from standard input"
    assert done.stderr.decode().startswith("-  0:")  # every message on stderr
    assert seconds(out) > 30
    assert list(tmp_path.iterdir()) == [out]  # nothing else written anywhere


def test_inspect_reads_stdin():
    done = subprocess.run(
        [sys.executable, "-m", "broadcaster", "inspect", "-", "--json"],
        input=KBS.read_bytes(), capture_output=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["segments"][1]["speaker"] == "Choi You Sun"


@pytest.mark.parametrize("bitrate", ["64k", "192k"])
def test_bitrate_is_honoured(tmp_path, bitrate):
    out = tmp_path / "b.mp3"
    script = EXAMPLES / "producer-harbour-evening.txt"
    done = run_cli("render", str(script), "-o", str(out), "--bitrate", bitrate, "-q")
    assert done.returncode == 0, done.stderr
    assert MP3(out).info.bitrate == int(bitrate[:-1]) * 1000


@pytest.fixture(scope="module")
def harbour(tmp_path_factory):
    folder = tmp_path_factory.mktemp("formats")
    script = EXAMPLES / "producer-harbour-evening.txt"
    out = folder / "harbour.mp3"
    done = run_cli("render", str(script), "-o", str(out), "--json", "--sidecars", "json")
    assert done.returncode == 0, done.stderr
    return script, json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("ext", "rate", "extra"),
    [("wav", 44100, []), ("flac", 44100, []), ("opus", 48000, []), ("m4a", 44100, []),
     ("mp3", 22050, ["--sample-rate", "22050", "--channels", "2"])],
)  # fmt: skip
def test_every_format_decodes_to_the_right_duration(tmp_path, harbour, ext, rate, extra):
    script, manifest = harbour
    out = tmp_path / f"h.{ext}"
    done = run_cli("render", str(script), "-o", str(out), "--json", *extra)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["duration_s"] == pytest.approx(manifest["duration_s"], abs=0.01)
    assert seconds(out, rate) == pytest.approx(manifest["duration_s"], abs=0.03)
    integrated, peak = ebur128(out)
    assert integrated == pytest.approx(-16.0, abs=0.5) and peak <= -1.0
    probe = subprocess.run(
        [find_ffmpeg(), "-hide_banner", "-i", str(out)], capture_output=True, text=True
    ).stderr
    assert f"{rate} Hz" in probe
    assert ("stereo" if extra else "mono") in probe
    if ext != "wav":  # WAV carries tags but no chapters
        found = re.findall(
            r"Chapter #0:\d+: start ([\d.]+), end ([\d.]+)\n\s+Metadata:\n\s+title\s+: (.*)",
            probe,
        )
        chapters = sorted((float(a), float(b), title) for a, b, title in found)
        assert [c[2] for c in chapters] == ["Ferry fares rise", "Library reopens"]
        stories = [t for s in manifest["stories"] for t in (s["start_s"], s["end_s"])]
        # (Ogg and FLAC store chapter starts only; the last end is the decoded duration.)
        assert [t for c in chapters for t in c[:2]] == pytest.approx(stories, abs=0.01)
    assert re.search(r"title\s+: Harbour City Evening News", probe)


def test_broadcast_loudness_preset(tmp_path, harbour):
    script, _ = harbour
    out = tmp_path / "b.flac"
    done = run_cli("render", str(script), "-o", str(out), "--loudness", "broadcast", "-q")
    assert done.returncode == 0, done.stderr
    assert ebur128(out)[0] == pytest.approx(-23.0, abs=0.5)


def test_voices_only_is_shorter_by_the_music(tmp_path, harbour):
    script, manifest = harbour
    out = tmp_path / "v.wav"
    done = run_cli("render", str(script), "-o", str(out), "--no-music", "--json")
    assert done.returncode == 0, done.stderr
    from broadcaster.sound.music import generated

    music = sum(generated(k, mix.RATE).size for k in ("sting-open", "sting-close", "transition"))
    pauses = mix.Pauses()
    music_s = music / mix.RATE + (2 * pauses.sting_ms + pauses.story_ms) / 1000
    assert json.loads(done.stdout)["duration_s"] == pytest.approx(
        manifest["duration_s"] - music_s, abs=0.002
    )


def test_preview_matches_the_sections_span_in_the_full_render(tmp_path, harbour):
    script, manifest = harbour
    section = manifest["segments"][3]  # the soundbite
    done = run_cli("preview", str(script), "--section", "4", "-o", str(tmp_path / "p.wav"))
    assert done.returncode == 0, done.stderr
    assert "soundbite  Sam Holt  [soundbite-5]" in done.stdout
    span = section["end_s"] - section["start_s"]
    assert seconds(tmp_path / "p.wav", 44100) == pytest.approx(span, abs=0.01)
    assert ebur128(tmp_path / "p.wav")[0] == pytest.approx(-16.0, abs=0.5)


def test_preview_default_path_and_speaker(tmp_path):
    script = EXAMPLES / "producer-harbour-evening.txt"
    done = run_cli("preview", str(script), "--speaker", "lena ortiz", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "output" / "previews" / "producer-harbour-evening-speaker-lena-ortiz.mp3"
    assert out.is_file() and done.stdout.splitlines()[-1].startswith(
        "output/previews/producer-harbour-evening-speaker-lena-ortiz.mp3  0:"
    )
    assert done.stdout.count("Lena Ortiz  [") == 3


def test_voices_sample_renders_every_profile(tmp_path):
    done = run_cli("voices", "--sample", "Good evening.", "-o", str(tmp_path))
    assert done.returncode == 0, done.stderr
    shipped = sorted(p.stem for p in (EXAMPLES.parent / "voices").glob("*.toml")
                     if p.name not in ("pins.toml", "lexicon.toml"))  # fmt: skip
    assert sorted(p.stem for p in tmp_path.glob("*.mp3")) == shipped
    for clip in tmp_path.glob("*.mp3"):
        assert 0.5 < seconds(clip) < 3.0


def test_times_are_rounded_before_they_are_split():
    from broadcaster.cli.commands import _minutes

    assert [_minutes(s) for s in (0, 9.94, 59.96, 61.04, 3599.99)] == [
        "0:00.0", "0:09.9", "1:00.0", "1:01.0", "60:00.0"
    ]  # fmt: skip
