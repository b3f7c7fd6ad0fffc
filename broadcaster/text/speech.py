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

from broadcaster.dialects.common import TITLE_WORDS
from broadcaster.text import korean
from broadcaster.text.lexicon import Lexicon

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
    "Mt": "Mount",
    "Cpl": "Corporal",
    "Pvt": "Private",
    "Cmdr": "Commander",
    "Rev": "Reverend",
}
SUFFIXES = {
    "Jr": "Junior",
    "Sr": "Senior",
    "Inc": "Incorporated",
    "Corp": "Corporation",
    "Ave": "Avenue",
}
ABBREVIATIONS = {
    "vs.": "versus",
    "vs": "versus",
    "i.e.": "that is",
    "approx.": "approximately",
    "Approx.": "Approximately",
    "M&A": "mergers and acquisitions",
}
CODES = {"USD": "$", "EUR": "€", "GBP": "£", "KRW": "₩", "JPY": "¥"}
"""Currency codes written before an amount (``KRW 2 trillion``), as their symbols."""
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
DENOMINATORS = {
    "2": ("half", "halves"),
    "3": ("third", "thirds"),
    "4": ("quarter", "quarters"),
    "5": ("fifth", "fifths"),
    "6": ("sixth", "sixths"),
    "8": ("eighth", "eighths"),
    "10": ("tenth", "tenths"),
}
"""Other fractions are said numerator and ordinal: ``2/5`` "2 fifths", ``3/2`` "3 halves"."""
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
    "m/s": ("meter per second", "meters per second"),
    "mph": ("mile per hour", "miles per hour"),
    "°C": ("degree Celsius", "degrees Celsius"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "sq km": ("square kilometer", "square kilometers"),
    "km²": ("square kilometer", "square kilometers"),
    "sq m": ("square meter", "square meters"),
    "m²": ("square meter", "square meters"),
    "mm": ("millimeter", "millimeters"),
    "ha": ("hectare", "hectares"),
    "GW": ("gigawatt", "gigawatts"),
    "MW": ("megawatt", "megawatts"),
    "kW": ("kilowatt", "kilowatts"),
    "m": ("meter", "meters"),
    "km": ("kilometer", "kilometers"),
    "kg": ("kilogram", "kilograms"),
    "cm": ("centimeter", "centimeters"),
}
ONSETS = frozenset(
    {"BL", "BR", "CH", "CL", "CR", "DR", "DW", "FL", "FR", "GL", "GR", "GW", "KL", "KN", "KR"}
    | {"KW", "PH", "PL", "PR", "QU", "SC", "SCH", "SCR", "SH", "SHR", "SK", "SL", "SM", "SN"}
    | {"SP", "SPL", "SPR", "ST", "STR", "SW", "TH", "THR", "TR", "TW", "WH", "WR"}
)
CODAS = frozenset(
    {"CK", "CT", "FT", "LD", "LF", "LK", "LM", "LP", "LT", "MP", "ND", "NG", "NK", "NT", "PT"}
    | {"RB", "RC", "RD", "RF", "RG", "RK", "RL", "RM", "RN", "RP", "RS", "RT", "SK", "SP", "ST"}
    | {"CH", "SH", "TH", "TS", "PS", "KS", "DS", "NS", "MS", "LS", "SS", "FF", "LL"}
)
"""Consonant clusters that start and end English syllables (one consonant always can)."""
OPEN_FIRST_SYLLABLE = re.compile(
    r"^([^AEIOU]?[OU])(?=(?:[^AEIOU]|[BCDGKPT][LR]|FL|FR)[AEIOU])(?![^AEIOU][AEIOU][^AEIOU]E)"
)
"""``CO|VID``, ``KO|TRA``, ``U|NESCO``: one consonant, or a stop and a liquid, opens the
next syllable; not ``U|NICEF``, whose rest reads "nice"."""
VOWEL_RUNS = frozenset(
    {"A", "E", "I", "O", "U", "AA", "AI", "AU", "EA", "EE", "EI", "OA", "OO", "OU"}
)
SPELLED_ACRONYMS = frozenset(
    {"FOMC", "HMM", "IAEA", "ICBM", "IRBM", "UNGA", "UNSC", "USFK", "USTR", "WHO", "ROK"}
    | {"BOK", "NIS"}
)
"""Initialisms eSpeak says as a word, in some clause at least ("The WHO said": h,u: "who")."""
SENTENCE_STARTERS = frozenset(
    {"A", "An", "And", "As", "At", "But", "During", "For", "He", "Her", "His", "However", "I"}
    | {"If", "In", "It", "Its", "Meanwhile", "On", "Officials", "She", "So", "That", "The"}
    | {"Their", "There", "These", "They", "This", "Those", "We", "While", "Yet"}
)
"""Words after ``a.m.`` that mean it ended a sentence rather than started a name."""
INSTITUTIONS = frozenset(
    {"Administration", "Agency", "Air", "Armed", "Army", "Assembly", "Attorney", "Bureau"}
    | {"Capitol", "Census", "Central", "Chamber", "Coast", "Command", "Commerce", "Commission"}
    | {"Congress", "Consulate", "Council", "Court", "Customs", "Defense", "Defence", "Department"}
    | {"Deputy", "Dollar", "Election", "Embassy", "Energy", "Federal", "Food", "Foreign"}
    | {"Forces", "General", "Government", "High", "Home", "House", "Human", "Immigration"}
    | {"Intelligence", "Justice", "Marine", "Marines", "Military", "National", "Navy", "Nuclear"}
    | {"Olympic", "Open", "Parliament", "Postal", "Prime", "Refugee", "Secret", "Security"}
    | {"Senate", "Special", "State", "Strategic", "Supreme", "Trade", "Treasury", "Vice"}
)
"""Capitalised words a country's initials modify (``the U.S. Senate``, ``U.N. Security
Council``); with titles (``U.S. President``) and acronyms (``U.S. FDA``) they are the only
words before which ``U.S.`` does not end its sentence (``talks in the U.S. Hyundai said``)."""

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
    # "a $3.5 billion aid package", "$3.5-billion deal": a modifier, so "dollar".
    modifier = bool(m["article"] or m["hyphen"])
    if scale or m["upper"]:
        name = money.one if modifier else money.many
        return (m["article"] or "") + " ".join(filter(None, (amount, scale, us + name)))
    whole, _, cents = amount.partition(".")
    if money.cents and len(cents) == 2:
        return _with_cents(money, whole, cents, us)
    if m["article"] and NOUN_AFTER.match(m.string, m.end()):
        # "a $250,000 prize": "a 250,000-dollar prize", as "a 3.5 billion dollar deal".
        return f"{m['article']}{amount}{f' {us}' if us else '-'}{money.one}"
    # "won a $250,000.": "won 250,000 dollars", the article dropped as a newsreader does.
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
    if century == "20" and year[0] == "0":
        return m[0]  # "two thousand five" is how it is said
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
    one, many = UNITS[m["unit"]]
    # "a 12 km tunnel", "a 20-km march": a modifier, said "a 12-kilometer tunnel".
    if m["article"] or m["hyphen"]:
        return f"{m['article'] or ''}{m['number']}-{one}"
    return f"{m['number']} {one if m['number'] == '1' else many}"


