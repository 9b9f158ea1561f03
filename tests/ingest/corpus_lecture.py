"""A fifth development book, in a style none of the others has: modern bulleted lecture notes.

Slide-like headings ("Lecture 7: ..."), "Key features" / "DDx" / "Differentials" sub-heads, bullet
points, abbreviations ("DDx", "Ddx —", "vs", "NB", "→ Think of"), "Look-alikes:", "Don't miss:".
Self-written for this project (public domain). Its gold (``gold/lecture_notes.yaml``) was written
and committed before the extractor first ran on it; the first-run figure is in the README.
"""

from __future__ import annotations

from tests.ingest.corpus_render import Style, book

LECTURE_NOTES_STYLE = Style(
    header="DERMATOLOGY FOR MEDICAL STUDENTS · LECTURE NOTES",
    width=420,
    height=595,
    body_font="helv",
    head_font="hebo",
    body_size=10.0,
)
LECTURE_NOTES = book(
    """
chapter: Lecture 7: Blisters and Pustules
Learning outcomes: recognise the common blistering diseases and know their look-alikes.
head: Bullous pemphigoid
sub: Key features
• Elderly patient; itchy urticated plaques, then tense blisters on the limbs
• Nikolsky sign negative; the mouth is rarely involved
sub: DDx
• Bullous drug eruption
• Linear IgA disease
• Bullous impetigo (young children)
• Pemphigus vulgaris — flaccid blisters and erosions, mouth involved
fig: Bullous pemphigoid: tense blisters on the thigh
head: Pemphigus vulgaris
sub: Key features
• Flaccid blisters that rupture to leave painful erosions; oral erosions come first
• Pemphigus vs pemphigoid: in pemphigus the split is intraepidermal and the Nikolsky sign is positive.
Don't miss: erosive lichen planus and Stevens-Johnson syndrome can look identical in the mouth.
head: Dermatitis herpetiformis
sub: Key features
• Intensely itchy grouped vesicles on elbows, knees and buttocks; linked to coeliac disease
Look-alikes: scabies, atopic eczema and linear IgA disease.
NB the name misleads: dermatitis herpetiformis has nothing to do with herpes simplex.
head: Impetigo
sub: Key features
• Honey-coloured crusts around the nose and mouth in children; Staphylococcus aureus
→ Think of herpes simplex and tinea faciei when the crusts fail to clear with treatment.
head: Pustular psoriasis
sub: Key features
• Sheets of sterile pustules on red skin, fever, raised white cell count
sub: Differentials
• Acute generalised exanthematous pustulosis (AGEP): new drug, clears within days
• Subcorneal pustular dermatosis
head: Pompholyx
sub: Key features
• Deep-seated itchy vesicles on the palms and soles, often recurrent
• Ddx — palmoplantar pustulosis; tinea pedis (check the web spaces); contact dermatitis
Pompholyx is a form of eczema, not an infection.
head: Herpes zoster
sub: Key features
• Painful grouped vesicles in one dermatome; older or immunosuppressed patients
• Can mimic herpes simplex (recurrent, same site) and a linear contact dermatitis
"""
)
