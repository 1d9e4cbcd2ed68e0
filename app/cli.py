"""The `preflight` command: argparse with one module per sub-command (see `app.commands`)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from app import __version__
from app.commands import COMMANDS
from app.core import text
from app.errors import EXIT_BROKEN_PIPE, EXIT_USAGE, PreflightError


def _common_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    """--db and --questionnaires, accepted before or after the sub-command."""
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=default,
        help="SQLite file holding the assessments (env PREFLIGHT_DB; default: user data dir)",
    )
    parser.add_argument(
        "--questionnaires",
        metavar="DIR",
        action="append",
        default=default,
        help="extra folder of pack files; a pack with a shipped id replaces it "
        "(env PREFLIGHT_QUESTIONNAIRES, os.pathsep-separated; repeatable)",
    )


def _named_command(argv: Sequence[str]) -> str | None:
    """The sub-command module `argv` names (its first word after the global options), or
    None (none, or not a command: then every sub-command is built, for help and errors)."""
    words = iter(argv)
    for word in words:
        if word in ("--db", "--questionnaires"):
            next(words, None)  # its value
        elif not word.startswith("-"):
            module = {"list": "list_", "import": "import_"}.get(word, word)
            return module if module in COMMANDS else None
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given `argv` that names a sub-command, with that one only: importing
    every command module to run one cost ~15 ms of each start."""
    parser = argparse.ArgumentParser(
        prog="preflight",
        description="Walk an AI pilot through acceptance, data, security, production and "
        "adoption questionnaires; see red gates live; export a receipts pack.",
    )
    parser.add_argument("--version", action="version", version=f"preflight {__version__}")
    _common_options(parser, suppress=False)
    common = argparse.ArgumentParser(add_help=False)
    _common_options(common, suppress=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    named = _named_command(argv) if argv is not None else None
    for name in [named] if named is not None else COMMANDS:
        module = importlib.import_module(f"app.commands.{name}")
        module.add(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    where = "start-up"
    try:
        words = list(sys.argv[1:] if argv is None else argv)
        parser = build_parser(words)
        args = parser.parse_args(words)
        where = args.command or "home"
        if args.db is None:
            args.db = os.environ.get("PREFLIGHT_DB") or None
        if args.questionnaires is None:
            env = os.environ.get("PREFLIGHT_QUESTIONNAIRES", "")
            args.questionnaires = [p for p in env.split(os.pathsep) if p]
        handler = getattr(args, "handler", None)
        if handler is None:
            handler = _default_handler(parser)
            if handler is None:
                parser.print_help()
                return EXIT_USAGE
        code = int(handler(args) or 0)
        sys.stdout.flush()  # here, not at exit: a reader that left is told apart (141)
        return code
    except PreflightError as exc:
        # Messages quote paths, names and keys from files: the one cleaner, line by line.
        print(f"preflight: {text.lines(exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("preflight: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `preflight check | head`: the reader left before the end. Not worth a traceback, but
        # not success either (a NO-GO must not pass as 0): 141, as a shell reports SIGPIPE.
        # Point stdout at /dev/null so the interpreter's final flush does not fail again.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_BROKEN_PIPE
    except Exception as exc:
        # A bug, not a failed check: exit 4 (never 1, which means NO-GO), traceback to a log.
        from app.crash import report

        return report(exc, where)


def _default_handler(parser: argparse.ArgumentParser):
    """`preflight` with no sub-command opens the home screen, once the wizard is installed."""
    if "home" in COMMANDS:
        module = importlib.import_module("app.commands.home")
        return module.run
    return None