def _day_first(m: re.Match[str]) -> str:
    """``19 February 2025`` -> ``February 19th, 2025``, the style of the rest of the copy."""
    month = MONTHS.get(m["month"][:3].title(), m["month"].title())
    if m["month"].title().startswith("May"):
        month = "May"
    year = f", {m['year']}" if m["year"] else ""
    return f"{month} {_ordinal(int(m['day']))}{year}"


def _dotted_date(m: re.Match[str]) -> str:
    """``2025.02.19`` (KBS) and ``19/02/2025`` (day first) -> ``February 19th, 2025``."""
    year, month, day = (m["y1"], m["m1"], m["d1"]) if m["y1"] else (m["y2"], m["m2"], m["d2"])
    return f"{MONTH_NAMES[int(month) - 1]} {_ordinal(int(day))}, {year}"


def _digits(m: re.Match[str]) -> str:
    """A phone number in digit groups: ``02-781-1000`` -> ``0 2, 7 8 1, 1 0 0 0``."""
    plus = "plus " if m["number"].startswith("+") else ""
    groups = re.findall(r"[0-9]+", m["number"])
    return (m.groupdict().get("lead") or "") + plus + ", ".join(" ".join(g) for g in groups)


def _fraction(m: re.Match[str]) -> str:
    whole, top, bottom = m["whole"], m["top"], m["bottom"]
    said = FRACTIONS.get(f"{top}/{bottom}")
    if said is None:
        one, many = DENOMINATORS[bottom]
        said = f"{top} {one if top == '1' else many}"
    if not whole:
        return said
    if said == "one half":
        return f"{whole} and a half"
    return f"{whole} and {said.replace('one ', 'a ')}"


