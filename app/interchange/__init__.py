"""Assessment files: one assessment with its whole history, shared between people and back.

Pure over the store's records (no SQLite, no front end): `bundle` builds the file's content,
reads and checks it back into records, and compares its packs with the packs in use.
"""
