"""The receipts pack: a pure builder from a `PackData` snapshot to Markdown and JSON.

Nothing here imports Textual, questionary or SQLite: the CLI (`preflight export`) and the
wizard read the records from the store (`snapshot.snapshot_from_store`), then call
`write.write_pack`. This file imports nothing, so `app.export.escape` stays cheap to load.
"""
