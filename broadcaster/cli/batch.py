"""Command line for many bulletins: ``batch``, ``schedule``, ``cache info|clear``, ``feed``.

Registered on the main group by ``cli/__init__.py`` (import that package, not this one first): the
commands reuse its render options, so a render option added there is one decorator here.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from dataclasses import asdict
from pathlib import Path

import click

from broadcaster import dirs
from broadcaster.batch import cache as clip_cache
from broadcaster.batch import feed as feeds
from broadcaster.batch import naming, runners, schedule
from broadcaster.batch import run as runs
from broadcaster.batch.index import write_index
from broadcaster.cli import cli
from broadcaster.cli.commands import (
    FILE,
    JSON,
    checked,
    options_from,
    sound_options,
    transcript_options,
)
from broadcaster.errors import BatchError

CACHE_DIR = click.option(
    "--cache-dir", type=FILE, help="Clip cache folder (default: the user cache folder)."
)
PODCAST = (
    ("title", "TEXT", "The feed's title (default: News bulletins).", None),
    ("description", "TEXT", "What the feed is (default: from the title).", None),
    ("author", "NAME", "itunes:author (default: the newest bulletin's station).", None),
    ("owner-name", "NAME", "itunes:owner's name (default: the author).", None),
    ("owner-email", "EMAIL", "itunes:owner's email (directories verify it).", feeds.check_email),
    ("image", "URL", "Artwork: a .jpg or .png, square, 1400-3000 px.", feeds.check_image),
    ("category", "CAT[/SUB]", "itunes:category (default: News/Daily News).", feeds.check_category),
    ("language", "CODE", "The feed's language (default: en).", None),
)
"""The podcast's own options: name, metavar, help and check (feed.Podcast's fields)."""


def podcast_options(prefix: str):
    """The podcast's options, named ``--{prefix}title``...: ``feed`` has no prefix, ``batch``
    ``feed-``. :func:`podcast_from` collects them."""

    def decorate(command):
        command = click.option(
            f"--{prefix}explicit", "podcast_explicit", is_flag=True,
            help="Mark the feed explicit (itunes:explicit true; default false).",
        )(command)  # fmt: skip
        for name, metavar, text, check in reversed(PODCAST):
            dest = "podcast_" + name.replace("-", "_")
            callback = checked(check) if check else None
            command = click.option(
                f"--{prefix}{name}", dest, metavar=metavar, callback=callback, help=text
            )(command)
        return command

    return decorate


def podcast_from(params: dict) -> feeds.Podcast:
    """The feed.Podcast of a command's :func:`podcast_options` (removed from ``params``)."""
    keys = [key for key in params if key.startswith("podcast_")]
    given = {key.removeprefix("podcast_"): params.pop(key) for key in keys}
    return feeds.Podcast(**{key: value for key, value in given.items() if value is not None})


@click.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--out", type=FILE, required=True, help="Output folder.")
@click.option(
    "--name",
    "template",
    default="{stem}.{ext}",
    show_default=True,
    callback=checked(naming.parse_template),
    help="Output name inside --out, from {date} {stem} {station} {title} {ext}.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=lambda: len(os.sched_getaffinity(0)),
    show_default="the number of cores",
    help="Bulletins rendered at once, each in its own worker process.",
)
@CACHE_DIR
@click.option("--force", is_flag=True, help="Render even the bulletins that are up to date.")
@click.option("--wait", is_flag=True, help="Wait while another batch holds --out.")
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    callback=checked(runners.check_scheduler),
    help="Render on a Dask cluster (tcp://HOST:8786), or `local` to start one here.",
)
@click.option("--report", type=FILE, help="Write a JSON report: each input's fate.")
@click.option(
    "--feed",
    "feed_url",
    metavar="BASE_URL",
    callback=checked(feeds.check_base_url),
    help="Then update --out/feed.xml, the folder being served at BASE_URL.",
)
@podcast_options("feed-")
@transcript_options
@sound_options
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary: failures only.")
def batch(quiet: bool, **params) -> None:
    """Render transcripts (files, folders, globs) into --out in parallel, skipping those
    already rendered; exit 1 if any failed."""
    job = make_batch(params)
    bar = None if quiet or not sys.stderr.isatty() else ProgressBar()
    try:
        with runs.stop_on_signals() as stop:
            summary = runs.run_batch(job, stop, bar)
    finally:
        if bar:
            bar.close()
    _conclude(summary, quiet)


def make_batch(params: dict) -> runs.Batch:
    """A Batch from ``batch``'s parameters; every render option goes into render.Options.
    Paths are made absolute: Dask workers do not share this process's working folder."""
    podcast = podcast_from(params)
    if podcast != feeds.Podcast() and not params["feed_url"]:
        raise click.UsageError("the --feed-... options describe a feed: add --feed BASE_URL")
    given = {key: _absolute(value) for key, value in params.items()}
    if given.get("bed") not in (None, "generated"):
        given["bed"] = str(Path(given["bed"]).absolute())
    options = options_from(
        dict(given), given["voices"], given["dialect"], given["encoding"], given["overrides"],
        given["cast"],
    )  # fmt: skip
    return runs.Batch(
        sources=tuple(params["sources"]),
        out=_absolute(params["out"]),
        template=params["template"],
        options=options,
        jobs=params["jobs"],
        cache=_absolute(params["cache_dir"] or dirs.cache_dir()),
        force=params["force"],
        wait=params["wait"],
        scheduler=params["scheduler"],
        report=params["report"],
        feed_url=params["feed_url"],
        podcast=podcast,
    )


def _absolute(value: object) -> object:
    return value.absolute() if isinstance(value, Path) else value


