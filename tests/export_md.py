"""Reading exported Markdown back with markdown-it-py, the way a renderer would."""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it import MarkdownIt

MD = MarkdownIt("commonmark").enable("table")


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)


def structure(text: str) -> tuple[list[tuple[int, str]], list[Table]]:
    """Headings as (level, text) and tables as header + rows of cell texts."""
    tokens = MD.parse(text)
    headings: list[tuple[int, str]] = []
    tables: list[Table] = []
    row: list[str] | None = None
    in_head = False
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            headings.append((int(tok.tag[1]), rendered_text(tokens[i + 1])))
        elif tok.type == "table_open":
            tables.append(Table([]))
        elif tok.type == "thead_open":
            in_head = True
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open":
            row = []
        elif tok.type in ("th_open", "td_open"):
            assert row is not None
            row.append(rendered_text(tokens[i + 1]))
        elif tok.type == "tr_close":
            assert row is not None
            if in_head:
                tables[-1].header = row
            else:
                tables[-1].rows.append(row)
    return headings, tables


def rendered_text(inline) -> str:
    """The text a reader sees in an inline token (link labels included, markup dropped)."""
    out = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type == "softbreak":
            out.append("\n")
    return "".join(out)


def html_tags(text: str) -> list[str]:
    """Raw HTML the renderer would pass through (blocks and inline)."""
    tags = []
    for tok in MD.parse(text):
        if tok.type == "html_block":
            tags.append(tok.content)
        for child in tok.children or []:
            if child.type == "html_inline":
                tags.append(child.content)
    return tags


def links(text: str) -> list[str]:
    out = []
    for tok in MD.parse(text):
        for child in tok.children or []:
            if child.type == "link_open":
                out.append(child.attrs["href"])
    return out


def nonblank(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]
