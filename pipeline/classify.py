"""Classify pages and split a file into its documents (a packet: notice + police report + loss run).

Rules, not a trained model: weighted phrases per document type (`extractors/vocab/doc_types.json`),
title phrases counting double in the heading band at the top of a page, a loss-run column header
row as strong evidence, and page numbering ("Page 1 of 3"). A page's confidence comes from the
margin between its best and runner-up type, so "barely ahead" reads as unsure.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from extractors.phrase_vocab import PhraseVocab, load_vocab_file, norm_tokens
from extractors.table import (
    COLUMNS_FILE,
    MONEY_CATEGORIES,
    core_categories,
    label_categories,
    page_layout,
)
from pipeline.contract import DocType
from pipeline.page_model import PageWords

VOCAB_FILE = "doc_types.json"

# Evidence (in phrase-weight units) a type needs beyond nothing at all before a page can open a
# document of its own; weaker pages continue the document before them.
STRONG_EVIDENCE = 4.0
# The margin (evidence units) at which confidence has covered ~63 % of the way from 0.5 to 1.
MARGIN_SCALE = 4.0
# Fewer words than this: a blank page, a photo, a separator sheet.
BLANK_PAGE_WORDS = 4
# Heading bands sharing less than this (Jaccard) belong to different documents.
SAME_HEADING = 0.5

# "Page 2 of 5", also as OCR reads it ("PAGE 1.0F 2", "Page 1 0f 2", "Page.2 of 2").
# Not after a letter, but after OCR's "_" or "|" from a rule ("_Page 2 of 2").
_PAGE_OF = re.compile(
    r"(?<![a-z])page\s*[:.,]?\s*(\d{1,3})\s*[.,]?\s*(?:of|0f|o\s?f|/)\s*(\d{1,3})\b",
    re.IGNORECASE,
)
_PAGE_ALONE = re.compile(r"(?<![a-z])page\s*[:.,]?\s*(\d{1,3})\b(?!\s*(?:of|/))", re.IGNORECASE)
# "continued from page 1", "see page 3": a page named, not this page's number.
_OTHER_PAGE = re.compile(r"\b(?:from|see|to|on)\s*$", re.IGNORECASE)


class DocumentSpan(BaseModel):
    """One logical document inside a file: pages `page_start`..`page_end` (1-based, inclusive)."""

    model_config = ConfigDict(frozen=True)

    page_start: int = Field(ge=1)
    page_end: int = Field(ge=1)
    doc_type: DocType
    confidence: float = Field(ge=0.0, le=1.0)


class PageClass(BaseModel):
    """What one page looks like on its own, and the signals the splitter uses."""

    model_config = ConfigDict(frozen=True)

    page_number: int
    doc_type: DocType
    confidence: float = Field(ge=0.0, le=1.0)
    scores: dict[DocType, float]  # evidence per type (other includes its prior)
    # Rule ids that fired, e.g. "loss_run/title:loss run".
    evidence: list[str] = Field(default_factory=list)
    page_index: int | None = None  # "Page 2 of 5" -> 2
    page_total: int | None = None  # "Page 2 of 5" -> 5
    has_heading: bool = False  # a title phrase in the heading band
    continued: bool = False  # says it continues ("continued", "cont'd")
    ends_document: bool = False  # grand totals, "end of report"
    blank: bool = False
    # Heading-band words that are neither vocabulary nor numbers: whose document this is.
    heading_tokens: tuple[str, ...] = ()

    @property
    def strong(self) -> bool:
        """Enough evidence of its own type to open a document."""
        if self.blank:
            return False
        best = self.scores[self.doc_type] - (_rules().prior.get(self.doc_type, 0.0))
        return best >= STRONG_EVIDENCE and margin_of(self.scores) >= 2.0


@dataclass(frozen=True)
class _Rules:
    prior: dict[DocType, float]
    top_band: float
    title_multiplier: float
    title_elsewhere: float
    titles: dict[DocType, PhraseVocab]
    title_weights: dict[DocType, dict[tuple[str, ...], float]]
    bodies: dict[DocType, PhraseVocab]
    body_weights: dict[DocType, dict[tuple[str, ...], float]]
    continuation: PhraseVocab
    document_end: PhraseVocab
    column_min: int
    column_weight: float
    column_names: frozenset[str] = field(default_factory=frozenset)
    # Every word of every phrase: what is left of a heading after removing them names the
    # carrier, insured or agency, which is what tells two documents of one type apart.
    vocabulary_words: frozenset[str] = field(default_factory=frozenset)


@cache
def _rules() -> _Rules:
    data = load_vocab_file(VOCAB_FILE)

    def vocab(phrases: dict[str, float], doc_type: DocType) -> PhraseVocab:
        return PhraseVocab({doc_type.value: phrases.keys()})

    def weights(phrases: dict[str, float]) -> dict[tuple[str, ...], float]:
        return {tuple(norm_tokens(p)): float(w) for p, w in phrases.items()}

    types = {DocType(name): spec for name, spec in data["types"].items()}
    words = {
        token
        for spec in types.values()
        for group in ("title", "body")
        for phrase in spec[group]
        for token in norm_tokens(phrase)
    }
    words |= {
        token
        for phrases in load_vocab_file(COLUMNS_FILE)["columns"].values()
        for phrase in phrases
        for token in norm_tokens(phrase)
    }
    return _Rules(
        prior={DocType(k): float(v) for k, v in data["prior"].items()},
        top_band=float(data["top_band_fraction"]),
        title_multiplier=float(data["title_top_multiplier"]),
        title_elsewhere=float(data["title_elsewhere_multiplier"]),
        titles={t: vocab(s["title"], t) for t, s in types.items()},
        title_weights={t: weights(s["title"]) for t, s in types.items()},
        bodies={t: vocab(s["body"], t) for t, s in types.items()},
        body_weights={t: weights(s["body"]) for t, s in types.items()},
        continuation=PhraseVocab({"continued": data["continuation"]}),
        document_end=PhraseVocab({"end": data["document_end"]}),
        column_min=int(data["loss_run_columns"]["min_categories"]),
        column_weight=float(data["loss_run_columns"]["weight"]),
        column_names=core_categories(),
        vocabulary_words=frozenset(words),
    )


def margin_of(scores: dict[DocType, float]) -> float:
    ranked = sorted(scores.values(), reverse=True)
    return ranked[0] - ranked[1] if len(ranked) > 1 else ranked[0]


def margin_confidence(scores: dict[DocType, float]) -> float:
    """0.5 when two types tie, approaching 1 as the winner's lead grows."""
    return round(1.0 - 0.5 * math.exp(-max(margin_of(scores), 0.0) / MARGIN_SCALE), 4)


