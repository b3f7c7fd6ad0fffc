"""KBS News web pages (DIALECTS.md §2) and US public-radio transcripts (§3)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadcaster.dialects import kbs_radio, kbs_web, public_radio
from broadcaster.dialects.common import squash
from broadcaster.errors import BroadcasterError
from broadcaster.script import ROLES, Bulletin

EXAMPLES = Path(__file__).parent.parent / "examples"


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def turns(bulletin: Bulletin) -> list[tuple[str, str | None, str]]:
    return [(seg.role, seg.speaker, seg.text) for _, seg in bulletin.segments()]


def dropped(bulletin: Bulletin) -> list[tuple[int, str, str]]:
    return [(s.story, s.reason, s.text) for s in bulletin.skipped]


def interleaves(target: list[str], said: list, skipped: list) -> bool:
    """Whether ``target`` is the two lists of (story, words) pieces merged, each kept in
    order, with story numbers never going back."""
    ends_said = [0] + [len(w) for _, w in said]
    ends_skipped = [0] + [len(w) for _, w in skipped]
    for ends in (ends_said, ends_skipped):
        for k in range(1, len(ends)):
            ends[k] += ends[k - 1]
    stack, seen = [(0, 0, 0)], set()
    while stack:
        state = stack.pop()
        if state in seen:
            continue
        seen.add(state)
        i, j, story = state
        at = ends_said[i] + ends_skipped[j]
        if i == len(said) and j == len(skipped) and at == len(target):
            return True
        for pieces, k, step in ((said, i, (1, 0)), (skipped, j, (0, 1))):
            if k < len(pieces) and pieces[k][0] >= story:
                n, piece = pieces[k]
                if target[at : at + len(piece)] == piece:
                    stack.append((i + step[0], j + step[1], n))
    return False


def assert_well_formed(text: str, bulletin: Bulletin) -> None:
    """Every word of ``text`` is in one segment or one skipped entry, in document order."""
    said = [(n, words(seg.text)) for n, seg in bulletin.segments()]
    skipped = [(s.story, words(s.text)) for s in bulletin.skipped]
    assert interleaves(words(text), said, skipped)
    for _, seg in bulletin.segments():
        assert seg.role in ROLES
        assert seg.text == squash(seg.text) and words(seg.text)
    assert all(0 <= s.story <= len(bulletin.stories) for s in bulletin.skipped)


def test_interleaves_rejects_lost_duplicated_and_reordered_words() -> None:
    assert interleaves(["a", "b", "c"], [(1, ["a"]), (1, ["c"])], [(1, ["b"])])
    assert not interleaves(["a", "b", "c"], [(1, ["a"])], [(1, ["b"])])
    assert not interleaves(["a", "b"], [(1, ["a", "b"])], [(1, ["b"])])
    assert not interleaves(["a", "b"], [(1, ["b", "a"])], [])
    assert not interleaves(["a", "b"], [(1, ["a"])], [(0, ["b"])])


# --- KBS News web page -------------------------------------------------------------


def kbs(text: str) -> Bulletin:
    bulletin = kbs_web.parse(text)
    assert_well_formed(text, bulletin)
    return bulletin


def test_kbs_web_example() -> None:
    text = (EXAMPLES / "kbs-web-two-stories.txt").read_text(encoding="utf-8")
    bulletin = kbs(text)
    assert (bulletin.dialect, bulletin.title, bulletin.date, bulletin.station) == (
        "kbs-web",
        "Lantern Festival Moves Indoors",
        "2025-10-02",
        "KBS News",
    )
    assert [s.title for s in bulletin.stories] == [
        "Lantern Festival Moves Indoors",
        "Fishing Boats Called Back",
    ]
    assert turns(bulletin) == [
        (
            "anchor",
            None,
            "Jinju's autumn lantern festival will move most of its displays indoors this year. "
            "Organisers say a forecast of heavy rain left them little choice.",
        ),
        (
            "reporter",
            None,
            "Crews spent the weekend carrying paper lanterns from the riverbank into two "
            "exhibition halls near the old fortress.",
        ),
        (
            "soundbite",
            "Park Seo-yeon",
            "We would rather lose the river view than lose the lanterns.",
        ),
        (
            "reporter",
            None,
            "She added that the floating displays will return if the weather clears. "
            "Shop owners along the river fear the change will keep visitors away.",
        ),
        ("reporter", None, "Will you still go?"),
        ("soundbite", "Oh Hye-rin", "Of course, my children have been waiting all year."),
        ("reporter", None, "The festival opens on Saturday and runs for ten days."),
        (
            "anchor",
            None,
            "Fishing boats near the maritime border were ordered back to port on Thursday "
            "after the North announced a live-fire drill.",
        ),
        (
            "reporter",
            None,
            "The coast guard radioed about forty boats working the crab grounds west of "
            "Yeonpyeong Island.",
        ),
        (
            "soundbite",
            "N. Korean Central TV",
            "The artillery units will conduct firing exercises in the western waters.",
        ),
        ("reporter", None, "The boats were allowed out again by late afternoon."),
        (
            "soundbite",
            "Kang Tae-ho",
            "We lost a whole day of work, but nobody argues with shells.",
        ),
    ]
    assert dropped(bulletin) == [
        (1, "headline", "Lantern Festival Moves Indoors"),
        (1, "repeated headline", "Lantern Festival Moves Indoors"),
        (1, "page furniture: posted time", "입력 2025.10.02 (18:05)"),
        (1, "page furniture: edited time", "수정 2025.10.02 (19:31)"),
        (1, "page furniture: read-aloud notice", "읽어주기 기능은 크롬기반의"),
        (1, "page furniture: read-aloud notice", "브라우저에서만 사용하실 수 있습니다."),
        (1, "label", "[Anchor Lead]"),
        (1, "label", "[Pkg]"),
        (1, "label", "[Soundbite]"),
        (1, "speaker label", "Park Seo-yeon"),
        (1, "speaker title", "(Festival organiser) :"),
        (1, "label", "[Soundbite]"),
        (1, "soundbite with no words", "Lee Min-jae(Restaurant owner)"),
        (1, "label", "[Soundbite]"),
        (1, "speaker label", "Oh Hye-rin"),
        (1, "speaker title", "(Jinju resident):"),
        (2, "headline", "2. Fishing Boats Called Back"),
        (2, "label", "[Anchor Lead]"),
        (2, "label", "[Pkg]"),
        (2, "label", "[Soundbite]"),
        (2, "speaker label", "(N. Korean Central TV):"),
        (2, "label", "[Soundbite]"),
        (2, "speaker label", "Kang Tae-ho"),
        (2, "speaker title", "(Crab fisherman) :"),
    ]


def test_kbs_web_blank_lines_make_no_difference() -> None:
    text = (EXAMPLES / "kbs-web-two-stories.txt").read_text(encoding="utf-8")
    packed = "\n".join(line for line in text.splitlines() if line.strip())
    assert kbs(packed) == kbs(text.replace("\n", "\r\n\n")) == kbs(text)


def test_kbs_web_first_line_is_the_headline() -> None:
    bulletin = kbs("Rail Strike Ends\n[Anchor Lead]\nTrains run again.")
    assert bulletin.title == "Rail Strike Ends"
    assert [s.title for s in bulletin.stories] == ["Rail Strike Ends"]
    assert turns(bulletin) == [("anchor", None, "Trains run again.")]
    assert dropped(bulletin) == [(1, "headline", "Rail Strike Ends"), (1, "label", "[Anchor Lead]")]


def test_kbs_web_without_headline_opens_an_untitled_story() -> None:
    bulletin = kbs("[Anchor Lead] Trains run again.")
    assert bulletin.title is None
    assert [s.title for s in bulletin.stories] == [None]
    assert turns(bulletin) == [("anchor", None, "Trains run again.")]


def test_kbs_web_repeated_headline_anywhere_is_skipped() -> None:
    bulletin = kbs("RAIL STRIKE ENDS\nRail strike ends\n[Pkg]\nTrains run.\nRail strike ends")
    assert dropped(bulletin) == [
        (1, "headline", "RAIL STRIKE ENDS"),
        (1, "repeated headline", "Rail strike ends"),
        (1, "label", "[Pkg]"),
        (1, "repeated headline", "Rail strike ends"),
    ]
    assert turns(bulletin) == [("reporter", None, "Trains run.")]


def test_kbs_web_numbered_heading_starts_the_next_story_only() -> None:
    bulletin = kbs("One\n[Pkg]\n3. Third point.\n2. Two\n[Anchor Lead]\nHi.")
    assert [s.title for s in bulletin.stories] == ["One", "Two"]
    assert turns(bulletin) == [("reporter", None, "3. Third point."), ("anchor", None, "Hi.")]
    assert (2, "headline", "2. Two") in dropped(bulletin)


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("입력 2024.03.11 (09:12)", "2024-03-11"),
        ("입력 2024.3.1 (09:12)", "2024-03-01"),
        ("입력 2024.13.45 (09:12)", None),
    ],
)
def test_kbs_web_posted_time_gives_the_date(line: str, date: str | None) -> None:
    bulletin = kbs(f"Title\n{line}\n[Anchor Lead]\nHello.")
    assert bulletin.date == date
    assert (1, "page furniture: posted time", line) in dropped(bulletin)


def test_kbs_web_soundbite_on_one_line_then_back_to_the_reporter() -> None:
    bulletin = kbs('T\n[Pkg]\nA.\n[Soundbite] Choi Eun-bi(Ferry operator) : "We cannot." And so.')
    assert turns(bulletin) == [
        ("reporter", None, "A."),
        ("soundbite", "Choi Eun-bi", "We cannot."),
        ("reporter", None, "And so."),
    ]


def test_kbs_web_soundbite_with_typographic_quotes_and_no_colon() -> None:
    bulletin = kbs("T\n[Pkg]\n[Soundbite] Choi Eun-bi(Ferry operator) “We cannot.” B.")
    assert turns(bulletin) == [
        ("soundbite", "Choi Eun-bi", "We cannot."),
        ("reporter", None, "B."),
    ]


def test_kbs_web_soundbite_speaker_on_the_next_line() -> None:
    bulletin = kbs("T\n[Pkg]\nA.\n[Soundbite]\n\nHan Do-yoon (County official): We ask.\nB.")
    assert turns(bulletin) == [
        ("reporter", None, "A."),
        ("soundbite", "Han Do-yoon", "We ask."),
        ("reporter", None, "B."),
    ]
    assert dropped(bulletin)[-2:] == [
        (1, "speaker label", "Han Do-yoon"),
        (1, "speaker title", "(County official):"),
    ]


def test_kbs_web_organisation_soundbite() -> None:
    bulletin = kbs("T\n[Pkg]\n[Soundbite] (N. Korean Central TV): Drills begin.")
    assert turns(bulletin) == [("soundbite", "N. Korean Central TV", "Drills begin.")]
    assert dropped(bulletin)[-1] == (1, "speaker label", "(N. Korean Central TV):")


@pytest.mark.parametrize(
    ("lines", "speaker"),
    [
        ("[Soundbite] Kim Ji-ho(Farmer)", "Kim Ji-ho(Farmer)"),
        ("[Soundbite]\nKim Ji-ho (Farmer):", "Kim Ji-ho (Farmer):"),
        ('[Soundbite] Kim Ji-ho(Farmer) : ""', 'Kim Ji-ho(Farmer) : ""'),
    ],
)
def test_kbs_web_soundbite_with_no_words(lines: str, speaker: str) -> None:
    bulletin = kbs(f"T\n[Pkg]\nA.\n{lines}\nB.")
    assert turns(bulletin) == [("reporter", None, "A."), ("reporter", None, "B.")]
    assert dropped(bulletin)[-2:] == [
        (1, "label", "[Soundbite]"),
        (1, "soundbite with no words", speaker),
    ]


def test_kbs_web_reporter_question_is_the_reporters() -> None:
    # DIALECTS.md: a question in brackets inside a quote is the reporter's own.
    bulletin = kbs('T\n[Pkg]\n[Soundbite] Kim(Official) : "(Will you meet them?) No comment."')
    assert turns(bulletin) == [
        ("reporter", None, "Will you meet them?"),
        ("soundbite", "Kim", "No comment."),
    ]


def test_kbs_web_question_mid_quote_and_unquoted() -> None:
    bulletin = kbs(
        "T\n[Anchor Lead]\nA.\n[Soundbite] Kim(Official) : Yes. (And next year?) Maybe.\nB."
    )
    assert turns(bulletin) == [
        ("anchor", None, "A."),
        ("soundbite", "Kim", "Yes."),
        ("anchor", None, "And next year?"),
        ("soundbite", "Kim", "Maybe."),
        ("anchor", None, "B."),
    ]


def test_kbs_web_brackets_without_a_question_stay_with_the_speaker() -> None:
    bulletin = kbs('T\n[Pkg]\n[Soundbite] Kim(Official) : "We (the union) said no."')
    assert turns(bulletin) == [("soundbite", "Kim", "We (the union) said no.")]


def test_kbs_web_markers_ignore_case_and_spacing() -> None:
    # re.IGNORECASE lets "ſ" and "ı" match "s" and "i": they must not break the role lookup.
    bulletin = kbs("T\n[ ANCHOR  lead ] A.\n[ſoundbıte] Kim(Official) : B.\n[pkg] C.")
    assert turns(bulletin) == [
        ("anchor", None, "A."),
        ("soundbite", "Kim", "B."),
        ("reporter", None, "C."),
    ]


def test_kbs_web_unattributed_soundbite() -> None:
    bulletin = kbs('T\n[Pkg]\n[Soundbite]\n"Nobody told us." A.')
    assert turns(bulletin) == [("soundbite", None, "Nobody told us."), ("reporter", None, "A.")]


def test_kbs_web_soundbite_in_an_anchor_lead_hands_back_to_the_anchor() -> None:
    bulletin = kbs("T\n[Anchor Lead]\n[Soundbite] Kim(Official) : Yes.\nA.")
    assert turns(bulletin) == [("soundbite", "Kim", "Yes."), ("anchor", None, "A.")]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("T\n[Anchor Lead]\nHi.", "found '[Anchor Lead]' (KBS News web page)"),
        ("T\n[pkg] Hi.", "found '[pkg]' (KBS News web page)"),
        ("T\n입력 2024.03.11 (09:12)\nHi.", "found '입력 2024.' (KBS News web page)"),
        ("Anchor: Hi.Report: Yes.", None),
        ("MARIA OKAFOR, HOST: Hi.", None),
        ("A plain [note] with 2024.03.11 in it.", None),
    ],
)
def test_kbs_web_detect(text: str, reason: str | None) -> None:
    assert kbs_web.detect(text) == reason


# --- US public radio ---------------------------------------------------------------


def radio(text: str) -> Bulletin:
    bulletin = public_radio.parse(text)
    assert_well_formed(text, bulletin)
    return bulletin


def test_public_radio_example() -> None:
    text = (EXAMPLES / "public-radio-two-reporters.txt").read_text(encoding="utf-8")
    bulletin = radio(text)
    assert (bulletin.dialect, bulletin.title, bulletin.date, bulletin.station) == (
        "public-radio",
        None,
        "2025-04-14",
        "NPR",
    )
    assert [s.title for s in bulletin.stories] == [None]
    omar, priya = "Omar Lindqvist", "Priya Castellano"
    assert turns(bulletin) == [
        (
            "anchor",
            "Nina Voss",
            "Two stories from the coast this morning: a lighthouse gets a new keeper, and a "
            "harbor town argues over parking. First, Omar Lindqvist is in Port Ellery.",
        ),
        (
            "reporter",
            omar,
            "The lighthouse here has stood empty for eleven years. Last week the county "
            "handed the keys to a retired ferry captain.",
        ),
        (
            "soundbite",
            "Helen Marsh",
            "I've watched this light from my kitchen window since I was a girl. "
            "It's good to see somebody living in it again.",
        ),
        ("reporter", omar, "The new keeper, Dale Okoro, will give tours on weekends."),
        (
            "soundbite",
            "Dale Okoro",
            "I know every step of that staircase now. There are one hundred and twelve of them.",
        ),
        ("reporter", omar, "For NPR News, I'm Omar Lindqvist in Port Ellery."),
        (
            "anchor",
            "Nina Voss",
            "Down the coast in Saltmere, a fight over parking meters has reached the town "
            "council. Priya Castellano reports.",
        ),
        (
            "reporter",
            priya,
            "The council wants meters on Harbor Street by the summer. Some shop owners say "
            "that will drive away the day-trippers they depend on.",
        ),
        (
            "soundbite",
            "Walter Briggs",
            "We are not against meters. We are against meters in July without any warning.",
        ),
        ("soundbite", "Unidentified person #1", "The meeting will come to order."),
        ("soundbite", "Unidentified person #2", "Point of order, Madam Chair."),
        ("reporter", priya, "The vote is set for next month."),
        ("reporter", priya, "Nobody expects it to be short."),
        ("soundbite", "Walter Briggs", "Bring a sandwich."),
        ("anchor", "Nina Voss", "Priya Castellano in Saltmere."),
    ]
    assert dropped(bulletin) == [
        (0, "page furniture: header", "April 14, 2025"),
        (1, "speaker label", "NINA VOSS, HOST:"),
        (1, "speaker label", "OMAR LINDQVIST, BYLINE:"),
        (1, "production cue", "(SOUNDBITE OF WAVES CRASHING)"),
        (1, "speaker label", "HELEN MARSH:"),
        (1, "speaker label", "LINDQVIST:"),
        (1, "speaker label", "DALE OKORO:"),
        (1, "production cue", "(LAUGHTER)"),
        (1, "speaker label", "LINDQVIST:"),
        (1, "speaker label", "VOSS:"),
        (1, "speaker label", "PRIYA CASTELLANO, CORRESPONDENT:"),
        (1, "speaker label", "Mr. WALTER BRIGGS"),
        (1, "speaker title", "(Saltmere Chamber of Commerce):"),
        (1, "production cue", "(SOUNDBITE OF ARCHIVED RECORDING)"),
        (1, "speaker label", "UNIDENTIFIED PERSON #1:"),
        (1, "speaker label", "UNIDENTIFIED PERSON #2:"),
        (1, "speaker label", "CASTELLANO:"),
        (1, "production cue", "(LAUGHTER)"),
        (1, "speaker label", "BRIGGS:"),
        (1, "speaker label", "VOSS:"),
        (1, "page furniture: copyright", "Copyright © 2025 NPR. All rights reserved."),
    ]


def test_public_radio_text_on_the_same_line_or_the_next() -> None:
    same = radio("MARIA OKAFOR, HOST: Buses run free.\nTOM REYES, BYLINE: Yes.")
    following = radio("MARIA OKAFOR, HOST:\n\nBuses run free.\n\nTOM REYES, BYLINE:\nYes.")
    assert (
        turns(same)
        == turns(following)
        == [
            ("anchor", "Maria Okafor", "Buses run free."),
            ("reporter", "Tom Reyes", "Yes."),
        ]
    )


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("HOST", "anchor"),
        ("host", "anchor"),
        ("BYLINE", "reporter"),
        ("CORRESPONDENT", "reporter"),
        ("NPR CORRESPONDENT", "reporter"),
        ("REPORTER", "reporter"),
        ("reporting", "reporter"),
        ("MAYOR OF SPRINGFIELD", "soundbite"),
    ],
)
def test_public_radio_roles(role: str, expected: str) -> None:
    bulletin = radio(f"ANA LIMA, {role}: Hello.\nLIMA: Again.")
    assert turns(bulletin) == [(expected, "Ana Lima", "Hello."), (expected, "Ana Lima", "Again.")]


def test_public_radio_surnames_and_full_names_resolve_to_the_same_person() -> None:
    bulletin = radio(
        "MARIA OKAFOR, HOST: A.\nGLORIA BANKS: B.\nBANKS: C.\nOKAFOR: D.\nMARIA OKAFOR: E."
    )
    assert turns(bulletin) == [
        ("anchor", "Maria Okafor", "A."),
        ("soundbite", "Gloria Banks", "B."),
        ("soundbite", "Gloria Banks", "C."),
        ("anchor", "Maria Okafor", "D."),
        ("anchor", "Maria Okafor", "E."),
    ]


def test_public_radio_names_in_title_case() -> None:
    bulletin = radio("SEAN O'BRIEN-KAY JR., HOST: A.\nO'BRIEN-KAY: B.\nZED: C.")
    assert turns(bulletin) == [
        ("anchor", "Sean O'Brien-Kay Jr.", "A."),
        ("anchor", "Sean O'Brien-Kay Jr.", "B."),
        ("soundbite", "Zed", "C."),
    ]


def test_public_radio_production_cues() -> None:
    bulletin = radio(
        "ANA LIMA, HOST: A (LAUGHTER) B (NATO) C.\n(SOUNDBITE OF TRAFFIC)\n(NATO)\nLIMA: D."
    )
    assert turns(bulletin) == [
        ("anchor", "Ana Lima", "A"),
        ("anchor", "Ana Lima", "B (NATO) C."),
        ("anchor", "Ana Lima", "D."),
    ]
    assert [s for s in dropped(bulletin) if s[1] == "production cue"] == [
        (1, "production cue", "(LAUGHTER)"),
        (1, "production cue", "(SOUNDBITE OF TRAFFIC)"),
        (1, "production cue", "(NATO)"),
    ]


def test_public_radio_older_guest_label() -> None:
    bulletin = radio("Mr. JOHN DOE (Acme Corp): Sales fell.\nMr. DOE: Again.")
    assert turns(bulletin) == [
        ("soundbite", "John Doe", "Sales fell."),
        ("soundbite", "John Doe", "Again."),
    ]
    assert dropped(bulletin) == [
        (1, "speaker label", "Mr. JOHN DOE"),
        (1, "speaker title", "(Acme Corp):"),
        (1, "speaker label", "Mr. DOE:"),
    ]


def test_public_radio_unidentified_speakers_are_distinct_soundbites() -> None:
    bulletin = radio(
        "ANA LIMA, HOST: A.\n(SOUNDBITE OF ARCHIVED RECORDING)\nUNIDENTIFIED PERSON: B.\n"
        "UNIDENTIFIED PERSON #1: C.\nUNIDENTIFIED PERSON #2: D.\nUnidentified Man: E.\nPERSON: F."
    )
    assert turns(bulletin) == [
        ("anchor", "Ana Lima", "A."),
        ("soundbite", "Unidentified person", "B."),
        ("soundbite", "Unidentified person #1", "C."),
        ("soundbite", "Unidentified person #2", "D."),
        ("soundbite", "Unidentified man", "E."),
        ("soundbite", "Person", "F."),
    ]


@pytest.mark.parametrize(
    ("first", "date"),
    [("June 3, 2024", "2024-06-03"), ("Sep. 30, 2023", "2023-09-30"), ("June 31, 2024", None)],
)
def test_public_radio_date_line_heads_the_file(first: str, date: str | None) -> None:
    assert radio(f"{first}\nANA LIMA, HOST: A.").date == date
    assert radio(f"ANA LIMA, HOST: A.\n{first}").date is None


def test_public_radio_station_and_notice() -> None:
    bulletin = radio(
        "ANA LIMA, HOST: A.\nCopyright © 2024 WXYZ Radio. All rights reserved.\n"
        "Our transcripts are created on a rush deadline and may change."
    )
    assert bulletin.station == "WXYZ Radio"
    assert turns(bulletin) == [("anchor", "Ana Lima", "A.")]
    assert [s[1] for s in dropped(bulletin)][-2:] == [
        "page furniture: copyright",
        "page furniture: transcript notice",
    ]


def test_public_radio_text_before_the_first_label_is_page_furniture() -> None:
    bulletin = radio("Morning Edition\nBuses Go Free\nTOM REYES, BYLINE: Yes.")
    assert turns(bulletin) == [("reporter", "Tom Reyes", "Yes.")]
    assert dropped(bulletin)[:2] == [
        (0, "page furniture: header", "Morning Edition"),
        (0, "page furniture: header", "Buses Go Free"),
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("MARIA OKAFOR, HOST:\nHi.", "found the speaker label 'MARIA OKAFOR, HOST:'"),
        ("Hi.\nTOM REYES, BYLINE: Yes.", "found the speaker label 'TOM REYES, BYLINE:'"),
        ("GLORIA BANKS: Yes.\nREYES: No.", "found 2 all-caps speaker labels"),
        ("Mr. JOHN DOE (Acme): Yes.\nDOE: No.", "found 2 all-caps speaker labels"),
        ("NOTE: one.\nUPDATE: two.", None),
        ("GLORIA BANKS: just one label.", None),
        ("Anchor: Hi.Report: Yes. Tom Reyes, KBS World Radio News.", None),
        ("Maria Okafor, host of the show: she said hello.\nTom: hi.", None),
        ("T\n[Pkg]\n[Soundbite] Choi Eun-bi(Ferry operator) : Yes.", None),
    ],
)
def test_public_radio_detect(text: str, reason: str | None) -> None:
    assert public_radio.detect(text) == reason


def test_kbs_radio_does_not_claim_these_dialects() -> None:
    for name in ("kbs-web-two-stories.txt", "public-radio-two-reporters.txt"):
        assert kbs_radio.detect((EXAMPLES / name).read_text(encoding="utf-8")) is None


# --- properties --------------------------------------------------------------------

TRICKY = [
    '"', "“", "”", "(", ")", ":", "[", "]", "#1", "2.", "입력", "수정", "2024.03.11", "(09:12)",
    "[Pkg]", "[Soundbite]", "Anchor:", "REYES:", "(LAUGHTER)", "Mr.", "_", "é", "e\u0301",
    "don't", "O'Neil", "—", "...",
]  # fmt: skip
word = st.one_of(
    st.sampled_from(TRICKY),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=6),
)
sentence = st.lists(word, max_size=8).map(" ".join)
given_name = st.sampled_from(["Kim", "Eun-bi", "Choi", "Han", "Do-yoon", "Tom", "Reyes", "O'Day"])
person = st.lists(given_name, min_size=1, max_size=3).map(" ".join)
quote = st.tuples(st.sampled_from(['"', "“", ""]), sentence, st.sampled_from(['"', "”", ""]))

kbs_line = st.one_of(
    sentence,
    st.sampled_from(["[Anchor Lead]", "[Pkg]", "[Soundbite]", "[ sound bite ]", "[ſoundbıte]"]),
    st.tuples(st.sampled_from(["[Anchor Lead] ", "[Pkg]", "[Soundbite] "]), sentence).map("".join),
    st.tuples(
        person, st.sampled_from(["(", " ("]), sentence, st.sampled_from([") : ", "):", ")"])
    ).map("".join),
    st.tuples(person, sentence, quote, st.sampled_from(["", " "]), sentence).map(
        lambda p: f"[Soundbite] {p[0]}({p[1]}) : {''.join(p[2])}{p[3]}{p[4]}"
    ),
    sentence.map(lambda s: f"({s}): {s}"),
    st.integers(0, 4).map(lambda n: f"{n}. Heading {n}"),
    st.sampled_from(
        [
            "입력 2024.03.11 (09:12)",
            "입력 2024.02.30 (09:12)",
            "수정 2024.03.11 (10:40)",
            "읽어주기 기능은 크롬기반의",
            "브라우저에서만 사용하실 수 있습니다.",
        ]
    ),
)
shout = st.sampled_from(["TOM", "REYES", "GLORIA", "BANKS", "MARY-KAY", "O'DAY", "JR."])
full_name = st.lists(shout, min_size=1, max_size=3).map(" ".join)
radio_line = st.one_of(
    sentence,
    st.tuples(full_name, st.sampled_from(["HOST", "BYLINE", "CORRESPONDENT", "host", "MAYOR"])).map(
        lambda p: f"{p[0]}, {p[1]}:"
    ),
    st.tuples(full_name, sentence).map(lambda p: f"{p[0]}: {p[1]}"),
    st.tuples(full_name, sentence).map(lambda p: f"Mr. {p[0]} ({p[1]}): {p[1]}"),
    st.integers(0, 3).map(lambda n: f"UNIDENTIFIED PERSON #{n}:"),
    st.tuples(sentence, st.sampled_from(["LAUGHTER", "SOUNDBITE OF MUSIC", "NATO"]), sentence).map(
        lambda p: f"{p[0]} ({p[1]}) {p[2]}"
    ),
    st.sampled_from(["(SOUNDBITE OF TRAFFIC)", "June 3, 2024", "Copyright © 2024 WXYZ. All."]),
)


def document(line: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    separator = st.sampled_from(["\n", "\n\n", "\r\n", " \n"])
    return st.tuples(st.lists(line, max_size=20), separator).map(lambda p: p[1].join(p[0]))


def parse_safely(module, text: str) -> Bulletin | None:
    try:
        module.detect(text)
        return module.parse(text)
    except BroadcasterError:
        return None


@settings(max_examples=300)
@given(document(kbs_line))
def test_kbs_web_keeps_every_word(text: str) -> None:
    bulletin = parse_safely(kbs_web, text)
    if bulletin:
        assert_well_formed(text, bulletin)


@settings(max_examples=300)
@given(document(radio_line))
def test_public_radio_keeps_every_word(text: str) -> None:
    bulletin = parse_safely(public_radio, text)
    if bulletin:
        assert_well_formed(text, bulletin)


@pytest.mark.parametrize("module", [kbs_web, public_radio])
@given(text=st.text())
def test_any_text_parses_without_losing_words(module, text: str) -> None:
    bulletin = parse_safely(module, text)
    if bulletin:
        assert_well_formed(text, bulletin)
