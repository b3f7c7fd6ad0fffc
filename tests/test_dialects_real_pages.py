"""Transcripts as people copy them from real pages (issue 9): hand-overs, tape markers,
page furniture anywhere, nested labels, public-radio headers and credits.

Every transcript here is invented, in the shape real pages take.
"""

from __future__ import annotations

import json
import warnings

import pytest

from broadcaster.dialects import arirang, kbs_radio, kbs_web, korean_web, parse, public_radio, voa
from broadcaster.dialects.common import person
from broadcaster.dialects.reporters import handover, signoff
from broadcaster.script import Bulletin
from tests.helpers.cli import invoke
from tests.test_dialects_web_radio import assert_well_formed, dropped, turns


def parsed(module, text: str) -> Bulletin:
    bulletin = module.parse(text)
    assert_well_formed(text, bulletin)
    return bulletin


# --- hand-overs and sign-offs ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Kim Ha-neul reports.", "Kim Ha-neul"),
        ("Our Kim Ha-neul has more.", "Kim Ha-neul"),
        ("Our correspondent Lee Do-yun reports.", "Lee Do-yun"),
        ("Our Washington Correspondent Lee Do-yun reports.", "Lee Do-yun"),
        ("Here's Park Seo-jin.", "Park Seo-jin"),
        ("Here's our correspondent Park Seo-jin.", "Park Seo-jin"),
        ("Kim Ha-neul reports from Washington.", "Kim Ha-neul"),
        ("Prices fell.Choi You Sun has the details.", "Choi You Sun"),
        ("Our Foreign Affairs correspondent Kwon Na-ri starts us off.", "Kwon Na-ri"),
        ("Song Ji-a has our top story.", "Song Ji-a"),
        ("Prices fell. Here's more.", None),
        ("The minister reports to parliament.", None),
        ("The Minister reports.", None),
    ],
)
def test_handover_names_the_person(text: str, name: str | None) -> None:
    assert handover(text) == name


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Kim Ha-neul, KBS World Radio News.", ("Kim Ha-neul", "KBS World Radio")),
        ("It ends.Kim Ha-neul, Arirang News.", ("Kim Ha-neul", "Arirang")),
        ("Jung Yeon-woo, reporting.", ("Jung Yeon-woo", None)),
        ("Kim Ha-neul said so.", None),
    ],
)
def test_signoff(text: str, found: tuple[str, str | None] | None) -> None:
    assert signoff(text) == found


@pytest.mark.parametrize(
    ("description", "name"),
    [
        ("Foreign Ministry Spokesperson Kang Min-ho (Korean)", "Kang Min-ho"),
        ("Kang Min-ho (Defense Ministry Spokesperson (June 25))", "Kang Min-ho"),
        ("U.S. President Jane Doe (English)", "Jane Doe"),
        ("Hotel employee (VOICE MODIFIED)", "Hotel employee"),
        ("Foreign Minister", "Foreign Minister"),
        ("our Kim Ha-neul", "Kim Ha-neul"),
    ],
)
def test_person_strips_titles_and_notes(description: str, name: str) -> None:
    assert person(description) == name


# --- KBS World Radio ---------------------------------------------------------------

RADIO_TAPE = (
    "date 2025-03-04 Photo : YONHAP News\n\n"
    "Anchor: Seoul protested a claim by Tokyo on Tuesday.Our correspondent Lee Do-yun reports"
    " from Tokyo.Report: The ministry summoned a diplomat.\n"
    "[Sound bite: Foreign Ministry Spokesperson Kang Min-ho (Korean)]\n"
    '"We will not accept the claim."\n'
    "The envoy left after an hour.[Sound bites from the rally]Crowds gathered outside."
    "[Sound bite: Vice Minister Oh Ji-hye (Korean)] “Talks continue.” "
    "Lee Do-yun, KBS World Radio News."
)


