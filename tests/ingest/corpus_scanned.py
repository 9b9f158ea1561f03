# ruff: noqa: E501  (book text: long string literals read better whole)
"""An old manual as the OCR text layer of a scanned copy prints it (self-written, true medicine).

Scanned old books (archive.org, NLM digital collections) carry a text layer with words run together
("isdistinguished", "fromeczema"), split ("con founded", "ec zema"), misread letters ("Seborrhcea",
"psoriasls", "tiuea"), dotted letters ("pla.n.u.s"), and old phrasings the held-out excerpts showed: a
question answered by a bare list, "From X, which might be suggested by ..., the latter disease is to be
distinguished", "whether ... lupous or syphilitic", a run-in name before a dash whose "it" is that name,
"cases (X) ... which have a close similarity to Y", "assumes some of the features of", "that this is not X
is proved by". Negatives: "unnecessary to distinguish", "unlike", "formerly", "is not", a class ("one of
the ringworms"), English words next to a name word ("popular", "hands"). The gold (``gold/scanned.yaml``)
was written and committed before the extractor first ran on this book (after the rules): development.
"""

from __future__ import annotations

from tests.ingest.corpus_render import Style, book

SCANNED_STYLE = Style(header="DISEASES OF THE SKIN.", first_label=318, body_size=10.0, width=430)
SCANNED = book(
    """
chapter: Diseases of the Skin
head: Lichen Planus
sub: Diagnosis
The eruption is seldom mistaken by those who have once seen it. From ec zema it isdistinguished by its angular papules and their waxy lustre. From a papular syphilide, which might be suggested by the grouping and the dull colour of a patch, the latter diseaseis to be distinguished by the absence of other signs of syphilis. The popular remedy of washing the hands in vinegar does no good.
head: Psoriasis
sub: Diagnosis
What common diseases resemble some phases of psoriasls?
Seborrhcea, ec zema, ringworm and the squamous syphilide.
Lichen pla.n.u.s, when its papules run together, may be con founded with psoriasis.
It is unnecessary to distinguish psoriasis from lepra vulgaris, for the two names denote one disease.
Psoriasis is not a parasitic disease, and it was formerly con founded with leprosy.
head: Lupus
sub: Diagnosis
A doubt may arise whether certain nodules upon the face are lupous or syphilitic; the rate of growth settles it.
Unlike lupus, rosacea leaves no scar.
head: Herpes
sub: Diagnosis
The vesicles are grouped, and they dry to gummy scabs.
Herpes iris—one of the forms in which the groups make rings; the scab and the short course distinguish it fromurticaria and from scabies.
fig: Fig. 12.—Herpes iris: rings of vesicles upon the back of the hand.
At times herpes simplex assumes some of the severer features of zoster, so that the two are not readily told apart at the outset.
head: Pemphigus
sub: Diagnosis
Exceptionally cases (pemphigoid eruption of the aged) are met with which have a close similarity in their course to pemphigus vulgaris.
Tinea circinata is one of the ringworms, and it is no form of pemphigus.
head: Eczema
sub: Diagnosis
Occasionally the patches are dry and scaly: that this is not tiuea is proved by the absence of the fungus in the scrapings.
"""
)
