"""Evidence pages rendered from the real handbook PDF, with the quote's region outlined."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from kg.models import Evidence, Source
from studio.labelstudio._images import page_image_name, readable_pdf, render_page, render_placeholder
from tests.studio.labelstudio.conftest import HANDBOOK, RED_LEG_QUOTE


def red_pixels(png: bytes) -> int:
    import numpy as np

    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    return int(((rgb[..., 0] > 200) & (rgb[..., 1] < 60) & (rgb[..., 2] < 60)).sum())


def evidence(**changes: object) -> Evidence:
    fields: dict[str, object] = {"source_sha256": "ab" * 32, "page": 67, "quote": RED_LEG_QUOTE, **changes}
    return Evidence.model_validate(fields)


def test_page_is_rendered_with_the_found_quote_outlined(shared_data: Path) -> None:
    import pymupdf

    with pymupdf.open(shared_data / HANDBOOK) as doc:
        width_pt = doc[66].rect.width
    png = render_page(shared_data / HANDBOOK, evidence())
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width == pytest.approx(width_pt * 1.5, abs=2)  # zoom 1.5
    assert red_pixels(png) > 500  # the outline around the quote


def test_an_explicit_bbox_is_outlined_even_without_a_match(shared_data: Path) -> None:
    png = render_page(shared_data / HANDBOOK, evidence(quote="not on the page", bbox=(50, 50, 300, 120)))
    assert red_pixels(png) > 500
    assert red_pixels(render_page(shared_data / HANDBOOK, evidence(quote="not on the page"))) == 0


def test_a_page_outside_the_pdf_names_file_and_page(shared_data: Path) -> None:
    with pytest.raises(ValueError, match=r"page 500 is not in 1\.\.79"):
        render_page(shared_data / HANDBOOK, evidence(page=500))


def test_only_existing_pdf_sources_are_rendered(shared_data: Path, tmp_path: Path) -> None:
    pdf = shared_data / HANDBOOK
    assert readable_pdf(Source(sha256="x", title="t", path=str(pdf))) == pdf
    assert readable_pdf(Source(sha256="x", title="t", path=str(tmp_path / "gone.pdf"))) is None
    assert readable_pdf(Source(sha256="x", title="t", path=str(pdf), kind="vocabulary")) is None
    assert readable_pdf(None) is None


def test_image_names_are_stable_and_distinguish_quotes() -> None:
    source = Source(sha256="ab" * 32, title="t")
    name = page_image_name(source, evidence())
    assert re.fullmatch(r"page-abababababababab-p67-[0-9a-f]{10}\.png", name), name
    assert page_image_name(source, evidence(id="ev-other")) == name  # the id is no part of the image
    assert page_image_name(source, evidence(quote="other")) != name
    assert page_image_name(source, evidence(bbox=(1.0, 2.0, 3.0, 4.0))) != name
    assert page_image_name(Source(sha256="cd" * 32, title="t"), evidence()) != name


def test_placeholder_is_a_png() -> None:
    assert Image.open(io.BytesIO(render_placeholder())).format == "PNG"