def test_kbs_radio_sound_bites_each_get_their_speaker() -> None:
    bulletin = parsed(kbs_radio, RADIO_TAPE)
    assert turns(bulletin) == [
        (
            "anchor",
            None,
            "Seoul protested a claim by Tokyo on Tuesday.Our correspondent Lee Do-yun reports"
            " from Tokyo.",
        ),
        ("reporter", "Lee Do-yun", "The ministry summoned a diplomat."),
        ("soundbite", "Kang Min-ho", '"We will not accept the claim."'),
        ("reporter", "Lee Do-yun", "The envoy left after an hour."),
        ("reporter", "Lee Do-yun", "Crowds gathered outside."),
        ("soundbite", "Oh Ji-hye", "“Talks continue.”"),
        ("reporter", "Lee Do-yun", "Lee Do-yun, KBS World Radio News."),
    ]
    assert [text for _, reason, text in dropped(bulletin) if reason == "sound bite marker"] == [
        "[Sound bite: Foreign Ministry Spokesperson Kang Min-ho (Korean)]",
        "[Sound bites from the rally]",
        "[Sound bite: Vice Minister Oh Ji-hye (Korean)]",
    ]


def test_kbs_radio_unquoted_sound_bite_runs_to_the_end_of_its_line() -> None:
    bulletin = parsed(
        kbs_radio,
        "Anchor: A.Report: B.[Sound bite: Farmer Yoo Min-su (Korean)] We lost it all.\nC.",
    )
    assert turns(bulletin)[1:] == [
        ("reporter", None, "B."),
        ("soundbite", "Yoo Min-su", "We lost it all."),
        ("reporter", None, "C."),
    ]


def test_kbs_radio_signoff_wins_over_the_handover_with_a_warning() -> None:
    text = "Anchor: A.Here's Park Seo-jin.Report: B.Park Seo-yeon, KBS World Radio News."
    with pytest.warns(UserWarning, match="'Park Seo-jin' but the sign-off 'Park Seo-yeon'"):
        bulletin = parsed(kbs_radio, text)
    assert turns(bulletin)[1] == (
        "reporter",
        "Park Seo-yeon",
        "B.Park Seo-yeon, KBS World Radio News.",
    )


def test_inspect_warns_when_handover_and_signoff_disagree(tmp_path) -> None:
    script = tmp_path / "mismatch.txt"
    script.write_text(
        "Anchor: A.Here's Park Seo-jin.Report: B.Park Seo-yeon, KBS World Radio News."
    )
    done = invoke("inspect", str(script), "--json")
    assert done.returncode == 0
    assert done.stderr == (
        "Warning: the hand-over names 'Park Seo-jin' but the sign-off 'Park Seo-yeon';"
        " using 'Park Seo-yeon'\n"
    )


def test_kbs_radio_handover_and_signoff_that_agree_do_not_warn() -> None:
    text = "Anchor: A.Our Kim Ha-neul has more.Report: B.Kim Ha-neul, KBS World Radio News."
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bulletin = parsed(kbs_radio, text)
    assert {seg.speaker for _, seg in bulletin.segments() if seg.role == "reporter"} == {
        "Kim Ha-neul"
    }


# --- KBS News web pages ------------------------------------------------------------

WEB_PAGE = """HARBOUR CRANES IDLE News Today 입력 2024-06-26 15:06:20 수정 2024-06-26 16:10:05
읽어주기 기능은 크롬기반의
브라우저에서만 사용하실 수 있습니다.
HARBOUR CRANES IDLE
[Anchor Lead]
Dock workers in Incheon stopped work at dawn.
[Pkg]
Container ships waited offshore through the morning.
[Soundbite]
Kang Min-ho (Port Authority Spokesperson (June 26)): Every hour costs the shippers money.
[Soundbite]
(Crane operator (VOICE MODIFIED)): We were told nothing.
[Soundbite]
(Truck driver (VOICE MODIFIED)): I have been parked here since six.
Talks resume tomorrow.
2024.06.26 (15:08)
TUNNEL FIRE DRILL HELD
[Anchor Lead]
Firefighters held a drill inside a mountain tunnel.
HARBOUR CRANES IDLE
"""


