"""``md()``: data reaches the screen as its characters; no markup survives escaping."""

from __future__ import annotations

import re

import pytest

from studio.components.safe import html_text, md

WJ = "\u2060"


def unescaped(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).replace("  \n", "\n").replace(WJ, "")


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("![x](http://h:9/t.png)", f"!\\[x\\](http{WJ}:{WJ}//h:{WJ}9/t.png)"),  # image: no request
        ("**bold**", "\\*\\*bold\\*\\*"),  # emphasis
        (":red[x]", f":{WJ}red\\[x\\]"),  # Streamlit colour directive
        (":material/home:", f":{WJ}material/home:"),  # icon directive
        ("$x^2$", "\\$x^2\\$"),  # LaTeX
        ("<img src=x>", "\\<img src=x\\>"),  # raw HTML
        ("a | b", "a \\| b"),  # table cell
        ("# title", "\\# title"),  # heading
        ("- item", "\\- item"),  # list at line start
        ("1. item", "1\\. item"),  # ordered list
        ("> quote", "\\> quote"),  # blockquote
        ("www.evil.example", f"www{WJ}.evil.example"),  # GFM autolink broken invisibly
        ("me@evil.example", f"me@{WJ}evil.example"),  # e-mail autolink
        ("bad-p61-64.pdf: ingested, 4 pages", "bad-p61-64.pdf: ingested, 4 pages"),  # plain text unchanged
        ("Melanoma (e.g. naevus)", "Melanoma (e.g. naevus)"),  # brackets only matter after ]
    ],
)
def test_md_escapes_markup_and_keeps_the_characters(text, escaped):
    assert md(text) == escaped
    assert unescaped(md(text)) == text


def test_html_text_escapes_quotes_too():
    assert html_text('"><script>') == "&quot;&gt;&lt;script&gt;"
