"""Value grammars: find a field's value among the tokens printed next to its label.

Each finder takes the candidate tokens (in reading order) and returns the value in its normal
form, the tokens it was read from (for page and box) and whether the grammar held cleanly, or
None. Finders look for the value inside the candidate ("03/14/2026 2:30 PM" holds a date and a
time), so one cell read serves several fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from extractors.confidence import Grammar
from pipeline.contract import FieldKind
from pipeline.normal_forms import (
    normalise_date,
    normalise_email,
    normalise_identifier,
    normalise_money,
    normalise_name,
    normalise_phone,
    normalise_state,
    normalise_text,
    normalise_time,
)
from validators.vin import has_vin_shape, is_valid_vin

# OCR reads a capital I as a lower-case l; at the start of a word before a consonant ("lronbark
# General Insurance", "lsabel") no word of a capitalised name begins so.
L_READ_FOR_CAPITAL_I = re.compile(r"^l(?=[bcdfghjkmnpqrstvwxz][a-z])")

if TYPE_CHECKING:
    from spacy.tokens import Token


@dataclass(frozen=True)
class Found:
    """A value read from `tokens`, in its normal form."""

    value: str
    tokens: tuple[Token, ...]
    grammar: Grammar


Finder = Callable[[Sequence["Token"]], Found | None]

# What people write in a box that has no value.
BLANK_MARKERS = frozenset(
    {"n/a", "na", "none", "unknown", "unk", "-", "--", "---", "\u2014", "\u2013", "nil",
     "not applicable", "not available", "tbd", "_", "__", "___", "n.a.", "none reported"}
)  # fmt: skip

_LEADING_JUNK = frozenset({":", "-", "#", "|", "\u2013", "\u2014", "=", "."})


def strip_leading_junk(tokens: Sequence[Token]) -> list[Token]:
    """Drop separators printed between a label and its value ("Policy No. : PA-1", "# 123")."""
    kept = list(tokens)
    while kept and kept[0].text in _LEADING_JUNK:
        kept.pop(0)
    return kept


_MEANINGFUL_PUNCTUATION = frozenset("&-/#@$(),.:;'\"%+*")


def without_ocr_litter(tokens: Sequence[Token]) -> list[Token]:
    """Drop OCR tokens that are only stray symbols ("©", "~", "»"): box edges and specks."""
    return [
        t
        for t in tokens
        if not t._.from_ocr
        or any(ch.isalnum() for ch in t.text)
        or all(ch in _MEANINGFUL_PUNCTUATION for ch in t.text)
    ]


def is_blank(tokens: Sequence[Token]) -> bool:
    text = " ".join(token.text for token in tokens).strip().lower()
    return not text or text in BLANK_MARKERS or re.fullmatch(r"[_\-.\s]+", text) is not None


def _windows(tokens: Sequence[Token], max_len: int) -> Iterator[tuple[Token, ...]]:
    """Runs of up to `max_len` consecutive tokens, leftmost first, longest first."""
    for start in range(len(tokens)):
        for length in range(min(max_len, len(tokens) - start), 0, -1):
            yield tuple(tokens[start : start + length])


def _text(tokens: Sequence[Token]) -> str:
    return " ".join(token.text for token in tokens)


# ---------------------------------------------------------------------------------------------
# Typed values

_OCR_DIGIT_LOOKALIKE = re.compile(r"[OoQDlIi|SBZ]")
_MONTH_WORD = re.compile(r"[a-z]{3,9}", re.IGNORECASE)


def find_date(tokens: Sequence[Token], two_digit_year_pivot: int = 50) -> Found | None:
    for window in _windows(tokens, 4):
        text = _text(window)
        if not re.search(r"\d", text):
            continue
        value = normalise_date(text, two_digit_year_pivot=two_digit_year_pivot)
        if value:
            repaired = _OCR_DIGIT_LOOKALIKE.search(_MONTH_WORD.sub("", text)) is not None
            return Found(value, window, Grammar.DOUBTFUL if repaired else Grammar.VALID)
    return None


def find_birth_date(tokens: Sequence[Token]) -> Found | None:
    # A two-digit birth year is 19xx unless that would make a driver over ~95.
    return find_date(tokens, two_digit_year_pivot=30)


_CLOCK_HINT = re.compile(r"[:.]\d{2}|[ap]\.?m\.?|hrs?\b|hours", re.IGNORECASE)


def find_time(tokens: Sequence[Token]) -> Found | None:
    for window in _windows(tokens, 3):
        text = _text(window)
        if not re.search(r"\d", text) or re.search(r"\d[/\-]\d", text):
            continue  # dates are not times
        # A bare four-digit number is a time ("1430") only when it is all the cell holds.
        if not _CLOCK_HINT.search(text) and len(window) != len(tokens):
            continue
        value = normalise_time(text)
        if value:
            return Found(value, window, Grammar.VALID)
    return None


def find_money(tokens: Sequence[Token]) -> Found | None:
    for window in _windows(tokens, 3):
        text = _text(window)
        if not re.search(r"\d", text):
            continue
        value = normalise_money(text)
        if value:
            return Found(value, window, Grammar.VALID)
    return None


def find_phone(tokens: Sequence[Token]) -> Found | None:
    best: Found | None = None
    for window in _windows(tokens, 4):
        text = _text(window)
        if sum(ch.isdigit() for ch in text) < 7:
            continue
        value = normalise_phone(text)
        if value and (best is None or len(value) > len(best.value)):
            grammar = Grammar.VALID if len(value) >= 10 else Grammar.DOUBTFUL
            best = Found(value, window, grammar)
            if len(value) >= 10:
                return best
    return best


def find_email(tokens: Sequence[Token]) -> Found | None:
    for window in _windows(tokens, 3):
        text = "".join(token.text for token in window)
        if "@" not in text:
            continue
        value = normalise_email(text)
        if value:
            return Found(value, window, Grammar.VALID)
    return None


_VIN_REPAIR = str.maketrans({"I": "1", "O": "0", "Q": "0"})


def find_vin(tokens: Sequence[Token]) -> Found | None:
    """A 17-character VIN; its check digit decides between a clean and a doubtful read."""
    doubtful: Found | None = None
    for window in _windows(tokens, 3):
        joined = re.sub(r"[\s\-]", "", "".join(token.text for token in window)).upper()
        joined = joined.strip(".,;:()")
        if len(joined) != 17:
            continue
        repaired = joined.translate(_VIN_REPAIR)
        if is_valid_vin(repaired):
            return Found(repaired, window, Grammar.VALID)
        if has_vin_shape(repaired) and doubtful is None:
            single = _one_confusion_away(repaired)
            doubtful = Found(single or repaired, window, Grammar.DOUBTFUL)
    return doubtful


# Characters OCR mistakes for each other; a VIN one such slip away from a valid check digit is
# almost surely that VIN (a random slip passes the check one time in eleven).
# Tried in tiers, the commonest slips first (a letter read for the digit it resembles).
_CONFUSION_TIERS: tuple[dict[str, str], ...] = (
    {"L": "1", "S": "5", "B": "8", "Z": "2", "G": "6", "D": "0", "T": "7", "A": "4"},
    {"1": "L", "5": "S", "8": "B", "2": "Z", "6": "G", "0": "D", "U": "V", "V": "U", "7": "T"},
)


def _one_confusion_away(vin: str) -> str | None:
    """The valid VIN one OCR slip away from `vin`, if exactly one slip of a tier gives one."""
    for confusions in _CONFUSION_TIERS:
        valid = {
            vin[:i] + confusions[ch] + vin[i + 1 :]
            for i, ch in enumerate(vin)
            if ch in confusions and is_valid_vin(vin[:i] + confusions[ch] + vin[i + 1 :])
        }
        if len(valid) == 1:
            return valid.pop()
        if valid:
            return None  # several slips fit: do not pick one
    return None


_DIGIT_REPAIR = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"})


def find_naic(tokens: Sequence[Token]) -> Found | None:
    for token in tokens:
        text = re.sub(r"^(?:naic)?[#:.\s]*", "", token.text, flags=re.IGNORECASE).strip(".,;:()")
        if re.fullmatch(r"\d{5}", text):
            return Found(text, (token,), Grammar.VALID)
        repaired = text.translate(_DIGIT_REPAIR)
        if re.fullmatch(r"\d{5}", repaired) and re.search(r"\d", text):
            return Found(repaired, (token,), Grammar.DOUBTFUL)
    return None


def find_year(tokens: Sequence[Token]) -> Found | None:
    for token in tokens:
        text = token.text.strip(".,;:()")
        if re.fullmatch(r"(?:19|20)\d{2}", text):
            return Found(text, (token,), Grammar.VALID)
    return None


def find_state(tokens: Sequence[Token]) -> Found | None:
    for window in _windows(tokens, 3):
        text = _text(window).strip("()")
        if len(window) == 1 and len(text) == 2 and not text.isupper():
            continue  # "in", "or", "me" in running text are not states
        value = normalise_state(text)
        if value:
            return Found(value, window, Grammar.VALID)
    return None


# ---------------------------------------------------------------------------------------------
# Identifiers, names and free text

_TRAILING_STATE = re.compile(r"\s*\(\s*[A-Za-z]{2}\s*\)\s*$")


_CAPTION_TAILS = frozenset({"number", "no", "num", "nbr", "nr"})


def find_identifier(tokens: Sequence[Token]) -> Found | None:
    """The printed identifier: the first run of tokens, at least one digit, no sentence words."""
    tokens = strip_leading_junk(without_ocr_litter(tokens))
    # The end of a caption OCR set apart from it ("POLICE REPORT  NUMBER 2024-059523").
    while len(tokens) > 1 and tokens[0].text.lower().strip(".:#") in _CAPTION_TAILS:
        tokens = strip_leading_junk(tokens[1:])
    if not tokens or is_blank(tokens):
        return None
    kept: list[Token] = []
    for token in tokens:
        # An identifier with inner spaces is short; a word run after it is something else.
        if kept and (len(kept) >= 3 or re.fullmatch(r"[A-Za-z]{4,}", token.text)):
            break
        if kept and token.text.startswith("("):
            break  # "ABC123 (IL)": the state is not part of the plate
        kept.append(token)
    text = _TRAILING_STATE.sub("", _glue_hyphens(kept)).rstrip("-.,;:_")
    value = normalise_identifier(text)
    if not value or not re.search(r"\d", value) or len(value) > 40:
        return None
    clean = re.fullmatch(r"[A-Z0-9][A-Z0-9\-/. ]*", value) is not None
    return Found(value, tuple(kept), Grammar.VALID if clean else Grammar.DOUBTFUL)


def _glue_hyphens(tokens: Sequence[Token]) -> str:
    """Join tokens with spaces, except around a hyphen: OCR splits "29-AUT -626997"."""
    text = ""
    for token in tokens:
        if text and not text.endswith("-") and not token.text.startswith("-"):
            text += " "
        text += token.text
    return text


def _strip_trailing_junk(tokens: Sequence[Token]) -> list[Token]:
    kept = list(tokens)
    while kept and kept[-1].text in _LEADING_JUNK:
        kept.pop()
    return kept


# OCR reads the street suffix "Pl" (Place) as "PI"; no address uses "PI" as a word.
_OCR_WORD_FIXES = {"PI": "Pl", "PI,": "Pl,", "PI.": "Pl."}


def _ocr_word(text: str) -> str:
    text = _OCR_WORD_FIXES.get(text, text)
    # Tesseract reads a comma after a word as a semicolon more often than a form prints one.
    return text[:-1] + "," if text.endswith(";") and len(text) > 1 else text


def ocr_text(tokens: Sequence[Token]) -> str:
    return " ".join(_ocr_word(t.text) if t._.from_ocr else t.text for t in tokens)


def find_name(tokens: Sequence[Token]) -> Found | None:
    tokens = _strip_trailing_junk(strip_leading_junk(without_ocr_litter(tokens)))
    if not tokens or is_blank(tokens):
        return None
    text = _text(tokens)
    if tokens[-1]._.from_ocr:
        text = text.rstrip("-_")  # a cell border glued to the last word: "LLC-"
    if tokens[0]._.from_ocr:
        text = text.lstrip(
            "\u2018\u2019\u201c\u201d`'\","
        )  # a speck read as a quote: "‘Volkswagen"
    value = normalise_name(text)
    if not value or not re.search(r"[A-Za-z]", value):
        return None
    return Found(value, tuple(tokens), Grammar.NONE)


def find_text(tokens: Sequence[Token]) -> Found | None:
    tokens = _strip_trailing_junk(strip_leading_junk(without_ocr_litter(tokens)))
    if not tokens or is_blank(tokens):
        return None
    value = normalise_text(ocr_text(tokens))
    if not value or not re.search(r"[A-Za-z0-9]", value):
        return None
    return Found(value, tuple(tokens), Grammar.NONE)


def find_integer(tokens: Sequence[Token]) -> Found | None:
    for token in tokens:
        text = token.text.strip(".,;:()#").replace(",", "")
        if re.fullmatch(r"\d+", text):
            return Found(str(int(text)), (token,), Grammar.VALID)
    return None


FINDER_BY_KIND: dict[FieldKind, Finder] = {
    FieldKind.DATE: find_date,
    FieldKind.TIME: find_time,
    FieldKind.MONEY: find_money,
    FieldKind.PHONE: find_phone,
    FieldKind.IDENTIFIER: find_identifier,
    FieldKind.NAME: find_name,
    FieldKind.TEXT: find_text,
    FieldKind.LONG_TEXT: find_text,
    FieldKind.INTEGER: find_integer,
    FieldKind.EMAIL: find_email,
    FieldKind.STATE: find_state,
}
