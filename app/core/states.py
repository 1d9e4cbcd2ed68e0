"""How every state reads: a symbol and a word, never colour alone.

Kept apart from the engine and the pack classes so a screen that only shows states, such as the
home screen, starts without loading them.
"""

SYMBOLS: dict[str, str] = {
    "red": "✗",
    "amber": "!",
    "unknown": "?",
    "clear": "✔",
    "green": "✔",
    "waived": "~",
    "inactive": "·",
}

WORDS: dict[str, str] = {
    "red": "RED",
    "amber": "AMBER",
    "unknown": "UNKNOWN",
    "clear": "CLEAR",
    "green": "GREEN",
    "waived": "WAIVED",
    "inactive": "N/A",
}

VERDICT_STATE: dict[str, str] = {
    "NO-GO": "red",
    "INCOMPLETE": "unknown",
    "CONDITIONAL": "amber",
    "GO": "clear",
}
"""The gate state whose symbol (and colour) a verdict borrows."""


def badge(state: str) -> str:
    """`✗ RED`, `! AMBER`, … — the symbol and word for a state."""
    return f"{SYMBOLS[state]} {WORDS[state]}"


def verdict_badge(verdict: str) -> str:
    """`✗ NO-GO`, `? INCOMPLETE`, `! CONDITIONAL`, `✔ GO`."""
    verdict = str(verdict)
    return f"{SYMBOLS[VERDICT_STATE[verdict]]} {verdict}"
