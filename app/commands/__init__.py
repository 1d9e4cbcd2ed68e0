"""One module per `preflight` sub-command.

Each module defines `add(subparsers, common)` to declare its arguments and a `run(args)` that
does the work. Modules import nothing heavy at import time: building the parser must stay cheap,
and a command that does not need Textual or questionary never loads them.
"""

COMMANDS = [
    "home",
    "open",
    "demo",
    "quick",
    "new",
    "packs",
    "list_",
    "rename",
    "archive",
    "delete",
    "check",
    "decide",
    "actions",
    "export",
    "share",
    "import_",
    "merge",
    "agenda",
    "coverage",
    "diff",
    "verify",
    "portfolio",
    "validate",
    "schema",
    "questions",
]
"""Sub-command modules, in the order `preflight --help` lists them (`list_` is `list`, `import_` is `import`)."""
