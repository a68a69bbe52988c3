"""Checkbox groups: which of several printed options carries a mark.

A mark is the token just left of an option's label (or a glyph glued to its front): a digital
glyph (☒ ✓ ■) or what OCR makes of an X or a filled square ("X", "[X]", "|X|", "Bd"). A group
is two or more options of different kinds printed on one line or on neighbouring lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from spacy.tokens import Span, Token

from extractors import geometry
from extractors.confidence import RuleStrength
from extractors.word_doc import load_vocabulary_file

MARKS_VOCABULARY = "checkbox_marks"


class Mark(StrEnum):
    CHECKED = "checked"
    UNCHECKED = "unchecked"
    SMUDGE = "smudge"  # a short token that is neither: often a mark OCR could not name
    NONE = "none"  # nothing printed before the option


@dataclass(frozen=True)
class KindChoice:
    kind: str
    tokens: tuple[Token, ...]
    strength: RuleStrength | float
    rule: str
    # Tokens whose OCR confidence counts: the option's words, not the mark (OCR is never sure
    # what a filled box "says", only that something is there).
    read_tokens: tuple[Token, ...] = ()


@cache
def _marks() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    vocab = load_vocabulary_file(MARKS_VOCABULARY)
    unchecked = frozenset(vocab.get("unchecked", ()))
    checked = frozenset(vocab.get("checked", ())) - unchecked
    glyphs = frozenset(vocab.get("checked_glyphs", ()))
    return checked | glyphs, unchecked, glyphs


# An empty box read as brackets around nothing or an underscore: "(_]", "[_]", "C]", "[]".
_EMPTY_BOX = re.compile(r"[\[\(|{CL]?[_\s]*[\]\)|}J]")
# A box with something inside: "[m]", "[X]", "(#)", "|x|": a mark OCR could not name.
_FILLED_BOX = re.compile(r"[\[\(|{][^\s_\[\]\(\)|{}][\]\)|}]")


def classify_mark(text: str) -> Mark:
    checked, unchecked, _ = _marks()
    text = text.strip()
    if not text:
        return Mark.NONE
    if text in checked or _FILLED_BOX.fullmatch(text):
        return Mark.CHECKED
    if text in unchecked or _EMPTY_BOX.fullmatch(text):
        return Mark.UNCHECKED
    if len(text) <= 3 and not text.isalpha() or len(text) <= 2:
        return Mark.SMUDGE
    return Mark.NONE


def mark_before(option: Span) -> tuple[Mark, Token | None]:
    """The mark printed before an option label, and the token that carries it."""
    first = option[0]
    _, _, glyphs = _marks()
    if len(first.text) > 1 and first.text[0] in glyphs and first.text[1:2].isalpha():
        return Mark.CHECKED, first
    if len(first.text) > 1 and first.text[0] in "([{|" and first.text[1:2].isalpha():
        return Mark.UNCHECKED, first  # an empty box's edge glued to the word: "(GENERAL"
    line = geometry.line_of(first)
    position = next(i for i, token in enumerate(line) if token.i == first.i)
    if position == 0:
        return Mark.NONE, None
    previous = line[position - 1]
    gap = first._.layout_box[0] - previous._.layout_box[2]
    if gap > 2.5 * geometry.height(first._.layout_box):
        return Mark.NONE, None
    return classify_mark(previous.text), previous


def option_groups(options: Sequence[Span]) -> list[list[Span]]:
    """Options printed together: same page, on one line or neighbouring lines."""
    groups: list[list[Span]] = []
    for option in sorted(
        options, key=lambda s: (s[0]._.page, s[0]._.layout_box[1], s[0]._.layout_box[0])
    ):
        box = geometry.span_box(option)
        for group in groups:
            last = group[-1]
            last_box = geometry.span_box(last)
            close = abs(geometry.y_center(box) - geometry.y_center(last_box)) <= 1.6 * max(
                geometry.height(box), geometry.height(last_box)
            )
            if last[0]._.page == option[0]._.page and close:
                group.append(option)
                break
        else:
            groups.append([option])
    return [group for group in groups if len({span.label_ for span in group}) >= 2]


def choose_marked_kind(options: Sequence[Span]) -> KindChoice | None:
    """The one kind whose option is marked in a checkbox group, or None if unclear."""
    for group in option_groups(options):
        marks: dict[str, list[tuple[Mark, Span, Token | None]]] = {}
        for option in group:
            mark, token = mark_before(option)
            marks.setdefault(option.label_, []).append((mark, option, token))
        checked = _kinds_with(marks, Mark.CHECKED)
        if len(checked) == 1:
            return _choice(checked[0], marks, Mark.CHECKED, RuleStrength.CHECKBOX)
        if not checked:
            smudged = _kinds_with(marks, Mark.SMUDGE)
            others_empty = all(
                any(m is Mark.UNCHECKED for m, _, _ in found)
                for kind, found in marks.items()
                if kind not in smudged
            )
            if len(smudged) == 1 and others_empty:
                return _choice(smudged[0], marks, Mark.SMUDGE, RuleStrength.LABEL_LOOSE)
    return None


def _kinds_with(marks: dict[str, list[tuple[Mark, Span, Token | None]]], wanted: Mark) -> list[str]:
    return [kind for kind, found in marks.items() if any(m is wanted for m, _, _ in found)]


def _choice(
    kind: str,
    marks: dict[str, list[tuple[Mark, Span, Token | None]]],
    wanted: Mark,
    strength: RuleStrength,
) -> KindChoice:
    mark, option, token = next(item for item in marks[kind] if item[0] is wanted)
    tokens = ((token,) if token is not None and token.i != option[0].i else ()) + tuple(option)
    return KindChoice(kind, tokens, strength, f"form_kind/checkbox:{mark.value}", tuple(option))
