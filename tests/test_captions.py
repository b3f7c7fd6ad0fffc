"""Captions: laid out for the screen, timed from the audio, read back by third-party parsers."""

from __future__ import annotations

import html
import json
from itertools import pairwise

import numpy as np
import pysrt
import pytest
import webvtt
from hypothesis import given, settings
from hypothesis import strategies as st

from broadcaster.output import captions, sidecars
from broadcaster.sound import mix
from broadcaster.text.sentences import as_written
from tests.helpers.audio import decode, samples
from tests.helpers.cli import invoke
from tests.helpers.paths import KBS

RATE = 8000  # decoding rate for timing checks: 1 sample = 0.125 ms


def _section(role: str, speaker: str | None) -> mix.Section:
    return mix.Section(1, role, speaker, "anchor", "", "", [])


RAIL = (
    "Rail workers walked out on Monday, trains stood still across the country, "
    "and commuters waited for hours in the cold."
)
SEJONG = "Officials said talks would resume tomorrow morning in Sejong."
TIMELINE = mix.Timeline(
    sections=[
        mix.Placed(
            _section("anchor", None),
            0.4,
            2.6,
            [mix.Cue(0.4, 2.6, "Good evening from AT&T <HQ> & friends.")],
        ),
        mix.Placed(
            _section("reporter", "Kim Min-ji"),
            3.3,
            14.0,
            [
                mix.Cue(3.3, 10.0, RAIL, ((5.1, 5.3), (8.0, 8.2))),
                mix.Cue(10.35, 14.0, SEJONG),
            ],
        ),
    ],
    duration=15.0,
)
"""A small fixed timeline: a sentence that fits, one split at its two pauses, one with none."""

VTT = """WEBVTT

00:00:00.400 --> 00:00:02.600
<v anchor>Good evening from AT&amp;T &lt;HQ&gt; &amp; friends.

00:00:03.300 --> 00:00:08.000
<v Kim Min-ji>Rail workers walked out on Monday,
trains stood still across the country,

00:00:08.200 --> 00:00:10.000
<v Kim Min-ji>and commuters waited
for hours in the cold.

00:00:10.350 --> 00:00:14.000
<v Kim Min-ji>Officials said talks would resume
tomorrow morning in Sejong.
"""

SRT = """1
00:00:00,400 --> 00:00:02,600
anchor: Good evening
from AT&T <HQ> & friends.

2
00:00:03,300 --> 00:00:04,534
Kim Min-ji: Rail workers walked out

3
00:00:04,534 --> 00:00:08,000
Kim Min-ji: on Monday,
trains stood still across the country,

4
00:00:08,200 --> 00:00:10,000
Kim Min-ji: and commuters waited
for hours in the cold.

5
00:00:10,350 --> 00:00:14,000
Kim Min-ji: Officials said talks would
resume tomorrow morning in Sejong.
"""


def test_webvtt_of_a_fixed_timeline_whole():
    assert sidecars.webvtt(TIMELINE) == VTT


def test_srt_of_a_fixed_timeline_whole():
    assert sidecars.srt(TIMELINE) == SRT


def test_webvtt_reads_back_with_webvtt_py():
    cues = webvtt.from_string(sidecars.webvtt(TIMELINE))
    assert [(c.start, c.end, c.voice) for c in cues] == [
        ("00:00:00.400", "00:00:02.600", "anchor"),
        ("00:00:03.300", "00:00:08.000", "Kim Min-ji"),
        ("00:00:08.200", "00:00:10.000", "Kim Min-ji"),
        ("00:00:10.350", "00:00:14.000", "Kim Min-ji"),
    ]
    # webvtt-py drops markup and leaves character references as they are
    assert html.unescape(cues[0].text) == "Good evening from AT&T <HQ> & friends."
    shown = " ".join(html.unescape(c.text).replace("\n", " ") for c in cues[1:3])
    assert shown == RAIL


def test_srt_reads_back_with_pysrt():
    cues = pysrt.from_string(sidecars.srt(TIMELINE), error_handling=pysrt.ERROR_RAISE)
    assert [c.index for c in cues] == [1, 2, 3, 4, 5]
    assert [(c.start.ordinal, c.end.ordinal) for c in cues] == [
        (400, 2600), (3300, 4534), (4534, 8000), (8200, 10000), (10350, 14000),
    ]  # fmt: skip
    assert [c.text.split(": ", 1)[0] for c in cues] == ["anchor"] + ["Kim Min-ji"] * 4
    assert cues[0].text == "anchor: Good evening\nfrom AT&T <HQ> & friends."


def test_a_voice_name_is_escaped_too():
    placed = mix.Placed(_section("reporter", "R&D <desk>"), 0.0, 1.0, [mix.Cue(0.0, 1.0, "Hi.")])
    vtt = sidecars.webvtt(mix.Timeline(sections=[placed], duration=1.0))
    assert vtt.splitlines()[3] == "<v R&amp;D &lt;desk&gt;>Hi."
    assert webvtt.from_string(vtt)[0].voice == "R&amp;D &lt;desk&gt;"


