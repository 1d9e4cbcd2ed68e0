"""`export --format html`: one self-contained file, every user string escaped, sealed like the
Markdown page so `verify` checks it the same way."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.export.appendix import render_appendix
from app.export.html import render_html
from app.export.page import render_page
from app.export.seal import read_any
from app.export.write import render_pack_html
from app.store import Store
from app.store.models import GateFollowUp, Participant, Waiver
from tests.conftest import run_cli, run_python
from tests.export_demo import demo_data, load_demo, shipped_packset
from tests.export_support import STAMP, assessment, record, vendor_data

ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "section", "h1", "h2", "h3",
    "h4", "p", "br", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "a",
    "code", "em", "strong", "pre", "blockquote", "hr", "s",
}  # fmt: skip
ATTRS = {"lang", "charset", "name", "content", "class", "style", "href"}
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text between tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Tags:
    tags = Tags()
    tags.feed(html)
    tags.close()
    return tags


def hostile_data(name: str, other: str, link: str):
    answers = vendor_data().answers
    answers["vendor_name"] = record(
        "vendor_name", other, note=f"[x]({link}) ![i](https://e.x/i.png)"
    )
    answers["vendor_dpa_signed"] = record("vendor_dpa_signed", "yes", evidence=link, by=other)
    people = [Participant(id=1, assessment_id=1, name=other, role=name)]
    followups = {
        "vendor_cost_over_budget": GateFollowUp(
            assessment_id=1,
            gate_id="vendor_cost_over_budget",
            owner=other,
            due="2026-04-01",
            note=name,
            updated_at=STAMP,
        )
    }
    waivers = {
        "vendor_fragile": Waiver(
            assessment_id=1,
            gate_id="vendor_fragile",
            reason=other,
            approver=name,
            expires="2026-12-31",
            created_at=STAMP,
        )
    }
    return vendor_data(
        assessment=assessment(name=name),
        participants=people,
        answers=answers,
        followups=followups,
        waivers=waivers,
    )


def assert_safe(html: str) -> Tags:
    tags = parse(html)
    for tag, attrs in tags.tags:
        assert tag in ALLOWED_TAGS, tag
        assert set(attrs) <= ATTRS, (tag, attrs)
        href = (attrs.get("href") or "").strip().lower()
        assert not href.startswith(("javascript", "data", "vbscript", "file")), href
        if tag != "a":
            assert "href" not in attrs
    assert [t for t, _ in tags.tags].count("style") == 1
    assert "<script" not in html.lower() and not re.search(r"<[a-z][^<>]*\ssrc=", html)
    assert not re.search(r"\bon[a-z]+\s*=", "".join(f"<{t} {a}>" for t, a in tags.tags))
    assert len(re.findall(r"<!--", html)) == 2  # the ref comment and the seal, nothing else
    return tags


def test_hostile_names_are_escaped():
    data = hostile_data(SCRIPT, IMG, "javascript:alert(1)")
    html = render_pack_html(data)
    tags = assert_safe(html)
    text = "".join(tags.text)
    assert SCRIPT in text and IMG.strip() in text  # shown as typed, as text
    assert "<title>Receipts pack: &lt;script&gt;alert(1)&lt;/script&gt;</title>" in html
    assert "<h1>Receipts pack: &lt;script&gt;alert(1)&lt;/script&gt;</h1>" in html
    assert not any((attrs.get("href") or "").startswith("javascript") for _, attrs in tags.tags)


nasty = st.lists(
    st.one_of(
        st.sampled_from(
            [SCRIPT, IMG, "<!--", "-->", "</style>", "</head>", "[x](javascript:alert(1))",
             "![i](http://x/i.png)", "<http://x>", "<a href=x>", "&amp;", "\n", "|", "\\", "`"]
        ),
        st.text(max_size=8),
    ),
    min_size=1,
    max_size=6,
).map("".join)  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=nasty, other=nasty, link=nasty)
def test_hostile_fields_never_make_markup(name, other, link):
    data = hostile_data(name or "n", other or "o", link or "l")
    html = render_pack_html(data)
    assert_safe(html)
    claim = read_any(html)
    assert (claim.ref, claim.digest, claim.intact) == ("support-summariser", data.digest, True)


def test_same_records_same_bytes_and_digest():
    first, second = render_pack_html(demo_data()), render_pack_html(demo_data())
    assert first == second
    data = demo_data()
    claim = read_any(first)
    assert (claim.ref, claim.digest, claim.intact) == ("support-summariser", data.digest, True)
    assert read_any(render_page(data)).digest == claim.digest  # the page's very digest


def test_one_self_contained_printable_file():
    html = render_pack_html(demo_data())
    assert html.startswith("<!DOCTYPE html>\n") and html.endswith(" -->\n")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?https?:""", html.split("<body>")[0])
    assert not re.search(r"<(?:link|img|script|iframe|object|embed)\b", html)
    assert "@import" not in html and "url(" not in html
    for css in (
        "prefers-color-scheme: dark",
        "@media print",
        "@page { size: A4; margin: 12mm; }",
        "break-before: page",
        "table-layout: fixed",
        "overflow-wrap: anywhere",
    ):
        assert css in html
    body = html.split("<body>")[1]
    page, appendix = body.split('<section class="appendix">')
    assert "Verdict: ✗ NO-GO" in page and "Appendix:" not in page
    assert "Appendix:" in appendix
    assert "preflight-pack" not in body and "preflight-page-sha256" not in body.rsplit("\n", 2)[0]
    assert '<strong class="state-red">✗ RED · ' in page, "a gate's head carries its colour"


