# ruff: noqa: E501  (book text: long string literals read better whole)
"""Three more development books, in styles none of the others has (issue 14, generalisation).

- ``AMERICAN``: an American textbook of the early twentieth century: numbered sections ("§ 112.
  Psoriasis."), "Synonyms.—" and "Diagnosis.—" run-in heads, long sentences ("is apt to be mistaken
  for", "may be differentiated from … by", "is to be distinguished from … and from …", "may be
  confounded with"), Latin names and old synonyms.
- ``REVIEW``: a modern review / atlas chapter: numbered sections, "Differential diagnosis" sub-heads
  written as short paragraphs, a ruled table with the differentials in one column and their
  distinguishing features in the other, figure legends with panel letters ("Figure 3.2 (a) … (b) …").
- ``CASES``: exam revision: clinical vignettes ("A 34-year-old woman presents with … The most likely
  diagnosis is X. Other considerations include Y and Z; W should be excluded."), a flashcard and a
  best-of-four question, with negated and hedged distractors ("It is not Y", "rather than").

Self-written for this project (public domain). Each gold (``gold/{american,review,cases}.yaml``) was
written and committed before the extractor first ran on the book; first-run figures are in the README.
"""

from __future__ import annotations

from tests.ingest.corpus_render import Style, book

AMERICAN_STYLE = Style(
    header="A TEXT-BOOK OF DISEASES OF THE SKIN", first_label=312, body_size=10.0, width=400, height=600
)
AMERICAN = book(
    """
chapter: CHAPTER IX. INFLAMMATIONS (Continued)
head: § 112. Psoriasis.
Synonyms.—Psoriasis vulgaris; Lepra alphos. A chronic inflammatory disease of the skin, characterized by dry, reddish, sharply defined patches covered with abundant silvery-white, imbricated scales, having a marked predilection for the extensor surfaces, notably the elbows and knees, and for the scalp.
Diagnosis.—The eruption is apt to be mistaken for seborrhœic eczema, especially upon the scalp, and for the squamous syphilide. From eczema it may be differentiated by its dryness, its sharp borders and the absence of itching of any moment; the syphiloderm, on the other hand, is of a raw-ham or coppery tint, its scales are scanty, and it is commonly attended by other evidences of syphilis. Psoriasis is not, as was formerly taught, a form of leprosy, notwithstanding its old name.
head: § 113. Lichen Planus.
Synonym.—Lichen ruber planus. An inflammatory disease characterized by small, flat-topped, angular, violaceous papules of a peculiar waxy lustre, which may coalesce into patches; the flexor aspects of the wrists are favorite sites, and the mucous membrane of the mouth is often involved.
Diagnosis.—Lichen planus is to be distinguished from the papular syphilide, from papular eczema, and from psoriasis. The syphilitic papules are rounder, of a coppery hue and without itching; in papular eczema the papules are acuminate and soon vesiculate. The lesions of the mouth may simulate leukoplakia.
fig: Fig. 47.—Lichen planus, showing the flat-topped papules upon the wrist.
head: § 114. Pityriasis Rosea.
An acute, self-limited eruption of oval, pale-red, macular patches covered with fine, crinkled scales, arranged with their long axes along the lines of cleavage of the trunk; a larger herald patch commonly precedes the general outbreak by a week or more.
Diagnosis.—It may be confounded with the macular syphilide, with seborrhœic eczema of the trunk, and with ringworm of the body. The absence of glandular enlargement and of mucous patches speaks against the syphilide, while the fungus is readily found in scrapings from ringworm. The disease is in no way related to pityriasis rubra, which it resembles in name only.
head: § 115. Scabies.
Synonym.—The itch. A contagious disease due to the Acarus scabiei, which burrows in the epidermis; the burrows, papules, vesicles and excoriations are found chiefly between the fingers, upon the flexor aspects of the wrists, the anterior axillary folds, the nipples in women and the genitals in men.
Diagnosis.—Scabies is frequently mistaken for eczema, and the two are often present together. It may be differentiated from pediculosis corporis by the distribution, the lice and their nits being found in the seams of the clothing, and from prurigo by the history of contagion and the discovery of the burrow.
head: § 116. Lupus Erythematosus.
Synonym.—Seborrhœa congestiva. The fixed, symmetrical patches upon the nose and cheeks, with adherent scales, dilated follicular openings and atrophic scarring, are characteristic.
Diagnosis.—It is to be distinguished from lupus vulgaris, in which the apple-jelly nodules are found, and from rosacea, which presents neither scales nor scarring. Unlike psoriasis, the scales when detached show horny plugs upon their under surface.
figtwo: Fig. 48.—Lupus erythematosus of the face. | Fig. 49.—Pityriasis rosea; the herald patch.
"""
)

