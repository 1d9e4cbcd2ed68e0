"""Reading an assessment file for a command (`import`, `merge`): refused whole, or read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.core.packs import PackSet
    from app.interchange.bundle import Bundle


def read_checked(
    path: str, packset: PackSet, *, strict: bool, installed: list[dict[str, Any]] | None = None
) -> Bundle:
    """The file's records, checked against the packs in use. A damaged or edited file, or
    answers that do not fit their questions, exit 4 naming the file and field; packs that
    differ print one warning each (refused with `strict`). `installed` is
    `bundle.packs_in_use(packset)` when the caller reads several files (hashing every
    question once, not once a file)."""
    import sys

    from app.core.text import one_line
    from app.errors import EXIT_ERROR, PreflightError
    from app.interchange import bundle

    name = one_line(path)
    data = read_bytes(path, name)
    try:
        found = bundle.read(data)
    except bundle.BundleError as exc:
        if exc.field == "json" and path.lower().endswith(".toml"):
            raise PreflightError(
                f"{name}: an answer file, not an assessment file (those are JSON, written by "
                "'preflight share'); apply it with 'preflight quick SLUG --answers FILE'",
                EXIT_ERROR,
            ) from None
        raise PreflightError(f"{name}: {exc}", EXIT_ERROR) from None
    bad = bundle.value_problems(found, packset)
    if bad:
        for line in bad:
            print(f"{name}: {one_line(line)}", file=sys.stderr)
        raise PreflightError(
            f"{name}: {len(bad)} answer(s) do not fit their questions; nothing written",
            EXIT_ERROR,
        )
    if installed is None:
        installed = bundle.packs_in_use(packset)
    changes = bundle.pack_changes(found.packs, installed, found.answers)
    label = "error" if strict else "warning"
    for line in changes:
        print(f"{label}: {name}: {line}", file=sys.stderr)
    if changes and strict:
        raise PreflightError(
            f"{name}: packs: differ from the packs in use ({len(changes)} difference(s)); "
            "nothing written (--strict)",
            EXIT_ERROR,
        )
    return found


def read_bytes(path: str, name: str) -> bytes:
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
