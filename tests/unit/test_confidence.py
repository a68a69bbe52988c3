"""Confidence fusion: in [0, 1] and monotone in each piece of evidence (so it can be calibrated)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from extractors.confidence import (
    Absence,
    Grammar,
    RuleStrength,
    absent_confidence,
    fuse_confidence,
)

ocr = st.lists(st.floats(0.0, 1.0), max_size=8)


@given(st.sampled_from(list(RuleStrength)), st.sampled_from(list(Grammar)), ocr)
def test_fused_confidence_is_a_probability(rule: RuleStrength, grammar: Grammar, confs) -> None:
    assert 0.0 <= fuse_confidence(rule, grammar, confs) <= 1.0


@given(ocr, st.floats(0.0, 1.0))
def test_worse_ocr_never_raises_confidence(confs, worse: float) -> None:
    better = fuse_confidence(RuleStrength.LABEL_RIGHT, Grammar.VALID, [*confs, 1.0])
    shakier = fuse_confidence(RuleStrength.LABEL_RIGHT, Grammar.VALID, [*confs, worse])
    assert shakier <= better


def test_stronger_rule_and_clean_grammar_score_higher() -> None:
    assert fuse_confidence(RuleStrength.LABEL_RIGHT, Grammar.VALID) > fuse_confidence(
        RuleStrength.LABEL_LOOSE, Grammar.VALID
    )
    assert fuse_confidence(RuleStrength.LABEL_RIGHT, Grammar.VALID) > fuse_confidence(
        RuleStrength.LABEL_RIGHT, Grammar.DOUBTFUL
    )
    assert absent_confidence(Absence.NO_LABEL, 0.6) < absent_confidence(Absence.NO_LABEL, 1.0)
