"""Target 3: `broadcaster --version` against `python -c "import click"`, whole processes,
alternating. Target (issue 11): <= 1.5."""

from __future__ import annotations

from common import PYTHON, alternate, ratio_line, runs_from_argv


def main() -> None:
    times = alternate(
        {
            "click": [PYTHON, "-c", "import click"],
            "version": [PYTHON, "-m", "broadcaster", "--version"],
        },
        runs_from_argv(15),
    )
    print(ratio_line("broadcaster --version / import click", times["version"], times["click"],
                     "<= 1.5"))  # fmt: skip


if __name__ == "__main__":
    main()
