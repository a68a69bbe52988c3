"""Loss-run cell semantics shared by the table and the claim-block readers.

Which header column holds which field, what a claim number looks like, and how a printed cell
becomes its normal form (statuses, identifiers without OCR specks, money, dates).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from extractors.confidence import Grammar
from extractors.phrase_vocab import PhraseVocab, load_vocab_file, norm_tokens
from extractors.table import HeaderColumn, looks_like_date, looks_like_money
from extractors.value_grammar import L_READ_FOR_CAPITAL_I
from pipeline.contract import CLAIM_ROW_FIELDS
from pipeline.normal_forms import (
    normalise_date,
    normalise_identifier,
    normalise_money,
    normalise_name,
    normalise_text,
)
from pipeline.page_model import Word

VOCAB = "loss_run"
MONEY_FIELDS = ("paid", "reserve", "incurred")
_CLAIM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-/.]*[0-9][A-Za-z0-9\-/.]*$")


@dataclass(frozen=True)
class _Vocab:
    grand_totals: PhraseVocab
    sub_totals: PhraseVocab
    status: dict[str, str]  # printed letters-only spelling -> normal form
    carrier_words: frozenset[str]
    insurer_words: frozenset[str]
    not_carrier_words: frozenset[str]


@cache
def loss_run_vocab() -> _Vocab:
    data = load_vocab_file(f"{VOCAB}.json")
    status = {
        re.sub(r"[^a-z]", "", spelling.lower()): normal
        for normal, spellings in data["status"].items()
        for spelling in spellings
    }
    return _Vocab(
        grand_totals=PhraseVocab({"grand": data["totals"]["grand"]}),
        sub_totals=PhraseVocab({"sub": data["totals"]["sub"]}),
        status=status,
        carrier_words=frozenset(t for w in data["carrier_words"] for t in norm_tokens(w)),
        insurer_words=frozenset(t for w in data["insurer_words"] for t in norm_tokens(w)),
        not_carrier_words=frozenset(t for w in data["not_carrier_words"] for t in norm_tokens(w)),
    )


_DASHES = frozenset({"-", "\u2013", "\u2014", "_", "~"})
_STATUS_DIGIT_LETTERS = {"0": "o"}
# Only a digit standing alone (or among letters) in the cell: "0.00" is an amount, not a code.
_STATUS_DIGITS = re.compile(r"(?<![\d.,])0(?![\d.,])")


def normalise_status(text: str) -> str | None:
    """open / closed / reopened from "O", "CLSD", "Re-Opened", ...; None if not a status."""
    # A lone one-letter code OCR read as a digit: "0" is the "O" of open.
    text = _STATUS_DIGITS.sub(lambda m: _STATUS_DIGIT_LETTERS[m.group(0)], text)
    letters = re.sub(r"[^a-z]", "", text.lower())
    found = loss_run_vocab().status.get(letters)
    if found is None and 1 < len(letters) <= 2:
        # OCR around a one-letter code ("Cc", "oO", "Ce"): the one code letter it holds.
        codes = {letter for letter in letters if len(letter) == 1 and letter in "ocr"}
        if len(codes) == 1:
            found = loss_run_vocab().status.get(codes.pop())
    return found


# ---------------------------------------------------------------------------------------------
# Columns of one header: which column holds which field


@dataclass(frozen=True)
class ColumnMap:
    """Column index per claim-row field (absent: not printed, or printed ambiguously), and for a
    header of multi-line records the line of the record each field is printed on."""

    index: dict[str, int]
    printed: frozenset[str]  # fields whose kind of column is printed, even if ambiguous
    inferred: frozenset[str] = frozenset()  # fields whose column was found from the data
    level: dict[str, int] = field(default_factory=dict)  # field -> record line (absent: 0)

    @property
    def anchor(self) -> int | None:
        """The column that starts a row: the claim number, else the date of loss."""
        for name in ("claim_number", "date_of_loss"):
            if name in self.index and self.level.get(name, 0) == 0:
                return self.index[name]
        return None


def map_columns(columns: Sequence[HeaderColumn], stacked: bool = False) -> ColumnMap:
    """Fields -> column index. For money: a total column ("Total Paid", or "Paid" alone) wins;
    components (medical / indemnity / expense paid) stand in only when there is exactly one of
    them. Two equally good columns leave the field unmapped rather than guessed. In a header of
    multi-line records (`stacked`) every label names a field of its own line of the record."""
    by_category: dict[str, list[tuple[int, int]]] = {}
    texts: dict[tuple[int, int], str] = {}
    for index, column in enumerate(columns):
        if stacked and column.stacked:
            for label in column.labels:
                if label.category:
                    key = (index, label.level)
                    by_category.setdefault(label.category, []).append(key)
                    texts[key] = label.text
        elif column.category:
            by_category.setdefault(column.category, []).append((index, 0))
            texts[(index, 0)] = column.text
    index: dict[str, int] = {}
    level: dict[str, int] = {}
    printed: set[str] = set()

    def take(name: str, key: tuple[int, int]) -> None:
        index[name], level[name] = key

    for name in CLAIM_ROW_FIELDS:
        if name in MONEY_FIELDS:
            generic = by_category.get(name, [])
            parts = by_category.get(f"{name}_part", [])
            if generic or parts:
                printed.add(name)
            if len(generic) > 1:
                totals = [k for k in generic if "total" in norm_tokens(texts[k])]
                generic = totals if len(totals) == 1 else []
            if len(generic) == 1:
                take(name, generic[0])
            elif not by_category.get(name) and len(parts) == 1:
                take(name, parts[0])
            continue
        found = by_category.get(name, [])
        if found:
            printed.add(name)
            take(name, min(found, key=lambda k: (k[1], k[0])))
    return ColumnMap(index, frozenset(printed), level={k: v for k, v in level.items() if v})


def text_of(words: Iterable[Word]) -> str:
    return " ".join(w.text for w in words)


# Printed around identifiers by OCR (quotes, specks read as dots) but never part of one.
EDGE_JUNK = ".,;:'\"`|*\u201c\u201d\u2018\u2019"
# Symbols OCR reads in place of the capital letter they look like.
_LOOKALIKE_LETTERS = {"\u00a9": "C", "\u00ae": "R", "\u00a2": "C", "\u20ac": "C", "$": "S"}
# An identifier never starts or ends in a dash: one there is OCR reading a speck or a rule.
TRAILING_JUNK = "-\u2013\u2014_"


_SPACED_HYPHEN = re.compile(r"(?<=[A-Za-z0-9])\s*-\s*(?=[A-Za-z0-9])")


def repair_identifier(text: str) -> str:
    """An identifier as printed, undoing what OCR does to them: specks and quotes at the ends,
    a dash at the end, a symbol read for the letter it looks like ("$R133860", "\u20ac725850")
    or doubled onto one ("C\u20ac844629")."""
    text = text.strip(EDGE_JUNK).strip(TRAILING_JUNK).strip(EDGE_JUNK)
    # A hyphen joins the parts of an identifier; a space OCR sets beside it is not printed.
    text = _SPACED_HYPHEN.sub("-", text)
    repaired: list[str] = []
    for index, char in enumerate(text):
        letter = _LOOKALIKE_LETTERS.get(char)
        if letter is None:
            repaired.append(char)
            continue
        following = text[index + 1 : index + 2]
        if char == "$" and not following.isalpha():
            repaired.append(char)  # a real dollar sign; the caller will reject it
        elif repaired and repaired[-1].isalpha():
            continue  # a speck read next to the letter it imitates
        else:
            repaired.append(letter)
    return "".join(repaired)


def is_claim_id(words: Sequence[Word]) -> bool:
    if not words:
        return False
    first = repair_identifier(words[0].text)
    return (
        bool(_CLAIM_ID.match(first)) and not looks_like_date(first) and not looks_like_money(first)
    )


# ---------------------------------------------------------------------------------------------
# Free text read by OCR: scan specks OCR glued onto the words as punctuation

# Printed before a word's first letter only by a speck: "‘Claimant", "_Linda", ".therapy".
_LEADING_SPECKS = "\u2018\u2019'`\u201c\u201d\"_.,:;\u00bb\u00ab~|-\u2014\u2013"
# After a word, mid-sentence (the next word starts in lower case): "while. stocking",
# "dining: area", "from» parked". Commas and semicolons are printed there, so they stay.
_TRAILING_SPECKS = "\u2018\u2019'`\u201c\u201d\"_.:\u00bb\u00ab~|"
# A cell never ends in these; OCR reads a speck after the last word as one.
_CELL_END_SPECKS = ":;,_~|\u00bb\u00ab\u2018\u2019'`"
# A lone mark at either end of a cell: a rule or speck, not text.
_LONE_MARKS = frozenset("-_~|.,:;\u2014\u2013\u2018\u2019'`\u00bb\u00ab")
# Two words OCR joined by a speck: "at:customer", "on.uneven".
_JOINED_BY_SPECK = re.compile(r"(?<=[a-z]{2})[.:](?=[a-z]{2})")
# Given and family name OCR ran together: "NadiaAshdown" (not "McDonald", "MacArthur").
_RUN_TOGETHER_NAME = re.compile(r"\b([A-Z][a-z]{3,})([A-Z][a-z]{2,})\b")


def clean_ocr_text(text: str, name: bool = False) -> str:
    """Free text or a name as OCR read it, without the specks it read as punctuation.

    Only marks no printed text puts there are dropped: before a word's first letter, after a
    word inside a sentence (the next word in lower case), alone at the cell's ends, or joining
    two lower-case words. Hyphens inside words stay ("Rear-ended", "Vasquez-Reyes")."""
    tokens = _JOINED_BY_SPECK.sub(" ", text).split()
    while tokens and set(tokens[0]) <= _LONE_MARKS:
        tokens.pop(0)
    while tokens and set(tokens[-1]) <= _LONE_MARKS:
        tokens.pop()
    cleaned: list[str] = []
    for index, token in enumerate(tokens):
        stripped = token.lstrip(_LEADING_SPECKS)
        if stripped[:1].isalpha():
            token = stripped
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if following[:1].islower() and token.rstrip(_TRAILING_SPECKS)[-1:].isalpha():
            token = token.rstrip(_TRAILING_SPECKS)
        cleaned.append(token)
    result = " ".join(cleaned).rstrip(_CELL_END_SPECKS)
    if name:
        # A name's last word ends in no period unless it is short ("Jr.", "Inc.").
        words = result.split()
        words = [w.rstrip("\u2019'`") for w in words]
        if words and len(words[-1]) > 4 and words[-1].endswith("."):
            words[-1] = words[-1].rstrip(".")
        words = [
            w.rstrip(".") if len(w) > 4 and i < len(words) - 1 else w for i, w in enumerate(words)
        ]
        # A capital I read as l ("lsabel"): no name starts with l before a consonant.
        words = ["I" + w[1:] if L_READ_FOR_CAPITAL_I.match(w) else w for w in words]
        result = _RUN_TOGETHER_NAME.sub(r"\1 \2", " ".join(words))
    return result


def cell_value(name: str, words: Sequence[Word], ocr: bool = False) -> tuple[str | None, Grammar]:
    """A cell's normal form and how well it fits its grammar. `ocr`: words read by OCR, whose
    free text loses the specks OCR read as punctuation."""
    text = text_of(words)
    kind = CLAIM_ROW_FIELDS[name]
    if name == "status":
        return normalise_status(text), Grammar.VALID
    if kind.value == "money":
        if ocr and len(words) > 1 and words[0].text in _DASHES:
            # A dash OCR read apart from the amount is a speck or a rule: a minus sign is
            # printed against its number ("-570.00") or as parentheses.
            text = text_of(words[1:])
        return normalise_money(text.replace(" ", "")), Grammar.VALID
    if kind.value == "date":
        return normalise_date(text), Grammar.VALID
    if kind.value == "identifier":
        printed = text_of(identifier_words(words))
        text = repair_identifier(printed)
        value = normalise_identifier(text)
        clean = text == printed.strip()
        grammar = Grammar.VALID if value and clean and re.search(r"\d", value) else Grammar.DOUBTFUL
        return value, grammar
    if kind.value == "name":
        return normalise_name(clean_ocr_text(text, name=True) if ocr else text), Grammar.NONE
    return normalise_text(clean_ocr_text(text) if ocr else text), Grammar.NONE


def identifier_words(words: Sequence[Word]) -> list[Word]:
    """An identifier's words without trailing specks or stray letters ("20270 J", OCR noise):
    every word after the last one holding a digit is dropped ("BOP 8507 7622" stays whole)."""
    last = max((i for i, w in enumerate(words) if any(c.isdigit() for c in w.text)), default=-1)
    return list(words[: last + 1]) if last >= 0 else list(words)
