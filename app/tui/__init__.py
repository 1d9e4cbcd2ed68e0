"""The Textual front end: home, wizard, gate board, pack preview and participants screens.

Screens never touch SQL: they call a `Session` (one assessment) or the `Store` passed into
the app by `make_app`, the one factory the CLI, the tests and the snapshot tests all use.
"""