def _hashtag(m: re.Match[str]) -> str:
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", m[1])
    return f"hashtag {words}"


def _address(m: re.Match[str]) -> str:
    """``world.kbs.co.kr/english`` -> ``world dot kbs dot co dot kr slash english``."""
    address = re.sub(r"^https?://", "", m[0])
    return re.sub(r"[./]", lambda s: " dot " if s[0] == "." else " slash ", address).strip()


def _street_or_saint(m: re.Match[str]) -> str:
    if m["before"]:
        return m["before"] + "Street" + ("." if m["end"] is not None else "")
    return "Saint"


def _suffix(m: re.Match[str]) -> str:
    mid_sentence = m[2] is not None
    return SUFFIXES[m[1]] + ("" if mid_sentence else ".")


def said_as_word(capitals: str) -> bool:
    """Whether newsreaders say an acronym as a word (NATO, KEPCO, SWIFT) rather than letter
    by letter (IMF, BIE, INSS): four letters or more, and it can be cut into English
    syllables (every vowel run a usual one, every consonant run a usual onset or coda)."""
    runs = re.findall(r"[AEIOU]+|[^AEIOU]+", capitals)
    vowels = [r for r in runs if r[0] in "AEIOU"]
    if len(capitals) < 4 or not vowels or not all(r in VOWEL_RUNS for r in vowels):
        return False
    first, last = runs[0], runs[-1]
    return (
        (first in vowels or _onset(first))
        and (last in vowels or _coda(last))
        and all(_syllable_break(r) for r in runs[1:-1] if r not in vowels)
    )


def _onset(consonants: str) -> bool:
    return len(consonants) == 1 or consonants in ONSETS


def _coda(consonants: str) -> bool:
    return len(consonants) == 1 or consonants in CODAS


def _syllable_break(consonants: str) -> bool:
    """A run between two vowels ends one syllable and starts the next (``SC`` in UNESCO)."""
    return any(
        (not consonants[:n] or _coda(consonants[:n]))
        and (not consonants[n:] or _onset(consonants[n:]))
        for n in range(len(consonants) + 1)
    )


def _word_acronym(m: re.Match[str]) -> str:
    """``COVID`` -> ``Co-vid``: a first syllable ending in O or U, which eSpeak shortens
    ("k'0vId", "Vn'EskoU"), gets its own part ("k'oUv'Id", "j'u:n'EskoU") unless the
    rest would then read its own vowel long (``U-nicef`` "j'u:n'aIs@f")."""
    word = m[1]
    opened = OPEN_FIRST_SYLLABLE.match(word)
    if not opened or not said_as_word(word):
        return word
    return f"{opened[1].title()}-{word[opened.end() :].lower()}"


def _plural_acronym(m: re.Match[str]) -> str:
    stem = m[1]
    return f"{stem.title()}s" if said_as_word(stem) else ".".join(stem) + ".'s"


def _dotted_before_name(m: re.Match[str]) -> str:
    following = m[2]
    acronym = len(following) > 1 and following.isupper()
    modifies = acronym or following in INSTITUTIONS or following.lower() in TITLE_WORDS
    return m[1] + ("" if modifies else ".")


