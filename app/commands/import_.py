"""`preflight import FILE [--as SLUG] [--strict]`: recreate an assessment from its file."""

from __future__ import annotations

import argparse


def add(sub, common) -> None:
    parser = sub.add_parser(
        "import",
        parents=[common],
        help="recreate an assessment from a file written by 'preflight share'",
        description="Recreate an assessment, with its history, from a file written by "
        "'preflight share'. Packs that differ from the ones in use give one warning each "
        "(refused with --strict); a damaged or edited file is refused and nothing is written.",
    )
    parser.add_argument("file", metavar="FILE", help="the assessment file (.preflight.json)")
    parser.add_argument(
        "--as",
        dest="as_slug",
        metavar="SLUG",
        help="the slug to import under (needed when the file's slug is in use here)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="refuse the file if its packs differ from the packs in use",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import dataclasses
    import sys

    from app.commands._packs import packset_or_fail
    from app.commands._store import open_store
    from app.core.text import one_line
    from app.errors import EXIT_ERROR, EXIT_USAGE, PreflightError
    from app.interchange import bundle
    from app.session import Session
    from app.store.errors import NotFound

    name = one_line(args.file)
    if args.as_slug is not None and not bundle.valid_slug(args.as_slug):
        raise PreflightError(
            f"--as {one_line(args.as_slug)!r}: a slug is lowercase letters, digits and dashes "
            "(at most 40, not only digits)",
            EXIT_USAGE,
        )
    data = _read(args.file, name)
    try:
        found = bundle.read(data)
    except bundle.BundleError as exc:
        raise PreflightError(f"{name}: {exc}", EXIT_ERROR) from None
    packset = packset_or_fail(args)
    bad = bundle.value_problems(found, packset)
    if bad:
        for line in bad:
            print(f"{name}: {one_line(line)}", file=sys.stderr)
        raise PreflightError(
            f"{name}: {len(bad)} answer(s) do not fit their questions; nothing imported",
            EXIT_ERROR,
        )
    changes = bundle.pack_changes(found.packs, bundle.packs_in_use(packset), found.answers)
    label = "error" if args.strict else "warning"
    for line in changes:
        print(f"{label}: {name}: {line}", file=sys.stderr)
    if changes and args.strict:
        raise PreflightError(
            f"{name}: packs: differ from the packs in use ({len(changes)} difference(s)); "
            "nothing imported (--strict)",
            EXIT_ERROR,
        )
    assessment = found.assessment
    if args.as_slug is not None:
        assessment = dataclasses.replace(assessment, slug=args.as_slug)
    with open_store(args) as store:
        try:
            store.get(assessment.slug)
        except NotFound:
            pass
        else:
            how = "--as" if args.as_slug is not None else "assessment.slug"
            raise PreflightError(
                f"{name}: {how}: an assessment {assessment.slug!r} exists already; "
                "import it under another slug with --as NEW-SLUG",
                EXIT_USAGE,
            )
        session = Session.restore(
            store,
            packset,
            assessment,
            participants=found.participants,
            answers=found.answers,
            history=found.history,
            followups=found.followups,
            waivers=found.waivers,
        )
    print(session.assessment.slug)
    return 0


def _read(path: str, name: str) -> bytes:
    """The file's bytes, refused (exit 4) before reading when it is not a regular file or is
    larger than the cap."""
    import os
    import stat

    from app.errors import EXIT_ERROR, PreflightError
    from app.interchange.bundle import MAX_FILE_BYTES

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise PreflightError(f"{name}: cannot read: {exc.strerror or exc}", EXIT_ERROR) from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):  # a folder, a FIFO, a device: before fdopen refuses it
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        raise PreflightError(f"{name}: cannot read: {kind}", EXIT_ERROR)
    with os.fdopen(fd, "rb") as handle:
        if st.st_size > MAX_FILE_BYTES:
            raise PreflightError(
                f"{name}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; not an assessment file",
                EXIT_ERROR,
            )
        try:
            data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise PreflightError(
                f"{name}: cannot read: {exc.strerror or exc}", EXIT_ERROR
            ) from None
    if len(data) > MAX_FILE_BYTES:
        raise PreflightError(f"{name}: grew past the size cap while read", EXIT_ERROR)
    return data
