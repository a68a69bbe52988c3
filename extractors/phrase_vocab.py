"""Phrase vocabularies as data: normalised tokens and longest-match lookup of labelled phrases.

Printed labels vary in punctuation and spacing ("Claim #", "Claim#:", "CLAIM NO."), so both the
vocabulary and the page text are reduced to the same token form before they are compared.
Shared by the page classifier and the loss-run table reader.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

VOCAB_DIR = Path(__file__).parent / "vocab"

# A token is a run of letters/digits (with inner apostrophes) or one of the symbols that carry
# meaning in labels ("#" in "Claim #", "&" in "Pol State & Inc Yr", "$" in money columns).
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[#&$%]")


def norm_tokens(text: str) -> list[str]:
    """Lower-case tokens with punctuation split off: "Claim#:" -> ["claim", "#"]."""
    return _TOKEN.findall(text.lower().replace("\u2019", "'"))


@dataclass(frozen=True)
class PhraseMatch:
    """`length` tokens starting at `start` matched `phrase` of `label` (None: no phrase did)."""

    label: str | None
    phrase: str
    start: int
    length: int

    @property
    def end(self) -> int:
        return self.start + self.length


class PhraseVocab:
    """label -> phrases; finds phrases in token sequences, preferring the longest match."""

    def __init__(self, phrases_by_label: dict[str, Iterable[str]]) -> None:
        self._label_of: dict[tuple[str, ...], tuple[str, str]] = {}
        for label, phrases in phrases_by_label.items():
            for phrase in phrases:
                key = tuple(norm_tokens(phrase))
                # First label listed wins a phrase printed under two labels.
                if key and key not in self._label_of:
                    self._label_of[key] = (label, phrase)
        self.max_len = max((len(key) for key in self._label_of), default=0)
        self._first_tokens = {key[0] for key in self._label_of}

    def __contains__(self, tokens: object) -> bool:
        return isinstance(tokens, tuple) and tokens in self._label_of

    def lookup(self, tokens: Sequence[str]) -> tuple[str, str] | None:
        """(label, phrase) for exactly these tokens, else None."""
        return self._label_of.get(tuple(tokens))

    def find_all(self, tokens: Sequence[str]) -> list[PhraseMatch]:
        """Every match at every start (overlaps allowed): for presence tests."""
        found: list[PhraseMatch] = []
        for start in range(len(tokens)):
            if tokens[start] not in self._first_tokens:
                continue  # no phrase starts with this token
            for length in range(min(self.max_len, len(tokens) - start), 0, -1):
                hit = self._label_of.get(tuple(tokens[start : start + length]))
                if hit:
                    found.append(PhraseMatch(hit[0], hit[1], start, length))
        return found

    def segment(self, tokens: Sequence[str]) -> list[PhraseMatch]:
        """Cover `tokens` left to right with the fewest, longest phrases.

        Returns one entry per segment; a token no phrase covers is its own segment with label
        None. Dynamic
        programming over start positions, so "date of injury expense" splits into "date of
        injury" + "expense" rather than stopping at a greedy dead end.
        """
        n = len(tokens)
        # best[i] = (unmatched tokens, segments) for tokens[i:]; fewer unmatched first.
        best: list[tuple[int, int, list[PhraseMatch]]] = [(0, 0, [])] * (n + 1)
        for start in range(n - 1, -1, -1):
            skip = best[start + 1]
            unmatched = PhraseMatch(None, tokens[start], start, 1)
            choice = (skip[0] + 1, skip[1] + 1, [unmatched, *skip[2]])
            for length in range(1, min(self.max_len, n - start) + 1):
                hit = self._label_of.get(tuple(tokens[start : start + length]))
                if not hit:
                    continue
                rest = best[start + length]
                candidate = (
                    rest[0],
                    rest[1] + 1,
                    [PhraseMatch(hit[0], hit[1], start, length), *rest[2]],
                )
                if candidate[:2] < choice[:2]:
                    choice = candidate
            best[start] = choice
        return best[0][2]


@cache
def load_vocab_file(name: str) -> dict:
    """A JSON vocabulary under `extractors/vocab/` (parsed once per process)."""
    with (VOCAB_DIR / name).open(encoding="utf-8") as handle:
        return json.load(handle)
