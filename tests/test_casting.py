"""Casting with the shipped cast and the real engine's voice list."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import pytest

from broadcaster import engines
from broadcaster.cast import casting
from broadcaster.cast.casting import (
    Key,
    cast,
    default_voices_dir,
    load_pins,
    load_profiles,
    with_overrides,
)
from broadcaster.errors import VoiceError
from broadcaster.script import Bulletin, Segment, Story

REPORTERS = ["Ana Lima", "Ben Cho", "Cara Diaz", "Dev Rao"]
GUESTS = ["Eun Park", "Finn Ode", "Gia Ruiz", "Hal Stone", "Ida Moss", "Jun Lee"]


@pytest.fixture(scope="module")
def profiles(engine):
    return load_profiles(default_voices_dir(), engine)


def bulletin(*stories: list[tuple[str, str | None]]) -> Bulletin:
    built = tuple(Story(None, tuple(Segment(r, s, "Words.") for r, s in st)) for st in stories)
    return Bulletin("test", None, None, None, built)


def voices(cast_bulletin: Bulletin) -> dict[str | None, str]:
    return {seg.speaker: seg.voice for _, seg in cast_bulletin.segments()}


def test_four_reporters_six_guests_all_distinct(profiles):
    stories = [
        [
            ("anchor", None),
            ("reporter", rep),
            ("soundbite", GUESTS[i]),
            ("soundbite", GUESTS[i + 4]),
        ]
        if i < 2
        else [("anchor", None), ("reporter", rep), ("soundbite", GUESTS[i])]
        for i, rep in enumerate(REPORTERS)
    ]
    got = voices(cast(bulletin(*stories), profiles))
    assert len(got) == 11  # the anchor, four reporters, six guests
    assert len(set(got.values())) == 11
    by_name = {p.name: p for p in profiles}
    engine_settings = {by_name[v].delivery for v in got.values()}
    assert len(engine_settings) == 11


def test_anchor_keeps_one_voice_and_reporters_keep_theirs(profiles):
    b = bulletin(
        [("anchor", None), ("reporter", "Ana Lima")],
        [("anchor", None), ("reporter", "Ben Cho")],
        [("anchor", None), ("reporter", "ana lima")],
    )
    segs = [seg for _, seg in cast(b, profiles).segments()]
    assert len({s.voice for s in segs if s.role == "anchor"}) == 1
    assert segs[1].voice == segs[5].voice != segs[3].voice


def test_same_person_same_voice_in_another_bulletin(profiles):
    first = voices(cast(bulletin([("anchor", None), ("reporter", "Dev Rao")]), profiles))
    second = voices(
        cast(
            bulletin([("anchor", None), ("soundbite", "Ida Moss"), ("reporter", "Dev Rao")]),
            profiles,
        )
    )
    assert first["Dev Rao"] == second["Dev Rao"]


def test_pins_win(profiles, tmp_path):
    (tmp_path / "pins.toml").write_text('"dev rao" = "reporter-3"\n')
    pins = load_pins(tmp_path, profiles)
    got = voices(
        cast(bulletin([("reporter", "Dev Rao"), ("reporter", "Ana Lima")]), profiles, pins)
    )
    assert got["Dev Rao"] == "reporter-3" and got["Ana Lima"] != "reporter-3"


def test_pin_naming_an_unknown_voice(profiles, tmp_path):
    (tmp_path / "pins.toml").write_text('"Dev Rao" = "reporter-99"\n')
    with pytest.raises(VoiceError) as caught:
        load_pins(tmp_path, profiles)
    assert (
        caught.value.message
        == f"{tmp_path / 'pins.toml'}: pin 'Dev Rao' names unknown voice 'reporter-99'"
    )


def test_role_override_with_an_engine_voice(profiles, engine):
    extended, chosen = with_overrides(profiles, {"anchor": "en-gb-scotland+m2"}, engine)
    got = cast(bulletin([("anchor", None), ("reporter", "Ben Cho")]), extended, None, chosen)
    segs = [seg for _, seg in got.segments()]
    assert segs[0].voice == "anchor=en-gb-scotland+m2"
    assert {p.name: p.voice for p in extended}[segs[0].voice] == "en-gb-scotland+m2"


# --- gender ------------------------------------------------------------------------

FIRST_NAMES = {"Helen": 0.99, "Walter": 0.01, "Sam": 0.8, "Jiwon": 0.73, "Seoyeon": 0.95}


def guesses(text_segments, pinned=None):
    from broadcaster.cast.gender import infer

    stories = (Story(None, tuple(Segment(r, s, t) for r, s, t in text_segments)),)
    bulletin = Bulletin("test", None, None, None, stories)
    return {k: (g.gender, g.why) for k, g in infer(bulletin, pinned or {}, FIRST_NAMES.get).items()}


def test_gender_from_an_honorific_beats_the_first_name():
    got = guesses(
        [("anchor", None, "Ms. Marsh spoke first."), ("soundbite", "Walter Marsh", "Hi.")]
    )
    assert got["walter marsh"] == ("female", "honorific 'Ms' in the transcript")


def test_gender_from_the_pronoun_after_their_turn():
    got = guesses([("soundbite", "Kang Do-yun", "We go."), ("reporter", None, "He added more.")])
    assert got["kang do-yun"] == ("male", "referred to as he (1x)")


def test_gender_from_a_pronoun_after_their_name():
    got = guesses(
        [("anchor", None, "The minister, Lee Ha-eun, spoke. She said talks went well."),
         ("soundbite", "Lee Ha-eun", "Yes.")]
    )  # fmt: skip
    assert got["lee ha-eun"] == ("female", "referred to as she (1x)")


def test_gender_from_a_gendered_noun_beside_the_name():
    got = guesses(
        [("anchor", None, "Spokesman Yoon Ji-won said no."), ("soundbite", "Yoon Ji-won", "No.")]
    )
    assert got["yoon ji-won"] == ("male", "described as 'spokesman' in the transcript")


def test_gender_from_the_first_name_korean_order_included():
    people = ["Helen Ward", "Park Seo-yeon", "Kim Ji-won", "Unidentified woman #2"]
    got = guesses([("soundbite", name, "Words.") for name in people])
    assert got["helen ward"] == ("female", "first name 'Helen': 99% women in names-dataset")
    assert got["park seo-yeon"][0] == "female"
    assert got["kim ji-won"] == (None, "first name 'Jiwon' is given to women and men alike")
    assert got["unidentified woman #2"] == ("female", "described as 'woman'")


def test_pinned_gender_wins():
    got = guesses([("soundbite", "Helen Ward", "A.")], {"helen ward": "male"})
    assert got["helen ward"] == ("male", "pinned")


def test_real_names_dataset_covers_common_names():
    from broadcaster.cast.names import female_share

    assert female_share("Helen") > 0.9 and female_share("Walter") < 0.1
    assert female_share("Seoyeon") > 0.8 and female_share("Taeho") < 0.2


def test_casting_gives_women_female_voices_and_men_male(profiles):
    from broadcaster.cast.gender import Guess

    people = [("Ana Lima", "female"), ("Ben Cho", "male"), ("Cara Diaz", "female"),
              ("Dev Rao", "male"), ("Eve Park", "female")]  # fmt: skip
    b = bulletin([("anchor", None), *[("reporter", name) for name, _ in people]],
                 [("soundbite", name) for name, _ in people])  # fmt: skip
    genders = {name.casefold(): Guess(g, "test") for name, g in people}
    by_name = {p.name: p for p in profiles}
    for _, seg in cast(b, profiles, genders=genders).segments():
        if seg.speaker:
            assert by_name[seg.voice].gender == seg.gender == genders[seg.speaker.casefold()].gender


def test_casting_by_gender_is_deterministic(profiles):
    from broadcaster.cast.gender import Guess

    genders = {"ana lima": Guess("female", "t"), "ben cho": Guess("male", "t")}
    b = bulletin([("anchor", None), ("reporter", "Ana Lima"), ("soundbite", "Ben Cho")])
    assert voices(cast(b, profiles, genders=genders)) == voices(cast(b, profiles, genders=genders))


def test_pin_table_with_gender(profiles, tmp_path):
    (tmp_path / "pins.toml").write_text(
        '"Dev Rao" = { gender = "female" }\n"Ana Lima" = { voice = "reporter-2" }\n'
    )
    pins = load_pins(tmp_path, profiles)
    assert (pins["dev rao"].voice, pins["dev rao"].gender) == (None, "female")
    assert (pins["ana lima"].voice, pins["ana lima"].gender) == ("reporter-2", "male")
    (tmp_path / "pins.toml").write_text('"Dev Rao" = { gender = "other" }\n')
    with pytest.raises(VoiceError, match="pin 'Dev Rao' has gender 'other'"):
        load_pins(tmp_path, profiles)


@dataclass(frozen=True)
class Made:
    """A delivery an engine might add: its profile keys come from its fields alone."""

    engine: ClassVar[str] = "made"
    voice: str
    warmth: float = field(default=0.5, metadata={engines.RANGE: (0.0, 1.0)})
    breaths: int | None = field(default=None, metadata={engines.RANGE: (0, 3)})
    label: str = field(default="", metadata={engines.DERIVED: True})


def test_profile_keys_are_the_delivery_fields():
    assert casting._keys(Made) == {
        "voice": Key(str),
        "warmth": Key((int, float), (0.0, 1.0)),
        "breaths": Key(int, (0, 3)),
    }
    assert casting._required(Made) == "voice"
    assert list(casting.ENGINE_KEYS["espeak"]) == ["voice", "rate", "pitch", "volume"]
    assert casting.ENGINE_KEYS["piper"]["rate"] == Key(int, (85, 330))  # becomes length_scale
    assert "name" not in casting.ENGINE_KEYS["piper"]  # worked out from the model


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("pitch", 101, "key 'pitch' is 101, out of range (pitch must be between 0 and 100)"),
        ("volume", -0.5, "key 'volume' is -0.5, out of range (volume must be between 0.0 and 1.0)"),
        ("rate", 1.5, "key 'rate' has the wrong type (float) (rate takes a whole number)"),
        ("volume", "loud", "key 'volume' has the wrong type (str) (volume takes a number)"),
        ("speed", 1.0, "unknown key 'speed' for engine 'espeak' (an kokoro key)"),
    ],
)
def test_profile_values_are_checked_against_the_delivery_fields(tmp_path, key, value, says):
    with pytest.raises(VoiceError) as raised:
        casting._check_key(tmp_path / "anchor.toml", "espeak", key, value)
    assert str(raised.value).startswith(f"{tmp_path / 'anchor.toml'}: {says}")
