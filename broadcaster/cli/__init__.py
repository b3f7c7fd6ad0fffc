"""Command line: the ``broadcaster`` group, which turns BroadcasterErrors into one-line
messages and imports a command's module only when that command runs, so ``--version``,
``--help`` of one command and shell completion start at once (numpy, the engines and the
batch scheduler are not loaded for them)."""

from __future__ import annotations

import importlib
import os
import signal
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import click

from broadcaster import __version__
from broadcaster.errors import BroadcasterError

COMMANDS = {
    "render": "broadcaster.cli.commands",
    "preview": "broadcaster.cli.commands",
    "inspect": "broadcaster.cli.commands",
    "voices": "broadcaster.cli.commands",
    "doctor": "broadcaster.cli.commands",
    "batch": "broadcaster.cli.batch",
    "schedule": "broadcaster.cli.batch",
    "cache": "broadcaster.cli.batch",
    "feed": "broadcaster.cli.batch",
}
"""Each command and the module that defines it (and adds it to :data:`cli`)."""


class Stopped(KeyboardInterrupt):
    """SIGINT or SIGTERM, raised in the main thread so that every ``finally`` and context
    manager cleans up on the way out: ffmpeg stopped, temporaries removed, the files in
    place left as they were."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signal.Signals(signum)


class Group(click.Group):
    """Turns library errors into ``Error: ...`` lines (exit 1) unless --debug is on, and
    loads each command's module on first use. SIGINT and SIGTERM end a command with
    ``Error: stopped by SIGNAL`` and exit 128 + N (130, 143), as batch does; a closed
    stdout (``| head``) ends it quietly with 141, as Unix tools killed by SIGPIPE do."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(COMMANDS[cmd_name])
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMANDS))

    def invoke(self, ctx: click.Context):
        try:
            with warnings.catch_warnings(), _signals_stop():
                warnings.showwarning = _show_warning
                return super().invoke(ctx)
        except BroadcasterError as exc:
            if ctx.params.get("debug"):
                raise
            raise click.ClickException(str(exc)) from None
        except KeyboardInterrupt as exc:
            signum = getattr(exc, "signum", signal.SIGINT)
            stopped = click.ClickException(f"stopped by {signum.name}")
            stopped.exit_code = 128 + signum
            raise stopped from None
        except BrokenPipeError:
            # Python's own flush at exit would fail again and print a traceback.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise click.exceptions.Exit(128 + signal.SIGPIPE) from None


STOPPING = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def _signals_stop() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`Stopped` while the block runs, once: a second
    signal is ignored so that the cleaning up is not cut short (signals reach the main
    thread only; elsewhere, as under a test runner's thread, nothing changes). batch and
    schedule install their own handlers inside, to finish the work in progress."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handle(signum: int, frame: object) -> None:
        for each in STOPPING:
            signal.signal(each, signal.SIG_IGN)
        raise Stopped(signum)

    previous = {each: signal.signal(each, handle) for each in STOPPING}
    try:
        yield
    finally:
        for each, handler in previous.items():
            signal.signal(each, handler)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    click.echo(f"Warning: {message}", err=True)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="broadcaster")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def cli(debug: bool) -> None:
    """Render radio news transcripts into multi-voice MP3 bulletins, offline."""


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="broadcaster")


if __name__ == "__main__":
    sys.exit(main())
