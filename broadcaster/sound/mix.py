"""Mixing: synthesised sections -> the programme, streamed block by block.

The programme is never held whole: sections arrive in parts of a few seconds as the
engine makes them, each is levelled (:class:`Leveller`, in numpy: the limiter works on
floats), laid out with its pauses, stings and bed and given its balance gain in pydub,
and handed to a sink (the encoder) and the loudness meter, so memory stays flat however
long the bulletin. What remains is the timeline: where every story,
section and sentence sits.

Order of a render: lead-in silence, opening sting, then the stories (a transition sting
between two stories, with a pause either side), each story's sections separated by
section pauses and their sentences by sentence pauses, ``[pause]`` markers adding their
own silence, then the closing sting and a tail of silence. The bed, when asked for,
plays under the anchor's sections and dips while anyone speaks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from itertools import chain

import numpy as np

from broadcaster.audio import AudioSegment, overlay, samples_of, segment_of, silent
from broadcaster.sound import loudness

RATE = 22050
"""The programme's sample rate (eSpeak's own): the encoder converts to the output's."""
WIDTH = 4
"""Bytes per sample of what the mixer assembles in pydub: 32-bit, not 16. Measured on
producer-harbour-evening with the generated bed, as 22,050 Hz WAV, against the same mix
in float64 rounded once: in 16 bits (levelled speech, the bed and the balance gain each
quantised, pydub's gain flooring) 33 % of the samples differ, 0.58 LSB rms, mean -0.32
LSB; in 32 bits 3 samples in 1.14 million differ, by 1 LSB (the encoder's one rounding
to 16 bits is the only one that counts)."""
STING_BELOW_LU = 0.0
"""Stings sit this far below the speech (level with it: the programme keeps its target)."""
BED_BELOW_LU = 16.0
"""The bed's level between sentences, below the speech."""
BED_DUCK_DB = 12.0
"""How much further the bed dips while anyone speaks."""
BED_RAMP_S = 0.15
PAUSE_BELOW_DB = 30.0
"""A 10 ms frame this far below a clip's loud frames (its 90th percentile) is silent:
relative, because eSpeak's breathy variants (+f2, +f4) never fall to digital silence."""
PAUSE_MIN_S = 0.08
"""The shortest silence kept as a clause pause. Measured across the shipped cast: eSpeak
pauses 0.09-0.35 s at commas, colons, semicolons, dashes and before some conjunctions;
its stop consonants close for at most 0.06 s."""
BALANCE_DB = (-2.0, 0.5)
"""How far a part's gain may move to keep the programme on target: a few tenths as a rule
(a short turn needs more, its edges counting silence; what it cannot take is spread over
the parts after it), and never up by more than the voices' true-peak headroom allows."""


@dataclass(frozen=True)
class Pauses:
    """Silences of the programme, in milliseconds."""

    lead_in_ms: int = 400
    """Before the first sound."""
    sentence_ms: int = 350
    """Between two sentences of one speaker."""
    section_ms: int = 700
    """Between two speakers of one story."""
    story_ms: int = 1200
    """Between two stories (either side of the transition, when there is one)."""
    sting_ms: int = 600
    """Between a sting and the speech it opens or closes."""
    tail_ms: int = 1000
    """After the last sound."""


@dataclass(frozen=True)
class Sound:
    """How the programme sounds."""

    target_lufs: float = -16.0
    """Integrated loudness every voice (and so the programme) is levelled to."""
    pauses: Pauses = field(default_factory=Pauses)
    """The silences."""
    stings: dict[str, np.ndarray] = field(default_factory=dict)
    """``sting-open``, ``sting-close``, ``transition`` samples; empty: voices only."""
    bed: np.ndarray | None = None
    """The bed under the anchor, looped; None: no bed."""


@dataclass(frozen=True)
class Section:
    """One segment's speech, synthesised sentence by sentence."""

    story: int
    """1-based story number."""
    role: str
    """anchor, reporter or soundbite."""
    speaker: str | None
    """The person, when named."""
    voice: str
    """The voice profile."""
    text: str
    """The words as written."""
    spoken: str
    """The text sent to the engine."""
    sentences: list[tuple[str, np.ndarray]]
    """Each sentence's spoken text and its float samples at :data:`RATE`, trimmed."""
    pause_ms: int = 0
    """A ``[pause]`` before it."""
    continues: bool = False
    """The same speaker as the section before, split from it only by a pause marker."""
    part: int = 0
    """0 for a segment's first part; a long segment comes in parts of a few seconds each,
    so the programme is mixed and encoded while the rest of it is synthesised."""
    ends: bool = True
    """The segment's last part."""


