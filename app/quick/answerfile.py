"""`preflight quick SLUG --answers FILE`: apply an answer file without prompting.

The file is read and checked by `app.core.answerfile` (all or nothing); on any problem every
`FILE: question_id: message` (or `FILE: _followups.GATE_ID.field: message`) line goes to
stderr, nothing is written, and the command exits 4 (EXIT_ERROR: Preflight could not do its
job), so a script can tell "file refused" apart from a NO-GO (1) or INCOMPLETE (3) verdict on
an applied file.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from app.core.answerfile import AnswerFile, AnswerFileError, read_answer_file
from app.core.text import one_line
from app.errors import EXIT_ERROR, PreflightError


def apply_file(session: Any, path: Path, answered_as: str | None = None) -> AnswerFile:
    """Read `path`, add missing `_meta` participants, write every answer, follow-up and waiver
    in one transaction.

    Returns what was written. Raises PreflightError (exit 4) after printing each problem line
    to stderr.
    """
    try:
        answer_file = read_answer_file(path, session.packset, today=session.today())
    except AnswerFileError as exc:
        for line in exc.lines:
            print(one_line(line), file=sys.stderr)  # file names and keys may hold escapes
        raise PreflightError(
            f"{path}: {len(exc.lines)} problem(s); nothing was applied", EXIT_ERROR
        ) from None
    answered_by = answered_as or answer_file.answered_as
    people = [(p.name, p.role) for p in answer_file.participants]
    session.apply(
        answer_file.entries,
        answered_by=answered_by,
        participants=people,
        followups=answer_file.followup_fields(),
        waivers=answer_file.waiver_fields(),
    )
    return answer_file
