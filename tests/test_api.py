"""The Python API: what ``import broadcaster`` offers, a render into a file, a file
object and memory, the README's example as written, and errors that are the command
line's."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import broadcaster
from broadcaster.engines import Router
from tests.helpers.audio import decode, ebur128
from tests.helpers.cli import run_cli
from tests.helpers.paths import ROOT

TEXT = (
    "---\ntitle: Evening news\n---\n"
    "## Harbour\n"
    "anchor: The harbour reopened this morning after the storm.\n"
    "reporter: Ships queued outside the breakwater until dawn.\n"
    "## Rail\n"
    "anchor: Trains run as normal.\n"
)
"""A producer script of two stories, given as text (a str)."""


IN_MEMORY = """
import json, sys
from pathlib import Path
import broadcaster
done = broadcaster.render(Path("news.txt"), None)
Path("memory.raw").write_bytes(done.segment.raw_data)
segment = done.segment
done.segment.export("memory.wav", format="wav")
print(json.dumps([segment.frame_rate, segment.channels, segment.sample_width, done.duration_s,
                  done.loudness.integrated_lufs, str(done.path), done.sidecars]))
"""
"""A render into memory, its samples and figures written down."""
INTO_A_FILE_OBJECT = """
import io, json
from pathlib import Path
import broadcaster
buffer = io.BytesIO()
done = broadcaster.render(Path("news.txt"), buffer, options=broadcaster.Options(format="mp3"))
Path("buffer.mp3").write_bytes(buffer.getvalue())
print(json.dumps([done.duration_s, str(done.path), done.sidecars]))
"""
"""A render into a BytesIO, its bytes written down."""


def _python(folder: Path, code: str) -> list:
    """``code`` run in a fresh process in ``folder``: what it printed, as JSON."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=folder, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def renders(tmp_path_factory):
    """TEXT rendered to an MP3 file, a WAV file, memory and a BytesIO (MP3), each in a
    fresh process: eSpeak 1.51 reads a sentence a few samples longer or shorter each time
    it is asked in one process (measured: 133110, 133686 and 133632 bytes), but the same
    in every fresh one."""
    folder = tmp_path_factory.mktemp("api")
    (folder / "news.txt").write_text(TEXT, encoding="utf-8")
    for name in ("file.mp3", "pcm.wav"):
        made = run_cli("render", "news.txt", "-o", name, "--sidecars", "none", cwd=folder)
        assert made.returncode == 0, made.stderr
    return folder, _python(folder, IN_MEMORY), _python(folder, INTO_A_FILE_OBJECT)


def test_import_loads_the_names_on_first_use_and_render_stays_the_function(tmp_path):
    probe = """
import json, sys
import broadcaster
assert "numpy" not in sys.modules and "broadcaster.render" not in sys.modules
public = [name for name in dir(broadcaster) if not name.startswith("__")]
assert public == sorted(broadcaster.__all__) and "__version__" in dir(broadcaster)
import broadcaster.render
from broadcaster.render import Options
assert callable(broadcaster.render) and broadcaster.Options is Options
import importlib, pickle
module = importlib.reload(sys.modules["broadcaster.render"])
assert broadcaster.render is module.render and broadcaster.Options is module.Options
assert pickle.loads(pickle.dumps(broadcaster.render)) is module.render
try:
    broadcaster.nothing
except AttributeError as exc:
    print(json.dumps(str(exc)))
"""
    assert _python(tmp_path, probe) == "module 'broadcaster' has no attribute 'nothing'"


def test_a_str_is_the_text_and_a_path_the_file(tmp_path):
    script = tmp_path / "news.txt"
    script.write_text(TEXT, encoding="utf-8")
    from_file, from_text = broadcaster.parse(script), broadcaster.parse(TEXT)
    assert from_file == from_text  # the source is not compared
    assert (from_file.source, from_text.source) == (str(script), None)
    assert [s.text for _, s in from_text.segments()][2] == "Trains run as normal."


