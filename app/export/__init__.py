"""The receipts pack: a pure builder from a `PackData` snapshot to Markdown and JSON.

Nothing here imports Textual, questionary or SQLite: the CLI (`preflight export`) and the
wizard read the records from the store, call `make_snapshot`, then `write_pack`.
"""

from app.export.snapshot import PackData, make_snapshot
from app.export.write import write_pack

__all__ = ["PackData", "make_snapshot", "write_pack"]