REVIEW_STYLE = Style(
    header="CLINICAL DERMATOLOGY REVIEW · CHAPTER 3",
    first_label=41,
    body_font="helv",
    head_font="hebo",
    body_size=9.5,
    width=440,
    height=620,
)
REVIEW = book(
    """
chapter: 3 Papulosquamous disorders
head: 3.1 Psoriasis
sub: Clinical features
Chronic plaque psoriasis presents with well-demarcated erythematous plaques with silvery scale on the extensor surfaces, scalp and lower back. Nail pitting and onycholysis are common.
sub: Differential diagnosis
Discoid eczema can closely resemble plaque psoriasis, but its plaques are less sharply demarcated, more itchy and often exudative.
Mycosis fungoides should be considered when plaques are atypical, respond poorly to treatment or vary in colour; a biopsy is required.
In the flexures, consider candidal intertrigo and seborrhoeic dermatitis.
table: Table 3.1 Differential diagnosis of plaque psoriasis
| Differential | Distinguishing features |
| Tinea corporis | Annular scaly edge with central clearing; fungal microscopy positive |
| Pityriasis rubra pilaris | Salmon-orange plaques with islands of sparing; palmoplantar keratoderma |
| Lichen simplex chronicus | Single lichenified plaque at a site of rubbing |
figpair: Figure 3.2 (a) Chronic plaque psoriasis on the elbow. (b) Scalp psoriasis extending beyond the hairline.
head: 3.2 Lichen planus
sub: Clinical features
Lichen planus presents with itchy, purple, polygonal, flat-topped papules with a fine white network on the surface (Wickham striae), typically on the flexor wrists and shins. Oral involvement shows lacy white streaks on the buccal mucosa.
sub: Differential diagnosis
Lichenoid drug eruption is the main differential; suspect it when the eruption is widespread or photodistributed, or follows a new drug such as a thiazide or a beta-blocker.
Oral lichen planus must be distinguished from leukoplakia and oral candidiasis.
Hypertrophic lesions on the shins may mimic lichen simplex chronicus or squamous cell carcinoma.
fig: Figure 3.5 Lichen planus: violaceous papules on the flexor wrist.
head: 3.3 Pityriasis rosea
sub: Clinical features
A herald patch on the trunk is followed after one to two weeks by oval pink scaly macules along the skin cleavage lines in a 'Christmas tree' pattern. The eruption fades within six to eight weeks.
sub: Differential diagnosis
Secondary syphilis is the key differential, and serology should be checked in sexually active adults, particularly if the palms and soles are involved.
Guttate psoriasis, tinea corporis (for the herald patch) and drug eruptions are the other main considerations.
Pityriasis versicolor is sometimes listed, but it is not a true differential because it lacks any inflammation.
figtwo: Figure 3.7 Pityriasis rosea: herald patch on the trunk. | Figure 3.8 Secondary syphilis: scaly papules on the palm.
"""
)

CASES_STYLE = Style(
    header="DERMATOLOGY REVISION: CASES AND CARDS", body_font="helv", head_font="hebo", body_size=9.5
)
CASES = book(
    """
chapter: Section 4: Rashes and lumps
head: Case 1
A 34-year-old woman presents with a six-month history of an itchy rash on her wrists and shins. Examination shows shiny, violaceous, flat-topped papules with a white lace-like surface. The most likely diagnosis is lichen planus. Other considerations include lichenoid drug eruption and guttate psoriasis; secondary syphilis should be excluded.
It is not lichen simplex chronicus, which is a single lichenified plaque caused by repeated scratching.
fig: Case 1. Shiny violaceous papules on the wrist (lichen planus).
head: Case 2
A 68-year-old farmer has a pearly nodule with rolled edges and surface telangiectasia on the nose, slowly enlarging over two years. The most likely diagnosis is basal cell carcinoma. Differentials: squamous cell carcinoma, sebaceous hyperplasia and an intradermal naevus. Rosacea is not a consideration here, as the lesion is solitary.
fig: Case 2. Nodular basal cell carcinoma on the nasal ala.
head: Case 3
A 7-year-old boy has had golden crusted erosions around the mouth for four days; his sister has similar lesions. He has atopic eczema. The most likely diagnosis is impetigo. Consider herpes simplex if the lesions are grouped vesicles that recur at the same site, and exclude eczema herpeticum in any child with atopic eczema who is unwell. The answer is impetigo rather than perioral dermatitis, which never crusts.
head: Case 4
A 55-year-old man has a hot, painful, swollen red lower leg and a fever. The most likely diagnosis is cellulitis. Deep vein thrombosis must be excluded. Venous eczema is a common mimic, but it is bilateral and itchy. Necrotising fasciitis should be suspected if the pain is out of proportion to the signs.
figtwo: Case 4. Cellulitis of the lower leg. | Venous eczema of both shins, for comparison.
head: Card 5: Scabies
Front: What are the differentials of scabies?
Back: atopic eczema; papular urticaria; dermatitis herpetiformis.
head: Question 6
An 80-year-old man has tense blisters on urticated plaques on his thighs and abdomen; the mouth is spared. Which is the most likely diagnosis?
A. Pemphigus vulgaris  B. Bullous pemphigoid  C. Dermatitis herpetiformis  D. Linear IgA disease
Answer: B. Bullous pemphigoid. Pemphigus vulgaris causes flaccid blisters and oral erosions; dermatitis herpetiformis and linear IgA disease are the other blistering diseases to consider.
"""
)

