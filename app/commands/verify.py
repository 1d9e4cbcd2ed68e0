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
    parser.add_argument(
        "--explain",
        action="store_true",
        help="on a mismatch, say what differs: what changed in the database since that export "
        "(from the history), and which lines of the file were edited",
    )
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
    if not claim.intact and not args.explain:
        print(f"{name}: MISMATCH: the file was edited after export (page digest differs)")
        return EXIT_FAIL
    if args.explain:
        return _explained(args, name, text, claim)
    data = load_snapshot(args, claim.ref, with_changes=False)  # the digest is enough
    now = data.digest
    if now != claim.digest:
        print(_changed_words(name, data.assessment.slug))
        return EXIT_FAIL
    print(f"{name}: OK: matches {data.assessment.slug!r} (sha256:{now[:12]}…)")
    return EXIT_OK


def _changed_words(name: str, slug: str) -> str:
    return (
        f"{name}: MISMATCH: answers, notes, evidence, waivers or pack versions of "
        f"{slug!r} changed since export (or another Preflight version made it)"
    )


def _explained(args: argparse.Namespace, name: str, text: str, claim) -> int:
    """`verify --explain`: the same verdict and exit code, and below each mismatch what
    differs (see app/commands/_explain.py)."""
    from app.commands import _explain
    from app.commands._packs import packset_or_fail
    from app.commands._store import open_store
    from app.errors import EXIT_FAIL, EXIT_OK
    from app.export.snapshot import snapshot_from_store

    packset = packset_or_fail(args)
    with open_store(args) as store:
        data = snapshot_from_store(store, claim.ref, packset)
        out: list[str] = []
        moved = data.digest != claim.digest
        if not claim.intact:
            out.append(f"{name}: MISMATCH: the file was edited after export (page digest differs)")
            out += [f"  {line}" for line in _explain.edited(data, text)]
            if moved:
                out.append(
                    "  the database changed since export too (below), so some of these differences "
                    "may differ because of that rather than a hand edit"
                )
            else:
                out.append(
                    "  the database still gives the file's digest, so these differences are what was "
                    "edited by hand (decisions recorded since export aside: they are shown but "
                    "not in the digest)"
                )
        if moved:
            out.append(_changed_words(name, data.assessment.slug))
            out += _explain.changed(store, packset, data, claim, text)
    if not out:
        out.append(f"{name}: OK: matches {data.assessment.slug!r} (sha256:{data.digest[:12]}…)")
        print("\n".join(out))
        return EXIT_OK
    print("\n".join(out))
    return EXIT_FAIL