@dataclass(frozen=True)
class Cue:
    """One sentence on the timeline."""

    start: float
    """Seconds from the start of the programme."""
    end: float
    text: str
    silences: tuple[tuple[float, float], ...] = ()
    """The pauses inside the sentence (start, end), in seconds from the start of the
    programme: where its clauses meet, for captions that show a sentence in parts."""


@dataclass
class Placed:
    """A section on the timeline."""

    section: Section
    start: float
    end: float
    cues: list[Cue]


@dataclass
class StorySpan:
    """A story's chapter: from its transition (or first word) to the next story."""

    index: int
    title: str | None
    start: float
    end: float = 0.0


@dataclass
class Timeline:
    """Where everything sits, filled in while the programme streams."""

    stories: list[StorySpan] = field(default_factory=list)
    sections: list[Placed] = field(default_factory=list)
    duration: float = 0.0


def speech(section: Section, pauses: Pauses) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The section's sentences joined by sentence pauses, as float samples for the meter,
    and each sentence's span in them."""
    joined, spans = _joined(section, pauses)
    return samples_of(joined), spans


def _joined(
    section: Section, pauses: Pauses, lead: int = 0
) -> tuple[AudioSegment, list[tuple[int, int]]]:
    """``lead`` samples of silence, then the section's sentences joined by sentence
    pauses; each sentence's span in it. A part holds a few seconds, so joining it one
    piece at a time (each join copies what came before) costs little."""
    step = _samples(pauses.sentence_ms)
    gap = _silent(step)
    joined, spans, at = _silent(lead), [], lead
    for n, (_, clip) in enumerate(section.sentences):
        if n:
            joined += gap
            at += step
        joined += segment_of(clip, RATE, WIDTH)
        spans.append((at, at + clip.size))
        at += clip.size
    return joined, spans


