"""The eSpeak NG engine: pyttsx3 driving eSpeak NG, with every known quirk handled here.

This is the only module that imports pyttsx3. The quirks it hides are measured in
``ENGINE-NOTES.md``; each workaround below cites the upstream issue that forced it.
"""

from __future__ import annotations

import atexit
import ctypes
import difflib
import glob
import os
import re
import threading
from collections import Counter
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from broadcaster.audio import AudioSegment
from broadcaster.engines import Delivery, EngineInfo, EngineVoice, key_of
from broadcaster.errors import EngineError, VoiceError

SAMPLE_RATE = 22050
"""pyttsx3's espeak driver always writes 16-bit mono WAV at this rate."""
SONAME = "libespeak-ng.so.1"
SYSTEM_DATA_DIRS = (
    "/usr/lib/*/espeak-ng-data",
    "/usr/share/espeak-ng-data",
    "/usr/local/share/espeak-ng-data",
)
LIBRARY_ENV = "BROADCASTER_ESPEAK_LIBRARY"
"""Path of a libespeak-ng to use instead of the system's or the wheel's."""
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
"""Control characters: Ctrl-A would start an eSpeak embedded command."""
CHARS_UTF8 = 1
"""espeak_TextToPhonemes text mode: UTF-8."""
PHONEMES_IPA = 0x02
"""espeak_TextToPhonemes phoneme mode: IPA (else eSpeak's mnemonics)."""
DATA_ENV = "ESPEAK_DATA_PATH"
"""eSpeak NG's own variable for its data folder."""
CLAUSE_END = re.compile(r"(\.\.+|…|[.?!,:;—])[.?!…]*[\s\"'”’)\]]*$")
"""The punctuation that ended a clause, before any closing quotes and brackets.

As in eSpeak's ReadClause: of ``?!`` runs the first counts, an ellipsis (``…``, or two
dots or more) and an em dash are clause breaks, the dash read as a semicolon."""
TERMINATORS = {".": ".", "?": "?", "!": "!", ",": ",", ":": ":", ";": ";", "—": ";"}
"""Clause-ending punctuation -> the mark kept with the phonemes (an ellipsis keeps none)."""
SENTENCE_ENDS = (".", "?", "!")
SEED = 1
"""eSpeak's random numbers (breathiness and noise in variants such as +f2) start from this
before every clip, so a clip depends on its text and voice alone: not on the clock, nor on
what the process synthesised before (measured: the same sentence three times in a row came
out 73952, 73958 and 73960 samples long, and the wheel's build seeds from the clock)."""


@dataclass(frozen=True)
class Clause:
    """One clause of a text as eSpeak reads it."""

    phonemes: str
    """Its phonemes (IPA or eSpeak's mnemonics); empty if it has nothing to say."""
    terminator: str
    """The punctuation that ended it: one of ``. ? ! , : ;``, or empty (none, an ellipsis)."""
    ends_sentence: bool
    """Whether a sentence ends with it (``. ? !`` or the end of the text)."""


def _has_data(folder: str | None) -> bool:
    return bool(folder) and Path(folder, "phontab").is_file()


def _loaded_path(fragment: str) -> str | None:
    """The file a loaded shared library came from, read from the process map."""
    try:
        lines = Path("/proc/self/maps").read_text().splitlines()
    except OSError:
        return None
    paths = {line.split()[-1] for line in lines if fragment in line}
    return sorted(paths)[0] if paths else None


def _locate() -> tuple[str, str, str]:
    """Load libespeak-ng globally and return (library, source, data folder).

    pyttsx3 finds the library by soname, so whatever is loaded here with
    RTLD_GLOBAL is what it will use. libespeak-ng calls exit(1) when its data
    folder is missing, so the folder is checked before anything initialises it.
    """
    override = os.environ.get(LIBRARY_ENV)
    if override:
        return _load(override, LIBRARY_ENV, os.environ.get(DATA_ENV))
    try:
        ctypes.CDLL(SONAME, mode=ctypes.RTLD_GLOBAL)
    except OSError:
        import espeakng_loader

        data = os.environ.get(DATA_ENV) or espeakng_loader.get_data_path()
        return _load(espeakng_loader.get_library_path(), "espeakng-loader wheel", data)
    found = [d for pattern in SYSTEM_DATA_DIRS for d in sorted(glob.glob(pattern))]
    data = os.environ.get(DATA_ENV) or next((d for d in found if _has_data(d)), None)
    return _loaded_path("libespeak-ng") or SONAME, "system", _checked_data(data)


