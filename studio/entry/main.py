"""The server's main script: runs ``studio/app.py`` on every script run.

It lives in its own folder because Streamlit's ``st.App`` treats a ``pages/`` folder beside the main
script as extra pages that would bypass ``app.py``'s navigation, login and error handling."""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parents[1] / "app.py"), run_name="__main__")
