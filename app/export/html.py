"""The receipts pack as one self-contained HTML file: the page, then the appendix.

Pure: the exported Markdown in, HTML out. markdown-it-py renders it ("commonmark" plus tables,
raw HTML off, linkify off, images off), so every user string reaches the file escaped and no
external asset is ever fetched. The CSS is inline: light and dark by `prefers-color-scheme`, and
a print stylesheet that keeps the page on one A4 or Letter sheet and starts the appendix on the
next.

The file carries what `preflight verify` reads, like the Markdown page:

    <!-- preflight-pack ref=support-summariser -->               (in <head>: which assessment)
    <meta name="preflight-digest" content="sha256:<digest>">     (the page's answers digest)
    <!-- preflight-page-sha256:<hex> -->                         (last line: SHA-256 of all above)
"""

from __future__ import annotations

import re
from functools import cache
from html import escape
from typing import TYPE_CHECKING

from app.core.states import VERDICT_STATE, WORDS
from app.export.seal import REF_LINE, SEAL_LINE, read_sealed, seal

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_STATE_OF_WORD = (
    {word: state for state, word in WORDS.items()}
    | {verdict: state for verdict, state in VERDICT_STATE.items()}
    | {"PRESENT": "clear", "PARTIAL": "amber", "MISSING": "red"}
)
_BADGE = re.compile(
    r"(?:^|\s)[✗!?~✔·◐] (?P<word>" + "|".join(map(re.escape, _STATE_OF_WORD)) + r")(?=$|[\s,.;:])"
)
_NARROW, _SHORT = 3, 14
"""A column whose cells are all this short or shorter is as wide as its longest one (at least
`_NARROW` characters); the other columns share what is left."""


def render_html(page: str, appendix: str) -> str:
    """One HTML document from the exported page and appendix Markdown (both sealed)."""
    claim = read_sealed(page)
    if claim.ref is None or claim.digest is None:
        raise ValueError("the page carries no assessment reference or digest")
    md = _markdown()
    page_tokens, appendix_tokens = md.parse(_strip(page)), md.parse(_strip(appendix))
    title = _first_heading(page_tokens) or "Receipts pack"
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light dark">',
        f"<!-- preflight-pack ref={claim.ref} -->",
        f'<meta name="preflight-digest" content="sha256:{claim.digest}">',
        f"<title>{escape(title)}</title>",
        f"<style>\n{CSS}</style>",
        "</head>",
        "<body>",
    ]
    body = [
        '<main class="page">',
        _render(md, page_tokens).rstrip("\n"),
        "</main>",
        '<section class="appendix">',
        _render(md, appendix_tokens).rstrip("\n"),
        "</section>",
        "</body>",
        "</html>",
    ]
    return seal("\n".join(head + body) + "\n")


@cache
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt  # loaded only when HTML is asked for

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    return md.enable("table").disable("image")


def _strip(markdown: str) -> str:
    """The Markdown without its machine lines (the ref comment and the seal), which the HTML
    carries in <head> and at its own foot instead."""
    lines = markdown.split("\n")
    return "\n".join(
        line for line in lines if not (REF_LINE.fullmatch(line) or SEAL_LINE.fullmatch(line))
    )


def _render(md: MarkdownIt, tokens: list[Token]) -> str:
    _decorate(tokens)
    return md.renderer.render(tokens, md.options, {})


def _decorate(tokens: list[Token]) -> None:
    """State badges get a class (colour beside the symbol and word); table columns get widths
    that follow their content, so fixed-layout tables wrap instead of overflowing."""
    for i, tok in enumerate(tokens):
        if tok.type in ("td_open", "th_open", "heading_open") and i + 1 < len(tokens):
            text = _text(tokens[i + 1])  # a cell that is a badge; a heading that holds one
            match = _BADGE.search(text) if tok.type == "heading_open" else _BADGE.match(text)
            if match:
                tok.attrJoin("class", f"state-{_STATE_OF_WORD[match['word']]}")
        if tok.type == "table_open":
            _widths(tokens, i)
        if tok.type == "inline":
            _decorate_strong(tok.children or [])


def _decorate_strong(children: list[Token]) -> None:
    """A gate block's head, `**✗ RED · title**`, gets its state's class too."""
    for j, child in enumerate(children):
        if child.type == "strong_open" and j + 1 < len(children):
            match = _BADGE.match(children[j + 1].content or "")
            if match:
                child.attrJoin("class", f"state-{_STATE_OF_WORD[match['word']]}")


