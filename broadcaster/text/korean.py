"""Romanised Korean names and places, read syllable by syllable as Koreans say them.

eSpeak reads romanised Korean by English spelling rules: ``Ji`` "jai", ``Seo`` "see-oh",
``Yeon`` "yohn", ``Eun`` "yoon", ``Jeong`` "jee-ong", ``Hwang`` "aitch-wang", ``Ri`` "rye",
and ``Pyo`` / ``Hyun`` / ``Myung`` as two syllables ("pie-oh", "high-un"). Its ``[[...]]``
phoneme input is not honoured through pyttsx3 (ENGINE-NOTES.md), so each syllable is
rewritten as a respelling that eSpeak's English rules read right — which a neural voice
phonemising with the same eSpeak reads right too.

What counts as Korean: a hyphenated word whose every part splits into romanised syllables
(``Min-jae``, ``Ha-neul``, ``Jinhae-gu``); a known surname followed by such a given name
(``Park Seo-jin``, ``Yoon Suk Yeol``); a surname eSpeak misreads on its own (``Jeong``);
a one-word place ending in a place suffix that has a Korean-only vowel (``Yeouido``).
Revised Romanization, McCune–Reischauer (without breves) and common spellings (``Hyun``,
``Jung``, ``Soo``, ``Hee``) are all read. Matching ignores case.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

INITIALS = (
    "kk", "tt", "pp", "ss", "jj", "ch", "sh", "g", "k", "n", "d", "t", "r", "l", "m", "b",
    "p", "s", "j", "h", "",
)  # fmt: skip
VOWELS = (
    "woo", "yoo", "you", "yae", "yeo", "wae", "ae", "ya", "eo", "ye", "wa", "oe", "yo", "wo",
    "we", "wi", "yu", "eu", "ui", "oo", "ee", "ou", "a", "e", "o", "u", "i",
)  # fmt: skip
FINALS = ("ng", "k", "n", "t", "l", "m", "p", "g", "b", "")
SYLLABLE = re.compile(
    rf"(?P<initial>{'|'.join(INITIALS)})(?P<vowel>{'|'.join(VOWELS)})"
    rf"(?P<final>{'|'.join(FINALS)})"
)


class Syllable(NamedTuple):
    """One romanised syllable split into its parts."""

    initial: str
    """The opening consonant as written ("" for none): ``g``, ``kk``, ``ch``..."""
    vowel: str
    """The vowel with any glide: ``a``, ``eo``, ``yeo``, ``wa``..."""
    final: str
    """The closing consonant ("" for none): ``n``, ``ng``, ``l``, ``k``..."""


# How each vowel is respelled in an open syllable, and before a final consonant.
# eSpeak (1.51 and 1.52, en-us and en-gb-x-rp alike): "Suh" s'V, "Hyunn" hj'Vn (the
# doubled final stops "y" being read "ai"), "Pyeoh" pj'oU, "Kyue" kj'u:, "Whahng" w'A:N.
OPEN = {
    "a": "ah", "ae": "ay", "ya": "yah", "yae": "yay", "eo": "uh", "e": "ay", "yeo": "yuh",
    "ye": "yay", "o": "oh", "wa": "wah", "wae": "weh", "oe": "weh", "yo": "yoh", "u": "oo",
    "wo": "wuh", "we": "weh", "wi": "wee", "yu": "yoo", "eu": "u", "ui": "ee", "i": "ee",
    "oo": "oo", "ee": "ee", "ou": "oo", "woo": "woo", "yoo": "yoo", "you": "you",
}  # fmt: skip
CLOSED = {
    "a": "ah", "ae": "e", "ya": "yah", "yae": "ye", "eo": "u", "e": "e", "yeo": "yu",
    "ye": "ye", "o": "o", "wa": "wah", "wae": "we", "oe": "we", "yo": "yo", "u": "u",
    "wo": "wo", "we": "we", "wi": "wi", "yu": "yu", "eu": "u", "ui": "i", "i": "i",
    "oo": "oo", "ee": "ee", "ou": "oo", "woo": "woo", "yoo": "yoo", "you": "you",
}  # fmt: skip
# After a consonant a "y" glide needs other letters: "Pyo" p'aIoU but "Pyeoh" pj'oU;
# "Hye" h'aI but "Hay" h'eI (혜 is said "hay").
GLIDE_OPEN = {
    "yo": "yeoh", "yu": "yue", "yoo": "yue", "ye": "ay", "yae": "ay", "yeo": "yuh", "ya": "yah",
}  # fmt: skip
# Before a final, a doubled final keeps the glide: "Hyun" h'aI;Vn but "Hyunn" hj'Vn,
# "Myunng" mj'VNN, "Pyeonng" pj'oUNN.
GLIDE_CLOSED = {"yeo": "yu", "you": "yu", "yu": "yu", "yo": "yeo"}
INITIAL_SPELLING = {
    "kk": "k", "tt": "t", "pp": "p", "ss": "s", "jj": "j", "g": "g", "l": "r", "sh": "sh",
}  # fmt: skip
FINAL_SPELLING = {"g": "k", "b": "p", "t": "t"}
OO_SYLLABLES = frozenset({("j", "u", "n"), ("h", "u", "n")})
"""준 and 훈, written ``Jun`` and ``Hun`` in given names: said "joon", "hoon" (eSpeak reads
the English words "jun" and "Hun", dZ'Vn, h'Vn). ``u`` is "uh" in ``Sun``, ``Chun``, ``Jung``."""
FRONT = ("i", "e", "y", "ee", "ui")
"""Vowels before which an English "g" turns soft ("Gi" dZ'aI): written "gh" instead."""
SUFFIXES = {
    "do": "doh", "si": "shee", "gun": "goon", "gu": "goo", "ri": "ree", "dong": "dong",
    "ro": "roh", "gil": "ghil", "eup": "up", "myeon": "myunn",
}  # fmt: skip
"""Administrative suffixes (province, city, county, district, village, quarter, road...)."""
SURNAMES = {
    "kim": None, "lee": None, "yi": "Ee", "rhee": None, "park": None, "pak": "Pahk",
    "choi": None, "choe": "Chweh", "jung": "Junng", "jeong": "Junng", "chung": "Chunng",
    "kang": "Kahng", "cho": None, "jo": "Joh", "yoon": None, "yun": "Yoon", "jang": "Jahng",
    "chang": "Chahng", "lim": None, "im": "Im", "han": "Hahn", "oh": None, "seo": "Suh",
    "suh": None, "shin": None, "sin": "Shin", "kwon": None, "gwon": "Gwon", "hwang": "Whahng",
    "ahn": None, "an": "Ahn", "song": None, "yoo": None, "ryu": "Ryue", "yu": "Yoo",
    "hong": None, "jeon": "Junn", "jun": None, "chun": None, "ko": None, "go": "Goh",
    "moon": None, "mun": "Moon", "yang": "Yahng", "son": "Sohn", "sohn": None, "bae": "Bay",
    "baek": "Bek", "paik": "Bek", "heo": "Huh", "huh": None, "nam": "Nahm", "noh": None,
    "roh": None, "ha": "Hah", "kwak": "Kwahk", "gwak": "Gwahk", "sung": None, "seong": "Sunng",
    "cha": "Chah", "joo": None, "ju": "Joo", "woo": None, "koo": None, "gu": "Goo",
    "min": None, "na": "Nah", "jin": None, "ji": "Jee", "eom": "Um", "uhm": "Um", "chae": "Chay",
    "won": None, "bang": "Bahng", "kong": None, "hyun": "Hyunn", "hyeon": "Hyunn",
    "pyo": "Pyeoh", "byun": "Byunn", "byeon": "Byunn", "yeom": "Yum", "yeo": "Yuh",
    "choo": None, "do": "Doh", "shim": None, "sim": "Shim", "ra": "Rah", "ri": "Ree",
    "maeng": "Meng", "ok": "Ohk", "tak": "Tahk", "ki": "Kee", "gi": "Ghee", "yeon": "Yunn",
}  # fmt: skip
"""Korean surnames -> their respelling (None: eSpeak already says it as newsreaders do)."""
ALONE = frozenset(
    {"jeong", "jung", "seo", "hwang", "baek", "bae", "chae", "yeom", "jeon", "ryu", "gwak"}
    | {"eom", "heo", "hyeon", "byeon", "kwak", "pyo", "jang", "kang", "yeo"}
)
"""Surnames respelled wherever they stand (no English word shares their spelling)."""
KOREAN_VOWEL = re.compile(r"eo|eu|ae|oe|ui|yeo|yu|wo|gy|hy", re.IGNORECASE)
"""Letters English words rarely have: a one-word place must show one to count as Korean."""
RR_FINALS = frozenset({"", "k", "n", "t", "l", "m", "p", "ng"})
"""The finals Revised Romanization writes at the end of a word (never ``g``, ``b``: ``Roeg``
is no place)."""
HW = frozenset({("h", "wa"), ("h", "wo"), ("h", "wi"), ("h", "we"), ("h", "wae")})
ENGLISH = frozenset(
    {"aguinaldo", "guido", "leopoldo", "lineup", "pileup"}
    | {"albireo", "amoeba", "amoebae", "boeing", "boeotia", "boeotian", "choreographing", "deon"}
    | {"dungeon", "eon", "euphoria", "galleon", "geo", "geode", "gideon", "goering", "hideout"}
    | {"hoeing", "hui", "hyena", "ideogram", "kaneohe", "keokuk", "makeup", "maui", "meowing"}
    | {"messiaen", "meteorite", "mimeographing", "museum", "neo", "neogene", "neon", "neonatal"}
    | {"neonate", "neoprene", "neutral", "neutrino", "neutron", "noemi", "oedipal", "oreo", "peon"}
    | {"peonage", "peoria", "peritoneum", "peugeot", "pigeon", "reopen", "reopening", "rodeo"}
    | {"romeo", "seoul", "shakeup", "sheol", "shoeing", "shoeshine", "someone", "subpoena"}
    | {"subpoenaing", "takeout", "tiptoeing", "toeing", "toenail", "wigeon", "yeoman", "yeomen"}
)
"""The words of an English word list (Debian's wamerican 2020.12.07: 74,744 words of
letters only) that :func:`_place` would otherwise take for Korean (67, 0.09 %), and the 5 more that
end in a place suffix (``Guido``, ``lineup``). Seoul is among them: eSpeak already says
it s'oUl. tests/test_korean.py measures the list."""
WORD = r"[A-Za-z]+"
END = r"(?![\w-])(?!['’](?!s\b))"
"""The end of a word, which may take a possessive: ``Park Seo-yeon's``."""
HYPHENATED = rf"{WORD}(?:-{WORD})+"
# A surname, then a hyphenated given name or one or two one-word syllable groups.
# A surname with its given name, or any other word: each word is rewritten at most once.
NAME = re.compile(
    rf"(?<![\w'’-])(?:(?P<surname>(?i:{'|'.join(SURNAMES)}))(?P<gap>\s+)"
    rf"(?P<given>{HYPHENATED}|{WORD}(?:\s+{WORD})?){END}|(?P<word>{HYPHENATED}|{WORD}){END})"
)


@lru_cache(maxsize=4096)
def syllables(word: str) -> tuple[Syllable, ...] | None:
    """``word`` split into romanised syllables (lower case), or None when it does not split."""
    word = word.lower()
    if not word:
        return ()
    for match in _candidates(word):
        rest = syllables(word[match.end() :])
        if rest is not None:
            return (Syllable(*match.group("initial", "vowel", "final")), *rest)
    return None


def _candidates(word: str) -> list[re.Match[str]]:
    """Every way a syllable can open ``word``: a consonant between vowels starts the next
    syllable (``jeol|la|buk``, not ``jeol|lab|uk``), then longest first (``gang|won``)."""
    found = []
    for initial in INITIALS:
        if not word.startswith(initial):
            continue
        for vowel in VOWELS:
            if not word.startswith(vowel, len(initial)):
                continue
            for final in FINALS:
                if word.startswith(final, len(initial) + len(vowel)):
                    match = SYLLABLE.match(word[: len(initial) + len(vowel) + len(final)])
                    if match:
                        found.append(match)
    return sorted(found, key=lambda m: (word[m.end() : m.end() + 1] in "aeiou", -m.end()))


def respell_syllable(syllable: Syllable, after_l: bool = False) -> str:
    """One syllable as letters eSpeak's English rules read the Korean way (``after_l``:
    the syllable before ends in "l", so an initial "l" stays "l": ``Jeolla`` "Jull-lah")."""
    initial, vowel, final = syllable
    spelled = "l" if after_l and initial == "l" else INITIAL_SPELLING.get(initial, initial)
    if spelled == "g" and vowel.startswith(FRONT):
        spelled = "gh"
    if initial == "s" and vowel in ("i", "wi", "ee"):
        spelled = "sh"
    if initial == "h" and vowel.startswith("w"):
        # "Hwang" reads 'eItSw'aNg ("aitch-wang"); "Whahng" w'A:N is the nearest.
        spelled, vowel = "wh", vowel[1:] or "u"
    if not final:
        glide = GLIDE_OPEN.get(vowel) if initial and vowel.startswith("y") else None
        return spelled + (glide or OPEN[vowel])
    tail = FINAL_SPELLING.get(final, final)
    if initial and vowel in GLIDE_CLOSED:
        return spelled + GLIDE_CLOSED[vowel] + tail[0] + tail  # "Hyunn": see GLIDE_CLOSED
    if (initial, vowel, final) in OO_SYLLABLES:
        return spelled + "oo" + tail  # "Min-jun": dZ'Vn, "Min-joon" dZ'u:n
    if spelled == "j" and CLOSED[vowel] == "u" and final == "ng":
        return "junng"  # "jung" anywhere is Carl Jung, j'UN: "Min-jung", "Uijeongbu"
    return spelled + CLOSED[vowel] + tail


def respell_word(word: str, place: bool = True) -> str | None:
    """A romanised word (hyphens kept) respelled, or None when it is not romanised Korean:
    a hyphenated word must be one syllable a part (``Seo-yeon``) or end in a place suffix
    (``Jinhae-gu``), so that ``Russia-Ukraine`` stays English."""
    parts = word.split("-")
    is_place = place and len(parts) > 1 and parts[-1].lower() in SUFFIXES
    if len(parts) > 1 and not is_place and any(len(syllables(p) or ()) != 1 for p in parts):
        return None
    spelled = []
    for index, part in enumerate(parts):
        if is_place and index == len(parts) - 1:
            spelled.append(SUFFIXES[part.lower()])
            continue
        found = syllables(part)
        if not found:
            return None
        spelled.append(
            "-".join(
                respell_syllable(s, n > 0 and found[n - 1].final == "l")
                for n, s in enumerate(found)
            )
        )
    result = "-".join(spelled)
    return result[:1].upper() + result[1:] if word[:1].isupper() else result


def respell(text: str) -> str:
    """``text`` with every romanised Korean name and place respelled for eSpeak."""
    return NAME.sub(_name, text)


def _name(m: re.Match[str]) -> str:
    """A surname and given name, read together; any other word on its own."""
    if m["word"]:
        return _word(m["word"])
    surname, given = m["surname"], m["given"]
    words = given.split()
    spelled = [respell_word(w, place=False) for w in words]
    if (
        not surname[:1].isupper()
        or not given[:1].isupper()
        or ("-" not in given and not all(len(syllables(w) or ()) == 1 for w in words))
        or any(s is None for s in spelled)
    ):
        return _word(surname) + m["gap"] + respell(given)
    return _surname(surname) + m["gap"] + " ".join(s for s in spelled if s)


def _surname(surname: str) -> str:
    spelled = SURNAMES[surname.lower()]
    return spelled if spelled and surname[:1].isupper() else surname


def _word(word: str) -> str:
    if "-" in word and (word[:1].isupper() or KOREAN_VOWEL.search(word)):
        return respell_word(word) or word
    if not word[:1].isupper():
        return word
    if word.lower() in ALONE:
        return _surname(word)
    if _glued_place(word):
        return respell_word(_split_suffix(word)) or word
    if _place(word):
        return respell_word(word) or word
    return word


def _place(word: str) -> bool:
    """A one-word Korean place with no suffix (``Cheonan``, ``Gyeryong``, ``Hwaseong``):
    every part a Revised Romanization syllable, one of them spelled as no English word
    is, and the word not one of the English words that still pass (ENGLISH)."""
    found = syllables(word)
    if not found or len(found) > 4 or word.lower() in ENGLISH:
        return False
    if found[-1].final not in RR_FINALS or found[-1][1:] == ("oe", ""):
        return False
    # ㄹ opens a syllable as "r"; an "l" there follows another "l" (Jeolla): "people" fails.
    if any(s.initial == "l" and (n == 0 or found[n - 1].final != "l") for n, s in enumerate(found)):
        return False
    # "Hw" opens no English word: ``Hwaseong`` (but "mout|hwa|tering" is no name).
    return found[0][:2] in HW or any(_korean_only(s) for s in found)


def _korean_only(syllable: Syllable) -> bool:
    initial, vowel, final = syllable
    return (
        vowel in ("eo", "yeo")
        or (vowel == "eu" and bool(final))
        or (vowel == "oe" and not final)
        or (vowel == "ui" and initial in ("", "h"))
        or (vowel in ("ae", "yae") and final in ("k", "ng", "n", "m", "p"))
        or (vowel == "ye" and initial in ("g", "h", "k", "p"))
    )


def _glued_place(word: str) -> bool:
    lower = word.lower()
    return lower not in ENGLISH and bool(
        KOREAN_VOWEL.search(lower)
        and any(lower.endswith(s) and len(lower) > len(s) + 2 for s in SUFFIXES)
        and syllables(lower)
    )


def _split_suffix(word: str) -> str:
    lower = word.lower()
    suffix = max((s for s in SUFFIXES if lower.endswith(s)), key=len)
    return f"{word[: -len(suffix)]}-{word[-len(suffix) :]}"