def test_render_html_needs_a_sealed_page():
    data = demo_data()
    with pytest.raises(ValueError):
        render_html("# Not a pack\n", render_appendix(data))


@pytest.fixture
def demo_db(tmp_path):
    db = tmp_path / "x.db"
    with Store.open(db) as store:
        load_demo(store, shipped_packset())
    return db


def test_verify_covers_html_like_markdown(demo_db, tmp_path):
    base = ["--db", str(demo_db)]
    made = run_cli(
        *base, "export", "support-summariser", "--out", str(tmp_path), "--format", "html"
    )
    assert made.returncode == 0, made.stderr
    html = tmp_path / "support-summariser-receipts.html"
    assert made.stdout.split() == [str(html)]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "support-summariser-receipts.html",
        "x.db",
    ]
    ok = run_cli(*base, "verify", str(html))
    assert (ok.returncode, "OK" in ok.stdout) == (0, True), ok.stdout + ok.stderr

    text = html.read_text()
    for n, (old, new) in enumerate(
        [
            ("NO-GO", "GO"),  # the page
            ("Nobody on call", "Someone on call"),  # the gates
            ("size: A4", "size: A5"),  # the print stylesheet
        ]
    ):
        edited = tmp_path / f"edited-{n}.html"
        edited.write_text(text.replace(old, new, 1))
        result = run_cli(*base, "verify", str(edited))
        assert result.returncode == 1 and "edited" in result.stdout, result.stdout

    # A digest smuggled into the body does not count: only <head> says what the file is.
    fake = tmp_path / "fake.html"
    head, body = text.split("</head>", 1)
    fake.write_text(re.sub(r'<meta name="preflight-digest"[^\n]*\n', "", head) + "</head>" + body)
    assert "not a Preflight pack" in run_cli(*base, "verify", str(fake)).stdout

    with Store.open(demo_db) as store:
        a = store.get("support-summariser")
        store.save_answer(a.id, "oncall_rotation", "yes")
    changed = run_cli(*base, "verify", str(html))
    assert changed.returncode == 1 and "changed" in changed.stdout


def test_markdown_export_does_not_load_markdown_it(demo_db, tmp_path):
    code = (
        "import sys, io, contextlib\n"
        "from app.cli import main\n"
        "for fmt in ('md', 'json', 'html'):\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        f"        main(['--db', {str(demo_db)!r}, 'export', 'support-summariser', "
        f"'--out', {str(tmp_path)!r}, '--format', fmt])\n"
        "    print(fmt, 'markdown_it' in sys.modules)\n"
    )
    result = run_python(code, check=False)
    assert result.stdout.split() == ["md", "False", "json", "False", "html", "True"], (
        result.stdout + result.stderr
    )
