"""Issue 18: the families of real-page shapes that still segmented wrong, each rule tried
on several invented examples (none is a copy of a page).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadcaster.dialects import arirang, kbs_radio, kbs_web, korean_web, prose, public_radio, voa
from broadcaster.dialects.common import person
from broadcaster.dialects.reporters import signoff
from broadcaster.script import Bulletin
from tests.test_dialects_web_radio import assert_well_formed, dropped, turns


def parsed(module, text: str) -> Bulletin:
    bulletin = module.parse(text)
    assert_well_formed(text, bulletin)
    return bulletin


# --- tape cues with no words -------------------------------------------------------


@pytest.mark.parametrize(
    "cue",
    [
        "[Sound bite: a panel discussion on housing prices]",
        "[Sound bite: crowds chanting outside the court]",
        "[Sound bites from the launch ceremony]",
        "[Sound bite: Festival Director Oh Ji-hye (Korean)]",
        "[Sound bite:]",
    ],
)
def test_a_tape_cue_with_no_words_after_it_is_skipped_and_casts_no_voice(cue: str) -> None:
    text = f"Anchor: A fair opened.Report: Stalls went up at dawn.\n{cue}\nVisitors came by noon."
    bulletin = parsed(kbs_radio, text)
    assert turns(bulletin) == [
        ("anchor", None, "A fair opened."),
        ("reporter", None, "Stalls went up at dawn."),
        ("reporter", None, "Visitors came by noon."),
    ]
    assert (1, "sound bite marker", cue) in dropped(bulletin)


@pytest.mark.parametrize(
    ("after", "speaker", "said"),
    [
        ("\n“Prices will fall.”\nThe market shrugged.", "Han Do-yoon", "“Prices will fall.”"),
        (' "Prices will fall." The market shrugged.', "Han Do-yoon", '"Prices will fall."'),
        (" Prices will fall.\nThe market shrugged.", "Han Do-yoon", "Prices will fall."),
    ],
)
def test_a_tape_cue_with_words_is_the_speakers(after: str, speaker: str, said: str) -> None:
    text = f"Anchor: A.Report: B.[Sound bite: Trade Policy Chief Han Do-yoon (Korean)]{after}"
    assert turns(parsed(kbs_radio, text))[2:] == [
        ("soundbite", speaker, said),
        ("reporter", None, "The market shrugged."),
    ]


def test_a_quotation_left_open_ends_with_its_line_and_never_swallows_a_label() -> None:
    text = (
        "Anchor: A.Report: B.[Sound bite: Han Do-yoon (Korean)] “Prices will fall.\n"
        "The market shrugged.Anchor: Next story.[Sound bite: Oh Ji-hye] “Soon.Report: C.”"
    )
    assert turns(parsed(kbs_radio, text)) == [
        ("anchor", None, "A."),
        ("reporter", None, "B."),
        ("soundbite", "Han Do-yoon", "“Prices will fall."),
        ("reporter", None, "The market shrugged."),
        ("anchor", None, "Next story."),
        ("soundbite", "Oh Ji-hye", "“Soon."),
        ("reporter", None, "C.”"),
    ]


def test_an_unnamed_cue_speaks_only_a_quotation() -> None:
    # A description that names nobody is a speaker only for quoted words.
    quoted = "Anchor: A.Report: B.[Sound bite: a shop owner (Korean)] “It is slow.” C."
    assert turns(parsed(kbs_radio, quoted))[2] == ("soundbite", "shop owner", "“It is slow.”")
    unquoted = "Anchor: A.Report: B.[Sound bite: a shop owner at the market] It was slow. C."
    assert [role for role, _, _ in turns(parsed(kbs_radio, unquoted))] == [
        "anchor",
        "reporter",
        "reporter",
    ]


# --- titles before (and after) names -----------------------------------------------


@pytest.mark.parametrize(
    ("description", "name"),
    [
        ("Trade Policy Chief Han Do-yoon", "Han Do-yoon"),
        ("Deputy Minister for Energy Han Do-yoon (Korean)", "Han Do-yoon"),
        ("Han Do-yoon, Deputy Minister for Energy", "Han Do-yoon"),
        ("U.S. Secretary of State Mary Stone", "Mary Stone"),
        ("Minister of Foreign Affairs Cho Min-jae", "Cho Min-jae"),
        ("Mary Stone, U.S. Trade Representative", "Mary Stone"),
        ("Secretary of State", "Secretary of State"),
        ("Minister for Energy", "Minister for Energy"),
    ],
)
def test_the_title_is_a_description_and_the_name_the_speaker(description: str, name: str) -> None:
    assert person(description) == name


KBS_WEB_TITLES = (
    "GRID PRICES\n입력 2025.04.02 (10:00)\n[Anchor Lead]\nPower bills will rise.\n[Pkg]\n"
    "Utilities asked for more.\n"
    '[Soundbite] Deputy Minister for Energy Han Do-yoon : "The rise is small."\n'
    "Consumers disagreed.\n[Soundbite]\n"
    "Han Do-yoon (Deputy Minister for Energy): It lasts a year.\n"
    "[Soundbite] Grid Planning Chief Han Do-yoon(Korean) : “Then it ends.”\n"
)


def test_a_kbs_web_speaker_is_the_same_person_whatever_title_precedes_the_name() -> None:
    bulletin = parsed(kbs_web, KBS_WEB_TITLES)
    assert [(role, who) for role, who, _ in turns(bulletin) if role == "soundbite"] == [
        ("soundbite", "Han Do-yoon"),
        ("soundbite", "Han Do-yoon"),
        ("soundbite", "Han Do-yoon"),
    ]
    assert "Deputy Minister for Energy Han Do-yoon :" in [t for _, _, t in dropped(bulletin)]


NAMES = st.sampled_from(["Han Do-yoon", "Oh Ji-hye", "Kang Min-ho", "Mary Stone"])
TITLES = st.sampled_from(
    [
        *("Deputy Minister for Energy", "Trade Policy Chief", "Foreign Ministry Spokesperson"),
        *("U.S. Secretary of State", "Seoul Mayor", "Chief Researcher"),
    ]
)


@settings(max_examples=100, deadline=None)
@given(NAMES, TITLES, st.sampled_from(["", " (Korean)", " (English)"]))
def test_any_title_before_or_after_a_name_leaves_the_name(name: str, title: str, note: str) -> None:
    assert person(f"{title} {name}{note}") == name
    assert person(f"{name}, {title}{note}") == name


# --- bylines and sign-offs of Korean broadcasters' translated scripts --------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("This is Jung Yeon-woo reporting for SBS.", ("Jung Yeon-woo", "SBS")),
        ("Prices fell.Jung Yeon-woo reporting for SBS News.", ("Jung Yeon-woo", "SBS")),
        ("Jane Doe, reporting from Busan for YTN.", ("Jane Doe", "YTN")),
        ("Jung Yeon-woo reporting from Busan.", ("Jung Yeon-woo", None)),
        ("It ended. SBS News, Jung Yeon-woo.", ("Jung Yeon-woo", "SBS")),
        ("I'm Jane Doe, MBC News.", ("Jane Doe", "MBC")),
        ("Officials said they were reporting the loss.", None),
        ("The ministry is reporting for duty.", None),
    ],
)
def test_sign_offs_of_translated_scripts(text: str, found: tuple[str, str | None] | None) -> None:
    assert signoff(text) == found


SCRIPT = (
    "Rate Rise Surprises Markets\n{byline}<Anchor>\nThe central bank raised its key rate.\n"
    "<Reporter>\nThe decision was unanimous.\n"
    "[Ko Min-seo / Central bank governor : We had no other choice.]\nMarkets expected less.{end}\n"
)


@pytest.mark.parametrize(
    ("byline", "end"),
    [
        ("SBS reporter Jung Yeon-woo\n", ""),
        ("YTN News reporter Jung Yeon-woo\n", ""),
        ("Reporter Jung Yeon-woo\n", ""),
        ("", " This is Jung Yeon-woo reporting for SBS."),
        ("", " SBS News, Jung Yeon-woo."),
    ],
)
def test_the_reporters_segments_carry_the_byline_or_sign_off_name(byline: str, end: str) -> None:
    bulletin = parsed(korean_web, SCRIPT.format(byline=byline, end=end))
    assert [(role, who) for role, who, _ in turns(bulletin)] == [
        ("anchor", None),
        ("reporter", "Jung Yeon-woo"),
        ("soundbite", "Ko Min-seo"),
        ("reporter", "Jung Yeon-woo"),
    ]


# --- headline lists ----------------------------------------------------------------

LIST_ABOVE = "1. Minister visits Tokyo\n2. Rail strike ends\n3. Won falls to a two-year low\n"
LIST_BELOW = "• Related: floods in the south\n• Exports rise for a third month\n"


@pytest.mark.parametrize(
    ("module", "page"),
    [
        (kbs_web, "PORT STRIKE\n입력 2025.05.02 (10:00)\n[Anchor Lead]\nDockers walked out.\n"),
        (korean_web, "Port Strike\n<Anchor>\nDockers walked out.\n"),
        (voa, "Dockers Walk Out\nDockers walked out.\nAnna Kim wrote this story for VOA News.\n"),
        (public_radio, "MARIA OKAFOR, HOST: Dockers walked out.\nTOM REYES, BYLINE: Yes.\n"),
        (prose, "Dockers walked out.\n\nShips waited.\n"),
        (arirang, "NEWSCENTER 22:00\nTitle: Port strike\nDockers walked out.\n"),
    ],
)
def test_headline_lists_above_or_below_the_story_are_skipped(module, page: str) -> None:
    clean = parsed(module, page)
    for text in (LIST_BELOW + page + LIST_ABOVE, page + LIST_BELOW):
        bulletin = parsed(module, text)
        assert turns(bulletin) == turns(clean)
        listed = [t for _, reason, t in dropped(bulletin) if reason == "headline list"]
        assert listed == [line for line in text.splitlines() if line and line[0] in "123•"]


@pytest.mark.parametrize(
    "lines",
    [
        ["1. The ministry will cut taxes.", "2. It will raise spending."],  # points, sentences
        ["1. Minister visits Tokyo"],  # one numbered line: a heading
        ["1. Minister visits Tokyo", "3. Won falls"],  # not counting up
        ["• Floods in the south", "- Exports rise"],  # two kinds of bullet
        ["1. " + " ".join(["word"] * 17), "2. Won falls"],  # too long for a headline
    ],
)
def test_what_is_not_a_headline_list_is_read(lines: list[str]) -> None:
    text = "Dockers walked out.\n\n" + "\n".join(lines) + "\n\nShips waited."
    assert "headline list" not in [reason for _, reason, _ in dropped(parsed(prose, text))]


def test_a_numbered_story_heading_on_a_kbs_page_is_still_a_heading() -> None:
    page = (
        "PORT STRIKE\n입력 2025.05.02 (10:00)\n[Anchor Lead]\nDockers walked out.\n"
        "2. Bridge Reopens\n[Anchor Lead]\nThe bridge reopened.\n"
    )
    assert [s.title for s in parsed(kbs_web, page).stories] == ["PORT STRIKE", "Bridge Reopens"]


ITEMS = st.lists(
    st.text(st.sampled_from("abcdefgh KLMN"), min_size=1, max_size=30).filter(str.strip),
    min_size=2,
    max_size=6,
)


@settings(max_examples=100, deadline=None)
@given(ITEMS, st.sampled_from(["{n}. {t}", "{n}) {t}", "• {t}", "▶ {t}"]))
def test_any_list_of_short_headlines_is_skipped_whole(items: list[str], shape: str) -> None:
    listed = [" ".join(shape.format(n=n, t=t).split()) for n, t in enumerate(items, 1)]
    text = "Dockers walked out.\n\n" + "\n".join(listed)
    bulletin = parsed(prose, text)
    assert turns(bulletin) == [("anchor", None, "Dockers walked out.")]
    assert [t for _, reason, t in dropped(bulletin) if reason == "headline list"] == listed


# --- programme furniture -----------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        *("NEWSROOM 21:00", "Evening Report at 9", "News at 6 p.m.", "NEWSCENTER 22:00 KST"),
        *("Lower third: Kim Ha-neul, reporter", "[CG: Exports, January to March]", "SUPER: Busan"),
    ],
)
def test_programme_furniture_is_not_read(line: str) -> None:
    for module, page in (
        (arirang, f"{line}\nTitle: Port strike\nDockers walked out.\n{line}\nShips waited.\n"),
        (korean_web, f"Port Strike\n<Anchor>\nDockers walked out.\n{line}\nShips waited.\n"),
        (kbs_web, f"PORT STRIKE\n[Anchor Lead]\nDockers walked out.\n{line}\nShips waited.\n"),
    ):
        bulletin = parsed(module, page)
        assert [text for _, _, text in turns(bulletin)] == ["Dockers walked out.", "Ships waited."]
        assert line in [text for _, reason, text in dropped(bulletin) if "furniture" in reason]


@pytest.mark.parametrize(
    "line", ["Ships wait at 9", "The strike ends at 9.", "Gate 9 reopened at 10:00."]
)
def test_a_sentence_with_a_clock_time_is_read(line: str) -> None:
    bulletin = parsed(arirang, f"Title: Port strike\nDockers walked out.\n{line}\n")
    assert turns(bulletin) == [("anchor", None, f"Dockers walked out. {line}")]


ARIRANG_OPENING = (
    "NEWSCENTER 22:00\n"
    "(THIS IS THE TRANSCRIPT FOR ARIRANG NEWS THAT AIRED ON 05 May 2026- 22:00 KST.)\n"
    "Title: News Headlines\nTonight on Newscenter...\nDockers in Busan walk out.\n"
    "A late frost hits the orchards.\nIt's Tuesday. Newscenter begins right now.\n"
    "Title: NEWSCENTER TITLE\n2015. 11. 2~\nTitle: Opening\n"
    "It is 10 here in Seoul. You're watching Arirang Newscenter.\n"
    "Title: Dockers walk out in Busan\nDockers walked out at dawn.\nOur Kwon Na-ri has more.\n"
    "Ships queued offshore.\nKwon Na-ri, Arirang News.\n"
)


def test_the_headline_block_and_opening_are_one_story_and_the_first_story_follows() -> None:
    bulletin = parsed(arirang, ARIRANG_OPENING)
    assert [s.title for s in bulletin.stories] == ["News Headlines", "Dockers walk out in Busan"]
    opening, story = bulletin.stories
    assert {(s.role, s.speaker) for s in opening.segments} == {("anchor", None)}
    assert opening.segments[-1].text.endswith("You're watching Arirang Newscenter.")
    assert [(s.role, s.speaker) for s in story.segments] == [
        ("anchor", None),
        ("reporter", "Kwon Na-ri"),
    ]
    assert [t for _, reason, t in dropped(bulletin) if "part title" in reason] == [
        "Title: NEWSCENTER TITLE",
        "Title: Opening",
    ]


# --- Learning English pages ----------------------------------------------------------

VOA_PAGE = (
    "Robots Help Run a Library\n"
    "A new library uses robots to find books.\n"
    "Librarians say the machines save time. “They never get tired,” one said."
    'HANA LEE: "We start at dawn and finish early."The library opened in May.\n'
    "MIN PARK: We did not expect so many visitors.\n"
    "I'm Anna Kim. Jane Roe wrote this story for VOA News. Sam Fox was the editor."
    " ______ Words in This Story robot – n. a machine that does work\n"
    "visitor – n. someone who comes to see a place\n"
)


def test_a_voa_page_reads_marked_clips_in_their_speakers_voice_and_drops_the_glossary() -> None:
    bulletin = parsed(voa, VOA_PAGE)
    assert turns(bulletin) == [
        (
            "anchor",
            "Anna Kim",
            "A new library uses robots to find books. Librarians say the machines save time."
            " “They never get tired,” one said.",
        ),
        ("soundbite", "Hana Lee", '"We start at dawn and finish early."'),
        ("anchor", "Anna Kim", "The library opened in May."),
        ("soundbite", "Min Park", "We did not expect so many visitors."),
        ("anchor", "Anna Kim", "I'm Anna Kim."),
    ]
    assert [reason for _, reason, _ in dropped(bulletin)][-3:] == [
        "credits",
        "glossary",
        "glossary",
    ]


def test_words_in_this_story_inside_a_sentence_is_no_glossary() -> None:
    text = (
        "Robots Help\nThe words in this story are easy.\nJane Roe wrote this story for VOA News.\n"
    )
    assert turns(parsed(voa, text)) == [("anchor", None, "The words in this story are easy.")]
