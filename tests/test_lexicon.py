"""The pronunciation lexicon: loading, matching and every way a lexicon file can be wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadcaster.errors import VoiceError
from broadcaster.text.lexicon import Lexicon, load_lexicon
from broadcaster.text.speech import speakable

SHIPPED = Path(__file__).resolve().parent.parent / "voices" / "lexicon.toml"
PROFILES = {"anchor", "reporter", "soundbite"}


def write(tmp_path: Path, text: str, name: str = "lexicon.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_lexicon_loads_with_the_corpus_names() -> None:
    lexicon = load_lexicon([SHIPPED], PROFILES)
    assert {key: lexicon.words[key] for key in ("Ri", "Kyiv", "Chosun")} == {
        "Ri": "Ree",
        "Kyiv": "Keev",
        "Chosun": "Cho-sun",
    }
    assert lexicon.voices == {}


def test_missing_file_is_an_empty_lexicon(tmp_path: Path) -> None:
    lexicon = load_lexicon([tmp_path / "absent.toml"], PROFILES)
    assert lexicon == Lexicon()
    assert lexicon.apply("Ri said", "anchor") == "Ri said"


def test_loads_words_and_voice_sections(tmp_path: Path) -> None:
    path = write(tmp_path, '[words]\n"Kyiv" = "Keev"\n[voice.reporter]\n"Seoul" = "Sole"\n')
    assert load_lexicon([path], PROFILES) == Lexicon(
        {"Kyiv": "Keev"}, {"reporter": {"Seoul": "Sole"}}
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ri said", "Ree said"),
        ("ri said", "ri said"),
        ("RI said", "RI said"),
        ("Rio and Ari and Ri2", "Rio and Ari and Ri2"),
        ("Ri's, Ri-Kim, (Ri)", "Ree's, Ree-Kim, (Ree)"),
    ],
)
def test_capitalised_entry_matches_that_spelling_as_a_whole_word(text: str, expected: str) -> None:
    assert Lexicon({"Ri": "Ree"}).apply(text, None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jae-myung", "Jae-mee-yung"),
        ("Myung-bak", "Mee-yung-bak"),
        ("MYUNG", "Mee-yung"),
        ("myungs and Kimmyung", "myungs and Kimmyung"),
    ],
)
def test_lower_case_entry_matches_any_case_as_a_whole_word(text: str, expected: str) -> None:
    assert Lexicon({"myung": "mee-yung"}).apply(text, None) == expected


def test_phrase_matches_across_whitespace_and_wins_over_shorter_entries() -> None:
    lexicon = Lexicon({"Lee": "Leigh", "Lee Jae-myung": "Lee Jay-mee-yung", "Jong Un": "Jong Oon"})
    text = "Lee Jae-myung, Lee and Kim Jong\n Un"
    assert lexicon.apply(text, None) == "Lee Jay-mee-yung, Leigh and Kim Jong Oon"


def test_voice_section_applies_to_its_voice_only_and_overrides_words() -> None:
    lexicon = Lexicon({"Seoul": "Soul", "Kyiv": "Keev"}, {"reporter": {"Seoul": "Sole"}})
    assert lexicon.apply("Seoul, Kyiv", "reporter") == "Sole, Keev"
    assert lexicon.apply("Seoul, Kyiv", "anchor") == "Soul, Keev"
    assert lexicon.apply("Seoul, Kyiv", None) == "Soul, Keev"


def test_later_files_override_earlier_ones_entry_by_entry(tmp_path: Path) -> None:
    shipped = write(
        tmp_path,
        '[words]\n"Kyiv" = "Keev"\n"Ri" = "Ree"\n[voice.anchor]\n"Seoul" = "Sole"\n',
        "shipped.toml",
    )
    user = write(
        tmp_path,
        '[words]\n"Ri" = "Rhee"\n[voice.anchor]\n"Busan" = "Boo-sahn"\n',
        "user.toml",
    )
    assert load_lexicon([shipped, user], PROFILES) == Lexicon(
        {"Kyiv": "Keev", "Ri": "Rhee"}, {"anchor": {"Seoul": "Sole", "Busan": "Boo-sahn"}}
    )
    assert load_lexicon([user, shipped], PROFILES).words["Ri"] == "Ree"


def test_speakable_applies_the_lexicon_before_normalising() -> None:
    lexicon = Lexicon({"USFK": "U.S. Forces Korea"}, {"reporter": {"POW": "prisoner"}})
    assert speakable("the USFK said", lexicon) == "the U.S Forces Korea said"
    assert speakable("a POW and POWs", lexicon, "reporter") == "a prisoner and P.O.W.'s"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[words]\n"Kyiv" = Keev\n',
            "{path}: malformed TOML: Invalid value (at line 2, column 10) (fix the line it names)",
        ),
        (
            '"Kyiv" = "Keev"\n',
            "{path}: unknown key 'Kyiv' (allowed keys: words, voice;"
            " entries go under [words] or [voice.<profile>])",
        ),
        (
            '[word]\n"Kyiv" = "Keev"\n',
            "{path}: unknown key 'word' (allowed keys: words, voice;"
            " entries go under [words] or [voice.<profile>])",
        ),
        (
            '[words]\n"Kyiv" = 1\n',
            "{path}: entry 'Kyiv' in [words] is not a string (int)"
            ' (write it as "Kyiv" = "how to say it")',
        ),
        (
            '[words.Kyiv]\nsay = "Keev"\n',
            "{path}: entry 'Kyiv' in [words] is not a string (dict)"
            ' (write it as "Kyiv" = "how to say it")',
        ),
        (
            '[voice.reporter]\n"Seoul" = ["Sole"]\n',
            "{path}: entry 'Seoul' in [voice.reporter] is not a string (list)"
            ' (write it as "Seoul" = "how to say it")',
        ),
        (
            '[voice.narrator]\n"Seoul" = "Sole"\n',
            "{path}: [voice.narrator] names no voice profile"
            " (voice profiles: anchor, reporter, soundbite)",
        ),
        (
            'words = "Keev"\n',
            "{path}: [words] is not a table (put [words] on its own line)",
        ),
        (
            'voice = "reporter"\n',
            "{path}: 'voice' is not a table (write [voice.<profile>] sections)",
        ),
        (
            '[voice]\nreporter = "Sole"\n',
            "{path}: [voice.reporter] is not a table (put [voice.reporter] on its own line)",
        ),
        (
            '[words]\n" " = "nothing"\n',
            "{path}: [words] has a blank entry (give the word as written)",
        ),
    ],
)
def test_bad_lexicon_raises_one_line_naming_file_and_entry(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(VoiceError) as info:
        load_lexicon([path], PROFILES)
    assert str(info.value) == message.format(path=path)


def test_unreadable_lexicon(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.toml"
    path.write_bytes(b"\xff[words]\n")
    with pytest.raises(VoiceError) as info:
        load_lexicon([path], PROFILES)
    assert str(info.value) == (
        f"{path}: cannot read: 'utf-8' codec can't decode byte 0xff in position 0:"
        " invalid start byte"
    )


def test_no_voice_sections_allowed_without_profiles(tmp_path: Path) -> None:
    path = write(tmp_path, '[voice.anchor]\n"Seoul" = "Sole"\n')
    with pytest.raises(VoiceError) as info:
        load_lexicon([path], set())
    assert str(info.value) == (
        f"{path}: [voice.anchor] names no voice profile (voice profiles: none)"
    )


def test_voice_sections_reach_the_spoken_text_through_prepare(tmp_path: Path, engine) -> None:
    """A [voice.X] entry changes what profile X says in a real render's preparation."""
    import shutil

    from broadcaster import Options, prepare
    from broadcaster.cast.casting import default_voices_dir
    from tests.helpers.paths import KBS

    folder = tmp_path / "voices"
    shutil.copytree(default_voices_dir(), folder)
    (folder / "lexicon.toml").write_text('[voice.reporter]\n"Seoul" = "Sole"\n')
    prepared = prepare(KBS, options=Options(voices=folder), engine=engine)
    anchor, reporter = (s for _, s in prepared.bulletin.segments())
    assert reporter.voice == "reporter" and "Sole" in reporter.spoken
    assert "Seoul" in anchor.spoken and "Sole" not in anchor.spoken
