"""Caption cues laid out for the screen: a sentence shown whole when it fits, else in parts.

Common caption practice: at most :data:`LINES` lines of :data:`LINE_CHARS` characters and
:data:`MAX_CUE_S` seconds a cue, lines and cues broken where a clause ends (a comma,
semicolon, colon or dash, or before a conjunction), else between words, never inside one.
A part's times come from the sentence's own pauses (:attr:`mix.Cue.silences`) where its
clause ends in one; else from the speaking rate of the stretch around it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

from broadcaster.sound.mix import Cue, Timeline

LINE_CHARS = 42
LINES = 2
MAX_CUE_S = 7.0
SHORT_CUE_S = 1.0
"""A part shorter than this is hard to read before it goes: avoided where possible."""
MATCH_S = 1.0
"""How far a clause's pause may sit from where its characters' share of the sentence puts
it (eSpeak reads digits and abbreviations slower than their letters suggest: the pauses
paired in the corpus bulletin sit up to 0.52 s from there)."""
CLAUSE, CONJUNCTION, PHRASE, WORD, WEAK = 0, 1, 2, 3, 5
"""How bad a break is (a cue costs 1): after a clause, before a conjunction, before a
preposition, between two words, after an article or a preposition or inside a name."""
CLAUSE_ENDS = (",", ";", ":", "—", "–")
CLOSING = "\"'”’)]"
DASHES = {"-", "–", "—", "--"}
CONJUNCTIONS = {
    "and", "but", "or", "nor", "yet", "so", "because", "although", "though", "while",
    "whereas", "that", "which", "who", "whom", "whose", "where", "when", "if", "unless",
}  # fmt: skip
PREPOSITIONS = {
    "of", "to", "in", "on", "at", "for", "with", "by", "from", "about", "into", "over",
    "after", "before", "against", "without", "during", "under", "between", "through",
}  # fmt: skip
DETERMINERS = {"a", "an", "the", "its", "his", "her", "their", "our", "this", "these", "those"}


@dataclass(frozen=True)
class Caption:
    """One cue on screen."""

    start: float
    """Seconds from the start of the programme."""
    end: float
    who: str
    """The speaker's name, or the role when unnamed."""
    lines: tuple[str, ...]


