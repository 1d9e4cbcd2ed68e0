"""Writing a receipts pack to disk: the one function the CLI and the wizard both call.

Writes are atomic (a temporary file in the target folder, then `os.replace`), nothing is
overwritten without `force`, and every target is checked before the first byte is written, so a
refused export leaves the folder as it was.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from app.errors import EXIT_ERROR, EXIT_USAGE, PreflightError
from app.export.appendix import render_appendix
from app.export.jsonout import render_json
from app.export.page import render_page
from app.export.snapshot import PackData, make_snapshot

FORMATS = ("md", "json", "html")
SUFFIXES = {".md": "md", ".json": "json", ".html": "html"}
"""A file path's suffix names its format."""
DEFAULT_DIR = "exports"


class PackExists(PreflightError):
    """The files an export would write are there already (and `force` was not given)."""


def file_stem(data: PackData) -> str:
    """A file-name-safe stem from the slug (the id when the slug has nothing usable)."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", data.assessment.slug).strip("-.")[:80]
    return stem or f"assessment-{data.assessment.id}"


def pick_format(out: Path | str | None, fmt: str | None = None) -> str:
    """The format to write: `fmt`, else the one the file's suffix names, else md.

    A file path must end in .md, .json or .html, agreeing with `fmt` when both are given; a
    folder (one that exists, one written with a trailing slash, or a name without a suffix)
    takes any format. Anything else is refused with exit 2 before a byte is written.
    """
    if fmt is not None and fmt not in FORMATS:
        raise PreflightError(
            f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})", EXIT_USAGE
        )
    if out is None:
        return fmt or "md"
    raw, path = str(out), Path(out)
    if raw.endswith(("/", os.sep)):  # `--out a.md/`: a folder, whatever its name says
        return fmt or "md"
    suffix = path.suffix.lower()
    named = SUFFIXES.get(suffix)
    if named is not None:
        if fmt is not None and fmt != named:
            raise PreflightError(
                f"--format {fmt} does not match {raw!r}, which ends in {path.suffix}; "
                f"drop --format or name the file .{fmt}",
                EXIT_USAGE,
            )
        return named
    if suffix and not raw.endswith(("/", os.sep)) and not path.is_dir():
        raise PreflightError(
            f"cannot tell the format of {raw!r}: a file must end in "
            f"{', '.join(SUFFIXES)} (a folder: a name without a suffix, or end it in /)",
            EXIT_USAGE,
        )
    return fmt or "md"


def targets(
    data: PackData, out: Path, fmt: str = "md", folder: bool | None = None
) -> dict[Path, str]:
    """Where each file goes: `out` is a folder unless it ends in .md, .json or .html (or
    `folder` says so: a path typed with a trailing slash). A file keeps the name as given."""
    if fmt not in FORMATS:
        raise PreflightError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    if folder is None:
        folder = out.suffix.lower() not in SUFFIXES
    if not folder:
        base = out.with_suffix("")
        if fmt == "md":
            appendix = base.with_name(base.name.removesuffix("-receipts") + "-appendix.md")
            return {out: "page", appendix: "appendix"}
        return {out: fmt}
    base = out / f"{file_stem(data)}-receipts"
    if fmt == "json":
        return {base.with_name(base.name + ".json"): "json"}
    if fmt == "html":
        return {base.with_name(base.name + ".html"): "html"}
    appendix = base.with_name(base.name.removesuffix("-receipts") + "-appendix.md")
    return {base.with_name(base.name + ".md"): "page", appendix: "appendix"}


def render(data: PackData, kind: str) -> str:
    return {
        "page": render_page,
        "appendix": render_appendix,
        "json": render_json,
        "html": render_pack_html,
    }[kind](data)


def render_pack_html(data: PackData) -> str:
    """The page and the appendix in one HTML file, from the very Markdown the md format writes."""
    from app.export.html import render_html  # only for html: md and json never load it

    return render_html(render_page(data), render_appendix(data))


def write_pack(
    snapshot: PackData,
    out: Path | str | None = None,
    force: bool = False,
    date: str | None = None,
    fmt: str | None = None,
) -> list[Path]:
    """Write the pack for `snapshot` (re-dated to `date` if given); return the files written.

    The format is `fmt`, else the one `out`'s suffix names, else md (see `pick_format`)."""
    fmt = pick_format(out, fmt)
    data = redate(snapshot, date) if date and date != snapshot.date else snapshot
    out_path = Path(out) if out is not None else Path(DEFAULT_DIR)
    typed_folder = out is not None and str(out).endswith(("/", os.sep))
    files = targets(data, out_path, fmt, folder=True if typed_folder else None)
    contents = {path: render(data, kind).encode("utf-8") for path, kind in files.items()}
    if not force:
        existing = [str(p) for p in files if p.exists()]
        if existing:
            verb = "exists" if len(existing) == 1 else "exist"
            raise PackExists(
                f"{', '.join(existing)} already {verb}; use --force to replace", EXIT_ERROR
            )
    for path in files:
        _make_folder(path.parent)
    for path, content in contents.items():
        atomic_write(path, content)
    return list(files)


def redate(snapshot: PackData, date: str) -> PackData:
    """The same records judged on another day (waivers may expire)."""
    return make_snapshot(
        snapshot.assessment,
        snapshot.participants,
        snapshot.answers,
        snapshot.followups,
        snapshot.waivers,
        snapshot.packset,
        date=date,
        version=snapshot.version,
        respondents=snapshot.respondents,
        disputes=snapshot.disputes,
        decisions=snapshot.decisions,
        changes=snapshot.changes,
    )


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise PreflightError(f"cannot write to {folder}: it is a file, not a folder") from None
    except OSError as exc:
        raise PreflightError(f"cannot write to {folder}: {exc.strerror or exc}") from None
    if not folder.is_dir():
        raise PreflightError(f"cannot write to {folder}: it is a file, not a folder")


def atomic_write(path: Path, content: bytes) -> None:
    """Write `content` to a temporary file beside `path`, then move it into place."""
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a pack is meant to be shared
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        tmp = None
    except IsADirectoryError:
        raise PreflightError(f"cannot write {path}: a folder has that name") from None
    except OSError as exc:
        raise PreflightError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