class ProgressBar:
    """A batch's progress on stderr (click's bar): bulletins done and failed, and an ETA."""

    def __init__(self) -> None:
        self.bar = None
        self.counts = {"done": 0, "failed": 0}

    def start(self, total: int) -> None:
        self.bar = click.progressbar(
            length=total,
            label="Rendering",
            file=sys.stderr,
            show_eta=True,
            show_pos=True,
            item_show_func=lambda _: f"{self.counts['done']} done, {self.counts['failed']} failed",
        )
        self.bar.__enter__()

    def advance(self, item: runs.Item) -> None:
        self.counts["failed" if item.status == "failed" else "done"] += 1
        self.bar.update(1, item)

    def close(self) -> None:
        if self.bar:
            self.bar.__exit__(None, None, None)


def _conclude(summary: runs.Summary, quiet: bool) -> None:
    """Failures on stderr, the summary on stdout; exit 1 if any failed, 128+N on signal N."""
    failed = [item for item in summary.items if item.status == "failed"]
    for item in failed:
        click.echo(f"failed: {item.input}: {item.error}", err=True)
    if not quiet:
        click.echo(summary.line())
    if summary.stopped_by:
        stopped = click.ClickException(f"stopped by {summary.stopped_by}; run again to finish")
        stopped.exit_code = 128 + signal.Signals[summary.stopped_by].value
        raise stopped
    if failed:
        raise click.ClickException(f"{len(failed)} of {len(summary.items)} bulletins failed")


@click.command("schedule")
@click.argument("file", type=FILE)
@click.option(
    "--next", "count", type=click.IntRange(min=1), help="Print each job's next N run times."
)
def schedule_cmd(file: Path, count: int | None) -> None:
    """Run the batch jobs of a schedule FILE (TOML) on their cron timetables."""
    jobs = schedule.load_schedule(file)
    for job in jobs:
        _job_batch(job)  # every job's options are checked before anything runs
    if count:
        for job in jobs:
            for moment in schedule.next_times(job, count):
                click.echo(f"{job.name}  {moment.isoformat()}")
        return
    with runs.stop_on_signals() as stop:
        schedule.run_schedule(jobs, _run_job, stop, lambda line: click.echo(line, err=True))


def _run_job(job: schedule.Job, stop: runs.Stop) -> str:
    summary = runs.run_batch(_job_batch(job), stop)
    failed = [item.input.name for item in summary.items if item.status == "failed"]
    return summary.line() + (f"; failed: {', '.join(failed)}" if failed else "")


def _job_batch(job: schedule.Job) -> runs.Batch:
    """A scheduled job's Batch, its options parsed exactly as ``batch`` parses them."""
    known = {o[2:] for p in batch.params for o in p.opts if o.startswith("--")} | {"sources"}
    unknown = sorted(set(job.options) - known)
    if unknown:
        raise BatchError(
            f"job {job.name!r}: unknown key {unknown[0]!r}",
            f"keys are cron, timezone, sources and batch's options: {', '.join(sorted(known))}",
        )
    try:
        context = batch.make_context(f"job {job.name}", _arguments(job.options))
        return make_batch(context.params)
    except click.ClickException as exc:
        raise BatchError(f"job {job.name!r}: {exc.format_message()}") from None


def _arguments(options: dict) -> list[str]:
    """A job's table as ``batch`` arguments: a key is its long option, sources come last."""
    args = []
    for key, value in options.items():
        flag = f"--{key}"
        if key == "sources" or value is False:
            continue
        if value is True:
            args.append(flag)
        elif isinstance(value, dict):
            args += [a for k, v in value.items() for a in (flag, f"{k}={v}")]
        elif isinstance(value, list):
            args += [a for v in value for a in (flag, str(v))]
        else:
            args += [flag, str(value)]
    sources = options.get("sources", [])
    return [*args, "--", *([sources] if isinstance(sources, str) else map(str, sources))]


@click.group("cache")
def cache_group() -> None:
    """Show or clear the clip cache."""


@cache_group.command("info")
@CACHE_DIR
@JSON
def cache_info(cache_dir: Path | None, as_json: bool) -> None:
    """Show the cache folder, its clips and their size."""
    found = clip_cache.info(cache_dir or dirs.cache_dir())
    if as_json:
        click.echo(json.dumps({**asdict(found), "folder": str(found.folder)}))
        return
    click.echo(f"{found.folder}\n  {found.entries} clips, {found.size / 1e6:.1f} MB")
    if found.partial:
        click.echo(f"  {found.partial} temporary files (of writes in progress or killed)")


@cache_group.command("clear")
@CACHE_DIR
def cache_clear(cache_dir: Path | None) -> None:
    """Remove every cached clip."""
    folder = cache_dir or dirs.cache_dir()
    click.echo(f"removed {clip_cache.clear(folder)} clips from {folder}")


@click.command("feed")
@click.argument("folder", type=FILE)
@click.option(
    "--base-url",
    required=True,
    callback=checked(feeds.check_base_url),
    help="The URL where FOLDER is served.",
)
@click.option("-o", "--output", type=FILE, help="Where to write it (default: FOLDER/feed.xml).")
@podcast_options("")
def feed(folder: Path, base_url: str, output: Path | None, **params) -> None:
    """Write a podcast RSS feed of the bulletins broadcaster rendered in FOLDER, newest
    first."""
    target = output or folder / feeds.FEED
    podcast = podcast_from(params)
    count = feeds.write_feed(folder, base_url, target, podcast)
    write_index(folder, podcast.title)
    click.echo(f"{target}: {count} bulletins")


COMMANDS = (batch, schedule_cmd, cache_group, feed)
for command in COMMANDS:
    cli.add_command(command)