def test_kbs_web_furniture_anywhere_and_caps_headings() -> None:
    bulletin = parsed(kbs_web, WEB_PAGE)
    assert (bulletin.title, bulletin.date) == ("HARBOUR CRANES IDLE", "2024-06-26")
    assert [s.title for s in bulletin.stories] == ["HARBOUR CRANES IDLE", "TUNNEL FIRE DRILL HELD"]
    assert turns(bulletin) == [
        ("anchor", None, "Dock workers in Incheon stopped work at dawn."),
        ("reporter", None, "Container ships waited offshore through the morning."),
        ("soundbite", "Kang Min-ho", "Every hour costs the shippers money."),
        ("soundbite", "Crane operator", "We were told nothing."),
        ("soundbite", "Truck driver", "I have been parked here since six."),
        ("reporter", None, "Talks resume tomorrow."),
        ("anchor", None, "Firefighters held a drill inside a mountain tunnel."),
    ]
    reasons = [(n, reason) for n, reason, _ in dropped(bulletin)]
    assert reasons.count((1, "repeated headline")) == 1
    assert (2, "repeated headline") in reasons
    assert (1, "page furniture: time") in reasons


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("입력 2024.06.26 (15:08)", "2024-06-26"),
        ("입력 2024-06-26 15:06:20", "2024-06-26"),
        ("입력 2024.06.26 (15:08) 수정 2024.06.26 (16:45)", "2024-06-26"),
        ("date 2024-06-12 동영상 고정 취소", "2024-06-12"),
    ],
)
def test_kbs_web_time_stamps_in_every_format(line: str, date: str) -> None:
    bulletin = parsed(kbs_web, f"Title\n{line}\n수정 2024-06-27 10:00:00\n[Anchor Lead]\nHello.")
    assert bulletin.date == date
    assert turns(bulletin) == [("anchor", None, "Hello.")]


def test_kbs_web_two_unnamed_speakers_get_two_voices() -> None:
    done = invoke("inspect", "examples/kbs-web-page-furniture.txt", "--json")
    voices = {s["speaker"]: s["voice"] for s in json.loads(done.stdout)["segments"]}
    assert voices["Crane operator"] != voices["Truck driver"]


def test_kbs_web_caps_heading_needs_two_capital_words() -> None:
    bulletin = parsed(kbs_web, "T\n[Pkg]\nA.\nNATO\nB.\nN.KOREAN TROOPS CROSS BORDER\nC.")
    assert [s.title for s in bulletin.stories] == ["T", "N.KOREAN TROOPS CROSS BORDER"]
    assert turns(bulletin) == [("reporter", None, "A. NATO B."), ("anchor", None, "C.")]


def test_kbs_web_unnamed_soundbite_with_nested_date_and_quote() -> None:
    bulletin = parsed(
        kbs_web, 'T\n[Pkg]\n[Soundbite] (NK Central TV (Jun. 1)) : "Drills begin." A.'
    )
    assert turns(bulletin) == [
        ("soundbite", "NK Central TV", "Drills begin."),
        ("reporter", None, "A."),
    ]


# --- US public radio ---------------------------------------------------------------

NPR_PAGE = """Weekend Edition
Harbor Ferries Get A Second Life
Originally published on March 8, 2025 8:12 am
Transcript
ANA LIMA, HOST:

Two old ferries are back in service this spring. Priya Okafor reports.

PRIYA OKAFOR, BYLINE: The boats were built in the 1960s.

Mayor JUNE HOLLIS: We could not let them go for scrap. (Laughter)

OKAFOR: Some riders came a long way.

Unidentified Woman #2: (Through interpreter) I came from Busan to see them.

Unidentified Man: It is a good day. Transcript provided by NPR, Copyright NPR.

Sen. TOMAS REID: I voted for the money.

HOLLIS: And we spent it well.

NPR transcripts are created on a rush deadline by a contractor. Accuracy and availability may vary.
"""


