"""Studio fixtures: a real embedded store with a small curated graph, evidence located in the real
BAD handbook PDF, real Derm7pt images as cases, and a users file with one account per role."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kg.ids import sha256_file
from kg.models import Assertion, Case, Diagnosis, Evidence, Source
from kg.store import GraphStore, make_store
from studio import state
from studio.auth import StudioUser, UsersFile, hash_password, save_users

APP = Path(__file__).resolve().parents[2] / "studio" / "app.py"
PASSWORDS = {
    "ada": "ada-admin-pw",
    "cleo": "cleo-curator-pw",
    "cara": "cara-curator-pw",
    "vic": "vic-viewer-pw",
}
ROLES = {"ada": "admin", "cleo": "curator", "cara": "curator", "vic": "viewer"}
PDF = "bad-handbook/bad-derm-handbook-3rd-ed.pdf"
QUOTE_PAGE = 63
QUOTE = "A changing pigmented lesion can be benign (e.g. melanocytic naevi, seborrhoeic wart) or malignant"


@pytest.fixture(scope="session")
def users_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Hashing is deliberately slow, so the accounts are hashed once per session and copied."""
    path = tmp_path_factory.mktemp("users") / "users.yaml"
    users = [
        StudioUser(username=u, name=u.title(), role=ROLES[u], password_hash=hash_password(pw))
        for u, pw in PASSWORDS.items()
    ]
    save_users(path, UsersFile(users=users))
    return path


def quote_bbox(pdf: Path, page: int, quote: str) -> tuple[float, float, float, float]:
    """Where the quote really is on the page (so the highlight test means something)."""
    import pymupdf

    with pymupdf.open(pdf) as doc:
        hits = doc[page - 1].search_for(quote[:60])
    assert hits, f"quote not found on {pdf.name} p. {page}"
    r = hits[0]
    return (r.x0, r.y0, r.x1, r.y1)


def build_graph(store: GraphStore, shared_data: Path) -> dict[str, str]:
    """A small dermatology graph: taxonomy accepted, DDx proposed with textbook evidence, cases."""
    pdf = shared_data / PDF
    sha = sha256_file(str(pdf))
    store.upsert_source(Source(sha256=sha, title="BAD handbook (3rd ed.)", path=str(pdf), kind="pdf"))
    dx = [
        Diagnosis(id="skin-lesion", name="Skin lesion"),
        Diagnosis(id="melanocytic", name="Melanocytic lesion"),
        Diagnosis(id="melanoma", name="Melanoma", synonyms=["Malignant melanoma"], malignancy="malignant"),
        Diagnosis(id="naevus", name="Melanocytic naevus", synonyms=["Mole"], malignancy="benign"),
        Diagnosis(
            id="seb-k", name="Seborrhoeic keratosis", synonyms=["Seborrhoeic wart"], malignancy="benign"
        ),
        Diagnosis(id="bcc", name="Basal cell carcinoma", malignancy="malignant"),
        Diagnosis(id="keratinocytic", name="Keratinocytic lesion"),
    ]
    store.upsert_diagnoses(dx)
    ev = Evidence(
        source_sha256=sha,
        page=QUOTE_PAGE,
        bbox=quote_bbox(pdf, QUOTE_PAGE, QUOTE),
        quote=QUOTE,
        kind="ddx",
        context="Changing pigmented lesion",
    )
    accepted = [("melanocytic", "skin-lesion"), ("melanoma", "melanocytic"), ("naevus", "melanocytic")]
    accepted += [("keratinocytic", "skin-lesion"), ("seb-k", "keratinocytic"), ("bcc", "keratinocytic")]
    store.add_assertions(
        Assertion(kind="is_a", subject=s, object=o, origin="import", status="accepted") for s, o in accepted
    )
    proposed = store.add_assertions(
        [
            Assertion(
                kind="ddx", subject="melanoma", object="naevus", origin="llm", score=0.9, evidence=[ev]
            ),
            Assertion(kind="ddx", subject="melanoma", object="seb-k", origin="llm", score=0.7, evidence=[ev]),
            Assertion(kind="ddx", subject="bcc", object="naevus", origin="rules", score=0.4, evidence=[ev]),
        ]
    )
    images = sorted((shared_data / "derm7pt-subset" / "images").rglob("*.*"))[:3]
    store.add_cases(
        Case(
            diagnosis=d,
            image_sha256=sha256_file(str(img)),
            image_path=str(img),
            caption=f"Dermoscopy of {d}",
            source="derm7pt",
            status="proposed",
        )
        for d, img in zip(["melanoma", "naevus", "bcc"], images, strict=True)
    )
    return {"melanoma-naevus": proposed[0].id, "melanoma-seb-k": proposed[1].id, "bcc-naevus": proposed[2].id}


@pytest.fixture
def studio_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, users_template: Path, shared_data: Path
) -> Iterator[dict[str, object]]:
    """Environment the studio reads (store URL, users file), with the graph built in a fresh store."""
    users = tmp_path / "users.yaml"
    shutil.copy(users_template, users)
    url = f"sqlite:///{tmp_path / 'kg.db'}"
    with make_store(url) as store:
        ids = build_graph(store, shared_data)
    monkeypatch.setenv("DERMKG_STORE", url)
    monkeypatch.setenv("DERMKG_USERS_FILE", str(users))
    monkeypatch.setenv("DERMKG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DERMKG_CONSENSUS_K", "1")
    yield {"url": url, "users": users, "ids": ids, "tmp": tmp_path}


@pytest.fixture
def read_store(studio_env: dict[str, object]) -> Iterator[GraphStore]:
    """A second connection to the studio's store, to check what the UI really wrote."""
    with make_store(str(studio_env["url"])) as store:
        yield store


def plain(text: str) -> str:
    """Markdown as the viewer reads it: the escapes of ``studio.components.safe.md`` removed."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


def open_app(username: str | None, page: str | None = None) -> AppTest:
    """The studio as ``username`` (already logged in) on ``page`` (e.g. ``pages/queue.py``)."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    if username:
        at.session_state[state.USERNAME] = username
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def table_with(at: AppTest, column: str) -> list[dict[str, object]]:
    """Rows of the first table showing ``column`` (tables are read-only elements without keys)."""
    for df in at.dataframe:
        frame = df.value
        if column in frame.columns:
            return frame.to_dict("records")
    raise AssertionError(f"no table with column {column!r}")
