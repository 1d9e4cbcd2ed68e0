"""The options of `preflight portfolio serve`, apart from the server: building the CLI's
parser (`preflight --help` builds every command's) loads neither Datasette nor SQLite."""

from __future__ import annotations

import argparse

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The serve options, for the `preflight portfolio serve` parser."""
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}, this machine only; anything else "
        "is reachable by others, and Datasette has no authentication)",
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})"
    )
