"""Page words as one spaCy `Doc`: a token per word, keeping its page, box and OCR confidence.

Rules are spaCy components over this doc. The label ruler (factory `claimdocs_label_ruler`)
marks printed labels from the vocabularies in `extractors/vocab/*.json` as spans in
`doc.spans["labels"]`, with `label_` = field and `id_` = "field/phrase", so every extracted value
can name the rule that produced it.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from statistics import median

import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from extractors import geometry
from pipeline.contract import BBox
from pipeline.page_model import PageWords, Word, WordSource

VOCAB_DIR = Path(__file__).parent / "vocab"
LABELS_KEY = "labels"
SECTIONS_KEY = "sections"
LABEL_RULER = "claimdocs_label_ruler"

# bbox: the word's box on the page (what values report); layout_box: the same box with the
# page's skew taken out (what geometry compares), equal to bbox on straight pages.
_TOKEN_EXTENSIONS = (
    ("page", 0),
    ("bbox", None),
    ("layout_box", None),
    ("ocr_conf", 1.0),
    ("line_key", None),
    ("from_ocr", False),
)
for _name, _default in _TOKEN_EXTENSIONS:
    if not Token.has_extension(_name):
        Token.set_extension(_name, default=_default)
# page -> (width, height); (page, line no) -> token indices left to right; keys top to bottom.
for _name in ("page_sizes", "lines", "line_order"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)

# ---------------------------------------------------------------------------------------------
# Token norms: what label phrases are compared on

_EDGE_PUNCT = "\"'`.,:;!?()[]{}<>*_-\u2018\u2019\u201c\u201d|/\\\u2610\u2611\u2612\u2713\u2714\u2717\u2718\u25a0\u25a1\u25cf\u25cb"
# OCR confuses these in words that are otherwise letters ("P0licy", "Inc1dent").
_LETTER_LOOKALIKES = str.maketrans({"0": "o", "1": "l", "5": "s", "8": "b", "|": "l"})


def norm_word(text: str) -> str:
    """Lower-case, surrounding punctuation stripped ("No.:" -> "no"), "#" kept, OCR digits in
    letter words read as letters. A word that is only punctuation keeps it ("#")."""
    lowered = text.lower().replace("\u2019", "'")
    stripped = lowered.strip(_EDGE_PUNCT)
    if not stripped:
        return lowered
    if stripped != "#" and stripped.endswith("#") and len(stripped) > 1:
        stripped = stripped[:-1].rstrip(_EDGE_PUNCT) or stripped
    letters = sum(ch.isalpha() for ch in stripped)
    digits = sum(ch.isdigit() for ch in stripped)
    if letters >= 3 and digits and letters >= 3 * digits:
        stripped = stripped.translate(_LETTER_LOOKALIKES)
    return stripped


# ---------------------------------------------------------------------------------------------
# Vocabularies


def vocabulary_names() -> list[str]:
    """Stems of the label vocabularies shipped under `extractors/vocab/`."""
    return sorted(path.stem for path in VOCAB_DIR.glob("*.json"))


@cache
def load_vocabulary_file(name: str) -> dict:
    """The parsed JSON of `extractors/vocab/{name}.json` (read once per process)."""
    with (VOCAB_DIR / f"{name}.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def load_vocabulary(name: str, mapping: str = LABELS_KEY) -> dict[str, tuple[str, ...]]:
    """label -> phrases from one vocabulary file's `mapping` ("labels" falls back to a loss-run
    file's "columns"); {} when the file has no such mapping."""
    data = load_vocabulary_file(name)
    found = data.get(mapping)
    if found is None and mapping == LABELS_KEY:
        found = data.get("columns")
    if not isinstance(found, dict):
        return {}
    return {label: tuple(phrases) for label, phrases in found.items() if isinstance(phrases, list)}


class LabelRuler:
    """Marks label phrases (matched on token norms) as spans with label_=field, id_=field/phrase.

    A phrase counts as a printed label only where it looks like one: it starts a run of words on
    its line (a cell or a label-left row) or ends with a colon, and it sits on one visual line.
    So "vehicle" inside a sentence of a loss description is not a label.
    """

    def __init__(
        self,
        nlp: Language,
        name: str,
        vocabularies: Sequence[str],
        mapping: str = LABELS_KEY,
        spans_key: str = LABELS_KEY,
    ):
        self.name = name
        self.spans_key = spans_key
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.rule_ids: dict[int, tuple[str, str]] = {}
        for vocabulary in vocabularies:
            for field, phrases in load_vocabulary(vocabulary, mapping).items():
                for phrase in phrases:
                    patterns = [_pattern_doc(nlp, variant) for variant in spacing_variants(phrase)]
                    if not patterns:
                        continue
                    rule_id = f"{field}/{phrase}"
                    key = nlp.vocab.strings.add(rule_id)
                    self.rule_ids[key] = (field, rule_id)
                    self.matcher.add(rule_id, patterns)

    def __call__(self, doc: Doc) -> Doc:
        candidates: list[Span] = []
        for key, start, end in self.matcher(doc):
            field, rule_id = self.rule_ids[key]
            span = Span(doc, start, end, label=field, span_id=rule_id)
            if _looks_like_label(span):
                candidates.append(span)
        existing = list(doc.spans[self.spans_key]) if self.spans_key in doc.spans else []
        doc.spans[self.spans_key] = sorted(
            filter_spans(existing + candidates), key=lambda s: s.start
        )
        return doc


