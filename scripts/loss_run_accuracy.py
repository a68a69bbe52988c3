"""Measure classification/splitting and loss-run extraction against a corpus with truth files.

    .venv/bin/python scripts/loss_run_accuracy.py [CORPUS_DIR] [--ocr-cache DIR] [-v]

Runs load -> page words -> split_documents on every NAME.pdf that has NAME.truth.json, prints
doc-type and split accuracy, then runs `extract_loss_run` on each true loss-run page range and
prints per-field accuracy (digital and scanned apart) and, with -v, every wrong value.
A development aid, not a test: `claimdocs eval` is the project's scorer.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

from extractors.loss_run import extract_loss_run
from pipeline.classify import split_documents
from pipeline.contract import CLAIM_ROW_FIELDS, LOSS_RUN_FIELDS, FieldValue
from pipeline.evaluate import values_match
from pipeline.load import QuarantineError, load_pdf
from pipeline.page_words import OcrOptions, read_page_words


def _value(field: object) -> str | None:
    return field.value if isinstance(field, FieldValue) else None


def _score(tally: Counter, key: str, kind, predicted: str | None, true: str | None, wrong: list):
    if true is None and predicted is None:
        tally[(key, "right")] += 1
    elif true is not None and predicted is not None and values_match(kind, predicted, true):
        tally[(key, "right")] += 1
    else:
        tally[(key, "wrong")] += 1
        wrong.append((key, predicted, true))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("corpus", type=Path, nargs="?", default=Path("sample_docs/corpus"))
    parser.add_argument("--ocr-cache", type=Path, default=None, help="OCR cache directory")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()

    options = OcrOptions(cache_dir=args.ocr_cache) if args.ocr_cache else OcrOptions()
    files = doc_right = doc_total = split_right = 0
    tallies: dict[str, Counter] = defaultdict(Counter)
    rows_found: dict[str, Counter] = defaultdict(Counter)
    for truth_path in sorted(args.corpus.glob("*.truth.json")):
        truth = json.loads(truth_path.read_text())
        if truth.get("status") == "quarantined":
            continue
        pdf_path = truth_path.with_name(truth_path.name.replace(".truth.json", ".pdf"))
        try:
            pages = read_page_words(load_pdf(pdf_path), options)
        except QuarantineError as error:
            print(f"{pdf_path.name}: quarantined ({error.reason}) but truth has documents")
            continue
        files += 1
        spans = split_documents(pages)
        predicted = [(s.page_start, s.page_end, s.doc_type.value) for s in spans]
        expected = [(d["page_start"], d["page_end"], d["doc_type"]) for d in truth["documents"]]
        split_right += predicted == expected
        doc_total += len(expected)
        doc_right += sum(1 for e in expected if e in predicted)
        if predicted != expected:
            confidences = [round(s.confidence, 3) for s in spans]
            print(f"SPLIT {pdf_path.name}: predicted {predicted} {confidences} expected {expected}")

        variant = truth.get("variant", "digital")
        for document in truth["documents"]:
            if document["doc_type"] != "loss_run":
                continue
            doc_pages = pages[document["page_start"] - 1 : document["page_end"]]
            fields = extract_loss_run(doc_pages)
            true_fields = document["fields"]
            wrong: list = []
            tally = tallies[variant]
            for name, kind in LOSS_RUN_FIELDS.items():
                _score(tally, name, kind, _value(fields.get(name)), true_fields.get(name), wrong)
            predicted_rows = {
                (_value(row.get("claim_number")) or "").upper(): row for row in fields["claims"]
            }
            true_rows = true_fields.get("claims", [])
            counts = rows_found[variant]
            counts["expected"] += len(true_rows)
            counts["predicted"] += len(predicted_rows)
            for true_row in true_rows:
                row = predicted_rows.get(true_row["claim_number"].upper())
                if row is None:
                    counts["missed"] += 1
                    wrong.append(("claims[]", None, true_row["claim_number"]))
                    continue
                counts["paired"] += 1
                for name, kind in CLAIM_ROW_FIELDS.items():
                    _score(
                        tally,
                        f"claims.{name}",
                        kind,
                        _value(row.get(name)),
                        true_row.get(name),
                        wrong,
                    )
            true_numbers = {r["claim_number"].upper() for r in true_rows}
            for number in predicted_rows:
                if number not in true_numbers:
                    counts["extra"] += 1
                    wrong.append(("claims[]", number, None))
            if wrong and args.verbose:
                print(f"  {pdf_path.name} p{document['page_start']}-{document['page_end']}:")
                for key, got, want in wrong:
                    print(f"    {key}: got {got!r} want {want!r}")

    print()
    print(f"files {files}: split exactly right {split_right}/{files}")
    print(f"documents: type and page range right {doc_right}/{doc_total}")
    for variant, tally in sorted(tallies.items()):
        counts = rows_found[variant]
        print(
            f"\nloss runs ({variant}): rows expected {counts['expected']}, paired "
            f"{counts['paired']}, missed {counts['missed']}, extra {counts['extra']}"
        )
        keys = sorted({key for key, _ in tally})
        total_right = sum(tally[(k, "right")] for k in keys)
        total = sum(tally[(k, "right")] + tally[(k, "wrong")] for k in keys)
        for key in keys:
            right, bad = tally[(key, "right")], tally[(key, "wrong")]
            print(f"  {key:24s} {right:4d}/{right + bad:<4d} {right / (right + bad):6.1%}")
        print(f"  {'all fields':24s} {total_right:4d}/{total:<4d} {total_right / total:6.1%}")


if __name__ == "__main__":
    main()