def test_a_sentence_that_fits_is_one_cue():
    cue = mix.Cue(1.0, 3.0, "Choi You Sun, KBS World Radio News.")
    assert captions.split(cue, "Choi You Sun") == [
        captions.Caption(1.0, 3.0, "Choi You Sun", ("Choi You Sun, KBS World Radio News.",))
    ]


def test_a_part_starts_in_the_pause_its_clause_ends_in():
    # "Monday," is expected at 3.56 s by its share of the characters: the nearest pause wins
    # (3.0 s is a stop consonant, say); "country," at 7.5 s
    cue = mix.Cue(0.0, 12.0, RAIL, ((3.0, 3.1), (3.6, 3.8), (7.6, 7.8)))
    parts = captions.split(cue, "anchor")
    assert [(p.start, p.end) for p in parts] == [(0.0, 3.6), (3.8, 7.6), (7.8, 12.0)]
    assert [p.lines for p in parts] == [
        ("Rail workers walked out on Monday,",),
        ("trains stood still across the country,",),
        ("and commuters waited", "for hours in the cold."),  # 43 characters
    ]


def test_a_part_without_a_pause_is_timed_by_its_share_of_the_characters():
    cue = mix.Cue(2.0, 9.0, "word " * 29 + "end.")
    parts = captions.split(cue, "anchor")
    seven, eight = " ".join(["word"] * 7), " ".join(["word"] * 8)
    assert [p.lines for p in parts] == [(seven, eight), (seven, f"{seven} end.")]
    # 15 words of 5 characters with their spaces, of 150
    assert parts[0].end == parts[1].start == 2.0 + 7.0 * 75 / 150


