"""The trajectory validator: every claim a target makes must be true of the image or of the graph.

It reads a row's target sentence by sentence (any wording, the templates of :mod:`synth.wording`
and an LLM's alike) and rejects it for

- **bookkeeping**: source tags, store wording, ids ("(source: isic)", "no recorded taxonomy");
- **vocabulary**: a lesion condition outside benign / malignant / precancerous in situ;
- **condition**: a diagnosis that states two lesion conditions (melanoma in situ "within malignant …
  proliferations, … classified as precancerous in situ");
- **DDx wording for a non-neighbour**: "differential" on a pair with no accepted DDx edge;
- **observation not recorded**: "this lesion shows F" where the image's findings lack F, or say
  F was assessed and absent (inverted polarity), and the reverse for "no F";
- **unsupported / contradicted claims**: a finding said of a diagnosis with no accepted finding
  assertion (or one with the opposite relation), or whose assertion is not in the row's provenance;
- **revision without a shown finding**: a Type 3 that names no finding the lesion shows as typical of
  the diagnosis it revises to (absent findings, or findings against the first diagnosis, only);
- **no reasoning**: no finding the lesion shows is tied to the row's diagnosis by an accepted
  typical / possible finding (a list of findings is no rationale);
- **label contradicted by knowledge**: the lesion shows a finding accepted as against its diagnosis;
- **unaddressed counter-evidence**: a Type 1 whose lesion shows a finding accepted as typical of
  another diagnosis that no accepted typical / possible finding of its own diagnosis in the row's
  provenance explains (:func:`synth.argument.counter_evidence`): a direct diagnosis names no
  alternative, so it cannot address a red flag;
- **first impression unsupported**: a Type 3 whose first diagnosis no shown finding is tied to;
- **absence as reason**: "F, typical of Y, is not seen" given as evidence (low sensitivity);
- **non-discriminating reason**: a comparison (Type 2 / 3) that gives a finding the lesion shows
  as a reason for its diagnosis when the graph records no difference between the pair on it
  (:func:`synth.argument.discriminates`, by an assertion in the row's provenance) — "a flat lesion
  is typical of lentigo" does not separate lentigo from melanoma in situ, which is flat too.

Lexical grounding is not enough: a claim passes only when an accepted assertion says the same.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from synth.argument import counter_evidence, discriminates
from synth.knowledge import FindingKnowledge
from synth.types import TrajectoryRow

_BOOKKEEPING = re.compile(
    r"\(source:|\bsource:|curated graph|knowledge graph|\bno recorded\b|\brecorded in the\b|\brevision \d|"
    r"\bassertion\b|\bprovenance\b|\b(?:a|c|e)-[0-9a-f]{16}\b|\bfnd-|\bdermkg\b",
    re.IGNORECASE,
)
_VOCAB = re.compile(r"\bpre-?malignant\b", re.IGNORECASE)
_CONDITIONS = {
    "benign": re.compile(r"\bbenign\b", re.I),
    "malignant": re.compile(r"(?<!pre)(?<!pre-)\bmalignan(?:t|cy)\b", re.I),
    "precancerous in situ": re.compile(r"\bpre-?cancerous\b|\bin[\s-]situ\b", re.I),
}
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_TAGS = re.compile(r"<thinking>(.*?)</thinking>\s*<diagnosis>(.*?)</diagnosis>", re.DOTALL)
_OBSERVATION = re.compile(r"\b(?:this lesion|the lesion|this image|here|it is located)\b", re.IGNORECASE)
_NOT_SEEN = re.compile(r"\b(?:is|are) not seen\b|\bnot (?:seen|present|observed)\b|\babsent\b", re.IGNORECASE)
_NEGATED = re.compile(r"^\s*no\b|\bno\b|\bnot\b|\bwithout\b|\babsent\b", re.IGNORECASE)
_AGAINST = re.compile(
    r"\bargues? against\b|\bagainst\b|\bunusual (?:in|for)\b|\bnot (?:typical|expected|characteristic)\b|"
    r"\brules? out\b|\bunlikely\b|\buncommon\b|\brare in\b|\batypical for\b",
    re.IGNORECASE,
)
_COMPARATIVE = re.compile(r"\b(?:over|rather than|instead of|than)\s*(?:an?\s+)?$", re.IGNORECASE)
DDX_SOURCES = {"ddx", "ddx_parent", "ddx_child"}


class RowVerdict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    reasons: list[str] = Field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.reasons


class ValidationReport(BaseModel):
    """Counts and examples of one validation pass (the report and the dataset card show them)."""

    model_config = ConfigDict(extra="forbid")

    rows: int = 0
    passed: int = 0
    rejected: int = 0
    reasons: dict[str, int] = Field(default_factory=dict)  # reason kind -> rows
    examples: list[RowVerdict] = Field(default_factory=list)  # a few rejected rows with reasons
    rows_per_second: float | None = None


@dataclass
class ValidationContext:
    """What the validator checks against: accepted findings, diagnosis names, accepted DDx edges."""

    knowledge: FindingKnowledge
    names: dict[str, str]  # diagnosis id -> name
    ddx_ids: set[str] = field(default_factory=set)  # accepted DDx assertion ids
    # diagnosis id -> lesion condition rank (synth.argument.GRAVITY); empty (an export's manifest
    # does not record malignancy) leaves the counter-evidence rule undecided, never failing
    gravity: dict[str, int] = field(default_factory=dict)
    _name_re: dict[tuple[str, ...], re.Pattern[str]] = field(default_factory=dict, repr=False)
    _parsed: dict[tuple[str, tuple[str, ...]], _Parsed] = field(default_factory=dict, repr=False)

    def name_pattern(self, ids: tuple[str, ...]) -> re.Pattern[str]:
        if ids not in self._name_re:
            names = sorted({self.names.get(i, i) for i in ids if i}, key=len, reverse=True)
            alts = "|".join(re.escape(n) for n in names) or r"(?!x)x"
            self._name_re[ids] = re.compile(rf"(?<![\w-])(?:{alts})(?![\w-])", re.IGNORECASE)
        return self._name_re[ids]


def _kind(reason: str) -> str:
    return reason.split(":", 1)[0]


@dataclass(frozen=True)
class _Parsed:
    """One sentence, read once (sentences repeat across thousands of rows: parsed per run, cached)."""

    differential: bool
    observations: tuple[tuple[str, str, bool], ...]  # (finding, surface, negated) if an observation
    claims: tuple[tuple[str, str, str], ...]  # (diagnosis, finding, surface, claimed relation)
    bookkeeping: str | None
    vocabulary: str | None


def _parse(sentence: str, ids: tuple[str, ...], ctx: ValidationContext) -> _Parsed:
    key = (sentence, ids)
    hit = ctx._parsed.get(key)
    if hit is not None:
        return hit
    names_re = ctx.name_pattern(ids)
    by_name = {ctx.names.get(i, i).lower(): i for i in ids}
    lexicon = ctx.knowledge.lexicon
    masked = names_re.sub(lambda mm: " " * len(mm.group(0)), sentence)
    observations: list[tuple[str, str, bool]] = []
    if _OBSERVATION.search(sentence):
        not_seen = bool(_NOT_SEEN.search(sentence)) or bool(_NEGATED.match(sentence))
        observations = [(f.concept, f.surface, f.negated or not_seen) for f in lexicon.find(masked)]
    claims: list[tuple[str, str, str, str]] = []
    mentions = list(names_re.finditer(sentence))
    # a finding belongs to the diagnosis named after it ("F is typical of D"); findings after the
    # last name belong to that name ("D shows F")
    start = 0
    for n, mm in enumerate(mentions):
        dx = by_name.get(mm.group(0).lower())
        segment = masked[start : mm.start()]
        tail = masked[mm.end() : mentions[n + 1].start()] if n + 1 < len(mentions) else masked[mm.end() :]
        start = mm.end()
        if dx is None or _COMPARATIVE.search(segment):
            continue  # "favours X over Y": a conclusion, not a finding of Y
        claimed = "against" if _AGAINST.search(segment) else "typical"
        claims += [(dx, f.concept, f.surface, claimed) for f in lexicon.find(segment)]
        if n + 1 == len(mentions):
            tail_claim = "against" if _AGAINST.search(tail) else "typical"
            claims += [(dx, f.concept, f.surface, tail_claim) for f in lexicon.find(tail)]
    book = _BOOKKEEPING.search(sentence)
    vocab = _VOCAB.search(sentence)
    parsed = _Parsed(
        differential="differential" in sentence.lower(),
        observations=tuple(observations),
        claims=tuple(claims),  # type: ignore[arg-type]
        bookkeeping=book.group(0) if book else None,
        vocabulary=vocab.group(0) if vocab else None,
    )
    ctx._parsed[key] = parsed
    return parsed


def validate_row(row: TrajectoryRow, ctx: ValidationContext) -> list[str]:
    """Reasons to reject ``row`` ([] when every sentence checks out)."""
    reasons: list[str] = []
    m = _TAGS.fullmatch(row.completion.strip())
    if m is None:
        return ["format: target is not <thinking>…</thinking><diagnosis>…</diagnosis>"]
    thinking, diagnosis = m.group(1), m.group(2)
    if not thinking.strip():
        reasons.append("no observation: empty thinking")
    reasons += _check_sentences(thinking, row, ctx)[0]
    # the diagnosis tag holds the name and the taxonomy sentence (is_a facts, whose ancestor names
    # may contain finding words such as "Follicular"): only wording rules apply there
    reasons += _check_sentences(diagnosis, row, ctx, findings=False)[0]
    reasons += _one_condition(diagnosis, row, ctx)
    reasons += _row_rules(thinking, row, ctx)
    if row.type != "type1":
        reasons += _non_discriminating(row, ctx)
        claims_ok = _check_sentences(row.reasoning or "", row, ctx)[1]
        if not claims_ok:
            reasons.append("no claim: the reasoning states no accepted finding of either diagnosis")
        elif row.type in ("type3", "control3") and not _speaks_for_revision(row, ctx):
            reasons.append(
                "revision without a shown finding: only absent findings speak for "
                f"{ctx.names.get(row.diagnosis, row.diagnosis)}"
            )
    return list(dict.fromkeys(reasons))


def _check_sentences(
    text: str, row: TrajectoryRow, ctx: ValidationContext, *, findings: bool = True
) -> tuple[list[str], int]:
    """(reasons, number of diagnosis-level claims that check out) for the sentences of ``text``."""
    reasons: list[str] = []
    ok = 0
    ids = tuple(sorted({row.diagnosis, row.primary_diagnosis, row.partner_diagnosis or ""} - {""}))
    observed, unseen = set(row.observed), set(row.not_observed)
    listed = set(row.provenance.assertion_ids)
    ddx_ok = row.provenance.partner_source in DDX_SOURCES and row.ddx_assertion_id in ctx.ddx_ids
    for sentence in _SENTENCE.split(text.strip()):
        parsed = _parse(sentence, ids, ctx)
        if parsed.bookkeeping:
            reasons.append(f"bookkeeping text: {parsed.bookkeeping!r}")
        if parsed.vocabulary:
            reasons.append(
                f"vocabulary: {parsed.vocabulary!r} (use benign / malignant / precancerous in situ)"
            )
        if parsed.differential and row.partner_diagnosis and not ddx_ok:
            reasons.append("ddx wording for a non-neighbour: " + sentence)
        if not findings:
            continue
        for concept, surface, neg in parsed.observations:
            if neg and concept not in unseen:
                why = "inverted polarity" if concept in observed else "not recorded"
                reasons.append(f"observation {why}: no {surface}")
            elif not neg and concept not in observed:
                why = "inverted polarity" if concept in unseen else "not recorded"
                reasons.append(f"observation {why}: {surface}")
        for dx, concept, surface, claimed in parsed.claims:
            found = _check_claim(ctx, dx, concept, surface, claimed, listed)
            reasons += found
            ok += not found
    return reasons, ok


def _speaks_for_revision(row: TrajectoryRow, ctx: ValidationContext) -> bool:
    """A revision (Type 3) names a finding this lesion shows that is typical of the new diagnosis:
    absences, and findings against the first diagnosis, rule it out; they never establish another."""
    ids = tuple(sorted({row.diagnosis, row.primary_diagnosis, row.partner_diagnosis or ""} - {""}))
    observed = set(row.observed)
    for sentence in _SENTENCE.split((row.reasoning or "").strip()):
        for dx, concept, _surface, claimed in _parse(sentence, ids, ctx).claims:
            if concept in observed and dx == row.diagnosis and claimed != "against":
                return True
    return False


def _non_discriminating(row: TrajectoryRow, ctx: ValidationContext) -> list[str]:
    """A shown finding given as a reason for the row's diagnosis (typical of it, or against the other
    one) must be one the pair differs on by an accepted assertion the row lists."""
    favoured = row.diagnosis
    other = row.partner_diagnosis if favoured == row.primary_diagnosis else row.primary_diagnosis
    if not other or other == favoured:
        return []
    ids = tuple(sorted({favoured, other}))
    observed = set(row.observed)
    listed = set(row.provenance.assertion_ids)
    fav, oth = ctx.names.get(favoured, favoured), ctx.names.get(other, other)
    out = []
    for sentence in _SENTENCE.split((row.reasoning or "").strip()):
        for dx, concept, surface, claimed in _parse(sentence, ids, ctx).claims:
            # shown: typical of the favoured diagnosis, or against the other (absences: _row_rules)
            if concept not in observed or (dx == favoured) == (claimed == "against"):
                continue
            if discriminates(ctx.knowledge, favoured, other, concept, listed) is None:
                out.append(
                    f"non-discriminating reason: {surface} is given for {fav} over {oth}, but no "
                    f"accepted assertion in the provenance says {oth} differs on it"
                )
    return out


def _one_condition(diagnosis: str, row: TrajectoryRow, ctx: ValidationContext) -> list[str]:
    """The diagnosis states one lesion condition ("… within malignant … proliferations, and is
    generally classified as precancerous in situ" states two); the diagnosis's own name is no statement."""
    names = ctx.name_pattern((row.diagnosis,))
    text = names.sub(" ", diagnosis.replace(row.diagnosis_name, " "))
    stated = sorted(c for c, pattern in _CONDITIONS.items() if pattern.search(text))
    if len(stated) > 1:
        return [f"condition: the diagnosis states {' and '.join(stated)}"]
    return []


def _row_rules(thinking: str, row: TrajectoryRow, ctx: ValidationContext) -> list[str]:
    """Rules on the whole row: its diagnosis is tied to a finding the lesion shows; the lesion shows
    nothing accepted as against it; a revision's first impression rests on a shown finding; an
    absence is never given as a reason (low sensitivity: most lesions lack most typical findings)."""
    ids = tuple(sorted({row.diagnosis, row.primary_diagnosis, row.partner_diagnosis or ""} - {""}))
    observed, unseen = set(row.observed), set(row.not_observed)
    name = ctx.names.get(row.diagnosis, row.diagnosis)
    out: list[str] = []
    tied: set[str] = set()
    for sentence in _SENTENCE.split(thinking.strip()):
        negated = bool(_NOT_SEEN.search(sentence)) or bool(_NEGATED.match(sentence))
        for dx, concept, surface, claimed in _parse(sentence, ids, ctx).claims:
            accepted = ctx.knowledge.relation(dx, concept)
            if concept in observed and claimed != "against" and accepted and accepted[0] != "against":
                tied.add(dx)
            if negated and concept in unseen and claimed != "against":
                out.append(f"absence as reason: no {surface} is given as evidence")
    if row.diagnosis not in tied:
        out.append(f"no reasoning: no finding this lesion shows is tied to {name} by an accepted finding")
    against = sorted(
        f for f in observed if (r := ctx.knowledge.relation(row.diagnosis, f)) and r[0] == "against"
    )
    if against:
        out.append(
            f"label contradicted by knowledge: the lesion shows {', '.join(against)}, "
            f"accepted as against {name}"
        )
    if row.type == "type1":
        # a direct diagnosis names no alternative, so it cannot address a shown finding typical of
        # another diagnosis; one its own diagnosis explains must be listed in the provenance
        listed = set(row.provenance.assertion_ids)
        counter = counter_evidence(ctx.knowledge, row.diagnosis, row.observed, ctx.gravity, listed)
        if counter:
            seen = ", ".join(f"{f} (typical of {ctx.names.get(d, d)})" for f, d, _ in counter)
            out.append(
                f"unaddressed counter-evidence: the lesion shows {seen}, which {name} does not explain"
            )
    if row.type in ("type3", "control3") and row.primary_diagnosis not in tied:
        first = ctx.names.get(row.primary_diagnosis, row.primary_diagnosis)
        out.append(f"first impression unsupported: no finding this lesion shows is tied to {first}")
    return out


def _check_claim(
    ctx: ValidationContext, dx: str, finding: str, surface: str, claimed: str, listed: set[str]
) -> list[str]:
    name = ctx.names.get(dx, dx)
    accepted = ctx.knowledge.relation(dx, finding)
    if accepted is None:
        return [f"unsupported claim: {surface} ({claimed}) of {name} has no accepted finding assertion"]
    relation, aid = accepted
    if (claimed == "against") != (relation == "against"):
        return [f"contradicted claim: {surface} said {claimed} of {name}, accepted as {relation}"]
    if aid not in listed:
        return [f"claim not in provenance: {surface} of {name} ({aid})"]
    return []


def validate_rows(
    rows: list[TrajectoryRow], ctx: ValidationContext, *, examples: int = 5
) -> tuple[list[TrajectoryRow], list[tuple[TrajectoryRow, list[str]]], ValidationReport]:
    """(passing rows, [(rejected row, reasons)], report)."""
    import time

    started = time.perf_counter()
    ok: list[TrajectoryRow] = []
    bad: list[tuple[TrajectoryRow, list[str]]] = []
    kinds: Counter[str] = Counter()
    for row in rows:
        reasons = validate_row(row, ctx)
        if reasons:
            bad.append((row, reasons))
            kinds.update({_kind(r) for r in reasons})
        else:
            ok.append(row)
    seconds = time.perf_counter() - started
    report = ValidationReport(
        rows=len(rows),
        passed=len(ok),
        rejected=len(bad),
        reasons=dict(sorted(kinds.items())),
        examples=[RowVerdict(id=r.id, reasons=why) for r, why in bad[:examples]],
        rows_per_second=round(len(rows) / seconds, 1) if seconds > 0 and rows else None,
    )
    return ok, bad, report
