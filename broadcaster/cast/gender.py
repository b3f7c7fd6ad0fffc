"""Who is a woman and who is a man, so that casting can give each a fitting voice.

In order: a pin; the transcript itself (an honorific, a gendered noun beside the
name, pronouns that refer back to the person); their first name in names-dataset;
otherwise unknown, and any voice will do.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from broadcaster.script import Bulletin, Segment

Gender = str  # "female" | "male"
GENDERS: tuple[Gender, ...] = ("female", "male")
DECISIVE = 0.8
"""A first name decides when at least this share of its bearers are one gender."""

HONORIFICS = {
    "mr": "male", "mister": "male", "sir": "male", "lord": "male",
    "mrs": "female", "ms": "female", "miss": "female", "madam": "female",
    "madame": "female", "dame": "female", "lady": "female",
}  # fmt: skip
NOUNS = {
    "spokeswoman": "female", "spokesman": "male", "chairwoman": "female", "chairman": "male",
    "congresswoman": "female", "congressman": "male", "councilwoman": "female",
    "councilman": "male", "businesswoman": "female", "businessman": "male",
    "policewoman": "female", "policeman": "male", "sportswoman": "female",
    "sportsman": "male", "fisherman": "male", "actress": "female", "widow": "female",
    "widower": "male", "mother": "female", "father": "male", "grandmother": "female",
    "grandfather": "male", "wife": "female", "husband": "male", "daughter": "female",
    "son": "male", "sister": "female", "brother": "male", "aunt": "female", "uncle": "male",
    "niece": "female", "nephew": "male", "woman": "female", "man": "male", "girl": "female",
    "boy": "male", "queen": "female", "king": "male", "princess": "female", "prince": "male",
}  # fmt: skip
PRONOUNS = {
    "she": "female", "her": "female", "hers": "female", "herself": "female",
    "he": "male", "him": "male", "his": "male", "himself": "male",
}  # fmt: skip
PRONOUN = re.compile(rf"\b({'|'.join(PRONOUNS)})\b", re.IGNORECASE)
SENTENCE = re.compile(r"(?<=[.!?])[\"”’']?\s*(?=[A-Z\"“‘'(])")
UNNAMED = frozenset({"unidentified", "unnamed", "anonymous", "unknown"})
"""Words that start a description of someone unnamed (``Unidentified Woman #2``)."""
KOREAN_SURNAMES = frozenset(
    [
        "kim",
        "lee",
        "yi",
        "park",
        "pak",
        "choi",
        "choe",
        "jung",
        "jeong",
        "chung",
        "kang",
        "cho",
        "jo",
        "yoon",
        "yun",
        "jang",
        "chang",
        "lim",
        "im",
        "han",
        "oh",
        "seo",
        "suh",
        "shin",
        "sin",
        "kwon",
        "hwang",
        "ahn",
        "an",
        "song",
        "yoo",
        "yu",
        "ryu",
        "hong",
        "jeon",
        "jun",
        "ko",
        "go",
        "moon",
        "mun",
        "yang",
        "son",
        "bae",
        "baek",
        "paek",
        "heo",
        "hur",
        "nam",
        "noh",
        "roh",
        "ha",
        "kwak",
        "sung",
        "seong",
        "cha",
        "joo",
        "ju",
        "woo",
        "koo",
        "gu",
        "min",
        "na",
        "jin",
        "ji",
        "um",
        "eom",
        "chae",
        "won",
        "cheon",
        "bang",
        "gong",
        "hyun",
        "ham",
        "yeo",
        "chu",
        "do",
        "seok",
        "sun",
        "seol",
        "ma",
        "gil",
        "wi",
        "pyo",
        "myung",
        "ki",
        "ban",
        "ra",
        "wang",
        "geum",
        "ok",
        "yook",
        "in",
        "maeng",
        "je",
        "mo",
        "tak",
        "guk",
        "eo",
        "pyeon",
    ]
)


@dataclass(frozen=True)
class Guess:
    """A person's inferred gender and the evidence for it."""

    gender: Gender | None
    """``female``, ``male`` or None (unknown: any voice)."""
    why: str
    """Where it came from, for ``inspect``."""


def person_key(segment: Segment) -> str:
    """Who speaks: the named person, or the unnamed voice of a role (one anchor, ...)."""
    return segment.speaker.casefold() if segment.speaker else f"({segment.role})"


def infer(
    bulletin: Bulletin,
    pinned: Mapping[str, Gender],
    first_names=None,
) -> dict[str, Guess]:
    """A guess for every speaker of ``bulletin``, keyed by :func:`person_key`.

    ``pinned`` maps person keys to a gender given by a pin; ``first_names`` is a
    function from a first name to the share of women bearing it (default: names-dataset).
    """
    people = {person_key(s): s.speaker for _, s in bulletin.segments()}
    texts = [s.text for _, s in bulletin.segments()] + [s.text for s in bulletin.skipped]
    votes = _pronoun_votes(bulletin, people)
    guesses = {}
    for key, name in people.items():
        if key in pinned:
            guesses[key] = Guess(pinned[key], "pinned")
        elif not name:
            guesses[key] = Guess(None, "unnamed")
        else:
            guesses[key] = _from_text(name, texts, votes.get(key, Counter())) or _from_name(
                name, first_names
            )
    return guesses


def _from_text(name: str, texts: list[str], votes: Counter) -> Guess | None:
    words = _name_words(name)
    if not words:
        return None
    if words[0].lower() in UNNAMED or any(w.islower() for w in words):
        described = next((w for w in words if w.lower() in NOUNS), None)
        if described:
            return Guess(NOUNS[described.lower()], f"described as {described!r}")
    alias = "|".join(re.escape(w) for w in {" ".join(words), words[-1], words[0]})
    for text in texts:
        for found in re.finditer(rf"\b(\w+)\.?\s+(?:{alias})\b", text, re.IGNORECASE):
            gender = HONORIFICS.get(found[1].lower())
            if gender:
                return Guess(gender, f"honorific {found[1]!r} in the transcript")
    for text in texts:
        near = re.search(
            rf"\b(\w+)\s+(?:{alias})\b|\b(?:{alias}),?\s+(?:an?|the|his|her)\s+(?:[\w-]+\s+)?(\w+)",
            text,
            re.IGNORECASE,
        )
        noun = near and (near[1] or near[2]).lower()
        if noun in NOUNS:
            return Guess(NOUNS[noun], f"described as {noun!r} in the transcript")
    if votes:
        (top, count), *rest = votes.most_common()
        if not rest or rest[0][1] < count:
            return Guess(top, f"referred to as {'she' if top == 'female' else 'he'} ({count}x)")
    return None


def _from_name(name: str, first_names) -> Guess:
    first = given_name(name)
    if first is None:
        return Guess(None, "no first name")
    if first_names is None:
        from broadcaster.cast.names import female_share as first_names
    share = first_names(first)
    if share is None:
        return Guess(None, f"first name {first!r} not in names-dataset")
    if share >= DECISIVE:
        return Guess("female", f"first name {first!r}: {share:.0%} women in names-dataset")
    if share <= 1 - DECISIVE:
        return Guess("male", f"first name {first!r}: {1 - share:.0%} men in names-dataset")
    return Guess(None, f"first name {first!r} is given to women and men alike")


def given_name(name: str) -> str | None:
    """The given name to look up: ``Helen`` of Helen Marsh, ``Seoyeon`` of Park Seo-yeon."""
    words = _name_words(name)
    described = any(w.islower() for w in words)  # "Hotel employee", "Crane operator"
    if len(words) < 2 or len(words[0]) < 2 or words[0].lower() in UNNAMED or described:
        return None
    if words[0].lower() in KOREAN_SURNAMES or any("-" in w for w in words[1:]):
        return "".join(words[1:]).replace("-", "").title()
    return words[0].replace("-", "").title()


def _name_words(name: str) -> list[str]:
    words = re.findall(r"[^\W\d_][\w'’-]*", name)
    while words and words[0].lower().rstrip(".") in {*HONORIFICS, "dr", "prof"}:
        words.pop(0)
    return words


def _pronoun_votes(bulletin: Bulletin, people: Mapping[str, str | None]) -> dict[str, Counter]:
    """Pronouns that refer back to a person: right after their turn, or after their name."""
    votes: dict[str, Counter] = {}
    for story in bulletin.stories:
        segments = story.segments
        for i, segment in enumerate(segments):
            key = person_key(segment)
            after = segments[i + 1] if i + 1 < len(segments) else None
            if segment.speaker and after and person_key(after) != key:
                first = next(_sentences(after.text), "")
                if (pronoun := PRONOUN.search(first)) and not _mentions_other(first, people, key):
                    votes.setdefault(key, Counter())[PRONOUNS[pronoun[1].lower()]] += 1
            for other, gender in _mentioned(segment, people):
                votes.setdefault(other, Counter())[gender] += 1
    return votes


def _mentioned(segment: Segment, people: Mapping[str, str | None]) -> Iterator[tuple[str, str]]:
    """(person, gender) for each pronoun that follows a person's name in another's turn."""
    sentences = list(_sentences(segment.text))
    for key, name in people.items():
        if not name or key == person_key(segment):
            continue
        words = _name_words(name)
        alias = re.compile(rf"\b(?:{re.escape(' '.join(words))}|{re.escape(words[-1])})\b")
        for n, sentence in enumerate(sentences):
            found = alias.search(sentence) if words else None
            if not found:
                continue
            rest = sentence[found.end() :]
            if not PRONOUN.search(rest) and n + 1 < len(sentences):
                rest = sentences[n + 1]
                if _mentions_other(rest, people, key):
                    continue
            if pronoun := PRONOUN.search(rest):
                yield key, PRONOUNS[pronoun[1].lower()]


def _mentions_other(text: str, people: Mapping[str, str | None], key: str) -> bool:
    return any(
        name and k != key and re.search(rf"\b{re.escape(_name_words(name)[-1])}\b", text)
        for k, name in people.items()
        if name and _name_words(name)
    )


def _sentences(text: str) -> Iterator[str]:
    return (s for s in SENTENCE.split(text) if s.strip())
