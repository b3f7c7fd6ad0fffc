"""Romanised Korean read syllable by syllable: the respelling and what eSpeak then says.

Each case gives the name as written, the respelling sent to the engine, and eSpeak's
phonemes for it (en-us, ``espeak-ng -x`` mnemonics; the same in eSpeak NG 1.51 and 1.52).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from broadcaster.korean import respell, syllables
from broadcaster.lexicon import Lexicon, load_lexicon
from broadcaster.speech import speakable

SHIPPED_LEXICON = Path(__file__).resolve().parent.parent / "voices" / "lexicon.toml"

# written, respelled, eSpeak phonemes of the respelling. What eSpeak said before is in the
# comment: ji "jai", seo "see-oh", yeon "yohn", eun "yoon", eo "ee-ah", hw "aitch-w", ri
# "rye", and pyo / hyun / myung / gyeong split in two.
NAMES = [
    ("Park Seo-yeon", "Park Suh-yun", "p'A@k s'Vj'Vn"),  # s'i:;oUj'oUn
    ("Min-jae", "Min-jay", "m'IndZ'eI"),  # m'Inj'i:
    ("min-jae", "min-jay", "m'IndZ'eI"),
    ("Kim Ha-neul", "Kim Hah-nul", "k'Im h'A:n'Vl"),  # h'A:n'u:l
    ("Lee Do-yun", "Lee Doh-yun", "l'i: d'oUj'Vn"),  # d'u:j'Vn
    ("Park Seo-jin", "Park Suh-jin", "p'A@k s'VdZ'In"),  # s'i:;oUdZ'In
    ("Kang Min-ho", "Kahng Min-hoh", "k'A:N m'Inh'oU"),
    ("Oh Ji-hye", "Oh Jee-hay", "'oU dZ'i:h'eI"),  # dZ'aIh'aI
    ("Jeong Min-ho", "Junng Min-hoh", "dZ'VNN m'Inh'oU"),  # dZI2;'0N
    ("Cheol-su", "Chul-soo", "tS'Vls'u:"),  # tSI2;'0ls'u:
    ("Keon-woo", "Kun-woo", "k'Vnw'u:"),  # kI2;'0nw'u:
    ("Hwang Hyun-woo", "Whahng Hyunn-woo", "w'A:N hj'Vnw'u:"),  # 'eItSw'aNg h'aI;Vnw'u:
    ("Pyo Myung-hee", "Pyeoh Myunng-hee", "pj'oU mj'VNNh'i:"),  # p'aIoU m'aI;VNh'i:
    ("Gyeong-su", "Ghyunng-soo", "gj'VNNs'u:"),  # dZj'oUNs'u:
    ("Eun-ji", "Un-jee", "'VndZ'i:"),  # j'u:ndZ'aI
    ("Geun-hye", "Ghun-hay", "g'Vnh'eI"),  # dZ'u:nh'aI
    ("Kwon Na-ri", "Kwon Nah-ree", "kw'Vn n'A:r'i:"),  # n'A:r'aI
    ("Han Do-yoon", "Hahn Doh-yoon", "h'A:n d'oUj'u:n"),
    ("Ri Su-yong", "Ree Soo-yong", "r'i: s'u:j'0N"),  # r'aI
    ("Jung said", "Junng said", "dZ'VNN s'Ed"),  # j'UN, like Carl Jung
    ("Jinhae-gu", "Jin-hay-goo", "dZ'Inh'eIg'u:"),  # dZ'Inhi:g'u:
    ("Gangwon-do", "Gahng-won-doh", "g'A:Nw'Vnd'oU"),  # g'aNwVnd'u:
    ("Jeollabuk-do", "Jul-lah-buk-doh", "dZ'Vll'A:b'Vkd'oU"),
    ("Suwon-si", "Soo-won-shee", "s'u:w'VnS'i:"),
    ("Buan-gun", "Boo-ahn-goon", "b'u:'A:Ng'u:n"),  # bj'u:aNg'Vn
    ("Panmun-ri", "Pahn-mun-ree", "p'A:nm'Vnr'i:"),  # p'anmVnr'aI
    ("Daechi-dong", "Day-chee-dong", "d'eItS'i:d'0N"),  # d'i:tSaId'0N
    ("Sejong-ro", "Say-jong-roh", "s'eIdZ'0Nr'oU"),
    ("Yeouido", "Yuh-ee-doh", "j'V'i:d'oU"),  # jI2;u:'i:doU
]


@pytest.mark.parametrize(("written", "respelled", "phonemes"), NAMES)
def test_korean_respelling(written: str, respelled: str, phonemes: str) -> None:
    assert respell(written) == respelled


@pytest.mark.parametrize(("written", "respelled", "phonemes"), NAMES)
def test_korean_respelling_reads_as_expected_in_espeak(
    engine, written: str, respelled: str, phonemes: str
) -> None:
    assert " ".join(engine.phonemes(respelled, "en-us", ipa=False)) == phonemes


@pytest.mark.parametrize(
    "text",
    [
        "the Russia-Ukraine war",
        "Moon Landing Day",
        "a one-on-one meeting",
        "Seoul and Busan",
        "Kim said the Han River rose",
        "Song of the Sea",
        "anti-war protests",
        "Coca-Cola",
        "Kim Jong Un",
        "Choi Sun",
    ],
)
def test_english_and_already_right_words_are_left_alone(text: str) -> None:
    assert respell(text) == text


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Park Seo-yeon's report", "Park Suh-yun's report"),
        ("Moon Jae-in met Yoon Suk Yeol", "Moon Jay-in met Yoon Suk Yul"),
        ("in Gangwon-do on Friday", "in Gahng-won-doh on Friday"),
        ("Choi You Sun", "Choi You Sun"),
    ],
)
def test_korean_in_sentences(text: str, spoken: str) -> None:
    assert speakable(text) == spoken


def test_syllables_put_a_consonant_between_vowels_into_the_next_syllable() -> None:
    assert [s.initial + s.vowel + s.final for s in syllables("Jeollabuk")] == [
        "jeol",
        "la",
        "buk",
    ]
    assert [s.initial + s.vowel + s.final for s in syllables("gangwon")] == ["gang", "won"]
    assert syllables("Ukraine-x") is None


def test_the_lexicon_overrides_the_korean_rules() -> None:
    # The respellings are themselves romanised syllables: the Korean rules must not touch them.
    lexicon = Lexicon({"Seo-yeon": "So-yun", "jae": "Jeh"})
    assert speakable("Park Seo-yeon and Min-jae", lexicon) == "Park So-yun and Min-Jeh"
    shipped = load_lexicon([SHIPPED_LEXICON], {"anchor"})
    assert speakable("Lee Jae-myung in Busan", shipped, "anchor") == "Lee Jay-mee-yung in Boo-sahn"
    assert speakable("the Chosun Ilbo", shipped, "anchor") == "the Cho-sun Ilbo"