def captions(timeline: Timeline, labelled: bool = False) -> list[Caption]:
    """Every sentence of the timeline as one cue or more, in order; ``labelled``: each
    cue's first line leaves room for a ``Who: `` label (half a line at least)."""
    shown = []
    for placed in timeline.sections:
        who = placed.section.speaker or placed.section.role
        first = max(LINE_CHARS - len(who) - 2, LINE_CHARS // 2) if labelled else LINE_CHARS
        for cue in placed.cues:
            shown += split(cue, who, first)
    return shown


def split(cue: Cue, who: str, first: int = LINE_CHARS) -> list[Caption]:
    """``cue``'s sentence in as few readable parts as its clauses allow, the first line of
    each at most ``first`` characters long."""
    words = cue.text.split()
    kinds = [CLAUSE] + [_kind(a, b) for a, b in pairwise(words)] + [CLAUSE]
    times = _times(words, kinds, cue)
    return [
        Caption(times[i][1], times[j][0], who, _shown(words[i:j], kinds[i : j + 1], first))
        for i, j in _parts(words, kinds, times, first)
    ]


def _shown(words: list[str], kinds: list[int], first: int) -> tuple[str, ...]:
    """The lines of one cue (a word too long for a line stands alone)."""
    laid = _lines(words, kinds, first)
    return laid[1] if laid else (" ".join(words),)


def _kind(before: str, after: str) -> int:
    """How bad a break between these two words is."""
    if before.rstrip(CLOSING).endswith(CLAUSE_ENDS) or before in DASHES or after in DASHES:
        return CLAUSE
    name = before[:1].isupper() and after[:1].isupper()
    if name or before.lower() in PREPOSITIONS | DETERMINERS:
        return WEAK
    if after.lower() in CONJUNCTIONS:
        return CONJUNCTION
    return PHRASE if after.lower() in PREPOSITIONS else WORD


def _lines(words: list[str], kinds: list[int], first: int) -> tuple[int, tuple[str, ...]] | None:
    """``words`` on one line, else on two broken at the best place (``kinds``: the badness
    of each break between them, as in :func:`split`), with how bad that break is; None if
    they cannot fit."""
    text = " ".join(words)
    if len(text) <= first:
        return CLAUSE, (text,)
    best, top = None, -1
    for k in range(1, len(words)):
        top += len(words[k - 1]) + 1
        bottom = len(text) - top - 1
        if top <= first and bottom <= LINE_CHARS:
            option = (10 * kinds[k] + abs(top - bottom), top, k)  # ties: the shorter top
            best = min(best or option, option)
    if best is None:
        return None
    k = best[2]
    return kinds[k], (" ".join(words[:k]), " ".join(words[k:]))


def _parts(
    words: list[str], kinds: list[int], times: list[tuple[float, float]], first: int
) -> list[tuple[int, int]]:
    """The cheapest way to cut ``words`` into cues that fit (a single word always does):
    each costs 1, the badness of the break that ends it and half that of its line break,
    and 2 more if it is short."""
    n = len(words)
    best, back = [0.0] + [math.inf] * n, [0] * (n + 1)
    for j in range(1, n + 1):
        for i in range(j - 1, -1, -1):
            shown = _lines(words[i:j], kinds[i : j + 1], first)
            if shown is None and j - i > 1:
                break  # longer runs fit no better
            broken = shown[0] if shown else CLAUSE
            seconds = times[j][0] - times[i][1]
            if j - i > 1 and seconds > MAX_CUE_S:
                break
            chars = sum(map(len, words[i:j])) / (LINES * LINE_CHARS)
            cost = best[i] + 1 + kinds[j] + broken / 2 + 2 * (seconds < SHORT_CUE_S) + chars**2
            if cost < best[j]:
                best[j], back[j] = cost, i
    parts, j = [], n
    while j:
        parts.append((back[j], j))
        j = back[j]
    return parts[::-1]


def _times(words: list[str], kinds: list[int], cue: Cue) -> list[tuple[float, float]]:
    """For each break between words (and the sentence's two ends): when the speech before
    it ends and the speech after it starts. A clause's break is the pause it is heard in,
    when one is found near it; any other break is placed by the share of the sentence's
    characters before it, between the nearest breaks placed from the audio."""
    at = [0]
    for word in words:
        at.append(at[-1] + len(word) + 1)
    marks = [j for j in range(1, len(words)) if kinds[j] <= CONJUNCTION]
    length = cue.end - cue.start
    expected = [cue.start + length * at[j] / at[-1] for j in marks]
    heard = {marks[m]: cue.silences[s] for m, s in _align(expected, cue.silences)}
    anchors = [(0, cue.start, cue.start), *((at[j], *heard[j]) for j in sorted(heard))]
    anchors.append((at[-1], cue.end, cue.end))
    times = []
    for j, chars in enumerate(at):
        if j in heard:
            times.append(heard[j])
            continue
        later = next(k for k, a in enumerate(anchors) if a[0] >= chars)
        (c0, _, t0), (c1, t1, _) = anchors[max(later - 1, 0)], anchors[later]
        t = t1 if chars == c1 else t0 + (t1 - t0) * (chars - c0) / (c1 - c0)
        times.append((t, t))
    return times


def _align(expected: list[float], found: tuple[tuple[float, float], ...]) -> list[tuple[int, int]]:
    """Pairs (mark, silence), in order, that put each clause in the pause nearest to where
    it is expected: the least total distance, an unpaired mark counting :data:`MATCH_S`
    (so none is paired further away than that)."""
    rows, cols = len(expected), len(found)
    cost = [[0.0] * (cols + 1) for _ in range(rows + 1)]
    for m in range(1, rows + 1):
        cost[m][0] = m * MATCH_S
        for s in range(1, cols + 1):
            paired = cost[m - 1][s - 1] + abs(expected[m - 1] - sum(found[s - 1]) / 2)
            cost[m][s] = min(paired, cost[m - 1][s] + MATCH_S, cost[m][s - 1])
    pairs, m, s = [], rows, cols
    while m and s:
        if cost[m][s] == cost[m][s - 1]:
            s -= 1
        elif cost[m][s] == cost[m - 1][s] + MATCH_S:
            m -= 1
        else:
            pairs.append((m - 1, s - 1))
            m, s = m - 1, s - 1
    return pairs[::-1]
