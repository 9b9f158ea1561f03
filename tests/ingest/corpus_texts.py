# ruff: noqa: E501  (book text: long string literals read better whole)
"""The development corpus: three self-written dermatology texts in styles unlike the BAD handbook.

- ``OLD_PROSE``: a late-Victorian manual (one column, centred capital headings, run-in heads
  "Diagnosis.—", "is to be distinguished from", "From X, by …", ligatures œ/æ, footnote marks, page
  references), starting at printed page 117.
- ``QUESTIONS``: a question-and-answer compend ("How would you distinguish X from Y, Z and W?").
- ``TWO_COLUMN``: a modern two-column chapter on skin tumours with photo layouts of every kind.

Each contains negations and hedges that state no differential ("X is not Y", "unlike", "formerly
thought"). The gold annotations are in ``tests/ingest/gold/*.yaml``; they were written from these
texts before any rule was tuned on them.
"""

from __future__ import annotations

from tests.ingest.corpus_render import Style, book

OLD_PROSE_STYLE = Style(
    header="DISEASES OF THE SKIN", first_label=117, centre_heads=True, body_size=10.5, width=400, height=560
)
OLD_PROSE = book(
    """
chapter: CHAPTER VI. ERYTHEMATO-SQUAMOUS AFFECTIONS
The affections grouped in this chapter have in common a reddened and scaling surface, and for this reason they have been much confounded one with another by older writers. A careful study of the primary lesion, of its distribution and of its course will in nearly every case enable the student to arrive at a correct diagnosis.
head: PSORIASIS.
Definition.—A chronic, non-contagious disease of the skin, characterised by reddish papules and patches covered with abundant, dry, silvery scales, having a marked predilection for the extensor surfaces of the limbs, the scalp and the sacral region.
Symptoms.—The eruption begins as pin-head papules which enlarge peripherally and coalesce into plaques of considerable size. When the scales are removed by scraping, minute bleeding points appear. The nails are frequently pitted. Itching is slight or absent.
Diagnosis.—Psoriasis is to be distinguished from seborrhœic eczema, the papulo-squamous syphilide (p. 212), and lichen planus*. From seborrhœic eczema, by the greasy, yellowish scales and the ill-defined margin of the latter. From the papulo-squamous syphilide, by the coppery tint, the absence of scales of any thickness, and the history of infection. In psoriasis the scales are dry, silvery and abundant, whereas in chronic eczema the surface weeps and the margins fade imperceptibly into the healthy skin.
Psoriasis is not, as was formerly thought, a variety of leprosy, and the old name lepra ought to be abandoned. Unlike pityriasis rosea, it runs a chronic course with frequent relapses.
fig: Fig. 31.—Psoriasis of the elbows, showing the characteristic silvery scales. | (Courtesy of Dr. H. Radcliffe.)
* See Lichen Planus, p. 124.
head: PITYRIASIS ROSEA.
Symptoms.—The eruption is ushered in by a single larger patch, the herald patch, upon the trunk, followed in a week or ten days by a crop of oval, fawn-coloured macules arranged along the lines of cleavage of the skin. The disease runs its course in six to eight weeks.
Diagnosis.—The disease may be confounded with the macular syphilide, ringworm of the body, or seborrhœic eczema. The presence of the herald patch and the arrangement of the lesions are usually decisive. It has been suggested, but never proved, that the disease is a mild form of psoriasis.
head: LICHEN PLANUS.
Symptoms.—Small, flat-topped, polygonal papules of a violaceous hue, with a waxy lustre, appear upon the flexor surfaces of the wrists, the forearms and the legs. The buccal mucous membrane shows white, lace-like streaks.
Diagnosis.—Lichen planus resembles the papular syphilide, and the hypertrophic variety may simulate lichen simplex chronicus. A lichenoid drug eruption must be excluded by the history of the medicines taken. Lichen planus is not a form of eczema.
head: ECZEMA.
Definition.—An inflammatory, non-contagious affection of the skin, acute or chronic, attended with itching, and presenting at one time or another erythema, papules, vesicles, exudation and crusts.
Diagnosis.—Eczema may be confused with scabies, with dermatitis venenata, and, upon the scalp, with ringworm of the scalp†. From scabies, by the absence of burrows and the distribution of the lesions. In eczema the redness shades off into the sound skin and itching is severe, while in erysipelas the margin is raised, sharply defined and tender, and the patient is febrile.
Eczema is not contagious, and it is in no sense a parasitic disease. It was formerly thought to be a manifestation of gout, a view which few now hold.
† The fungus may be found in the broken hairs with the microscope.
head: SCABIES.
Symptoms.—Intense itching, worse at night, with burrows between the fingers, upon the wrists, the axillary folds, the nipples and the genitals. Secondary pustules are common in children.
Diagnosis.—Scabies is apt to be mistaken for prurigo, pediculosis corporis, and eczema. The finding of the acarus settles the question.
head: IMPETIGO CONTAGIOSA.
Symptoms.—Flat vesicles and pustules upon the face and hands of children, which dry into honey-coloured crusts and heal without scarring.
Diagnosis.—Impetigo contagiosa is distinguished from ecthyma by the superficial character of its lesions, and from pemphigus by the crusts and the age of the patient. It differs from varicella in the absence of constitutional symptoms.
fig: Fig. 32.—Impetigo contagiosa (crusted lesions upon the chin).
head: ERYTHEMA MULTIFORME.
Symptoms.—Symmetrical, dusky-red papules and rings upon the backs of the hands, the forearms and the feet; the central part of each ring may become purple or vesicular, giving the iris or target form. The attack lasts two to four weeks.
Diagnosis.—Erythema multiforme is not a form of urticaria, though it was long classed with it; the lesions remain fixed for days. It may be mistaken for purpura hæmorrhagica when the lesions are livid.
# Presentations (issue 14 point 3), added after the presentation rules' design, before their tuning:
head: PRURITUS.
Definition.—Itching of the skin without any primary eruption, the lesions present being those of scratching only.
Causes.—Itching of the whole surface may be caused by jaundice, by diabetes, by Hodgkin's disease, or by the bites of fleas. In the aged it is common without evident cause.
Diagnosis.—Pruritus is to be distinguished from scabies by the absence of burrows, and from pediculosis by the absence of lice and nits.
"""
)