def test_a_render_in_memory_is_the_wav_file_sample_for_sample_on_target(renders):
    folder, memory, _ = renders
    rate, channels, width, duration_s, lufs, path, written = memory
    assert (rate, channels, width, path, written) == (44100, 1, 2, "None", [])
    samples = (folder / "memory.raw").read_bytes()
    assert samples == decode(folder / "pcm.wav")
    assert abs(len(samples) / 2 - duration_s * rate) < 1
    assert ebur128(folder / "memory.wav")[0] == pytest.approx(-16.0, abs=0.3)
    assert lufs == pytest.approx(-16.0, abs=0.1)


def test_a_render_in_memory_lasts_as_long_as_the_mp3_file_to_the_sample(renders):
    """ffmpeg trims the encoder's delay and padding that the MP3's LAME tag records, so the
    decoded file is exactly as long as the PCM that went in (measured: 842416 samples
    both)."""
    folder, _, _ = renders
    decoded = len(decode(folder / "file.mp3")) // 2
    assert decoded == len((folder / "memory.raw").read_bytes()) // 2


def test_a_render_into_a_file_object_is_the_file_byte_for_byte(renders):
    folder, memory, (duration_s, path, written) = renders
    data = (folder / "buffer.mp3").read_bytes()
    assert data == (folder / "file.mp3").read_bytes()
    assert decode(folder / "buffer.mp3") == decode(folder / "file.mp3")
    assert (duration_s, path, written) == (memory[3], "None", [])
    assert sorted(p.name for p in folder.iterdir()) == [
        "buffer.mp3", "file.mp3", "memory.raw", "memory.wav", "news.txt", "pcm.wav"
    ]  # fmt: skip


def test_a_prepared_bulletin_keeps_its_options(tmp_path):
    prepared = broadcaster.prepare(TEXT, options=broadcaster.Options(music=False))
    with pytest.raises(ValueError, match="the options it was prepared with"):
        broadcaster.render(prepared, tmp_path / "x.mp3", options=broadcaster.Options())
    with pytest.raises(TypeError, match="a Path, a binary file object or None, not str"):
        broadcaster.render(prepared, "x.mp3")
    with pytest.raises(broadcaster.ExportError, match="needs a format"):
        broadcaster.render(prepared, io.BytesIO())
    with pytest.raises(TypeError, match="exactly one of section, story, speaker"):
        broadcaster.preview(prepared, tmp_path / "x.mp3", section=1, story=1)
    assert list(tmp_path.iterdir()) == []


class Counting(Router):
    """The real engines, counting the clips asked of them."""

    def __init__(self) -> None:
        self.clips = 0

    def synthesize(self, text, delivery, label):
        self.clips += 1
        return super().synthesize(text, delivery, label)


def test_a_prepared_bulletin_keeps_its_engine(tmp_path):
    engine = Counting()
    prepared = broadcaster.prepare(TEXT, options=broadcaster.Options(music=False), engine=engine)
    broadcaster.preview(prepared, tmp_path / "story.wav", story=2)
    assert engine.clips == 1  # one sentence in story 2, read by the engine it was cast with
    other = Counting()
    broadcaster.preview(prepared, tmp_path / "story.wav", story=2, engine=other)
    assert (engine.clips, other.clips) == (1, 1)


