"""Property tests for every dialect: no word lost or doubled."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadcaster.dialects import arirang, kbs_radio, korean_web, producer, prose, voa
from broadcaster.errors import BroadcasterError
from tests.test_dialects_web_radio import assert_well_formed

WORD = st.sampled_from(
    ["rail", "Seoul", "talks", "2,900", "won", "POWs", "U.S.", "Kim", "“yes”", "fell", "Friday"]
)
SENTENCE = st.lists(WORD, min_size=1, max_size=8).map(lambda w: " ".join(w) + ".")
NAME = st.sampled_from(["Choi You Sun", "Park Ji-won", "Lena Ortiz", "Sam Holt"])
GLUE = st.sampled_from(["", " ", "\n"])


HANDOVER = st.sampled_from(
    ["{} reports.", "Our {} has more.", "Our correspondent {} reports.", "Here's {}.",
     "{} reports from Washington."]
)  # fmt: skip
TAPE = st.sampled_from(
    ["[Sound bite: Foreign Ministry Spokesperson Kang Min-ho (Korean)]", "[Sound bites from the"
     " rally]", "[Sound bite: Farmer Yoo Min-su (Korean)]\n", "[sound bite:]",
     "[Sound bite: a panel discussion on rents]", "[Sound bite: Kang Min-ho, Vice Minister]\n"]
)  # fmt: skip
FURNITURE = st.sampled_from(
    ["1. Rail strike ends", "2. Won falls", "• Floods in the south", "• Exports rise",
     "NEWSROOM 21:00", "Evening Report at 9", "Lower third: Busan", "[CG: Exports]"]
)  # fmt: skip
"""Headline lists, programme lines and captions, which any page may carry (issue 18)."""
QUOTED = st.tuples(st.sampled_from(['"', "“", ""]), SENTENCE, st.sampled_from(['"', "”", ""]))


@st.composite
def report(draw) -> str:
    pieces = []
    for sentence in draw(st.lists(SENTENCE, min_size=1, max_size=3)):
        pieces.append(sentence)
        if draw(st.booleans()):
            pieces.append(draw(TAPE) + "".join(draw(QUOTED)))
    return draw(GLUE).join(pieces)


@st.composite
def kbs_story(draw) -> str:
    anchor = draw(GLUE).join(draw(st.lists(SENTENCE, min_size=1, max_size=3)))
    if not draw(st.booleans()):
        return f"Anchor: {anchor}"
    name = draw(NAME)
    handover = draw(HANDOVER).format(name)
    return f"Anchor: {anchor}{handover}Report: {draw(report())}{draw(NAME)}, KBS World Radio News."


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


@pytest.mark.filterwarnings("ignore:the hand-over names")
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
@given(st.lists(st.one_of(SENTENCE, FURNITURE), min_size=1, max_size=6), GLUE)
def test_prose_keeps_every_word(paragraphs, glue):
    text = (glue or "\n\n").join(paragraphs)
    try:
        bulletin = prose.parse(text)
    except BroadcasterError:
        return
    assert_well_formed(text, bulletin)


KOREAN_WEB_LINE = st.one_of(
    SENTENCE,
    FURNITURE,
    NAME.map(lambda n: f"This is {n} reporting for SBS."),
    NAME.map(lambda n: f"SBS reporter {n}"),
    st.sampled_from(["<Anchor>", "<Reporter>", "< anchor >", "Reporter: Jung Yeon-woo", "By Kim"]),
    st.tuples(NAME, SENTENCE).map(lambda p: f"[{p[0]}/Economist (Seoul) : {p[1]}]"),
    st.tuples(NAME, SENTENCE).map(lambda p: f"[{p[0]}/Economist]: {p[1]}"),
    st.tuples(NAME, SENTENCE).map(lambda p: f"{p[0]}/Shop owner: {p[1]}"),
    NAME.map(lambda n: f"{n}, reporting."),
)
ARIRANG_LINE = st.one_of(
    SENTENCE,
    st.sampled_from(
        ["NEWSCENTER 22:00", "(THIS IS THE TRANSCRIPT FOR ARIRANG NEWS THAT AIRED ON 02 May 2026)",
         "2015. 11. 2~", "Title:", "Title: Rail strike ends", "Title: Opening",
         "Title: NEWSCENTER TITLE", "Title: News Headlines"]
    ),
    FURNITURE,
    st.tuples(HANDOVER, NAME).map(lambda p: p[0].format(p[1])),
    NAME.map(lambda n: f"{n}, Arirang News."),
)  # fmt: skip
VOA_LINE = st.one_of(
    SENTENCE,
    FURNITURE,
    st.tuples(NAME, SENTENCE).map(lambda p: f'{p[0].upper()}: "{p[1]}" Then it rained.'),
    st.tuples(NAME, SENTENCE).map(lambda p: f"{p[0].upper()}: {p[1]}"),
    SENTENCE.map(lambda s: f"{s} ____ Words in This Story word – n. a word"),
    st.sampled_from(
        ["By Anna Kim", "April 3, 2025", "____", "Words in This Story", "I'm Anna Kim."]
    ),
    NAME.map(lambda n: f"{n} wrote this story for VOA Learning English. {n} was the editor."),
)


def document(line: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(line, min_size=1, max_size=12).map("\n".join)


@pytest.mark.filterwarnings("ignore:the hand-over names")
@settings(max_examples=200, deadline=None)
@given(st.sampled_from([korean_web, arirang, voa]), st.data())
def test_new_styles_keep_every_word(module, data):
    line = {korean_web: KOREAN_WEB_LINE, arirang: ARIRANG_LINE, voa: VOA_LINE}[module]
    text = data.draw(document(line))
    try:
        bulletin = module.parse(text)
    except BroadcasterError:
        return
    assert_well_formed(text, bulletin)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_raises_only_documented_errors(text):
    for module in (kbs_radio, producer, prose, korean_web, arirang, voa):
        try:
            module.detect(text)
            module.parse(text)
        except BroadcasterError:
            pass


@st.composite
def kbs_story_with_reporter(draw) -> tuple[str, str | None]:
    """A KBS radio story whose hand-over and sign-off are each present or not, and name
    the same reporter or not; with the reporter the parser must find."""
    anchor = draw(GLUE).join(draw(st.lists(SENTENCE, min_size=1, max_size=2)))
    body = draw(GLUE).join(draw(st.lists(SENTENCE, min_size=1, max_size=2)))
    handed = draw(st.one_of(st.none(), NAME))
    signed = draw(st.one_of(st.none(), NAME))
    handover = draw(HANDOVER).format(handed) if handed else ""
    signoff = f"{signed}, KBS World Radio News." if signed else ""
    return f"Anchor: {anchor}{handover}Report: {body}{signoff}", signed or handed


@settings(max_examples=150, deadline=None)
@given(st.lists(kbs_story_with_reporter(), min_size=1, max_size=3))
def test_kbs_radio_roles_and_speakers(stories):
    import warnings

    text = "date 2026-05-02 Photo : YONHAP News\n\n" + "".join(s for s, _ in stories)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a hand-over and sign-off that disagree warn
        bulletin = kbs_radio.parse(text)
    assert_well_formed(text, bulletin)
    assert len(bulletin.stories) == len(stories)
    for story, (_, reporter) in zip(bulletin.stories, stories, strict=True):
        roles = [(seg.role, seg.speaker) for seg in story.segments]
        assert roles[0] == ("anchor", None)
        assert [r for r in roles[1:] if r[0] != "soundbite"] == [("reporter", reporter)] * (
            len(roles) - 1
        )
