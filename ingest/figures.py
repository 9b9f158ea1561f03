"""Figures: photos paired with their captions; logos, icons, rules and page scans skipped.

A caption is the run of short lines just below (or, failing that, just above) a photo that are
set apart from body text — "Figure N" / "Fig. N", bold, italic or smaller type — or, without any
such style, a short line hugging the photo. Side-by-side photos each take the caption lines they
overlap most. Credit lines ("©", "Picture source", "Courtesy of") are kept apart from the caption.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from ingest.labels import is_clinical_label
from ingest.prefilter import prefiltered
from ingest.types import ImageRef, Line

# "Fig. 23.", "Figure 3.2", "PLATE XII." (old books number their plates in capital roman numerals).
_FIGURE = re.compile(
    r"^(figs?|figures?|plates?|photo|case|image)\.?\s*(?:\d+[\w.]*|(?-i:[IVXLCDM]+)\b\.?)"
    r"(?:\s*(?:and|&|,|[–-])\s*(?:\d+[\w.]*|(?-i:[IVXLCDM]+)\b\.?))*[:.]?\s*",
    re.IGNORECASE,
)
# Who gave a photo: a caption may carry it inline (cut off), a credit line states it (kept apart).
_COURTESY = r"picture source|photo(graph)? courtesy|courtesy of"
# Old books credit the atlas or the physician a picture came from: "(After Hebra.)", "(Kaposi.)",
# "(From Hebra's Atlas.)", "From a photograph by Dr. X", "Photographed by ...", "Drawn by ...".
_OLD_CREDIT = (
    r"^\(\s*(?:after|from|by)\s+(?-i:[A-Z])|"
    r"^\(\s*(?-i:[A-Z])[\w'’-]+(?:\s+(?:and|&)\s+(?-i:[A-Z])[\w'’-]+)?\.\s*\)\.?$|"
    r"^(?:after|from)\s*(?:a\s+|an\s+|the\s+)?(?:photograph|drawing|painting|sketch|water[- ]?colou?r|cast|"
    r"model|moulage|plate|atlas|collection|museum)|^(?:photographed|drawn|painted)\s+by\b"
)
_CREDIT = re.compile(
    rf"©|\(c\)\s|{_COURTESY}|photo(graph)? source|reproduced (with|by)|licensed under|image source|^source:|"
    + _OLD_CREDIT,
    re.IGNORECASE,
)
_CREDIT_INLINE = re.compile(
    rf"\(?\s*({_COURTESY})[^)]*\)?|\s\((?:after|from)\s+(?-i:[A-Z])[^)]*\)\.?\s*$|"
    r"(?<=\.)\s*\((?-i:[A-Z])[\w'’-]+(?:\s+(?:and|&)\s+(?-i:[A-Z])[\w'’-]+)?\.\s*\)\.?\s*$",
    re.IGNORECASE,
)
_REMARK = re.compile(r"^\s*(?:note|nb|n\.b\.)\b", re.IGNORECASE)
_EXAMPLE = re.compile(r"^examples?\s*:?\s*", re.IGNORECASE)
MIN_SIDE_PT = 40.0  # smaller boxes are icons, bullets and decorations
MIN_PIXELS = 48
MAX_ASPECT = 6.0  # rules and banners
MAX_PAGE_SHARE = 0.8  # a page-sized image is a scan or a background, not a figure
BELOW_PT, ABOVE_PT = 50.0, 30.0


class FigureMatch(BaseModel):
    image: ImageRef
    caption_lines: list[Line]
    credit_lines: list[Line]

    @property
    def caption(self) -> str:
        return clean_caption(" ".join(ln.text for ln in self.caption_lines))

    @property
    def credit(self) -> str | None:
        text = _EXAMPLE.sub("", " ".join(ln.text for ln in self.credit_lines).strip())
        return text or None


def skip_reason(image: ImageRef, page_width: float, page_height: float) -> str | None:
    """Why ``image`` is not a figure (None when it may be one)."""
    from dermkg.images import max_pixels

    if image.width * image.height > max_pixels():
        return "oversized"  # a decompression bomb, or a scan no curator needs as a case image
    w, h = image.bbox[2] - image.bbox[0], image.bbox[3] - image.bbox[1]
    if min(w, h) < MIN_SIDE_PT or min(image.width, image.height) < MIN_PIXELS:
        return "icon"
    if max(w, h) / max(1.0, min(w, h)) > MAX_ASPECT:
        return "decoration"
    if w * h > MAX_PAGE_SHARE * page_width * page_height:
        return "page-sized"
    return None


# A panel letter opening a caption: "(a) Nodular melanoma", "A. Nodular melanoma", "b) ...", "(A–C)".
_PANEL = re.compile(r"^(?:\(\s*[a-hA-H](?:\s*[–-]\s*[a-hA-H])?\s*\)|[a-hA-H][.)])\s+(?=\S)")


def clean_caption(text: str) -> str:
    text = _FIGURE.sub("", text.strip()).lstrip("—–-: ")
    text = _EXAMPLE.sub("", _PANEL.sub("", text))
    text = _CREDIT_INLINE.sub("", text)
    return " ".join(text.split()).strip(" .:;-–")


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0]))


def _styled(line: Line, body_size: float) -> bool:
    return bool(
        _FIGURE.match(line.text)
        or line.bold
        or line.italic
        or line.size < body_size - 0.4
        or _CREDIT.search(line.text)
    )


def _caption_like(line: Line, *, first: bool = True) -> bool:
    words = len(line.text.split())
    text = line.text.strip()
    return (
        words <= 30
        and not (first and is_clinical_label(text))
        and not text.startswith(("●", "•", "-"))
        and (bool(clean_caption(text)) or bool(_CREDIT.search(text)))  # a credit line is kept apart later
    )


def _claim(line: Line, img: ImageRef) -> tuple[float, str] | None:
    """(distance, side) of a caption line relative to a photo; captions below win over above / beside."""
    lb, ib = line.bbox, img.bbox
    ov = _overlap(lb, ib)
    if ov >= 0.3 * min(lb[2] - lb[0], ib[2] - ib[0]):
        below = lb[1] - ib[3]
        if -3 <= below <= BELOW_PT:
            return below, "below"
        above = ib[1] - lb[3]
        if -3 <= above <= ABOVE_PT:
            return above + 25, "above"
    mid = (lb[1] + lb[3]) / 2
    gap = min(lb[0] - ib[2] if lb[0] >= ib[2] - 3 else 1e9, ib[0] - lb[2] if lb[2] <= ib[0] + 3 else 1e9)
    # A short label in the column beside a photo ("Vitiligo" in a glossary's left column) may sit further off.
    if ib[1] <= mid <= ib[3] + 12 and (-3 <= gap <= 40 or (gap <= 60 and len(line.text.split()) <= 4)):
        return gap + 30, "beside"
    return None


# One caption under several photos: it says where each is ("(left)", "(right)") or letters its
# panels ("Figure 3.2 (a) ... (b) ...").
_SHARED = re.compile(r"\((?:left|right|middle|top|bottom)|\([a-h]\).*\([a-h]\)", re.IGNORECASE)


def pair_captions(images: list[ImageRef], lines: list[Line], body_size: float) -> list[FigureMatch]:
    """Pair each photo with the caption lines nearest to it; lines are used at most once."""
    claims: dict[int, tuple[float, int, str]] = {}  # line index -> (distance, image index, side)
    for li, line in enumerate(lines):
        if not _caption_like(line):
            continue
        for ii, img in enumerate(images):
            got = _claim(line, img)
            if got is None or (got[1] != "below" and not _styled(line, body_size)):
                continue
            if _REMARK.match(line.text):  # "Note the three colours ...": a remark, a caption only if alone
                got = (got[0] + 100, got[1])
            if li not in claims or got[0] < claims[li][0]:
                claims[li] = (got[0], ii, got[1])
    shared: dict[int, set[int]] = {}
    for li, (_, _, side) in claims.items():
        if side == "below" and _SHARED.search(lines[li].text):
            shared[li] = {
                ii
                for ii, img in enumerate(images)
                if _overlap(lines[li].bbox, img.bbox) > 0
                and -3 <= lines[li].bbox[1] - img.bbox[3] <= BELOW_PT
            }
    matches: list[FigureMatch] = []
    for ii, img in enumerate(images):
        mine = sorted(
            (li for li, c in claims.items() if c[1] == ii or ii in shared.get(li, ())),
            key=lambda i: lines[i].bbox[1],
        )
        styled = [li for li in mine if _styled(lines[li], body_size)]
        styled = [li for li in styled if not _REMARK.match(lines[li].text)] or styled

        # a caption above the photo, in smaller type or numbered (not a heading or a glossary's bold
        # label), wins over a credit line below it ("(From Hebra's Atlas.)")
        def kept(li: int, credit_ok: bool) -> bool:
            return (claims[li][2] == "below" or li in shared) and (
                credit_ok or not _CREDIT.search(lines[li].text)
            )

        above = [
            li
            for li in styled
            if claims[li][2] == "above"
            and not lines[li].bold
            and (lines[li].size < body_size - 0.4 or _FIGURE.match(lines[li].text))
        ]
        if any(kept(li, not above) for li in styled):
            styled = [li for li in styled if kept(li, True)]
        plain = [li for li in mine if claims[li][2] == "below" and claims[li][0] <= 20]
        plain = [li for li in plain if len(lines[li].text.split()) <= 12]
        # A short line hugging the photo's foot, nearer than any styled line below it, is its caption
        # and the styled line further down the next heading (a scan's caption type, read from pixels,
        # is often the body's: OCR reports no italic and its sizes are only roughly right).
        first = min(plain, key=lambda li: claims[li][0], default=None)
        if first is not None and first not in styled:
            below = [li for li in styled if claims[li][2] == "below"]
            if below and all(lines[li].bbox[1] > lines[first].bbox[3] for li in below):
                styled = []
        chosen = styled or plain
        credits = [li for li in chosen if _CREDIT.search(lines[li].text)]
        chosen = [li for li in chosen if li not in credits] or credits
        chosen = _extend(chosen[:1], lines, img, body_size, taken=set(claims) - set(mine) - set(shared))
        chosen += [li for li in credits if li not in chosen]
        caption, credit = [], []
        for i in chosen:  # a credit line, and the lines that continue it in its own type
            line = lines[i]
            continues = (
                bool(credit)
                and credit[-1] is lines[chosen[chosen.index(i) - 1]]
                and (line.size, line.bold) == (credit[-1].size, credit[-1].bold)
            )
            (credit if continues or _CREDIT.search(line.text) else caption).append(line)
        matches.append(FigureMatch(image=img, caption_lines=caption, credit_lines=credit))
    return matches


def _extend(
    chosen: list[int], lines: list[Line], img: ImageRef, body_size: float, taken: set[int]
) -> list[int]:
    """Follow a caption onto the lines set the same way directly below it and aligned with it."""
    if not chosen:
        return chosen
    out = list(chosen)
    last = lines[out[-1]]
    while len(out) < 8:
        height = max(6.0, last.bbox[3] - last.bbox[1])
        nxt = [
            li
            for li, line in enumerate(lines)
            if li not in out
            and -2 <= line.bbox[1] - last.bbox[3] <= 0.9 * height
            and (
                abs(line.bbox[0] - last.bbox[0]) <= 15
                or _overlap(line.bbox, last.bbox) > 0.5 * (line.bbox[2] - line.bbox[0])
            )
        ]
        if not nxt:
            break
        li = min(nxt, key=lambda i: lines[i].bbox[1])
        line = lines[li]
        if li in taken or not _caption_like(line, first=False):
            break
        same_style = (line.bold, line.italic, round(line.size)) == (last.bold, last.italic, round(last.size))
        if not (same_style or line.text.lstrip().startswith("(") or _CREDIT.search(line.text)):
            break
        out.append(li)
        last = line
    return out


_IN_DX = re.compile(
    r"\b(?:in|of)\s+(?:a\s+|an\s+|the\s+)?(?:patients?\s+with\s+)?(?P<dx>[A-Za-z][\w'’ -]{2,50})$"
)
_CUT_AT = re.compile(
    r"\s*[:;]\s.*$|,\s+(?=[a-z]).*$|"
    r"\s+(?:[–—]|-\s|with\b|affecting\b|on the\b|of (?:the|both|his|her|their|a|an)\b|due to\b|"
    r"showing\b|involving\b|"
    r"at\b|after\b|in a\b|in an\b|in the\b|in darker\b|in richly\b|\(|–).*$",
    re.IGNORECASE,
)
_SIGN = re.compile(r"^(excoriations?|lichenification|scarring|comedones|open comedones|papules)\b", re.I)
# A caption that describes lesions rather than naming a condition ends with a morphology noun.
_DESCRIPTION = re.compile(
    r"\b(?:papules|plaques|nodules|blisters|bullae|vesicles|pustules|macules|patches|erosions|crusts|"
    r"scales|ulcers|lesions|wheals|weals)$",
    re.IGNORECASE,
)
_POSITION = re.compile(r"^(left|right|middle|top|bottom|above|below)\b", re.I)
_NOT_DX = re.compile(
    r"^(note|example|examples|even though|this|these|the clue|lichen nitidus pattern)\b", re.I
)


def caption_diagnosis(caption: str) -> str | None:
    """The condition a caption names: 'Excoriations in eczema' -> 'eczema';
    'Basal cell carcinoma – nodular type' -> 'Basal cell carcinoma'."""
    from ingest.mentions import clean_name, glosses
    from ingest.ocr_words import denoise

    text, notes = glosses(denoise(caption.strip()))  # a scan's caption: "Seborrhcea", "PSORIASLS"
    if not text or _NOT_DX.match(text) or len(text.split()) > 14:
        return None
    first = _CUT_AT.sub("", text).strip()
    if _DESCRIPTION.search(first):  # "Shiny violaceous papules on the wrist (lichen planus)": the gloss
        named = [g for g in notes if clean_name(g) and not _POSITION.match(g)]
        return clean_name(named[0]) if len(named) == 1 else None
    m = _IN_DX.search(text)
    if m and (_SIGN.match(first) or any(_POSITION.match(n) for n in notes)):
        return clean_name(_CUT_AT.sub("", m.group("dx")))
    if re.search(r"\band\b", first) or (any(_POSITION.match(n) for n in notes) and first == text.strip()):
        return None  # several conditions under one caption: no single label
    # "SCC – adjacent to ear (left) and glans penis (right)": one condition, several photos.
    return clean_name(first)


# Speed only, same matches: the costly patterns behind a test for the words every match needs
# (ingest.prefilter); a sentence without them skips the pattern.
_FIGURE, _CREDIT_INLINE = prefiltered(_FIGURE), prefiltered(_CREDIT_INLINE)
