"""Data shown as text, never as markup: a diagnosis named ``![x](http://host/t.png)`` or ``:red[x]``
must reach the curator's screen as those characters, not as an image request or formatting.

Every page writes data through these helpers (or widgets that take plain text: ``st.text``,
``st.code``, dataframes); nothing from the store goes into ``unsafe_allow_html``.
"""

from __future__ import annotations

import html
import re

# Characters that start Markdown or Streamlit markup anywhere on a line: emphasis, links and images
# ([ ] — so "(" and "!" can never form a link), code, HTML and entities (< > &), tables (|),
# LaTeX ($), strikethrough (~), escapes (\).
_ANYWHERE = re.compile(r"([\\`*_{}\[\]<>&|$~#])")
# A colon that could open a directive or shortcode (:red[..], :material/x:, :smile:, http://):
# shortcodes and icons are found in the text after parsing, so a backslash would not stop them; a
# word joiner after the colon does, and is invisible.
_JOINER = "\u2060"
_COLON = re.compile(r":(?=\S)")
# Bare URLs, www. names and e-mail addresses become links after parsing (GFM autolinks), whatever
# the escapes: a word joiner (invisible, zero-width) breaks the pattern without changing the text.
_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|www|xmpp)(?=[:.])|(?<=\w)(@)(?=\w)")
# Block markers that only count at the start of a line: lists, quotes, headings, rules, setext.
_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])", re.MULTILINE)


def md(text: object) -> str:
    """``text`` escaped for ``st.markdown`` / ``st.caption`` / alerts / labels: markup shows literally."""
    s = _AUTOLINK.sub(lambda m: (m.group(1) or m.group(2)) + _JOINER, str(text))
    s = _ANYWHERE.sub(r"\\\1", s)
    s = _COLON.sub(":" + _JOINER, s)
    s = _LINE_START.sub(
        lambda m: (
            m.group(1) + "\\" + m.group(2)
            if not m.group(2)[0].isdigit()
            else m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1]
        ),
        s,
    )
    return s.replace("\r", "").replace("\n", "  \n")


def html_text(text: object) -> str:
    """``text`` escaped for the few places that build HTML themselves (quotes included)."""
    return html.escape(str(text), quote=True)
