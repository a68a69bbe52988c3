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
# An identifier never ends in a dash: one there is OCR reading a speck or a rule.
TRAILING_JUNK = "-\u2013\u2014_"


_SPACED_HYPHEN = re.compile(r"(?<=[A-Za-z0-9])\s*-\s*(?=[A-Za-z0-9])")


def repair_identifier(text: str) -> str:
    """An identifier as printed, undoing what OCR does to them: specks and quotes at the ends,
    a dash at the end, a symbol read for the letter it looks like ("$R133860", "\u20ac725850")
    or doubled onto one ("C\u20ac844629")."""
    text = text.strip(EDGE_JUNK).rstrip(TRAILING_JUNK)
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


def cell_value(name: str, words: Sequence[Word]) -> tuple[str | None, Grammar]:
    text = text_of(words)
    kind = CLAIM_ROW_FIELDS[name]
    if name == "status":
        return normalise_status(text), Grammar.VALID
    if kind.value == "money":
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
        return normalise_name(text), Grammar.NONE
    return normalise_text(text), Grammar.NONE


def identifier_words(words: Sequence[Word]) -> list[Word]:
    """An identifier's words without trailing specks or stray letters ("20270 J", OCR noise):
    every word after the last one holding a digit is dropped ("BOP 8507 7622" stays whole)."""
    last = max((i for i, w in enumerate(words) if any(c.isdigit() for c in w.text)), default=-1)
    return list(words[: last + 1]) if last >= 0 else list(words)