# A fourth book, written and its gold committed AFTER the rules were fixed on the three above and
# BEFORE the extractor ran on it: its first run measures the fixed rules on a style they have not met.
# British general-practice guide: "What you will see" / "Consider also" / "Don't confuse with" boxes,
# en-dash bullets, plain clinical English.
GP_GUIDE_STYLE = Style(
    header="SKIN PROBLEMS IN PRIMARY CARE", body_font="helv", head_font="hebo", body_size=9.5, width=420
)
GP_GUIDE = book(
    """
chapter: Common skin problems in general practice
head: Acne vulgaris
sub: What you will see
Open and closed comedones, inflamed papules and pustules on the face, chest and upper back of teenagers; severe cases leave scars.
sub: Consider also
• Rosacea – older adults, no comedones, facial flushing
• Perioral dermatitis – small papules around the mouth, often after topical steroids
• Folliculitis – pustules centred on hair follicles, often itchy
sub: Management
Start with topical benzoyl peroxide or a topical retinoid; add an oral tetracycline for moderate disease. Acne is not caused by poor hygiene.
head: Rosacea
sub: What you will see
Central facial redness, flushing, telangiectasia, papules and pustules, but no comedones. Eye symptoms occur in about half of patients.
Rosacea is easily confused with the butterfly rash of systemic lupus erythematosus, which spares the nasolabial folds, and with seborrhoeic dermatitis, which causes greasy scale in the eyebrows and nasolabial folds.
fig: Rosacea: papules and pustules on the cheeks and nose
head: Urticaria
sub: What you will see
Itchy weals that come and go within 24 hours, anywhere on the body, sometimes with angioedema of the lips or eyelids.
sub: Don't confuse with
Urticarial vasculitis (individual weals last more than 24 hours and leave bruising), bullous pemphigoid in its early urticated stage, and erythema multiforme (fixed target lesions).
Chronic urticaria in adults is seldom due to a food allergy.
head: Tinea pedis
Itchy, macerated scaling between the toes, especially in the fourth web space, spreading to the sole in a 'moccasin' pattern. Confirm with skin scrapings before oral treatment.
Consider also: pompholyx; plantar psoriasis; juvenile plantar dermatosis in children; contact dermatitis from shoes.
head: Molluscum contagiosum
Pearly, dome-shaped papules with a central dimple, in clusters, usually in children. They clear without treatment within 18 months. In adults, genital lesions should prompt screening for other sexually transmitted infections.
Consider also: viral warts (no central dimple) and, in an immunosuppressed adult, cryptococcosis, which can look identical.
figpair: Molluscum contagiosum – papules on the trunk (left) and close-up (right)
head: Seborrhoeic keratosis
Warty, 'stuck-on' brown plaques in older adults, which are harmless. The main worry is melanoma: refer urgently if a lesion is changing, has an irregular outline or several colours, or bleeds. A pigmented basal cell carcinoma can also look similar. Seborrhoeic keratoses are not pre-malignant.
figtwo: Seborrhoeic keratosis on the back | Melanoma, for comparison
"""
)

