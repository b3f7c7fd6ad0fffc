"""Command line: parse options, call the library, turn BroadcasterErrors into one-line messages."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from broadcaster import __version__, export, render
from broadcaster.dialects import DIALECTS
from broadcaster.engines import get_engine
from broadcaster.errors import BroadcasterError
from broadcaster.gender import person_key
from broadcaster.script import ROLES

FILE = click.Path(path_type=Path)
VOICES = click.option(
    "--voices",
    type=FILE,
    envvar="BROADCASTER_VOICES",
    help="Folder of voice profiles (default: the shipped cast).",
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
JSON = click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")


class Group(click.Group):
    """Turns library errors into ``Error: ...`` lines (exit 1) unless --debug is on."""

    def invoke(self, ctx: click.Context):
        try:
            with warnings.catch_warnings():
                warnings.showwarning = _show_warning
                return super().invoke(ctx)
        except BroadcasterError as exc:
            if ctx.params.get("debug"):
                raise
            raise click.ClickException(str(exc)) from None


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    click.echo(f"Warning: {message}", err=True)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="broadcaster")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def cli(debug: bool) -> None:
    """Render radio news transcripts into multi-voice MP3 bulletins, offline."""


def _minutes(seconds: float) -> str:
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


def checked(check):
    """A click callback that runs a library ``check`` on the value (None passes), its
    BroadcasterError becoming a usage error."""

    def callback(ctx: click.Context, param: click.Parameter, value):
        try:
            return None if value is None else check(value)
        except BroadcasterError as exc:
            raise click.BadParameter(str(exc)) from None

    return callback


BITRATE = click.option(
    "--bitrate",
    default="128k",
    show_default=True,
    callback=checked(export.check_bitrate),
    help="MP3 bitrate.",
)


@cli.command("render")
@click.argument("script", type=FILE)
@click.option(
    "-o", "--output", type=FILE, help="MP3 to write, - for stdout (default: output/<stem>.mp3)."
)
@VOICES
@OVERRIDE
@DIALECT
@ENCODING
@BITRATE
@JSON
@click.option("-q", "--quiet", is_flag=True, help="Print only the output path.")
def render_cmd(
    script: Path,
    output: Path | None,
    voices: Path | None,
    overrides: dict[str, str],
    dialect: str | None,
    encoding: str | None,
    bitrate: str,
    as_json: bool,
    quiet: bool,
) -> None:
    """Render SCRIPT (a transcript, - for stdin) to an MP3 bulletin (-o - for stdout)."""
    engine = get_engine()
    options = render.Options(voices, dialect, encoding, overrides, bitrate)
    prepared = render.prepare(script, engine, options)
    to_stdout = output == Path("-")
    stem = "stdin" if str(script) == "-" else script.stem
    with _destination(output, stem) as target:
        done = render.render(prepared, engine, target, bitrate)
        if to_stdout:
            with open(target, "rb") as rendered:
                shutil.copyfileobj(rendered, sys.stdout.buffer)
            sys.stdout.buffer.flush()
    report = {
        "output": "-" if to_stdout else str(done.output),
        "duration_s": round(done.duration_s, 3),
        "segments": len(prepared.bulletin.segments()),
    }
    if as_json:
        click.echo(json.dumps(report), err=to_stdout)
        return
    click.echo(f"{report['output']}  {_minutes(done.duration_s)}", err=to_stdout)
    if not quiet:
        for chapter in done.chapters:
            click.echo(f"  {_minutes(chapter.start_ms / 1000):>7}  {chapter.title}", err=to_stdout)


@contextmanager
def _destination(output: Path | None, stem: str) -> Iterator[Path]:
    """Where to render: ``output``; ``-`` means a scratch file, copied to stdout once the
    whole MP3 is made (a failed render writes nothing there); None, ``output/<stem>.mp3``."""
    if output is None:
        yield Path("output") / f"{stem}.mp3"
    elif output == Path("-"):
        with tempfile.TemporaryDirectory(prefix="broadcaster-") as scratch:
            yield Path(scratch) / f"{stem}.mp3"
    else:
        yield output


@cli.command()
@click.argument("script", type=FILE)
@VOICES
@OVERRIDE
@DIALECT
@ENCODING
@JSON
def inspect(
    script: Path,
    voices: Path | None,
    overrides: dict[str, str],
    dialect: str | None,
    encoding: str | None,
    as_json: bool,
) -> None:
    """Show how SCRIPT is segmented and cast, without synthesising."""
    options = render.Options(voices, dialect, encoding, overrides)
    prepared = render.prepare(script, get_engine(), options)
    if as_json:
        click.echo(json.dumps(inspection(prepared), ensure_ascii=False, indent=2))
    else:
        click.echo(_inspection_table(prepared))


def inspection(prepared: render.Prepared) -> dict:
    """The ``inspect --json`` document."""
    bulletin = prepared.bulletin
    return {
        "dialect": bulletin.dialect,
        "title": bulletin.title,
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


def _inspection_table(prepared: render.Prepared) -> str:
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
@JSON
def voices(as_json: bool) -> None:
    """List the engine's voices (id, name, language, gender)."""
    found = get_engine().voices()
    if as_json:
        click.echo(json.dumps([v.__dict__ for v in found], ensure_ascii=False))
        return
    click.echo(f"{'id':<28}  {'name':<36}  {'language':<16}  gender")
    for v in found:
        click.echo(f"{v.id:<28}  {v.name:<36}  {v.language:<16}  {v.gender or '-'}")


@cli.command()
def doctor() -> None:
    """Check the eSpeak NG library, its data and ffmpeg; exit 1 if one is missing."""
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
        exe = export.find_ffmpeg()
        click.echo(f"ffmpeg {export.ffmpeg_version(exe)}\n  binary:  {exe}")
    except BroadcasterError as exc:
        problems.append(str(exc))
    if problems:
        raise click.ClickException("; ".join(problems))
    click.echo("All good.")


# The batch commands reuse the options above, so they are imported once those exist.
from broadcaster.cli_batch import COMMANDS  # noqa: E402

for command in COMMANDS:
    cli.add_command(command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="broadcaster")


if __name__ == "__main__":
    sys.exit(main())