class Mixer:
    """Lays sections out on the timeline and streams the samples to ``sink``."""

    def __init__(
        self,
        sound: Sound,
        sink: Callable[[np.ndarray], None],
        framed: bool,
        makeup: Future | None = None,
    ) -> None:
        self.sound = sound
        self.sink = sink
        self.framed = framed
        self.makeup_db = 0.0
        """What the codec takes away (LU), as ``makeup`` measured it: the programme is
        levelled this much above the target, so the listener decodes it on target."""
        self._makeup = makeup
        self.meter = loudness.Meter(RATE)
        """What the mixer has sent to the sink."""
        self.timeline = Timeline()
        self.position = 0
        self._bed_at = 0
        self._story = 0
        self._level = sound.target_lufs
        self._leveller = Leveller(sound)
        self._stings: dict[str, AudioSegment] = {}
        self._bed: np.ndarray | None = None

    def run(self, sections: Iterable[Section], titles: list[str | None]) -> Timeline:
        """Level and stream the whole programme (``sections`` as synthesised); returns
        its timeline."""
        pauses = self.sound.pauses
        marked = _marking_last(sections)
        first = next(marked, None)  # asking for it hands the codec probe its excerpt
        self._settle()
        if self.framed:
            self._silence(pauses.lead_in_ms)
            self._sting("sting-open", after_ms=pauses.sting_ms)
        for section, last in chain([first] if first else [], marked):
            self._section(self._leveller(section), titles, last)
        if self.framed:
            self._sting("sting-close", before_ms=pauses.sting_ms)
            self._silence(pauses.tail_ms)
        self.timeline.duration = self.position / RATE
        if self.timeline.stories:
            self.timeline.stories[-1].end = self.timeline.duration
        return self.timeline

    @property
    def measured(self) -> loudness.Measurement:
        """The loudness and true peak of what went to the sink."""
        return self.meter.result()

    def _settle(self) -> None:
        """Wait for the codec's makeup, then level voices, stings and bed to the target
        plus it, all from the first sample: applied at a point that hung on when the
        probe's thread finished, it made two runs' files differ, and the parts before it
        were made up for only within :data:`BALANCE_DB`."""
        if self._makeup is not None:
            self.makeup_db = self._makeup.result()
        self._level = self.sound.target_lufs + self.makeup_db
        self._leveller = Leveller(replace(self.sound, target_lufs=self._level))
        self._stings = {
            kind: segment_of(
                loudness.level(samples, RATE, self._level - STING_BELOW_LU), RATE, WIDTH
            )
            for kind, samples in self.sound.stings.items()
        }
        if self.sound.bed is not None:
            self._bed = _bed_level(self.sound.bed, self._level)

    def _section(self, section: Section, titles: list[str | None], last: bool) -> None:
        pauses = self.sound.pauses
        lead = 0
        if section.part:
            lead = _samples(pauses.sentence_ms)  # inside the part: the bed plays on under it
        else:
            if section.story != self._story:
                self._open_story(section.story, titles[section.story - 1])
            elif self.timeline.sections:
                self._silence(pauses.sentence_ms if section.continues else pauses.section_ms)
            self._silence(section.pause_ms)
        part, spans = _joined(section, pauses, lead)
        if self._bed is not None and section.role == "anchor":
            bed = self._bed_under(int(part.frame_count()), spans, not section.part, section.ends)
            part = overlay(part, segment_of(bed, RATE, WIDTH))
        part = part.apply_gain(self._balance(samples_of(part), last))
        start = self.position
        cues = [
            _cue(start + a, clip, text)
            for (a, _), (text, clip) in zip(spans, section.sentences, strict=True)
        ]
        self._emit(part)
        if section.part:
            placed = self.timeline.sections[-1]
            placed.end = self.position / RATE
            placed.cues.extend(cues)
        else:
            heard = replace(section, sentences=[])  # the timeline keeps no samples
            self.timeline.sections.append(Placed(heard, start / RATE, self.position / RATE, cues))

    def _balance(self, samples: np.ndarray, last: bool) -> float:
        """The gain (dB) that keeps the programme so far on target once this section is heard.

        Each voice is levelled alone, so the whole programme, gated as one (stings and
        short turns included), lands a few tenths off; each section makes up the
        difference so far, the last one counting the closing sting after it, so the
        programme ends on target without measuring it whole before encoding.
        """
        after = None
        if last and self.framed and "sting-close" in self._stings:
            gap = _silent(_samples(self.sound.pauses.sting_ms))
            after = samples_of(gap + self._stings["sting-close"])
        found = self.meter.gain_for(samples, self._level, after)
        return float(np.clip(found, *BALANCE_DB))

    def _open_story(self, index: int, title: str | None) -> None:
        pauses = self.sound.pauses
        first = self._story == 0
        if not first:
            self.timeline.stories[-1].end = self.position / RATE
        start = 0.0 if first and self.framed else self.position / RATE
        self.timeline.stories.append(StorySpan(index, title, start))
        if not first:
            self._silence(pauses.story_ms)
            if "transition" in self._stings:
                self._sting("transition", after_ms=pauses.story_ms)
        self._story = index

    def _sting(self, kind: str, before_ms: int = 0, after_ms: int = 0) -> None:
        if kind in self._stings:
            self._silence(before_ms)
            self._emit(self._stings[kind])
            self._silence(after_ms)

    def _silence(self, ms: int) -> None:
        """``ms`` of silence, streamed a second at a time: never held whole (a
        ``[pause 1800s]`` took a render to 1.46 GB, the meter oversampling it whole)."""
        left = _samples(ms)
        while left > 0:
            self._emit(_silent(min(left, RATE)))
            left -= RATE

    def _emit(self, segment: AudioSegment) -> None:
        """Meter ``segment`` and send it to the sink (float samples, which the encoder
        rounds to 16 bits once)."""
        samples = samples_of(segment)
        self.meter.feed(samples)
        self.sink(samples)
        self.position += samples.size

    def _bed_under(
        self, size: int, spans: list[tuple[int, int]], fade_in: bool, fade_out: bool
    ) -> np.ndarray:
        """The looped bed for ``size`` samples, dipping under each sentence, faded in at
        the start of a section and out at its end: float samples, a gain for each (pydub
        has only one gain for a whole segment, and fades in steps of 1 ms)."""
        loop = self._bed
        index = (self._bed_at + np.arange(size)) % loop.size
        self._bed_at = (self._bed_at + size) % loop.size
        speaking = np.zeros(size)
        for a, b in spans:
            speaking[a:b] = 1.0
        ramp = max(1, round(BED_RAMP_S * RATE))
        kernel = np.ones(ramp) / ramp
        speaking = np.minimum(1.0, np.convolve(speaking, kernel, mode="same") * 2)
        gain = 10 ** (-BED_DUCK_DB * speaking / 20)
        edges = np.ones(size)
        if fade_in:
            edges = np.minimum(edges, np.arange(size) / ramp)
        if fade_out:
            edges = np.minimum(edges, np.arange(size)[::-1] / ramp)
        return loop[index] * gain * edges