def _load(library: str, source: str, data: str | None) -> tuple[str, str, str]:
    try:
        ctypes.CDLL(library, mode=ctypes.RTLD_GLOBAL)
    except OSError as exc:
        raise EngineError(
            f"cannot load the eSpeak NG library {library}: {exc}",
            f"{LIBRARY_ENV} names it: point it at a libespeak-ng.so.1 or unset it"
            if source == LIBRARY_ENV
            else "reinstall with `pip install espeakng-loader` or install libespeak-ng1",
        ) from None
    return str(Path(library).resolve()), source, _checked_data(data)


def _checked_data(data: str | None) -> str:
    if not _has_data(data):
        raise EngineError(
            f"no eSpeak NG data folder (with phontab) at {data or 'any known place'}",
            "set ESPEAK_DATA_PATH to an espeak-ng-data folder or reinstall espeakng-loader",
        )
    os.environ[DATA_ENV] = str(data)
    return str(data)


class EspeakEngine:
    """pyttsx3's ``espeak`` driver, made safe to use from a pipeline.

    eSpeak can be initialised only once per process, so use :func:`get_engine`.
    """

    def __init__(self, timeout_s: float = 30.0) -> None:
        self.timeout_s = timeout_s
        library, source, data = _locate()
        import pyttsx3
        import pyttsx3.drivers.espeak as driver

        self._tts = pyttsx3.init("espeak")
        self._espeak = driver._espeak
        self._done = threading.Event()
        self._chunks: list[bytes] = []
        self._errors: list[BaseException] = []
        self._broken: str | None = None
        self._espeak.SetSynthCallback(self._collect)
        # pyttsx3's DriverProxy.__del__ fails if it runs during interpreter teardown
        # ("'NoneType' object has no attribute 'suppress'"): let it go before that.
        atexit.register(self.__dict__.pop, "_tts", None)
        self.info = EngineInfo(library, source, data, _version())
        self._voices = [
            EngineVoice(v.id, v.name, (v.languages or [""])[0], None)
            for v in self._tts.getProperty("voices")
        ]
        self._variant_files = sorted(Path(data, "voices", "!v").glob("*"))
        self._variants = {p.name.lower() for p in self._variant_files}
        self._proven: dict[str, bool] = {}
        self._reseed = _seeder()

    def voices(self) -> list[EngineVoice]:
        """Every voice the engine lists, each under a spelling it can set: its language
        code (as the shipped cast writes them) unless only its full id works (``en-gb``
        fails where ``gmw/en`` works: ENGINE-NOTES.md) or another voice has that code too.
        The gender is unknown: eSpeak reports its default, male, for every voice, and no
        voice file names one."""
        return self._spelt(self._voices)

    def _spelt(self, voices: list[EngineVoice]) -> list[EngineVoice]:
        shared = Counter(v.language for v in self._voices)
        found = []
        for voice in voices:
            spellings = (voice.language, voice.id) if shared[voice.language] == 1 else (voice.id,)
            settable = next((i for i in spellings if self._settable(i)), None)
            if settable:
                found.append(EngineVoice(settable, voice.name, voice.language, None))
        return found

    def variants(self) -> list[EngineVoice]:
        """The variants a voice id takes as ``+NAME`` (``en-us+f3``), with the gender their
        file gives (f1-f5 women, m1-m8 men; some give none), as voices of language
        ``variant``, the way eSpeak lists them."""
        return [_variant(path) for path in self._variant_files]

    def check_voice(self, voice: str) -> None:
        """Raise unless the engine can really set ``voice`` (id, language or name, +variant).

        Listing a voice is no proof: ``en-gb`` is listed, yet ``espeak_SetVoiceByName``
        fails for it and for ``en-gb+m4`` (ENGINE-NOTES.md); ``en`` is not listed and
        works. So each id is tried once, and the answer cached. An unknown voice raises
        nothing in pyttsx3 itself: the error only reaches callbacks.
        """
        base, _, variant = voice.partition("+")
        if variant and variant.lower() not in self._variants:
            # eSpeak sets "en-us+nosuch" without complaint, reading it as plain en-us.
            raise VoiceError(
                f"unknown voice variant {variant!r} in {voice!r}",
                "`broadcaster voices` lists them: f1-f5 women, m1-m8 men, and others",
            )
        if self._settable(voice):
            return
        names = {n.lower() for v in self._voices for n in (v.id, v.language, v.name)}
        close = ", ".join(self.close_voices(voice)) or "none"
        if base.lower() not in names:
            english = [v for v in self._voices if v.language.startswith("en")]
            english = sorted(v.id for v in self._spelt(english))
            raise VoiceError(
                f"unknown engine voice {base!r}",
                f"close ids: {close}; English voices: {', '.join(english)}; "
                "`broadcaster voices` lists all",
            )
        raise VoiceError(
            f"the engine cannot set voice {voice!r}", f"close voice ids that work: {close}"
        )

    def _settable(self, voice: str) -> bool:
        """Whether eSpeak accepts ``voice``, tried once per id while the engine is idle."""
        if voice not in self._proven:
            self._espeak.Synchronize()
            self._proven[voice] = self._espeak.SetVoiceByName(voice.encode("utf-8")) == 0
        return self._proven[voice]

    def close_voices(self, voice: str, count: int = 4) -> list[str]:
        """Voice ids like ``voice`` (same language and variant) that the engine can set:
        first the one that sets the very voice it names (``gmw/en`` for ``en-gb``)."""
        base, plus, variant = voice.partition("+")
        language = base.lower().split("/")[-1].split("-")[0]
        named = [v for v in self._voices if base.lower() in (v.language.lower(), v.name.lower())]
        ids = {n for v in self._voices for n in (v.id, v.language) if n}
        ids = {n for n in ids if n.split("/")[-1].startswith(language)} or ids
        near = difflib.get_close_matches(base.lower(), sorted(ids), n=4 * count, cutoff=0.5)
        found = [f"{n}{plus}{variant}" for n in [v.id for v in self._spelt(named)] + near]
        return [v for v in dict.fromkeys(found) if self._settable(v)][:count]

    def phonemes(self, text: str, voice: str, ipa: bool = True) -> list[str]:
        """``text`` as eSpeak's phonemes in ``voice``, one string per clause.

        IPA by default; eSpeak's own mnemonics (what ``espeak-ng -x`` prints) with
        ``ipa=False``. The punctuation between clauses is not in them: see :meth:`clauses`.
        """
        return [c.phonemes for c in self.clauses(text, voice, ipa) if c.phonemes]

    def clauses(self, text: str, voice: str, ipa: bool = True) -> list[Clause]:
        """``text`` clause by clause as eSpeak reads it in ``voice``: phonemes and punctuation.

        ``espeak_TextToPhonemes`` returns one clause per call and drops the punctuation
        that ended it (ENGINE-NOTES.md); the text it consumed says what that was.
        """
        self.check_voice(voice)
        lib = self._espeak.dll
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        lib.espeak_TextToPhonemes.argtypes = [
            ctypes.POINTER(ctypes.c_void_p),
            ctypes.c_int,
            ctypes.c_int,
        ]
        self._espeak.Synchronize()
        self._espeak.SetVoiceByName(voice.encode("utf-8"))
        data = CONTROL.sub(" ", text).encode("utf-8")
        buffer = ctypes.create_string_buffer(data)
        start = ctypes.addressof(buffer)
        pointer = ctypes.c_void_p(start)
        mode = PHONEMES_IPA if ipa else 0
        found = []
        while pointer.value:
            begin = pointer.value - start
            phonemes = lib.espeak_TextToPhonemes(ctypes.byref(pointer), CHARS_UTF8, mode)
            read = data[begin : pointer.value - start if pointer.value else len(data)]
            found.append(_clause((phonemes or b"").decode("utf-8"), read, not pointer.value))
        return found

    def cache_key(self, text: str, delivery: Delivery) -> str:
        """Everything the clip of ``text`` in ``delivery`` depends on: the text, engine,
        versions, delivery, rate."""
        versions = [f"eSpeak NG {self.info.version}", f"pyttsx3 {metadata.version('pyttsx3')}"]
        return key_of("espeak", f"text={text}", versions, delivery, SAMPLE_RATE)

    def synthesize(self, text: str, delivery: Delivery, label: str) -> AudioSegment:
        """Speak ``text`` and return the clip; ``label`` names the section in errors."""
        if self._broken:
            raise EngineError(
                f"{label}: the engine is unusable after an earlier failure ({self._broken})"
            )
        self.check_voice(delivery.voice)
        pcm = self._run(text, delivery, label)
        if not pcm.strip(b"\0"):
            raise EngineError(
                f"{label}: the engine produced no audio for this text",
                "check that the section has words the voice can read",
            )
        return AudioSegment(data=pcm, sample_width=2, frame_rate=SAMPLE_RATE, channels=1)

    def _run(self, text: str, delivery: Delivery, label: str) -> bytes:
        # Rate, pitch and volume travel inside the text as eSpeak embedded commands
        # (Ctrl-A value letter): sent with setProperty they are queued on eSpeak's thread
        # apart from the text and were lost (measured: after a few calls every clip kept
        # an earlier rate). The voice is set synchronously, once the engine is idle.
        self._espeak.Synchronize()
        self._reseed()
        self._espeak.SetVoiceByName(delivery.voice.encode("utf-8"))
        timeout = self.timeout_s + len(text) / 1000
        text = f"{_embedded(delivery)} {CONTROL.sub(' ', text)}"
        self._chunks, self._errors = [], []
        self._done.clear()
        status = self._espeak.Synth(text, flags=self._espeak.ENDPAUSE | self._espeak.CHARS_UTF8)
        if status != 0:
            raise EngineError(f"{label}: the engine refused the text (espeak_Synth: {status})")
        if not self._done.wait(timeout):
            self._espeak.Cancel()
            self._broken = f"synthesis timed out after {timeout:.1f} s"
            raise EngineError(
                f"{label}: synthesis did not finish within {timeout:.1f} s",
                "shorten the section or check the eSpeak NG installation",
            )
        if self._errors:
            raise EngineError(f"{label}: the engine failed: {self._errors[0]}")
        return b"".join(self._chunks)

    def _collect(self, wav, numsamples: int, events) -> int:
        """eSpeak's synth callback, on eSpeak's own thread: keep the samples, and wake
        :meth:`_run` at the end of the message.

        It replaces the callback of pyttsx3's driver, whose ``runAndWait`` returns before
        the audio is complete (pyttsx3 #149, #151, #219), polls with 10 ms sleeps, grows
        its buffer with ``+=`` (quadratic in the text's length), round-trips every clip
        through a WAV file and print()s to stdout. pyttsx3 still initialises eSpeak and
        lists its voices; its ctypes binding is what we call.
        """
        try:
            if numsamples > 0:
                self._chunks.append(ctypes.string_at(wav, numsamples * 2))
            i = 0
            while events[i].type != self._espeak.EVENT_LIST_TERMINATED:
                if events[i].type == self._espeak.EVENT_MSG_TERMINATED:
                    self._done.set()
                i += 1
        except Exception as exc:  # an exception must never unwind into eSpeak's C thread
            self._errors.append(exc)
            self._done.set()
        return 0


