"""Bad input: one line on stderr starting with Error:, exit 1 (2 for usage), no file written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from broadcaster.batch import naming
from broadcaster.errors import BatchError
from broadcaster.ffmpeg import find_ffmpeg
from tests.helpers.cli import check_failure, invoke, run_cli
from tests.helpers.paths import KBS

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


def render(tmp_path: Path, script: Path, *extra: str, env: dict[str, str] | None = None):
    """Render into tmp_path/out; afterwards nothing at all may be there. In this process,
    unless ``env`` is given: the engine and ffmpeg are found once per process, from it."""
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    run = run_cli if env else invoke
    done = run("render", str(script), "-o", str(out / "bulletin.mp3"), *extra, env=env)
    assert list(out.iterdir()) == []
    return done


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("empty.txt", b"", "is empty (give a transcript with some words in it)"),
        ("blank.txt", b"  \n\t\n   \r\n", "is empty"),
        ("picture.png", PNG, "is not a text file"),
        ("zeros.txt", b"\x00" * 4096, "is not a text file"),
        ("labels.txt", b"Anchor: Report:\nAnchor:\n", "the transcript has labels but no words"),
        ("punctuation.txt", b"Anchor: ... Report: --", "the transcript has labels but no words"),
    ],
)
def test_bad_transcripts(tmp_path, name, data, says):
    check_failure(render(tmp_path, write(tmp_path, name, data)), says=says)


def test_missing_path(tmp_path):
    check_failure(render(tmp_path, tmp_path / "nope.txt"), says="no such file: ")


def test_directory_as_script(tmp_path):
    check_failure(render(tmp_path, tmp_path), says="is a directory, not a transcript")


def test_inspect_reports_the_same_errors(tmp_path):
    done = invoke("inspect", str(write(tmp_path, "empty.txt", b"")))
    check_failure(done, says="is empty")


def voices_with(tmp_path: Path, name: str, body: str) -> Path:
    folder = tmp_path / "voices"
    folder.mkdir()
    for role, voice in (("anchor", "en-us"), ("reporter", "en-gb-x-rp"), ("soundbite", "en-us+m3")):
        (folder / f"{role}.toml").write_text(f'role = "{role}"\nvoice = "{voice}"\n')
    (folder / name).write_text(body)
    return folder


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ('role = "anchor"\nvoice = "en-us"\nrate = \n', "reporter.toml: malformed TOML: "),
        ('role = "reporter"\nvoice = "en-us"\nspeed = 3\n', "reporter.toml: unknown key 'speed'"),
        ('role = "reporter"\nvoice = "xx-klingon"\n', "reporter.toml: key 'voice': unknown engine"),
        ('role = "reporter"\nvoice = "en-us"\npitch = 140\n', "key 'pitch' is 140, out of range"),
        ('role = "critic"\nvoice = "en-us"\n', "reporter.toml: key 'role' is 'critic'"),
        ('role = "reporter"\nvoice = "en-us"\nrate = "fast"\n', "key 'rate' has the wrong type"),
        ('voice = "en-us"\n', "reporter.toml: missing key 'role'"),
    ],
)
def test_bad_voices(tmp_path, body, says):
    folder = voices_with(tmp_path, "reporter.toml", body)
    check_failure(render(tmp_path, KBS, "--voices", str(folder)), says=says)


def test_malformed_toml_names_the_line(tmp_path):
    folder = voices_with(tmp_path, "reporter.toml", 'role = "reporter"\n\nvoice = = 1\n')
    check_failure(render(tmp_path, KBS, "--voices", str(folder)), says="(at line 3, column")


def test_voices_folder_missing_a_role(tmp_path):
    folder = voices_with(tmp_path, "x.toml", 'role = "anchor"\nvoice = "en-us"\n')
    (folder / "soundbite.toml").unlink()
    check_failure(
        render(tmp_path, KBS, "--voices", str(folder)), says="no voice profile for soundbite"
    )


def test_output_is_an_existing_directory(tmp_path):
    done = invoke("render", str(KBS), "-o", str(tmp_path))
    check_failure(done, says="is a directory (give a file name such as out.mp3)")
    assert list(tmp_path.iterdir()) == []


def test_output_folder_cannot_be_written(tmp_path):
    if os.geteuid() == 0:
        target = Path("/proc/bulletin.mp3")  # not writable even by root
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o555)
        target = locked / "bulletin.mp3"
    check_failure(invoke("render", str(KBS), "-o", str(target)), says="cannot write to folder")
    assert not target.exists()


def test_output_parent_is_a_file(tmp_path):
    blocker = write(tmp_path, "file", b"x")
    done = invoke("render", str(KBS), "-o", str(blocker / "bulletin.mp3"))
    check_failure(done, says="cannot create folder")


def test_no_espeak_library(tmp_path):
    env = {"BROADCASTER_ESPEAK_LIBRARY": str(tmp_path / "libespeak-ng.so.1")}
    check_failure(render(tmp_path, KBS, env=env), says="cannot load the eSpeak NG library")
    done = run_cli("doctor", env=env)
    check_failure(done, says="(BROADCASTER_ESPEAK_LIBRARY names it: point it at a", quiet=False)
    assert done.stderr.count("cannot load the eSpeak NG library") == 1  # not again for Piper
    assert done.stdout.startswith("ffmpeg ")  # doctor still reports what it found


def test_no_espeak_data(tmp_path):
    env = {"ESPEAK_DATA_PATH": str(tmp_path)}
    check_failure(render(tmp_path, KBS, env=env), says="no eSpeak NG data folder (with phontab)")


def test_no_ffmpeg(tmp_path):
    env = {"BROADCASTER_FFMPEG": "/nonexistent"}
    says = "no ffmpeg found at /nonexistent (BROADCASTER_FFMPEG names it: point it at an ffmpeg"
    check_failure(render(tmp_path, KBS, env=env), says=says)
    done = run_cli("doctor", env=env)
    check_failure(done, says=says, quiet=False)
    assert done.stdout.startswith("eSpeak NG ")


def test_a_program_that_is_not_ffmpeg(tmp_path):
    # /bin/true runs and says nothing: doctor said "All good." and render failed later.
    done = run_cli("doctor", env={"BROADCASTER_FFMPEG": "/bin/true"})
    check_failure(done, says="/bin/true is not ffmpeg: `/bin/true -version` says ''", quiet=False)


def test_no_ffmpeg_anywhere(tmp_path):
    env = {"PATH": str(tmp_path), "IMAGEIO_FFMPEG_EXE": str(tmp_path / "missing")}
    check_failure(render(tmp_path, KBS, env=env), says="no ffmpeg found")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["render"], "Missing argument 'SCRIPT'"),
        (["render", str(KBS), "--bitrate", "999k"], "invalid bitrate '999k'"),
        (["render", str(KBS), "--dialect", "martian"], "'martian' is not one of"),
        (["render", str(KBS), "--frobnicate"], "No such option '--frobnicate'"),
        (["explode"], "No such command 'explode'"),
        (["render", str(KBS), "--format", "aiff"], "'aiff' is not one of"),
        (["render", str(KBS), "-o", "x.aiff"], "unsupported format 'aiff'"),
        (["render", str(KBS), "--format", "opus", "--sample-rate", "44100"], "opus cannot be"),
        (["render", str(KBS), "--sample-rate", "12345"], "mp3 cannot be written at 12345 Hz"),
        (["render", str(KBS), "--sample-rate", "0"], "0 is not in the range x>=1"),
        (["render", str(KBS), "--sample-rate", "-44100"], "-44100 is not in the range x>=1"),
        (["preview", str(KBS), "--story", "1", "--sample-rate", "0"], "0 is not in the range"),
        (["render", str(KBS), "--sample-rate", "9" * 20], f"mp3 cannot be written at {'9' * 20}"),
        (["render", str(KBS), "--format", "flac", "--bitrate", "128k"], "takes no bitrate"),
        (["render", str(KBS), "--channels", "3"], "3 is not in the range 1<=x<=2"),
        (["render", str(KBS), "--loudness", "-3"], "loudness target '-3' cannot be reached"),
        (["render", str(KBS), "--loudness", "loud"], "loudness target 'loud'"),
        (["render", str(KBS), "--sidecars", "vtt,pdf"], "pdf: choose from vtt, srt, json, html"),
        (["preview", str(KBS)], "give exactly one of --section, --story, --speaker"),
        (["preview", str(KBS), "--section", "1", "--story", "1"], "give exactly one of"),
        (["preview", str(KBS), "--story", "1", "-o", "-"], "-o - (standard output) is render's"),
    ],
)
def test_usage_errors_exit_2(args, says):
    check_failure(invoke(*args), status=2, says=says)


def test_debug_shows_the_traceback(tmp_path):
    done = run_cli("--debug", "render", str(tmp_path / "nope.txt"))
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "InputError: no such file" in done.stderr


@pytest.mark.slow
def test_five_megabyte_transcript_fails_cleanly(tmp_path):
    story = KBS.read_text(encoding="utf-8").split("\n", 2)[2]
    big = write(tmp_path, "big.txt", (story * (5_000_000 // len(story) + 1)).encode())
    assert big.stat().st_size > 5_000_000
    check_failure(render(tmp_path, big), says="the transcript is too long to render: ")


def test_unreadable_characters_are_skipped_with_a_warning(tmp_path):
    script = write(
        tmp_path,
        "mixed.txt",
        "Anchor: Crowds filled 서울 today 😀 for the parade.\x07 It rained.\n".encode(),
    )
    out = tmp_path / "mixed.mp3"
    done = invoke("render", str(script), "-o", str(out), "-q")
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        "Warning: skipped 3 characters the voices cannot read ('서', '울', '😀')\n"
    )
    assert out.stat().st_size > 10_000


def test_only_unreadable_script_is_an_error(tmp_path):
    script = write(tmp_path, "korean.txt", "Anchor: 서울에서 축제가 열렸습니다.\n".encode())
    done = render(tmp_path, script)
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1].startswith(
        "Error: the transcript has no words the voices can read"
    )


@pytest.mark.parametrize("cast", ["default", "natural"])
def test_a_section_left_with_no_readable_word_is_an_error_naming_it(tmp_path, cast):
    script = write(tmp_path, "mixed.txt", "Good evening.\n\n서울에서 축제가 열렸습니다.\n".encode())
    done = render(tmp_path, script, "--cast", cast)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.splitlines()[-1] == (
        "Error: section 2 (Story 1: anchor) has no words the voices can read "
        "('서울에서 축제가 열렸습니다.') "
        "(broadcaster reads English text in the Latin alphabet: transliterate it)"
    )


FAILING_FFMPEG = """#!/bin/sh
# A stand-in for ffmpeg that writes half a file to its output, then fails (the codec
# probe's ffmpeg is the real one: its failure is an error of its own, tested below).
case "$*" in *probe.*) exec {ffmpeg} "$@";; esac
for last; do :; done
case "$*" in *pipe:0*) head -c 20000 > /dev/null; printf 'half an mp3' > "$last";; esac
echo "Conversion failed: disk on fire" >&2
exit 1
"""


@pytest.mark.parametrize("existing", [False, True])
def test_failed_encode_leaves_nothing_and_keeps_the_old_file(tmp_path, existing):
    ffmpeg = write(tmp_path, "ffmpeg", FAILING_FFMPEG.format(ffmpeg=find_ffmpeg()).encode())
    ffmpeg.chmod(0o755)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "bulletin.mp3"
    if existing:
        target.write_bytes(b"yesterday's bulletin")
    done = run_cli("render", str(KBS), "-o", str(target), env={"BROADCASTER_FFMPEG": str(ffmpeg)})
    check_failure(done, says="ffmpeg failed to encode: Conversion failed: disk on fire")
    assert sorted(p.name for p in out.iterdir()) == (["bulletin.mp3"] if existing else [])
    if existing:
        assert target.read_bytes() == b"yesterday's bulletin"


PROBE_FAILING_FFMPEG = """#!/bin/sh
# The real ffmpeg, but for the codec probe (writing probe.mp3), which it fails.
case "$*" in *probe.mp3*) echo "Unknown encoder 'libmp3lame'" >&2; exit 1;; esac
exec {ffmpeg} "$@"
"""


def test_failed_codec_probe_is_an_error(tmp_path):
    # The probe's return code went unread: a failed probe measured a codec loss of 0 LU.
    ffmpeg = write(tmp_path, "ffmpeg", PROBE_FAILING_FFMPEG.format(ffmpeg=find_ffmpeg()).encode())
    ffmpeg.chmod(0o755)
    done = render(tmp_path, KBS, env={"BROADCASTER_FFMPEG": str(ffmpeg)})
    check_failure(done, says="ffmpeg failed the mp3 codec probe: Unknown encoder 'libmp3lame'")


def test_unsettable_voice_names_the_file_and_close_ids(tmp_path):
    folder = voices_with(tmp_path, "reporter.toml", 'role = "reporter"\nvoice = "en-gb+m4"\n')
    done = render(tmp_path, KBS, "--voices", str(folder))
    check_failure(done, says="reporter.toml: key 'voice': the engine cannot set voice 'en-gb+m4'")
    assert "en-gb-x-rp+m4" in done.stderr


def test_bad_gender_in_a_profile(tmp_path):
    folder = voices_with(
        tmp_path, "reporter.toml", 'role = "reporter"\nvoice = "en-us"\ngender = "f"\n'
    )
    check_failure(render(tmp_path, KBS, "--voices", str(folder)), says="key 'gender' is 'f'")


@pytest.mark.parametrize(
    ("option", "content", "says"),
    [
        ("--sting-open", None, "music file {path} does not exist"),
        ("--transition", b"not audio at all", "music file {path} is not audio ffmpeg can read"),
        ("--bed", b"", "music file {path} is not audio ffmpeg can read"),
        ("--sting-close", "folder", "music file {path} is a folder (give a WAV, MP3 or FLAC file)"),
        ("--bed", "folder", "music file {path} is a folder"),
    ],
)
def test_bad_music_files(tmp_path, option, content, says):
    path = tmp_path / "music.wav"
    if content == "folder":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    check_failure(render(tmp_path, KBS, option, str(path)), says=says.format(path=path))


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--section", "3"], "there is no section 3 (the transcript has 2 sections)"),
        (["--story", "0"], "there is no story 0 (the transcript has 1 story)"),
        (
            ["--speaker", "Kim"],
            "nobody called 'Kim' speaks in the transcript "
            "(speakers: Choi You Sun; or an unnamed speaker's role: anchor)",
        ),
    ],
)
def test_preview_out_of_range(tmp_path, args, says):
    out = tmp_path / "p.mp3"
    check_failure(invoke("preview", str(KBS), *args, "-o", str(out)), says=says)
    assert not out.exists()


def test_batch_name_too_long_is_a_usage_error_naming_the_option(tmp_path):
    out = tmp_path / "out"
    done = invoke("batch", str(KBS), "--out", str(out), "--name", "x" * 300 + ".{ext}")
    says = "makes a name of 302 bytes, longer than the 230 a name may have (shorten --name;"
    check_failure(done, status=2, says=says)
    assert " -o" not in done.stderr  # batch has no -o
    assert not out.exists()


def test_batch_name_made_too_long_by_its_fields_names_the_option():
    template = naming.parse_template("{title} {title} {title}.{ext}")
    with pytest.raises(BatchError) as caught:
        template.name({"title": "t" * 200, "ext": "mp3"})
    assert caught.value.message.endswith(
        "makes a name of 246 bytes, longer than the 230 a name may have"
    )
    assert "--name" in caught.value.hint and "-o" not in caught.value.hint.replace("--name", "")