def _best(scores: dict[DocType, float]) -> DocType:
    # Ties go to `other`: never claim a type on equal evidence.
    order = [DocType.OTHER, DocType.LOSS_RUN, DocType.CLAIM_FORM, DocType.POLICE_REPORT]
    return max(order, key=lambda t: scores.get(t, 0.0))


def _page_numbering(text: str) -> tuple[int | None, int | None]:
    for match in _PAGE_OF.finditer(text):
        index, total = int(match.group(1)), int(match.group(2))
        if 1 <= index <= total:
            return index, total
    for match in _PAGE_ALONE.finditer(text):
        if not _OTHER_PAGE.search(text[max(0, match.start() - 12) : match.start()]):
            return int(match.group(1)), None
    return None, None


# A title phrase followed by one of these is a field label ("Police Report Number"), no title.
_LABEL_TAILS = frozenset({"number", "no", "#", "num", "nbr", "date", "id", "attached", "filed"})


def _longest_hits(
    vocab: PhraseVocab, tokens: Sequence[str], titles: bool = False
) -> set[tuple[str, ...]]:
    """Phrases found, each once; a phrase inside a longer found phrase does not count again."""
    hits = vocab.find_all(tokens)
    if titles:
        hits = [m for m in hits if m.end >= len(tokens) or tokens[m.end] not in _LABEL_TAILS]
    covered: set[tuple[str, ...]] = set()
    spans = sorted(hits, key=lambda m: -m.length)
    taken: list[tuple[int, int]] = []
    for match in spans:
        if any(match.start >= s and match.end <= e for s, e in taken):
            continue
        taken.append((match.start, match.end))
        covered.add(tuple(tokens[match.start : match.end]))
    return covered


def classify_page(page: PageWords) -> PageClass:
    """Score one page against every document type from its words alone."""
    rules = _rules()
    words = page.words
    tokens = norm_tokens(page.text)
    scores: dict[DocType, float] = {t: rules.prior.get(t, 0.0) for t in DocType}
    evidence: list[str] = []
    if len(words) < BLANK_PAGE_WORDS:
        return PageClass(
            page_number=page.page_number,
            doc_type=DocType.OTHER,
            confidence=margin_confidence(scores),
            scores=scores,
            evidence=["blank"],
            blank=True,
        )

    band_bottom = page.height * rules.top_band
    band_words = [w for w in words if w.bbox[1] < band_bottom]
    band_tokens = norm_tokens(" ".join(w.text for w in band_words))
    band_hits: dict[DocType, set[tuple[str, ...]]] = {}
    has_heading = False
    for doc_type in DocType:
        band_hits[doc_type] = _longest_hits(rules.titles[doc_type], band_tokens, titles=True)
        for phrase in _longest_hits(rules.titles[doc_type], tokens, titles=True):
            weight = rules.title_weights[doc_type][phrase]
            if phrase in band_hits[doc_type]:
                weight *= rules.title_multiplier
                has_heading = True
            else:
                weight *= rules.title_elsewhere
            scores[doc_type] += weight
            evidence.append(f"{doc_type.value}/title:{' '.join(phrase)}")
        for phrase in _longest_hits(rules.bodies[doc_type], tokens):
            scores[doc_type] += rules.body_weights[doc_type][phrase]
            evidence.append(f"{doc_type.value}/body:{' '.join(phrase)}")

    column_count = _loss_run_column_categories(page)
    if column_count >= rules.column_min:
        scores[DocType.LOSS_RUN] += rules.column_weight + (column_count - rules.column_min)
        evidence.append(f"loss_run/columns:{column_count}")

    page_index, page_total = _page_numbering(page.text)
    doc_type = _best(scores)
    return PageClass(
        page_number=page.page_number,
        doc_type=doc_type,
        confidence=margin_confidence(scores),
        scores={t: round(s, 3) for t, s in scores.items()},
        evidence=evidence,
        page_index=page_index,
        page_total=page_total,
        has_heading=has_heading,
        continued=_says_continued(page),
        ends_document=bool(rules.document_end.find_all(tokens)),
        heading_tokens=_heading_fingerprint(band_tokens),
    )