def test_public_radio_page_with_header_credits_and_titled_labels() -> None:
    bulletin = parsed(public_radio, NPR_PAGE)
    assert (bulletin.date, bulletin.station) == ("2025-03-08", "NPR")
    assert turns(bulletin) == [
        (
            "anchor",
            "Ana Lima",
            "Two old ferries are back in service this spring. Priya Okafor reports.",
        ),
        ("reporter", "Priya Okafor", "The boats were built in the 1960s."),
        ("soundbite", "June Hollis", "We could not let them go for scrap."),
        ("reporter", "Priya Okafor", "Some riders came a long way."),
        ("soundbite", "Unidentified woman #2", "I came from Busan to see them."),
        ("soundbite", "Unidentified man", "It is a good day."),
        ("soundbite", "Tomas Reid", "I voted for the money."),
        ("soundbite", "June Hollis", "And we spent it well."),
    ]
    reasons = [reason for _, reason, _ in dropped(bulletin)]
    assert reasons[:4] == ["page furniture: header"] * 4
    assert reasons.count("production cue") == 2
    assert reasons[-1] == "page furniture: transcript notice"
    assert "page furniture: credit" in reasons


def test_public_radio_host_speaking_before_any_label() -> None:
    bulletin = parsed(
        public_radio,
        "Fresh Start\nThis is THE HOUR. I'm Ana Lima.\nOur guest builds boats.\n"
        "TOM REYES: Thanks.\nLIMA: Welcome.",
    )
    assert turns(bulletin) == [
        ("anchor", "Ana Lima", "This is THE HOUR. I'm Ana Lima. Our guest builds boats."),
        ("soundbite", "Tom Reyes", "Thanks."),
        ("anchor", "Ana Lima", "Welcome."),
    ]


@pytest.mark.parametrize(
    "label",
    ["President JANE DOE:", "Sen. JANE DOE:", "Dr. JANE DOE:", "Prime Minister JANE DOE:"],
)
def test_public_radio_title_before_the_caps_name(label: str) -> None:
    bulletin = parsed(public_radio, f"ANA LIMA, HOST: Hi.\n{label} Yes.\nDOE: Again.")
    assert turns(bulletin)[1:] == [
        ("soundbite", "Jane Doe", "Yes."),
        ("soundbite", "Jane Doe", "Again."),
    ]


# --- three more house styles -------------------------------------------------------

KOREAN_WEB = """Rate Rise Surprises Markets
Reporter: Jung Yeon-woo
2025-05-02
<Anchor>
The central bank raised its key rate by half a point today.
<Reporter>
The decision was unanimous, the bank said.
[Ko Min-seo/Central bank governor (Yesterday, National Assembly) : We had no other choice.]
Markets had expected a smaller step.
[Han Ji-min/Economist (Seoul)]: It came early.
Yoo Da-in/Shop owner: My loan just got dearer.
By Friday the won had steadied.
<Anchor> Exporters welcomed the move.
<Reporter> They expect a stronger won. Lee Min-ji, SBS News.
(Reporter: Jung Yeon-woo, Video editing: Oh Se-ra)
"""


def test_korean_web_markers_soundbites_byline_and_signoff() -> None:
    bulletin = parsed(korean_web, KOREAN_WEB)
    assert (bulletin.title, bulletin.date, bulletin.station) == (
        "Rate Rise Surprises Markets",
        "2025-05-02",
        "SBS",
    )
    assert [s.title for s in bulletin.stories] == ["Rate Rise Surprises Markets", None]
    assert turns(bulletin) == [
        ("anchor", None, "The central bank raised its key rate by half a point today."),
        ("reporter", "Jung Yeon-woo", "The decision was unanimous, the bank said."),
        ("soundbite", "Ko Min-seo", "We had no other choice."),
        ("reporter", "Jung Yeon-woo", "Markets had expected a smaller step."),
        ("soundbite", "Han Ji-min", "It came early."),
        ("soundbite", "Yoo Da-in", "My loan just got dearer."),
        ("reporter", "Jung Yeon-woo", "By Friday the won had steadied."),
        ("anchor", None, "Exporters welcomed the move."),
        ("reporter", "Lee Min-ji", "They expect a stronger won. Lee Min-ji, SBS News."),
    ]
    assert dropped(bulletin)[-1] == (
        2,
        "byline",
        "(Reporter: Jung Yeon-woo, Video editing: Oh Se-ra)",
    )


