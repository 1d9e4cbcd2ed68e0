"""`preflight verify FILE`: does an exported pack still match the database, unedited?

Exit 0 when the file is exactly as exported and its digest matches the stored answers, pack
versions and Preflight version; 1 when the file was edited or the answers changed since.
"""

from __future__ import annotations

import argparse


def add(sub, common) -> None:
    parser = sub.add_parser(
        "verify",
        parents=[common],
        help="check an exported pack against the database (exit 1 if it no longer matches)",
        description="Recompute the digest of an exported pack (Markdown page, appendix, JSON or HTML) "
        "from the database and check the file was not edited. Exit 0 match, 1 mismatch.",
    )
    parser.add_argument("file", metavar="FILE", help="an exported .md, .json or .html file")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from app.commands._snapshot import load_snapshot
    from app.core.text import one_line
    from app.errors import EXIT_FAIL, EXIT_OK, PreflightError
    from app.export.seal import read_any

    path = Path(args.file)
    name = one_line(path)  # a file name may hold terminal escapes
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise PreflightError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        print(f"{name}: MISMATCH: not a Preflight pack (not UTF-8 text)")
        return EXIT_FAIL
    claim = read_any(text)
    if claim.ref is None or claim.digest is None:
        print(f"{name}: MISMATCH: not a Preflight pack (no assessment reference or digest)")
        return EXIT_FAIL
    if not claim.intact:
        print(f"{name}: MISMATCH: the file was edited after export (page digest differs)")
        return EXIT_FAIL
    data = load_snapshot(args, claim.ref)
    now = data.digest
    if now != claim.digest:
        print(
            f"{name}: MISMATCH: answers, notes, evidence, waivers or pack versions of "
            f"{data.assessment.slug!r} changed since export (or another Preflight version "
            f"made it)"
        )
        return EXIT_FAIL
    print(f"{name}: OK: matches {data.assessment.slug!r} (sha256:{now[:12]}…)")
    return EXIT_OK