# A fifth book, written and its gold committed AFTER the GP-guide fixes and BEFORE the extractor ran on
# it: a second untouched check. Paediatric handbook of pearls and pitfalls: "commonly confused with",
# "can be indistinguishable", "the commonest mimic", "masqueraders", "can masquerade as", "is often
# misdiagnosed as", "Beware of calling it X or Y", "is easily mistaken for", and a table whose third
# column lists what to distinguish each condition from.
PAEDIATRIC_STYLE = Style(header="PAEDIATRIC DERMATOLOGY HANDBOOK", first_label=201, body_size=10.0, width=440)
PAEDIATRIC = book(
    """
chapter: 7 Rashes in children: pearls and pitfalls
head: Infantile seborrhoeic dermatitis
Greasy yellow scale on the scalp (cradle cap) and in the napkin area in the first three months of life; the baby is not itchy and feeds well. It is commonly confused with atopic eczema, which starts later, itches and spares the napkin area. Napkin psoriasis can be indistinguishable.
head: Napkin dermatitis
Irritant napkin dermatitis affects the convexities and spares the skin folds. Candidal napkin infection is the commonest mimic: it involves the folds and shows satellite pustules. Rarer masqueraders are Langerhans cell histiocytosis and acrodermatitis enteropathica.
head: Infantile haemangioma
A red, raised, lobulated vascular tumour that appears in the first weeks of life, grows for months and then slowly involutes. Deep haemangiomas look blue and can masquerade as a venous malformation; unlike a haemangioma, a port-wine stain is flat, present at birth and never involutes. Pyogenic granuloma is often misdiagnosed as a haemangioma in older children.
fig: Figure 7.4 Infantile haemangioma on the forehead
head: Kawasaki disease
Fever for five days or more with conjunctivitis, red cracked lips, a polymorphous rash, swollen red hands and feet and cervical lymphadenopathy. Beware of calling it a viral exanthem or scarlet fever: delay risks coronary artery aneurysms. Kawasaki disease is not infectious.
head: Eczema herpeticum
Punched-out erosions and monomorphic vesicles spreading rapidly over eczematous skin in a febrile child. It complicates atopic eczema and is easily mistaken for impetigo.
figtwo: Figure 7.5 (a) Eczema herpeticum | (b) Impetigo, for comparison
head: Itchy rashes
table: Table 7.2 Itchy rashes in children
| Condition | Clues | Distinguish from |
| Scabies | Burrows; the family itches | Atopic eczema; papular urticaria |
| Papular urticaria | Grouped bites on exposed skin | Scabies; chickenpox |
| Pityriasis alba | Pale scaly patches on the face | Vitiligo; tinea versicolor |
"""
)

# A sixth book, written and its gold committed AFTER the paediatric fixes and BEFORE the extractor ran
# on it: a third untouched check. A two-column CME review of annular lesions: "is frequently mislabelled
# as", "may need a biopsy to exclude", "may present similarly", "A differential diagnosis of X must
# include", "an occasional mimic", "It is important to rule out", "alternative diagnoses to consider
# are", "Overlap with X exists".
CME_STYLE = Style(header="CME REVIEW · ANNULAR LESIONS", columns=2, width=500, height=700, body_size=9.0)
CME = book(
    """
chapter: Annular lesions: a practical approach
head: Granuloma annulare
Rings of skin-coloured or pink dermal papules without scale, typically on the backs of the hands and feet of children and young adults. Because the edge is not scaly, granuloma annulare is frequently mislabelled as ringworm and treated with antifungal creams for months. Annular sarcoidosis and necrobiosis lipoidica may need a biopsy to exclude.
figtwo: Fig. 3 Granuloma annulare on the hand | Fig. 4 Tinea corporis with a scaly edge
head: Tinea corporis
An annular plaque with a scaly, advancing edge and central clearing; scrapings show fungal hyphae. Topical steroids modify it into tinea incognito. Discoid eczema and psoriasis may present similarly, but neither shows hyphae.
head: Erythema migrans
An expanding erythematous ring at the site of a tick bite, days to weeks after exposure: the hallmark of early Lyme disease. A differential diagnosis of erythema migrans must include a simple tick-bite reaction and cellulitis; fixed drug eruption is an occasional mimic.
fig: Fig. 5 Erythema migrans around a tick bite
head: Subacute cutaneous lupus erythematosus
Annular or psoriasiform scaly plaques on sun-exposed skin of the upper trunk and arms, often drug-induced, with anti-Ro antibodies. It is important to rule out dermatomyositis when the eruption is photodistributed, and alternative diagnoses to consider are polymorphic light eruption and psoriasis. The plaques heal without scarring, in contrast to discoid lupus erythematosus.
head: Erythema annulare centrifugum
Slowly enlarging rings with a trailing scale inside the edge, on the trunk and thighs. Overlap with tinea corporis exists clinically, and the two are told apart by scrapings.
"""
)
