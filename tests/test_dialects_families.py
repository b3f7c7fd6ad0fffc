"""Issue 18: the families of real-page shapes that still segmented wrong, each rule tried
on several invented examples (none is a copy of a page).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadcaster.dialects import kbs_radio, kbs_web, korean_web
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
