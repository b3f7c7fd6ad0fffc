"""The command group: every command found by name; --version loads nothing heavy."""

from __future__ import annotations

import subprocess
import sys

from broadcaster import cli


def test_every_command_is_mapped_to_the_module_that_defines_it():
    # Each module adds its commands to the group when imported.
    import broadcaster.cli_batch
    import broadcaster.commands  # noqa: F401

    assert set(cli.cli.commands) == set(cli.COMMANDS)
    for name, module in cli.COMMANDS.items():
        assert cli.cli.commands[name].callback.__module__ == module


def test_version_loads_no_command_and_no_audio_stack():
    probe = (
        "import sys\n"
        "from broadcaster.cli import cli\n"
        "for args in (['--version'],):\n"
        "    try:\n"
        "        cli.main(args, prog_name='broadcaster')\n"
        "    except SystemExit as exit:\n"
        "        assert exit.code == 0, exit.code\n"
        "heavy = {'numpy', 'pyttsx3', 'broadcaster.commands', 'broadcaster.cli_batch'}\n"
        "heavy &= set(sys.modules)\n"
        "print('loaded:', sorted(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "broadcaster, version" in done.stdout
    assert done.stdout.strip().endswith("loaded: []"), done.stdout
