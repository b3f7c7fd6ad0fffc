"""Speech normalisation: written news copy -> text eSpeak reads the way a newsreader would.

Each rule is a named :class:`Rule` in ``RULES``, applied in order, so every rule can be
seen and tested on its own (tests/test_speech.py). Besides tidying punctuation, a
rule rewrites words only where eSpeak NG 1.52 (en-us) reads the written form wrongly;
its comment quotes what eSpeak said, measured with ``espeak_TextToPhonemes`` (the
phonemes ``espeak-ng -q -x`` prints; ``|`` marks a clause break, a sentence pause).
Forms eSpeak already reads well have no rule: ``U.S.``, ``OECD``, ``1,900 trillion
won``, ``2.75%``, ``7th``, ``8 a.m.``, ``10:30``, ``Mr.``, ``Mrs.``, ``Dr.``, ``2025``.

Numbers use ``[0-9]``, never ``\\d``: ``\\d`` also matches other scripts' digits,
which the tables below do not know.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from broadcaster.lexicon import Lexicon

Replacement = str | Callable[[re.Match[str]], str]


@dataclass(frozen=True)
class Rule:
    """One normalisation step."""

    name: str
    """What it fixes; tests refer to rules by name."""
    pattern: re.Pattern[str]
    """Where it applies."""
    replacement: Replacement
    """An ``re.sub`` template, or a function of the match."""

    def apply(self, text: str) -> str:
        """``text`` with this rule applied everywhere."""
        return self.pattern.sub(self.replacement, text)


def rule(name: str, pattern: str, replacement: Replacement) -> Rule:
    """A :class:`Rule` with its pattern compiled."""
    return Rule(name, re.compile(pattern), replacement)


def alternatives(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first so no word shadows a longer one."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


class Money(NamedTuple):
    """How a currency is said."""

    one: str
    many: str
    cent: str | None = None
    cents: str | None = None


MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTHS = {name[:3]: name for name in MONTH_NAMES if name != "May"} | {"Sept": "September"}
TITLES = {
    "Gov": "Governor",
    "Sen": "Senator",
    "Rep": "Representative",
    "Pres": "President",
    "Ms": "Miz",
    "Gen": "General",
    "Lt": "Lieutenant",
    "Col": "Colonel",
    "Sgt": "Sergeant",
    "Capt": "Captain",
    "Adm": "Admiral",
    "Maj": "Major",
    "Prof": "Professor",
    "Amb": "Ambassador",
    "Sec": "Secretary",
}
SUFFIXES = {"Jr": "Junior", "Sr": "Senior", "Inc": "Incorporated", "Corp": "Corporation"}
ABBREVIATIONS = {
    "vs.": "versus",
    "vs": "versus",
    "i.e.": "that is",
    "approx.": "approximately",
    "M&A": "mergers and acquisitions",
}
CURRENCIES = {
    "$": Money("dollar", "dollars", "cent", "cents"),
    "€": Money("euro", "euros", "cent", "cents"),
    "£": Money("pound", "pounds", "penny", "pence"),
    "₩": Money("won", "won"),
    "¥": Money("yen", "yen"),
}
SCALES = {"k": "thousand", "m": "million", "mn": "million", "bn": "billion", "tn": "trillion"}
FRACTIONS = {
    "1/2": "one half",
    "1/3": "one third",
    "2/3": "two thirds",
    "1/4": "one quarter",
    "3/4": "three quarters",
}
TENS = {
    "1": "tens",
    "2": "twenties",
    "3": "thirties",
    "4": "forties",
    "5": "fifties",
    "6": "sixties",
    "7": "seventies",
    "8": "eighties",
    "9": "nineties",
}
UNITS = {
    "km/h": ("kilometer per hour", "kilometers per hour"),
    "km": ("kilometer", "kilometers"),
    "kg": ("kilogram", "kilograms"),
    "cm": ("centimeter", "centimeters"),
}
WORD_ACRONYMS = frozenset(
    {"APEC", "ASEAN", "COVID", "FIFA", "KOSDAQ", "KOSPI", "KOTRA", "MOFA", "NASA", "NATO"}
    | {"OPEC", "THAAD", "UNESCO", "UNICEF"}
)
"""Acronyms said as words (and so by eSpeak); their possessives and plurals need help."""
SPELLED_ACRONYMS = frozenset(
    {"FOMC", "HMM", "IAEA", "ICBM", "IRBM", "UNGA", "UNSC", "USFK", "USTR"}
)
"""Initialisms eSpeak says as a word even mid-sentence ("the ICBM said": 'aIkb@m)."""
SENTENCE_STARTERS = frozenset(
    {"A", "An", "And", "As", "At", "But", "During", "For", "He", "Her", "His", "However", "I"}
    | {"If", "In", "It", "Its", "Meanwhile", "On", "Officials", "She", "So", "That", "The"}
    | {"Their", "There", "These", "They", "This", "Those", "We", "While", "Yet"}
)
"""Words after ``U.S.`` that mean it ended a sentence rather than started a name."""

NUMBER = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"
"""A written number: 1,900 or 2.75 or 40 (never eating a trailing comma)."""


def _ordinal(day: int) -> str:
    """``19`` -> ``19th``."""
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _iso_date(m: re.Match[str]) -> str:
    year, month, day = m.groups()
    return f"{MONTH_NAMES[int(month) - 1]} {int(day)}, {year}"


def _money(m: re.Match[str]) -> str:
    money = CURRENCIES[m["symbol"]]
    us = "U.S. " if m["us"] else ""
    scale = m["scale"] or SCALES.get(m["abbr"] or "")
    amount = f"{m['amount']} to {m['upper']}" if m["upper"] else m["amount"]
    if scale or m["upper"]:
        return " ".join(filter(None, (amount, scale, us + money.many)))
    whole, _, cents = amount.partition(".")
    if money.cents and len(cents) == 2:
        return _with_cents(money, whole, cents, us)
    return f"{amount} {us}{money.one if amount == '1' else money.many}"


def _with_cents(money: Money, whole: str, cents: str, us: str) -> str:
    """``3.50`` -> ``3 dollars 50 cents``; ``0.50`` -> ``50 cents``."""
    parts = [f"{whole} {us}{money.one if whole == '1' else money.many}"] if whole != "0" else []
    if cents != "00":
        parts.append(f"{int(cents)} {money.cent if cents == '01' else money.cents}")
    return " ".join(parts) or f"0 {us}{money.many}"


def _time(m: re.Match[str]) -> str:
    hour, minute = int(m[1]), m[2]
    if minute[0] != "0":
        return m[0]
    if minute == "00":
        if re.match(r"\s*[AaPp]\.?[Mm]\b", m.string[m.end() :]):
            return str(hour)
        if hour == 0:
            return "midnight"
        return f"{hour} o'clock" if hour <= 12 else f"{hour} hundred"
    return f"{hour} oh {minute[1]}"


def _decade(m: re.Match[str]) -> str:
    century, tens = m.groups()
    if tens != "0":
        return f"{century} {TENS[tens]}"
    return "2 thousands" if century == "20" else f"{century} hundreds"


def _year(m: re.Match[str]) -> str:
    century, year = m.groups()
    if year == "00":
        return f"{century} hundred"
    return f"{century} oh {year[1]}" if year[0] == "0" else f"{century} {year}"


def _round_ordinal(m: re.Match[str]) -> str:
    value = int(m[1].replace(",", ""))
    if value == 0 or value % 100:
        return m[0]
    thousands, hundreds = divmod(value, 1000)
    if not hundreds:
        return f"{thousands:,} thousandth"
    head = f"{thousands:,} thousand " if thousands else ""
    return f"{head}{hundreds // 100} hundredth"


def _unit(m: re.Match[str]) -> str:
    one, many = UNITS[m[2]]
    return f"{m[1]} {one if m[1] == '1' else many}"


def _suffix(m: re.Match[str]) -> str:
    mid_sentence = m[2] is not None
    return SUFFIXES[m[1]] + ("" if mid_sentence else ".")


def _plural_acronym(m: re.Match[str]) -> str:
    stem = m[1]
    return f"{stem.title()}s" if stem in WORD_ACRONYMS else ".".join(stem) + ".'s"


def _dotted_before_name(m: re.Match[str]) -> str:
    return m[1] + ("." if m[2] in SENTENCE_STARTERS else "")


RULES: tuple[Rule, ...] = (
    # Control characters and lone surrogates would reach the engine's UTF-8 encoder.
    rule("control characters", r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]", " "),
    rule("hyphen variants", r"[\u2010\u2011\u2212]", "-"),
    # Sentences glued without a space: "defect.Choi" -> "defect. Choi". A lower-case
    # letter, digit or closing bracket before the stop keeps "U.S." intact.
    rule("glued sentence", r"(?<=[a-z0-9)\]”’\"'])([.!?])(?=[A-Z“‘\"])", r"\1 "),
    rule("glued bracket", r"(?<=\w)\(", " ("),
    rule("glued closing bracket", r"\)(?=\w)", ") "),
    # Quotation marks are not read; apostrophes become plain ones.
    rule("quotation marks", r"[“”„‟\"«»‹›〝〞＂]", ""),
    rule("apostrophes", r"[‘’‛`´]", "'"),
    # Single quotes used as quotation marks; "'90s" keeps its apostrophe for "decades".
    rule("single quotation marks", r"(?<!\w)'(?![0-9]0s\b)|'(?!\w)", ""),
    rule("ellipsis", r"\s*(?:\.{3,}|…)\s*", "… "),
    # "2025-02-19": "t'u: T'aUz@nd tw'Ent2i f'aIv d'aS z'i@roU t'u: d'aS n'aInti:n".
    rule("ISO date", r"\b([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])\b(?!-)", _iso_date),
    # "Feb. 19": "f'Eb | n'aInti:n", a sentence pause after "feb".
    rule(
        "month abbreviation",
        rf"\b({alternatives(MONTHS)})(?:\.\s*|\s+)(?=[0-9])",
        lambda m: MONTHS[m[1]] + " ",
    ),
    # A newsreader says "February nineteenth"; "February 19": "f'Ebru:,e@ri n'aInti:n".
    rule(
        "day ordinal",
        rf"\b({'|'.join(MONTH_NAMES)}) ([1-9]|[12][0-9]|3[01])\b(?![.,:][0-9])",
        lambda m: f"{m[1]} {_ordinal(int(m[2]))}",
    ),
    # "Gov. Lee": "g'0v | l'i:"; "Ms. Kim": ",Em'Es | k'Im"; "Sen.": "s'En |".
    # ("Mr.", "Mrs.", "Dr." are read right, with only a 45 ms pause.)
    rule("title", rf"\b({alternatives(TITLES)})\.(?=\s+[A-Z])", lambda m: TITLES[m[1]]),
    # "Kim Jr.": "dZ,eI'A@"; "Apple Inc.": "'INk". The stop is kept where a sentence ends.
    rule("name suffix", rf"\b({alternatives(SUFFIXES)})\.(?=(\s+[a-z]|[,;:)])?)", _suffix),
    # "vs.": "v,i:;'Es |"; "i.e.": ",aI'i:"; "M&A deals": "'Em _and a# d'i:lz".
    rule(
        "abbreviation",
        rf"(?<!\w)(?:{alternatives(ABBREVIATIONS)})(?!\w)",
        lambda m: ABBREVIATIONS[m[0]],
    ),
    # "N. Korean": "'En | k3r'i:;@n"; KBS writes out North and South.
    rule(
        "Korea compass",
        r"\b([NS])\.\s*(?=Korea)",
        lambda m: "North " if m[1] == "N" else "South ",
    ),
    # "No. 1": "n'oU | w'Vn"; "#1": "h'aS w'Vn".
    rule("number sign", r"(?:\bNo\.|#)\s*(?=[0-9])", "number "),
    # "$3.5 billion": "d'0l3 Tr'i: pOInt f'aIv b'Ili@n"; "₩1,000": "w'0n w'Vn T'aUz@nd".
    rule(
        "currency",
        rf"(?P<us>\bUS|\bU\.S\.)?(?P<symbol>[$€£₩¥])\s?(?P<amount>{NUMBER})"
        rf"(?:\s?[-–]\s?(?P<upper>{NUMBER}))?"
        r"(?:\s(?P<scale>thousand|million|billion|trillion)|(?P<abbr>bn|tn|mn|m|k))?\b",
        _money,
    ),
    # "1/2": "w'Vn sl'aS t'u:".
    rule(
        "fraction",
        r"(?<![0-9/])[1-3]/[2-4](?![0-9/])",
        lambda m: FRACTIONS.get(m[0], m[0]),
    ),
    # "10-20%": "t'En d'aS tw'Ent2i p3s'Ent"; an en dash is not read at all.
    rule(
        "range",
        rf"(?<![\w.,\-–])({NUMBER})\s?[-–]\s?({NUMBER})(?![0-9]|[.,\-–][0-9])",
        r"\1 to \2",
    ),
    # "10:00": "t'En z'i@roU z'i@roU"; "10:05": "t'En z'i@roU f'aIv".
    rule("time", r"\b([01]?[0-9]|2[0-3]):([0-5][0-9])\b(?!:[0-9])", _time),
    # "the 1990s": "n'aInti:nh'VndrI2d n'aInti z"; "the '90s": "n'aInti z".
    rule("decade", r"\b(1[1-9]|20)([0-9])0s\b", _decade),
    rule("short decade", r"(?:'|\b)([2-9])0s\b", lambda m: TENS[m[1]]),
    # "1949": "n'aInti:nh'VndrI2d f'o@t#i n'aIn"; "1800": "w'Vn T'aUz@nd 'eIth'VndrI2d".
    # Bare four-digit numbers are years: news copy writes counts with a comma (1,949).
    # eSpeak's "two thousand twenty-five" for 20xx is fine and left alone.
    rule(
        "year",
        r"(?<![\w$€£₩¥.,:\-–])(1[1-9])([0-9]{2})(?![\w%]|[.,:][0-9]"
        r"|\s?(?:won|dollars?|euros?|pounds?|yen|percent|thousand|million|billion|trillion)\b)",
        _year,
    ),
    # "the 100th day": "w'Vnh'VndrI2d T"; "1,000th": "w'Vn T'aUz@nd T".
    rule("round ordinal", r"\b([0-9]{1,3}(?:,[0-9]{3}){1,4}|[0-9]{1,15})th\b", _round_ordinal),
    # "~5 km": "t'Ild@ f'aIv k,eI'Em".
    rule("approximately", r"~\s*(?=[0-9])", "about "),
    rule("unit", rf"\b({NUMBER})\s?({alternatives(UNITS)})\b", _unit),
    # "and/or": "and sl'aS O@"; "24/7": "tw'Ent2i f'o@ sl'aS s'Ev@n".
    rule("slash", r"\s*/\s*", " "),
    rule("ampersand", r"\s+&\s+", " and "),
    # "*breaking*": "'ast3r,Isk br'eIkIN 'ast3r,Isk"; "~": "t'Ild@".
    rule("symbols", r"[*#_|\\^~]+", " "),
    # "the ICBM said": "'aIkb@m"; dots make eSpeak spell it.
    rule(
        "spelled acronym",
        rf"\b({alternatives(SPELLED_ACRONYMS)})\b",
        lambda m: ".".join(m[1]),
    ),
    # "(POWs)": "p'aUz"; "the IDs said": "aId'i:"; "the ICBMs said": "'aIkb@m". eSpeak
    # spells "P.O.W.'s" with a plural z in any clause ("P.O.W.s" ends in "ess"; spaced
    # letters read "A" as "a#"). A word acronym becomes a word: "Natos" n'eIt#oUz.
    rule("plural acronym", r"\b([A-Z]{2,})s\b", _plural_acronym),
    # "NATO's chief": "n'eIt#oU tS'i:f", the possessive dropped.
    rule(
        "acronym possessive",
        rf"\b({alternatives(WORD_ACRONYMS)})(?='s\b)",
        lambda m: m[1].title(),
    ),
    # "the U.S. President": "j,u:'Es | pr'EzId@nt", a sentence pause (1,788 ms against
    # 1,370 ms for "U.S President"). A capitalised next word usually starts a name.
    rule(
        "dotted initialism before a name",
        r"\b((?:[A-Z]\.)+[A-Z])\.(?=\s+([A-Z][A-Za-z]*))",
        _dotted_before_name,
    ),
    # Letters either side of an en dash are a compound ("Russia–Ukraine war").
    rule("compound dash", r"(?<=\w)–(?=\w)", "-"),
    # Dashes are pauses, not symbol names.
    rule("dash", r"\s*[—–―‒]\s*|\s+-\s+|\s*--+\s*", ", "),
    rule("space before punctuation", r"\s+(?=[,.;:!?)])", ""),
    rule("doubled comma", r"([,;:(])(?:\s*,)+", r"\1"),
    rule("whitespace", r"\s+", " "),
)


def unglued(text: str) -> str:
    """``text`` as written, but with glued sentences (``defect.Choi``) given their space,
    so that captions can be cut into the same sentences as the speech."""
    return next(r for r in RULES if r.name == "glued sentence").apply(text)


def speakable(text: str, lexicon: Lexicon | None = None, voice: str | None = None) -> str:
    """The text to send to the engine for ``text`` as written, read in voice profile ``voice``.

    The lexicon goes first: its entries are written as the copy is ("USFK", "Kyiv"),
    which the rules would otherwise have rewritten, and its respellings are plain
    words the rules leave alone.
    """
    if lexicon is not None:
        text = lexicon.apply(text, voice)
    for step in RULES:
        text = step.apply(text)
    return text.strip(" ,")
