# ruff: noqa: E501  (book text: long string literals read better whole)
"""A Victorian-style manual written for the held-out measurement of issue 14 (self-written, true medicine).

Real public-domain textbooks of c. 1880-1920 (kept outside the repository, see the README) weigh the
alternatives under a "Diagnosis" head without repeating the cue verb: "In bullous impetigo the bullæ
are ...", "Seborrhœic eczema is redder ...", a run-in name ("Insect bites. - These ..."), "it is known from
measles by ...", "if erythema multiforme be confounded with pemphigus", "the diagnosis between X and Y",
"may counterfeit", "P. foliaceus" for pemphigus foliaceus, and a question-and-answer chapter ("How would
you distinguish X from Y, Z and W?"). This book states the same shapes in its own words; its gold
(``gold/victorian.yaml``) was written and committed before the extractor first ran on it, after the rules
for these shapes were written from the real excerpts: a development figure, not a held-out one.
"""

from __future__ import annotations

from tests.ingest.corpus_render import Style, book

VICTORIAN_STYLE = Style(header="DISEASES OF THE SKIN.", first_label=212, body_size=10.0, width=430)
VICTORIAN = book(
    """
chapter: Diseases of the Skin
head: Urticaria
sub: Symptoms
The wheals rise suddenly, itch intensely and vanish within a few hours, to reappear elsewhere. In children the eruption often follows a meal of shell-fish or of strawberries.
sub: Diagnosis
Urticaria is scarcely likely to be mistaken when a wheal can be seen or produced by stroking the skin. Erythema multiforme may closely resemble urticaria, but its lesions remain fixed in one place for several days and do not itch.
In dermatitis herpetiformis the vesicles are grouped upon the elbows and buttocks, and the eruption endures for months.
Insect bites. - These show a central punctum, and they lie upon the uncovered parts.
head: Psoriasis
sub: Diagnosis
In typical cases the diagnosis is made at a glance; but we must learn to distinguish psoriasis from seborrhœic eczema, the squamous syphilide, lichen planus and ringworm.
Seborrhœic eczema is redder and greasier than psoriasis, its scales are yellowish, and it begins upon the scalp and the sternum.
The squamous syphilide is of a darker, coppery hue; its scales are scanty, and the palms are often affected.
From lichen planus it is distinguished by its silvery scales and by the absence of the violaceous, angular papules.
The diagnosis between psoriasis and chronic eczema may at times be difficult upon the scalp.
Alopecia and mucous patches, when present, point to syphilis.
Eczema marginatum was formerly confounded with psoriasis, but it is a ringworm of the groin.
head: Pemphigus
sub: Diagnosis
Pemphigus can hardly be confounded with any other disease when the bullæ are present.
In bullous impetigo the bullæ are flaccid and few, and they are soon covered by yellow crusts; the disease spreads among children.
Dermatitis herpetiformis. — Here the eruption is multiform, the vesicles are grouped, and the itching is intense.
If erythema multiforme be confounded with pemphigus, the history will correct the error: its bullæ arise upon red, ring-like patches.
Eczema and P. foliaceus should not be confounded: in the latter the flaccid bullæ leave large leafy scales.
Pemphigus is in no way related to the vesicles of scabies.
fig: Fig. 31.—Pemphigus foliaceus: the leafy scales of the trunk.
head: Roseola
sub: Diagnosis
Roseola is likely to be confounded with measles and with scarlatina. It is known from measles by the absence of catarrh, and from scarlatina by the mildness of the fever and the clean throat.
In rubella the glands behind the ear are enlarged, and the rash is fainter.
head: Lichen Planus
sub: Diagnosis
From the papular syphilide it is distinguished by its itching, its purplish colour and the absence of other signs of syphilis. Lichen planus of the mouth may counterfeit leucoplakia.
chapter: Questions upon the Animal Parasites
head: Scabies
How would you distinguish scabies from eczema, prurigo and pediculosis corporis?
Eczema has no burrows and no history of contagion; prurigo begins in infancy upon the extensor surfaces; in pediculosis the hands are spared, and the lice are found in the seams of the clothing.
"""
)