def test_a_word_longer_than_a_line_stands_alone_and_whole():
    url = "https://example.org/" + "a" * 60
    parts = captions.split(mix.Cue(0.0, 4.0, f"See {url} for more."), "anchor")
    assert [p.lines for p in parts] == [("See",), (url,), ("for more.",)]


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz,;:", min_size=1, max_size=14)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    st.lists(WORDS, min_size=1, max_size=120),
    st.floats(0.5, 60.0),
    st.sampled_from([None, "anchor", "Park Seo-yeon of KBS World Radio"]),
)
def test_any_sentence_is_cut_into_readable_parts(words, seconds, label):
    cue = mix.Cue(10.0, 10.0 + seconds, " ".join(words))
    first = captions.LINE_CHARS
    if label:
        first = max(captions.LINE_CHARS - len(label) - 2, captions.LINE_CHARS // 2)
    parts = captions.split(cue, label or "anchor", first)
    assert [w for p in parts for line in p.lines for w in line.split()] == words
    assert parts[0].start == 10.0 and parts[-1].end == 10.0 + seconds
    for part, after in zip(parts, [*parts[1:], None], strict=True):
        assert part.start < part.end and (after is None or part.end <= after.start)
        single = len(part.lines) == 1 and " " not in part.lines[0]
        assert single or (len(part.lines) <= captions.LINES and part.end - part.start <= 7.0)
        widths = [first] + [captions.LINE_CHARS] * (len(part.lines) - 1)
        assert single or all(len(s) <= w for s, w in zip(part.lines, widths, strict=True))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The corpus bulletin rendered by the real engine to WAV (exact sample times), with
    its captions read back by webvtt-py and pysrt."""
    out = tmp_path_factory.mktemp("captions") / "kbs.wav"
    done = invoke("render", str(KBS), "-o", str(out))
    assert done.returncode == 0, done.stderr
    vtt = webvtt.read(str(out.with_suffix(".vtt")))
    srt = pysrt.open(str(out.with_suffix(".srt")), error_handling=pysrt.ERROR_RAISE)
    manifest = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    return out, vtt, srt, manifest


def _seconds(stamp: str) -> float:
    hours, minutes, seconds = stamp.replace(",", ".").split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def test_corpus_captions_fit_the_screen(corpus):
    _, vtt, srt, manifest = corpus
    lines = [line for c in vtt for line in c.text.split("\n")]
    assert max(map(len, lines)) <= 42 and max(len(c.text.split("\n")) for c in vtt) == 2
    assert max(len(line) for c in srt for line in c.text.split("\n")) <= 42  # label counted
    times = [(_seconds(c.start), _seconds(c.end)) for c in vtt]
    assert max(end - start for start, end in times) <= 7.0
    assert all(a < b <= c for (a, b), (c, _) in pairwise(times))
    assert times[-1][1] <= manifest["duration_s"]
    assert [c.index for c in srt] == list(range(1, len(srt) + 1))
    assert all(c.text.split(": ", 1)[0] in ("anchor", "Choi You Sun") for c in srt)
    # every sentence of the manifest, whole, in its cues
    sentences = [s["text"] for seg in manifest["segments"] for s in seg["sentences"]]
    assert " ".join(html.unescape(c.text).replace("\n", " ") for c in vtt) == " ".join(sentences)
    assert len(vtt) > len(sentences)


def test_corpus_parts_meet_in_the_pauses_heard(corpus):
    out, vtt, _, manifest = corpus
    pcm = samples(decode(out, RATE))
    starts = [s["start_s"] for seg in manifest["segments"] for s in seg["sentences"]]
    heard = 0
    for before, after in pairwise(vtt):
        end, start = _seconds(before.end), _seconds(after.start)
        if start == end or min(abs(start - s) for s in starts) < 0.002:
            continue  # a new sentence, or a part placed by its share of the characters
        heard += 1
        assert before.text.rstrip().endswith((",", ";", ":", ")")) or after.text.split()[
            0
        ].lower() in (captions.CONJUNCTIONS), (before.text, after.text)
        gap = pcm[round(end * RATE) : round(start * RATE)]
        speech = pcm[round((end - 0.3) * RATE) : round(end * RATE)]
        assert _rms(gap) < _rms(speech) / 10, (before.text, end, start)  # 20 dB quieter
    assert heard >= 5, heard  # 10 when written: parts at a comma, read with a pause


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x**2)))


def test_a_render_escapes_markup_in_the_vtt_and_not_in_the_srt(tmp_path):
    said = "Shares in AT&T rose 3% <after> the results, analysts said; the rest -- of it -- fell."
    script = tmp_path / "att.txt"
    script.write_text(f"Anchor: {said}\n", encoding="utf-8")
    done = invoke("render", str(script), "-o", str(tmp_path / "att.wav"))
    assert done.returncode == 0, done.stderr
    vtt_text = (tmp_path / "att.vtt").read_text(encoding="utf-8")
    assert "AT&amp;T" in vtt_text and "&lt;after&gt;" in vtt_text and "<after>" not in vtt_text
    vtt = webvtt.read(str(tmp_path / "att.vtt"))
    assert " ".join(html.unescape(c.text).replace("\n", " ") for c in vtt) == said
    srt = pysrt.open(str(tmp_path / "att.srt"), error_handling=pysrt.ERROR_RAISE)
    shown = " ".join(c.text.removeprefix("anchor: ").replace("\n", " ") for c in srt)
    assert shown == said and [c.index for c in srt] == list(range(1, len(srt) + 1))


def test_pauses_are_found_below_the_voice_not_below_a_fixed_level():
    """A breathy voice's pause hisses (eSpeak's +f2 never falls to digital silence): a pause
    is 30 dB below the clip's loud frames; a stop consonant's 0.05 s gap is no pause."""
    rate = mix.RATE
    t = np.arange(rate) / rate
    voice = 0.3 * np.sin(2 * np.pi * 220 * t)
    hiss = 0.003 * np.random.default_rng(1).standard_normal(rate)
    stop, pause = round(0.05 * rate), round(0.2 * rate)
    clip = np.concatenate((voice, hiss[:stop], voice, hiss[:pause], voice))
    found = mix.silences(clip)
    assert len(found) == 1
    (start, end), frame = found[0], 0.01
    assert start == pytest.approx(2 + 0.05, abs=frame) and end == pytest.approx(2.25, abs=frame)


def test_captions_keep_the_written_words_when_the_sentences_split_otherwise(tmp_path):
    # "Approx." ends a written sentence but not a spoken one ("Approximately 1,200 ..."):
    # the whole segment's captions used to fall back to the spoken forms ("Hong-chun-goon",
    # "July 19th, 20 26").
    written = (
        "In Hongcheon-gun, a 12 km stretch of road is still closed. "
        "Approx. 1,200 residents spent 19 July 2026 in school gyms."
    )
    script = tmp_path / "w.txt"
    script.write_text(f"Anchor: {written}\n", encoding="utf-8")
    done = invoke("render", str(script), "-o", str(tmp_path / "w.wav"), "--no-music")
    assert done.returncode == 0, done.stderr
    vtt = webvtt.read(str(tmp_path / "w.vtt"))
    assert " ".join(c.text.replace("\n", " ") for c in vtt) == written
    manifest = json.loads((tmp_path / "w.json").read_text(encoding="utf-8"))
    shown = [s["text"] for s in manifest["segments"][0]["sentences"]]
    assert shown == [
        "In Hongcheon-gun, a 12 km stretch of road is still closed.",
        "Approx. 1,200 residents spent 19 July 2026 in school gyms.",
    ]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    st.lists(st.lists(st.sampled_from(["a", "bb", "c."]), min_size=1, max_size=8), min_size=1),
    st.lists(st.integers(1, 12), min_size=1, max_size=12),
)
def test_written_words_are_shared_out_whole_and_in_order(written, said_lengths):
    written_sentences = [" ".join(words) for words in written]
    said = [" ".join(["x"] * n) for n in said_lengths]
    shown = as_written(written_sentences, said)
    assert len(shown) == len(said)
    words = [w for words in written for w in words]
    if len(words) >= len(said):
        assert " ".join(shown).split() == words
        assert all(piece for piece in shown)  # every said sentence has a caption
