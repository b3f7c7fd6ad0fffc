"""The in-process CLI answers as the real entry point in a fresh process does, so that a
test may use either (tests/helpers/cli.py)."""

from __future__ import annotations

import click
import pytest

from tests.helpers.cli import invoke, run_cli
from tests.helpers.paths import KBS


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["inspect", str(KBS), "--json"],
        ["inspect", "no-such-transcript.txt"],
        ["render", str(KBS), "--frobnicate"],
        ["explode"],
    ],
    ids=["version", "inspect", "missing file", "unknown option", "unknown command"],
)
def test_invoke_answers_as_a_fresh_process(args):
    fresh, here = run_cli(*args), invoke(*args)
    assert (here.returncode, here.stdout, here.stderr) == (
        fresh.returncode,
        fresh.stdout,
        fresh.stderr,
    )


def test_an_exception_that_escapes_a_command_is_raised_not_hidden(monkeypatch):
    """A bug prints a traceback from the real entry point; in-process it is raised."""
    from broadcaster.cli import cli

    def bug() -> None:
        raise RuntimeError("a bug")

    monkeypatch.setitem(cli.commands, "bug", click.Command("bug", callback=bug))
    with pytest.raises(RuntimeError, match="a bug"):
        invoke("bug")
