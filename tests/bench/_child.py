"""One cold start for `run.py`: run an app headless and exit right after its first painted frame.

    python tests/bench/_child.py bare ROWS       the baseline (`_bare.BareApp`)
    python tests/bench/_child.py app ARGS...     `preflight ARGS...` (e.g. `--db X home`)

The same hook serves both, so the parent's wall clock (spawn to exit) compares like with like.
Every frame reaches `App._display(screen, update)` from `Screen._compositor_refresh`, after the
compositor has rendered the dirty widgets into strips (textual 8.2.8, screen.py). Headless,
`_display` returns before turning those strips into terminal codes, so the hook does that step
itself (`render_segments`) to pay for the whole paint, then calls `app.exit()`. Frames of the
blank default screen (`_default`) and frames held back by a batch update are not counted: the
first counted frame is the pushed screen (home, or the bare screen) with its rows. The moment
it is ready is printed as `FIRST-FRAME <time.time()>`; the parent measures from spawn to it.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from textual.app import App

SIZE = (100, 32)
_run = App.run
_display = App._display


def _headless_run(self, *args, **kwargs):
    kwargs["headless"] = True
    kwargs["size"] = SIZE
    return _run(self, *args, **kwargs)


def _display_then_exit(self, screen, renderable):
    _display(self, screen, renderable)
    if renderable is None or self._batch_count or self._exit or screen.id == "_default":
        return
    renderable.render_segments(self.console)
    # The wall-clock moment the first frame is ready, for the parent (see run.spawn).
    print(f"FIRST-FRAME {time.time():.6f}", file=sys.stderr, flush=True)
    if os.environ.get("BENCH_SHOW_FRAME"):
        print(f"first frame: {type(screen).__name__}", file=sys.stderr)
    self.exit()


App.run = _headless_run
App._display = _display_then_exit


def main() -> int:
    mode, rest = sys.argv[1], sys.argv[2:]
    if mode == "bare":
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from _bare import BareApp

        BareApp(int(rest[0]) if rest else 1).run()
        return 0
    from app.cli import main as cli_main

    return cli_main(rest)


if __name__ == "__main__":
    raise SystemExit(main())
