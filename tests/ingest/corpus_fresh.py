# ruff: noqa: E501  (book text: long string literals read better whole)
"""Two more books in styles none of the others has, written to measure the generic stem fallback.

- ``PHARMACY``: a pharmacy-counter / nursing handout: plain-language condition boxes, "Could it be
  something else?" paragraphs, "Q. … A. …" boxes and "Pharmacist tip" asides.
- ``EUROPEAN``: a translated-sounding continental textbook: numbered sections, "Definition." and
  "Differential diagnosis." run-in heads, long nominal sentences ("Differential-diagnostically, … come
  into question", "The delimitation from X is made by …", "X must be delimited from …").

Self-written for this project (public domain, true medicine). Each gold (``gold/{pharmacy,european}.yaml``)
was written and committed before the extractor first ran on the book; first-run figures are in the README.
"""

from __future__ import annotations

from tests.ingest.corpus_render import Style, book

PHARMACY_STYLE = Style(
    header="AT THE COUNTER: COMMON SKIN COMPLAINTS", first_label=17, body_size=10.0, width=440
)
PHARMACY = book(
    """
chapter: Skin problems at the pharmacy counter
head: Athlete's foot (tinea pedis)
Itchy, peeling or soggy white skin between the toes, most often in the fourth web space. Terbinafine cream once a day for a week clears most cases; keep the feet dry and change socks daily.
sub: Could it be something else?
Yes. Soggy skin between the toes can also be erythrasma, a bacterial infection that glows coral-red under a Wood's lamp. A dry, scaly rash on both soles may turn out to be eczema or psoriasis, so ask about rashes elsewhere on the body. If the feet are also dry and cracked, consider an emollient alongside the antifungal.
head: Cold sores (herpes labialis)
Tingling, then a cluster of small blisters on the border of the lip that crust over within a week. Aciclovir cream helps only when started at the tingling stage.
sub: Q. A customer says it is a cold sore. What else might it be?
A. Impetigo is the one to think about: its crusts are golden and it spreads around the nose and chin in children. Angular cheilitis sits in the corners of the mouth, not on the lip border. A single painful ulcer inside the lip is an aphthous ulcer, not herpes.
head: Scabies
Intense itch, worse at night, with tiny burrows on the finger webs and wrists; often several people in the household itch. Permethrin 5% cream is applied to the whole body and repeated after a week.
sub: Could it be something else?
Plenty of itchy rashes get blamed on scabies. Eczema usually has a longer history and dry skin in the elbow and knee creases. Insect bites come in groups on exposed skin, and hives come and go within hours. If only one person is itching and there are no burrows, scabies is less likely.
head: Rosacea
Flushing, redness and small pus spots on the cheeks and nose of adults, without blackheads. Many acne products irritate it.
fig: Figure 2 Rosacea: papules and pustules on the cheeks
sub: Could it be something else?
Acne is the usual mix-up: look for blackheads and whiteheads, which rosacea never has. A butterfly-shaped redness with joint pains or tiredness should be seen by the doctor to rule out lupus. Redness and greasy scaling in the eyebrows and beside the nose is more often seborrhoeic dermatitis. Rosacea has nothing to do with alcohol misuse, whatever customers believe.
head: Verrucas (plantar warts)
Hard, flat lumps on the sole with tiny black dots (clotted capillaries) that hurt when squeezed from side to side. Salicylic acid paint and patience are the first step.
sub: Q. Is it a verruca or a corn?
A. A corn sits over a pressure point, hurts when pressed directly and has no black dots; paring shows a translucent core. A verruca interrupts the skin lines, a corn does not. In anyone with diabetes, refer rather than treat.
head: Impetigo
Golden crusts around the nose and mouth, common in children and quick to spread at school. Hydrogen peroxide cream suits a small patch; widespread impetigo needs a prescription.
fig: Figure 3 Impetigo: honey-coloured crusts on the chin
sub: Could it be something else?
Infected eczema can look much the same, and a cold sore that has crusted over is easily taken for impetigo. Large blisters that stay intact on a baby's trunk point to the bullous form, which also needs a doctor.
sub: Did you know?
Ringworm is not caused by a worm at all: it is a fungal infection of the same family as athlete's foot.
"""
)

EUROPEAN_STYLE = Style(
    header="DERMATOLOGY AND VENEREOLOGY · 4 PAPULOSQUAMOUS DERMATOSES",
    first_label=88,
    body_size=9.5,
    width=430,
    height=620,
)
EUROPEAN = book(
    """
chapter: 4 Papulosquamous Dermatoses
head: 4.1 Psoriasis vulgaris
Definition. Psoriasis vulgaris is a genetically determined, chronically recurrent inflammatory disease of the skin with sharply delimited erythematosquamous plaques, predominantly on the extensor sides of the extremities, the capillitium and the sacral region.
Differential diagnosis. Differential-diagnostically, above all seborrhoeic eczema, nummular eczema and, in solitary plaques, Bowen's disease come into question. The delimitation from seborrhoeic eczema is made by the sharper demarcation and the thicker, silvery scaling of psoriasis; in case of doubt, the histological examination brings clarity. In the intertriginous localisation, a delimitation from intertrigo and from tinea is required. Psoriasis is to be separated from pityriasis rubra pilaris by the islands of sparing of the latter.
fig: Fig. 4.1 Psoriasis vulgaris: sharply delimited plaques on the extensor side of the knee
head: 4.2 Lichen ruber planus
Synonym: lichen planus. Definition. Subacute to chronic inflammatory disease with polygonal, livid-red, shining papules bearing the Wickham striation, predominantly on the flexor sides of the wrists, with frequent involvement of the oral mucosa.
Differential diagnosis. Lichen ruber must be delimited from lichenoid drug eruptions, which appear after the intake of gold, antimalarials or beta-blockers. On the oral mucosa, leukoplakia and candidosis are to be considered; the mucosal lichen is recognisable by its reticular pattern. The genital localisation gives occasion to confusion with psoriasis inversa.
head: 4.3 Pityriasis rosea
Definition. Self-limiting exanthematous disease of presumably viral origin, beginning with a primary medallion, followed after one to two weeks by oval, finely scaling macules arranged along the cleavage lines of the trunk.
Differential diagnosis. Of importance is above all secondary syphilis, which must be excluded serologically in every doubtful case. Further, tinea corporis, nummular eczema and drug exanthemas enter into consideration. A relation to pityriasis versicolor exists in name only.
fig: Fig. 4.2 Pityriasis rosea: primary medallion and secondary exanthem
head: 4.4 Parapsoriasis en plaques
Definition. Chronic disease with persistent, slightly scaling, reddish-brown patches on the trunk and proximal extremities. The small-plaque form runs a benign course; the large-plaque form is regarded as a possible precursor of mycosis fungoides.
Differential diagnosis. The separation from an early mycosis fungoides is clinically often not possible and requires repeated biopsies. Against nummular eczema, the absence of itching and the protracted course speak.
head: 4.5 Seborrhoeic eczema
Definition. Chronic, mildly itching eczema with yellowish, greasy scales in the seborrhoeic areas: capillitium, eyebrows, nasolabial folds and the presternal region. Malassezia yeasts are considered to play a part.
Differential diagnosis. Toward psoriasis the transitions are fluid (so-called sebopsoriasis). In the infant, infantile seborrhoeic dermatitis is to be differentiated from atopic eczema, which begins later and itches more strongly. Formerly the disease was counted among the dermatomycoses; this view has been abandoned.
"""
)