QUESTIONS_STYLE = Style(header="QUIZ-COMPEND OF DERMATOLOGY", body_size=10.5, width=400, height=600)
QUESTIONS = book(
    """
chapter: CHAPTER V. BULLOUS DISEASES
head: Pemphigus Vulgaris
Q. What is pemphigus vulgaris?
A. A chronic, often fatal disease of adults, in which flaccid bullæ arise upon apparently healthy skin and the mucous membranes, and rupture to leave painful erosions.
Q. How would you distinguish pemphigus vulgaris from bullous pemphigoid, dermatitis herpetiformis and bullous impetigo?
A. In pemphigus vulgaris the bullæ are flaccid, Nikolsky's sign is present and the mouth is affected early; in bullous pemphigoid the bullæ are tense and arise upon urticated plaques in the aged. Dermatitis herpetiformis shows grouped, intensely itching vesicles upon the elbows and buttocks. Bullous impetigo occurs in children and its crusts are honey-coloured.
figtwo: Fig. 14. Bullous pemphigoid | Fig. 15. Pemphigus vulgaris
head: Dermatitis Herpetiformis
Q. With what diseases may dermatitis herpetiformis be confounded?
A. With scabies, bullous pemphigoid and erythema multiforme.
Q. Is dermatitis herpetiformis a form of pemphigus?
A. No. It was formerly thought to be a variety of pemphigus, but the itching, the grouping of the lesions and the response to dapsone set it apart. Dermatitis herpetiformis is not a contagious disease.
head: Herpes Zoster
Q. What is the differential diagnosis of herpes zoster?
A. Herpes simplex, contact dermatitis and erysipelas.
Q. Is herpes zoster the same disease as varicella?
A. Both are caused by one virus, but zoster is not varicella: it is a reactivation confined to a dermatome, unlike the generalised eruption of chicken-pox.
fig: Fig. 16. Nikolsky's sign | Courtesy of the Skin Department, City Hospital.
head: Porphyria Cutanea Tarda
Q. How does porphyria cutanea tarda differ from pseudoporphyria?
A. The bullæ and scars on the backs of the hands look alike, but in pseudoporphyria the porphyrins in the urine are normal and a drug such as naproxen is usually to blame. Hypertrichosis of the face favours porphyria.
head: Scabies
Q. What conditions simulate scabies?
A. Prurigo, papular urticaria, and pediculosis.
chapter: CHAPTER VI. DISORDERS OF PIGMENTATION
head: Vitiligo
Q. How would you distinguish vitiligo from pityriasis versicolor, pityriasis alba, or post-inflammatory hypopigmentation?
A. Vitiligo is a complete loss of pigment with sharp, often hyperpigmented borders and it fluoresces brightly under Wood's light; pityriasis versicolor shows fine scale and yields hyphae and spores; pityriasis alba is ill-defined and scaly in children; post-inflammatory hypopigmentation follows a preceding eruption and is incomplete.
Q. Is vitiligo a contagious disease like leprosy?
A. No. Vitiligo is not leprosy, and the patient should be reassured. Hypopigmented mycosis fungoides was formerly thought to be a variety of vitiligo.
fig: Fig. 17. Vitiligo (loss of skin melanocytes)
head: Melasma
Q. What may be mistaken for melasma?
A. Post-inflammatory hyperpigmentation and drug-induced pigmentation, for example from minocycline.
fig: Fig. 18. Melasma (increased melanin pigmentation) | Courtesy of Dr. R. Patel
head: Erythema Ab Igne
Q. What must be excluded in a patient with erythema ab igne?
A. Livedo reticularis and cutis marmorata.
# Presentations (issue 14 point 3), added after the presentation rules' design, before their tuning:
head: Ulcers of the Leg
Q. What are the causes of ulceration of the leg?
A. Venous insufficiency, arterial disease, neuropathy and vasculitis; a long-standing ulcer that will not heal may be a squamous cell carcinoma.
Q. With what may a venous ulcer be confounded?
A. With an arterial ulcer, a neuropathic ulcer and pyoderma gangrenosum.
"""
)

