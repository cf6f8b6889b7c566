"""Command line: ``python -m dashboard.demo [--out DIR]`` writes the sample data set and prints a summary."""

from __future__ import annotations

import argparse
from pathlib import Path

from dashboard.config import PROJECT_ROOT
from dashboard.demo import generate, summary_lines


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments, write data/ and geo/ under the chosen folder, print what was written."""
    parser = argparse.ArgumentParser(prog="python -m dashboard.demo", description=__doc__)
    parser.add_argument(
        "--out",
        type=Path,
        default=PROJECT_ROOT,
        help="folder to write data/ and geo/ into (default: the project)",
    )
    args = parser.parse_args(argv)
    result = generate(args.out)
    print("\n".join(summary_lines(result)))


if __name__ == "__main__":
    main()
