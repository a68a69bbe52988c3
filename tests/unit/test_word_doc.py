"""Word doc: one token per word with page, box and confidence; labels marked with their rule."""

from __future__ import annotations

from extractors.word_doc import build_word_doc, labels, make_nlp, norm_word
from tests.unit.placed_words import page


def test_norms_ignore_case_punctuation_and_ocr_digits() -> None:
    assert norm_word("No.:") == "no"
    assert norm_word("#") == "#"
    assert norm_word("Loss:") == "loss"
    assert norm_word("Policy#") == "policy"
    assert norm_word("P0licy") == "policy"
    assert norm_word("PA-1002") == "pa-1002"


def test_one_token_per_word_with_geometry() -> None:
    pages = [
        page((50, 100, "Policy No.: PA-1"), confidence=0.8),
        page((50, 200, "Date of Loss 3/14/26"), number=2),
    ]
    doc = build_word_doc(pages, ("claim_form",))
    assert [t.text for t in doc] == ["Policy", "No.:", "PA-1", "Date", "of", "Loss", "3/14/26"]
    assert doc[2]._.page == 1 and doc[3]._.page == 2
    assert doc[0]._.ocr_conf == 0.8
    assert doc[0]._.bbox[1] == 100
    assert doc[0]._.line_key == doc[2]._.line_key != doc[3]._.line_key


def test_labels_carry_field_and_rule_id() -> None:
    doc = build_word_doc([page((50, 100, "POLICY NO.: PA-1"), (300, 100, "DOL: 3/14/26"))],
                         ("claim_form",))  # fmt: skip
    found = {(s.label_, s.id_) for s in labels(doc)}
    assert ("policy_number", "policy_number/policy no") in found
    assert ("date_of_loss", "date_of_loss/dol") in found


def test_a_label_word_inside_a_sentence_is_not_a_label() -> None:
    doc = build_word_doc(
        [page((50, 100, "Description of Loss:"), (50, 112, "The insured vehicle location was icy"))],
        ("claim_form",),
    )
    assert [s.label_ for s in labels(doc)] == ["loss_description"]


def test_empty_pages_give_an_empty_doc() -> None:
    doc = build_word_doc([page()], ("claim_form",))
    assert len(doc) == 0 and labels(doc) == []


def test_nlp_is_built_once() -> None:
    assert make_nlp(("claim_form",)) is make_nlp(("claim_form",))


def test_section_headings_are_marked_apart_from_labels() -> None:
    doc = build_word_doc(
        [page((50, 80, "INSURED"), (50, 100, "Name:"), (120, 100, "Acme Bakery"))],
        ("claim_form",),
    )
    assert [s.label_ for s in labels(doc, "sections")] == ["insured"]
    assert [s.label_ for s in labels(doc)] == ["insured_name", "generic:name"]


def test_vocabulary_without_labels_is_tolerated() -> None:
    # A loss-run column vocabulary keeps its phrases under "columns".
    doc = build_word_doc([page((50, 100, "Claim Number"), (200, 100, "Paid"))], None)
    assert {"claim_number", "paid"} <= {s.label_ for s in labels(doc)}