TWO_COLUMN_STYLE = Style(
    header="CLINICAL DERMATOLOGY · SKIN TUMOURS",
    columns=2,
    width=500,
    height=640,
    margin=40,
    body_font="helv",
    head_font="hebo",
    body_size=9.5,
    first_label=301,
)
TWO_COLUMN = book(
    """
chapter: 9 Skin Tumours
Most skin tumours are diagnosed on their clinical appearance. Dermoscopy improves the accuracy of diagnosis, and a biopsy is taken whenever malignancy cannot be excluded on clinical grounds.
head: Basal cell carcinoma
sub: Clinical features
A slowly growing, pearly papule or nodule with a rolled edge and surface telangiectasia, usually on sun-exposed skin of the head and neck. Ulceration produces the classic rodent ulcer.
sub: Differential diagnosis
Nodular basal cell carcinoma can be confused with intradermal naevus, sebaceous hyperplasia and amelanotic melanoma. Superficial basal cell carcinoma is frequently misdiagnosed as Bowen's disease or discoid eczema. Unlike squamous cell carcinoma, basal cell carcinoma very rarely metastasises.
figtwo: (a) Nodular basal cell carcinoma | (b) Superficial basal cell carcinoma | Courtesy of Dr J. Smith
head: Squamous cell carcinoma
sub: Clinical features
A keratotic, indurated nodule that grows over weeks to months and may ulcerate. Lesions on the lip, ear and genitalia and those arising in chronic wounds behave more aggressively.
sub: Differential diagnosis
Squamous cell carcinoma must be differentiated from keratoacanthoma, hypertrophic actinic keratosis and viral warts. Keratoacanthoma mimics well-differentiated squamous cell carcinoma so closely that excision is usually needed. Some authors have suggested that keratoacanthoma is a variant of squamous cell carcinoma, but this remains disputed.
figpair: SCC – adjacent to ear (left) and glans penis (right)
head: Actinic keratosis
Rough, scaly, skin-coloured or pink macules on chronically sun-damaged skin. Hypertrophic actinic keratoses may be indistinguishable from early squamous cell carcinoma. Actinic keratosis is not a carcinoma, although a small proportion progress.
head: Bowen's disease
A slowly enlarging, well-demarcated, scaly red plaque, most often on the lower legs of older women. Bowen's disease differs from superficial basal cell carcinoma in lacking a rolled edge, and it is often mistaken for psoriasis or discoid eczema.
fig: Bowen's disease (intraepidermal carcinoma) on the shin
head: Melanoma
sub: Clinical features
An enlarging pigmented lesion with asymmetry, an irregular border, several colours and a diameter above 6 mm. Change in size, shape or colour is the most important feature in the history.
sub: Differential diagnosis
The differential diagnosis of melanoma includes seborrhoeic keratosis, pigmented basal cell carcinoma, dermatofibroma and haemangioma. Amelanotic melanoma is easily mistaken for pyogenic granuloma. Seborrhoeic keratoses are not premalignant and are not a form of melanoma.
figtwo: (a) Superficial spreading melanoma | (b) Nodular melanoma
head: Seborrhoeic keratosis
Greasy, 'stuck-on', warty papules and plaques of the trunk and face in later life, with milia-like cysts and comedo-like openings on dermoscopy. A large, dark seborrhoeic keratosis resembles melanoma, and an irritated one may simulate squamous cell carcinoma.
fig: Seborrhoeic keratosis – 'stuck-on' appearance | Courtesy of the Department of Dermatology
head: Dermatofibroma
A firm dermal papule on the leg that dimples when pinched from the sides. It is sometimes mistaken for a melanocytic naevus, but dermatofibroma is not melanocytic and has a central white patch on dermoscopy.
fig: Dimple sign
head: Keratoacanthoma
A rapidly growing, dome-shaped nodule with a central keratin plug that may resolve spontaneously over months. Keratoacanthoma is distinguished from squamous cell carcinoma chiefly by its rapid growth and its symmetry, and from a giant molluscum contagiosum by its keratin plug.
# Presentations (issue 14 point 3), added after the presentation rules' design, before their tuning:
head: The red face
A red face can be caused by rosacea, seborrhoeic dermatitis, lupus erythematosus or contact dermatitis. Other causes include dermatomyositis and the carcinoid syndrome.
The differential diagnosis of rosacea includes acne vulgaris and perioral dermatitis; unlike acne, rosacea has no comedones.
"""
)