def _marking_last(sections: Iterable[Section]) -> Iterator[tuple[Section, bool]]:
    """Each section, and whether it is the last (one section of look-ahead)."""
    items = iter(sections)
    current = next(items, None)
    while current is not None:
        following = next(items, None)
        yield current, following is None
        current = following


class Leveller:
    """Every voice at the target loudness, under the true-peak ceiling.

    Each part of a section is levelled as it arrives, so that everything its voice has
    said so far in the programme sits at the target: a voice keeps nearly the same gain
    from part to part (eSpeak reads at a steady level), and no speaker is louder than
    another.
    """

    def __init__(self, sound: Sound) -> None:
        self.sound = sound
        self._heard: dict[str, list[float]] = {}

    def __call__(self, section: Section) -> Section:
        samples, spans = speech(section, self.sound.pauses)
        heard = self._heard.setdefault(section.voice, [])
        samples = loudness.level(samples, RATE, self.sound.target_lufs, heard=heard)
        samples = samples.astype(np.float32)
        sentences = [
            (text, samples[a:b]) for (a, b), (text, _) in zip(spans, section.sentences, strict=True)
        ]
        return replace(section, sentences=sentences)


def _cue(at: int, clip: np.ndarray, text: str) -> Cue:
    """The sentence ``clip`` placed at sample ``at`` of the programme."""
    start = at / RATE
    pauses = tuple((start + a, start + b) for a, b in silences(clip))
    return Cue(start, (at + clip.size) / RATE, text, pauses)


def silences(clip: np.ndarray) -> list[tuple[float, float]]:
    """Each pause in ``clip`` of :data:`PAUSE_MIN_S` or longer, (start, end) in seconds."""
    frame = RATE // 100
    frames = clip[: clip.size // frame * frame].reshape(-1, frame)
    if not frames.size:
        return []
    level = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)
    quiet = (level < np.percentile(level, 90) - PAUSE_BELOW_DB).astype(np.int8)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], quiet, [0])))) * frame / RATE
    return [(a, b) for a, b in edges.reshape(-1, 2).tolist() if b - a >= PAUSE_MIN_S]


def _bed_level(bed: np.ndarray, target: float) -> np.ndarray:
    found = loudness.loudness(bed, RATE)
    if found == loudness.SILENT:
        return bed
    return bed * 10 ** ((target - BED_BELOW_LU - found) / 20)


def _samples(ms: int) -> int:
    return RATE * ms // 1000


def _silent(frames: int) -> AudioSegment:
    return silent(frames, RATE, WIDTH)


def sentence_samples(clip: AudioSegment) -> np.ndarray:
    """An engine's clip as float samples at :data:`RATE`, :func:`trimmed`."""
    if clip.frame_rate != RATE:
        clip = clip.set_frame_rate(RATE)
    return trimmed(samples_of(clip))


def trimmed(samples: np.ndarray, threshold: float = 1e-3, keep_s: float = 0.01) -> np.ndarray:
    """A clip without the silence the engine put around it (eSpeak adds ~30 ms before and
    ~350 ms after every call): pauses are the mixer's to set."""
    loud = np.flatnonzero(np.abs(samples) >= threshold)
    if not loud.size:
        return samples[:0]
    keep = round(keep_s * RATE)
    return samples[max(0, loud[0] - keep) : loud[-1] + 1 + keep]
