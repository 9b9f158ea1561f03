"""Data shown as text, never as markup: a diagnosis named ``![x](http://host/t.png)`` or ``:red[x]``
must reach the curator's screen as those characters, not as an image request or formatting.

Every page writes data through these helpers (or widgets that take plain text: ``st.text``,
``st.code``, dataframes); nothing from the store goes into ``unsafe_allow_html``.
"""

from __future__ import annotations

import html
import re

# Characters that start Markdown or Streamlit markup: emphasis, links/images, code, headings,
# lists, tables, directives (:red[..], :material/..:), LaTeX ($), HTML (<), escapes (\).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|:$~>])")


def md(text: object) -> str:
    """``text`` escaped for ``st.markdown`` / ``st.caption`` / labels: every markup character literal."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", "  \n")


def html_text(text: object) -> str:
    """``text`` escaped for the few places that build HTML themselves (quotes included)."""
    return html.escape(str(text), quote=True)