ARIRANG = """NEWSCENTER 22:00
(THIS IS THE TRANSCRIPT FOR ARIRANG NEWS THAT AIRED ON 02 May 2026- 22:00 KST.)
Title: News Headlines
Tonight on Newscenter, the rail strike ends.
2015. 11. 2~
Title: Rail strike ends after two days
The two-day rail strike is over.
Our labor correspondent Kwon Na-ri has the story.
Unions and management agreed overnight.
Kwon Na-ri, Arirang News.
Title: Rain on the way
Rain moves in tomorrow. Lee Ha-eun reports.
Clouds gather over Jeju first.
Lee Ha-eun, Arirang News.
That is all for tonight.
"""


def test_arirang_titles_handovers_and_signoffs() -> None:
    bulletin = parsed(arirang, ARIRANG)
    assert (bulletin.date, bulletin.station) == ("2026-05-02", "Arirang")
    assert [s.title for s in bulletin.stories] == [
        "News Headlines",
        "Rail strike ends after two days",
        "Rain on the way",
    ]
    assert turns(bulletin) == [
        ("anchor", None, "Tonight on Newscenter, the rail strike ends."),
        (
            "anchor",
            None,
            "The two-day rail strike is over. Our labor correspondent Kwon Na-ri has the story.",
        ),
        (
            "reporter",
            "Kwon Na-ri",
            "Unions and management agreed overnight. Kwon Na-ri, Arirang News.",
        ),
        ("anchor", None, "Rain moves in tomorrow. Lee Ha-eun reports."),
        ("reporter", "Lee Ha-eun", "Clouds gather over Jeju first. Lee Ha-eun, Arirang News."),
        ("anchor", None, "That is all for tonight."),
    ]


VOA = """Seoul Opens a Library That Lends Robots
By Anna Kim
April 3, 2025
A new library in Seoul lends small robots to children.
"It is like a toy shop," one father said. Mario Ritter Jr. contributed to this report.
I'm Anna Kim. Anna Kim wrote this story for VOA Learning English. Gregory Stachel was the editor.
_______________
Words in This Story
lend – v. to give something to someone for a time
We want to hear from you. Write to us in the Comments section.
"""


def test_voa_narrator_credits_and_glossary() -> None:
    bulletin = parsed(voa, VOA)
    assert (bulletin.title, bulletin.date, bulletin.station) == (
        "Seoul Opens a Library That Lends Robots",
        "2025-04-03",
        "VOA",
    )
    assert turns(bulletin) == [
        (
            "anchor",
            "Anna Kim",
            'A new library in Seoul lends small robots to children. "It is like a toy shop," one'
            " father said.",
        ),
        ("anchor", "Anna Kim", "I'm Anna Kim."),
    ]
    assert [reason for _, reason, _ in dropped(bulletin)] == [
        "headline",
        "byline",
        "byline",
        "credits",
        "credits",
        "credits",
        "byline",
        "glossary",
        "glossary",
        "glossary",
    ]


@pytest.mark.parametrize(
    ("text", "dialect"),
    [
        (KOREAN_WEB, "korean-web"),
        (ARIRANG, "arirang"),
        (VOA, "voa"),
        (NPR_PAGE, "public-radio"),
        (WEB_PAGE, "kbs-web"),
        (RADIO_TAPE, "kbs-radio"),
    ],
)
def test_detection_names_each_style(text: str, dialect: str) -> None:
    assert parse(text).dialect == dialect