# A "continued" note is a short line of its own ("(continued)", "Continued on next page"),
# not the word inside a narrative ("the vehicle continued westbound").
CONTINUATION_LINE_WORDS = 6


def _says_continued(page: PageWords) -> bool:
    rules = _rules()
    for line in page_layout(page)[1]:
        if len(line.words) <= CONTINUATION_LINE_WORDS and rules.continuation.find_all(
            norm_tokens(line.text)
        ):
            return True
    return False


def _heading_fingerprint(tokens: Sequence[str]) -> tuple[str, ...]:
    """Heading words that are neither vocabulary nor numbers: names of carrier, insured, agency."""
    vocabulary = _rules().vocabulary_words
    return tuple(
        sorted(
            {
                t
                for t in tokens
                if len(t) > 1 and t not in vocabulary and not any(c.isdigit() for c in t)
            }
        )
    )


def _loss_run_column_categories(page: PageWords) -> int:
    """Most claim-table column kinds printed on one line (or a header wrapped over two lines),
    counted only when at least one is a money column: a loss-run table header."""
    rules = _rules()
    lines = page_layout(page)[1]
    best = 0
    previous: set[str] = set()
    for line in lines:
        found = label_categories(line)
        for combined in (found, found | previous):
            core = {c for c in combined if c in rules.column_names}
            if combined & MONEY_CATEGORIES or "paid" in core:
                money_parts = {c for c in combined if c.endswith("_part")}
                best = max(
                    best,
                    len(core)
                    + (1 if money_parts and not core & {"paid", "reserve", "incurred"} else 0),
                )
        previous = found
    return best


def _similar_headings(a: Sequence[str], b: Sequence[str]) -> bool:
    first, second = set(a), set(b)
    if not first or not second:
        return True  # nothing to compare: no reason to split
    return len(first & second) / len(first | second) >= SAME_HEADING


@dataclass
class _OpenSpan:
    start: int
    end: int
    pages: list[PageClass]
    scores: dict[DocType, float]

    @property
    def doc_type(self) -> DocType:
        return _best(self.scores)

    def add(self, page: PageClass) -> None:
        self.end = page.page_number
        self.pages.append(page)
        prior = _rules().prior
        for doc_type, score in page.scores.items():
            self.scores[doc_type] += score - prior.get(doc_type, 0.0)


def _opens(page: PageClass) -> _OpenSpan:
    return _OpenSpan(page.page_number, page.page_number, [page], dict(page.scores))


def _starts_new_document(span: _OpenSpan, previous: PageClass, page: PageClass) -> bool:
    """Whether `page` opens a new document after `previous` (the last page of `span`)."""
    if page.blank or previous.blank:
        return not (page.blank and previous.blank)
    numbered_next = (
        previous.page_index is not None
        and page.page_index == previous.page_index + 1
        and (
            page.page_total == previous.page_total
            or page.page_total is None
            or previous.page_total is None
        )
    )
    if page.page_index == 1 and not numbered_next:
        return True
    if numbered_next:
        return False
    if (
        previous.page_total is not None
        and previous.page_index == previous.page_total
        and page.strong
    ):
        return True
    if not page.strong:
        return False  # a page of rows or narrative continues what came before
    if page.doc_type != span.doc_type:
        return True
    if page.continued:
        return False
    if page.has_heading and not _similar_headings(
        span.pages[0].heading_tokens, page.heading_tokens
    ):
        return True  # same kind, different heading: another carrier's loss run, another agency
    return page.has_heading and previous.ends_document


def split_documents(pages: list[PageWords]) -> list[DocumentSpan]:
    """The logical documents of a file, in page order, covering every page exactly once."""
    classes = [classify_page(page) for page in pages]
    return split_classified(classes)


def split_classified(classes: Sequence[PageClass]) -> list[DocumentSpan]:
    """Split already classified pages (see `split_documents`)."""
    spans: list[_OpenSpan] = []
    for page in classes:
        if spans and not _starts_new_document(spans[-1], spans[-1].pages[-1], page):
            spans[-1].add(page)
        else:
            spans.append(_opens(page))
    return [
        DocumentSpan(
            page_start=span.start,
            page_end=span.end,
            doc_type=span.doc_type,
            confidence=margin_confidence(span.scores),
        )
        for span in spans
    ]
