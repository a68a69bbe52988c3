"""Select files from the committed sample corpus by what their truth says, never by name."""

from __future__ import annotations

import json
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "sample_docs" / "corpus"


def truth_of(pdf: Path) -> dict:
    return json.loads(pdf.with_name(pdf.stem + ".truth.json").read_text(encoding="utf-8"))


def corpus_files(*, variant: str | None = None, quarantined: bool | None = None) -> list[Path]:
    selected = []
    for pdf in sorted(CORPUS.glob("*.pdf")):
        if not pdf.with_name(pdf.stem + ".truth.json").exists():
            continue
        truth = truth_of(pdf)
        is_bad = truth.get("status") == "quarantined"
        if quarantined is not None and is_bad != quarantined:
            continue
        if variant is not None and truth.get("variant") != variant:
            continue
        selected.append(pdf)
    return selected


def twin_pairs() -> list[tuple[Path, Path]]:
    """(digital, scanned) files whose truth documents are identical: the same content printed
    and scanned."""
    digital = {json.dumps(truth_of(p)["documents"], sort_keys=True): p for p in corpus_files(variant="digital")}
    pairs = []
    for scanned in corpus_files(variant="scanned"):
        key = json.dumps(truth_of(scanned)["documents"], sort_keys=True)
        if key in digital:
            pairs.append((digital[key], scanned))
    return pairs