def _widths(tokens: list[Token], start: int) -> None:
    """Short columns (states, counts, dates, owners) get the width of their longest cell;
    the long ones share the rest, and wrap."""
    longest: dict[int, int] = {}
    heads: list[Token] = []
    column = 0
    for i in range(start, len(tokens)):
        tok = tokens[i]
        if tok.type == "table_close":
            break
        if tok.type == "tr_open":
            column = 0
        elif tok.type in ("th_open", "td_open"):
            if tok.type == "th_open":
                heads.append(tok)
            size = len(_text(tokens[i + 1]).strip())
            longest[column] = max(longest.get(column, 0), size)
            column += 1
    for n, head in enumerate(heads):
        size = max(longest.get(n, 0), _NARROW)
        if size > _SHORT:
            continue
        width = f"width:{size * 6 // 5 + 2}ch"
        style = head.attrGet("style")
        head.attrSet("style", f"{style};{width}" if style else width)


def _text(inline: Token) -> str:
    """The plain text of an inline token, as a reader sees it."""
    if inline.type != "inline":
        return ""
    parts: list[str] = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _first_heading(tokens: list[Token]) -> str | None:
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and i + 1 < len(tokens):
            return _text(tokens[i + 1]).strip() or None
    return None


CSS = """\
:root {
  color-scheme: light dark;
  --fg: #1b1d21; --muted: #5b6270; --bg: #ffffff; --rule: #d4d8de; --head: #f2f4f7;
  --red: #b3261e; --amber: #8a5300; --unknown: #4a4fa8; --clear: #1f7a35; --link: #1f5fbf;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e4e6ea; --muted: #a2a9b5; --bg: #15171b; --rule: #3a3f48; --head: #20242b;
    --red: #ff8a80; --amber: #f2c14e; --unknown: #a9adff; --clear: #6fdc8c; --link: #8ab4f8;
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); color: var(--fg); }
body {
  margin: 0 auto; padding: 1.5rem 1.25rem 3rem; max-width: 72rem;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans",
    "Liberation Sans", Arial, sans-serif;
}
h1 { font-size: 1.6em; margin: 0 0 .4em; }
h2 { font-size: 1.2em; margin: 1.2em 0 .4em; padding-bottom: .15em; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1.05em; margin: 1em 0 .3em; }
p, ul, ol { margin: .35em 0 .6em; }
ul, ol { padding-left: 1.4em; }
a { color: var(--link); overflow-wrap: anywhere; }
code { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, monospace; font-size: .92em; }
table { table-layout: fixed; width: 100%; border-collapse: collapse; margin: .4em 0 .8em; }
th, td {
  border: 1px solid var(--rule); padding: .25em .4em; text-align: left; vertical-align: top;
  overflow-wrap: anywhere;
}
th { background: var(--head); font-weight: 600; }
.state-red { color: var(--red); font-weight: 600; }
.state-amber { color: var(--amber); font-weight: 600; }
.state-unknown { color: var(--unknown); font-weight: 600; }
.state-clear, .state-green { color: var(--clear); }
.state-waived, .state-inactive { color: var(--muted); }
h2.state-red, h2.state-amber, h2.state-unknown, h2.state-clear { border-bottom-color: currentColor; }
.appendix { margin-top: 3rem; padding-top: 1rem; border-top: 3px double var(--rule); }
@page { size: A4; margin: 12mm; }
@media print {
  :root {
    --fg: #000000; --muted: #444444; --bg: #ffffff; --rule: #9aa0a8; --head: #eceef1;
    --red: #a0001c; --amber: #7a4a00; --unknown: #3a3f99; --clear: #1a6b2e; --link: #1a1a1a;
  }
  html, body { background: #ffffff; }
  body { max-width: none; padding: 0; font-size: 8pt; line-height: 1.25; }
  h1 { font-size: 13pt; margin: 0 0 2pt; }
  h2 { font-size: 10pt; margin: 6pt 0 2pt; }
  h3 { font-size: 9pt; margin: 5pt 0 2pt; }
  p, ul, ol { margin: 1pt 0 3pt; }
  table { margin: 2pt 0 4pt; font-size: 7.5pt; }
  th, td { padding: 1pt 3pt; }
  thead { display: table-header-group; }
  tr, li { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
  a { text-decoration: none; }
  .page { break-after: page; }
  .appendix { break-before: page; margin: 0; padding: 0; border: 0; }
}
"""