_SEPARATORS = frozenset({"/", "&"})


def spacing_variants(phrase: str) -> list[str]:
    """The phrase with each inner "/" or "&" printed spaced or glued ("year / make/model"):
    text layers and OCR split words at spaces only."""
    words = phrase.split()
    options: list[list[str]] = []
    for i, word in enumerate(words):
        if word in _SEPARATORS and 0 < i < len(words) - 1:
            options.append([f" {word} ", f" {word}", f"{word} ", word])
        else:
            options.append([word])
    variants: list[str] = []
    for combo in itertools.product(*options):
        text = ""
        for i, piece in enumerate(combo):
            if i and words[i] not in _SEPARATORS and words[i - 1] not in _SEPARATORS:
                text += " "
            text += piece
        variants.append(" ".join(text.split()))
    return list(dict.fromkeys(variants))[:32]


def _pattern_doc(nlp: Language, phrase: str) -> Doc | None:
    words = phrase.split()
    if not words:
        return None
    pattern = Doc(nlp.vocab, words=words)
    for token in pattern:
        token.norm_ = norm_word(token.text)
    return pattern


_LABEL_FOLLOWERS = frozenset({"#", ":", "no", "number", "num", "nbr", "-", "–", "/", "*"})


def _looks_like_label(span: Span) -> bool:
    """Printed as a label: its own run of words on one line (a wide gap or the line's edge on
    both sides, a colon, or a parenthesised hint after it), not words inside a sentence."""
    if span[0]._.line_key is None or any(t._.line_key != span[0]._.line_key for t in span):
        return False
    line = geometry.line_of(span[0])
    first = next(i for i, token in enumerate(line) if token.i == span[0].i)
    last = next(i for i, token in enumerate(line) if token.i == span[-1].i)
    wide = 1.2 * geometry.height(span[0]._.layout_box)
    if first == 0:
        starts = True
    else:
        previous = line[first - 1]
        starts = span[0]._.layout_box[0] - previous._.layout_box[
            2
        ] > wide or previous.text.endswith((":", "|", ";", "-", "\u2013", "\u2014"))
    if not starts:
        # "K9776418 State: AZ": a colon label right after a value (a word with digits) still
        # starts a field; "Agency Phone:" is another label, not "Phone:". So does a label of
        # several words set apart from what follows it ("PA 17011 Email Address    a@b.c": the
        # next cell of a ruled row, close behind the value before it).
        if not any(ch.isdigit() for ch in previous.text):
            return False
        if span[-1].text.endswith(":"):
            return True
        return len(span) >= 2 and _gap_after(span, line, last) > 2 * wide
    if span[-1].text.endswith(":") or last == len(line) - 1:
        return True
    following = line[last + 1]
    if following.text.startswith(("(", ":", "[", "#")) or following.norm_ in _LABEL_FOLLOWERS:
        return True
    # A scan's speck right of the label ("Describe what happened .") is no word: look past it.
    nxt = last + 1
    while nxt < len(line) and is_punctuation_speck(line[nxt].text):
        nxt += 1
    if nxt == len(line):
        return True
    following = line[nxt]
    if following._.layout_box[0] - span[-1]._.layout_box[2] > wide:
        return True
    # "NAIC 12345" closing a run of words: a number right after the phrase is its value
    # (but "Unit 1 was traveling" is a sentence).
    if any(ch.isdigit() for ch in following.text):
        if nxt + 1 == len(line):
            return True
        after = line[nxt + 1]
        return after._.layout_box[0] - following._.layout_box[2] > wide
    return False


def _gap_after(span: Span, line: Sequence[Token], last: int) -> float:
    """White space right of the span on its line (infinite at the line's end)."""
    if last + 1 >= len(line):
        return math.inf
    return line[last + 1]._.layout_box[0] - span[-1]._.layout_box[2]


