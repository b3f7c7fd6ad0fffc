"""Romanised Korean read syllable by syllable: the respelling and what eSpeak then says.

Each case gives the name as written, the respelling sent to the engine, and eSpeak's
phonemes for it (en-us, ``espeak-ng -x`` mnemonics; the same in eSpeak NG 1.51 and 1.52).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from broadcaster.text import korean
from broadcaster.text.korean import respell, syllables
from broadcaster.text.lexicon import Lexicon, load_lexicon
from broadcaster.text.speech import speakable

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
    # Places with no suffix (issue 18): a spelling no English word has marks them.
    ("Cheonan", "Chuh-nahn", "tS'Vn'A:n"),  # tS@n'an
    ("Yeosu", "Yuh-soo", "j'Vs'u:"),  # j'oUsu:
    ("Chuncheon", "Chun-chun", "tS'VntS'Vn"),  # tS'VntS@n
    ("Seongnam", "Sung-nahm", "s'VNn'A:m"),  # sI2;'0NnA:m
    ("Hwaseong", "Whah-sung", "w'A:s'VN"),  # 'eItSw'eIs0N
    ("Taebaek", "Tay-bek", "t'eIb'Ek"),  # t'i:bi:k
    ("Goesan", "Gweh-sahn", "gw'eIs'A:n"),  # g'oUs@n
    ("Eumseong", "Um-sung", "'Vms'VN"),  # j'u:msI2;,0N
    ("Gyeryong", "Ghay-ryeonng", "g'eIrj'oUNN"),  # dZ'aI3j,0N
    # Given-name syllables that are English words (issue 18): 준, 훈.
    ("Min-jun", "Min-joon", "m'IndZ'u:n"),  # m'IndZ'Vn
    ("Kim Jun-ho", "Kim Joon-hoh", "k'Im dZ'u:nh'oU"),  # dZ'Vnh'oU
    ("Park Ji-hun", "Park Jee-hoon", "p'A@k dZ'i:h'u:n"),  # h'Vn
    ("Kim Jun", "Kim Joon", "k'Im dZ'u:n"),
    # 정 and 중 inside a name or place: "jung" is read as Carl Jung (j'UN) wherever it is.
    ("Min-jeong", "Min-junng", "m'IndZ'VNN"),  # m'Inj'UN
    ("Kim Jung-ho", "Kim Junng-hoh", "k'Im dZ'VNNh'oU"),  # j'UNh'oU
    ("Uijeongbu", "Ee-junng-boo", "'i:dZ'VNNb'u:"),  # j'u:aIdZ,0Nbu:
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
        # English words with a Korean-looking spelling, capitalised as at a sentence start.
        "People say",
        "Someone said",
        "Neutral ground",
        "Seoul",
        "Michael Joel Leon",
        "Boeing",
        "Rodeo",
        "Joe Doe",
        "Museum",
        "Gwangju",
        "Choi You Sun",
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
        # 전 as a surname keeps "jun"; 준 in a given name is "joon".
        ("Jun Hyun-moo met Lee Min-jun", "Jun Hyunn-moo met Lee Min-joon"),
        ("from Cheonan to Yeosu", "from Chuh-nahn to Yuh-soo"),
        ("Cheonan's mayor", "Chuh-nahn's mayor"),
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


WORD_LIST = Path("/usr/share/dict/words")


@pytest.mark.skipif(not WORD_LIST.exists(), reason="no English word list (Debian's wamerican)")
def test_english_words_are_not_taken_for_korean_places() -> None:
    # Measured on wamerican 2020.12.07: 67 of its 74,744 words of letters only pass the
    # place rule, 5 more the suffix rule; all are in ENGLISH and none passes beyond them.
    # Left: "Jung" (정, a surname read alone) and "Taegu" (the old spelling of Daegu).
    words = {w.strip() for w in WORD_LIST.read_text(encoding="utf-8").split() if w.isalpha()}
    respelled = {w for w in words if respell(w.title()) != w.title()}
    assert respelled == {"Jung", "Taegu"}


def test_each_english_exception_is_needed() -> None:
    # Every word of ENGLISH would be respelled as Korean without the exception.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(korean, "ENGLISH", frozenset())
        assert all(
            korean._place(word) or korean._glued_place(word.title())
            for word in sorted(korean.ENGLISH)
        )


RR_SYLLABLES = st.tuples(
    st.sampled_from(["g", "n", "d", "r", "m", "b", "s", "j", "ch", "k", "t", "p", "h", ""]),
    st.sampled_from(["a", "o", "u", "i", "eo", "yeo", "ae"]),
    st.sampled_from(["", "n", "ng", "k", "m"]),
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(RR_SYLLABLES, min_size=1, max_size=3), st.sampled_from(["eo", "yeo"]))
def test_a_word_of_syllables_with_a_korean_only_vowel_is_read_as_korean(parts, vowel) -> None:
    word = ("s" + vowel + "ng" + "".join(parts)).title()
    assume(word.lower() not in korean.ENGLISH)
    spelled = respell(word)
    assert spelled != word
    assert respell(f"the {word} plant") == f"the {spelled} plant"
