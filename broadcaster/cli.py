"""Command line: the ``broadcaster`` group, which turns BroadcasterErrors into one-line
messages and imports a command's module only when that command runs, so ``--version``,
``--help`` of one command and shell completion start at once (numpy, the engines and the
batch scheduler are not loaded for them)."""

from __future__ import annotations

import importlib
import sys
import warnings

import click

from broadcaster import __version__
from broadcaster.errors import BroadcasterError

COMMANDS = {
    "render": "broadcaster.commands",
    "preview": "broadcaster.commands",
    "inspect": "broadcaster.commands",
    "voices": "broadcaster.commands",
    "doctor": "broadcaster.commands",
    "batch": "broadcaster.cli_batch",
    "schedule": "broadcaster.cli_batch",
    "cache": "broadcaster.cli_batch",
    "feed": "broadcaster.cli_batch",
}
"""Each command and the module that defines it (and adds it to :data:`cli`)."""


class Group(click.Group):
    """Turns library errors into ``Error: ...`` lines (exit 1) unless --debug is on, and
    loads each command's module on first use."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(COMMANDS[cmd_name])
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMANDS))

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


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="broadcaster")


if __name__ == "__main__":
    sys.exit(main())