# What OCR makes of dust, ruling-line ends and box corners beside a label.
_SPECK_CHARS = frozenset(".,:;-'`\u2013\u2014\u2018\u2019\u00b0\u00b7~")


def is_punctuation_speck(text: str) -> bool:
    """A word of one or two punctuation marks only (".", "-", "—", "'", "°", ":"): on a scan,
    dust or a box edge, never a field value."""
    return 0 < len(text) <= 2 and all(ch in _SPECK_CHARS for ch in text)


@Language.factory(
    LABEL_RULER,
    default_config={"vocabularies": [], "mapping": LABELS_KEY, "spans_key": LABELS_KEY},
)
def make_label_ruler(
    nlp: Language, name: str, vocabularies: list[str], mapping: str, spans_key: str
) -> LabelRuler:
    return LabelRuler(nlp, name, vocabularies, mapping, spans_key)


# ---------------------------------------------------------------------------------------------
# Building the doc


@cache
def make_nlp(vocabularies: tuple[str, ...] | None = None) -> Language:
    """A blank English pipeline with our label rulers, built once per process and vocabulary set.

    `vocabularies` are file stems under `extractors/vocab/` (None: all of them). One ruler marks
    field labels in `doc.spans["labels"]`, a second section headings in `doc.spans["sections"]`
    (a heading such as "INSURED" may also be a label; the extractor decides which it is).
    """
    nlp = spacy.blank("en")
    names = list(vocabularies) if vocabularies is not None else vocabulary_names()
    for mapping in (LABELS_KEY, SECTIONS_KEY):
        nlp.add_pipe(
            LABEL_RULER,
            name=f"{LABEL_RULER}_{mapping}",
            config={"vocabularies": names, "mapping": mapping, "spans_key": mapping},
        )
    return nlp


def build_word_doc(pages: Iterable[PageWords], vocabularies: tuple[str, ...] | None = None) -> Doc:
    """One Doc over the pages' words (one token per word, never re-tokenised), rules applied.

    OCR specks (punctuation-only words far smaller than the text: ruling lines read as ";")
    are left out; every other word becomes exactly one token.
    """
    nlp = make_nlp(vocabularies)
    texts: list[str] = []
    pages_of: list[int] = []
    boxes: list[BBox] = []
    layout_boxes: list[BBox] = []
    confidences: list[float] = []
    from_ocr: list[bool] = []
    page_sizes: dict[int, tuple[float, float]] = {}
    for page in pages:
        page_sizes[page.page_number] = (page.width, page.height)
        words = [w for w in page.words if re.sub(r"\s+", "", w.text)]
        if page.source is WordSource.OCR:
            words = _without_specks(words)
        straightened = deskewed_boxes(page, words)
        for word, layout_box in zip(words, straightened, strict=True):
            texts.append(re.sub(r"\s+", "", word.text))
            pages_of.append(page.page_number)
            boxes.append(word.bbox)
            layout_boxes.append(layout_box)
            confidences.append(word.confidence)
            from_ocr.append(page.source is WordSource.OCR)
    doc = Doc(nlp.vocab, words=texts, spaces=[True] * len(texts)) if texts else nlp.make_doc("")
    doc._.page_sizes = page_sizes
    lines: dict[tuple[int, int], list[int]] = {}
    for page_number in page_sizes:
        indices = [i for i, page_no in enumerate(pages_of) if page_no == page_number]
        for line_no, members in enumerate(geometry.group_lines([layout_boxes[i] for i in indices])):
            lines[(page_number, line_no)] = [indices[m] for m in members]
    for key, members in lines.items():
        for i in members:
            doc[i]._.line_key = key
    doc._.lines = lines
    doc._.line_order = sorted(lines)
    for token, page_no, box, layout_box, confidence, ocr in zip(
        doc, pages_of, boxes, layout_boxes, confidences, from_ocr, strict=True
    ):
        token._.from_ocr = ocr
        token._.page = page_no
        token._.bbox = tuple(box)
        token._.layout_box = layout_box
        token._.ocr_conf = confidence
        token.norm_ = norm_word(token.text)
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