def _clause(phonemes: str, read: bytes, last: bool) -> Clause:
    """A clause from its phonemes and the bytes eSpeak consumed for it.

    Before returning, eSpeak reads one character past the clause (the first of the next
    clause, which it keeps for the next call), so that character is dropped first.
    """
    text = read.decode("utf-8", errors="replace")
    end = CLAUSE_END.search(text if last else text[:-1])
    mark = end.group(1) if end else ""
    terminator = TERMINATORS.get(mark, "")
    return Clause(phonemes.strip(), terminator, last or terminator in SENTENCE_ENDS)


def _variant(path: Path) -> EngineVoice:
    """A variant file of espeak-ng-data/voices/!v as a voice: its ``name`` and ``gender``
    lines (``gender female 70``: the gender, then an age)."""
    keys: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        key, _, value = line.strip().partition(" ")
        keys.setdefault(key.lower(), value.strip())
    gender = (keys.get("gender", "").split() or [""])[0].capitalize()
    return EngineVoice(f"+{path.name}", keys.get("name") or path.name, "variant", gender or None)


def _embedded(delivery: Delivery) -> str:
    """eSpeak embedded commands setting speed (wpm), pitch (0-100) and amplitude (0-200)."""
    amplitude = round(delivery.volume * 100)
    return f"\x01{delivery.rate}S\x01{delivery.pitch}P\x01{amplitude}A"


def _seeder():
    """A function that resets every random number generator eSpeak NG draws from: its own
    (``espeak_ng_SetRandSeed``, from 1.52) and the C library's ``rand``, which 1.51 uses."""
    libc = ctypes.CDLL(None)
    lib = ctypes.CDLL(SONAME)
    own = getattr(lib, "espeak_ng_SetRandSeed", None)
    if own is not None:
        own.argtypes = [ctypes.c_long]

    def reseed() -> None:
        libc.srand(SEED)
        if own is not None:
            own(SEED)

    return reseed


def _version() -> str:
    lib = ctypes.CDLL(SONAME)
    lib.espeak_Info.restype = ctypes.c_char_p
    lib.espeak_Info.argtypes = [ctypes.POINTER(ctypes.c_char_p)]
    return lib.espeak_Info(None).decode()