# Written after the rules were tuned and never tuned on: its figures are the honest held-out check.
HELD_OUT_STYLE = Style(
    header="A SYSTEM OF CUTANEOUS MEDICINE", body_size=10.5, width=420, height=600, first_label=45
)
HELD_OUT = book(
    """
chapter: LECTURE IV. ON SOME NODULAR AND ULCERATING AFFECTIONS
head: Lupus Vulgaris
Apple-jelly nodules, seen best under diascopy, coalesce into plaques upon the face, and the disease heals with thin, atrophic scarring in which fresh nodules reappear.
The diagnosis lies chiefly between lupus vulgaris, sarcoidosis and discoid lupus erythematosus. Confusion with tertiary syphilis is possible, but the syphilitic lesion evolves in weeks rather than years. Lupus vulgaris is not a form of lupus erythematosus, despite the name.
head: Erythema Induratum
Tender, dusky nodules upon the backs of the calves of young women, which break down into indolent ulcers. Erythema induratum closely resembles erythema nodosum, from which it differs in its site, its chronicity and its tendency to ulcerate. Differentiation from nodular vasculitis may need a biopsy.
fig: Fig. 21. Erythema induratum (ulcerated nodules on the calf) | Courtesy of Dr. M. Keane
head: Pyoderma Gangrenosum
A painful ulcer with an undermined, violaceous edge, often in a patient with ulcerative colitis. It may closely mimic a spider bite, vasculitis, or an infected ulcer, and it should never be debrided, although it was once regarded as a simple bacterial gangrene.
head: Keratoacanthoma
Q. What lesions may be confused with keratoacanthoma?
A. Squamous cell carcinoma and a hypertrophic actinic keratosis.
figtwo: Fig. 22. Keratoacanthoma | Fig. 23. Squamous cell carcinoma
head: Chondrodermatitis Nodularis Helicis
A painful nodule on the rim of the ear. In chondrodermatitis the nodule is tender and has a central crust, while in basal cell carcinoma the nodule is pearly and painless. Actinic keratosis should also be ruled out. Unlike gouty tophi, the lesion contains no urate.
"""
)

# The fifth book (bulleted lecture notes) lives in its own module; re-exported for the corpus tests.
from tests.ingest.corpus_lecture import LECTURE_NOTES, LECTURE_NOTES_STYLE  # noqa: E402, F401