def _without_specks(words: list[Word]) -> list[Word]:
    heights = sorted(geometry.height(w.bbox) for w in words if any(c.isalnum() for c in w.text))
    if not heights:
        return words
    typical = heights[len(heights) // 2]
    # Ruling lines and box edges come back as flat "words" ("i", ";") a fraction of text height.
    return [
        w
        for w in words
        if _is_short_dash(w, typical)
        or (
            geometry.height(w.bbox) >= 0.3 * typical
            and (any(c.isalnum() for c in w.text) or geometry.height(w.bbox) >= 0.4 * typical)
        )
    ]


def _is_short_dash(word: Word, typical_height: float) -> bool:
    """A printed hyphen or dash ("PATROL - TROOP A") is flat too, but no longer than a letter
    pair; ruling-line fragments are longer."""
    return (
        word.text in {"-", "\u2013", "\u2014"} and geometry.width(word.bbox) <= 1.5 * typical_height
    )


def page_skew(words: Sequence[Word]) -> float:
    """The page's text slope (dy/dx) from OCR lines: the median over lines of several words.

    OCR boxes are in the page's own (skewed) coordinates; Tesseract's line ids still say
    which words it read as one line, so each such line shows the slope.
    """
    by_line: dict[tuple[int, int], list[Word]] = {}
    for word in words:
        by_line.setdefault((word.block_id, word.line_id), []).append(word)
    slopes: list[float] = []
    for members in by_line.values():
        if len(members) < 2:
            continue
        xs = [geometry.x_center(w.bbox) for w in members]
        ys = [geometry.y_center(w.bbox) for w in members]
        span = max(xs) - min(xs)
        if span < 60:
            continue
        mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
        var = sum((x - mean_x) ** 2 for x in xs)
        slopes.append(sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / var)
    if len(slopes) < 3:
        return 0.0
    return median(slopes)


def deskewed_boxes(page: PageWords, words: Sequence[Word]) -> list[BBox]:
    """Word boxes turned about the page centre so that text lines run level (OCR pages)."""
    slope = page_skew(words) if page.source is WordSource.OCR else 0.0
    if abs(slope) < 0.0015:  # under ~0.1 degree: nothing to straighten
        return [tuple(w.bbox) for w in words]
    angle = math.atan(slope)
    cos, sin = math.cos(angle), math.sin(angle)
    centre_x, centre_y = page.width / 2, page.height / 2
    straightened: list[BBox] = []
    for word in words:
        dx = geometry.x_center(word.bbox) - centre_x
        dy = geometry.y_center(word.bbox) - centre_y
        x = centre_x + dx * cos + dy * sin
        y = centre_y - dx * sin + dy * cos
        half_w, half_h = geometry.width(word.bbox) / 2, geometry.height(word.bbox) / 2
        straightened.append((x - half_w, y - half_h, x + half_w, y + half_h))
    return straightened


def labels(doc: Doc, key: str = LABELS_KEY) -> list[Span]:
    """Label spans in document order."""
    return list(doc.spans[key]) if key in doc.spans else []


# ---------------------------------------------------------------------------------------------
# Labels OCR garbled by a letter ("Emai" for "Email")

_FUZZY_MIN_LETTERS = 4  # shorter words ("of", "no", "zip") would match too much at one edit


@cache
def _fuzzy_matcher(vocabulary: str, label_keys: frozenset[str]) -> tuple[Matcher, dict[int, str]]:
    """Token patterns for the phrases of `label_keys`, each word of >= 4 letters allowed one
    edit (spaCy FUZZY1: a lost, extra or misread letter); shorter words must match exactly."""
    nlp = make_nlp((vocabulary,))
    matcher = Matcher(nlp.vocab)
    rule_ids: dict[int, str] = {}
    for label, phrases in load_vocabulary(vocabulary).items():
        if label not in label_keys:
            continue
        for phrase in phrases:
            pattern = []
            for word in phrase.split():
                norm = norm_word(word)
                if sum(ch.isalpha() for ch in norm) >= _FUZZY_MIN_LETTERS:
                    pattern.append({"NORM": {"FUZZY1": norm}})
                else:
                    pattern.append({"NORM": norm})
            rule_id = f"{label}/{phrase}~"
            rule_ids[nlp.vocab.strings.add(rule_id)] = label
            matcher.add(rule_id, [pattern])
    return matcher, rule_ids


def fuzzy_labels(
    doc: Doc, vocabulary: str, label_keys: Iterable[str], taken: set[int]
) -> list[Span]:
    """Printed labels of `label_keys` read one letter off by OCR, outside the `taken` tokens.

    Only for values whose grammar confirms them (an e-mail address): the caller must check.
    Rule ids end in "~" ("generic:email/email~") so a value says it came from a fuzzy label.
    """
    matcher, rule_ids = _fuzzy_matcher(vocabulary, frozenset(label_keys))
    found: list[Span] = []
    for key, start, end in matcher(doc):
        if any(i in taken for i in range(start, end)):
            continue
        span = Span(doc, start, end, label=rule_ids[key], span_id=doc.vocab.strings[key])
        if _looks_like_label(span):
            found.append(span)
    return sorted(filter_spans(found), key=lambda s: s.start)
