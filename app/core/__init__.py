"""The pure core: pack format, answer checks, safe expressions and the gate engine.

Nothing in this package imports Textual, questionary or SQLite; every front end stands on it.
"""