def test_programming_mistakes_are_refused_before_any_synthesis(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "news.txt").write_text(TEXT, encoding="utf-8")
    with pytest.raises(ValueError, match=r"for the file, give Path\('news.txt'\)"):
        broadcaster.parse("news.txt")
    for missing in ("missing.txt", "folder/news", "~/news.md"):  # one word that is a path
        with pytest.raises(ValueError, match=r"for the file, give Path\("):
            broadcaster.render(missing, None)
    with pytest.warns(UserWarning, match="plain prose"):  # too long for a name: the text
        assert broadcaster.parse("x" * 5000).segments()[0][1].text == "x" * 5000
    with pytest.raises(TypeError, match="options must be an Options or None, not dict"):
        broadcaster.prepare(TEXT, options={"music": False})
    with pytest.raises(TypeError, match="voices must be a Path or None, not str"):
        broadcaster.Options(voices="voices")
    with pytest.raises(TypeError, match="not a str"):
        broadcaster.Options(sidecars="json")
    with pytest.raises(ValueError, match="unknown sidecars txt: choose from vtt"):
        broadcaster.Options(sidecars=("json", "txt"))
    with pytest.raises(ValueError, match="unknown cast 'nueral': choose from default"):
        broadcaster.Options(cast="nueral")
    with pytest.raises(ValueError, match="unknown roles 'host': the roles are anchor"):
        broadcaster.Options(overrides={"host": "en-us"})  # was a bare StopIteration
    prepared = broadcaster.prepare(TEXT, options=broadcaster.Options(format="wav"))
    with pytest.raises(ValueError, match=r"give sys\.stdout\.buffer"):
        broadcaster.render(prepared, Path("-"))  # was a file named '-'
    with pytest.raises(TypeError, match="story must be an int, not str"):
        broadcaster.preview(prepared, None, story="1")
    with pytest.raises(TypeError, match="speaker must be a str, not int"):
        broadcaster.preview(prepared, None, speaker=1)
    closed = io.BytesIO()
    closed.close()
    with pytest.raises(ValueError, match="closed file object"):
        broadcaster.render(prepared, closed)
    binary = "a binary file object or None, not TextIOWrapper"
    with open(tmp_path / "news.txt", "rb") as reader, pytest.raises(ValueError, match="not open"):
        broadcaster.render(prepared, reader)
    with open(tmp_path / "text.txt", "w") as text_file, pytest.raises(TypeError, match=binary):
        broadcaster.render(prepared, text_file)
    assert (tmp_path / "text.txt").read_bytes() == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["news.txt", "text.txt"]


@pytest.mark.parametrize(
    ("call", "args"),
    [
        (lambda p: broadcaster.parse(p / "missing.txt"), ["inspect", "{p}/missing.txt"]),
        (lambda p: broadcaster.prepare(p / "news.txt", options=broadcaster.Options(
            encoding="klingon")), ["inspect", "{p}/news.txt", "--encoding", "klingon"]),
        (lambda p: broadcaster.preview(p / "news.txt", p / "x.mp3", story=3),
         ["preview", "{p}/news.txt", "--story", "3", "-o", "{p}/x.mp3"]),
        (lambda p: broadcaster.render(p / "news.txt", p / "x.mp3", options=broadcaster.Options(
            overrides={"anchor": "nobody"})),
         ["render", "{p}/news.txt", "-o", "{p}/x.mp3", "--voice", "anchor=nobody"]),
    ],
    ids=["missing file", "unknown encoding", "no such story", "unknown voice"],
)  # fmt: skip
def test_bad_input_raises_what_the_command_line_says(tmp_path, call, args):
    (tmp_path / "news.txt").write_text(TEXT, encoding="utf-8")
    with pytest.raises(broadcaster.BroadcasterError) as raised:
        call(tmp_path)
    done = run_cli(*(a.format(p=tmp_path) for a in args))
    assert (done.returncode, done.stderr) == (1, f"Error: {raised.value}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["news.txt"]


def test_the_readme_python_example_runs_as_written(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("\n## Python\n") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "producer 3 segments"
    said = re.fullmatch(r"news\.mp3 (\d+\.\d) s", lines[1])
    length_s = len(decode(tmp_path / "news.mp3")) / 2 / 44100
    assert said and float(said.group(1)) == pytest.approx(length_s, abs=0.05), lines[1]
    assert ebur128(tmp_path / "news.mp3")[0] == pytest.approx(-16.0, abs=0.3)
    assert lines[2:] == [
        "['news.vtt', 'news.srt', 'news.json', 'news.html']",
        "voices.wav 44100 Hz",
        "Error: there is no story 3 (the transcript has 2 stories)",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "news.html", "news.json", "news.mp3", "news.srt", "news.txt", "news.vtt", "voices.wav"
    ]  # fmt: skip
    assert 2 < len(decode(tmp_path / "voices.wav")) / 2 / 44100 < length_s  # no stings
