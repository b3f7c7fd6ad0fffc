"""Casting with the shipped cast and the real engine's voice list."""

from __future__ import annotations

import pytest

from broadcaster.casting import cast, default_voices_dir, load_pins, load_profiles, with_overrides
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