NOUN_AFTER = re.compile(
    r"\s+(?!(?:to|in|of|for|from|and|or|a|an|the|per|each|on|at|by|with|than)\b)[a-z]"
)
"""A word after an amount that it may modify (``a $5 fine``), not a preposition (``a $5 to``)."""
MONTH_WORD = rf"(?:{'|'.join(MONTH_NAMES)}|(?:{alternatives(MONTHS)})\.?)"
MAGNITUDES = r"thousand|million|billion|trillion"
MEASURE = (
    rf"%|(?:percent|per cent|percentage|points?|times|fold|hundred|{MAGNITUDES}"
    rf"|{alternatives({name for money in CURRENCIES.values() for name in money[:2]})}"
    rf"|{alternatives(UNITS)})\b"
)
"""What follows a count and never a day: ``rose in March 3 percent``, ``May 5 million``."""


RULES: tuple[Rule, ...] = (
    # Control characters and lone surrogates would reach the engine's UTF-8 encoder.
    rule("control characters", r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]", " "),
    rule("hyphen variants", r"[\u2010\u2011\u2212]", "-"),
    # "world.kbs.co.kr": "w'3:ld k,eIb,i:;'Es k'oU k'A@"; read out as people say it.
    rule(
        "web address",
        r"\b(?:https?://)?(?:[a-z0-9-]+\.)+(?:com|org|net|kr|gov|edu|int|uk|jp|cn|io)"
        r"(?:/[A-Za-z0-9_/-]*[A-Za-z0-9_])?\b",
        _address,
    ),
    # "#KBSNews": "k,eIb,i:;'Es n'u:z", the sign dropped.
    rule("hashtag", r"#([A-Za-z][A-Za-z0-9_]*)", _hashtag),
    # "02-781-1000": "z'i@roU t'u: s'Ev@nh'VndrI2d 'eIti w'Vn w'Vn T'aUz@nd";
    # "call 1330": "T'3:ti:n T'3:ti" (read as a year).
    rule(
        "phone number",
        r"(?<![\w.])(?P<number>\+[0-9]{1,3}(?:[- ][0-9]{1,4}){2,4}|0[0-9]{1,2}-[0-9]{3,4}-[0-9]{4})"
        r"(?![\w-])",
        _digits,
    ),
    rule(
        "hotline number",
        r"(?P<lead>\b(?:[Cc]all|[Dd]ial|[Hh]otline|[Hh]elpline|[Tt]ext)\s+(?:at\s+|on\s+)?)"
        r"(?P<number>[0-9]{3,5})(?![\w-])",
        _digits,
    ),
    # "Ph.D.": "p,i:;'eItS d'0t d'i:" ("dot"), and the glued-sentence rule would split it.
    rule("doctorate", r"\bPh\.\s?D\.", "P.H.D."),
    # Sentences glued without a space: "defect.Choi" -> "defect. Choi". A lower-case
    # letter, digit or closing bracket before the stop keeps "U.S." intact.
    rule("glued sentence", r"(?<=[a-z0-9)\]”’\"'])([.!?])(?=[A-Z“‘\"])", r"\1 "),
    rule("glued bracket", r"(?<=\w)\(", " ("),
    rule("glued closing bracket", r"\)(?=\w)", ") "),
    # Quotation marks are not read; apostrophes become plain ones.
    rule("quotation marks", r"[“”„‟\"«»‹›〝〞＂]", ""),
    rule("apostrophes", r"[‘’‛`´]", "'"),
    # Single quotes used as quotation marks; "'90s" keeps its apostrophe for "decades",
    # "the U.S.'s role" its possessive (j,u:'Es z).
    rule("single quotation marks", r"(?<!\w)(?<![A-Z]\.)'(?![0-9]0s\b)|'(?!\w)", ""),
    rule("ellipsis", r"\s*(?:\.{3,}|…)\s*", "… "),
    # "2025-02-19": "t'u: T'aUz@nd tw'Ent2i f'aIv d'aS z'i@roU t'u: d'aS n'aInti:n".
    rule("ISO date", r"\b([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])\b(?!-)", _iso_date),
    # KBS's "2025.02.19" and day-first "19/02/2025" (non-US copy): read as slashes and
    # decimals otherwise ("t'u: T'aUz@nd tw'Ent2i f'aIv pOInt z'i@roU t'u:...").
    rule(
        "dotted or day-first date",
        r"\b(?:(?P<y1>[0-9]{4})\.(?P<m1>0?[1-9]|1[0-2])\.(?P<d1>0?[1-9]|[12][0-9]|3[01])"
        r"|(?P<d2>0?[1-9]|[12][0-9]|3[01])/(?P<m2>0?[1-9]|1[0-2])/(?P<y2>[0-9]{4}))\b(?![.,/][0-9])",
        _dotted_date,
    ),
    # "19 February 2025": "n'aInti:n f'Ebru:,e@ri"; newsreaders say "February nineteenth".
    rule(
        "day-first date",
        rf"\b(?P<day>[1-9]|[12][0-9]|3[01]) (?P<month>{MONTH_WORD})(?![\w])"
        r"(?:,? (?P<year>[0-9]{4})\b)?",
        _day_first,
    ),
    # "Feb. 19": "f'Eb | n'aInti:n", a sentence pause after "feb".
    rule(
        "month abbreviation",
        rf"\b({alternatives(MONTHS)})(?:\.\s*|\s+)(?=[0-9])",
        lambda m: MONTHS[m[1]] + " ",
    ),
    # A newsreader says "February nineteenth"; "February 19": "f'Ebru:,e@ri n'aInti:n".
    # Not a day: a count ("in March 3 percent"), or after "in" (a date takes "on").
    rule(
        "day ordinal",
        rf"(?<!\b[Ii]n )(?<!\b[Dd]uring )\b({'|'.join(MONTH_NAMES)}) ([1-9]|[12][0-9]|3[01])\b"
        rf"(?![.,:][0-9]|\s?(?:{MEASURE}))",
        lambda m: f"{m[1]} {_ordinal(int(m[2]))}",
    ),
    # "Gov. Lee": "g'0v | l'i:"; "Ms. Kim": ",Em'Es | k'Im"; "Sen.": "s'En |".
    # ("Mr.", "Mrs.", "Dr." are read right, with only a 45 ms pause.)
    rule("title", rf"\b({alternatives(TITLES)})\.(?=\s+[A-Z])", lambda m: TITLES[m[1]]),
    # "St. Louis": "s@nt |"; "Main St.": Street after a capitalised word, else Saint.
    rule(
        "street or saint",
        r"(?P<before>\b[A-Z][a-z]+\s)?\bSt\.(?P<end>(?=\s+[A-Z]|\s*$))?",
        _street_or_saint,
    ),
    # "7 a.m. Korea time": a sentence pause after "a.m."; keep it only before a new sentence.
    rule(
        "clock abbreviation before a name",
        r"\b([ap])\.m\.(?=\s+([A-Z][A-Za-z]*))",
        lambda m: f"{m[1]}.m" + ("." if m[2] in SENTENCE_STARTERS else ""),
    ),
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
    # ".5 percent": "d0tf'aIv" ("dot five").
    rule("leading decimal point", r"(?<![\w.])\.(?=[0-9])", "0."),
    # "KRW 2 trillion", "USD 500 million": the code spelled out before the amount.
    rule("currency code", rf"\b({alternatives(CODES)})\s?(?=[0-9])", lambda m: CODES[m[1]]),
    # "$5 million USD": the code repeats the currency.
    rule(
        "repeated currency code",
        rf"(?<=[$€£₩¥][0-9])([^$€£₩¥]{{0,20}}?\b(?:{MAGNITUDES})?)\s+(?:{alternatives(CODES)})\b",
        r"\1",
    ),
    # "$3.5 billion": "d'0l3 Tr'i: pOInt f'aIv b'Ili@n"; "₩1,000": "w'0n w'Vn T'aUz@nd".
    rule(
        "currency",
        rf"(?P<article>\b[Aa]n? )?(?P<us>\bUS|\bU\.S\.)?(?P<symbol>[$€£₩¥])\s?(?P<amount>{NUMBER})"
        rf"(?:\s?[-–]\s?[$€£₩¥]?(?P<upper>{NUMBER}))?"
        rf"(?:(?P<hyphen>-)?\s?(?P<scale>{MAGNITUDES})|(?P<abbr>bn|tn|mn|m|k))?\b",
        _money,
    ),
    # "3.2m people", "1.5bn": "Tr'i: pOInt t'u: 'Em"; bn/tn/mn always, m/k after a decimal.
    rule(
        "scale abbreviation",
        r"\b([0-9]+(?:\.[0-9]+)?(?=bn|tn|mn)|[0-9]+\.[0-9]+(?=[mk]\b))(bn|tn|mn|m|k)\b",
        lambda m: f"{m[1]} {SCALES[m[2]]}",
    ),
    # "3%-5%": "Tr'i: p3s'Ent f'aIv p3s'Ent"; "50-50": "f'Ifti t'u: f'Ifti".
    rule("percent range", rf"({NUMBER})%\s?[-–]\s?({NUMBER})%", r"\1 to \2%"),
    rule("even split", r"\b([0-9]+)-\1\b(?![-0-9])", r"\1 \1"),
    # "1/2": "w'Vn sl'aS t'u:".
    rule(
        "fraction",
        r"(?:(?<![0-9/.,])(?P<whole>[0-9]+) )?(?<![0-9/])(?P<top>[1-9])/(?P<bottom>[2-68]|10)"
        r"(?![0-9/])",
        _fraction,
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
    # 2010-2099 are said "twenty thirty" ("t'u: T'aUz@nd T'3:ti" as written); 2000-2009
    # stay "two thousand five".
    rule(
        "year",
        r"(?<![\w$€£₩¥.,:\-–])(1[1-9]|20)([0-9]{2})(?![\w%]|[.,:][0-9]"
        r"|\s?(?:won|dollars?|euros?|pounds?|yen|percent|thousand|million|billion|trillion)\b)",
        _year,
    ),
    # "the 100th day": "w'Vnh'VndrI2d T"; "1,000th": "w'Vn T'aUz@nd T".
    rule("round ordinal", r"\b([0-9]{1,3}(?:,[0-9]{3}){1,4}|[0-9]{1,15})th\b", _round_ordinal),
    # "~5 km": "t'Ild@ f'aIv k,eI'Em".
    rule("approximately", r"~\s*(?=[0-9])", "about "),
    rule(
        "unit",
        rf"(?P<article>\b[Aa]n? )?\b(?P<number>{NUMBER})(?:(?P<hyphen>-)|\s?)"
        rf"(?P<unit>{alternatives(UNITS)})(?![\w/])",
        _unit,
    ),
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
    # "COVID": "k'0vId", "KOTRA": "k'0tr@", "UNESCO": "Vn'EskoU", "OPEC": "'oUp@k".
    rule("acronym said as a word", r"\b([A-Z]{4,})(?=(?:'?s)?\b)", _word_acronym),
    # "(POWs)": "p'aUz"; "the IDs said": "aId'i:"; "the ICBMs said": "'aIkb@m". eSpeak
    # spells "P.O.W.'s" with a plural z in any clause ("P.O.W.s" ends in "ess"; spaced
    # letters read "A" as "a#"). A word acronym becomes a word: "Natos" n'eIt#oUz
    # ("KEPCOs" was spelled "k,eI,i:p'i:s,i:;'oU z").
    rule("plural acronym", r"\b([A-Z]{2,})s\b", _plural_acronym),
    # "NATO's chief": "n'eIt#oU tS'i:f", "SWIFT's": "sw'Ift", "KEPCO's": "k'EpkoU": the
    # possessive of any acronym said as a word is dropped ("IMF's" keeps it: spelled).
    rule(
        "acronym possessive",
        r"\b([A-Z]{2,})(?='s\b)",
        lambda m: m[1].title() if said_as_word(m[1]) else m[1],
    ),
    # "the U.S. President": "j,u:'Es | pr'EzId@nt", a sentence pause (1,788 ms against
    # 1,370 ms for "U.S President"). The stop goes only before a word the initials modify;
    # before any other capitalised word the sentence ends there ("the U.K. Then").
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
    words the rules leave alone. Romanised Korean is respelled syllable by syllable
    (broadcaster/text/korean.py) everywhere the lexicon has no entry.
    """
    if lexicon is not None:
        text = lexicon.apply(text, voice, between=korean.respell)
    else:
        text = korean.respell(text)
    for step in RULES:
        text = step.apply(text)
    return text.strip(" ,")
