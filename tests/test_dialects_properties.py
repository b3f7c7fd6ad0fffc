"""Property tests for the KBS radio, producer and prose dialects: no word lost or doubled."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from broadcaster.dialects import kbs_radio, producer, prose
from broadcaster.errors import BroadcasterError
from tests.test_dialects_web_radio import assert_well_formed

WORD = st.sampled_from(
    ["rail", "Seoul", "talks", "2,900", "won", "POWs", "U.S.", "Kim", "“yes”", "fell", "Friday"]
)
SENTENCE = st.lists(WORD, min_size=1, max_size=8).map(lambda w: " ".join(w) + ".")
NAME = st.sampled_from(["Choi You Sun", "Park Ji-won", "Lena Ortiz", "Sam Holt"])
GLUE = st.sampled_from(["", " ", "\n"])


@st.composite
def kbs_story(draw) -> str:
    anchor = draw(GLUE).join(draw(st.lists(SENTENCE, min_size=1, max_size=3)))
    if not draw(st.booleans()):
        return f"Anchor: {anchor}"
    name = draw(NAME)
    report = draw(GLUE).join(draw(st.lists(SENTENCE, min_size=1, max_size=3)))
    return f"Anchor: {anchor}{name} reports.Report: {report}{name}, KBS World Radio News."


@st.composite
def kbs_transcript(draw) -> str:
    stories = draw(st.lists(kbs_story(), min_size=1, max_size=4))
    return "date 2026-05-02 Photo : YONHAP News\n\n" + draw(GLUE).join(stories)


@st.composite
def producer_turn(draw) -> str:
    role = draw(st.sampled_from(["anchor", "reporter", "soundbite"]))
    who = f" {draw(NAME)}" if role != "anchor" else ""
    title = " (farmer)" if draw(st.booleans()) else ""
    words = " ".join(draw(st.lists(SENTENCE, min_size=1, max_size=3)))
    pause = " [pause 1s] " if draw(st.booleans()) else " "
    return f"{role}{who}{title}: {words}{pause}{draw(SENTENCE)}"


@st.composite
def producer_script(draw) -> str:
    lines = ["---", "title: Evening News", "date: 2026-05-02", "---"]
    for n in range(draw(st.integers(1, 3))):
        lines.append(f"## Story {n + 1}")
        lines += draw(st.lists(producer_turn(), min_size=1, max_size=4))
    return "\n".join(lines)


@settings(max_examples=200, deadline=None)
@given(kbs_transcript())
def test_kbs_radio_keeps_every_word(text):
    assert kbs_radio.detect(text)
    assert_well_formed(text, kbs_radio.parse(text))


@settings(max_examples=200, deadline=None)
@given(producer_script())
def test_producer_keeps_every_word(text):
    assert producer.detect(text)
    assert_well_formed(text, producer.parse(text))


@settings(max_examples=100, deadline=None)
@given(st.lists(SENTENCE, min_size=1, max_size=6))
def test_prose_keeps_every_word(sentences):
    text = "\n\n".join(sentences)
    assert_well_formed(text, prose.parse(text))


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_raises_only_documented_errors(text):
    for module in (kbs_radio, producer, prose):
        try:
            module.detect(text)
            module.parse(text)
        except BroadcasterError:
            pass
